#include <onorder/submit.hpp>

#include <onorder/date_time.hpp>

#include <algorithm>

#include <fmt/format.h>

namespace onorder {

namespace {

using namespace std::chrono;

// When the SP said the order may come again, in words: "99999999 s … not before 2029-…Z".
std::string retry_words(const Verdict& verdict, milliseconds retry_after, bool refused_wait,
                        int attempts) {
    const std::string when = format_date_time(*verdict.not_before);
    const long long wait = ceil<seconds>(retry_after).count();
    // The advice for 429 and 503 has already said that the SP did not process the order.
    if (refused_wait) {
        return fmt::format(" The SP asks to wait {} s (Retry-After), longer than --max-retry-wait "
                           "allows, so the order was not sent again: send it not before {}.",
                           wait, when);
    }
    const std::string gave_up =
        attempts > 1 ? fmt::format(" Gave up after {} attempts.", attempts) : std::string();
    return fmt::format("{} The SP asks to wait {} s (Retry-After): send the order again not "
                       "before {}.",
                       gave_up, wait, when);
}

} // namespace

Verdict submit_order(HttpClient& client, const std::string& url, const std::string& body,
                     const RetryPolicy& policy, const Sleeper& sleep, const Redactor& redactor) {
    const auto start = steady_clock::now();
    const int max_attempts = 1 + std::max(policy.retries, 0);
    int attempts = 0;
    HttpExchange exchange;
    system_clock::time_point answered_at;
    std::optional<milliseconds> retry_after;
    bool refused_wait = false; // Retry-After asked for longer than max_wait
    while (true) {
        exchange = client.post_json(url, body, redactor);
        answered_at = system_clock::now();
        ++attempts;
        retry_after.reset(); // only the last answer's counts
        if (!may_retry(exchange))
            break;
        if (exchange.retry_after)
            retry_after = parse_retry_after(*exchange.retry_after, answered_at);
        if (attempts >= max_attempts)
            break;
        const std::optional<milliseconds> delay = retry_delay(policy, attempts, retry_after);
        if (!delay) {
            refused_wait = true;
            break;
        }
        if (sleep && !sleep(*delay))
            break;
    }
    Verdict verdict = interpret(exchange, redactor);
    verdict.attempts = attempts;
    verdict.elapsed = duration_cast<milliseconds>(steady_clock::now() - start);
    if (retry_after) {
        // Not sent again although the SP said when it may be: say when. Rounded up, so that "not
        // before" is never earlier than the SP asked.
        verdict.not_before = ceil<seconds>(answered_at + *retry_after);
        verdict.explanation += retry_words(verdict, *retry_after, refused_wait, attempts);
    } else if (attempts > 1) {
        verdict.explanation += may_retry(exchange)
                                   ? fmt::format(" Gave up after {} attempts.", attempts)
                                   : fmt::format(" {} attempts were made.", attempts);
    }
    return verdict;
}

} // namespace onorder
