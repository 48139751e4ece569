#include "scenarios.hpp"

#include <algorithm>
#include <array>
#include <ctime>

#include <nlohmann/json.hpp>

namespace onorder::mock {
namespace {

constexpr std::string_view redirect_target = "/redirected/2.5/sp_spec/order/";

constexpr std::string_view html_error_page =
    "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n"
    "<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n"
    "</body>\r\n</html>\r\n";

// Error bodies carry a "cause" (spec/responses.md); 400 adds a customer "message" (spec/order.md).
constexpr std::array scenario_table{
    Scenario{.name = "mock-activated",
             .body = R"({"status":"ACTIVATED","message":"Thank you! Your service is now active."})",
             .summary = "200 ACTIVATED (the default for any other offeringId)"},
    Scenario{
        .name = "mock-received",
        .body =
            R"({"status":"RECEIVED","message":"Thank you! Your order has been received and the service will be delivered as requested."})",
        .summary = "200 RECEIVED"},
    Scenario{.name = "mock-no-message",
             .body = R"({"status":"ACTIVATED"})",
             .summary = "200 ACTIVATED without a message"},
    Scenario{.name = "mock-rejected-bare",
             .body = R"({"status":"REJECTED","message":null})",
             .summary = "200 REJECTED with a null message"},
    Scenario{
        .name = "mock-rejected",
        .body =
            R"({"status":"REJECTED","message":"We are sorry, the offering is not available at your address."})",
        .summary = "200 REJECTED"},
    Scenario{
        .name = "mock-400",
        .http_status = 400,
        .body =
            R"({"cause":"Unknown service: 'mock-400'","message":"The service you ordered is not available. Please contact customer service."})",
        .summary = "400 with cause and message"},
    Scenario{
        .name = "mock-400-echo",
        .http_status = 400,
        .body =
            R"({"cause":"Customer {pin} already has this service; so has organisation 556677-8899","message":"The customer with identity number {pin} already has this service."})",
        .echoes_identity_number = true,
        .summary = "400 whose cause and message repeat the order's identity number in full"},
    Scenario{.name = "mock-400-cause",
             .http_status = 400,
             .body = R"({"cause":"Another Service of ServiceType 'Broadband' is already active."})",
             .summary = "400 with a cause only"},
    Scenario{.name = "mock-401",
             .http_status = 401,
             .body = R"({"cause":"Invalid credentials"})",
             .summary = "401 with WWW-Authenticate"},
    Scenario{.name = "mock-403",
             .http_status = 403,
             .body = R"({"cause":"Not allowed with current credentials"})",
             .summary = "403"},
    Scenario{.name = "mock-404",
             .http_status = 404,
             .body = R"({"cause":"Object not found: no such access"})",
             .summary = "404"},
    Scenario{.name = "mock-409",
             .http_status = 409,
             .body = R"({"cause":"ServiceType is already claimed by other Service Provider."})",
             .summary = "409"},
    Scenario{.name = "mock-429",
             .http_status = 429,
             .body = R"({"cause":"Too many requests"})",
             .retry_after = RetryAfter::seconds,
             .summary = "429 with Retry-After, every time"},
    Scenario{.name = "mock-429-once",
             .http_status = 429,
             .body = R"({"cause":"Too many requests"})",
             .retry_after = RetryAfter::seconds,
             .first_post_only = true,
             .summary = "429 with Retry-After to an order's first POST, then ACTIVATED"},
    Scenario{.name = "mock-429-date-once",
             .http_status = 429,
             .body = R"({"cause":"Too many requests"})",
             .retry_after = RetryAfter::http_date,
             .first_post_only = true,
             .summary =
                 "429 with an HTTP-date Retry-After to an order's first POST, then ACTIVATED"},
    Scenario{.name = "mock-500",
             .http_status = 500,
             .body = R"({"cause":"An unknown error has occurred. Error number 12345"})",
             .summary = "500"},
    Scenario{.name = "mock-502",
             .http_status = 502,
             .body = R"({"cause":"Bad gateway: the order system did not answer"})",
             .summary = "502 with a JSON cause"},
    Scenario{.name = "mock-503",
             .http_status = 503,
             .body = R"({"cause":"Service temporarily unavailable"})",
             .retry_after = RetryAfter::seconds,
             .summary = "503 with Retry-After, every time"},
    Scenario{.name = "mock-503-once",
             .http_status = 503,
             .body = R"({"cause":"Service temporarily unavailable"})",
             .retry_after = RetryAfter::seconds,
             .first_post_only = true,
             .summary = "503 with Retry-After to an order's first POST, then ACTIVATED"},
    Scenario{.name = "mock-504",
             .http_status = 504,
             .body = R"({"cause":"Gateway timeout: the order system did not answer in time"})",
             .summary = "504"},
    Scenario{.name = "mock-slow",
             .body = R"({"status":"ACTIVATED","message":"Thank you! Your service is now active."})",
             .behaviour = Behaviour::slow,
             .summary = "waits --delay-ms (default 3000), then 200 ACTIVATED"},
    Scenario{.name = "mock-drop",
             .behaviour = Behaviour::drop,
             .summary = "reads and counts the order, then closes the connection without answering"},
    Scenario{.name = "mock-cut-headers",
             .body = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n",
             .behaviour = Behaviour::cut_short,
             .summary = "reads and counts the order, sends a status line and one header, then "
                        "closes the connection (plain HTTP)"},
    Scenario{.name = "mock-html",
             .http_status = 502,
             .body = html_error_page,
             .content_type = "text/html",
             .summary = "502 with an HTML page, as a proxy sends"},
    Scenario{.name = "mock-garbage",
             .body = "Thank you for your order! <b>It will be processed.</b>",
             .summary = "200 with a body that is not JSON (Content-Type still application/json)"},
    Scenario{.name = "mock-truncated",
             .body = R"({"status":"ACTIV)",
             .summary = "200 with truncated JSON"},
    Scenario{.name = "mock-bad-shape",
             .body = R"({"status":5,"message":"x"})",
             .summary = "200 with a status that is not a string"},
    Scenario{.name = "mock-unknown-status",
             .body =
                 R"({"status":"PENDING","message":"Your order is waiting for manual handling."})",
             .summary = "200 with status PENDING, which the spec does not define"},
    Scenario{.name = "mock-oversized",
             .behaviour = Behaviour::oversized,
             .summary = "200 ACTIVATED whose message makes the body 10 MiB"},
    Scenario{.name = "mock-redirect",
             .http_status = 307,
             .body = R"({"cause":"The order endpoint has moved temporarily"})",
             .location = redirect_target,
             .summary = "307 to /redirected/2.5/sp_spec/order/, which answers ACTIVATED"},
    Scenario{.name = "mock-302",
             .http_status = 302,
             .body = R"({"cause":"The order endpoint has moved temporarily"})",
             .location = redirect_target,
             .summary = "302 to /redirected/2.5/sp_spec/order/, which answers ACTIVATED"},
};

const std::string& oversized_body() {
    static const std::string body = [] {
        constexpr std::size_t size = std::size_t{10} * 1024 * 1024;
        const std::string head = R"({"status":"ACTIVATED","message":")";
        const std::string tail = R"("})";
        return head + std::string(size - head.size() - tail.size(), 'x') + tail;
    }();
    return body;
}

