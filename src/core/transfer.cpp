#include "transfer.hpp"

#include <onorder/helpers.hpp>

#include <algorithm>
#include <charconv>

#include <fmt/format.h>
#include <openssl/ssl.h>

namespace onorder::detail {

namespace {

constexpr std::size_t trace_body_limit = 4096; // enough to see an order and an answer

void append_header(HeaderList& list, const std::string& line) {
    if (curl_slist* head = curl_slist_append(list.get(), line.c_str())) {
        (void)list.release(); // the head now owns the old nodes
        list.reset(head);
    }
}

std::string_view protocol_name(long version) {
    switch (version) {
    case CURL_HTTP_VERSION_1_0:
        return "HTTP/1.0";
    case CURL_HTTP_VERSION_1_1:
        return "HTTP/1.1";
    case CURL_HTTP_VERSION_2_0:
        return "HTTP/2";
    case CURL_HTTP_VERSION_3:
        return "HTTP/3";
    default:
        return "";
    }
}

// Which connection a transfer is on: HTTP/2 is spoken over TLS only (CURL_HTTP_VERSION_2TLS),
// and while a connection is open its TLS session is its own. libcurl 7.88 has no connection id.
const void* connection_key(CURL* easy) {
    const curl_tlssessioninfo* session = nullptr;
    if (curl_easy_getinfo(easy, CURLINFO_TLS_SSL_PTR, &session) != CURLE_OK || session == nullptr)
        return nullptr;
    return session->internals;
}

// The number after `key` in `text` ("last_stream=" → 7), or -1.
long number_after(std::string_view text, std::string_view key) {
    const std::size_t at = text.find(key);
    if (at == std::string_view::npos)
        return -1;
    const std::string_view rest = text.substr(at + key.size());
    long value = -1;
    const auto [end, error] = std::from_chars(rest.data(), rest.data() + rest.size(), value);
    return error == std::errc() ? value : -1;
}

// Every `secret` in `text` replaced by "****".
void hide(std::string& text, std::string_view secret) {
    for (std::size_t at = text.find(secret); at != std::string::npos;
         at = text.find(secret, at + 4))
        text.replace(at, secret.size(), "****");
}

void collect(std::string& shown, std::size_t& total, std::string_view data) {
    const std::size_t room = total < trace_body_limit ? trace_body_limit - total : 0;
    shown.append(data.substr(0, room));
    total += data.size();
}

std::size_t body_callback(char* data, std::size_t size, std::size_t count, void* user) {
    return static_cast<Transfer*>(user)->on_body({data, size * count});
}

std::size_t header_callback(char* data, std::size_t size, std::size_t count, void* user) {
    return static_cast<Transfer*>(user)->on_header({data, size * count});
}

int request_start_callback(void* user, char*, char*, int, int) {
    return static_cast<Transfer*>(user)->on_request_start();
}

int debug_callback(CURL*, curl_infotype type, char* data, std::size_t size, void* user) {
    static_cast<Transfer*>(user)->on_debug(type, {data, size});
    return 0;
}

} // namespace

void init_curl_once() {
    // Never cleaned up: handles elsewhere may outlive any static destructor, and exit frees all.
    static const CURLcode result = curl_global_init(CURL_GLOBAL_DEFAULT);
    (void)result; // a failure shows as curl_easy_init() returning null
}

TransferSetup::TransferSetup(ConnectionOptions connection, Redactor redactor)
    : options(std::move(connection)), secrets(std::move(redactor)) {
    if (!options.user.empty()) {
        credentials = base64(options.user + ":" + options.password);
        secrets.add_secret(credentials);
    }
}

Transfer::Transfer(const TransferSetup& setup) : setup_(setup) {
    init_curl_once();
    open_handle();
}

void Transfer::open_handle() {
    easy_.reset(curl_easy_init());
    if (!easy_) {
        setup_code_ = CURLE_FAILED_INIT;
        setup_error_ = "libcurl could not be initialised";
        return;
    }
    configure();
}

void Transfer::require(CURLcode code, std::string_view option) {
    if (code != CURLE_OK && setup_code_ == CURLE_OK) {
        setup_code_ = code;
        setup_error_ = fmt::format("libcurl refused {}: {}", option, curl_easy_strerror(code));
    }
}

void Transfer::configure() {
    CURL* h = easy_.get();
    const ConnectionOptions& options = setup_.options;
    require(curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L), "NOSIGNAL");
    require(curl_easy_setopt(h, CURLOPT_ERRORBUFFER, error_buffer_.data()), "ERRORBUFFER");
    require(curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https"), "PROTOCOLS_STR");
    // Without HTTP/2 support in libcurl this fails; HTTP/1.1 is then just as correct.
    (void)curl_easy_setopt(h, CURLOPT_HTTP_VERSION, long{CURL_HTTP_VERSION_2TLS});
    require(curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS,
                             static_cast<long>(options.connect_timeout.count())),
            "CONNECTTIMEOUT_MS");
    require(curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, static_cast<long>(options.timeout.count())),
            "TIMEOUT_MS");
    require(curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L), "FOLLOWLOCATION");
    require(curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, body_callback), "WRITEFUNCTION");
    require(curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, header_callback), "HEADERFUNCTION");
    require(curl_easy_setopt(h, CURLOPT_PREREQFUNCTION, request_start_callback), "PREREQFUNCTION");
    for (CURLoption option :
         {CURLOPT_WRITEDATA, CURLOPT_HEADERDATA, CURLOPT_DEBUGDATA, CURLOPT_PREREQDATA}) {
        require(curl_easy_setopt(h, option, this), "callback data");
    }
    // Verbose only when tracing or watching: libcurl's info lines (certificate details and all)
    // cost about a millisecond per handshake, and one-order runs are mostly start-up and
    // handshake. The TLS version is asked of OpenSSL when the headers are in.
    if (options.trace || setup_.watch_info) {
        require(curl_easy_setopt(h, CURLOPT_DEBUGFUNCTION, debug_callback), "DEBUGFUNCTION");
        require(curl_easy_setopt(h, CURLOPT_VERBOSE, 1L), "VERBOSE");
    }
    if (setup_.pipewait)
        require(curl_easy_setopt(h, CURLOPT_PIPEWAIT, 1L), "PIPEWAIT");
    if (setup_.upload_buffer_size > 0)
        require(curl_easy_setopt(h, CURLOPT_UPLOAD_BUFFERSIZE, setup_.upload_buffer_size),
                "UPLOAD_BUFFERSIZE");
    configure_auth();
    configure_tls();
    if (!options.proxy.empty())
        require(curl_easy_setopt(h, CURLOPT_PROXY, options.proxy.c_str()), "PROXY");
}

