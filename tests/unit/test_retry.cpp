#include <onorder/retry.hpp>

#include <curl/curl.h>
#include <doctest/doctest.h>

using namespace onorder;
using namespace std::chrono;
using Reach = HttpExchange::Reach;

namespace {

HttpExchange exchange_of(Reach reach, long status = 0, int curl_code = 0) {
    HttpExchange exchange;
    exchange.reach = reach;
    exchange.http_status = status;
    exchange.curl_code = curl_code;
    return exchange;
}

// Wed, 21 Oct 2015 07:28:00 GMT
const system_clock::time_point october_21 = sys_days{2015y / October / 21} + 7h + 28min;

} // namespace

TEST_SUITE("retry") {

    TEST_CASE("only what certainly did not reach the SP is retried") {
        CHECK(may_retry(exchange_of(Reach::not_sent, 0, CURLE_COULDNT_CONNECT)));
        CHECK(may_retry(exchange_of(Reach::not_sent, 0, CURLE_COULDNT_RESOLVE_HOST)));
        CHECK(may_retry(exchange_of(Reach::not_sent, 0, CURLE_SSL_CONNECT_ERROR)));
        CHECK(may_retry(exchange_of(Reach::not_sent, 0, CURLE_OPERATION_TIMEDOUT)));
        CHECK(may_retry(exchange_of(Reach::answered, 429)));
        CHECK(may_retry(exchange_of(Reach::answered, 503)));

        CHECK_FALSE(may_retry(exchange_of(Reach::maybe_sent, 0, CURLE_OPERATION_TIMEDOUT)));
        CHECK_FALSE(may_retry(exchange_of(Reach::maybe_sent, 0, CURLE_GOT_NOTHING)));
        CHECK_FALSE(may_retry(exchange_of(Reach::maybe_sent, 0, CURLE_RECV_ERROR)));
        CHECK_FALSE(may_retry(exchange_of(Reach::maybe_sent, 503, CURLE_PARTIAL_FILE)));
        for (long status : {200L, 400L, 401L, 403L, 404L, 409L, 500L, 501L, 502L, 504L, 307L}) {
            CAPTURE(status);
            CHECK_FALSE(may_retry(exchange_of(Reach::answered, status)));
        }
    }

    TEST_CASE("a failure that would only repeat itself is not retried") {
        CHECK_FALSE(may_retry(exchange_of(Reach::not_sent, 0, CURLE_PEER_FAILED_VERIFICATION)));
        CHECK_FALSE(may_retry(exchange_of(Reach::not_sent, 0, CURLE_URL_MALFORMAT)));
        CHECK_FALSE(may_retry(exchange_of(Reach::not_sent, 0, CURLE_UNSUPPORTED_PROTOCOL)));
        CHECK_FALSE(may_retry(exchange_of(Reach::not_sent, 0, CURLE_SSL_CACERT_BADFILE)));
        CHECK_FALSE(may_retry(exchange_of(Reach::not_sent, 0, CURLE_SSL_PINNEDPUBKEYNOTMATCH)));
    }

    TEST_CASE("Retry-After in seconds") {
        CHECK(parse_retry_after("120", october_21) == 120s);
        CHECK(parse_retry_after("0", october_21) == 0ms);
        CHECK(parse_retry_after(" 5 ", october_21) == 5s);
        CHECK(parse_retry_after("99999999999999999999999", october_21) > hours{24 * 365});
    }

    TEST_CASE("Retry-After as an HTTP date") {
        CHECK(parse_retry_after("Wed, 21 Oct 2015 07:30:00 GMT", october_21) == 120s);
        CHECK(parse_retry_after("Wednesday, 21-Oct-15 07:28:30 GMT", october_21) == 30s);
        CHECK(parse_retry_after("Wed Oct 21 07:29:00 2015", october_21) == 60s);
        CHECK(parse_retry_after("Thu Oct  1 07:28:00 2015", october_21 - days{20}) == 0ms);
        CHECK(parse_retry_after("Thu, 22 Oct 2015 07:28:00 GMT", october_21 + 500ms) ==
              milliseconds{86'399'500});
    }

    TEST_CASE("Retry-After in the past means now") {
        CHECK(parse_retry_after("Wed, 21 Oct 2015 07:00:00 GMT", october_21) == 0ms);
        CHECK(parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT", october_21) == 0ms);
    }

    TEST_CASE("Retry-After that is negative or garbage is ignored") {
        for (const char* value : {"-1", "-120", "", "   ", "soon", "1.5", "+5", "5s", "0x10",
                                  "Wed, 32 Oct 2015 07:28:00 GMT", "Wed, 21 Oct 2015 24:00:00 GMT",
                                  "Wed, 21 Foo 2015 07:28:00 GMT", "2015-10-21", "tomorrow"}) {
            CAPTURE(std::string(value));
            CHECK_FALSE(parse_retry_after(value, october_21).has_value());
        }
    }

    TEST_CASE("Retry-After far in the future saturates instead of overflowing") {
        CHECK(parse_retry_after("Fri, 31 Dec 9999 23:59:59 GMT", october_21) > hours{24 * 365});
        CHECK(parse_retry_after("Fri, 31 Dec 9999 23:59:59 GMT", october_21) ==
              parse_retry_after("99999999999999999999999", october_21));
    }

    TEST_CASE("retry_delay waits exactly as long as Retry-After asks") {
        RetryPolicy policy;
        policy.max_wait = 10s;
        CHECK(retry_delay(policy, 1, 3s) == 3s);
        CHECK(retry_delay(policy, 3, 0ms) == 0ms);
        CHECK(retry_delay(policy, 1, 10s) == 10s);
    }

    TEST_CASE("retry_delay refuses to wait less than a Retry-After longer than max_wait") {
        RetryPolicy policy;
        policy.max_wait = 10s;
        CHECK_FALSE(retry_delay(policy, 1, 10'001ms).has_value());
        CHECK_FALSE(retry_delay(policy, 1, 120s).has_value());
        CHECK_FALSE(retry_delay(policy, 1, seconds{99'999'999}).has_value());
        policy.max_wait = 0ms;
        CHECK_FALSE(retry_delay(policy, 1, 1s).has_value());
        CHECK(retry_delay(policy, 1, 0ms) == 0ms);
    }

    TEST_CASE("retry_delay backs off exponentially with jitter") {
        RetryPolicy policy;
        policy.base_delay = 1000ms;
        policy.max_wait = 60s;
        for (int round = 0; round < 50; ++round) {
            for (int attempt = 1; attempt <= 4; ++attempt) {
                const milliseconds nominal = policy.base_delay * (1 << (attempt - 1));
                const milliseconds delay = retry_delay(policy, attempt, std::nullopt).value();
                CAPTURE(attempt);
                CHECK(delay >= nominal / 2);
                CHECK(delay <= nominal * 3 / 2);
            }
        }
    }

    TEST_CASE("retry_delay never exceeds max_wait, however many attempts") {
        RetryPolicy policy;
        policy.base_delay = 500ms;
        policy.max_wait = 4s;
        for (int attempt : {5, 10, 40, 1000}) {
            CAPTURE(attempt);
            CHECK(retry_delay(policy, attempt, std::nullopt).value() <= 4s);
        }
        policy.max_wait = 0ms;
        CHECK(retry_delay(policy, 1, std::nullopt).value() == 0ms);
    }

} // TEST_SUITE
