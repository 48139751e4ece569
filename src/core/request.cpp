#include <onorder/request.hpp>

#include <onorder/helpers.hpp>

#include <algorithm>

namespace onorder {

namespace {

HttpRequest base_request(const ConnectionOptions& options, std::string method, std::string url) {
    HttpRequest request;
    request.method = std::move(method);
    request.url = std::move(url);
    request.basic_auth = !options.user.empty() || options.use_netrc || !options.netrc_file.empty();
    return request;
}

std::string_view header_name(std::string_view header) {
    return trim(header.substr(0, header.find(':')));
}

// A --header of the same name replaces onorder's own: one value of each header on the wire.
void add_common_headers(HttpRequest& request, const ConnectionOptions& options) {
    request.headers.emplace_back("Accept: application/json");
    request.headers.emplace_back("User-Agent: onorder/" ONORDER_VERSION);
    std::erase_if(request.headers, [&](const std::string& own) {
        return std::any_of(options.headers.begin(), options.headers.end(),
                           [&](const std::string& given) {
                               return iequals(header_name(given), header_name(own));
                           });
    });
    request.headers.insert(request.headers.end(), options.headers.begin(), options.headers.end());
}

} // namespace

HttpRequest order_request(const ConnectionOptions& options, std::string url, std::string body) {
    HttpRequest request = base_request(options, "POST", std::move(url));
    request.headers.emplace_back("Content-Type: application/json");
    add_common_headers(request, options);
    request.body = std::move(body);
    return request;
}

HttpRequest get_request(const ConnectionOptions& options, std::string url) {
    HttpRequest request = base_request(options, "GET", std::move(url));
    add_common_headers(request, options);
    return request;
}

} // namespace onorder