void Transfer::configure_auth() {
    CURL* h = easy_.get();
    const ConnectionOptions& options = setup_.options;
    if (!options.user.empty()) {
        require(curl_easy_setopt(h, CURLOPT_HTTPAUTH, static_cast<long>(CURLAUTH_BASIC)),
                "HTTPAUTH");
        require(curl_easy_setopt(h, CURLOPT_USERNAME, options.user.c_str()), "USERNAME");
        // With --netrc and no password, the netrc file supplies the password for this user.
        if (!options.password.empty() || !options.use_netrc)
            require(curl_easy_setopt(h, CURLOPT_PASSWORD, options.password.c_str()), "PASSWORD");
    }
    if (options.use_netrc || !options.netrc_file.empty())
        require(curl_easy_setopt(h, CURLOPT_NETRC, long{CURL_NETRC_OPTIONAL}), "NETRC");
    if (!options.netrc_file.empty())
        require(curl_easy_setopt(h, CURLOPT_NETRC_FILE, options.netrc_file.c_str()), "NETRC_FILE");
}

void Transfer::configure_tls() {
    CURL* h = easy_.get();
    const TlsOptions& tls = setup_.options.tls;
    const long verify = tls.insecure ? 0L : 1L;
    require(curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, verify), "SSL_VERIFYPEER");
    require(curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, tls.insecure ? 0L : 2L), "SSL_VERIFYHOST");
    struct TlsFile {
        CURLoption option;
        const std::string* value;
        std::string_view flag;
    };
    const TlsFile files[] = {
        {CURLOPT_CAINFO, &tls.cacert, "--cacert"},
        {CURLOPT_CAPATH, &tls.capath, "--capath"},
        {CURLOPT_SSLCERT, &tls.cert, "--cert"},
        {CURLOPT_SSLKEY, &tls.key, "--key"},
        {CURLOPT_PINNEDPUBLICKEY, &tls.pinned_pubkey, "--pinned-pubkey"},
    };
    for (const TlsFile& file : files) {
        if (!file.value->empty())
            require(curl_easy_setopt(h, file.option, file.value->c_str()), file.flag);
    }
}

