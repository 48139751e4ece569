// Decimal digits in fixed positions: the shared vocabulary of dates and identity numbers.
#pragma once

#include <onorder/helpers.hpp>

#include <cstddef>
#include <string_view>

namespace onorder::digits {

using onorder::is_digit;

// text[pos, pos + count) exists and is all digits.
constexpr bool digits_at(std::string_view text, std::size_t pos, std::size_t count) {
    if (text.size() < pos + count)
        return false;
    for (std::size_t i = pos; i < pos + count; ++i)
        if (!is_digit(text[i]))
            return false;
    return true;
}

// Non-empty and all digits.
constexpr bool all_digits(std::string_view text) {
    return !text.empty() && digits_at(text, 0, text.size());
}

// The number written by the digits text[pos, pos + count); they must be digits.
constexpr int number_at(std::string_view text, std::size_t pos, std::size_t count) {
    int value = 0;
    for (std::size_t i = pos; i < pos + count; ++i)
        value = value * 10 + (text[i] - '0');
    return value;
}

} // namespace onorder::digits
