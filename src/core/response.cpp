#include <onorder/response.hpp>

#include <onorder/helpers.hpp>

#include <curl/curl.h>

#include <algorithm>
#include <optional>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace onorder {

namespace {

using nlohmann::json;

constexpr std::string_view check_with_sp =
    "Check with the SP what became of the order before sending it again.";

constexpr std::string_view unexpected_answer = "unexpected answer";

constexpr std::string_view no_customer_message = "The SP gave no message for the customer.";

// `text` ended as a sentence: a full stop added unless the SP's words already end one.
std::string end_sentence(std::string text) {
    for (std::string_view end : {".", "!", "?", "…"}) {
        if (text.ends_with(end))
            return text;
    }
    return text + ".";
}

std::string_view json_kind(const json& value) {
    switch (value.type()) {
    case json::value_t::array:
        return "a JSON array";
    case json::value_t::string:
        return "a JSON string";
    case json::value_t::boolean:
        return "a JSON boolean";
    case json::value_t::null:
        return "JSON null";
    case json::value_t::object:
        return "a JSON object";
    default:
        return "a JSON number";
    }
}

std::optional<json> parse_body(const HttpExchange& exchange) {
    if (exchange.body_truncated)
        return std::nullopt;
    json value = json::parse(exchange.body, nullptr, false);
    if (value.is_discarded())
        return std::nullopt;
    return value;
}

// One answer being read: the exchange, its body parsed once, and the redactor that every piece of
// the SP's text is shown through (DESIGN §4).
struct Reading {
    const HttpExchange& exchange;
    const Redactor& redactor;
    std::optional<json> body;

    Reading(const HttpExchange& answer, const Redactor& shown_through)
        : exchange(answer), redactor(shown_through), body(parse_body(answer)) {}

    // Text from the SP as it may be shown: redacted, printable, at most `max_chars`.
    std::string shown(std::string_view text, std::size_t max_chars = 1000) const {
        return redactor.display(text, max_chars);
    }

    std::string shown_json(const json& value) const {
        return shown(value.dump(-1, ' ', false, json::error_handler_t::replace), 80);
    }