bool Transfer::arm(const HttpRequest& request, const std::string& url, const Redactor& shown) {
    if (restarted_ && setup_code_ == CURLE_OK) {
        // libcurl 7.88 counts the times it started a request again on an easy handle over the
        // handle's life, not per transfer, and gives up at the sixth: a handle that restarted
        // one is replaced, so every order gets libcurl's five.
        open_handle();
    }
    restarted_ = false;
    exchange_ = HttpExchange{};
    shown_ = &shown;
    tls_version_.clear();
    request_starts_ = 0;
    headers_complete_ = false;
    body_capped_ = false;
    h2_ = Http2Notes{};
    connection_ = nullptr;
    trace_out_.clear();
    trace_in_.clear();
    trace_out_total_ = trace_in_total_ = 0;
    redirect_url_.clear();
    if (setup_code_ != CURLE_OK)
        return false;
    CURL* h = easy_.get();
    headers_.reset();
    for (const std::string& header : request.headers)
        append_header(headers_, header);
    curl_easy_setopt(h, CURLOPT_URL, url.c_str());
    if (request.method == "POST") {
        append_header(headers_, "Expect:"); // the body goes at once, no 100-continue wait
        curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE,
                         static_cast<curl_off_t>(request.body.size()));
        // Never null: that would make libcurl read the body from stdin. The request outlives
        // the transfer (libcurl does not copy it).
        curl_easy_setopt(h, CURLOPT_POSTFIELDS, request.body.c_str());
    } else {
        curl_easy_setopt(h, CURLOPT_HTTPGET, 1L);
    }
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers_.get());
    error_buffer_[0] = '\0';
    return true;
}

HttpExchange Transfer::failed() const {
    HttpExchange exchange;
    exchange.curl_code = setup_code_;
    exchange.curl_error = setup_error_;
    return exchange;
}

void Transfer::goaway_heard(const void* connection, long last_stream) {
    if (connection != nullptr && connection == connection_)
        h2_.goaway_last_stream = last_stream;
}

std::size_t Transfer::on_body(std::string_view data) {
    std::string& body = exchange_.body;
    const std::size_t room = max_response_bytes - body.size();
    try {
        if (data.size() > room) {
            body.append(data.substr(0, room));
            exchange_.body_truncated = true;
            body_capped_ = true;
            return 0; // stops the transfer: reading on would only feed a hostile answer
        }
        body.append(data);
    } catch (...) {
        return 0;
    }
    return data.size();
}

std::size_t Transfer::on_header(std::string_view raw) {
    try {
        if (note_header_line(exchange_, raw)) {
            // libcurl reports success when the connection closes in the middle of the headers;
            // only the blank line that ends them says that they all arrived (RFC 9112 §2.1).
            headers_complete_ = true;
            read_tls_version();
        } else if (trim(raw).substr(0, 5) == "HTTP/") {
            headers_complete_ = false; // a new response (after a 1xx)
        }
    } catch (...) {
        return 0;
    }
    return raw.size();
}

// The TLS version without a trace: asked of OpenSSL while the connection is surely still open.
void Transfer::read_tls_version() {
    const curl_tlssessioninfo* session = nullptr;
    if (curl_easy_getinfo(easy_.get(), CURLINFO_TLS_SSL_PTR, &session) != CURLE_OK ||
        session == nullptr || session->backend != CURLSSLBACKEND_OPENSSL ||
        session->internals == nullptr)
        return;
    tls_version_ = SSL_get_version(static_cast<const SSL*>(session->internals));
}

// libcurl silently sends a request again when a reused connection dies before any answer. An
// order is not idempotent (RFC 9110 §9.2.2): a second start within one transfer is refused —
// unless the server said, on HTTP/2, that it did not process the first (DESIGN §5): the stream
// was refused, or its id is above the last one a GOAWAY said the server would process.
int Transfer::on_request_start() {
    if (++request_starts_ > 1) {
        restarted_ = true;
        if (!h2_.refused() && !refused_silently())
            return CURL_PREREQFUNC_ABORT;
        ++exchange_.refused_streams;
        h2_ = Http2Notes{};
    }
    // The connection is ready: remember which, so a GOAWAY heard by another transfer on it
    // reaches this one.
    connection_ = connection_key(easy_.get());
    if (request_starts_ == 1 && (setup_.watch_info || setup_.options.trace))
        setup_.in_flight.push_back(this); // only those that hear libcurl's info lines
    return CURL_PREREQFUNC_OK;
}

