#include <onorder/printable.hpp>
#include <onorder/redact.hpp>
#include <onorder/response.hpp>

#include <curl/curl.h>
#include <doctest/doctest.h>

#include <string>
#include <vector>

using namespace onorder;
using Reach = HttpExchange::Reach;

namespace {

// The default: every identity number the SP sends is masked.
Verdict interpret(const HttpExchange& exchange) {
    return onorder::interpret(exchange, Redactor{});
}

HttpExchange answer(long status, std::string body, std::string content_type = "application/json") {
    HttpExchange exchange;
    exchange.reach = Reach::answered;
    exchange.http_status = status;
    exchange.body = std::move(body);
    exchange.content_type = std::move(content_type);
    exchange.protocol = "HTTP/1.1";
    return exchange;
}

HttpExchange failure(Reach reach, int curl_code, std::string error) {
    HttpExchange exchange;
    exchange.reach = reach;
    exchange.curl_code = curl_code;
    exchange.curl_error = std::move(error);
    return exchange;
}

bool contains(const std::string& text, std::string_view part) {
    return text.find(part) != std::string::npos;
}

const std::string html_page = "<!DOCTYPE html>\n<html><head><title>502 Bad Gateway</title></head>"
                              "<body><h1>502 Bad Gateway</h1><hr>nginx</body></html>\n";

// Every "--flag" a text names.
std::vector<std::string> flags_named(std::string_view text) {
    std::vector<std::string> flags;
    for (std::size_t at = text.find("--"); at != std::string_view::npos;
         at = text.find("--", at + 2)) {
        const std::size_t end = text.find_first_not_of("abcdefghijklmnopqrstuvwxyz-", at + 2);
        flags.emplace_back(text.substr(at, end == std::string_view::npos ? end : end - at));
    }
    return flags;
}

// interpret() over every status, with causes, messages and errors that end with a full stop and
// without one, and the bodies that are not the SP's JSON.
std::vector<Verdict> every_verdict() {
    std::vector<Verdict> verdicts;
    const std::vector<std::string> bodies = {
        R"({"cause":"Object not found."})",
        R"({"cause":"Object not found"})",
        R"({"cause":"Bad pin.","message":"Check your number."})",
        R"({"cause":"Bad pin","message":"Check your number"})",
        R"({"cause":""})",
        R"({"status":"PENDING.","message":"Wait."})",
        R"({"status":"ACTIVATED","message":"Done."})",
        R"({"status":"REJECTED"})",
        R"({"status":"RECEIVED","message":5})",
        "",
        "{}",
        "Service down.",
        html_page,
        R"({"cause":"trunc)",
    };
    for (long status = 100; status < 600; ++status) {
        for (const std::string& body : bodies) {
            HttpExchange exchange = answer(status, body);
            exchange.location = "https://sp.example/moved.";
            verdicts.push_back(interpret(exchange));
        }
    }
    for (int code = 1; code < 100; ++code) {
        for (const char* error : {"Connection refused.", "Connection refused", ""}) {
            for (Reach reach : {Reach::not_sent, Reach::maybe_sent})
                verdicts.push_back(interpret(failure(reach, code, error)));
        }
    }
    return verdicts;
}

} // namespace

