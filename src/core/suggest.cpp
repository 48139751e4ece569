#include <onorder/helpers.hpp>
#include <onorder/suggest.hpp>

#include <algorithm>
#include <array>

namespace onorder {

std::size_t typo_distance(std::string_view a, std::string_view b) {
    constexpr std::size_t max_length = 64;
    if (a.size() > max_length || b.size() > max_length) {
        return max_length;
    }
    // Not cleared: every cell read below was written first (an order of many unknown fields asks
    // for thousands of distances, and clearing 34 KiB each time was most of validating it).
    std::array<std::array<std::size_t, max_length + 1>, max_length + 1> d;
    for (std::size_t i = 0; i <= a.size(); ++i) {
        d[i][0] = i;
    }
    for (std::size_t j = 0; j <= b.size(); ++j) {
        d[0][j] = j;
    }
    for (std::size_t i = 1; i <= a.size(); ++i) {
        for (std::size_t j = 1; j <= b.size(); ++j) {
            const std::size_t cost = lower(a[i - 1]) == lower(b[j - 1]) ? 0 : 1;
            d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
            if (i > 1 && j > 1 && lower(a[i - 1]) == lower(b[j - 2]) &&
                lower(a[i - 2]) == lower(b[j - 1])) {
                d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
            }
        }
    }
    return d[a.size()][b.size()];
}

bool close_enough(std::string_view typed, std::string_view known) {
    const std::size_t most = known.size() >= 6 ? 2 : 1;
    // The distance is at least the difference in length.
    if (typed.size() > known.size() + most || known.size() > typed.size() + most)
        return false;
    return typo_distance(typed, known) <= most;
}

std::optional<std::string> nearest(std::string_view typed, std::span<const std::string> known) {
    const std::string* best = nullptr;
    std::size_t best_distance = 0;
    for (const std::string& name : known) {
        const std::size_t distance = typo_distance(typed, name);
        if (close_enough(typed, name) && (best == nullptr || distance < best_distance)) {
            best = &name;
            best_distance = distance;
        }
    }
    if (best == nullptr) {
        return std::nullopt;
    }
    return *best;
}

} // namespace onorder
