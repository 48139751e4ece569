// Retries that are safe by construction (DESIGN §5): only when the SP certainly did not process it.
#pragma once

#include <onorder/http_client.hpp>

#include <chrono>
#include <optional>
#include <string_view>

namespace onorder {

struct RetryPolicy {
    int retries = 3;                            // --retries N
    std::chrono::milliseconds base_delay{500};  // doubled each attempt, with jitter
    std::chrono::milliseconds max_wait{60'000}; // --max-retry-wait
};

// True only for: nothing sent (DNS, connection refused, TLS handshake), 429, 503.
bool may_retry(const HttpExchange& exchange);

// About 30 years is already "never": a longer Retry-After is read as this, not overflowed.
inline constexpr std::chrono::seconds retry_after_never{1'000'000'000};

// Retry-After in seconds or as an HTTP date (RFC 9110 §10.2.3); a date in the past means now;
// negative or unparsable → nullopt.
std::optional<std::chrono::milliseconds>
parse_retry_after(std::string_view value, std::chrono::system_clock::time_point now);

// How long to wait before attempt `attempt` (1 = the first retry). With a Retry-After, exactly
// that — the SP's instruction, never shortened: nullopt when it is longer than max_wait, and the
// order must not be sent again now. Without one, exponential backoff with jitter, capped at
// max_wait.
std::optional<std::chrono::milliseconds>
retry_delay(const RetryPolicy& policy, int attempt,
            std::optional<std::chrono::milliseconds> retry_after);

} // namespace onorder
