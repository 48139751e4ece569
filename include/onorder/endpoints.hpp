// The Endpoints API (spec/endpoints.md): GET {url}/2.5/ lists the API endpoints an SP offers.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace onorder {

struct Endpoint {
    std::string name;
    std::string endpoint; // a path on the SP's host, or a full URL on another server
    std::string version;
    std::string documentation;
    std::string note;                            // optional
    std::vector<std::string> unsupported_fields; // optional
};

struct EndpointList {
    std::vector<Endpoint> endpoints; // the entries that could be read, in the SP's order
    // Where the answer departs from spec/endpoints.md, each naming the place ("[1].version:
    // missing"); empty when it conforms.
    std::vector<std::string> problems;
};

// The Endpoints API URL of an API root: {url}/2.5/.
std::string endpoints_url(std::string_view api_root);

// Reads and checks an Endpoints API answer: a JSON array of objects with the mandatory text
// fields name, endpoint, version and documentation (a URL), the optional text note and the
// optional array of text unsupportedFields; and at least one "order" endpoint.
EndpointList read_endpoint_list(std::string_view body);

// submit --discover: the URL of the order endpoint the list names — the first entry named "order"
// of version 2.5, else the first named "order" — resolved against `api_root` (an endpoint may be a
// path on the SP's host or a full URL). Credentials go only where the user sent them: an endpoint
// on another scheme, host or port is refused. "" with `error` when there is none to use.
std::string discovered_order_url(const EndpointList& list, std::string_view api_root,
                                 std::string& error);

} // namespace onorder
