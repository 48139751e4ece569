// "Did you mean …?": the nearest known name to a mistyped one, for unknown order fields and
// unknown config keys alike.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace onorder {

// Case-insensitive optimal string alignment distance: a swapped pair of letters is one typo.
std::size_t typo_distance(std::string_view a, std::string_view b);

// Whether `typed` is near enough to `known` to suggest it: one typo in a short name, two in a
// name of six characters or more.
bool close_enough(std::string_view typed, std::string_view known);

// The known name nearest to `typed` that is close enough, if any (the first of equals).
std::optional<std::string> nearest(std::string_view typed, std::span<const std::string> known);

} // namespace onorder
