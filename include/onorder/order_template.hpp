// `onorder template`: a complete example order with current UTC timestamps.
#pragma once

#include <chrono>

#include <nlohmann/json.hpp>

namespace onorder {

nlohmann::json example_order(std::chrono::system_clock::time_point now);

} // namespace onorder
