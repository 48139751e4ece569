#include "routes.hpp"

#include "bad_request.hpp"

#include <onorder/fingerprint.hpp>
#include <onorder/reader.hpp>
#include <onorder/validate.hpp>

#include <exception>
#include <thread>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace onorder::mock {
namespace {

using httplib::Request;
using httplib::Response;
using nlohmann::json;

// spec/endpoints.md; the order path of spec/order.md, with or without its trailing slash.
const char* const endpoints_pattern = R"(/2\.5/?)";
const char* const order_pattern = R"(/2\.5/sp_spec/order/?)";
// Where mock-redirect and mock-302 send the client: a different path, so that the re-POSTed
// order (same offeringId) is not redirected again.
const char* const redirected_order_pattern = R"(/redirected/2\.5/sp_spec/order/?)";
constexpr std::string_view api_prefix = "/2.5/";
constexpr std::string_view control_prefix = "/_mock/";

const json& endpoints_list() {
    static const json list = json::array({{
        {"name", "order"},
        {"endpoint", "/2.5/sp_spec/order/"},
        {"version", "2.5"},
        {"documentation", "https://github.com/on-api/on-api/blob/master/spec_sp/order.md"},
    }});
    return list;
}

void answer_json(Response& response, int http_status, const json& body) {
    response.status = http_status;
    response.set_content(body.dump(), "application/json");
}

std::optional<std::string> string_at(const json& document, const char* pointer) {
    const json::json_pointer where(pointer);
    if (!document.contains(where) || !document.at(where).is_string())
        return std::nullopt;
    return document.at(where).get<std::string>();
}

std::string status_field(const std::string& body) {
    const json answer = json::parse(body, nullptr, false);
    if (!answer.is_object() || !answer.contains("status"))
        return "-";
    const json& status = answer["status"];
    return status.is_string() ? status.get<std::string>() : status.dump();
}

std::string refusal_cause(const Request& request, const Response& response) {
    switch (response.status) {
    case 400:
        return "Bad request";
    case 413:
        // httplib caps form bodies at 8 KiB, far below its cap for other types: curl's -d sends
        // an order as a form unless told otherwise.
        return request.get_header_value("Content-Type") == "application/x-www-form-urlencoded"
                   ? "Payload too large for application/x-www-form-urlencoded; send "
                     "Content-Type: application/json"
                   : fmt::format("Payload too large: over {} bytes", max_payload_bytes);
    case 414:
        return "URI too long";
    default:
        return fmt::format("HTTP {}", response.status);
    }
}

std::string describe(const std::exception_ptr& error) {
    try {
        std::rethrow_exception(error);
    } catch (const std::exception& e) {
        return e.what();
    } catch (...) {
        return "unknown exception";
    }
}

} // namespace

Routes::Routes(const ServerSettings& settings, httplib::Server& server)
    : settings_(settings), log_(!settings.quiet), load_(settings.load) {
    server.Get(endpoints_pattern, authenticated([this](const Request&, Response& response) {
                   if (settings_.endpoints_body)
                       response.set_content(*settings_.endpoints_body, "application/json");
                   else
                       answer_json(response, 200, endpoints_list());
                   return std::string();
               }));
    server.Post(order_pattern, open([this](const Request& request, Response& response) {
                    return post_order(request, response, false);
                }));
    server.Post(redirected_order_pattern, open([this](const Request& request, Response& response) {
                    return post_order(request, response, true);
                }));
    // Test controls: no credentials, so a test can read them whatever the server demands.
    server.Get("/_mock/received", open([this](const Request&, Response& response) {
                   answer_json(response, 200, counters_.snapshot());
                   return std::string();
               }));
    server.Post("/_mock/reset", open([this](const Request&, Response& response) {
                    counters_.reset();
                    answer_json(response, 200, counters_.snapshot());
                    return std::string();
                }));
    server.set_pre_routing_handler([this](const Request& request, Response& response) {
        connections_.request_started(request);
        if (settings_.misbehaviours.before(request, response, settings_.answers.delay)) {
            log_.write(request, response.status, "misbehaving");
            return HandlerResponse::Handled;
        }
        return without_length(request, response);
    });
    server.set_post_routing_handler([this](const Request& request, Response& response) {
        settings_.misbehaviours.after(request, response);
    });
    server.set_logger(
        [this](const Request& request, const Response&) { connections_.answer_written(request); });
    server.set_error_handler(
        httplib::Server::HandlerWithResponse([this](const Request& request, Response& response) {
            return on_error(request, response);
        }));
    server.set_exception_handler(
        [this](const Request& request, Response& response, const std::exception_ptr& error) {
            answer_json(response, 500, {{"cause", "Internal error: " + describe(error)}});
            log_.write(request, 500, "internal error");
        });
}

