// Fetching the Endpoints API list (GET {url}/2.5/), shared by `endpoints` and `submit --discover`.
#pragma once

#include "connection_options.hpp"

#include <onorder/endpoints.hpp>
#include <onorder/outcome.hpp>
#include <onorder/redact.hpp>

#include <string>

namespace onorder::cli {

struct FetchedList {
    std::string url;                     // {url}/2.5/
    long http = 0;                       // the answer's status, 0 without one
    Outcome outcome = Outcome::accepted; // accepted: a 200 came, `list` holds it
    std::string error;                   // why there is no list, for people
    EndpointList list;
};

FetchedList fetch_endpoint_list(const Connection& connection, const Redactor& redactor);

} // namespace onorder::cli