    // A string member of the body, shown; nullopt when absent, null or not a string.
    std::optional<std::string> member(const char* name) const {
        if (!body || !body->is_object())
            return std::nullopt;
        const auto found = body->find(name);
        if (found == body->end() || !found->is_string())
            return std::nullopt;
        return shown(found->get_ref<const std::string&>());
    }
};

std::string html_title(const Reading& reading) {
    const std::string_view body = reading.exchange.body;
    const std::string head = lower(body.substr(0, 64 * 1024));
    const std::size_t open = head.find("<title");
    if (open == std::string::npos)
        return {};
    const std::size_t start = head.find('>', open);
    const std::size_t end = head.find("</title", start);
    if (start == std::string::npos || end == std::string::npos)
        return {};
    return reading.shown(body.substr(start + 1, end - start - 1), 100);
}

// A body that is not the expected JSON, in a few words: never dumped (DESIGN §4).
std::string describe_body(const Reading& reading) {
    const HttpExchange& exchange = reading.exchange;
    const std::string_view body = exchange.body;
    if (exchange.body_truncated) {
        return "the body was over 1 MiB and was cut off";
    }
    if (body.find_first_not_of(" \t\r\n") == std::string_view::npos) {
        return "the body is empty";
    }
    const std::string start = lower(body.substr(body.find_first_not_of(" \t\r\n"), 64));
    if (lower(exchange.content_type).find("html") != std::string::npos ||
        start.starts_with("<!doctype html") || start.starts_with("<html")) {
        const std::string title = html_title(reading);
        return title.empty() ? fmt::format("the body is an HTML page, {} bytes", body.size())
                             : fmt::format("the body is an HTML page (title: {}), {} bytes", title,
                                           body.size());
    }
    if (start.starts_with("{") || start.starts_with("[")) {
        return fmt::format("the body is not valid JSON (truncated?), {} bytes", body.size());
    }
    const std::string type = exchange.content_type.empty()
                                 ? std::string("no content type")
                                 : reading.shown(exchange.content_type, 60);
    const std::string_view text = body.substr(0, body.find_last_not_of(" \t\r\n") + 1);
    return fmt::format("the body is not JSON ({}, {} bytes): \"{}\"", type, body.size(),
                       reading.shown(text.substr(text.find_first_not_of(" \t\r\n")), 80));
}

std::string status_line(long status) {
    const std::string_view meaning = status_meaning(status);
    return meaning.empty() ? fmt::format("{}", status) : fmt::format("{} {}", status, meaning);
}

// --- 200: the answer spec/order.md defines -------------------------------------------------

struct OrderStatus {
    std::string_view status;
    Outcome outcome;
    std::string_view words;
};

constexpr OrderStatus order_statuses[] = {
    {"ACTIVATED", Outcome::accepted, "The SP accepted the order; the services are delivered."},
    {"RECEIVED", Outcome::accepted, "The SP accepted the order; the services will be delivered."},
    {"REJECTED", Outcome::rejected, "The SP rejected the order."},
};

// Why a 200 body is not the answer of the spec, or "" when it is.
std::string order_answer_problem(const Reading& reading) {
    const std::optional<json>& body = reading.body;
    if (!body)
        return describe_body(reading);
    if (!body->is_object()) {
        return fmt::format("the body is {}, not an object with \"status\" and \"message\"",
                           json_kind(*body));
    }
    const auto status = body->find("status");
    if (status == body->end() || status->is_null())
        return "the body has no \"status\"";
    if (!status->is_string())
        return fmt::format("status {} is not a string", reading.shown_json(*status));
    const auto known = std::find_if(std::begin(order_statuses), std::end(order_statuses),
                                    [&](const OrderStatus& s) { return s.status == *status; });
    if (known == std::end(order_statuses)) {
        return fmt::format("unknown status \"{}\" (the spec knows ACTIVATED, RECEIVED and "
                           "REJECTED)",
                           reading.shown(status->get_ref<const std::string&>(), 100));
    }
    return {};
}

// spec/order.md: "message" is for the customer; without it the status still decides (DESIGN §4).
std::string message_note(const json& body) {
    const auto message = body.find("message");
    if (message == body.end() || message->is_null())
        return std::string(no_customer_message);
    if (!message->is_string()) {
        return fmt::format("The SP gave no message for the customer (its \"message\" is {}).",
                           json_kind(*message));
    }
    if (trim(message->get_ref<const std::string&>()).empty())
        return std::string(no_customer_message);
    return {};
}

Verdict order_answer(const Reading& reading, Verdict verdict) {
    if (const std::optional<std::string> status = reading.member("status")) {
        verdict.status = *status;
    }
    verdict.message = reading.member("message").value_or("");
    const std::string problem = order_answer_problem(reading);
    if (!problem.empty()) {
        verdict.outcome = Outcome::http_error;
        verdict.headline = unexpected_answer;
        verdict.explanation =
            fmt::format("The SP answered 200 OK, but not with the answer of the spec: {} {}",
                        end_sentence(problem), check_with_sp);
        return verdict;
    }
    const std::string_view status = reading.body->at("status").get_ref<const std::string&>();
    for (const OrderStatus& known : order_statuses) {
        if (known.status == status) {
            verdict.outcome = known.outcome;
            verdict.explanation = known.words;
        }
    }
    verdict.note = message_note(*reading.body);
    if (!verdict.note.empty())
        verdict.message.clear();
    return verdict;
}

// --- everything else ------------------------------------------------------------------------

Verdict bad_request(const Reading& reading, Verdict verdict) {
    const std::optional<json>& body = reading.body;
    verdict.outcome = Outcome::bad_request;
    verdict.cause = reading.member("cause").value_or("");
    verdict.message = reading.member("message").value_or("");
    verdict.explanation = "The SP refused the order's data (400 Bad Request): the cause is for "
                          "you, the message for the customer. Fix the order and send it again.";
    if (verdict.cause.empty() && verdict.message.empty()) {
        verdict.explanation = end_sentence(
            fmt::format("The SP refused the order (400 Bad Request) without a cause: {}",
                        body && body->is_object() ? std::string("the body has no \"cause\"")
                        : body                    ? fmt::format("the body is {}", json_kind(*body))
                                                  : describe_body(reading)));
    }
    return verdict;
}

Verdict redirect(const Reading& reading, Verdict verdict) {
    const HttpExchange& exchange = reading.exchange;
    verdict.outcome = Outcome::http_error;
    const std::string answered =
        fmt::format("The SP answered {}{}", status_line(exchange.http_status),
                    exchange.location.empty()
                        ? std::string(" without a Location")
                        : fmt::format(" pointing to {}", reading.shown(exchange.location, 300)));
    verdict.explanation =
        end_sentence(answered) +
        " The order was not sent there: onorder follows only 307 and 308, to the same host, and "
        "only with --location. If the new address is right, give it with --url.";
    return verdict;
}

Verdict unexpected_success(const Reading& reading, Verdict verdict) {
    verdict.outcome = Outcome::http_error;
    verdict.headline = unexpected_answer;
    verdict.cause = reading.member("cause").value_or("");
    verdict.explanation = fmt::format(
        "The SP answered {}, not 200 OK with a status: the order may have been processed. {}",
        status_line(reading.exchange.http_status), check_with_sp);
    return verdict;
}

struct Advice {
    long status;
    Outcome outcome = Outcome::http_error;
    std::string_view advice;
    // Instead of `advice` when the body is not the SP's JSON with a cause ("" = `advice`): the
    // SP's own JSON proves that the address reached the SP, whatever else went wrong.
    std::string_view not_the_sp = {};
    bool may_have_processed = false; // a 5xx other than 503 (DESIGN §5)
};

// What to do about an error status.
constexpr Advice advice_table[] = {
    {.status = 401,
     .outcome = Outcome::auth,
     .advice = "Check --user and the password (ONORDER_PASSWORD, --password-file, --netrc)."},
    {.status = 403,
     .outcome = Outcome::auth,
     .advice = "These credentials may not place this order: ask the SP for access."},
    {.status = 404,
     .advice = "The SP did not find what the order refers to.",
     .not_the_sp = "Check --url and --order-path: the SP has no such endpoint."},
    {.status = 405,
     .advice = "The SP does not take orders by POST at this address.",
     .not_the_sp = "Check --url and --order-path: this is not the order endpoint."},
    {.status = 409,
     .advice = "The order conflicts with what the SP has: a service of the same type is already "
               "active, or the service type is claimed by another SP."},
    {.status = 413, .advice = "The SP finds the order too large."},
    {.status = 415, .advice = "The SP did not accept a JSON body."},
    {.status = 429,
     .advice = "The SP is limiting the request rate and did not process the order: send it "
               "again later."},
    {.status = 500,
     .advice = "The SP failed while handling the order and may have processed it.",
     .may_have_processed = true},
    {.status = 501,
     .advice = "The SP does not implement the endpoint the order was sent to.",
     .not_the_sp = "The SP does not implement this endpoint: check --url and --order-path."},
    {.status = 502,
     .advice = "A gateway in front of the SP failed; the order may have reached the SP.",
     .may_have_processed = true},
    {.status = 503,
     .advice = "The SP is unavailable and did not process the order: send it again later."},
    {.status = 504,
     .advice = "A gateway in front of the SP timed out; the order may have reached the SP.",
     .may_have_processed = true},
};

const Advice* advice_row(long status) {
    for (const Advice& row : advice_table) {
        if (row.status == status)
            return &row;
    }
    return nullptr;
}

std::string advice_for(long status, bool sp_cause) {
    if (const Advice* row = advice_row(status)) {
        const std::string_view advice =
            sp_cause || row->not_the_sp.empty() ? row->advice : row->not_the_sp;
        return row->may_have_processed ? fmt::format("{} {}", advice, check_with_sp)
                                       : std::string(advice);
    }
    if (status >= 500) {
        return fmt::format("The SP may have processed the order. {}", check_with_sp);
    }
    return "The SP did not accept the request.";
}

Verdict error_status(const Reading& reading, Verdict verdict) {
    const long status = reading.exchange.http_status;
    const Advice* row = advice_row(status);
    verdict.outcome = row != nullptr ? row->outcome : Outcome::http_error;
    verdict.cause = reading.member("cause").value_or("");
    std::string answered = fmt::format("The SP answered {}", status_line(status));
    if (!verdict.cause.empty()) {
        answered += fmt::format(", cause: {}", verdict.cause);
    } else if (!reading.body) {
        answered += fmt::format("; {}", describe_body(reading));
    }
    verdict.explanation =
        fmt::format("{} {}", end_sentence(answered), advice_for(status, !verdict.cause.empty()));
    return verdict;
}

struct StatusRule {
    long first;
    long last;
    Verdict (*interpret)(const Reading&, Verdict);
};

// First match wins (DESIGN §4).
constexpr StatusRule status_rules[] = {
    {200, 200, order_answer}, {100, 299, unexpected_success}, {300, 399, redirect},
    {400, 400, bad_request},  {0, 999, error_status},
};

// --- the request did not get an answer ------------------------------------------------------

struct CurlCause {
    int code;
    std::string_view words;
};

constexpr CurlCause not_sent_causes[] = {
    {CURLE_COULDNT_RESOLVE_HOST, "The SP's host name could not be resolved (DNS): check --url."},
    {CURLE_COULDNT_RESOLVE_PROXY, "The proxy's host name could not be resolved: check --proxy."},
    {CURLE_COULDNT_CONNECT,
     "The connection to the SP was refused or could not be made: check --url and whether the SP "
     "is up."},
    {CURLE_OPERATION_TIMEDOUT,
     "The connection to the SP could not be made in time (--connect-timeout)."},
    {CURLE_PEER_FAILED_VERIFICATION,
     "The SP's TLS certificate could not be verified: give its CA with --cacert or --capath "
     "(--insecure skips verification, unsafe)."},
    {CURLE_SSL_CACERT_BADFILE, "The CA certificates could not be read: check --cacert/--capath."},
    {CURLE_SSL_CERTPROBLEM, "The client certificate could not be used: check --cert and --key."},
    {CURLE_SSL_PINNEDPUBKEYNOTMATCH, "The SP's public key does not match --pinned-pubkey."},
    {CURLE_SSL_CONNECT_ERROR,
     "The TLS handshake with the SP failed (if its certificate is not trusted here: --cacert)."},
    {CURLE_SSL_ISSUER_ERROR, "The SP's TLS certificate has the wrong issuer: check --cacert."},
    {CURLE_UNSUPPORTED_PROTOCOL, "The URL is not http:// or https://: check --url."},
    {CURLE_URL_MALFORMAT, "The URL is malformed: check --url."},
    {CURLE_LOGIN_DENIED, "The credentials were refused: check --user and the password."},
};

// A certificate that failed verification for a reason other than an unknown issuer: giving a
// CA would not help, so the advice names the real problem (libcurl's and OpenSSL's words).
struct VerificationCause {
    std::string_view needle;
    std::string_view words;
};

constexpr VerificationCause verification_causes[] = {
    {"certificate has expired",
     "The SP's TLS certificate has expired (or this computer's clock is wrong): the SP must renew "
     "it."},
    {"certificate is not yet valid",
     "The SP's TLS certificate is not valid yet (or this computer's clock is wrong)."},
    {"target host name",
     "The SP's TLS certificate is not for the host name in --url: check --url (it must be a name "
     "the certificate is for)."},
    {"common name from peer certificate",
     "The SP's TLS certificate names no host: it is not for the host in --url."},
};

Verdict not_sent(const Reading& reading, Verdict verdict) {
    const HttpExchange& exchange = reading.exchange;
    verdict.outcome = Outcome::no_connection;
    std::string_view words = "The request could not be sent.";
    for (const CurlCause& row : not_sent_causes) {
        if (row.code == exchange.curl_code)
            words = row.words;
    }
    if (exchange.curl_code == CURLE_PEER_FAILED_VERIFICATION) {
        const std::string error = lower(exchange.curl_error);
        for (const VerificationCause& row : verification_causes) {
            if (error.find(row.needle) != std::string::npos)
                words = row.words;
        }
    }
    verdict.cause = reading.shown(exchange.curl_error, 300);
    verdict.explanation =
        fmt::format("{}{} The order was not sent.", words,
                    verdict.cause.empty() ? std::string() : fmt::format(" ({})", verdict.cause));
    return verdict;
}

Verdict maybe_sent(const Reading& reading, Verdict verdict) {
    const HttpExchange& exchange = reading.exchange;
    verdict.outcome = Outcome::unknown;
    verdict.cause = reading.shown(exchange.curl_error, 300);
    // DESIGN §4: an answer cut short is no answer, whatever status it began with.
    verdict.http_status = 0;
    const bool begun = exchange.http_status > 0;
    const bool timed_out = exchange.curl_code == CURLE_OPERATION_TIMEDOUT;
    // Bytes came back, but not HTTP (no status line, a status of more than three digits) or
    // not in an encoding that can be undone: nothing was lost, the answer was broken.
    const bool unreadable = exchange.curl_code == CURLE_UNSUPPORTED_PROTOCOL ||
                            exchange.curl_code == CURLE_WEIRD_SERVER_REPLY ||
                            exchange.curl_code == CURLE_BAD_CONTENT_ENCODING;
    std::string what = timed_out    ? "No complete answer came from the SP in time (--timeout)"
                       : unreadable ? "The SP's answer could not be read as HTTP"
                       : begun      ? "The connection was lost in the middle of the SP's answer"
                                    : "The connection was lost before the SP's answer came";
    if (begun)
        what += fmt::format("{} had begun {}", timed_out || unreadable ? "; the answer" : ", which",
                            status_line(exchange.http_status));
    verdict.explanation = fmt::format(
        "{}{}. The order may have reached the SP and been processed; check with the SP before "
        "sending it again.",
        what, verdict.cause.empty() ? std::string() : fmt::format(" ({})", verdict.cause));
    return verdict;
}

struct ReasonPhrase {
    long status;
    std::string_view phrase;
};

// spec/responses.md names the codes an SP uses; RFC 9110 §15 the rest.
constexpr ReasonPhrase reason_phrases[] = {
    {100, "Continue"},
    {101, "Switching Protocols"},
    {200, "OK"},
    {201, "Created"},
    {202, "Accepted"},
    {203, "Non-Authoritative Information"},
    {204, "No Content"},
    {205, "Reset Content"},
    {206, "Partial Content"},
    {300, "Multiple Choices"},
    {301, "Moved Permanently"},
    {302, "Found"},
    {303, "See Other"},
    {304, "Not Modified"},
    {307, "Temporary Redirect"},
    {308, "Permanent Redirect"},
    {400, "Bad Request"},
    {401, "Unauthorized"},
    {402, "Payment Required"},
    {403, "Forbidden"},
    {404, "Not Found"},
    {405, "Method Not Allowed"},
    {406, "Not Acceptable"},
    {407, "Proxy Authentication Required"},
    {408, "Request Timeout"},
    {409, "Conflict"},
    {410, "Gone"},
    {411, "Length Required"},
    {412, "Precondition Failed"},
    {413, "Content Too Large"},
    {414, "URI Too Long"},
    {415, "Unsupported Media Type"},
    {416, "Range Not Satisfiable"},
    {417, "Expectation Failed"},
    {421, "Misdirected Request"},
    {422, "Unprocessable Content"},
    {425, "Too Early"},
    {426, "Upgrade Required"},
    {428, "Precondition Required"},
    {429, "Too Many Requests"},
    {431, "Request Header Fields Too Large"},
    {451, "Unavailable For Legal Reasons"},
    {500, "Internal Server Error"},
    {501, "Not Implemented"},
    {502, "Bad Gateway"},
    {503, "Service Unavailable"},
    {504, "Gateway Timeout"},
    {505, "HTTP Version Not Supported"},
    {511, "Network Authentication Required"},
};

} // namespace

Verdict invalid_order_verdict() {
    Verdict verdict;
    verdict.outcome = Outcome::invalid;
    verdict.attempts = 0;
    verdict.explanation = "The order is invalid and was not sent.";
    return verdict;
}

std::string_view status_meaning(long http_status) {
    for (const ReasonPhrase& row : reason_phrases) {
        if (row.status == http_status)
            return row.phrase;
    }
    return "";
}

Verdict interpret(const HttpExchange& exchange, const Redactor& redactor) {
    const Reading reading(exchange, redactor);
    Verdict verdict;
    verdict.http_status = exchange.http_status;
    verdict.elapsed = exchange.elapsed;
    switch (exchange.reach) {
    case HttpExchange::Reach::not_sent:
        return not_sent(reading, std::move(verdict));
    case HttpExchange::Reach::maybe_sent:
        return maybe_sent(reading, std::move(verdict));
    case HttpExchange::Reach::answered:
        break;
    }
    for (const StatusRule& rule : status_rules) {
        if (exchange.http_status >= rule.first && exchange.http_status <= rule.last) {
            return rule.interpret(reading, std::move(verdict));
        }
    }
    return error_status(reading, std::move(verdict));
}

} // namespace onorder
