// --fix: the unambiguous normalisations of DESIGN §3, applied in place, each change reported.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

namespace onorder {

struct Change {
    std::string path;   // JSON Pointer of the changed field
    std::string before; // masked when personal
    std::string after;  // masked when personal
};

std::vector<Change> fix_order(nlohmann::json& order, std::chrono::system_clock::time_point now);

} // namespace onorder
