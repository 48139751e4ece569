#include <onorder/helpers.hpp>
#include <onorder/http_client.hpp>
#include <onorder/request.hpp>
#include <onorder/url.hpp>

#include "transfer.hpp"

namespace onorder {

namespace {

constexpr int max_redirect_hops = 5;

} // namespace

bool followable(const HttpExchange& exchange, bool is_post) {
    if (exchange.reach != HttpExchange::Reach::answered)
        return false;
    const long status = exchange.http_status;
    if (status == 307 || status == 308)
        return true;
    return !is_post && (status == 301 || status == 302 || status == 303);
}

bool note_header_line(HttpExchange& exchange, std::string_view raw) {
    if (raw == "\r\n" || raw == "\n")
        return true;
    const std::string_view line = trim(raw);
    if (line.substr(0, 5) == "HTTP/") {
        // A new response (after a 1xx): only the final one's headers count.
        exchange.content_type.clear();
        exchange.retry_after.reset();
        exchange.location.clear();
        exchange.headers.clear();
    } else if (const std::size_t colon = line.find(':'); colon != std::string_view::npos) {
        const std::string_view name = trim(line.substr(0, colon));
        std::string value(trim(line.substr(colon + 1)));
        if (iequals(name, "Content-Type")) {
            exchange.content_type = value;
        } else if (iequals(name, "Retry-After")) {
            exchange.retry_after = value;
        } else if (iequals(name, "Location")) {
            exchange.location = value;
        }
        exchange.headers.emplace_back(name, std::move(value));
    }
    return false;
}

struct HttpClient::Impl {
    detail::TransferSetup setup;
    detail::Transfer transfer;

    Impl(ConnectionOptions connection, Redactor redaction)
        : setup(std::move(connection), std::move(redaction)), transfer(setup) {}

    HttpExchange perform(const HttpRequest& request, const std::string& url,
                         const Redactor& shown) {
        if (!transfer.arm(request, url, shown))
            return transfer.failed();
        return transfer.finish(curl_easy_perform(transfer.handle()));
    }

    // Follows 307/308 (any usual redirect for GET) to the same origin only, a few hops at most.
    HttpExchange exchange(const HttpRequest& request, const Redactor& shown) {
        HttpExchange answer = perform(request, request.url, shown);
        std::string current = request.url;
        auto elapsed = answer.elapsed;
        for (int hop = 0;
             hop < max_redirect_hops && setup.options.follow_redirects &&
             followable(answer, request.method == "POST") && !transfer.redirect_url().empty() &&
             same_origin(current, transfer.redirect_url());
             ++hop) {
            current = transfer.redirect_url();
            answer = perform(request, current, shown);
            elapsed += answer.elapsed;
        }
        answer.elapsed = elapsed;
        return answer;
    }
};

HttpClient::HttpClient(ConnectionOptions options, Redactor redactor)
    : impl_(std::make_unique<Impl>(std::move(options), std::move(redactor))) {}

HttpClient::~HttpClient() = default;

HttpExchange HttpClient::send(const HttpRequest& request) {
    return impl_->exchange(request, impl_->setup.secrets);
}

HttpExchange HttpClient::send(const HttpRequest& request, const Redactor& redactor) {
    return impl_->exchange(request, redactor);
}

HttpExchange HttpClient::post_json(const std::string& url, std::string_view body) {
    return send(order_request(impl_->setup.options, url, std::string(body)));
}

HttpExchange HttpClient::post_json(const std::string& url, std::string_view body,
                                   const Redactor& redactor) {
    return send(order_request(impl_->setup.options, url, std::string(body)), redactor);
}

HttpExchange HttpClient::get(const std::string& url) {
    return send(get_request(impl_->setup.options, url));
}

} // namespace onorder
