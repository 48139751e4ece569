#include <onorder/url.hpp>

#include <onorder/helpers.hpp>

#include "curl_handles.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <array>

namespace onorder {

namespace {

constexpr std::string_view default_order_path = "2.5/sp_spec/order/";

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

UrlHandle parse(std::string_view url, unsigned flags = 0) {
    UrlHandle handle(curl_url());
    const std::string text(url);
    if (handle && curl_url_set(handle.get(), CURLUPART_URL, text.c_str(), flags) != CURLUE_OK)
        handle.reset();
    return handle;
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
    const std::string_view core = trim(path, "/");
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
    const UrlHandle handle = parse(url, CURLU_GUESS_SCHEME);
    if (!handle)
        return false;
    std::string host = lower(url_part(handle.get(), CURLUPART_HOST));
    if (host.size() > 2 && host.front() == '[' && host.back() == ']')
        host = host.substr(1, host.size() - 2);
    if (host.ends_with('.'))
        host.pop_back();
    // RFC 6761 §6.3: localhost and its subdomains; libcurl resolves them to loopback itself.
    return host == "localhost" || host.ends_with(".localhost") || is_loopback_ip(host);
}

std::string url_host(std::string_view url) {
    const UrlHandle handle = parse(url);
    if (!handle)
        return {};
    std::string host = lower(url_part(handle.get(), CURLUPART_HOST));
    if (host.size() > 2 && host.front() == '[' && host.back() == ']')
        host = host.substr(1, host.size() - 2);
    return host;
}

bool same_origin(const std::string& from, const std::string& to) {
    const UrlHandle a = parse(from);
    const UrlHandle b = parse(to);
    if (!a || !b)
        return false;
    for (CURLUPart part : {CURLUPART_SCHEME, CURLUPART_HOST, CURLUPART_PORT}) {
        const unsigned flags = part == CURLUPART_PORT ? CURLU_DEFAULT_PORT : 0;
        if (lower(url_part(a.get(), part, flags)) != lower(url_part(b.get(), part, flags)))
            return false;
    }
    return true;
}

std::string resolve_url(std::string_view base, std::string_view reference) {
    UrlHandle handle = parse(base);
    const std::string text(reference);
    if (!handle || curl_url_set(handle.get(), CURLUPART_URL, text.c_str(), 0) != CURLUE_OK)
        return {};
    return url_part(handle.get(), CURLUPART_URL);
}

UrlCredentials split_url_credentials(std::string_view url) {
    UrlCredentials result;
    result.url = std::string(url);
    const UrlHandle handle = parse(url, CURLU_NON_SUPPORT_SCHEME);
    if (!handle) {
        result.error = "not a URL libcurl can parse";
        return result;
    }
    result.scheme = lower(url_part(handle.get(), CURLUPART_SCHEME));
    result.user = url_part(handle.get(), CURLUPART_USER, CURLU_URLDECODE);
    char* raw = nullptr;
    if (curl_url_get(handle.get(), CURLUPART_PASSWORD, &raw, CURLU_URLDECODE) == CURLUE_OK) {
        const CurlString owned(raw);
        result.password = owned ? std::string(owned.get()) : std::string();
    }
    if (result.user.empty() && !result.password)
        return result;
    curl_url_set(handle.get(), CURLUPART_USER, nullptr, 0);
    curl_url_set(handle.get(), CURLUPART_PASSWORD, nullptr, 0);
    result.url = url_part(handle.get(), CURLUPART_URL);
    return result;
}

} // namespace onorder
