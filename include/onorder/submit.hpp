// Sending one order: POST, retry when safe, interpret the answer.
#pragma once

#include <onorder/http_client.hpp>
#include <onorder/response.hpp>
#include <onorder/retry.hpp>
#include <onorder/url.hpp>

#include <functional>
#include <string>

namespace onorder {

// Waits between attempts; returns false to give up retrying (the user interrupted).
using Sleeper = std::function<bool(std::chrono::milliseconds)>;

// Sends `body`, retrying per `policy`; `sleep` is called between attempts. `redactor` decides what
// the trace and the verdict show of identity numbers: give it the order's own numbers
// (Redactor::add_order) and, for --unmask, show_identity_numbers().
Verdict submit_order(HttpClient& client, const std::string& url, const std::string& body,
                     const RetryPolicy& policy, const Sleeper& sleep, const Redactor& redactor);

} // namespace onorder
