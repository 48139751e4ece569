#include "digits.hpp"

#include <onorder/date_time.hpp>

#include <fmt/format.h>

namespace onorder {

namespace {

using digits::digits_at;
using digits::is_digit;
using digits::number_at;

using namespace std::chrono;

constexpr std::string_view expected_shape = "YYYY-MM-DDTHH:MM:SSZ";
constexpr int max_fraction_digits = 4; // dataformats.md: up to 4 decimal places on seconds

bool date_shaped(std::string_view text) {
    return digits_at(text, 0, 4) && text.size() > 7 && text[4] == '-' && digits_at(text, 5, 2) &&
           text[7] == '-' && digits_at(text, 8, 2);
}

bool time_shaped(std::string_view text) {
    return digits_at(text, 11, 2) && text.size() > 16 && text[13] == ':' &&
           digits_at(text, 14, 2) && text[16] == ':' && digits_at(text, 17, 2);
}

// The calendar and clock fields read from text, before any range check.
struct Fields {
    int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
    std::size_t fraction_begin = 0, fraction_digits = 0;
};

Fields read_fields(std::string_view text) {
    Fields fields;
    fields.year = number_at(text, 0, 4);
    fields.month = number_at(text, 5, 2);
    fields.day = number_at(text, 8, 2);
    fields.hour = number_at(text, 11, 2);
    fields.minute = number_at(text, 14, 2);
    fields.second = number_at(text, 17, 2);
    std::size_t pos = 19;
    if (pos < text.size() && text[pos] == '.') {
        fields.fraction_begin = ++pos;
        while (pos < text.size() && is_digit(text[pos])) {
            ++pos;
        }
        fields.fraction_digits = pos - fields.fraction_begin;
    }
    return fields;
}

// Why the fields are not a real date and time; "" when they are.
std::string range_error(const Fields& f) {
    if (f.month < 1 || f.month > 12) {
        return fmt::format("has month {:02}, which does not exist", f.month);
    }
    const year_month_day date{year{f.year}, month{static_cast<unsigned>(f.month)},
                              day{static_cast<unsigned>(f.day)}};
    if (!date.ok()) {
        if (f.month == 2 && f.day == 29) {
            return fmt::format("names 29 February of {:04}, which is not a leap year", f.year);
        }
        return fmt::format("has day {:02}, which month {:02} does not have", f.day, f.month);
    }
    if (f.hour > 23) {
        return fmt::format("has hour {:02}, which does not exist", f.hour);
    }
    if (f.minute > 59) {
        return fmt::format("has minute {:02}, which does not exist", f.minute);
    }
    // RFC 3339 §5.7: a leap second is inserted as 23:59:60.
    if (f.second > 60 || (f.second == 60 && (f.hour != 23 || f.minute != 59))) {
        return fmt::format("has second {:02}, which does not exist (a leap second is 23:59:60)",
                           f.second);
    }
    return {};
}

sys_time<microseconds> instant_of(const Fields& f, std::string_view text) {
    const sys_days date{year_month_day{year{f.year}, month{static_cast<unsigned>(f.month)},
                                       day{static_cast<unsigned>(f.day)}}};
    auto instant = sys_time<microseconds>{date} + hours{f.hour} + minutes{f.minute};
    if (f.second == 60) {
        // date_time.hpp: a leap second counts as :59.999999, so it still sorts last in its minute.
        return instant + seconds{59} + microseconds{999'999};
    }
    int micros = number_at(text, f.fraction_begin, f.fraction_digits);
    for (std::size_t i = f.fraction_digits; i < 6; ++i) {
        micros *= 10;
    }
    return instant + seconds{f.second} + microseconds{micros};
}

std::string zone_error(std::string_view zone) {
    if (zone.empty()) {
        return "has no time zone: add 'Z' for UTC";
    }
    if (zone[0] == 'z') {
        return "has a lower-case 'z': write an upper-case 'Z'";
    }
    if (zone[0] == '+' || zone[0] == '-') {
        if (zone == "+00:00" || zone == "-00:00") {
            return fmt::format("writes UTC as '{}': dataformats.md requires 'Z'", zone);
        }
        if (zone.size() <= 6) {
            return fmt::format("has the offset {}: dataformats.md requires UTC with 'Z'", zone);
        }
        return "has an offset: dataformats.md requires UTC with 'Z'";
    }
    if (zone[0] == 'Z') {
        return "has characters after the 'Z'";
    }
    return "has unexpected characters after the seconds";
}

} // namespace

DateTimeCheck check_date_time(std::string_view text) {
    DateTimeCheck result;
    if (!date_shaped(text)) {
        result.error = fmt::format("is not shaped {}", expected_shape);
        return result;
    }
    if (text.size() <= 10) {
        result.error = fmt::format("is a date without a time: write {}", expected_shape);
        return result;
    }
    if (text[10] == 't') {
        result.error = "has a lower-case 't': write an upper-case 'T'";
        return result;
    }
    if (text[10] == ' ') {
        result.error = "separates date and time with a space: write 'T'";
        return result;
    }
    if (text[10] != 'T' || !time_shaped(text)) {
        result.error = fmt::format("is not shaped {}", expected_shape);
        return result;
    }
    const Fields fields = read_fields(text);
    std::size_t zone_begin = 19;
    if (fields.fraction_begin != 0) {
        if (fields.fraction_digits == 0) {
            result.error = "has a '.' without decimals";
            return result;
        }
        if (fields.fraction_digits > max_fraction_digits) {
            result.error = fmt::format("has {} decimals: at most {} are allowed",
                                       fields.fraction_digits, max_fraction_digits);
            return result;
        }
        zone_begin = fields.fraction_begin + fields.fraction_digits;
    }
    if (text.substr(zone_begin) != "Z") {
        result.error = zone_error(text.substr(zone_begin));
        return result;
    }
    result.error = range_error(fields);
    if (!result.error.empty()) {
        return result;
    }
    result.value = DateTime{fields.year,
                            fields.month,
                            fields.day,
                            fields.hour,
                            fields.minute,
                            fields.second,
                            static_cast<int>(fields.fraction_digits),
                            instant_of(fields, text)};
    return result;
}

std::string format_date_time(system_clock::time_point when) {
    const auto whole_seconds = floor<seconds>(when);
    const auto date = floor<days>(whole_seconds);
    const year_month_day ymd{date};
    const hh_mm_ss time{whole_seconds - date};
    return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z", static_cast<int>(ymd.year()),
                       static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                       time.hours().count(), time.minutes().count(), time.seconds().count());
}

std::optional<std::string> normalise_date_time(std::string_view text) {
    while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) {
        text.remove_prefix(1);
    }
    while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) {
        text.remove_suffix(1);
    }
    if (!date_shaped(text) || text.size() <= 10 ||
        (text[10] != 'T' && text[10] != 't' && text[10] != ' ') || !time_shaped(text)) {
        return std::nullopt;
    }
    const Fields fields = read_fields(text);
    if (!range_error(fields).empty() ||
        (fields.fraction_begin != 0 && fields.fraction_digits == 0)) {
        return std::nullopt;
    }
    // Decimals beyond the fourth survive only when they are zeros: anything else would change
    // the instant.
    std::size_t kept_digits = fields.fraction_digits;
    for (std::size_t i = max_fraction_digits; i < fields.fraction_digits; ++i) {
        if (text[fields.fraction_begin + i] != '0') {
            return std::nullopt;
        }
        kept_digits = max_fraction_digits;
    }
    const std::size_t zone_begin =
        fields.fraction_begin == 0 ? 19 : fields.fraction_begin + fields.fraction_digits;
    const std::string_view zone = text.substr(zone_begin);
    minutes offset{0};
    if (zone == "Z" || zone == "z") {
        // already UTC
    } else if (zone.size() == 6 && (zone[0] == '+' || zone[0] == '-') && digits_at(zone, 1, 2) &&
               zone[3] == ':' && digits_at(zone, 4, 2)) {
        const int offset_hours = number_at(zone, 1, 2);
        const int offset_minutes = number_at(zone, 4, 2);
        if (offset_hours > 23 || offset_minutes > 59) {
            return std::nullopt;
        }
        offset = minutes{(zone[0] == '-' ? -1 : 1) * (offset_hours * 60 + offset_minutes)};
    } else {
        // No zone at all is local time of an unknown place: not unambiguous.
        return std::nullopt;
    }
    const sys_days date{year_month_day{year{fields.year},
                                       month{static_cast<unsigned>(fields.month)},
                                       day{static_cast<unsigned>(fields.day)}}};
    const auto local = date + hours{fields.hour} + minutes{fields.minute} +
                       seconds{fields.second == 60 ? 59 : fields.second};
    const auto utc = local - offset;
    const auto utc_date = floor<days>(utc);
    const year_month_day ymd{utc_date};
    const hh_mm_ss time{utc - utc_date};
    if (fields.second == 60 && (time.hours().count() != 23 || time.minutes().count() != 59)) {
        return std::nullopt; // a leap second only exists at 23:59 UTC
    }
    std::string fixed =
        fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}", static_cast<int>(ymd.year()),
                    static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                    time.hours().count(), time.minutes().count(),
                    fields.second == 60 ? 60 : static_cast<int>(time.seconds().count()));
    if (kept_digits > 0) {
        fixed += '.';
        fixed += text.substr(fields.fraction_begin, kept_digits);
    }
    fixed += 'Z';
    if (!check_date_time(fixed).value) {
        return std::nullopt; // e.g. a year pushed outside 0000–9999
    }
    return fixed;
}

} // namespace onorder