httplib::Server::Handler Routes::open(Route route) {
    return [this, route = std::move(route)](const Request& request, Response& response) {
        const std::string detail = route(request, response);
        log_.write(request, response.status, detail);
    };
}

httplib::Server::Handler Routes::authenticated(Route route) {
    return open([this, route = std::move(route)](const Request& request, Response& response) {
        return authorize(request, response) ? route(request, response) : std::string();
    });
}

// Answers 401 and returns false when the credentials are missing or wrong.
bool Routes::authorize(const Request& request, Response& response) const {
    const AuthResult result = settings_.auth.check(request.get_header_value("Authorization"));
    if (result == AuthResult::ok)
        return true;
    response.set_header("WWW-Authenticate", std::string(auth_challenge));
    answer_json(
        response, 401,
        {{"cause", result == AuthResult::missing ? "Missing credentials" : "Invalid credentials"}});
    return false;
}

std::string Routes::post_order(const Request& request, Response& response, bool redirected) {
    OrderText text;
    text.source = "body"; // syntax errors read "body:1:2: …"
    text.line = 1;
    text.text = request.body;
    const ParsedOrder parsed = parse_order(text);
    std::optional<std::string> order_fingerprint;
    if (parsed.document)
        order_fingerprint = fingerprint(*parsed.document);
    // Counted before anything is answered, 401s included: a test proves "sent exactly once" (or
    // "not sent again after a 401") from these numbers.
    const std::size_t posts = counters_.count(
        order_fingerprint,
        parsed.document ? string_at(*parsed.document, "/coAccessId") : std::nullopt);
    std::string detail = order_fingerprint
                             ? fmt::format("order={} post={}", *order_fingerprint, posts)
                             : std::string("order=(not JSON)");

    load_.wait_latency();
    if (const std::optional<Answer> refusal = load_.storm_refusal()) {
        counters_.refused_by_storm();
        return respond(request, response, *refusal, detail + " refused by --storm");
    }
    if (!authorize(request, response))
        return detail;
    if (!parsed.document) {
        Problem syntax_error;
        syntax_error.message = "not JSON";
        answer_json(response, 400, malformed_json_answer(parsed.problem.value_or(syntax_error)));
        return detail + " malformed JSON";
    }
    const Validation validation = validate_order(*parsed.document, ValidationOptions{});
    if (!validation.valid()) {
        const Problem& first = validation.errors.front();
        answer_json(response, 400, invalid_order_answer(first));
        return fmt::format("{} invalid {} ({})", detail, log_.client_text(dotted_path(first.path)),
                           first.rule);
    }
    counters_.count_valid();

    const std::optional<std::string> offering =
        string_at(*parsed.document, "/products/0/offeringId");
    const Scenario& scenario = redirected ? default_scenario() : choose_scenario(offering);
    Answer answer = make_answer(
        scenario, settings_.answers, posts,
        string_at(*parsed.document, "/customerDetails/personalIdentityNumber").value_or(""));
    // A redirect, 429 and 503 say "not processed here": the order has not reached the SP's
    // order system (DESIGN §5).
    if (answer.http_status / 100 != 3 && answer.http_status != 429 && answer.http_status != 503) {
        counters_.processed(order_fingerprint);
        if (load_.drop_after_processing())
            answer.behaviour = Behaviour::drop;
    }
    detail += fmt::format(" offeringId={} scenario={}", log_.client_text(offering.value_or("-")),
                          answer.scenario);
    return respond(request, response, answer, std::move(detail));
}