// Whole seconds are truncated, so adding 2 s lands 1–2 s ahead of now.
std::string http_date_in_two_seconds() {
    const std::time_t when = std::time(nullptr) + 2;
    std::tm utc{};
    gmtime_r(&when, &utc);
    std::array<char, 64> text{};
    // The C locale is never changed, so %a and %b are the English names HTTP requires.
    const std::size_t length =
        std::strftime(text.data(), text.size(), "%a, %d %b %Y %H:%M:%S GMT", &utc);
    return std::string(text.data(), length);
}

// The order's number as an SP that echoes it writes it: in full, JSON-escaped.
std::string replace_pin(std::string body, std::string_view identity_number) {
    const std::string pin = nlohmann::json(std::string(identity_number)).dump();
    const std::string_view unquoted = std::string_view(pin).substr(1, pin.size() - 2);
    constexpr std::string_view placeholder = "{pin}";
    for (std::size_t at = body.find(placeholder); at != std::string::npos;
         at = body.find(placeholder, at + unquoted.size()))
        body.replace(at, placeholder.size(), unquoted);
    return body;
}

} // namespace

std::span<const Scenario> all_scenarios() {
    return scenario_table;
}

const Scenario* find_scenario(std::string_view name) {
    const auto found = std::find_if(scenario_table.begin(), scenario_table.end(),
                                    [&](const Scenario& s) { return s.name == name; });
    return found == scenario_table.end() ? nullptr : &*found;
}

const Scenario& default_scenario() {
    return scenario_table.front();
}

std::vector<std::string> scenario_names() {
    std::vector<std::string> names;
    names.reserve(scenario_table.size());
    for (const Scenario& scenario : scenario_table)
        names.emplace_back(scenario.name);
    return names;
}

Answer make_answer(const Scenario& chosen, const AnswerSettings& settings,
                   std::size_t posts_of_this_order, std::string_view identity_number) {
    const Scenario& scenario =
        chosen.first_post_only && posts_of_this_order > 1 ? default_scenario() : chosen;
    Answer answer;
    answer.http_status = scenario.http_status;
    answer.behaviour = scenario.behaviour;
    answer.scenario = scenario.name;
    answer.content_type =
        scenario.content_type.empty() ? "application/json" : std::string(scenario.content_type);
    answer.body =
        scenario.behaviour == Behaviour::oversized ? oversized_body() : std::string(scenario.body);
    if (scenario.echoes_identity_number)
        answer.body = replace_pin(answer.body, identity_number);
    if (scenario.http_status == 401)
        answer.headers.emplace_back("WWW-Authenticate", R"(Basic realm="onorder-mock-sp")");
    if (!scenario.location.empty())
        answer.headers.emplace_back("Location", std::string(scenario.location));
    switch (scenario.retry_after) {
    case RetryAfter::none:
        break;
    case RetryAfter::seconds:
        answer.headers.emplace_back("Retry-After", settings.retry_after);
        break;
    case RetryAfter::http_date:
        answer.headers.emplace_back("Retry-After", http_date_in_two_seconds());
        break;
    }
    return answer;
}

} // namespace onorder::mock
