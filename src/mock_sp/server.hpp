// The mock SP's HTTP(S) server: routes, authentication, counting and logging.
#pragma once

#include "auth.hpp"
#include "load.hpp"
#include "misbehaviour.hpp"
#include "scenarios.hpp"

#include <onorder/reader.hpp>

#include <cstddef>
#include <optional>
#include <string>

namespace onorder::mock {

// Room for the largest order a client sends (reader.hpp) and then some: a larger body is refused
// with 413 before it is read.
inline constexpr std::size_t max_payload_bytes = 2 * max_order_bytes;

struct TlsFiles {
    std::string certificate;
    std::string private_key;
    std::string client_ca; // "": no client certificate asked for
};

struct ServerSettings {
    std::string host = "127.0.0.1";
    int port = 0; // 0: an ephemeral port
    std::optional<TlsFiles> tls;
    BasicAuth auth;
    const Scenario* forced_scenario = nullptr; // --scenario; an offeringId naming one still wins
    AnswerSettings answers;
    LoadSettings load;
    // httplib holds a thread per keep-alive connection: room for a batch's 64 connections and
    // the tests' own beside them.
    std::size_t threads = 128;
    bool quiet = false;
    std::optional<std::string> endpoints_body; // --endpoints-file: served verbatim at GET /2.5/
    Misbehaviours misbehaviours;               // --misbehave: spec breaches on purpose
};

// Serves until SIGINT or SIGTERM. Prints "listening on URL" on stdout once bound. Returns the
// process's exit code.
int run_server(const ServerSettings& settings);

} // namespace onorder::mock
