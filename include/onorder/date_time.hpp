// dateTime of spec/dataformats.md: RFC 3339 in UTC ("Z"), at most 4 decimals on the seconds.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace onorder {

struct DateTime {
    int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0; // second may be 60
    int fraction_digits = 0;
    std::chrono::sys_time<std::chrono::microseconds> instant; // a leap second counts as :59.999999
};

struct DateTimeCheck {
    std::optional<DateTime> value; // set when valid
    std::string error;             // why not, when invalid ("" when valid)
};

DateTimeCheck check_date_time(std::string_view text);

// "2021-05-03T20:31:15Z" for the given instant, whole seconds.
std::string format_date_time(std::chrono::system_clock::time_point when);

// --fix: an RFC 3339 time with a numeric offset (or lower-case t/z, or a space separator) rewritten
// as the same instant in UTC with "Z"; nullopt when the text is not an unambiguous date-time.
std::optional<std::string> normalise_date_time(std::string_view text);

} // namespace onorder
