// Sending one order: POST, retry when safe, interpret the answer.
#pragma once

#include <onorder/http_client.hpp>
#include <onorder/response.hpp>
#include <onorder/retry.hpp>

#include <functional>
#include <string>

namespace onorder {

// The order URL of DESIGN §2: {url}/2.5/sp_spec/order/, or `url` itself when it already ends in
// the order path; `order_path` replaces the default path when not empty.
std::string order_url(std::string_view api_root, std::string_view order_path = {});

// Whether a URL's host is a loopback address (127.0.0.0/8, ::1, localhost).
bool is_loopback_url(std::string_view url);

// Waits between attempts; returns false to give up retrying (the user interrupted).
using Sleeper = std::function<bool(std::chrono::milliseconds)>;

// Sends `body`, retrying per `policy`; `sleep` is called between attempts.
Verdict submit_order(HttpClient& client, const std::string& url, const std::string& body,
                     const RetryPolicy& policy, const Sleeper& sleep);

} // namespace onorder
