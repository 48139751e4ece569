// The HTTP transport: one libcurl easy handle, reused across orders (connections are kept alive).
#pragma once

#include <onorder/redact.hpp>

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace onorder {

inline constexpr std::size_t max_response_bytes = 1024 * 1024; // bodies over 1 MiB are cut off

struct TlsOptions {
    std::string cacert;        // --cacert FILE
    std::string capath;        // --capath DIR
    std::string cert;          // --cert FILE (mutual TLS)
    std::string key;           // --key FILE
    std::string pinned_pubkey; // --pinned-pubkey sha256//… or FILE
    bool insecure = false;     // --insecure: no verification at all
};

struct ConnectionOptions {
    std::string user; // basic auth user ("" = no credentials)
    std::string password;
    bool use_netrc = false; // --netrc: credentials from ~/.netrc when user/password unset
    std::string netrc_file; // --netrc-file FILE
    TlsOptions tls;
    std::chrono::milliseconds connect_timeout{10'000};
    std::chrono::milliseconds timeout{60'000};
    std::string proxy;                // "" = libcurl's proxy environment variables
    std::vector<std::string> headers; // extra "Name: value" headers
    bool follow_redirects = false;    // --location: 307/308 only (they keep the method)
    // Called with each line of the request/response trace, already redacted; null = no trace.
    std::function<void(std::string_view)> trace;
};

// What happened on the wire for one request.
struct HttpExchange {
    // How far the request got: decides whether a failure may be retried (DESIGN §5).
    enum class Reach {
        not_sent,   // nothing of the request left: DNS, connect, TLS failure
        maybe_sent, // the request may have reached the server, no complete answer came back
        answered,   // a complete HTTP response was received
    };
    Reach reach = Reach::not_sent;
    int curl_code = 0;      // CURLcode; 0 when answered
    std::string curl_error; // libcurl's error text, redacted
    long http_status = 0;
    std::string content_type;
    std::string body; // at most max_response_bytes
    bool body_truncated = false;
    std::optional<std::string> retry_after; // the Retry-After header, raw
    std::string location;                   // the Location header
    std::string protocol;                   // "HTTP/1.1", "HTTP/2"
    std::string tls_version;                // "TLSv1.3"; "" for plain HTTP
    // Every header of the final response, in arrival order, names and values trimmed.
    std::vector<std::pair<std::string, std::string>> headers;
    std::chrono::milliseconds elapsed{0};
    int refused_streams = 0; // HTTP/2 streams the server refused unprocessed, sent again
};

// Whether an answer is a redirect to follow: 307/308 for a POST (they keep the method), also
// 301/302/303 for a GET.
bool followable(const HttpExchange& exchange, bool is_post);

// One line of an answer's head as it arrives (a status line, a header, or the blank line that
// ends the head), noted in `exchange`: a status line starts a new response (after a 1xx), a
// header is kept, Content-Type, Retry-After and Location also apart. True for the blank line:
// every header arrived. The status code itself is libcurl's to read.
bool note_header_line(HttpExchange& exchange, std::string_view raw);

struct HttpRequest; // request.hpp

class HttpClient {
  public:
    HttpClient(ConnectionOptions options, Redactor redactor);
    ~HttpClient();
    HttpClient(const HttpClient&) = delete;
    HttpClient& operator=(const HttpClient&) = delete;

    // Sends `request` as built by order_request()/get_request(), following redirects only as
    // ConnectionOptions allow. `redactor` decides what the trace and curl_error show of this
    // exchange (the order's own identity numbers, --unmask); the client's credentials are hidden
    // whatever it says. Without one, the redactor the client was made with decides.
    HttpExchange send(const HttpRequest& request);
    HttpExchange send(const HttpRequest& request, const Redactor& redactor);
    HttpExchange post_json(const std::string& url, std::string_view body);
    HttpExchange post_json(const std::string& url, std::string_view body, const Redactor& redactor);
    HttpExchange get(const std::string& url);

  private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

} // namespace onorder
