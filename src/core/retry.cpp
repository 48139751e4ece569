#include <onorder/helpers.hpp>
#include <onorder/retry.hpp>

#include <curl/curl.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <random>

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

constexpr std::array<std::string_view, 7> short_days = {"Mon", "Tue", "Wed", "Thu",
                                                        "Fri", "Sat", "Sun"};
constexpr std::array<std::string_view, 7> long_days = {
    "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"};
constexpr std::array<std::string_view, 12> months = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                     "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

// A strict left-to-right reader for the three date formats of RFC 9110 §5.6.7.
class Cursor {
  public:
    explicit Cursor(std::string_view text) : text_(text) {}

    bool literal(std::string_view expected) {
        if (!ok_ || !text_.starts_with(expected))
            return ok_ = false;
        text_.remove_prefix(expected.size());
        return true;
    }

    int number(std::size_t digits) {
        int value = 0;
        for (std::size_t i = 0; i < digits; ++i) {
            if (!ok_ || text_.empty() || text_[0] < '0' || text_[0] > '9') {
                ok_ = false;
                return 0;
            }
            value = value * 10 + (text_[0] - '0');
            text_.remove_prefix(1);
        }
        return value;
    }

    template <std::size_t N> int name(const std::array<std::string_view, N>& names) {
        for (std::size_t i = 0; ok_ && i < N; ++i) {
            if (text_.starts_with(names[i])) {
                text_.remove_prefix(names[i].size());
                return static_cast<int>(i);
            }
        }
        ok_ = false;
        return 0;
    }

    bool peek(char c) const { return ok_ && !text_.empty() && text_[0] == c; }
    bool done() const { return ok_ && text_.empty(); }

  private:
    std::string_view text_;
    bool ok_ = true;
};

struct Fields {
    int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
};

void time_of_day(Cursor& in, Fields& f) {
    f.hour = in.number(2);
    in.literal(":");
    f.minute = in.number(2);
    in.literal(":");
    f.second = in.number(2);
}

// Sun, 06 Nov 1994 08:49:37 GMT
std::optional<Fields> imf_fixdate(std::string_view text) {
    Cursor in(text);
    Fields f;
    in.name(short_days);
    in.literal(", ");
    f.day = in.number(2);
    in.literal(" ");
    f.month = in.name(months) + 1;
    in.literal(" ");
    f.year = in.number(4);
    in.literal(" ");
    time_of_day(in, f);
    in.literal(" GMT");
    return in.done() ? std::optional(f) : std::nullopt;
}

// Sunday, 06-Nov-94 08:49:37 GMT
std::optional<Fields> rfc850_date(std::string_view text) {
    Cursor in(text);
    Fields f;
    in.name(long_days);
    in.literal(", ");
    f.day = in.number(2);
    in.literal("-");
    f.month = in.name(months) + 1;
    in.literal("-");
    const int year = in.number(2);
    f.year = year < 70 ? 2000 + year : 1900 + year;
    in.literal(" ");
    time_of_day(in, f);
    in.literal(" GMT");
    return in.done() ? std::optional(f) : std::nullopt;
}

// Sun Nov  6 08:49:37 1994
std::optional<Fields> asctime_date(std::string_view text) {
    Cursor in(text);
    Fields f;
    in.name(short_days);
    in.literal(" ");
    f.month = in.name(months) + 1;
    in.literal(" ");
    if (in.peek(' ')) {
        in.literal(" ");
        f.day = in.number(1);
    } else {
        f.day = in.number(2);
    }
    in.literal(" ");
    time_of_day(in, f);
    in.literal(" ");
    f.year = in.number(4);
    return in.done() ? std::optional(f) : std::nullopt;
}

std::optional<system_clock::time_point> http_date(std::string_view text) {
    for (auto parse : {imf_fixdate, rfc850_date, asctime_date}) {
        const std::optional<Fields> f = parse(text);
        if (!f)
            continue;
        const year_month_day date{year{f->year}, month{static_cast<unsigned>(f->month)},
                                  day{static_cast<unsigned>(f->day)}};
        if (!date.ok() || f->hour > 23 || f->minute > 59 || f->second > 60)
            return std::nullopt;
        return sys_days{date} + hours{f->hour} + minutes{f->minute} + seconds{f->second};
    }
    return std::nullopt;
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
        // About 30 years is already "never"; saturate instead of overflowing.
        constexpr std::int64_t limit = 1'000'000'000;
        std::int64_t delay = 0;
        for (const char digit : value)
            delay = std::min(limit, delay * 10 + (digit - '0'));
        return seconds{delay};
    }
    const std::optional<system_clock::time_point> date = http_date(value);
    if (!date)
        return std::nullopt;
    if (*date <= now)
        return milliseconds{0};
    return ceil<milliseconds>(*date - now);
}

milliseconds retry_delay(const RetryPolicy& policy, int attempt,
                         std::optional<milliseconds> retry_after) {
    const milliseconds cap = std::max(policy.max_wait, milliseconds{0});
    if (retry_after)
        return std::clamp(*retry_after, milliseconds{0}, cap);
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
