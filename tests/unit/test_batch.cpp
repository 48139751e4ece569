#include <onorder/batch.hpp>
#include <onorder/helpers.hpp>

#include <nlohmann/json.hpp>

#include "loopback_server.hpp"

#include <doctest/doctest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <mutex>
#include <thread>
#include <vector>

using namespace onorder;
using namespace std::chrono_literals;
using loopback::json_reply;
using loopback::LoopbackServer;
using loopback::Reply;

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

using Clock = std::chrono::steady_clock;

// An order as the reading side hands it over: the engine sends its body.
BatchOrder an_order(Redactor redactor = {}) {
    CheckedOrder order;
    order.source = "test";
    order.body = "{}";
    order.document = nlohmann::json::object();
    return BatchOrder{order, std::move(redactor)};
}

// One order through the engine, a batch of one, as `onorder submit` sends it.
Verdict send_one(const std::string& url, const RetryPolicy& policy, Redactor redactor = {}) {
    BatchSettings settings;
    settings.url = url;
    settings.retry = policy;
    Batch batch(ConnectionOptions{}, Redactor{}, settings);
    std::optional<Verdict> verdict;
    int results = 0;
    batch.on_result = [&](const BatchOrder&, const Verdict& v) {
        verdict = v;
        ++results;
    };
    REQUIRE(batch.put(an_order(std::move(redactor))));
    batch.close_input();
    batch.run();
    REQUIRE(results == 1);
    return *verdict;
}

// When each request arrived, for the waits between them.
struct Arrivals {
    std::mutex mutex;
    std::vector<Clock::time_point> times;
    void note() {
        std::lock_guard lock(mutex);
        times.push_back(Clock::now());
    }
    std::chrono::milliseconds gap(std::size_t i) {
        std::lock_guard lock(mutex);
        return std::chrono::duration_cast<std::chrono::milliseconds>(times.at(i + 1) - times.at(i));
    }
};

} // namespace

