// Validation of one order document against DESIGN §3: every problem at once, never an exception.
#pragma once

#include <onorder/problem.hpp>

#include <chrono>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

namespace onorder {

struct ValidationOptions {
    bool strict = false;               // warnings become errors
    std::vector<std::string> required; // extra mandatory fields: JSON Pointers or dotted paths
    std::chrono::system_clock::time_point now = std::chrono::system_clock::now();
};

struct Validation {
    Problems errors;
    Problems warnings;
    bool valid() const { return errors.empty(); }
};

Validation validate_order(const nlohmann::json& order, const ValidationOptions& options);

// The fields of an order (spec/order.md), as JSON Pointers; "did you mean" hints come from here.
const std::vector<std::string>& known_order_fields();

} // namespace onorder
