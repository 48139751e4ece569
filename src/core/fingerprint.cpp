#include <onorder/fingerprint.hpp>

#include <cstdint>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace onorder {

std::string fingerprint(const nlohmann::json& order) {
    // nlohmann::json keeps object keys sorted, so dump() is canonical.
    const std::string canonical = order.dump();
    // FNV-1a, 64 bits: stable across runs and machines, which is all an identity needs here.
    std::uint64_t hash = 14695981039346656037ULL;
    for (unsigned char byte : canonical) {
        hash ^= byte;
        hash *= 1099511628211ULL;
    }
    return fmt::format("{:016x}", hash);
}

} // namespace onorder
