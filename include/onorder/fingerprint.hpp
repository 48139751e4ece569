// An order's identity: a stable fingerprint of its canonical JSON (sorted keys, no whitespace).
#pragma once

#include <string>

#include <nlohmann/json_fwd.hpp>

namespace onorder {

// 16 lower-case hex digits; the same for any two documents that are equal as JSON.
std::string fingerprint(const nlohmann::json& order);

} // namespace onorder
