// One HTTP request on one libcurl easy handle: its callbacks, its state and what it learned.
// HttpClient performs a Transfer on its own; the batch engine drives many through curl_multi.
#pragma once

#include <onorder/http_client.hpp>
#include <onorder/request.hpp>

#include "curl_handles.hpp"

#include <array>
#include <string>
#include <vector>

namespace onorder::detail {

// What every transfer of one client or batch shares.
struct TransferSetup {
    ConnectionOptions options;
    Redactor
        secrets; // the credentials (and their base64), hidden whatever the order's redactor says
    std::string credentials; // base64 of user:password as the Authorization header carries it
    // Read libcurl's info lines even without a trace: the batch engine learns HTTP/2 stream ids
    // and GOAWAYs from them (refused streams may be sent again, DESIGN §5).
    bool watch_info = false;
    // Over TLS with several requests at once: wait for the handshake's ALPN to say whether the
    // SP speaks HTTP/2, and multiplex rather than open a connection per request.
    bool pipewait = false;
    // libcurl's upload buffer per handle, in bytes (0: libcurl's default, 64 KiB).
    long upload_buffer_size = 0;
    // Transfers whose request is out, by connection: a GOAWAY one of them hears concerns all.
    mutable std::vector<class Transfer*> in_flight;

    TransferSetup(ConnectionOptions connection, Redactor redactor);
};

// What libcurl's info lines said about HTTP/2 during one attempt.
struct Http2Notes {
    long stream_id = -1;          // "Using Stream ID: N"
    long goaway_last_stream = -1; // "recveived GOAWAY, error=E, last_stream=N" (libcurl's spelling)
    // "REFUSED_STREAM, retrying a fresh connect", or (libcurl 8.19 on) "HTTP/2 stream N refused
    // by server, try again on a new connection"
    bool refused_said = false;

    // The server said that it did not process the stream (DESIGN §5): it refused it, or the
    // stream's id is above the last one a GOAWAY said it would process.
    bool refused() const {
        return refused_said ||
               (stream_id > 0 && goaway_last_stream >= 0 && stream_id > goaway_last_stream);
    }
};

class Transfer {
  public:
    explicit Transfer(const TransferSetup& setup);
    Transfer(const Transfer&) = delete;
    Transfer& operator=(const Transfer&) = delete;

    CURL* handle() const { return easy_.get(); }

    // Readies the handle for one request to `url`; `shown` decides what the trace and the
    // error text show of identity numbers. False (and failed()) when libcurl refused a setting.
    bool arm(const HttpRequest& request, const std::string& url, const Redactor& shown);
    // What the attempt came to, given libcurl's result code for it.
    HttpExchange finish(CURLcode code);
    // The exchange of a transfer that could not even start (a setting libcurl refused).
    HttpExchange failed() const;
    // Where the answer redirects to, resolved by libcurl ("" when it does not).
    const std::string& redirect_url() const { return redirect_url_; }

    // A GOAWAY arrived on this connection (libcurl logs it to one transfer of those on it).
    void goaway_heard(const void* connection, long last_stream);

    // Called by libcurl's callbacks.
    std::size_t on_body(std::string_view data);
    std::size_t on_header(std::string_view raw);
    int on_request_start();
    void on_debug(curl_infotype type, std::string_view text);

  private:
    void require(CURLcode code, std::string_view option);
    void read_tls_version();
    bool refused_silently() const;
    // A new easy handle, configured; on failure every request fails with why.
    void open_handle();
    void configure();
    void configure_auth();
    void configure_tls();
    void emit(std::string_view prefix, std::string_view text);
    void flush_body(std::string_view prefix, std::string& shown, std::size_t total);
    void flush_bodies();

    const TransferSetup& setup_;
    EasyHandle easy_;
    bool restarted_ = false; // libcurl started a request again on this handle (or gave up)
    std::array<char, CURL_ERROR_SIZE> error_buffer_{};
    CURLcode setup_code_ = CURLE_OK; // a setting libcurl refused: every request fails with it
    std::string setup_error_;
    std::string connection_tls_version_; // a reused connection logs no handshake
    std::string redirect_url_;

    // This attempt's state.
    HeaderList headers_;
    const Redactor* shown_ = nullptr;
    HttpExchange exchange_;
    std::string tls_version_; // from this attempt's handshake, if it made one
    int request_starts_ = 0;
    bool headers_complete_ = false; // the blank line after the final response's headers arrived
    bool body_capped_ = false;
    Http2Notes h2_;
    const void* connection_ = nullptr; // the connection this attempt's request went out on
    std::string trace_out_; // body bytes to show, buffered so a masked number is never split
    std::string trace_in_;
    std::size_t trace_out_total_ = 0;
    std::size_t trace_in_total_ = 0;
};

void init_curl_once();

} // namespace onorder::detail
