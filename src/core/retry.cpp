#include <onorder/helpers.hpp>
#include <onorder/retry.hpp>

#include <curl/curl.h>

#include <algorithm>
#include <cmath>
#include <ctime>
#include <random>
#include <string>

namespace onorder {

namespace {

using namespace std::chrono;

// Not sent, but sending again cannot help: the same URL, files or certificate fail the same way.
constexpr int hopeless_codes[] = {
    CURLE_UNSUPPORTED_PROTOCOL, CURLE_URL_MALFORMAT,    CURLE_PEER_FAILED_VERIFICATION,
    CURLE_SSL_CACERT_BADFILE,   CURLE_SSL_CERTPROBLEM,  CURLE_SSL_PINNEDPUBKEYNOTMATCH,
    CURLE_SSL_CRL_BADFILE,      CURLE_SSL_ISSUER_ERROR, CURLE_LOGIN_DENIED,
    CURLE_NOT_BUILT_IN,         CURLE_FAILED_INIT,      CURLE_BAD_FUNCTION_ARGUMENT,
    CURLE_UNKNOWN_OPTION,
};

constexpr seconds never = retry_after_never;

// RFC 9110 §5.6.7's three date forms, and what else libcurl reads (its parser is lenient, as
// §5.6.7 asks of recipients); nullopt when it cannot read the text as a date.
std::optional<std::time_t> http_date(const std::string& text) {
    const std::time_t when = curl_getdate(text.c_str(), nullptr);
    if (when == -1)
        return std::nullopt;
    return when; // before 1970 it is negative: long past
}

} // namespace

bool may_retry(const HttpExchange& exchange) {
    switch (exchange.reach) {
    case HttpExchange::Reach::not_sent:
        return std::find(std::begin(hopeless_codes), std::end(hopeless_codes),
                         exchange.curl_code) == std::end(hopeless_codes);
    case HttpExchange::Reach::answered:
        // The SP's own word that it did not process the order (DESIGN §5).
        return exchange.http_status == 429 || exchange.http_status == 503;
    case HttpExchange::Reach::maybe_sent:
        return false;
    }
    return false;
}

std::optional<milliseconds> parse_retry_after(std::string_view value,
                                              system_clock::time_point now) {
    value = trim(value);
    if (value.empty())
        return std::nullopt;
    if (value.find_first_not_of("0123456789") == std::string_view::npos) {
        std::int64_t delay = 0;
        for (const char digit : value)
            delay = std::min<std::int64_t>(never.count(), delay * 10 + (digit - '0'));
        return seconds{delay};
    }
    const std::optional<std::time_t> date = http_date(std::string(value));
    if (!date)
        return std::nullopt;
    // Whole seconds first: a time_t reaches far beyond what system_clock can hold.
    const std::int64_t now_seconds = floor<seconds>(now.time_since_epoch()).count();
    if (*date < now_seconds)
        return milliseconds{0};
    if (*date - now_seconds > never.count())
        return never;
    return std::max(ceil<milliseconds>(sys_seconds{seconds{*date}} - now), milliseconds{0});
}

std::optional<milliseconds> retry_delay(const RetryPolicy& policy, int attempt,
                                        std::optional<milliseconds> retry_after) {
    const milliseconds cap = std::max(policy.max_wait, milliseconds{0});
    if (retry_after) {
        // DESIGN §5: never send again earlier than the SP asked; rather not send at all.
        const milliseconds asked = std::max(*retry_after, milliseconds{0});
        if (asked > cap)
            return std::nullopt;
        return asked;
    }
    thread_local std::mt19937_64 engine{std::random_device{}()};
    // Jitter keeps many clients that failed together from retrying together.
    std::uniform_real_distribution<double> jitter(0.5, 1.5);
    const int doublings = std::clamp(attempt - 1, 0, 40);
    const double delay = static_cast<double>(policy.base_delay.count()) *
                         std::ldexp(1.0, doublings) * jitter(engine);
    const double capped = std::clamp(delay, 0.0, static_cast<double>(cap.count()));
    return milliseconds{std::llround(capped)};
}

} // namespace onorder
