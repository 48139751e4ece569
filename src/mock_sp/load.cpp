#include "load.hpp"

#include <charconv>
#include <random>
#include <thread>

#include <CLI/CLI.hpp>

namespace onorder::mock {
namespace {

// The whole of `text` as a non-negative number, nothing before or after it.
std::optional<std::size_t> whole_number(std::string_view text) {
    std::size_t value = 0;
    const char* const end = text.data() + text.size();
    const auto [stop, error] = std::from_chars(text.data(), end, value);
    if (text.empty() || error != std::errc{} || stop != end)
        return std::nullopt;
    return value;
}

std::string_view storm_cause(int http_status) {
    return http_status == 429 ? R"({"cause":"Too many requests"})"
                              : R"({"cause":"Service temporarily unavailable"})";
}

} // namespace

std::optional<LatencyRange> parse_latency(std::string_view text) {
    const std::size_t dash = text.find('-');
    const std::optional<std::size_t> low = whole_number(text.substr(0, dash));
    const std::optional<std::size_t> high =
        dash == std::string_view::npos ? low : whole_number(text.substr(dash + 1));
    if (!low || !high || *low > *high)
        return std::nullopt;
    return LatencyRange{std::chrono::milliseconds(*low), std::chrono::milliseconds(*high)};
}

std::optional<Storm> parse_storm(std::string_view text) {
    const std::size_t first = text.find(':');
    if (first == std::string_view::npos)
        return std::nullopt;
    const std::size_t second = text.find(':', first + 1);
    const std::optional<std::size_t> status = whole_number(text.substr(0, first));
    const std::optional<std::size_t> count = whole_number(text.substr(
        first + 1, second == std::string_view::npos ? std::string_view::npos : second - first - 1));
    const std::string_view retry_after =
        second == std::string_view::npos ? std::string_view("1") : text.substr(second + 1);
    if (!status || (*status != 429 && *status != 503) || !count || !whole_number(retry_after))
        return std::nullopt;
    return Storm{.http_status = static_cast<int>(*status),
                 .count = *count,
                 .retry_after = std::string(retry_after)};
}

void add_load_options(CLI::App& app, LoadSettings& settings) {
    app.add_option_function<std::string>(
           "--latency-ms",
           [&settings](const std::string& text) {
               const std::optional<LatencyRange> latency = parse_latency(text);
               if (!latency)
                   throw CLI::ValidationError("--latency-ms",
                                              "expects N or MIN-MAX milliseconds, MIN <= MAX");
               settings.latency = *latency;
           },
           "Wait this long (or a uniformly random time within MIN-MAX) before every answer to "
           "an order POST")
        ->type_name("N|MIN-MAX");
    auto* storm = app.add_option_function<std::string>(
                         "--storm",
                         [&settings](const std::string& text) {
                             settings.storm = parse_storm(text);
                             if (!settings.storm)
                                 throw CLI::ValidationError(
                                     "--storm", "expects STATUS:COUNT[:RETRY_AFTER], STATUS 429 "
                                                "or 503, RETRY_AFTER whole seconds");
                         },
                         "Answer the first COUNT order POSTs STATUS with Retry-After (default "
                         "1 s); they are not processed")
                      ->type_name("STATUS:COUNT[:SECONDS]");
    app.add_option_function<long long>(
           "--storm-for-ms",
           [&settings](long long ms) { settings.storm_for = std::chrono::milliseconds(ms); },
           "End the storm this long after the first order POST, even before COUNT")
        ->check(CLI::NonNegativeNumber)
        ->needs(storm)
        ->type_name("MS");
    app.add_option("--drop-after-processing", settings.drop_first,
                   "Process the first N valid orders, then close their connection without an "
                   "answer")
        ->type_name("N");
    app.add_option("--drop-every", settings.drop_every,
                   "Process every K-th valid order, then close its connection without an answer")
        ->check(CLI::PositiveNumber)
        ->type_name("K");
}

void LoadControls::wait_latency() const {
    const LatencyRange& latency = settings_.latency;
    if (latency.max.count() == 0)
        return;
    std::chrono::milliseconds wait = latency.min;
    if (latency.max > latency.min) {
        thread_local std::mt19937 random{std::random_device{}()};
        std::uniform_int_distribution<long long> within(latency.min.count(), latency.max.count());
        wait = std::chrono::milliseconds(within(random));
    }
    std::this_thread::sleep_for(wait);
}

std::optional<Answer> LoadControls::storm_refusal() {
    if (!settings_.storm)
        return std::nullopt;
    const Storm& storm = *settings_.storm;
    const auto now = std::chrono::steady_clock::now();
    std::call_once(storm_started_flag_, [&] { storm_started_ = now; });
    if (settings_.storm_for && now - storm_started_ >= *settings_.storm_for)
        return std::nullopt;
    if (storm_posts_.fetch_add(1) >= storm.count)
        return std::nullopt;
    Answer answer;
    answer.http_status = storm.http_status;
    answer.content_type = "application/json";
    answer.body = std::string(storm_cause(storm.http_status));
    answer.headers.emplace_back("Retry-After", storm.retry_after);
    answer.scenario = "storm";
    return answer;
}

bool LoadControls::drop_after_processing() {
    const std::size_t processed = ++processed_;
    return processed <= settings_.drop_first ||
           (settings_.drop_every > 0 && processed % settings_.drop_every == 0);
}

} // namespace onorder::mock
