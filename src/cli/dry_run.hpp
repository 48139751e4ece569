// --dry-run (DESIGN §2): the request order_request() builds — what a run sends, redacted — and a
// curl command line that sends the same and authenticates as the run would, no secret in it.
#pragma once

#include "connection_options.hpp"

#include <onorder/redact.hpp>
#include <onorder/request.hpp>

#include <cstdio>

namespace onorder::cli {

struct DryRunStyle {
    bool unmask = false; // identity numbers in full (--unmask)
    bool json = false;   // one NDJSON object: {"method","url","headers","body","curl"}
};

void write_dry_run(std::FILE* out, const HttpRequest& request, const Connection& connection,
                   const Redactor& redactor, DryRunStyle style);

} // namespace onorder::cli
