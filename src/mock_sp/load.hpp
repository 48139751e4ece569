// Load and failure controls for batch tests and benchmarks (DESIGN §5, §6, §10): a latency on
// every order answer, a storm of 429 or 503 answers with Retry-After, and orders processed but
// never answered.
#pragma once

#include "scenarios.hpp"

#include <atomic>
#include <chrono>
#include <cstddef>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

namespace CLI {
class App;
}

namespace onorder::mock {

struct LatencyRange {
    std::chrono::milliseconds min{0};
    std::chrono::milliseconds max{0}; // == min: a fixed latency
};

struct Storm {
    int http_status = 503; // 429 or 503: both say "not processed, try again later"
    std::size_t count = 0; // the first `count` order POSTs are refused
    std::string retry_after = "1";
};

struct LoadSettings {
    LatencyRange latency;                               // --latency-ms N or MIN-MAX
    std::optional<Storm> storm;                         // --storm STATUS:COUNT[:RETRY_AFTER]
    std::optional<std::chrono::milliseconds> storm_for; // --storm-for-ms: the storm also ends then
    std::size_t drop_first = 0;                         // --drop-after-processing N
    std::size_t drop_every = 0;                         // --drop-every K
};

// "N" or "MIN-MAX" milliseconds, MIN <= MAX.
std::optional<LatencyRange> parse_latency(std::string_view text);
// "STATUS:COUNT" or "STATUS:COUNT:RETRY_AFTER"; STATUS is 429 or 503, RETRY_AFTER whole seconds.
std::optional<Storm> parse_storm(std::string_view text);

// Registers --latency-ms, --storm, --storm-for-ms, --drop-after-processing and --drop-every;
// CLI11's parse fills `settings`, which must outlive it.
void add_load_options(CLI::App& app, LoadSettings& settings);

// Decides, for each order POST, what the load settings do to it. Shared by every connection's
// thread: the counts are atomic, so "the first N" means the first N across all connections.
class LoadControls {
  public:
    explicit LoadControls(const LoadSettings& settings) : settings_(settings) {}

    // Sleeps the latency (a random one within MIN-MAX) on the calling connection's thread only.
    void wait_latency() const;

    // The storm's answer to this order POST while the storm lasts; nullopt once it is over.
    std::optional<Answer> storm_refusal();

    // Called once per processed order (authorised, valid, not refused): true when this one
    // must be dropped without an answer.
    bool drop_after_processing();

  private:
    const LoadSettings& settings_;
    std::atomic<std::size_t> storm_posts_{0};
    std::atomic<std::size_t> processed_{0};
    std::once_flag storm_started_flag_;
    std::chrono::steady_clock::time_point storm_started_;
};

} // namespace onorder::mock
