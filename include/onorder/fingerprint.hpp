// An order's identity: a stable fingerprint of its canonical JSON (sorted keys, no whitespace).
#pragma once

#include <string>
#include <string_view>

#include <nlohmann/json_fwd.hpp>

namespace onorder {

// 16 lower-case hex digits; the same for any two documents that are equal as JSON. It is
// fingerprint_of_canonical(order.dump()), computed without writing the dump out.
std::string fingerprint(const nlohmann::json& order);

// The fingerprint of the document whose dump() is `canonical` (FNV-1a, 64 bits, over its bytes).
std::string fingerprint_of_canonical(std::string_view canonical);

} // namespace onorder