// libcurl 7.88 says nothing when a server refuses a stream on a connection it reused: it sends
// the request again as it does when a reused connection died ("Connection died, retrying a
// fresh connect"). But in 7.88 every other way to that retry on HTTP/2 reports an error first
// (failf, which fills the error buffer: "Failed receiving HTTP2 data", "OpenSSL SSL_read: …",
// "Send failure: …"); only http2_handle_stream_close's REFUSED_STREAM branch is silent. So an
// HTTP/2 stream sent again with no error reported was refused. Later libcurl says so itself
// ("HTTP/2 stream N refused by server"); for them nothing is inferred.
constexpr std::string_view gave_up = "Connection died, tried 5 times before giving up";

bool Transfer::refused_silently() const {
    static const bool libcurl_7_88 = [] {
        const curl_version_info_data* info = curl_version_info(CURLVERSION_NOW);
        return info != nullptr && (info->version_num >> 8) == 0x0758;
    }();
    if (!libcurl_7_88 || h2_.stream_id <= 0)
        return false;
    const std::string_view reported(error_buffer_.data());
    // Giving up after five refusals is the one error a run of silent refusals ends with.
    return reported.empty() || reported == gave_up;
}

void Transfer::on_debug(curl_infotype type, std::string_view text) {
    try {
        if (type == CURLINFO_TEXT) {
            if (text.substr(0, 16) == "Using Stream ID:") {
                h2_.stream_id = number_after(text, "Using Stream ID: ");
            } else if (text.find("GOAWAY") != std::string_view::npos &&
                       text.find("last_stream=") != std::string_view::npos) {
                // Heard on whichever transfer was reading: it concerns every one on the
                // connection.
                const long last = number_after(text, "last_stream=");
                const void* connection = connection_key(easy_.get());
                for (Transfer* other : setup_.in_flight) // this one included
                    other->goaway_heard(connection, last);
            } else if (text.substr(0, 15) == "Connection died") {
                restarted_ = true; // retrying, or giving up: libcurl's count went up
            } else if (text.substr(0, 15) == "REFUSED_STREAM," ||
                       (text.substr(0, 14) == "HTTP/2 stream " &&
                        text.find(" refused by server") != std::string_view::npos)) {
                h2_.refused_said = true;
            }
        }
        if (!setup_.options.trace)
            return;
        switch (type) {
        case CURLINFO_TEXT:
            flush_bodies();
            emit("* ", text);
            break;
        case CURLINFO_HEADER_OUT:
            flush_bodies();
            emit("> ", text);
            break;
        case CURLINFO_HEADER_IN:
            flush_bodies();
            emit("< ", text);
            break;
        case CURLINFO_DATA_OUT:
            collect(trace_out_, trace_out_total_, text);
            break;
        case CURLINFO_DATA_IN:
            collect(trace_in_, trace_in_total_, text);
            break;
        default: // TLS records are binary noise
            break;
        }
    } catch (...) {
        // A trace that fails must not fail the order.
    }
}

void Transfer::emit(std::string_view prefix, std::string_view text) {
    while (!text.empty()) {
        const std::size_t end = text.find('\n');
        std::string_view line = text.substr(0, end);
        text = end == std::string_view::npos ? std::string_view{} : text.substr(end + 1);
        if (!line.empty() && line.back() == '\r')
            line.remove_suffix(1);
        // Redact before anything else sees the line; keep a hostile SP's escapes out.
        setup_.options.trace(
            std::string(prefix) +
            shown_->display(setup_.secrets.redact_secrets(line), trace_body_limit));
    }
}

void Transfer::flush_body(std::string_view prefix, std::string& shown, std::size_t total) {
    if (shown.empty())
        return;
    if (total > shown.size()) {
        // Cut off: the tail may be the start of an identity number, which no mask would
        // recognise. It goes with the rest that is not shown.
        shown.erase(shown.find_last_not_of("0123456789+- ") + 1);
    }
    emit(prefix, shown);
    if (total > trace_body_limit)
        emit(prefix, fmt::format("[{} more bytes not shown]", total - trace_body_limit));
    shown.clear();
}

