// What the mock received, so tests can prove an order arrived exactly once (DESIGN §8).
#pragma once

#include <cstddef>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include <nlohmann/json_fwd.hpp>

namespace onorder::mock {

class ReceivedCounters {
  public:
    // Counts one POST of an order; returns how many POSTs of this order (by fingerprint) have
    // arrived, this one included, or 1 for a body that has no fingerprint (not JSON).
    std::size_t count(const std::optional<std::string>& fingerprint,
                      const std::optional<std::string>& access_id);

    // What became of an order POST, beside its arrival: processed (authorised, valid, not
    // refused with 429/503 nor redirected, so an SP would have acted on it), then answered 2xx
    // or dropped; or refused by a --storm.
    void processed(const std::optional<std::string>& fingerprint);
    void answered_2xx();
    void dropped();
    void refused_by_storm();

    // Counts one POST of an order that passed validation: one the SP would place.
    void count_valid();

    // {"total": N, "valid": N, "by_fingerprint": {...}, "by_access_id": {...}, "processed": N,
    //  "processed_by_fingerprint": {...}, "answered_2xx": N, "dropped": N, "refused_by_storm": N}
    nlohmann::json snapshot() const;

    void reset();

  private:
    mutable std::mutex mutex_;
    std::size_t total_ = 0;
    std::size_t valid_ = 0;
    std::unordered_map<std::string, std::size_t> by_fingerprint_;
    std::unordered_map<std::string, std::size_t> by_access_id_;
    std::size_t processed_ = 0;
    std::unordered_map<std::string, std::size_t> processed_by_fingerprint_;
    std::size_t answered_2xx_ = 0;
    std::size_t dropped_ = 0;
    std::size_t refused_by_storm_ = 0;
};

} // namespace onorder::mock