TEST_SUITE("batch of one") {

    TEST_CASE("a refused connection is retried, then reported as no connection") {
        RetryPolicy policy;
        policy.retries = 2;
        policy.base_delay = 1ms;
        const std::string url = "http://127.0.0.1:" + std::to_string(closed_port()) + "/";
        const Verdict verdict = send_one(url, policy);
        CHECK(verdict.outcome == Outcome::no_connection);
        CHECK(verdict.attempts == 3);
        CHECK(contains(verdict.explanation, "3 attempts"));
    }

    TEST_CASE("with no retries one attempt is made") {
        RetryPolicy policy;
        policy.retries = 0;
        const std::string url = "http://127.0.0.1:" + std::to_string(closed_port()) + "/";
        const Verdict verdict = send_one(url, policy);
        CHECK(verdict.outcome == Outcome::no_connection);
        CHECK(verdict.attempts == 1);
    }

    TEST_CASE("what can only fail again is not retried") {
        RetryPolicy policy;
        policy.base_delay = 1ms;
        const Verdict verdict = send_one("ftp://127.0.0.1/", policy);
        CHECK(verdict.outcome == Outcome::no_connection);
        CHECK(verdict.attempts == 1);
    }

    TEST_CASE("a Retry-After longer than max_wait: give up at once, send nothing more, say when") {
        for (const std::string retry_after : {"99999999", "61", "Fri, 31 Dec 9999 23:59:59 GMT"}) {
            CAPTURE(retry_after);
            LoopbackServer server([&](int, const std::string&) {
                return json_reply(429, R"({"cause":"Too many requests."})",
                                  std::string("Retry-After: ") + retry_after + "\r\n");
            });
            RetryPolicy policy;
            policy.max_wait = 60s;
            const auto started = Clock::now();
            const Verdict verdict = send_one(server.url(), policy);
            CHECK(Clock::now() - started < 30s);
            CHECK(server.requests().size() == 1);
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
        const auto before = std::chrono::system_clock::now();
        const Verdict verdict = send_one(server.url(), RetryPolicy{});
        CAPTURE(verdict.explanation);
        CHECK(contains(verdict.explanation, "99999999 s"));
        // 99999999 s is 1157 days, 9 h, 46 min, 39 s from now.
        const auto expected = std::chrono::ceil<std::chrono::seconds>(before + 99999999s);
        const std::string year = std::to_string(static_cast<int>(
            std::chrono::year_month_day{std::chrono::floor<std::chrono::days>(expected)}.year()));
        CHECK(contains(verdict.explanation, "not before " + year + "-"));
        REQUIRE(verdict.not_before.has_value());
        CHECK(*verdict.not_before >= before + 99999999s);
    }

    TEST_CASE("a Retry-After within max_wait is waited out in full, never less") {
        Arrivals arrivals;
        LoopbackServer server([&](int index, const std::string&) {
            arrivals.note();
            return index == 0 ? json_reply(429, "{}", "Retry-After: 1\r\n")
                              : json_reply(200, R"({"status":"ACTIVATED","message":"ok"})");
        });
        RetryPolicy policy;
        policy.max_wait = 3s;
        const Verdict verdict = send_one(server.url(), policy);
        CHECK(verdict.outcome == Outcome::accepted);
        CHECK(verdict.attempts == 2);
        CHECK(arrivals.gap(0) >= 1000ms);
    }

    TEST_CASE("a 503 is retried as Retry-After says, each attempt sent once") {
        Arrivals arrivals;
        LoopbackServer server([&](int, const std::string&) {
            arrivals.note();
            return json_reply(503, "{}", "Retry-After: 1\r\n");
        });
        RetryPolicy policy;
        policy.retries = 2;
        const Verdict verdict = send_one(server.url(), policy);
        CHECK(verdict.outcome == Outcome::http_error);
        CHECK(verdict.http_status == 503);
        CHECK(verdict.attempts == 3);
        CHECK(server.requests().size() == 3);
        CHECK(arrivals.gap(0) >= 1000ms);
        CHECK(arrivals.gap(1) >= 1000ms);
        CHECK(contains(verdict.explanation, "Gave up after 3 attempts"));
    }

    TEST_CASE("the Retry-After of an earlier attempt says nothing about the last answer") {
        LoopbackServer server([](int index, const std::string&) {
            return index == 0 ? json_reply(429, "{}", "Retry-After: 0\r\n")
                              : json_reply(200, R"({"status":"ACTIVATED","message":"Klart"})");
        });
        RetryPolicy policy;
        policy.retries = 1;
        const Verdict verdict = send_one(server.url(), policy);
        CHECK(verdict.outcome == Outcome::accepted);
        CHECK(verdict.attempts == 2);
        CHECK(verdict.message == "Klart");
        CHECK_FALSE(verdict.not_before.has_value());
        CHECK_FALSE(contains(verdict.explanation, "Retry-After"));
    }

    TEST_CASE("a Retry-After that is negative or garbage falls back to the backoff") {
        for (const std::string retry_after : {"-5", "soon", "1.5"}) {
            CAPTURE(retry_after);
            Arrivals arrivals;
            LoopbackServer server([&](int index, const std::string&) {
                arrivals.note();
                return index == 0 ? json_reply(503, "{}",
                                               std::string("Retry-After: ") + retry_after + "\r\n")
                                  : json_reply(200, R"({"status":"ACTIVATED","message":"ok"})");
            });
            RetryPolicy policy;
            policy.base_delay = 100ms;
            const Verdict verdict = send_one(server.url(), policy);
            CHECK(verdict.outcome == Outcome::accepted);
            CHECK(verdict.attempts == 2);
            CHECK(arrivals.gap(0) >= 50ms); // the backoff's jitter: 50 to 150 ms
        }
    }

    TEST_CASE("a 500 or a lost connection is never retried") {
        for (const Reply& reply : {json_reply(500, R"({"cause":"boom"})"), Reply{"", true}}) {
            LoopbackServer server([&](int, const std::string&) { return reply; });
            RetryPolicy policy;
            policy.base_delay = 1ms;
            const Verdict verdict = send_one(server.url(), policy);
            CHECK(verdict.attempts == 1);
            CHECK(server.requests().size() == 1);
            CHECK((verdict.outcome == Outcome::http_error || verdict.outcome == Outcome::unknown));
        }
    }

    TEST_CASE("the SP's text is shown through the order's redactor") {
        LoopbackServer server([](int, const std::string&) {
            return json_reply(400, R"({"cause":"pin +8211059954 taken",)"
                                   R"("message":"Personnummer 19821105-9954 finns redan."})");
        });
        Redactor redactor;
        redactor.add_identity_number("19821105-9954");
        const Verdict masked = send_one(server.url(), RetryPolicy{}, redactor);
        CHECK(masked.outcome == Outcome::bad_request);
        CHECK(masked.cause == "pin +821105**** taken");
        CHECK(masked.message == "Personnummer 19821105-**** finns redan.");

        redactor.show_identity_numbers();
        const Verdict unmasked = send_one(server.url(), RetryPolicy{}, redactor);
        CHECK(unmasked.cause == "pin +8211059954 taken");
        CHECK(unmasked.message == "Personnummer 19821105-9954 finns redan.");
    }

    TEST_CASE("a second interruption abandons the request in flight: unknown") {
        LoopbackServer server([](int, const std::string&) {
            std::this_thread::sleep_for(3s);
            return json_reply(200, R"({"status":"ACTIVATED","message":"ok"})");
        });
        BatchSettings settings;
        settings.url = server.url();
        Batch batch(ConnectionOptions{}, Redactor{}, settings);
        std::vector<Verdict> verdicts;
        batch.on_result = [&](const BatchOrder&, const Verdict& v) { verdicts.push_back(v); };
        std::vector<std::string> notices;
        batch.on_notice = [&](std::string_view notice) { notices.emplace_back(notice); };
        REQUIRE(batch.put(an_order()));
        // The reading side stays open: the batch ends by the interruptions alone.
        std::thread interrupter([&] {
            while (server.requests().empty())
                std::this_thread::sleep_for(1ms);
            batch.interrupt();
            batch.interrupt();
        });
        const auto started = Clock::now();
        CHECK(batch.run() == Outcome::interrupted);
        interrupter.join();
        CHECK(Clock::now() - started < 2500ms);
        REQUIRE(verdicts.size() == 1);
        CHECK(verdicts[0].outcome == Outcome::unknown);
        CHECK_FALSE(batch.put(an_order()));
    }

} // TEST_SUITE
