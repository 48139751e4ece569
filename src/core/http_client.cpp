#include <onorder/helpers.hpp>
#include <onorder/http_client.hpp>
#include <onorder/request.hpp>
#include <onorder/url.hpp>

#include "curl_handles.hpp"

#include <array>

#include <fmt/format.h>
#include <openssl/ssl.h>

namespace onorder {

namespace {

constexpr std::size_t trace_body_limit = 4096; // enough to see an order and an answer
constexpr int max_redirect_hops = 5;

void init_curl_once() {
    // Never cleaned up: handles elsewhere may outlive any static destructor, and exit frees all.
    static const CURLcode result = curl_global_init(CURL_GLOBAL_DEFAULT);
    (void)result; // a failure shows as curl_easy_init() returning null
}

void append_header(HeaderList& list, const std::string& line) {
    if (curl_slist* head = curl_slist_append(list.get(), line.c_str())) {
        (void)list.release(); // the head now owns the old nodes
        list.reset(head);
    }
}

// POST keeps its method only through 307/308; a GET may follow any of the usual redirects.
bool followable(const HttpExchange& exchange, bool is_post) {
    if (exchange.reach != HttpExchange::Reach::answered)
        return false;
    const long status = exchange.http_status;
    if (status == 307 || status == 308)
        return true;
    return !is_post && (status == 301 || status == 302 || status == 303);
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

// What one perform() learns through libcurl's callbacks.
struct Transfer {
    HttpExchange exchange;
    CURL* easy = nullptr; // to ask for the TLS session while the connection is open
    const std::function<void(std::string_view)>* trace = nullptr;
    const Redactor* secrets = nullptr;  // the client's: its credentials, hidden in any case
    const Redactor* redactor = nullptr; // this exchange's: what is shown of identity numbers
    std::string tls_version;            // from this transfer's handshake, if it made one
    int request_starts = 0;
    bool headers_complete = false; // the blank line after the final response's headers arrived
    bool body_capped = false;
    std::string trace_out; // body bytes to show, buffered so a masked number is never split
    std::string trace_in;
    std::size_t trace_out_total = 0;
    std::size_t trace_in_total = 0;

    void emit(std::string_view prefix, std::string_view text) {
        while (!text.empty()) {
            const std::size_t end = text.find('\n');
            std::string_view line = text.substr(0, end);
            text = end == std::string_view::npos ? std::string_view{} : text.substr(end + 1);
            if (!line.empty() && line.back() == '\r')
                line.remove_suffix(1);
            // Redact before anything else sees the line; keep a hostile SP's escapes out.
            (*trace)(std::string(prefix) +
                     redactor->display(secrets->redact_secrets(line), trace_body_limit));
        }
    }

    void flush_body(std::string_view prefix, std::string& shown, std::size_t total) {
        if (shown.empty())
            return;
        if (total > shown.size()) {
            // Cut off: the tail may be the start of an identity number, which no mask would
            // recognise. It goes with the rest that is not shown.
            shown.erase(shown.find_last_not_of("0123456789+- ") + 1);
        }
        emit(prefix, shown);
        if (total > trace_body_limit) {
            emit(prefix, fmt::format("[{} more bytes not shown]", total - trace_body_limit));
        }
        shown.clear();
    }

    void flush_bodies() {
        flush_body("> ", trace_out, trace_out_total);
        flush_body("< ", trace_in, trace_in_total);
    }

    static void collect(std::string& shown, std::size_t& total, std::string_view data) {
        const std::size_t room = total < trace_body_limit ? trace_body_limit - total : 0;
        shown.append(data.substr(0, room));
        total += data.size();
    }
};

std::size_t on_body(char* data, std::size_t size, std::size_t count, void* user) {
    auto& transfer = *static_cast<Transfer*>(user);
    const std::size_t length = size * count;
    std::string& body = transfer.exchange.body;
    const std::size_t room = max_response_bytes - body.size();
    try {
        if (length > room) {
            body.append(data, room);
            transfer.exchange.body_truncated = true;
            transfer.body_capped = true;
            return 0; // stops the transfer: reading on would only feed a hostile answer
        }
        body.append(data, length);
    } catch (...) {
        return 0;
    }
    return length;
}

// The TLS version without a trace: asked of OpenSSL while the connection is surely still open.
void read_tls_version(Transfer& transfer) {
    const curl_tlssessioninfo* session = nullptr;
    if (transfer.easy == nullptr ||
        curl_easy_getinfo(transfer.easy, CURLINFO_TLS_SSL_PTR, &session) != CURLE_OK ||
        session == nullptr || session->backend != CURLSSLBACKEND_OPENSSL ||
        session->internals == nullptr)
        return;
    transfer.tls_version = SSL_get_version(static_cast<const SSL*>(session->internals));
}

std::size_t on_header(char* data, std::size_t size, std::size_t count, void* user) {
    auto& transfer = *static_cast<Transfer*>(user);
    auto& exchange = transfer.exchange;
    const std::size_t length = size * count;
    const std::string_view raw(data, length);
    const std::string_view line = trim(raw);
    try {
        if (raw == "\r\n" || raw == "\n") {
            // libcurl reports success when the connection closes in the middle of the headers;
            // only the blank line that ends them says that they all arrived (RFC 9112 §2.1).
            transfer.headers_complete = true;
            read_tls_version(transfer);
        } else if (line.substr(0, 5) == "HTTP/") {
            // A new response (after a 1xx): only the final one's headers count.
            transfer.headers_complete = false;
            exchange.content_type.clear();
            exchange.retry_after.reset();
            exchange.location.clear();
            exchange.headers.clear();
        } else if (const std::size_t colon = line.find(':'); colon != std::string_view::npos) {
            const std::string_view name = trim(line.substr(0, colon));
            const std::string value(trim(line.substr(colon + 1)));
            exchange.headers.emplace_back(name, value);
            if (iequals(name, "Content-Type")) {
                exchange.content_type = value;
            } else if (iequals(name, "Retry-After")) {
                exchange.retry_after = value;
            } else if (iequals(name, "Location")) {
                exchange.location = value;
            }
        }
    } catch (...) {
        return 0;
    }
    return length;
}

// libcurl silently sends a request again when a reused connection dies before any answer. An
// order is not idempotent (RFC 9110 §9.2.2): a second start within one transfer is refused.
int on_request_start(void* user, char*, char*, int, int) {
    auto& transfer = *static_cast<Transfer*>(user);
    return ++transfer.request_starts > 1 ? CURL_PREREQFUNC_ABORT : CURL_PREREQFUNC_OK;
}

int on_debug(CURL*, curl_infotype type, char* data, std::size_t size, void* user) {
    auto& transfer = *static_cast<Transfer*>(user);
    const std::string_view text(data, size);
    try {
        if (type == CURLINFO_TEXT) {
            // OpenSSL's handshake line, the only portable way to learn the TLS version here.
            constexpr std::string_view marker = "SSL connection using ";
            if (text.substr(0, marker.size()) == marker) {
                const std::string_view rest = text.substr(marker.size());
                transfer.tls_version = std::string(trim(rest.substr(0, rest.find(" /"))));
            }
        }
        if (*transfer.trace == nullptr)
            return 0;
        switch (type) {
        case CURLINFO_TEXT:
            transfer.flush_bodies();
            transfer.emit("* ", text);
            break;
        case CURLINFO_HEADER_OUT:
            transfer.flush_bodies();
            transfer.emit("> ", text);
            break;
        case CURLINFO_HEADER_IN:
            transfer.flush_bodies();
            transfer.emit("< ", text);
            break;
        case CURLINFO_DATA_OUT:
            Transfer::collect(transfer.trace_out, transfer.trace_out_total, text);
            break;
        case CURLINFO_DATA_IN:
            Transfer::collect(transfer.trace_in, transfer.trace_in_total, text);
            break;
        default: // TLS records are binary noise
            break;
        }
    } catch (...) {
        // A trace that fails must not fail the order.
    }
    return 0;
}

} // namespace

struct HttpClient::Impl {
    ConnectionOptions options;
    Redactor redactor;
    EasyHandle easy;
    std::array<char, CURL_ERROR_SIZE> error_buffer{};
    CURLcode setup_code = CURLE_OK; // a setting libcurl refused: every request fails with it
    std::string setup_error;
    std::string connection_tls_version; // a reused connection logs no handshake
    std::string redirect_url;           // where the last answer redirects to, resolved by libcurl

