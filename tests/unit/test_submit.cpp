#include <onorder/helpers.hpp>
#include <onorder/submit.hpp>

#include "loopback_server.hpp"

#include <doctest/doctest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <vector>

using namespace onorder;
using namespace std::chrono_literals;
using loopback::json_reply;
using loopback::LoopbackServer;

namespace {

bool contains(const std::string& text, std::string_view part) {
    return text.find(part) != std::string::npos;
}

// An absolute UTC time as the explanation gives it: "not before 2026-11-28T17:03:12Z".
bool names_a_utc_time(const std::string& text) {
    constexpr std::string_view prefix = "not before ";
    constexpr std::string_view shape = "dddd-dd-ddTdd:dd:ddZ";
    const std::size_t at = text.find(prefix);
    if (at == std::string::npos || text.size() < at + prefix.size() + shape.size())
        return false;
    const std::string_view time = std::string_view(text).substr(at + prefix.size(), shape.size());
    for (std::size_t i = 0; i < shape.size(); ++i) {
        const bool ok = shape[i] == 'd' ? is_digit(time[i]) : time[i] == shape[i];
        if (!ok)
            return false;
    }
    return true;
}

// A loopback port nobody listens on: bound once to learn a free number, then closed.
int closed_port() {
    const int fd = socket(AF_INET, SOCK_STREAM, 0);
    REQUIRE(fd >= 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
    socklen_t length = sizeof address;
    REQUIRE(getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) == 0);
    close(fd);
    return ntohs(address.sin_port);
}

} // namespace

