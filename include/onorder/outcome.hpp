// What became of an order, and the one table that maps it to words and exit codes (DESIGN §2).
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>

namespace onorder {

enum class Outcome {
    accepted,      // 200 ACTIVATED / RECEIVED (or, for validate, a valid order)
    rejected,      // 200 REJECTED
    usage,         // bad flags, unreadable file, bad config, plain http:// to a remote host
    invalid,       // invalid locally: nothing was sent
    bad_request,   // 400 from the SP
    auth,          // 401 / 403
    http_error,    // any other HTTP error or an unexpected response
    no_connection, // DNS, connect, TLS: the order certainly did not reach the SP
    unknown,       // the request may have reached the SP: timeout or connection lost after sending
    not_sent,      // a batch stopped (401/403, --max-errors, Ctrl-C, the journal) before sending it
    interrupted,   // SIGINT
};

inline constexpr std::size_t outcome_count = static_cast<std::size_t>(Outcome::interrupted) + 1;

struct OutcomeInfo {
    Outcome outcome;
    std::string_view name; // stable, for --output json: "accepted", "bad_request", …
    int exit_code;
    std::string_view words; // for people: "accepted", "rejected by the SP", …
};

const OutcomeInfo& info(Outcome outcome);
inline int exit_code(Outcome outcome) {
    return info(outcome).exit_code;
}
inline std::string_view name(Outcome outcome) {
    return info(outcome).name;
}

// The outcome with this name() (journal records), if any.
std::optional<Outcome> outcome_named(std::string_view name);

// In a batch the exit code is the highest among its orders; an interruption overrides.
Outcome worst(Outcome a, Outcome b);

} // namespace onorder