TEST_SUITE("response") {

    TEST_CASE("200 ACTIVATED and RECEIVED are accepted") {
        for (const char* status : {"ACTIVATED", "RECEIVED"}) {
            CAPTURE(status);
            const Verdict verdict = interpret(answer(200, std::string(R"({"status":")") + status +
                                                              R"(","message":"Välkommen!"})"));
            CHECK(verdict.outcome == Outcome::accepted);
            CHECK(verdict.status == status);
            CHECK(verdict.message == "Välkommen!");
            CHECK(verdict.http_status == 200);
        }
    }

    TEST_CASE("200 REJECTED is rejected, with the message for the customer") {
        const Verdict verdict =
            interpret(answer(200, R"({"status":"REJECTED","message":"Adressen saknas."})"));
        CHECK(verdict.outcome == Outcome::rejected);
        CHECK(verdict.status == "REJECTED");
        CHECK(verdict.message == "Adressen saknas.");
    }

    TEST_CASE("200 with an unknown status is an HTTP error naming it") {
        const Verdict verdict = interpret(answer(200, R"({"status":"FOO","message":""})"));
        CHECK(verdict.outcome == Outcome::http_error);
        CHECK(verdict.status == "FOO");
        CHECK(contains(verdict.explanation, "unknown status \"FOO\""));
    }

    TEST_CASE("200 whose status is not a string") {
        const Verdict verdict = interpret(answer(200, R"({"status":5,"message":"x"})"));
        CHECK(verdict.outcome == Outcome::http_error);
        CHECK(contains(verdict.explanation, "status 5 is not a string"));
    }

    TEST_CASE("200 of the wrong shape") {
        CHECK(contains(interpret(answer(200, R"(["ACTIVATED"])")).explanation, "a JSON array"));
        CHECK(contains(interpret(answer(200, R"({"message":"hi"})")).explanation, "no \"status\""));
    }

    TEST_CASE("ACTIVATED or RECEIVED without a message is accepted, with a note") {
        for (const char* body :
             {R"({"status":"ACTIVATED"})", R"({"status":"ACTIVATED","message":null})",
              R"({"status":"RECEIVED","message":""})", R"({"status":"RECEIVED","message":"  "})",
              R"({"status":"ACTIVATED","message":5})", R"({"status":"RECEIVED","message":[1]})"}) {
            CAPTURE(std::string(body));
            const Verdict verdict = interpret(answer(200, body));
            CHECK(verdict.outcome == Outcome::accepted);
            CHECK(verdict.message.empty());
            CHECK(contains(verdict.note, "no message for the customer"));
            CHECK(verdict.headline.empty());
        }
    }

    TEST_CASE("REJECTED without a message stays rejected, with the same note") {
        for (const char* body :
             {R"({"status":"REJECTED"})", R"({"status":"REJECTED","message":null})",
              R"({"status":"REJECTED","message":""})", R"({"status":"REJECTED","message":7})"}) {
            CAPTURE(std::string(body));
            const Verdict verdict = interpret(answer(200, body));
            CHECK(verdict.outcome == Outcome::rejected);
            CHECK(contains(verdict.note, "no message for the customer"));
        }
    }

    TEST_CASE("an answer with a message has no note") {
        for (const char* status : {"ACTIVATED", "RECEIVED", "REJECTED"}) {
            CAPTURE(std::string(status));
            const Verdict verdict = interpret(
                answer(200, std::string(R"({"status":")") + status + R"(","message":"Hej"})"));
            CHECK(verdict.note.empty());
        }
    }

    TEST_CASE("a 200 that is not the spec's answer is headed as an unexpected answer") {
        for (const char* body :
             {R"({"status":"PENDING","message":"x"})", R"({"status":5,"message":"x"})",
              R"({"message":"x"})", "not json", R"(["ACTIVATED"])"}) {
            CAPTURE(std::string(body));
            const Verdict verdict = interpret(answer(200, body));
            CHECK(verdict.outcome == Outcome::http_error);
            CHECK(verdict.headline == "unexpected answer");
        }
        CHECK(interpret(answer(201, R"({"state":"RECEIVED"})")).headline == "unexpected answer");
        CHECK(interpret(answer(404, R"({"cause":"x"})")).headline.empty());
        CHECK(interpret(answer(200, R"({"status":"ACTIVATED","message":"x"})")).headline.empty());
    }

    TEST_CASE("200 with an HTML page is summarised, never dumped") {
        const Verdict verdict = interpret(answer(200, html_page, "text/html"));
        CHECK(verdict.outcome == Outcome::http_error);
        CHECK(contains(verdict.explanation, "an HTML page (title: 502 Bad Gateway)"));
        CHECK(contains(verdict.explanation, std::to_string(html_page.size()) + " bytes"));
        CHECK_FALSE(contains(verdict.explanation, "<h1>"));
    }

    TEST_CASE("200 with truncated JSON") {
        const Verdict verdict = interpret(answer(200, R"({"status":"ACTIVATED","mess)"));
        CHECK(verdict.outcome == Outcome::http_error);
        CHECK(contains(verdict.explanation, "not valid JSON (truncated?)"));
    }

    TEST_CASE("an oversized body is reported as cut off") {
        HttpExchange exchange = answer(200, std::string(max_response_bytes, ' '));
        exchange.body_truncated = true;
        const Verdict verdict = interpret(exchange);
        CHECK(verdict.outcome == Outcome::http_error);
        CHECK(contains(verdict.explanation, "over 1 MiB and was cut off"));
    }

    TEST_CASE("400 with cause and message") {
        const Verdict verdict = interpret(
            answer(400, R"({"cause":"Bad customerDetails.personalIdentityNumber",)"
                        R"("message":"Social security number is missing or incorrect."})"));
        CHECK(verdict.outcome == Outcome::bad_request);
        CHECK(verdict.cause == "Bad customerDetails.personalIdentityNumber");
        CHECK(verdict.message == "Social security number is missing or incorrect.");
    }

    TEST_CASE("400 with only a cause") {
        const Verdict verdict =
            interpret(answer(400, R"({ "cause": "Unknown service: 'INTERNET'" })"));
        CHECK(verdict.outcome == Outcome::bad_request);
        CHECK(verdict.cause == "Unknown service: 'INTERNET'");
        CHECK(verdict.message.empty());
    }

    TEST_CASE("400 that is not JSON is still a bad request, summarised") {
        const Verdict verdict = interpret(answer(400, "bad things", "text/plain"));
        CHECK(verdict.outcome == Outcome::bad_request);
        CHECK(contains(verdict.explanation, "not JSON"));
    }

    TEST_CASE("401 and 403 are authentication failures") {
        const Verdict unauthorized = interpret(answer(401, R"({"cause":"Invalid credentials"})"));
        CHECK(unauthorized.outcome == Outcome::auth);
        CHECK(unauthorized.cause == "Invalid credentials");
        CHECK(contains(unauthorized.explanation, "401 Unauthorized"));
        const Verdict forbidden = interpret(answer(403, ""));
        CHECK(forbidden.outcome == Outcome::auth);
        CHECK(contains(forbidden.explanation, "403 Forbidden"));
    }

    TEST_CASE("other statuses are HTTP errors with their meaning and cause") {
        struct Case {
            long status;
            const char* meaning;
        };
        for (const Case& c : {Case{404, "Not Found"}, Case{409, "Conflict"},
                              Case{429, "Too Many Requests"}, Case{500, "Internal Server Error"},
                              Case{501, "Not Implemented"}, Case{502, "Bad Gateway"},
                              Case{503, "Service Unavailable"}, Case{504, "Gateway Timeout"}}) {
            CAPTURE(c.status);
            const Verdict verdict =
                interpret(answer(c.status, R"({"cause":"Error number 12345"})"));
            CHECK(verdict.outcome == Outcome::http_error);
            CHECK(verdict.http_status == c.status);
            CHECK(verdict.cause == "Error number 12345");
            CHECK(contains(verdict.explanation, std::to_string(c.status) + " " + c.meaning));
        }
    }

    TEST_CASE("an error status with the SP's cause shows the cause, not advice about --url") {
        for (long status : {404L, 405L, 501L}) {
            CAPTURE(status);
            const Verdict verdict =
                interpret(answer(status, R"({"cause":"Object not found: no such access"})"));
            CHECK(verdict.cause == "Object not found: no such access");
            CHECK(contains(verdict.explanation, "no such access"));
            CHECK_FALSE(contains(verdict.explanation, "--url"));
            CHECK_FALSE(contains(verdict.explanation, "--order-path"));
        }
    }

    TEST_CASE("an error status without the SP's JSON says to check --url and --order-path") {
        for (long status : {404L, 405L, 501L}) {
            for (const std::string& body :
                 {html_page, std::string("Not Found"), std::string(), std::string("{}")}) {
                CAPTURE(status);
                CAPTURE(body);
                const Verdict verdict = interpret(answer(status, body, "text/html"));
                CHECK(contains(verdict.explanation, "--url"));
                CHECK(contains(verdict.explanation, "--order-path"));
            }
        }
    }

    TEST_CASE("advice names only flags that onorder has") {
        // The flags of onorder submit: src/cli/connection_options.cpp, order_options.cpp and
        // cmd_submit.cpp.
        const std::string flags =
            " --url --order-path --user --password-file --netrc --netrc-file --cacert --capath"
            " --cert --key --pinned-pubkey --insecure --allow-http --connect-timeout --timeout"
            " --proxy --retries --max-retry-wait --location --header --dry-run --unmask"
            " --verbose --output --fix ";
        for (const Verdict& verdict : every_verdict()) {
            for (const std::string& named : flags_named(verdict.explanation)) {
                CAPTURE(verdict.explanation);
                CHECK(contains(flags, " " + named + " "));
            }
        }
    }

    TEST_CASE("no doubled full stops, whatever the SP's cause ends with") {
        for (const Verdict& verdict : every_verdict()) {
            CAPTURE(verdict.explanation);
            CHECK_FALSE(contains(verdict.explanation, ".."));
            CHECK_FALSE(contains(verdict.explanation, ". ."));
            CHECK_FALSE(contains(verdict.explanation, "  "));
        }
    }

    TEST_CASE("a 5xx other than 503 may have processed the order") {
        for (long status : {500L, 502L, 504L, 507L}) {
            CAPTURE(status);
            CHECK(contains(interpret(answer(status, "{}")).explanation, "before sending it again"));
        }
        CHECK(contains(interpret(answer(503, "{}")).explanation, "did not process"));
    }

    TEST_CASE("a proxy's HTML error page is summarised") {
        const Verdict verdict = interpret(answer(502, html_page, "text/html; charset=utf-8"));
        CHECK(verdict.outcome == Outcome::http_error);
        CHECK(verdict.cause.empty());
        CHECK(contains(verdict.explanation, "HTML page (title: 502 Bad Gateway)"));
    }

    TEST_CASE("a redirect is not followed and says where it points") {
        HttpExchange exchange = answer(302, "", "text/html");
        exchange.location = "https://sp.example/new/2.5/sp_spec/order/";
        const Verdict verdict = interpret(exchange);
        CHECK(verdict.outcome == Outcome::http_error);
        CHECK(contains(verdict.explanation, "302 Found"));
        CHECK(contains(verdict.explanation, "https://sp.example/new/2.5/sp_spec/order/"));
        CHECK(contains(verdict.explanation, "--location"));
    }

    TEST_CASE("another 2xx may have processed the order") {
        const Verdict verdict = interpret(answer(201, R"({"state":"RECEIVED"})"));
        CHECK(verdict.outcome == Outcome::http_error);
        CHECK(contains(verdict.explanation, "201 Created"));
        CHECK(contains(verdict.explanation, "may have been processed"));
    }

    TEST_CASE("nothing sent: no connection, naming the cause") {
        const Verdict dns = interpret(failure(Reach::not_sent, CURLE_COULDNT_RESOLVE_HOST,
                                              "Could not resolve host: sp.example"));
        CHECK(dns.outcome == Outcome::no_connection);
        CHECK(contains(dns.explanation, "DNS"));
        CHECK(contains(dns.explanation, "Could not resolve host: sp.example"));
        CHECK(contains(dns.explanation, "The order was not sent."));

        const Verdict refused = interpret(failure(Reach::not_sent, CURLE_COULDNT_CONNECT, ""));
        CHECK(contains(refused.explanation, "refused"));

        const Verdict tls = interpret(
            failure(Reach::not_sent, CURLE_PEER_FAILED_VERIFICATION, "SSL certificate problem"));
        CHECK(tls.outcome == Outcome::no_connection);
        CHECK(contains(tls.explanation, "--cacert"));
        CHECK(contains(tls.explanation, "--insecure"));
    }

    TEST_CASE("maybe sent: the outcome is unknown") {
        const Verdict timeout = interpret(failure(Reach::maybe_sent, CURLE_OPERATION_TIMEDOUT,
                                                  "Operation timed out after 60000 milliseconds"));
        CHECK(timeout.outcome == Outcome::unknown);
        CHECK(contains(timeout.explanation, "in time"));
        CHECK(contains(timeout.explanation, "may have reached the SP"));
        CHECK(contains(timeout.explanation, "check with the SP before sending it again"));

        const Verdict lost =
            interpret(failure(Reach::maybe_sent, CURLE_GOT_NOTHING, "Empty reply"));
        CHECK(lost.outcome == Outcome::unknown);
        CHECK(contains(lost.explanation, "connection was lost"));
    }

    TEST_CASE("an answer cut short is no answer: no HTTP status in the verdict") {
        HttpExchange cut = failure(Reach::maybe_sent, CURLE_RECV_ERROR,
                                   "the connection closed in the middle of the answer's headers");
        cut.http_status = 200;
        const Verdict verdict = interpret(cut);
        CHECK(verdict.outcome == Outcome::unknown);
        CHECK(verdict.http_status == 0);
        CHECK(contains(verdict.explanation, "200 OK"));
        CHECK(contains(verdict.explanation, "may have reached the SP"));
    }

    TEST_CASE("strings from the SP cannot reach the terminal as escapes") {
        const Verdict verdict = interpret(answer(
            200,
            R"({"status":"REJECTED","message":"\u001b[2J\u001b]0;owned\u0007Hej\u202edå\u009b"})"));
        CHECK(verdict.outcome == Outcome::rejected);
        CHECK(verdict.message == "[2J]0;ownedHejdå");
        const Verdict long_cause =
            interpret(answer(400, R"({"cause":")" + std::string(5000, 'x') + "\"}"));
        CHECK(long_cause.cause.size() < 1100);
    }

    TEST_CASE("text from the SP is shown with identity numbers masked") {
        const Redactor redactor;
        std::vector<Verdict> verdicts = {
            interpret(answer(400, R"({"cause":"Bad pin 19821105-9954.",)"
                                  R"("message":"Personnummer 198211059954 är fel."})"),
                      redactor),
            interpret(answer(200, R"({"status":"19821105-9954","message":"x"})"), redactor),
            interpret(answer(200, R"({"status":"REJECTED","message":"Nej, 821105-9954."})"),
                      redactor),
            interpret(answer(404, R"({"cause":"No access for 19821105-9954"})"), redactor),
            interpret(answer(502, "<html><head><title>No 19821105-9954</title></head></html>",
                             "text/html"),
                      redactor),
            interpret(answer(200, "pin 19821105-9954", "text/plain"), redactor),
            interpret(answer(400, std::string(72, 'x') + " 19821105-9954", "text/plain"), redactor),
            interpret(answer(200, R"({"status":"FOO","message":"x"})",
                             "application/json; pin=19821105-9954"),
                      redactor),
            interpret(failure(Reach::maybe_sent, CURLE_RECV_ERROR, "lost 19821105-9954"), redactor),
            interpret(failure(Reach::not_sent, CURLE_COULDNT_CONNECT, "no 19821105-9954"),
                      redactor),
        };
        HttpExchange moved = answer(302, "");
        moved.location = "https://sp.example/order/19821105-9954";
        verdicts.push_back(interpret(moved, redactor));
        for (const Verdict& verdict : verdicts) {
            for (const std::string& text : {verdict.cause, verdict.message, verdict.status,
                                            verdict.explanation, verdict.note}) {
                CAPTURE(text);
                CHECK_FALSE(contains(text, "9954"));
                CHECK_FALSE(contains(text, "19821105-9"));
            }
        }
        CHECK(verdicts[0].cause == "Bad pin 19821105-****.");
        CHECK(verdicts[0].message == "Personnummer 19821105**** är fel.");
    }

    TEST_CASE("the order's own number is masked in any form; --unmask shows SP text whole") {
        Redactor redactor;
        redactor.add_identity_number("19821105-9954");
        const HttpExchange echo = answer(400, R"({"cause":"pin +8211059954 and 19821105-9954",)"
                                              R"("message":"org 556036-0793"})");
        const Verdict masked = interpret(echo, redactor);
        CHECK(masked.cause == "pin +821105**** and 19821105-****");
        CHECK(masked.message == "org 556036-****");
        redactor.show_identity_numbers();
        const Verdict unmasked = interpret(echo, redactor);
        CHECK(unmasked.cause == "pin +8211059954 and 19821105-9954");
        CHECK(unmasked.message == "org 556036-0793");
    }

    TEST_CASE("status_meaning") {
        CHECK(status_meaning(200) == "OK");
        CHECK(status_meaning(400) == "Bad Request");
        CHECK(status_meaning(429) == "Too Many Requests");
        CHECK(status_meaning(501) == "Not Implemented");
        CHECK(status_meaning(308) == "Permanent Redirect");
        CHECK(status_meaning(599).empty());
    }

} // TEST_SUITE
