// The mock's scenarios: what it answers to an order, chosen by the order's offeringId or
// --scenario.
#pragma once

#include <chrono>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace onorder::mock {

// What the server does besides sending the answer.
enum class Behaviour {
    answer,    // send it at once
    slow,      // sleep --delay-ms first
    drop,      // close the connection without sending a byte of it
    cut_short, // write the body raw on the socket (the start of an answer), then close
    oversized, // replace the body by one of 10 MiB
};

enum class RetryAfter {
    none,
    seconds,   // "1", or --retry-after VALUE verbatim
    http_date, // an IMF-fixdate 1–2 s ahead (RFC 9110 §10.2.3 allows both forms)
};

struct Scenario {
    std::string_view name{}; // also a valid offeringId (dataformats.md: ID)
    int http_status = 200;
    std::string_view body{};
    std::string_view content_type{}; // empty: application/json
    std::string_view location{};     // for redirects
    RetryAfter retry_after = RetryAfter::none;
    bool first_post_only = false; // later POSTs of the same order are answered as mock-activated
    bool echoes_identity_number = false; // "{pin}" in the body: the order's personalIdentityNumber
    Behaviour behaviour = Behaviour::answer;
    std::string_view summary{}; // one line for --list-scenarios
};

std::span<const Scenario> all_scenarios();
const Scenario* find_scenario(std::string_view name);
const Scenario& default_scenario(); // mock-activated
std::vector<std::string> scenario_names();

struct AnswerSettings {
    std::string retry_after = "1"; // --retry-after, sent verbatim
    std::chrono::milliseconds delay{3000};
};

// A scenario made concrete for one POST.
struct Answer {
    int http_status = 200;
    std::string content_type;
    std::string body;
    std::vector<std::pair<std::string, std::string>> headers;
    Behaviour behaviour = Behaviour::answer;
    std::string_view scenario; // the name of the scenario that answered, for the log
};

// `posts_of_this_order` counts this POST: 1 the first time the order arrives.
// `identity_number` is the order's customerDetails.personalIdentityNumber ("" when none).
Answer make_answer(const Scenario& scenario, const AnswerSettings& settings,
                   std::size_t posts_of_this_order, std::string_view identity_number = {});

} // namespace onorder::mock