    Impl(ConnectionOptions connection, Redactor redaction)
        : options(std::move(connection)), redactor(std::move(redaction)) {
        init_curl_once();
        easy.reset(curl_easy_init());
        if (!easy) {
            setup_code = CURLE_FAILED_INIT;
            setup_error = "libcurl could not be initialised";
            return;
        }
        if (!options.user.empty()) {
            redactor.add_secret(base64(options.user + ":" + options.password));
        }
        configure();
    }

    void require(CURLcode code, std::string_view option) {
        if (code != CURLE_OK && setup_code == CURLE_OK) {
            setup_code = code;
            setup_error = fmt::format("libcurl refused {}: {}", option, curl_easy_strerror(code));
        }
    }

    void configure() {
        CURL* h = easy.get();
        require(curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L), "NOSIGNAL");
        require(curl_easy_setopt(h, CURLOPT_ERRORBUFFER, error_buffer.data()), "ERRORBUFFER");
        require(curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https"), "PROTOCOLS_STR");
        // Without HTTP/2 support in libcurl this fails; HTTP/1.1 is then just as correct.
        (void)curl_easy_setopt(h, CURLOPT_HTTP_VERSION, long{CURL_HTTP_VERSION_2TLS});
        require(curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS,
                                 static_cast<long>(options.connect_timeout.count())),
                "CONNECTTIMEOUT_MS");
        require(curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, static_cast<long>(options.timeout.count())),
                "TIMEOUT_MS");
        require(curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L), "FOLLOWLOCATION");
        require(curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body), "WRITEFUNCTION");
        require(curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header), "HEADERFUNCTION");
        require(curl_easy_setopt(h, CURLOPT_PREREQFUNCTION, on_request_start), "PREREQFUNCTION");
        // Verbose only when tracing: libcurl's info lines (certificate details and all) cost
        // about a millisecond per handshake, and one-order runs are mostly start-up and handshake.
        // The TLS version is asked of OpenSSL when the headers are in (read_tls_version).
        if (options.trace) {
            require(curl_easy_setopt(h, CURLOPT_DEBUGFUNCTION, on_debug), "DEBUGFUNCTION");
            require(curl_easy_setopt(h, CURLOPT_VERBOSE, 1L), "VERBOSE");
        }
        configure_auth(h);
        configure_tls(h);
        if (!options.proxy.empty()) {
            require(curl_easy_setopt(h, CURLOPT_PROXY, options.proxy.c_str()), "PROXY");
        }
    }

    void configure_auth(CURL* h) {
        if (!options.user.empty()) {
            require(curl_easy_setopt(h, CURLOPT_HTTPAUTH, static_cast<long>(CURLAUTH_BASIC)),
                    "HTTPAUTH");
            require(curl_easy_setopt(h, CURLOPT_USERNAME, options.user.c_str()), "USERNAME");
            // With --netrc and no password, the netrc file supplies the password for this user.
            if (!options.password.empty() || !options.use_netrc) {
                require(curl_easy_setopt(h, CURLOPT_PASSWORD, options.password.c_str()),
                        "PASSWORD");
            }
        }
        if (options.use_netrc || !options.netrc_file.empty()) {
            require(curl_easy_setopt(h, CURLOPT_NETRC, long{CURL_NETRC_OPTIONAL}), "NETRC");
        }
        if (!options.netrc_file.empty()) {
            require(curl_easy_setopt(h, CURLOPT_NETRC_FILE, options.netrc_file.c_str()),
                    "NETRC_FILE");
        }
    }

    void configure_tls(CURL* h) {
        const TlsOptions& tls = options.tls;
        const long verify = tls.insecure ? 0L : 1L;
        require(curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, verify), "SSL_VERIFYPEER");
        require(curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, tls.insecure ? 0L : 2L),
                "SSL_VERIFYHOST");
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
            if (!file.value->empty()) {
                require(curl_easy_setopt(h, file.option, file.value->c_str()), file.flag);
            }
        }
    }

    HttpExchange perform(const HttpRequest& request, const std::string& url,
                         const Redactor& shown) {
        Transfer transfer;
        transfer.easy = easy.get();
        transfer.trace = &options.trace;
        transfer.secrets = &redactor;
        transfer.redactor = &shown;
        redirect_url.clear();
        if (setup_code != CURLE_OK) {
            transfer.exchange.curl_code = setup_code;
            transfer.exchange.curl_error = setup_error;
            return std::move(transfer.exchange);
        }
        CURL* h = easy.get();
        HeaderList headers;
        for (const std::string& header : request.headers)
            append_header(headers, header);
        curl_easy_setopt(h, CURLOPT_URL, url.c_str());
        if (request.method == "POST") {
            append_header(headers, "Expect:"); // the body goes at once, no 100-continue wait
            curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE,
                             static_cast<curl_off_t>(request.body.size()));
            // Never null: that would make libcurl read the body from stdin.
            curl_easy_setopt(h, CURLOPT_POSTFIELDS, request.body.c_str());
        } else {
            curl_easy_setopt(h, CURLOPT_HTTPGET, 1L);
        }
        curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers.get());
        for (CURLoption option :
             {CURLOPT_WRITEDATA, CURLOPT_HEADERDATA, CURLOPT_DEBUGDATA, CURLOPT_PREREQDATA}) {
            curl_easy_setopt(h, option, &transfer);
        }
        error_buffer[0] = '\0';

        const auto start = std::chrono::steady_clock::now();
        const CURLcode code = curl_easy_perform(h);
        transfer.exchange.elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(
            std::chrono::steady_clock::now() - start);
        if (options.trace) {
            try {
                transfer.flush_bodies();
            } catch (...) {
            }
        }
        curl_easy_setopt(h, CURLOPT_HTTPHEADER, nullptr); // the list dies with this scope
        record(transfer, code, shown);
        return std::move(transfer.exchange);
    }

    // Follows 307/308 (any usual redirect for GET) to the same origin only, a few hops at most.
    HttpExchange exchange(const HttpRequest& request, const Redactor& shown) {
        HttpExchange answer = perform(request, request.url, shown);
        std::string current = request.url;
        auto elapsed = answer.elapsed;
        for (int hop = 0; hop < max_redirect_hops && options.follow_redirects &&
                          followable(answer, request.method == "POST") && !redirect_url.empty() &&
                          same_origin(current, redirect_url);
             ++hop) {
            current = redirect_url;
            answer = perform(request, current, shown);
            elapsed += answer.elapsed;
        }
        answer.elapsed = elapsed;
        return answer;
    }

    void record(Transfer& transfer, CURLcode code, const Redactor& shown) {
        CURL* h = easy.get();
        HttpExchange& exchange = transfer.exchange;
        curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &exchange.http_status);
        long version = 0;
        curl_easy_getinfo(h, CURLINFO_HTTP_VERSION, &version);
        exchange.protocol = protocol_name(version);
        const char* scheme = nullptr;
        curl_easy_getinfo(h, CURLINFO_SCHEME, &scheme);
        long new_connections = 0;
        curl_easy_getinfo(h, CURLINFO_NUM_CONNECTS, &new_connections);
        if (!transfer.tls_version.empty()) {
            connection_tls_version = transfer.tls_version;
        } else if (new_connections > 0) {
            connection_tls_version.clear();
        }
        if (scheme != nullptr && iequals(scheme, "https"))
            exchange.tls_version = connection_tls_version;
        const char* redirect = nullptr;
        curl_easy_getinfo(h, CURLINFO_REDIRECT_URL, &redirect);
        if (redirect != nullptr)
            redirect_url = redirect;

        // DESIGN §4, §5: answered only when the status line, every header and the whole body
        // arrived; whether the SP may have the order decides everything that follows.
        const bool answered =
            transfer.headers_complete &&
            (code == CURLE_OK || (code == CURLE_WRITE_ERROR && transfer.body_capped));
        if (answered) {
            exchange.reach = HttpExchange::Reach::answered;
            return;
        }
        if (code == CURLE_OK) {
            exchange.reach = HttpExchange::Reach::maybe_sent;
            exchange.curl_code = CURLE_RECV_ERROR;
            exchange.curl_error = "the connection closed in the middle of the answer's headers";
            return;
        }
        // The pre-request callback runs once the connection is ready, just before the request
        // leaves; without it nothing of the order can have gone out.
        exchange.reach = transfer.request_starts == 0 ? HttpExchange::Reach::not_sent
                                                      : HttpExchange::Reach::maybe_sent;
        exchange.curl_code = code;
        if (transfer.request_starts > 1) {
            exchange.curl_error = "the connection was lost after the request was sent, before "
                                  "any answer; it was not sent again";
        } else {
            const char* text =
                error_buffer[0] != '\0' ? error_buffer.data() : curl_easy_strerror(code);
            exchange.curl_error = shown.display(redactor.redact_secrets(trim(text)), 300);
        }
    }
};

HttpClient::HttpClient(ConnectionOptions options, Redactor redactor)
    : impl_(std::make_unique<Impl>(std::move(options), std::move(redactor))) {}

HttpClient::~HttpClient() = default;

HttpExchange HttpClient::send(const HttpRequest& request) {
    return impl_->exchange(request, impl_->redactor);
}

HttpExchange HttpClient::send(const HttpRequest& request, const Redactor& redactor) {
    return impl_->exchange(request, redactor);
}

HttpExchange HttpClient::post_json(const std::string& url, std::string_view body) {
    return send(order_request(impl_->options, url, std::string(body)));
}

HttpExchange HttpClient::post_json(const std::string& url, std::string_view body,
                                   const Redactor& redactor) {
    return send(order_request(impl_->options, url, std::string(body)), redactor);
}

HttpExchange HttpClient::get(const std::string& url) {
    return send(get_request(impl_->options, url));
}

} // namespace onorder
