// --dry-run (DESIGN §2): the request order_request() builds — what a run sends, redacted — and a
// curl command line that sends the same and authenticates as the run would, no secret in it.
#pragma once

#include "connection_options.hpp"

#include <onorder/redact.hpp>
#include <onorder/request.hpp>

#include <cstdio>
#include <string>
#include <string_view>

namespace onorder::cli {

struct DryRunStyle {
    bool unmask = false; // identity numbers in full (--unmask)
    bool json = false;   // one NDJSON object: {"method","url","headers","body","curl"}
};

// `text` as one POSIX shell word: in single quotes, a quote written '\''.
std::string shell_quote(std::string_view text);

// One shell line of curl that sends `request` again, as `check` prints for each probe: the
// configured credentials as a run reads them (never inlined), none when the request has none, or
// `literal_credentials` ("user:password") when they are not a secret (check's wrong password).
std::string curl_command(const HttpRequest& request, const Connection& connection,
                         const Redactor& redactor, std::string_view literal_credentials = {});

void write_dry_run(std::FILE* out, const HttpRequest& request, const Connection& connection,
                   const Redactor& redactor, DryRunStyle style);

} // namespace onorder::cli
