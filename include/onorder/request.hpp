// The HTTP request onorder sends, built in one place: what goes on the wire and what --dry-run
// prints are the same value (DESIGN §2).
#pragma once

#include <onorder/http_client.hpp>

#include <string>
#include <vector>

namespace onorder {

struct HttpRequest {
    std::string method; // "POST" or "GET"
    std::string url;
    std::vector<std::string> headers; // "Name: value" in wire order; libcurl adds Host and,
                                      // when `basic_auth`, Authorization
    std::string body;                 // POST only
    bool basic_auth = false;          // credentials are sent (a user, or netrc)
};

// POST of one order: Content-Type and Accept JSON, the User-Agent, then every --header.
HttpRequest order_request(const ConnectionOptions& options, std::string url, std::string body);

// GET of a JSON document (the Endpoints API): Accept JSON, the User-Agent, every --header.
HttpRequest get_request(const ConnectionOptions& options, std::string url);

} // namespace onorder