// An offeringId that names a scenario wins over --scenario, so one server can mix them.
const Scenario& Routes::choose_scenario(const std::optional<std::string>& offering) const {
    if (offering)
        if (const Scenario* named = find_scenario(*offering))
            return *named;
    return settings_.forced_scenario ? *settings_.forced_scenario : default_scenario();
}

std::string Routes::respond(const Request& request, Response& response, const Answer& answer,
                            std::string detail) {
    switch (answer.behaviour) {
    case Behaviour::drop:
        counters_.dropped();
        return detail + (drop_connection(request) ? " dropped, no answer"
                                                  : " could not drop the connection");
    case Behaviour::cut_short:
        counters_.dropped();
        return detail + (drop_connection(request, answer.body) ? " dropped in the headers"
                                                               : " could not drop the connection");
    case Behaviour::slow:
        std::this_thread::sleep_for(settings_.answers.delay);
        break;
    case Behaviour::answer:
    case Behaviour::oversized:
        break;
    }
    response.status = answer.http_status;
    for (const auto& [name, value] : answer.headers)
        response.set_header(name, value);
    response.set_content(answer.body, answer.content_type);
    if (answer.http_status / 100 == 2)
        counters_.answered_2xx();
    if (log_.enabled() && answer.http_status == 200 && answer.behaviour != Behaviour::oversized)
        detail += " status=" + status_field(answer.body);
    return detail;
}

// httplib 0.11 reads the body of a POST without Content-Length or chunked encoding until the
// client closes (RFC 9112 §6.3 says it is empty), so such requests are answered before that.
Routes::HandlerResponse Routes::without_length(const Request& request, Response& response) {
    const bool has_body_method =
        request.method == "POST" || request.method == "PUT" || request.method == "PATCH";
    if (!has_body_method || request.has_header("Content-Length") ||
        request.has_header("Transfer-Encoding"))
        return HandlerResponse::Unhandled;
    if (request.path == "/_mock/reset") {
        counters_.reset();
        answer_json(response, 200, counters_.snapshot());
    } else {
        answer_json(response, 411, {{"cause", "Length required: send Content-Length"}});
    }
    log_.write(request, response.status, "");
    return HandlerResponse::Handled;
}

// httplib calls this for every answer of 400 or more, ours too: those already have a body.
Routes::HandlerResponse Routes::on_error(const Request& request, Response& response) const {
    if (!response.body.empty())
        return HandlerResponse::Unhandled;
    if (response.status == 404) // no route matched
        answer_no_route(request, response);
    else // httplib's own refusals: a bad request line, a body over the limit, …
        answer_json(response, response.status, {{"cause", refusal_cause(request, response)}});
    log_.write(request, response.status, "");
    return HandlerResponse::Handled;
}

void Routes::answer_no_route(const Request& request, Response& response) const {
    const std::string_view path = request.path;
    // Credentials come first, as on any SP endpoint; the test controls need none.
    if (!path.starts_with(control_prefix) && !authorize(request, response))
        return;
    if (path.starts_with(api_prefix)) // spec/responses.md: 501 for unknown API endpoints
        answer_json(response, 501,
                    {{"cause", fmt::format("Not implemented: {} {}", request.method, path)}});
    else
        answer_json(response, 404, {{"cause", fmt::format("No such endpoint: {}", path)}});
}

} // namespace onorder::mock
