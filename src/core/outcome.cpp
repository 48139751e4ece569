#include <onorder/outcome.hpp>

#include <array>
#include <cstddef>

namespace onorder {

namespace {

// DESIGN §2: the one place where an outcome becomes an exit code and words. Indexed by the enum.
constexpr std::array<OutcomeInfo, outcome_count> outcome_table{{
    {Outcome::accepted, "accepted", 0, "accepted"},
    {Outcome::rejected, "rejected", 1, "rejected by the SP"},
    {Outcome::usage, "usage", 2, "usage error"},
    {Outcome::invalid, "invalid", 3, "invalid — not sent"},
    {Outcome::bad_request, "bad_request", 4, "refused by the SP as bad input (400)"},
    {Outcome::auth, "auth", 5, "authentication failed"},
    {Outcome::http_error, "http_error", 6, "HTTP error"},
    {Outcome::no_connection, "no_connection", 7, "no connection — the order was not sent"},
    {Outcome::unknown, "unknown", 8, "outcome unknown — the order may have reached the SP"},
    // Never the reason for an exit code: whatever stopped the batch is.
    {Outcome::not_sent, "not_sent", 0, "not sent — the batch stopped first"},
    {Outcome::interrupted, "interrupted", 130, "interrupted"},
}};

constexpr bool table_matches_enum() {
    for (std::size_t i = 0; i < outcome_table.size(); ++i) {
        if (static_cast<std::size_t>(outcome_table[i].outcome) != i) {
            return false;
        }
    }
    return true;
}
static_assert(table_matches_enum(), "outcome_table must list the outcomes in enum order");
static_assert(static_cast<std::size_t>(Outcome::interrupted) + 1 == outcome_table.size(),
              "every outcome needs a row");

} // namespace

const OutcomeInfo& info(Outcome outcome) {
    return outcome_table[static_cast<std::size_t>(outcome)];
}

std::optional<Outcome> outcome_named(std::string_view name) {
    for (const OutcomeInfo& row : outcome_table)
        if (row.name == name)
            return row.outcome;
    return std::nullopt;
}

Outcome worst(Outcome a, Outcome b) {
    // 130 is also the highest code, but say so: an interruption wins whatever the table holds.
    if (a == Outcome::interrupted || b == Outcome::interrupted) {
        return Outcome::interrupted;
    }
    return exit_code(b) > exit_code(a) ? b : a;
}

} // namespace onorder
