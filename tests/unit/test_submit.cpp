#include <onorder/submit.hpp>

#include <doctest/doctest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <vector>

using namespace onorder;
using namespace std::chrono_literals;

namespace {

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
        const Verdict verdict =
            submit_order(client, url, "{}", policy, [&](std::chrono::milliseconds d) {
                sleeps.push_back(d);
                return true;
            });
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
            client, url, "{}", policy, [&](std::chrono::milliseconds) { return ++sleeps > 0; });
        CHECK(verdict.outcome == Outcome::no_connection);
        CHECK(verdict.attempts == 1);
        CHECK(sleeps == 0);
    }

    TEST_CASE("submit_order does not retry what can only fail again") {
        HttpClient client(ConnectionOptions{}, Redactor{});
        int sleeps = 0;
        const Verdict verdict =
            submit_order(client, "ftp://127.0.0.1/", "{}", RetryPolicy{},
                         [&](std::chrono::milliseconds) { return ++sleeps > 0; });
        CHECK(verdict.outcome == Outcome::no_connection);
        CHECK(verdict.attempts == 1);
        CHECK(sleeps == 0);
    }

    TEST_CASE("submit_order stops retrying when the wait is interrupted") {
        HttpClient client(ConnectionOptions{}, Redactor{});
        int sleeps = 0;
        const std::string url = "http://127.0.0.1:" + std::to_string(closed_port()) + "/";
        const Verdict verdict =
            submit_order(client, url, "{}", RetryPolicy{}, [&](std::chrono::milliseconds) {
                ++sleeps;
                return false;
            });
        CHECK(verdict.outcome == Outcome::no_connection);
        CHECK(verdict.attempts == 1);
        CHECK(sleeps == 1);
    }

} // TEST_SUITE
