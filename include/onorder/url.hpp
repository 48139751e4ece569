// URLs, always through libcurl's own parser: the host judged here is the host libcurl connects to.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace onorder {

// The order URL of DESIGN §2: {url}/2.5/sp_spec/order/, or `url` itself when it already ends in
// the order path; `order_path` replaces the default path when not empty.
std::string order_url(std::string_view api_root, std::string_view order_path = {});

// Whether a URL's host is a loopback address (127.0.0.0/8, ::1, localhost).
bool is_loopback_url(std::string_view url);

// The host libcurl connects to, lower case, IPv6 without brackets; "" when the URL does not parse.
// What a netrc entry is looked up by.
std::string url_host(std::string_view url);

// Whether two URLs share scheme, host and port: credentials go only where the user sent them.
bool same_origin(const std::string& from, const std::string& to);

// `reference` (a full URL, or a path such as "/onapi/2.5/order/") resolved against `base` as a
// browser would (RFC 3986 §5); "" when either cannot be parsed.
std::string resolve_url(std::string_view base, std::string_view reference);

// A URL with any user[:password]@ taken out, so it can be printed; the credentials decoded.
struct UrlCredentials {
    std::string url;                     // as given when it held no credentials
    std::string user;                    // "" when none
    std::optional<std::string> password; // set when the URL held "user:password@"
    std::string scheme;                  // lower case: "https", "http", …
    std::string error;                   // set when libcurl cannot parse the URL
};
UrlCredentials split_url_credentials(std::string_view url);

} // namespace onorder
