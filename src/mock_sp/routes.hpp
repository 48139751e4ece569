// What the mock SP answers: the Endpoints API (spec/endpoints.md), the Order API
// (spec/order.md) with its scenarios, and the test controls under /_mock/.
#pragma once

#include "connections.hpp"
#include "counters.hpp"
#include "load.hpp"
#include "request_log.hpp"
#include "server.hpp"

#include <functional>
#include <optional>
#include <string>

#include <httplib.h>

namespace onorder::mock {

class Routes {
  public:
    // Registers every route and handler on `server`; both must outlive the server's run.
    Routes(const ServerSettings& settings, httplib::Server& server);

    // Idle keep-alive connections close at once; answers under way are finished first.
    void stop_connections(int port) { connections_.stop(port); }

  private:
    // A route answers and returns what the log line should say about the request.
    using Route = std::function<std::string(const httplib::Request&, httplib::Response&)>;
    using HandlerResponse = httplib::Server::HandlerResponse;

    httplib::Server::Handler open(Route route);
    httplib::Server::Handler authenticated(Route route);
    bool authorize(const httplib::Request& request, httplib::Response& response) const;

    std::string post_order(const httplib::Request& request, httplib::Response& response,
                           bool redirected);
    const Scenario& choose_scenario(const std::optional<std::string>& offering) const;
    std::string respond(const httplib::Request& request, httplib::Response& response,
                        const Answer& answer, std::string detail);

    HandlerResponse without_length(const httplib::Request& request, httplib::Response& response);
    HandlerResponse on_error(const httplib::Request& request, httplib::Response& response) const;
    void answer_no_route(const httplib::Request& request, httplib::Response& response) const;

    const ServerSettings& settings_;
    ReceivedCounters counters_;
    RequestLog log_;
    ConnectionTracker connections_;
    LoadControls load_;
};

} // namespace onorder::mock