void Transfer::flush_bodies() {
    flush_body("> ", trace_out_, trace_out_total_);
    flush_body("< ", trace_in_, trace_in_total_);
}

HttpExchange Transfer::finish(CURLcode code) {
    auto& in_flight = setup_.in_flight;
    in_flight.erase(std::remove(in_flight.begin(), in_flight.end(), this), in_flight.end());
    if (setup_.options.trace) {
        try {
            flush_bodies();
        } catch (...) {
        }
    }
    CURL* h = easy_.get();
    HttpExchange& exchange = exchange_;
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &exchange.http_status);
    long version = 0;
    curl_easy_getinfo(h, CURLINFO_HTTP_VERSION, &version);
    exchange.protocol = protocol_name(version);
    const char* scheme = nullptr;
    curl_easy_getinfo(h, CURLINFO_SCHEME, &scheme);
    long new_connections = 0;
    curl_easy_getinfo(h, CURLINFO_NUM_CONNECTS, &new_connections);
    if (!tls_version_.empty()) {
        connection_tls_version_ = tls_version_;
    } else if (new_connections > 0) {
        connection_tls_version_.clear();
    }
    if (scheme != nullptr && iequals(scheme, "https"))
        exchange.tls_version = connection_tls_version_;
    const char* redirect = nullptr;
    curl_easy_getinfo(h, CURLINFO_REDIRECT_URL, &redirect);
    if (redirect != nullptr)
        redirect_url_ = redirect;
    double total_time = 0;
    curl_easy_getinfo(h, CURLINFO_TOTAL_TIME, &total_time);
    exchange.elapsed = std::chrono::milliseconds(static_cast<long long>(total_time * 1000.0));
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, nullptr); // the list is freed with the next arm()
    if (!setup_.credentials.empty()) {
        // The answer can quote the request — an error page that echoes the Authorization
        // header: the credentials are gone from it before anything reads or shows it
        // (DESIGN §2). (The password itself is the redactors' to hide where text is shown.)
        hide(exchange.body, setup_.credentials);
        hide(exchange.content_type, setup_.credentials);
        hide(exchange.location, setup_.credentials);
        if (exchange.retry_after)
            hide(*exchange.retry_after, setup_.credentials);
        for (auto& header : exchange.headers)
            hide(header.second, setup_.credentials);
    }

    // DESIGN §4, §5: answered only when the status line, every header and the whole body
    // arrived; whether the SP may have the order decides everything that follows.
    const bool answered =
        headers_complete_ && (code == CURLE_OK || (code == CURLE_WRITE_ERROR && body_capped_));
    if (answered) {
        exchange.reach = HttpExchange::Reach::answered;
        return std::move(exchange);
    }
    if (code == CURLE_OK) {
        exchange.reach = HttpExchange::Reach::maybe_sent;
        exchange.curl_code = CURLE_RECV_ERROR;
        exchange.curl_error = "the connection closed in the middle of the answer's headers";
        return std::move(exchange);
    }
    // The pre-request callback runs once the connection is ready, just before the request
    // leaves; without it nothing of the order can have gone out. Nor did it when the server
    // refused the last start too — libcurl gives up after five ("Connection died, tried 5
    // times"): the SP processed none of them, and the order may be sent again.
    const bool restarted = request_starts_ > 1 || std::string_view(error_buffer_.data()) == gave_up;
    const bool refused = h2_.refused() || (restarted && refused_silently());
    exchange.reach = request_starts_ == 0 || refused ? HttpExchange::Reach::not_sent
                                                     : HttpExchange::Reach::maybe_sent;
    exchange.curl_code = code;
    if (request_starts_ > 1 && code == CURLE_ABORTED_BY_CALLBACK) {
        exchange.curl_error = "the connection was lost after the request was sent, before "
                              "any answer; it was not sent again";
    } else {
        const char* text =
            error_buffer_[0] != '\0' ? error_buffer_.data() : curl_easy_strerror(code);
        exchange.curl_error = shown_->display(setup_.secrets.redact_secrets(trim(text)), 300);
    }
    return std::move(exchange);
}

} // namespace onorder::detail
