#include <onorder/submit.hpp>

#include <algorithm>

#include <fmt/format.h>

namespace onorder {

Verdict submit_order(HttpClient& client, const std::string& url, const std::string& body,
                     const RetryPolicy& policy, const Sleeper& sleep) {
    const auto start = std::chrono::steady_clock::now();
    const int max_attempts = 1 + std::max(policy.retries, 0);
    int attempts = 0;
    HttpExchange exchange;
    while (true) {
        exchange = client.post_json(url, body);
        ++attempts;
        if (attempts >= max_attempts || !may_retry(exchange))
            break;
        const std::optional<std::chrono::milliseconds> retry_after =
            exchange.retry_after
                ? parse_retry_after(*exchange.retry_after, std::chrono::system_clock::now())
                : std::nullopt;
        if (sleep && !sleep(retry_delay(policy, attempts, retry_after)))
            break;
    }
    Verdict verdict = interpret(exchange);
    verdict.attempts = attempts;
    verdict.elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(
        std::chrono::steady_clock::now() - start);
    if (attempts > 1) {
        verdict.explanation += may_retry(exchange)
                                   ? fmt::format(" Gave up after {} attempts.", attempts)
                                   : fmt::format(" {} attempts were made.", attempts);
    }
    return verdict;
}

} // namespace onorder
