// The transport against a tiny HTTP/1.1 server on 127.0.0.1, in a thread of this process: what
// reaches the wire, and how far a request got when the server misbehaves.
#include <onorder/http_client.hpp>
#include <onorder/submit.hpp>

#include <curl/curl.h>
#include <doctest/doctest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <mutex>
#include <thread>

using namespace onorder;
using namespace std::chrono_literals;
using Reach = HttpExchange::Reach;

namespace {

struct Reply {
    std::string bytes;  // sent as is
    bool close = false; // close the connection without answering
    bool hang = false;  // never answer
};

Reply json_reply(int status, std::string_view body, std::string_view extra_headers = "") {
    return {"HTTP/1.1 " + std::to_string(status) + " X\r\nContent-Type: application/json\r\n" +
            std::string(extra_headers) + "Content-Length: " + std::to_string(body.size()) +
            "\r\n\r\n" + std::string(body)};
}

class LoopbackServer {
  public:
    using Handler = std::function<Reply(int index, const std::string& request)>;

    explicit LoopbackServer(Handler handler) : handler_(std::move(handler)) {
        listener_ = socket(AF_INET, SOCK_STREAM, 0);
        REQUIRE(listener_ >= 0);
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        REQUIRE(bind(listener_, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
        REQUIRE(listen(listener_, 8) == 0);
        socklen_t length = sizeof address;
        getsockname(listener_, reinterpret_cast<sockaddr*>(&address), &length);
        port_ = ntohs(address.sin_port);
        thread_ = std::thread([this] { run(); });
    }

    ~LoopbackServer() {
        stop_ = true;
        thread_.join();
        close(listener_);
    }

    std::string url(std::string_view path = "/") const {
        return "http://127.0.0.1:" + std::to_string(port_) + std::string(path);
    }

    std::vector<std::string> requests() const {
        const std::lock_guard lock(mutex_);
        return requests_;
    }

  private:
    bool wait_readable(int fd) const {
        pollfd entry{fd, POLLIN, 0};
        while (!stop_) {
            if (poll(&entry, 1, 20) > 0)
                return true;
        }
        return false;
    }

    // One request: headers, then Content-Length bytes of body. False when the peer is gone.
    bool read_request(int fd, std::string& buffer, std::string& request) const {
        std::size_t need = std::string::npos;
        while (true) {
            const std::size_t end = buffer.find("\r\n\r\n");
            if (end != std::string::npos && need == std::string::npos) {
                need = end + 4;
                const std::size_t at = buffer.find("Content-Length: ");
                if (at != std::string::npos && at < end)
                    need += std::stoul(buffer.substr(at + 16));
            }
            if (buffer.size() >= need) {
                request = buffer.substr(0, need);
                buffer.erase(0, need);
                return true;
            }
            char chunk[4096];
            if (!wait_readable(fd))
                return false;
            const ssize_t got = recv(fd, chunk, sizeof chunk, 0);
            if (got <= 0)
                return false;
            buffer.append(chunk, static_cast<std::size_t>(got));
        }
    }

    void serve(int fd) {
        std::string buffer;
        std::string request;
        while (read_request(fd, buffer, request)) {
            int index = 0;
            {
                const std::lock_guard lock(mutex_);
                index = static_cast<int>(requests_.size());
                requests_.push_back(request);
            }
            const Reply reply = handler_(index, request);
            if (reply.close)
                break;
            if (reply.hang) {
                char byte = 0;
                while (wait_readable(fd) && recv(fd, &byte, 1, 0) > 0) {
                }
                break;
            }
            std::string_view rest = reply.bytes;
            while (!rest.empty()) {
                const ssize_t sent = send(fd, rest.data(), rest.size(), MSG_NOSIGNAL);
                if (sent <= 0)
                    break;
                rest.remove_prefix(static_cast<std::size_t>(sent));
            }
            if (!rest.empty())
                break;
        }
        close(fd);
    }

    // A thread per connection: a client that keeps its connection alive must not block others.
    void run() {
        std::vector<std::thread> connections;
        while (wait_readable(listener_)) {
            const int fd = accept(listener_, nullptr, nullptr);
            if (fd >= 0)
                connections.emplace_back([this, fd] { serve(fd); });
        }
        for (std::thread& connection : connections)
            connection.join();
    }

    Handler handler_;
    int listener_ = -1;
    int port_ = 0;
    std::atomic<bool> stop_{false};
    mutable std::mutex mutex_;
    std::vector<std::string> requests_;
    std::thread thread_;
};

bool contains(std::string_view text, std::string_view part) {
    return text.find(part) != std::string_view::npos;
}

} // namespace

TEST_SUITE("http_client") {

    TEST_CASE("a POST goes out as given and its answer is recorded") {
        LoopbackServer server([](int, const std::string&) {
            return json_reply(200, R"({"status":"RECEIVED","message":"ok"})",
                              "Retry-After: 7\r\nLocation: /somewhere\r\n");
        });
        ConnectionOptions options;
        options.user = "co-user";
        options.password = "pa55word";
        options.headers = {"X-Request-Id: 42"};
        HttpClient client(options, Redactor{});
        const std::string body = R"({"coId":"Acme"})";
        const HttpExchange exchange =
            client.post_json(server.url("/onapi/2.5/sp_spec/order/"), body);

        CHECK(exchange.reach == Reach::answered);
        CHECK(exchange.curl_code == 0);
        CHECK(exchange.http_status == 200);
        CHECK(exchange.body == R"({"status":"RECEIVED","message":"ok"})");
        CHECK_FALSE(exchange.body_truncated);
        CHECK(exchange.content_type == "application/json");
        CHECK(exchange.retry_after == "7");
        CHECK(exchange.location == "/somewhere");
        CHECK(exchange.protocol == "HTTP/1.1");
        CHECK(exchange.tls_version.empty());

        const auto requests = server.requests();
        REQUIRE(requests.size() == 1);
        const std::string& request = requests[0];
        CHECK(request.starts_with("POST /onapi/2.5/sp_spec/order/ HTTP/1.1\r\n"));
        CHECK(contains(request, "\r\nContent-Type: application/json\r\n"));
        CHECK(contains(request, "\r\nAccept: application/json\r\n"));
        CHECK(contains(request, "\r\nUser-Agent: onorder/" ONORDER_VERSION "\r\n"));
        CHECK(contains(request, "\r\nAuthorization: Basic Y28tdXNlcjpwYTU1d29yZA==\r\n"));
        CHECK(contains(request, "\r\nX-Request-Id: 42\r\n"));
        CHECK_FALSE(contains(request, "Expect:"));
        CHECK(request.ends_with("\r\n\r\n" + body));
    }

    TEST_CASE("the trace shows the exchange and never the credentials") {
        LoopbackServer server(
            [](int, const std::string&) { return json_reply(400, R"({"cause":"bad"})"); });
        std::vector<std::string> lines;
        ConnectionOptions options;
        options.user = "co-user";
        options.password = "pa55word";
        options.trace = [&](std::string_view line) { lines.emplace_back(line); };
        Redactor redactor;
        redactor.add_secret(options.password);
        HttpClient client(options, redactor);
        const HttpExchange exchange = client.post_json(server.url(), R"({"order":1})");
        CHECK(exchange.http_status == 400);

        std::string all;
        for (const std::string& line : lines)
            all += line + "\n";
        CAPTURE(all);
        CHECK(contains(all, "> POST / HTTP/1.1"));
        CHECK(contains(all, "> {\"order\":1}"));
        CHECK(contains(all, "< HTTP/1.1 400 X"));
        CHECK(contains(all, "< {\"cause\":\"bad\"}"));
        CHECK(contains(all, "* "));
        CHECK(contains(all, "Authorization"));
        CHECK_FALSE(contains(all, "Y28tdXNlcjpwYTU1d29yZA=="));
        CHECK_FALSE(contains(all, "pa55word"));
    }

    TEST_CASE("a body over 1 MiB is cut off, and the answer still counts") {
        LoopbackServer server([](int, const std::string&) {
            return json_reply(200, "\"" + std::string(2 * max_response_bytes, 'x') + "\"");
        });
        HttpClient client(ConnectionOptions{}, Redactor{});
        const HttpExchange exchange = client.post_json(server.url(), "{}");
        CHECK(exchange.reach == Reach::answered);
        CHECK(exchange.http_status == 200);
        CHECK(exchange.body_truncated);
        CHECK(exchange.body.size() == max_response_bytes);
    }

    TEST_CASE("connection refused: not sent") {
        std::string url;
        {
            LoopbackServer server([](int, const std::string&) { return Reply{}; });
            url = server.url();
        }
        HttpClient client(ConnectionOptions{}, Redactor{});
        const HttpExchange exchange = client.post_json(url, "{}");
        CHECK(exchange.reach == Reach::not_sent);
        CHECK(exchange.curl_code == CURLE_COULDNT_CONNECT);
        CHECK_FALSE(exchange.curl_error.empty());
    }

    TEST_CASE("a server that closes without answering: maybe sent, and sent once") {
        LoopbackServer server([](int, const std::string&) { return Reply{"", true}; });
        HttpClient client(ConnectionOptions{}, Redactor{});
        const HttpExchange exchange = client.post_json(server.url(), "{}");
        CHECK(exchange.reach == Reach::maybe_sent);
        CHECK(exchange.curl_code == CURLE_GOT_NOTHING);
        CHECK(server.requests().size() == 1);
    }

    TEST_CASE("a kept-alive connection that dies is not silently used to send the order again") {
        LoopbackServer server([](int index, const std::string&) {
            return index == 0 ? json_reply(200, R"({"status":"RECEIVED","message":""})")
                              : Reply{"", true};
        });
        HttpClient client(ConnectionOptions{}, Redactor{});
        CHECK(client.post_json(server.url(), R"({"n":1})").reach == Reach::answered);
        const HttpExchange second = client.post_json(server.url(), R"({"n":2})");
        CHECK(second.reach == Reach::maybe_sent);
        // libcurl tried to resend on a fresh connection; the pre-request check refused it.
        CHECK(second.curl_code == CURLE_ABORTED_BY_CALLBACK);
        const auto requests = server.requests();
        REQUIRE(requests.size() == 2);
        CHECK(requests[1].ends_with(R"({"n":2})"));
    }

    TEST_CASE("no answer within the timeout after sending: maybe sent") {
        LoopbackServer server([](int, const std::string&) { return Reply{"", false, true}; });
        ConnectionOptions options;
        options.timeout = 300ms;
        HttpClient client(options, Redactor{});
        const HttpExchange exchange = client.post_json(server.url(), "{}");
        CHECK(exchange.reach == Reach::maybe_sent);
        CHECK(exchange.curl_code == CURLE_OPERATION_TIMEDOUT);
        CHECK(server.requests().size() == 1);
    }

    TEST_CASE("redirects are followed only with follow_redirects, only 307/308, same origin") {
        LoopbackServer server([](int, const std::string& request) {
            if (request.starts_with("POST /old ")) {
                return Reply{"HTTP/1.1 307 Temporary Redirect\r\nLocation: /new\r\n"
                             "Content-Length: 0\r\n\r\n"};
            }
            if (request.starts_with("POST /found ")) {
                return Reply{"HTTP/1.1 302 Found\r\nLocation: /new\r\nContent-Length: 0\r\n\r\n"};
            }
            if (request.starts_with("POST /away ")) {
                return Reply{
                    "HTTP/1.1 308 Permanent Redirect\r\nLocation: http://localhost:1/new\r\n"
                    "Content-Length: 0\r\n\r\n"};
            }
            return json_reply(200, R"({"status":"ACTIVATED","message":""})");
        });
        ConnectionOptions options;
        HttpClient plain(options, Redactor{});
        CHECK(plain.post_json(server.url("/old"), "{}").http_status == 307);

        options.follow_redirects = true;
        HttpClient following(options, Redactor{});
        const HttpExchange followed = following.post_json(server.url("/old"), R"({"a":1})");
        CHECK(followed.http_status == 200);
        CHECK(server.requests().back().starts_with("POST /new "));
        CHECK(server.requests().back().ends_with(R"({"a":1})"));
        CHECK(following.post_json(server.url("/found"), "{}").http_status == 302);
        CHECK(following.post_json(server.url("/away"), "{}").http_status == 308);
    }

    TEST_CASE("a GET") {
        LoopbackServer server([](int, const std::string&) { return json_reply(200, "[]"); });
        HttpClient client(ConnectionOptions{}, Redactor{});
        const HttpExchange exchange = client.get(server.url("/onapi/2.5/"));
        CHECK(exchange.reach == Reach::answered);
        CHECK(exchange.body == "[]");
        CHECK(server.requests().at(0).starts_with("GET /onapi/2.5/ HTTP/1.1\r\n"));
        CHECK(client.post_json(server.url("/x"), "{}").reach == Reach::answered);
        CHECK(server.requests().at(1).starts_with("POST /x HTTP/1.1\r\n"));
        CHECK(client.get(server.url("/y")).reach == Reach::answered);
        CHECK(server.requests().at(2).starts_with("GET /y HTTP/1.1\r\n"));
    }

    TEST_CASE("submit_order retries 503, honouring Retry-After, and sends each attempt once") {
        LoopbackServer server(
            [](int, const std::string&) { return json_reply(503, "{}", "Retry-After: 2\r\n"); });
        HttpClient client(ConnectionOptions{}, Redactor{});
        RetryPolicy policy;
        policy.retries = 2;
        std::vector<std::chrono::milliseconds> sleeps;
        const Verdict verdict =
            submit_order(client, server.url(), "{}", policy, [&](std::chrono::milliseconds d) {
                sleeps.push_back(d);
                return true;
            });
        CHECK(verdict.outcome == Outcome::http_error);
        CHECK(verdict.http_status == 503);
        CHECK(verdict.attempts == 3);
        CHECK(sleeps == std::vector<std::chrono::milliseconds>{2000ms, 2000ms});
        CHECK(server.requests().size() == 3);
        CHECK(contains(verdict.explanation, "Gave up after 3 attempts"));
    }

    TEST_CASE("submit_order stops retrying once the SP answers") {
        LoopbackServer server([](int index, const std::string&) {
            return index == 0 ? json_reply(429, "{}", "Retry-After: 0\r\n")
                              : json_reply(200, R"({"status":"ACTIVATED","message":"Klart"})");
        });
        HttpClient client(ConnectionOptions{}, Redactor{});
        const Verdict verdict = submit_order(client, server.url(), "{}", RetryPolicy{},
                                             [](std::chrono::milliseconds) { return true; });
        CHECK(verdict.outcome == Outcome::accepted);
        CHECK(verdict.attempts == 2);
        CHECK(verdict.message == "Klart");
    }

    TEST_CASE("submit_order never retries a 500 or a lost connection") {
        for (const Reply& reply : {json_reply(500, R"({"cause":"boom"})"), Reply{"", true}}) {
            LoopbackServer server([&](int, const std::string&) { return reply; });
            HttpClient client(ConnectionOptions{}, Redactor{});
            int sleeps = 0;
            const Verdict verdict = submit_order(client, server.url(), "{}", RetryPolicy{},
                                                 [&](std::chrono::milliseconds) {
                                                     ++sleeps;
                                                     return true;
                                                 });
            CHECK(verdict.attempts == 1);
            CHECK(sleeps == 0);
            CHECK(server.requests().size() == 1);
            CHECK((verdict.outcome == Outcome::http_error || verdict.outcome == Outcome::unknown));
        }
    }

} // TEST_SUITE
