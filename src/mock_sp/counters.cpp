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

void ReceivedCounters::count_valid() {
    const std::lock_guard lock(mutex_);
    ++valid_;
}

nlohmann::json ReceivedCounters::snapshot() const {
    const std::lock_guard lock(mutex_);
    return {{"total", total_},
            {"valid", valid_},
            {"by_fingerprint", nlohmann::json(by_fingerprint_)},
            {"by_access_id", nlohmann::json(by_access_id_)}};
}

void ReceivedCounters::reset() {
    const std::lock_guard lock(mutex_);
    total_ = 0;
    valid_ = 0;
    by_fingerprint_.clear();
    by_access_id_.clear();
}

} // namespace onorder::mock
