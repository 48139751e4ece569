#include <onorder/check.hpp>

#include <onorder/order_template.hpp>

#include "loopback_server.hpp"

#include <doctest/doctest.h>

#include <algorithm>

#include <fmt/format.h>

using namespace onorder;
using Reach = HttpExchange::Reach;

namespace {

const Probe& probe(std::string_view name) {
    const auto probes = all_probes();
    const auto found =
        std::find_if(probes.begin(), probes.end(), [&](const Probe& p) { return p.name == name; });
    REQUIRE(found != probes.end());
    return *found;
}

HttpExchange answer(long status, std::string body,
                    std::vector<std::pair<std::string, std::string>> headers = {
                        {"Content-Type", "application/json"}}) {
    HttpExchange exchange;
    exchange.reach = Reach::answered;
    exchange.http_status = status;
    exchange.body = std::move(body);
    exchange.headers = std::move(headers);
    for (const auto& [name, value] : exchange.headers)
        if (name == "Location")
            exchange.location = value;
    exchange.protocol = "HTTP/1.1";
    exchange.tls_version = "TLSv1.3";
    exchange.elapsed = std::chrono::milliseconds(5);
    return exchange;
}

HttpExchange no_answer(Reach reach = Reach::not_sent, int curl_code = 7) {
    HttpExchange exchange;
    exchange.reach = reach;
    exchange.curl_code = curl_code;
    exchange.curl_error = "Failed to connect";
    return exchange;
}

struct Judge {
    Redactor redactor;
    JudgeContext context{.redactor = &redactor};
    HttpRequest request = [] {
        HttpRequest get;
        get.method = "GET";
        get.url = "https://sp.example/onapi/2.5/";
        return get;
    }();

    ProbeStatus operator()(std::string_view name, const HttpExchange& exchange) const {
        return probe(name).judge(request, exchange, context).status;
    }
    std::string detail(std::string_view name, const HttpExchange& exchange) const {
        return probe(name).judge(request, exchange, context).detail;
    }
};

constexpr auto pass = ProbeStatus::pass;
constexpr auto warn = ProbeStatus::warn;
constexpr auto fail = ProbeStatus::fail;
constexpr auto skip = ProbeStatus::skip;

const char* const good_list =
    R"([{"name":"order","endpoint":"/2.5/sp_spec/order/","version":"2.5",
         "documentation":"https://example.com/order.md"}])";

} // namespace

