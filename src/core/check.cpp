#include <onorder/check.hpp>

#include <onorder/endpoints.hpp>
#include <onorder/helpers.hpp>
#include <onorder/response.hpp>
#include <onorder/url.hpp>

#include <algorithm>
#include <array>

#include <curl/curl.h>
#include <fmt/format.h>

namespace onorder {

namespace {

using nlohmann::json;

constexpr std::size_t excerpt_chars = 120;

Judgement pass(std::string detail) {
    return {ProbeStatus::pass, std::move(detail)};
}
Judgement warn(std::string detail) {
    return {ProbeStatus::warn, std::move(detail)};
}
Judgement fail(std::string detail) {
    return {ProbeStatus::fail, std::move(detail)};
}

bool answered(const HttpExchange& exchange) {
    return exchange.reach == HttpExchange::Reach::answered;
}

std::string no_answer(const HttpExchange& exchange, const JudgeContext& context) {
    return fmt::format("no answer: {}", context.redactor->display(exchange.curl_error, 200));
}

std::string header(const HttpExchange& exchange, std::string_view name) {
    for (const auto& [key, value] : exchange.headers)
        if (iequals(key, name))
            return value;
    return {};
}

// The string member `field` of a JSON object body; nullopt when absent or not a string.
std::optional<std::string> text_field(const HttpExchange& exchange, const char* field) {
    const json body = json::parse(exchange.body, nullptr, false);
    if (!body.is_object())
        return std::nullopt;
    const auto found = body.find(field);
    if (found == body.end() || !found->is_string())
        return std::nullopt;
    return found->get<std::string>();
}

bool json_object_body(const HttpExchange& exchange) {
    return json::parse(exchange.body, nullptr, false).is_object();
}

std::string got(const HttpExchange& exchange) {
    return fmt::format("{} {}", exchange.http_status, status_meaning(exchange.http_status));
}

// What a body that lacks `cause` is, for a detail line.
std::string body_kind(const HttpExchange& exchange, const JudgeContext& context) {
    if (exchange.body.empty())
        return "an empty body";
    if (!json_object_body(exchange)) {
        const std::string type = header(exchange, "Content-Type");
        return fmt::format("a body that is not a JSON object ({})",
                           type.empty() ? "no Content-Type" : context.redactor->display(type, 60));
    }
    return "a JSON body without a \"cause\" string";
}

// A 4xx/5xx answer of one of `statuses`, whose body is a JSON object with a `cause` string.
Judgement error_with_cause(const HttpExchange& exchange, const JudgeContext& context,
                           std::initializer_list<long> statuses, std::string_view wanted) {
    if (!answered(exchange))
        return fail(no_answer(exchange, context));
    if (std::find(statuses.begin(), statuses.end(), exchange.http_status) == statuses.end())
        return fail(fmt::format("{} instead of {}", got(exchange), wanted));
    const auto cause = text_field(exchange, "cause");
    if (!cause)
        return fail(fmt::format("{}, but {}", got(exchange), body_kind(exchange, context)));
    return pass(fmt::format("{}, cause: {}", got(exchange),
                            context.redactor->display(*cause, excerpt_chars)));
}

// --- the judges, one per probe -------------------------------------------------------------

Judgement judge_tls(const HttpRequest& request, const HttpExchange& exchange,
                    const JudgeContext& context) {
    if (!iequals(request.url.substr(0, 8), "https://"))
        return fail("the URL is plain http://: no TLS at all");
    if (!answered(exchange) && exchange.reach == HttpExchange::Reach::not_sent)
        return fail(fmt::format("no TLS connection: {}",
                                context.redactor->display(exchange.curl_error, 200)));
    if (!answered(exchange))
        return fail(no_answer(exchange, context));
    const std::string& version = exchange.tls_version;
    const std::string protocol = exchange.protocol.empty() ? "HTTP/?" : exchange.protocol;
    // RFC 8996: TLS 1.0 and 1.1 are deprecated; SSL is long gone.
    if (version.empty())
        return warn(fmt::format("{}; the TLS version could not be read", protocol));
    if (version != "TLSv1.2" && version != "TLSv1.3")
        return fail(fmt::format("{} over {}: older than TLS 1.2 (RFC 8996)", protocol, version));
    if (context.insecure)
        return warn(
            fmt::format("{}, {}, certificate NOT verified (--insecure)", version, protocol));
    return pass(fmt::format("{}, {}, certificate verified", version, protocol));
}

Judgement judge_plain_http(const HttpRequest&, const HttpExchange& exchange,
                           const JudgeContext& context) {
    if (!answered(exchange))
        return pass(
            fmt::format("refused ({})", context.redactor->display(exchange.curl_error, 120)));
    const long status = exchange.http_status;
    if (status >= 300 && status < 400) {
        if (iequals(exchange.location.substr(0, 8), "https://"))
            return pass(fmt::format("{}, redirected to {}", got(exchange),
                                    context.redactor->display(exchange.location, 120)));
        return warn(fmt::format("{}, but redirected to {} rather than https://", got(exchange),
                                context.redactor->display(exchange.location, 120)));
    }
    if (status < 300)
        return fail(fmt::format("{} over plain HTTP: the order endpoint is served without TLS",
                                got(exchange)));
    if (status == 401)
        return fail(fmt::format("{} over plain HTTP: it asks for credentials in clear text",
                                got(exchange)));
    return warn(fmt::format("{} over plain HTTP: answered instead of refused or redirected",
                            got(exchange)));
}

Judgement judge_endpoints(const HttpRequest&, const HttpExchange& exchange,
                          const JudgeContext& context) {
    if (!answered(exchange))
        return fail(no_answer(exchange, context));
    if (exchange.http_status != 200)
        return fail(fmt::format("{} instead of 200 with the list", got(exchange)));
    const EndpointList list = read_endpoint_list(exchange.body);
    if (!list.problems.empty()) {
        std::string problems;
        for (const auto& problem : list.problems)
            problems += (problems.empty() ? "" : "; ") + problem;
        return fail(context.redactor->display(problems, 300));
    }
    const auto order = std::find_if(list.endpoints.begin(), list.endpoints.end(),
                                    [](const Endpoint& e) { return e.name == "order"; });
    return pass(fmt::format("{} endpoint(s); order at {} (version {})", list.endpoints.size(),
                            context.redactor->display(order->endpoint, 100),
                            context.redactor->display(order->version, 20)));
}

Judgement judge_unauthorised(const HttpRequest&, const HttpExchange& exchange,
                             const JudgeContext& context) {
    if (!answered(exchange))
        return fail(no_answer(exchange, context));
    if (exchange.http_status != 401)
        return fail(fmt::format("{} instead of 401 Unauthorized", got(exchange)));
    // RFC 9110 §15.5.2: a 401 carries a WWW-Authenticate challenge.
    const std::string challenge = header(exchange, "WWW-Authenticate");
    if (challenge.empty())
        return warn(
            fmt::format("{} without a WWW-Authenticate header (RFC 9110 §15.5.2)", got(exchange)));
    if (!iequals(trim(challenge).substr(0, 5), "Basic"))
        return warn(fmt::format("{}, but the challenge is not Basic (RFC 7617): {}", got(exchange),
                                context.redactor->display(challenge, 80)));
    return pass(fmt::format("{}, WWW-Authenticate: {}", got(exchange),
                            context.redactor->display(challenge, 80)));
}

Judgement judge_malformed_json(const HttpRequest&, const HttpExchange& exchange,
                               const JudgeContext& context) {
    return error_with_cause(exchange, context, {400}, "400 Bad Request");
}

Judgement judge_bad_luhn(const HttpRequest&, const HttpExchange& exchange,
                         const JudgeContext& context) {
    Judgement judgement = error_with_cause(exchange, context, {400}, "400 Bad Request");
    if (judgement.status != ProbeStatus::pass)
        return judgement;
    // spec/order.md: data input errors add a message for the customer.
    const auto message = text_field(exchange, "message");
    if (!message)
        return fail(judgement.detail + "; no \"message\" for the customer");
    return pass(judgement.detail +
                fmt::format("; message: {}", context.redactor->display(*message, excerpt_chars)));
}

Judgement judge_missing_field(const HttpRequest&, const HttpExchange& exchange,
                              const JudgeContext& context) {
    Judgement judgement = error_with_cause(exchange, context, {400}, "400 Bad Request");
    if (judgement.status == ProbeStatus::pass && !text_field(exchange, "message"))
        return warn(judgement.detail + "; no \"message\" for the customer (spec/order.md)");
    return judgement;
}

Judgement judge_unknown_path(const HttpRequest&, const HttpExchange& exchange,
                             const JudgeContext& context) {
    return error_with_cause(exchange, context, {404, 501}, "404 Not Found or 501 Not Implemented");
}

Judgement judge_live_order(const HttpRequest&, const HttpExchange& exchange,
                           const JudgeContext& context) {
    if (!answered(exchange))
        return fail(no_answer(exchange, context) + " (check with the SP whether it was placed)");
    if (exchange.http_status != 200)
        return fail(fmt::format("{} instead of 200", got(exchange)));
    const auto status = text_field(exchange, "status");
    if (!status)
        return fail(fmt::format("{}, but {}", got(exchange),
                                json_object_body(exchange) ? "no \"status\" string"
                                                           : body_kind(exchange, context)));
    constexpr std::array<std::string_view, 3> statuses = {"ACTIVATED", "RECEIVED", "REJECTED"};
    if (std::find(statuses.begin(), statuses.end(), *status) == statuses.end())
        return fail(fmt::format("status {} is not one of ACTIVATED, RECEIVED, REJECTED",
                                context.redactor->display(*status, 40)));
    const auto message = text_field(exchange, "message");
    if (!message)
        return warn(fmt::format("status {}, no \"message\" for the customer", *status));
    return pass(fmt::format("status {}, message: {}", *status,
                            context.redactor->display(*message, excerpt_chars)));
}

// --- the summaries ---------------------------------------------------------------------------

// Answers from the SP's API: plain-http's may come from another server (a redirecting proxy).
bool from_the_api(const ProbeResult& result) {
    return result.sent && result.probe->target != Target::plain_http;
}

Judgement summarise_error_bodies(std::span<const ProbeResult> results,
                                 const JudgeContext& context) {
    std::string bad;
    std::string not_json_typed;
    int errors = 0;
    for (const ProbeResult& result : results) {
        const HttpExchange& exchange = result.exchange;
        if (!from_the_api(result) || !answered(exchange) || exchange.http_status < 400)
            continue;
        ++errors;
        if (!text_field(exchange, "cause"))
            bad += fmt::format("{}{} ({}: {})", bad.empty() ? "" : ", ", result.probe->name,
                               exchange.http_status, body_kind(exchange, context));
        else if (lower(header(exchange, "Content-Type")).find("json") == std::string::npos)
            not_json_typed +=
                (not_json_typed.empty() ? "" : ", ") + std::string(result.probe->name);
    }
    if (errors == 0)
        return {ProbeStatus::skip, "no error answers to judge"};
    if (!bad.empty())
        return fail("without a cause: " + bad);
    if (!not_json_typed.empty())
        return warn("a cause, but Content-Type is not JSON: " + not_json_typed);
    return pass(fmt::format("{} error answers, each JSON with a cause", errors));
}

Judgement summarise_response_time(std::span<const ProbeResult> results,
                                  const JudgeContext& context) {
    const ProbeResult* slowest = nullptr;
    std::string timed_out;
    for (const ProbeResult& result : results) {
        if (!from_the_api(result))
            continue;
        if (result.exchange.curl_code == CURLE_OPERATION_TIMEDOUT)
            timed_out += (timed_out.empty() ? "" : ", ") + std::string(result.probe->name);
        else if (answered(result.exchange) &&
                 (slowest == nullptr || result.exchange.elapsed > slowest->exchange.elapsed))
            slowest = &result;
    }
    const auto ms = [](std::chrono::milliseconds d) { return static_cast<long long>(d.count()); };
    if (!timed_out.empty())
        return fail(
            fmt::format("no answer within the {} ms timeout: {}", ms(context.timeout), timed_out));
    if (slowest == nullptr)
        return {ProbeStatus::skip, "no answers to time"};
    if (slowest->exchange.elapsed > context.warn_after)
        return warn(fmt::format("{} took {} ms, over {} ms (fail over the {} ms timeout)",
                                slowest->probe->name, ms(slowest->exchange.elapsed),
                                ms(context.warn_after), ms(context.timeout)));
    return pass(
        fmt::format("every answer within {} ms (slowest {} ms); fail over the {} ms timeout",
                    ms(context.warn_after), ms(slowest->exchange.elapsed), ms(context.timeout)));
}

// The table. Judges are above; what each sends is in Target/Credentials/Payload.
constexpr Probe probes[] = {
    {.name = "tls",
     .sends = "GET {url}/2.5/ over the URL's https:// connection",
     .expects = "TLS 1.2 or 1.3, certificate verified; the HTTP protocol is reported",
     .spec = "spec/general.md, General guidelines (a secure HTTP/TLS connection)",
     .target = Target::endpoints,
     .judge = judge_tls},
    {.name = "plain-http",
     .sends = "POST {} without credentials to the order URL with http:// in place of https://",
     .expects = "refused, or redirected to https:// — never 200",
     .spec = "spec/general.md, General guidelines (must be exposed through a secure HTTP/TLS "
             "connection)",
     .target = Target::plain_http,
     .credentials = Credentials::none,
     .payload = Payload::empty_object,
     .judge = judge_plain_http},
    {.name = "endpoints",
     .sends = "GET {url}/2.5/ with the credentials",
     .expects = "200 with a JSON list of endpoints, each with name, endpoint, version and "
                "documentation, one of them named \"order\"",
     .spec = "spec/endpoints.md, Endpoints API (mandatory) and Fields",
     .target = Target::endpoints,
     .judge = judge_endpoints},
    {.name = "no-credentials",
     .sends = "POST an invalid order (bad Luhn digit) without an Authorization header",
     .expects = "401 Unauthorized with a Basic WWW-Authenticate challenge",
     .spec = "spec/general.md, General guidelines (basic authentication, RFC 7617); "
             "spec/responses.md §401 Unauthorized",
     .target = Target::order,
     .credentials = Credentials::none,
     .payload = Payload::bad_luhn,
     .judge = judge_unauthorised},
    {.name = "wrong-credentials",
     .sends = "POST an invalid order (bad Luhn digit) with a wrong password",
     .expects = "401 Unauthorized with a Basic WWW-Authenticate challenge",
     .spec = "spec/responses.md §401 Unauthorized (invalid credentials)",
     .target = Target::order,
     .credentials = Credentials::wrong,
     .payload = Payload::bad_luhn,
     .judge = judge_unauthorised},
    {.name = "malformed-json",
     .sends = "POST an order cut off in the middle (not JSON)",
     .expects = "400 Bad Request, a JSON body with a cause",
     .spec = "spec/responses.md, Error handling and behaviour when creating an order (incorrect "
             "JSON); spec/order.md, Response (400)",
     .target = Target::order,
     .payload = Payload::malformed_json,
     .judge = judge_malformed_json},
    {.name = "bad-luhn",
     .sends = "POST an order whose personalIdentityNumber has a wrong check digit",
     .expects = "400 Bad Request with a cause and a message for the customer",
     .spec = "spec/order.md, Response (400: cause, message); spec/dataformats.md §identityNumber",
     .target = Target::order,
     .payload = Payload::bad_luhn,
     .judge = judge_bad_luhn},
    {.name = "missing-field",
     .sends = "POST an order without coAccessId (mandatory)",
     .expects = "400 Bad Request with a cause (and a message)",
     .spec = "spec/responses.md, Error handling and behaviour when creating an order (missing "
             "obligatory fields); spec/order.md, Response (400)",
     .target = Target::order,
     .payload = Payload::missing_field,
     .judge = judge_missing_field},
    {.name = "unknown-path",
     .sends = "GET {url}/2.5/onorder-check-no-such-endpoint/ with the credentials",
     .expects = "404 Not Found or 501 Not Implemented with a cause",
     .spec = "spec/responses.md §404 Not found, §501 Not implemented",
     .target = Target::unknown_path,
     .judge = judge_unknown_path},
    {.name = "live-order",
     .sends = "POST a valid order — a REAL order — with the credentials (only with --live)",
     .expects = "200 with a status ACTIVATED, RECEIVED or REJECTED and a message",
     .spec = "spec/order.md, Response (status, message)",
     .target = Target::order,
     .payload = Payload::valid_order,
     .live = true,
     .judge = judge_live_order},
    {.name = "error-bodies",
     .sends = "nothing: reads every 4xx/5xx answer of the probes above",
     .expects = "each a JSON object with a cause (Content-Type JSON)",
     .spec = "spec/responses.md, Responses (error handling with a \"cause\" field)",
     .summarise = summarise_error_bodies},
    {.name = "response-time",
     .sends = "nothing: reads the time of every answer above",
     .expects = "each answer within the warning threshold (--warn-after), none over the timeout",
     .spec = "no spec section: onorder's thresholds (DESIGN §7)",
     .summarise = summarise_response_time},
};

std::string target_url(const Probe& probe, const CheckSettings& settings) {
    switch (probe.target) {
    case Target::endpoints:
        return endpoints_url(settings.api_root);
    case Target::order:
        return settings.order_url;
    case Target::unknown_path:
        return order_url(settings.api_root, unknown_path);
    case Target::plain_http:
        return plain_http_url(settings.order_url);
    case Target::none:
        break;
    }
    return {};
}

ConnectionOptions options_for(Credentials credentials, const ConnectionOptions& configured) {
    ConnectionOptions options = configured;
    options.follow_redirects = false; // a redirect is evidence, not a way round
    if (credentials == Credentials::configured)
        return options;
    // An Authorization given with --header would defeat the probe.
    std::erase_if(options.headers, [](const std::string& line) {
        return iequals(trim(line.substr(0, line.find(':'))), "Authorization");
    });
    options.use_netrc = false;
    options.netrc_file.clear();
    if (credentials == Credentials::none) {
        options.user.clear();
        options.password.clear();
    } else {
        if (options.user.empty())
            options.user = "onorder-check";
        options.password = std::string(wrong_password);
    }
    return options;
}

} // namespace

std::string_view status_word(ProbeStatus status) {
    constexpr std::array<std::string_view, 4> words = {"PASS", "WARN", "FAIL", "SKIP"};
    static_assert(words.size() == static_cast<std::size_t>(ProbeStatus::skip) + 1);
    return words.at(static_cast<std::size_t>(status));
}

std::span<const Probe> all_probes() {
    return probes;
}

std::string probe_body(Payload payload, const json& order) {
    switch (payload) {
    case Payload::none:
        return {};
    case Payload::empty_object:
        return "{}";
    case Payload::valid_order:
        return order.dump();
    case Payload::malformed_json: {
        const std::string whole = order.dump();
        return whole.substr(0, whole.size() / 2);
    }
    case Payload::bad_luhn: {
        json bad = order;
        std::string number = "19121212-1212"; // a real date, Luhn-valid
        if (const auto* details =
                order.contains("customerDetails") ? &order["customerDetails"] : nullptr;
            details != nullptr && details->is_object() &&
            details->value("personalIdentityNumber", json()).is_string())
            number = (*details)["personalIdentityNumber"].get<std::string>();
        if (!number.empty() && is_digit(number.back()))
            number.back() = static_cast<char>('0' + (number.back() - '0' + 1) % 10);
        if (!bad["customerDetails"].is_object())
            bad["customerDetails"] = json::object();
        bad["customerDetails"]["personalIdentityNumber"] = number;
        return bad.dump();
    }
    case Payload::missing_field: {
        json missing = order;
        missing.erase("coAccessId");
        return missing.dump();
    }
    }
    return {};
}

std::string plain_http_url(std::string_view url) {
    if (iequals(url.substr(0, 8), "https://"))
        return "http://" + std::string(url.substr(8));
    return std::string(url);
}

std::vector<ProbeResult> run_check(const CheckSettings& settings, Redactor& redactor,
                                   const std::function<void(const Probe&)>& before_live) {
    redactor.add_order(settings.order);
    const JudgeContext context{.redactor = &redactor,
                               .insecure = settings.connection.tls.insecure,
                               .warn_after = settings.warn_after,
                               .timeout = settings.connection.timeout};
    // One client per kind of credentials: each keeps its connection for the probes that follow.
    struct Client {
        Credentials credentials;
        ConnectionOptions options;
        std::unique_ptr<HttpClient> client;
    };
    std::vector<Client> clients;
    for (Credentials credentials : {Credentials::configured, Credentials::none, Credentials::wrong})
        clients.push_back({credentials, options_for(credentials, settings.connection), nullptr});
    Client plain_client{Credentials::none, options_for(Credentials::none, settings.connection),
                        nullptr};

    std::vector<ProbeResult> results;
    for (const Probe& probe : probes) {
        ProbeResult result;
        result.probe = &probe;
        if (probe.target == Target::none) {
            result.judgement = probe.summarise(results, context);
            results.push_back(std::move(result));
            continue;
        }
        if (probe.live && !settings.live) {
            result.judgement = {ProbeStatus::skip, "places a real order: runs only with --live"};
            results.push_back(std::move(result));
            continue;
        }
        Client& client = probe.target == Target::plain_http
                             ? plain_client
                             : clients.at(static_cast<std::size_t>(probe.credentials));
        if (!client.client)
            client.client = std::make_unique<HttpClient>(client.options, redactor);
        const std::string url = target_url(probe, settings);
        const std::string body = probe_body(probe.payload, settings.order);
        if (probe.payload == Payload::bad_luhn)
            redactor.add_order(json::parse(body));
        result.request = probe.payload == Payload::none ? get_request(client.options, url)
                                                        : order_request(client.options, url, body);
        if (probe.live && before_live)
            before_live(probe);
        result.exchange = client.client->send(result.request, redactor);
        result.sent = true;
        result.judgement = probe.judge(result.request, result.exchange, context);
        results.push_back(std::move(result));
    }
    return results;
}

bool unreachable(std::span<const ProbeResult> results) {
    bool any = false;
    for (const ProbeResult& result : results) {
        if (!result.sent || result.probe->target == Target::plain_http)
            continue;
        any = true;
        if (result.exchange.reach != HttpExchange::Reach::not_sent)
            return false;
    }
    return any;
}

bool counts_as_failure(ProbeStatus status, bool strict) {
    return status == ProbeStatus::fail || (strict && status == ProbeStatus::warn);
}

bool failed(std::span<const ProbeResult> results, bool strict) {
    return std::any_of(results.begin(), results.end(), [strict](const ProbeResult& result) {
        return counts_as_failure(result.judgement.status, strict);
    });
}

bool relevant_header(std::string_view name) {
    constexpr std::array<std::string_view, 6> relevant = {
        "Content-Type", "WWW-Authenticate", "Retry-After", "Location", "Content-Length", "Allow"};
    return std::any_of(relevant.begin(), relevant.end(),
                       [name](std::string_view wanted) { return iequals(wanted, name); });
}

} // namespace onorder
