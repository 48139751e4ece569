#include <onorder/submit.hpp>

#include <arpa/inet.h>
#include <curl/curl.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cstring>
#include <memory>

#include <fmt/format.h>

namespace onorder {

namespace {

constexpr std::string_view default_order_path = "2.5/sp_spec/order/";

struct UrlDeleter {
    void operator()(CURLU* url) const noexcept { curl_url_cleanup(url); }
};
struct CurlFree {
    void operator()(char* text) const noexcept { curl_free(text); }
};

std::string_view trim_slashes(std::string_view text) {
    while (!text.empty() && text.front() == '/')
        text.remove_prefix(1);
    while (!text.empty() && text.back() == '/')
        text.remove_suffix(1);
    return text;
}

bool is_loopback_ip(const std::string& host) {
    std::array<unsigned char, 16> address{};
    if (inet_pton(AF_INET, host.c_str(), address.data()) == 1)
        return address[0] == 127;
    if (inet_pton(AF_INET6, host.c_str(), address.data()) != 1)
        return false;
    static constexpr std::array<unsigned char, 16> loopback{0, 0, 0, 0, 0, 0, 0, 0,
                                                            0, 0, 0, 0, 0, 0, 0, 1};
    static constexpr std::array<unsigned char, 12> v4_mapped{0, 0, 0, 0, 0,    0,
                                                             0, 0, 0, 0, 0xff, 0xff};
    return address == loopback ||
           (std::equal(v4_mapped.begin(), v4_mapped.end(), address.begin()) && address[12] == 127);
}

} // namespace

std::string order_url(std::string_view api_root, std::string_view order_path) {
    const std::string_view path = order_path.empty() ? default_order_path : order_path;
    // A query or fragment stays at the end, behind the joined path.
    const std::size_t tail_at = api_root.find_first_of("?#");
    const std::string_view tail =
        tail_at == std::string_view::npos ? std::string_view{} : api_root.substr(tail_at);
    std::string_view root = api_root.substr(0, tail_at);
    while (root.ends_with('/'))
        root.remove_suffix(1);

    // DESIGN §2: a URL that already ends in the order path (a whole segment) is used as is.
    const std::string_view core = trim_slashes(path);
    if (!core.empty() && root.ends_with(core) && root.size() > core.size() &&
        root[root.size() - core.size() - 1] == '/') {
        return std::string(api_root);
    }
    std::string url(root);
    url += '/';
    url += path.substr(std::min(path.find_first_not_of('/'), path.size()));
    url += tail;
    return url;
}

bool is_loopback_url(std::string_view url) {
    // libcurl's own parser: the host judged here is the host libcurl will connect to.
    const std::unique_ptr<CURLU, UrlDeleter> handle(curl_url());
    if (!handle)
        return false;
    const std::string text(url);
    if (curl_url_set(handle.get(), CURLUPART_URL, text.c_str(), CURLU_GUESS_SCHEME) != CURLUE_OK) {
        return false;
    }
    char* raw = nullptr;
    if (curl_url_get(handle.get(), CURLUPART_HOST, &raw, 0) != CURLUE_OK)
        return false;
    const std::unique_ptr<char, CurlFree> owned(raw);
    std::string host(owned.get());
    std::transform(host.begin(), host.end(), host.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (host.size() > 2 && host.front() == '[' && host.back() == ']') {
        host = host.substr(1, host.size() - 2);
    }
    if (host.ends_with('.'))
        host.pop_back();
    // RFC 6761 §6.3: localhost and its subdomains; libcurl resolves them to loopback itself.
    return host == "localhost" || host.ends_with(".localhost") || is_loopback_ip(host);
}

Verdict submit_order(HttpClient& client, const std::string& url, const std::string& body,
                     const RetryPolicy& policy, const Sleeper& sleep) {
    const auto start = std::chrono::steady_clock::now();
    const int max_attempts = 1 + std::max(policy.retries, 0);
    int attempts = 0;
    HttpExchange exchange;
    while (true) {
        exchange = client.post_json(url, body);
        ++attempts;
        if (attempts >= max_attempts || !may_retry(exchange))
            break;
        const std::optional<std::chrono::milliseconds> retry_after =
            exchange.retry_after
                ? parse_retry_after(*exchange.retry_after, std::chrono::system_clock::now())
                : std::nullopt;
        if (sleep && !sleep(retry_delay(policy, attempts, retry_after)))
            break;
    }
    Verdict verdict = interpret(exchange);
    verdict.attempts = attempts;
    verdict.elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(
        std::chrono::steady_clock::now() - start);
    if (attempts > 1) {
        verdict.explanation += may_retry(exchange)
                                   ? fmt::format(" Gave up after {} attempts.", attempts)
                                   : fmt::format(" {} attempts were made.", attempts);
    }
    return verdict;
}

} // namespace onorder