TEST_SUITE("submit") {

    TEST_CASE("submit_order retries a refused connection, then reports no connection") {
        HttpClient client(ConnectionOptions{}, Redactor{});
        RetryPolicy policy;
        policy.retries = 2;
        policy.base_delay = 100ms;
        std::vector<std::chrono::milliseconds> sleeps;
        const std::string url = "http://127.0.0.1:" + std::to_string(closed_port()) + "/";
        const Verdict verdict = submit_order(
            client, url, "{}", policy,
            [&](std::chrono::milliseconds d) {
                sleeps.push_back(d);
                return true;
            },
            Redactor{});
        CHECK(verdict.outcome == Outcome::no_connection);
        CHECK(verdict.attempts == 3);
        REQUIRE(sleeps.size() == 2);
        CHECK(sleeps[0] >= 50ms);
        CHECK(sleeps[0] <= 150ms);
        CHECK(sleeps[1] >= 100ms);
        CHECK(sleeps[1] <= 300ms);
        CHECK(verdict.explanation.find("3 attempts") != std::string::npos);
    }

    TEST_CASE("submit_order with no retries makes one attempt") {
        HttpClient client(ConnectionOptions{}, Redactor{});
        RetryPolicy policy;
        policy.retries = 0;
        int sleeps = 0;
        const std::string url = "http://127.0.0.1:" + std::to_string(closed_port()) + "/";
        const Verdict verdict = submit_order(
            client, url, "{}", policy, [&](std::chrono::milliseconds) { return ++sleeps > 0; },
            Redactor{});
        CHECK(verdict.outcome == Outcome::no_connection);
        CHECK(verdict.attempts == 1);
        CHECK(sleeps == 0);
    }

    TEST_CASE("submit_order does not retry what can only fail again") {
        HttpClient client(ConnectionOptions{}, Redactor{});
        int sleeps = 0;
        const Verdict verdict = submit_order(
            client, "ftp://127.0.0.1/", "{}", RetryPolicy{},
            [&](std::chrono::milliseconds) { return ++sleeps > 0; }, Redactor{});
        CHECK(verdict.outcome == Outcome::no_connection);
        CHECK(verdict.attempts == 1);
        CHECK(sleeps == 0);
    }

    TEST_CASE("submit_order stops retrying when the wait is interrupted") {
        HttpClient client(ConnectionOptions{}, Redactor{});
        int sleeps = 0;
        const std::string url = "http://127.0.0.1:" + std::to_string(closed_port()) + "/";
        const Verdict verdict = submit_order(
            client, url, "{}", RetryPolicy{},
            [&](std::chrono::milliseconds) {
                ++sleeps;
                return false;
            },
            Redactor{});
        CHECK(verdict.outcome == Outcome::no_connection);
        CHECK(verdict.attempts == 1);
        CHECK(sleeps == 1);
    }

    TEST_CASE("a Retry-After longer than max_wait: give up at once, send nothing more, say when") {
        for (const std::string retry_after : {"99999999", "61", "Fri, 31 Dec 9999 23:59:59 GMT"}) {
            CAPTURE(retry_after);
            LoopbackServer server([&](int, const std::string&) {
                return json_reply(429, R"({"cause":"Too many requests."})",
                                  std::string("Retry-After: ") + retry_after + "\r\n");
            });
            HttpClient client(ConnectionOptions{}, Redactor{});
            RetryPolicy policy;
            policy.max_wait = 60s;
            std::vector<std::chrono::milliseconds> sleeps;
            const Verdict verdict = submit_order(
                client, server.url(), "{}", policy,
                [&](std::chrono::milliseconds d) {
                    sleeps.push_back(d);
                    return true;
                },
                Redactor{});
            CHECK(server.requests().size() == 1);
            CHECK(sleeps.empty());
            CHECK(verdict.attempts == 1);
            CHECK(verdict.outcome == Outcome::http_error);
            CHECK(verdict.http_status == 429);
            CAPTURE(verdict.explanation);
            CHECK(contains(verdict.explanation, "did not process the order"));
            CHECK(names_a_utc_time(verdict.explanation));
            CHECK_FALSE(contains(verdict.explanation, ".."));
        }
    }

    TEST_CASE("the explanation of a refused wait names the seconds and the time they end") {
        LoopbackServer server([](int, const std::string&) {
            return json_reply(503, R"({"cause":"Maintenance"})", "Retry-After: 99999999\r\n");
        });
        HttpClient client(ConnectionOptions{}, Redactor{});
        const auto before = std::chrono::system_clock::now();
        const Verdict verdict = submit_order(
            client, server.url(), "{}", RetryPolicy{},
            [](std::chrono::milliseconds) { return true; }, Redactor{});
        CAPTURE(verdict.explanation);
        CHECK(contains(verdict.explanation, "99999999 s"));
        // 99999999 s is 1157 days, 9 h, 46 min, 39 s from now.
        const auto expected = std::chrono::ceil<std::chrono::seconds>(before + 99999999s);
        const std::string year = std::to_string(static_cast<int>(
            std::chrono::year_month_day{std::chrono::floor<std::chrono::days>(expected)}.year()));
        CHECK(contains(verdict.explanation, "not before " + year + "-"));
    }

    TEST_CASE("a Retry-After within max_wait is waited out in full, never less") {
        LoopbackServer server([](int index, const std::string&) {
            return index == 0 ? json_reply(429, "{}", "Retry-After: 3\r\n")
                              : json_reply(200, R"({"status":"ACTIVATED","message":"ok"})");
        });
        HttpClient client(ConnectionOptions{}, Redactor{});
        RetryPolicy policy;
        policy.max_wait = 3s;
        std::vector<std::chrono::milliseconds> sleeps;
        const Verdict verdict = submit_order(
            client, server.url(), "{}", policy,
            [&](std::chrono::milliseconds d) {
                sleeps.push_back(d);
                return true;
            },
            Redactor{});
        CHECK(verdict.outcome == Outcome::accepted);
        CHECK(sleeps == std::vector<std::chrono::milliseconds>{3s});
    }

    TEST_CASE("the Retry-After of an earlier attempt says nothing about the last answer") {
        LoopbackServer server([](int index, const std::string&) {
            return index == 0 ? json_reply(429, "{}", "Retry-After: 0\r\n")
                              : json_reply(200, R"({"status":"ACTIVATED","message":"ok"})");
        });
        HttpClient client(ConnectionOptions{}, Redactor{});
        RetryPolicy policy;
        policy.retries = 1;
        const Verdict verdict = submit_order(
            client, server.url(), "{}", policy, [](std::chrono::milliseconds) { return true; },
            Redactor{});
        CHECK(verdict.outcome == Outcome::accepted);
        CHECK(verdict.attempts == 2);
        CHECK_FALSE(verdict.not_before.has_value());
        CHECK_FALSE(contains(verdict.explanation, "Retry-After"));
    }

    TEST_CASE("a Retry-After that is negative or garbage falls back to the backoff") {
        for (const std::string retry_after : {"-5", "soon", "1.5"}) {
            CAPTURE(retry_after);
            LoopbackServer server([&](int index, const std::string&) {
                return index == 0 ? json_reply(503, "{}",
                                               std::string("Retry-After: ") + retry_after + "\r\n")
                                  : json_reply(200, R"({"status":"ACTIVATED","message":"ok"})");
            });
            HttpClient client(ConnectionOptions{}, Redactor{});
            RetryPolicy policy;
            policy.base_delay = 100ms;
            std::vector<std::chrono::milliseconds> sleeps;
            const Verdict verdict = submit_order(
                client, server.url(), "{}", policy,
                [&](std::chrono::milliseconds d) {
                    sleeps.push_back(d);
                    return true;
                },
                Redactor{});
            CHECK(verdict.outcome == Outcome::accepted);
            REQUIRE(sleeps.size() == 1);
            CHECK(sleeps[0] >= 50ms);
            CHECK(sleeps[0] <= 150ms);
        }
    }

    TEST_CASE("submit_order shows the SP's text through the order's redactor") {
        LoopbackServer server([](int, const std::string&) {
            return json_reply(400, R"({"cause":"pin +8211059954 taken",)"
                                   R"("message":"Personnummer 19821105-9954 finns redan."})");
        });
        HttpClient client(ConnectionOptions{}, Redactor{});
        RetryPolicy policy;
        Redactor redactor;
        redactor.add_identity_number("19821105-9954");
        const Verdict masked = submit_order(
            client, server.url(), "{}", policy, [](std::chrono::milliseconds) { return true; },
            redactor);
        CHECK(masked.outcome == Outcome::bad_request);
        CHECK(masked.cause == "pin +821105**** taken");
        CHECK(masked.message == "Personnummer 19821105-**** finns redan.");

        redactor.show_identity_numbers();
        const Verdict unmasked = submit_order(
            client, server.url(), "{}", policy, [](std::chrono::milliseconds) { return true; },
            redactor);
        CHECK(unmasked.cause == "pin +8211059954 taken");
        CHECK(unmasked.message == "Personnummer 19821105-9954 finns redan.");
    }

} // TEST_SUITE