TEST_SUITE("check") {

    TEST_CASE("the table: every probe names what it sends, expects and the spec, and judges") {
        for (const Probe& p : all_probes()) {
            CAPTURE(p.name);
            CHECK_FALSE(p.name.empty());
            CHECK_FALSE(p.sends.empty());
            CHECK_FALSE(p.expects.empty());
            CHECK_FALSE(p.spec.empty());
            CHECK((p.judge != nullptr) != (p.summarise != nullptr));
            CHECK((p.target == Target::none) == (p.summarise != nullptr));
        }
        CHECK(probe("live-order").live);
        CHECK(probe("live-order").payload == Payload::valid_order);
        // Nothing but the live probe may send an order an SP could place.
        for (const Probe& p : all_probes())
            if (p.name != "live-order")
                CHECK(p.payload != Payload::valid_order);
    }

    TEST_CASE("tls: TLS 1.2+ with a verified certificate passes; anything less does not") {
        Judge judge;
        CHECK(judge("tls", answer(200, good_list)) == pass);
        CHECK(judge.detail("tls", answer(200, good_list)) ==
              "TLSv1.3, HTTP/1.1, certificate verified");
        HttpExchange old = answer(200, good_list);
        old.tls_version = "TLSv1.1";
        CHECK(judge("tls", old) == fail);
        CHECK(judge("tls", no_answer()) == fail);
        judge.context.insecure = true;
        CHECK(judge("tls", answer(200, good_list)) == warn);
        judge.context.insecure = false;
        judge.request.url = "http://127.0.0.1:8080/2.5/";
        HttpExchange plain = answer(200, good_list);
        plain.tls_version.clear();
        CHECK(judge("tls", plain) == fail);
    }

    TEST_CASE("plain-http: refused or redirected to https passes; served is a failure") {
        Judge judge;
        CHECK(judge("plain-http", no_answer()) == pass);
        CHECK(judge("plain-http", no_answer(Reach::maybe_sent, 52)) == pass);
        CHECK(judge("plain-http",
                    answer(301, "",
                           {{"Location", "https://sp.example/onapi/2.5/sp_spec/order/"}})) == pass);
        CHECK(judge("plain-http", answer(301, "", {{"Location", "http://elsewhere/"}})) == warn);
        CHECK(judge("plain-http", answer(200, R"({"status":"ACTIVATED"})")) == fail);
        CHECK(judge("plain-http", answer(401, R"({"cause":"Missing credentials"})")) == fail);
        CHECK(judge("plain-http", answer(400, "plain HTTP sent to HTTPS port")) == warn);
    }

    TEST_CASE("endpoints: a conforming list passes; an error, a bad list or no order fails") {
        Judge judge;
        CHECK(judge("endpoints", answer(200, good_list)) == pass);
        CHECK(judge("endpoints", answer(404, R"({"cause":"no"})")) == fail);
        CHECK(judge("endpoints", answer(200, R"({"status":"ACTIVATED"})")) == fail);
        CHECK(judge("endpoints", answer(200, R"([{"name":"order","endpoint":"/o/"}])")) == fail);
        CHECK(judge("endpoints", answer(200, "[]")) == fail);
        CHECK(judge("endpoints", no_answer()) == fail);
        CHECK(judge.detail("endpoints", answer(200, "[]")) == "no endpoint is named \"order\"");
    }

    TEST_CASE("no-credentials and wrong-credentials: 401 with a Basic challenge") {
        Judge judge;
        for (const char* name : {"no-credentials", "wrong-credentials"}) {
            CAPTURE(name);
            CHECK(judge(name, answer(401, R"({"cause":"Missing credentials"})",
                                     {{"WWW-Authenticate", R"(Basic realm="sp")"}})) == pass);
            CHECK(judge(name, answer(401, R"({"cause":"x"})")) == warn); // no challenge
            CHECK(judge(name, answer(401, "", {{"WWW-Authenticate", "Bearer"}})) == warn);
            CHECK(judge(name, answer(200, R"({"status":"ACTIVATED"})")) == fail);
            CHECK(judge(name, answer(400, R"({"cause":"Bad personalIdentityNumber"})")) == fail);
            CHECK(judge(name, answer(403, R"({"cause":"Forbidden"})")) == fail);
            CHECK(judge(name, no_answer()) == fail);
        }
    }

    TEST_CASE("malformed-json: 400 with a cause") {
        Judge judge;
        CHECK(judge("malformed-json", answer(400, R"({"cause":"Malformed JSON"})")) == pass);
        CHECK(judge("malformed-json", answer(400, R"({"message":"no cause"})")) == fail);
        CHECK(judge("malformed-json", answer(400, R"({"cause":42})")) == fail);
        CHECK(judge("malformed-json",
                    answer(500, "<html>oops</html>", {{"Content-Type", "text/html"}})) == fail);
        CHECK(judge("malformed-json", answer(200, R"({"status":"ACTIVATED"})")) == fail);
        CHECK(
            judge.detail("malformed-json", answer(400, "<html/>", {{"Content-Type", "text/html"}}))
                .find("not a JSON object (text/html)") != std::string::npos);
    }

    TEST_CASE("bad-luhn: 400 with a cause and a message; missing-field: 400 with a cause") {
        Judge judge;
        const char* both = R"({"cause":"Bad personalIdentityNumber","message":"Incorrect."})";
        CHECK(judge("bad-luhn", answer(400, both)) == pass);
        CHECK(judge("bad-luhn", answer(400, R"({"cause":"Bad"})")) == fail);
        CHECK(judge("bad-luhn", answer(400, R"({"message":"Incorrect."})")) == fail);
        CHECK(judge("bad-luhn", answer(200, R"({"status":"RECEIVED","message":"ok"})")) == fail);
        CHECK(judge("missing-field", answer(400, both)) == pass);
        CHECK(judge("missing-field", answer(400, R"({"cause":"Bad coAccessId"})")) == warn);
        CHECK(judge("missing-field", answer(400, R"({"message":"x"})")) == fail);
        CHECK(judge("missing-field", answer(500, R"({"cause":"x"})")) == fail);
    }

    TEST_CASE("SP text in a detail goes through the redactor") {
        Judge judge;
        const std::string detail = judge.detail(
            "bad-luhn",
            answer(400, R"({"cause":"Bad 19121212-1212\u001b[31m","message":"Incorrect."})"));
        CHECK(detail.find("19121212-1212") == std::string::npos);
        CHECK(detail.find("19121212-****") != std::string::npos);
        CHECK(detail.find('\x1b') == std::string::npos);
    }

    TEST_CASE("unknown-path: 404 or 501 with a cause") {
        Judge judge;
        CHECK(judge("unknown-path", answer(404, R"({"cause":"No such endpoint"})")) == pass);
        CHECK(judge("unknown-path", answer(501, R"({"cause":"Not implemented"})")) == pass);
        CHECK(judge("unknown-path", answer(404, "Not Found", {{"Content-Type", "text/plain"}})) ==
              fail);
        CHECK(judge("unknown-path", answer(200, R"({"status":"ACTIVATED"})")) == fail);
        CHECK(judge("unknown-path", answer(400, R"({"cause":"x"})")) == fail);
    }

    TEST_CASE("live-order: 200 with a status of spec/order.md and a message") {
        Judge judge;
        for (const char* status : {"ACTIVATED", "RECEIVED", "REJECTED"})
            CHECK(judge("live-order", answer(200, fmt::format(R"({{"status":"{}","message":"m"}})",
                                                              status))) == pass);
        CHECK(judge("live-order", answer(200, R"({"status":"DONE","message":"m"})")) == fail);
        CHECK(judge("live-order", answer(200, R"({"message":"m"})")) == fail);
        CHECK(judge("live-order", answer(200, R"({"status":"RECEIVED"})")) == warn);
        CHECK(judge("live-order", answer(201, R"({"status":"RECEIVED","message":"m"})")) == fail);
        CHECK(judge("live-order", no_answer(Reach::maybe_sent, 28)) == fail);
    }

    TEST_CASE("error-bodies and response-time summarise the probes before them") {
        Redactor redactor;
        const JudgeContext context{.redactor = &redactor,
                                   .warn_after = std::chrono::milliseconds(100),
                                   .timeout = std::chrono::milliseconds(1000)};
        const auto result = [](std::string_view name, HttpExchange exchange) {
            ProbeResult r;
            r.probe = &probe(name);
            r.sent = true;
            r.exchange = std::move(exchange);
            return r;
        };
        std::vector<ProbeResult> results = {
            result("no-credentials", answer(401, R"({"cause":"Missing credentials"})")),
            result("unknown-path", answer(501, R"({"cause":"Not implemented"})")),
            // plain-http's answer may come from a proxy: never judged here
            result("plain-http", answer(400, "<html/>", {{"Content-Type", "text/html"}})),
        };
        const Probe& bodies = probe("error-bodies");
        const Probe& time = probe("response-time");
        CHECK(bodies.summarise(results, context).status == pass);
        CHECK(time.summarise(results, context).status == pass);

        results.push_back(result("malformed-json",
                                 answer(400, "<html>Bad</html>", {{"Content-Type", "text/html"}})));
        CHECK(bodies.summarise(results, context).status == fail);
        CHECK(bodies.summarise(results, context).detail.find("malformed-json (400") !=
              std::string::npos);
        results.back().exchange = answer(400, R"({"cause":"x"})", {{"Content-Type", "text/plain"}});
        CHECK(bodies.summarise(results, context).status == warn);

        results.back().exchange.elapsed = std::chrono::milliseconds(150);
        CHECK(time.summarise(results, context).status == warn);
        results.push_back(result("bad-luhn", no_answer(Reach::maybe_sent, 28))); // timed out
        CHECK(time.summarise(results, context).status == fail);

        CHECK(bodies.summarise({}, context).status == skip);
        CHECK(time.summarise({}, context).status == skip);
    }

    TEST_CASE("the bodies: only the valid order is one an SP could place") {
        const nlohmann::json order = example_order(std::chrono::system_clock::now());
        CHECK(nlohmann::json::parse(probe_body(Payload::valid_order, order)) == order);
        CHECK_FALSE(nlohmann::json::accept(probe_body(Payload::malformed_json, order)));
        const auto bad = nlohmann::json::parse(probe_body(Payload::bad_luhn, order));
        CHECK(bad["customerDetails"]["personalIdentityNumber"] == "19121212-1213");
        CHECK(bad.size() == order.size());
        const auto missing = nlohmann::json::parse(probe_body(Payload::missing_field, order));
        CHECK_FALSE(missing.contains("coAccessId"));
        CHECK(probe_body(Payload::empty_object, order) == "{}");
        CHECK(plain_http_url("https://sp.example:8443/onapi/") == "http://sp.example:8443/onapi/");
        CHECK(plain_http_url("http://127.0.0.1:1/") == "http://127.0.0.1:1/");
    }

    TEST_CASE("verdicts of a run: failed() with --strict, unreachable()") {
        std::vector<ProbeResult> results(2);
        results[0].probe = &probe("tls");
        results[0].sent = true;
        results[0].exchange = no_answer();
        results[0].judgement = {ProbeStatus::fail, ""};
        results[1].probe = &probe("plain-http");
        results[1].sent = true;
        results[1].exchange = answer(200, "{}");
        results[1].judgement = {ProbeStatus::warn, ""};
        CHECK(unreachable(results)); // plain-http's answer does not count
        CHECK(failed(results, false));
        results[0].judgement.status = ProbeStatus::pass;
        CHECK_FALSE(failed(results, false));
        CHECK(failed(results, true));
        results[0].exchange = answer(200, good_list);
        CHECK_FALSE(unreachable(results));
    }

    TEST_CASE("the exchange keeps every header of the final answer") {
        loopback::LoopbackServer server([](int, const std::string&) {
            return loopback::Reply{"HTTP/1.1 100 Continue\r\nX-Early: 1\r\n\r\n"
                                   "HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Basic "
                                   "realm=\"sp\"\r\nContent-Type: application/json\r\n"
                                   "Content-Length: 2\r\n\r\n{}"};
        });
        HttpClient client(ConnectionOptions{}, Redactor{});
        const HttpExchange exchange = client.get(server.url("/2.5/"));
        CHECK(exchange.http_status == 401);
        const std::vector<std::pair<std::string, std::string>> expected = {
            {"WWW-Authenticate", "Basic realm=\"sp\""},
            {"Content-Type", "application/json"},
            {"Content-Length", "2"}};
        CHECK(exchange.headers == expected);
    }
}
