// The transport against a tiny HTTP/1.1 server on 127.0.0.1, in a thread of this process: what
// reaches the wire, and how far a request got when the server misbehaves.
#include <onorder/http_client.hpp>
#include <onorder/response.hpp>

#include "loopback_server.hpp"

#include <curl/curl.h>
#include <doctest/doctest.h>

using namespace onorder;
using namespace std::chrono_literals;
using Reach = HttpExchange::Reach;

namespace {

// The default: every identity number the SP sends is masked.
Verdict interpret(const HttpExchange& exchange) {
    return onorder::interpret(exchange, Redactor{});
}

using loopback::json_reply;
using loopback::LoopbackServer;
using loopback::Reply;

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

    TEST_CASE("the trace masks what the exchange's redactor masks, and never the credentials") {
        LoopbackServer server([](int, const std::string&) {
            return json_reply(400, R"({"cause":"pin +8211059954 is 19821105-9954"})",
                              "X-Customer: +8211059954\r\n");
        });
        std::vector<std::string> lines;
        ConnectionOptions options;
        options.user = "co-user";
        options.password = "pa55word";
        options.trace = [&](std::string_view line) { lines.emplace_back(line); };
        Redactor client_redactor;
        client_redactor.add_secret(options.password);
        HttpClient client(options, client_redactor);
        const auto trace_of = [&](const Redactor& redactor) {
            lines.clear();
            client.post_json(server.url(), R"({"pin":"19821105-9954","pw":"pa55word"})", redactor);
            std::string all;
            for (const std::string& line : lines)
                all += line + "\n";
            return all;
        };

        Redactor order_redactor = client_redactor;
        order_redactor.add_identity_number("19821105-9954");
        const std::string masked = trace_of(order_redactor);
        CAPTURE(masked);
        CHECK(contains(masked, "< X-Customer: +821105****"));
        CHECK_FALSE(contains(masked, "8211059954"));
        CHECK_FALSE(contains(masked, "-9954"));
        CHECK_FALSE(contains(masked, "Y28tdXNlcjpwYTU1d29yZA=="));
        CHECK_FALSE(contains(masked, "pa55word"));

        order_redactor.show_identity_numbers();
        const std::string unmasked = trace_of(order_redactor);
        CAPTURE(unmasked);
        CHECK(contains(unmasked, "< X-Customer: +8211059954"));
        CHECK(contains(unmasked, "19821105-9954"));
        CHECK_FALSE(contains(unmasked, "Y28tdXNlcjpwYTU1d29yZA=="));
        CHECK_FALSE(contains(unmasked, "pa55word"));

        // Even a redactor without the client's secrets cannot show the credentials.
        Redactor bare;
        bare.show_identity_numbers();
        const std::string without_secrets = trace_of(bare);
        CHECK_FALSE(contains(without_secrets, "Y28tdXNlcjpwYTU1d29yZA=="));
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

    TEST_CASE("an answer cut off in its headers is no answer: maybe sent") {
        for (const std::string cut :
             {"HTTP/1.1 200 OK\r\n", "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n",
              "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nX-Tr",
              "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\n"}) {
            CAPTURE(cut);
            LoopbackServer server([&](int, const std::string&) { return Reply{cut, true}; });
            HttpClient client(ConnectionOptions{}, Redactor{});
            const HttpExchange exchange = client.post_json(server.url(), "{}");
            CHECK(exchange.reach == Reach::maybe_sent);
            CHECK(exchange.curl_code != CURLE_OK);
            CHECK(contains(exchange.curl_error, "headers"));
            CHECK(server.requests().size() == 1);
            CHECK(interpret(exchange).outcome == Outcome::unknown);
        }
    }

    TEST_CASE("an answer cut off in its body is no answer: maybe sent") {
        LoopbackServer server([](int, const std::string&) {
            return Reply{"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                         "Content-Length: 100\r\n\r\n{\"status\":",
                         true};
        });
        HttpClient client(ConnectionOptions{}, Redactor{});
        const HttpExchange exchange = client.post_json(server.url(), "{}");
        CHECK(exchange.reach == Reach::maybe_sent);
        CHECK(exchange.curl_code == CURLE_PARTIAL_FILE);
        CHECK(interpret(exchange).outcome == Outcome::unknown);
    }

    TEST_CASE("a body without Content-Length ends where the connection closes: answered") {
        const std::string body = R"({"status":"ACTIVATED","message":"ok"})";
        LoopbackServer server([&](int, const std::string&) {
            return Reply{"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                         "Connection: close\r\n\r\n" +
                             body,
                         true};
        });
        HttpClient client(ConnectionOptions{}, Redactor{});
        const HttpExchange exchange = client.post_json(server.url(), "{}");
        CHECK(exchange.reach == Reach::answered);
        CHECK(exchange.curl_code == CURLE_OK);
        CHECK(exchange.body == body);
        CHECK(interpret(exchange).outcome == Outcome::accepted);
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

} // TEST_SUITE
