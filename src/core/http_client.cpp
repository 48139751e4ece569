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
