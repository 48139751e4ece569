// What a batch says on stderr besides its results: the progress line and the summary.
#pragma once

#include "terminal.hpp"

#include <onorder/batch.hpp>

#include <cstdio>
#include <optional>
#include <string>

namespace onorder::cli {

// "  512/1000 orders · 1190/s · 510 accepted, 2 bad_request · ETA 0.4 s" (no newline).
std::string progress_line(const BatchCounts& counts, std::optional<std::size_t> total);

// Counts per outcome and HTTP status, orders/s, wall time and where the journal is.
void print_summary(std::FILE* out, const Style& style, const BatchCounts& counts,
                   const std::string& journal);

} // namespace onorder::cli
