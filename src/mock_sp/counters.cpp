#include "counters.hpp"

#include <nlohmann/json.hpp>

namespace onorder::mock {

std::size_t ReceivedCounters::count(const std::optional<std::string>& fingerprint,
                                    const std::optional<std::string>& access_id) {
    const std::lock_guard lock(mutex_);
    ++total_;
    if (access_id)
        ++by_access_id_[*access_id];
    return fingerprint ? ++by_fingerprint_[*fingerprint] : 1;
}

void ReceivedCounters::processed(const std::optional<std::string>& fingerprint) {
    const std::lock_guard lock(mutex_);
    ++processed_;
    if (fingerprint)
        ++processed_by_fingerprint_[*fingerprint];
}

void ReceivedCounters::answered_2xx() {
    const std::lock_guard lock(mutex_);
    ++answered_2xx_;
}

void ReceivedCounters::dropped() {
    const std::lock_guard lock(mutex_);
    ++dropped_;
}

void ReceivedCounters::refused_by_storm() {
    const std::lock_guard lock(mutex_);
    ++refused_by_storm_;
}

void ReceivedCounters::count_valid() {
    const std::lock_guard lock(mutex_);
    ++valid_;
}

nlohmann::json ReceivedCounters::snapshot() const {
    const std::lock_guard lock(mutex_);
    return {{"total", total_},
            {"valid", valid_},
            {"by_fingerprint", nlohmann::json(by_fingerprint_)},
            {"by_access_id", nlohmann::json(by_access_id_)},
            {"processed", processed_},
            {"processed_by_fingerprint", nlohmann::json(processed_by_fingerprint_)},
            {"answered_2xx", answered_2xx_},
            {"dropped", dropped_},
            {"refused_by_storm", refused_by_storm_}};
}

void ReceivedCounters::reset() {
    const std::lock_guard lock(mutex_);
    total_ = 0;
    valid_ = 0;
    by_fingerprint_.clear();
    by_access_id_.clear();
    processed_ = 0;
    processed_by_fingerprint_.clear();
    answered_2xx_ = 0;
    dropped_ = 0;
    refused_by_storm_ = 0;
}

} // namespace onorder::mock
