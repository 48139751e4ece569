#include "batch_output.hpp"

#include <onorder/outcome.hpp>

#include <chrono>

#include <fmt/format.h>

namespace onorder::cli {

namespace {

double seconds_of(std::chrono::steady_clock::duration elapsed) {
    return std::chrono::duration<double>(elapsed).count();
}

double orders_per_second(const BatchCounts& counts) {
    const double elapsed = seconds_of(counts.elapsed);
    return elapsed > 0 ? static_cast<double>(counts.done) / elapsed : 0;
}

// "998 accepted, 2 bad_request": the outcomes seen, in the table's order.
std::string outcome_counts(const BatchCounts& counts) {
    std::string text;
    for (std::size_t i = 0; i < counts.by_outcome.size(); ++i) {
        if (counts.by_outcome[i] == 0)
            continue;
        text += fmt::format("{}{} {}", text.empty() ? "" : ", ", counts.by_outcome[i],
                            name(static_cast<Outcome>(i)));
    }
    return text;
}

} // namespace

std::string progress_line(const BatchCounts& counts, std::optional<std::size_t> total) {
    const double rate = orders_per_second(counts);
    std::string line = total ? fmt::format("{}/{} orders", counts.done, *total)
                             : fmt::format("{} orders", counts.done);
    line += fmt::format(" · {:.0f}/s · {} in flight", rate, counts.in_flight);
    if (const std::string outcomes = outcome_counts(counts); !outcomes.empty())
        line += " · " + outcomes;
    if (total && rate > 0 && *total > counts.done)
        line += fmt::format(" · ETA {:.0f} s", static_cast<double>(*total - counts.done) / rate);
    return line;
}

void print_summary(std::FILE* out, const Style& style, const BatchCounts& counts,
                   const std::string& journal) {
    const double elapsed = seconds_of(counts.elapsed);
    const double rate = orders_per_second(counts);
    fmt::print(out, "{}Summary:{} {} order{} in {:.2f} s ({:.0f} orders/s), {} request{}\n",
               style.bold(), style.reset(), counts.done, counts.done == 1 ? "" : "s", elapsed, rate,
               counts.requests, counts.requests == 1 ? "" : "s");
    const std::size_t width = fmt::formatted_size("{}", counts.done);
    for (std::size_t i = 0; i < counts.by_outcome.size(); ++i) {
        if (counts.by_outcome[i] == 0)
            continue;
        const Outcome outcome = static_cast<Outcome>(i);
        fmt::print(out, "  {:>{}} {}\n", counts.by_outcome[i], width, info(outcome).words);
    }
    std::string statuses;
    for (const auto& [status, count] : counts.by_http_status)
        statuses +=
            fmt::format("{}{} ×{}", statuses.empty() ? "" : ", ",
                        status == 0 ? std::string("no answer") : std::to_string(status), count);
    if (!statuses.empty())
        fmt::print(out, "  HTTP: {}\n", statuses);
    if (counts.skipped > 0)
        fmt::print(out, "  {} settled by an earlier run (journal), not sent again\n",
                   counts.skipped);
    if (!journal.empty())
        fmt::print(out, "  Journal: {}\n", journal);
}

} // namespace onorder::cli
