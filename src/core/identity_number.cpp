#include "digits.hpp"

#include <onorder/identity_number.hpp>

#include <fmt/format.h>

namespace onorder {

namespace {

using digits::all_digits;
using digits::is_digit;
using digits::number_at;

using namespace std::chrono;

constexpr std::size_t shaped_length = 13; // YYYYMMDD-XXXX
constexpr std::size_t dash_at = 8;
constexpr int coordination_day_offset = 60; // Skatteverket: coordination numbers add 60 to the day
constexpr int organisation_min_middle = 20; // an organisation number's 3rd–4th digits are ≥ 20

bool is_shaped(std::string_view text) {
    return text.size() == shaped_length && text[dash_at] == '-' &&
           all_digits(text.substr(0, dash_at)) && all_digits(text.substr(dash_at + 1));
}

// Luhn (mod 10) over the digits of `text` — the ten YYMMDDXXXX — with weights 2,1,2,1,… from the
// left; a separator in between is skipped.
bool luhn_ok(std::string_view text) {
    int sum = 0;
    int weight = 2;
    for (const char c : text) {
        if (!is_digit(c)) {
            continue;
        }
        const int product = (c - '0') * weight;
        sum += product / 10 + product % 10;
        weight = 3 - weight;
    }
    return sum % 10 == 0;
}

bool is_organisation(std::string_view shaped) {
    return shaped[0] == '1' && shaped[1] == '6' &&
           number_at(shaped, 4, 2) >= organisation_min_middle;
}

std::string shape_error(std::string_view text) {
    if (text.size() == 12 && all_digits(text)) {
        return "has no dash";
    }
    if (text.size() == 10 && all_digits(text)) {
        return "has ten digits: the century is missing";
    }
    if (text.size() == 11 && (text[6] == '-' || text[6] == '+') && all_digits(text.substr(0, 6)) &&
        all_digits(text.substr(7))) {
        return "is the short form YYMMDD-XXXX: the century is missing";
    }
    if (text.find(' ') != std::string_view::npos) {
        return "contains spaces";
    }
    return "is not shaped YYYYMMDD-XXXX";
}

bool is_real_date(int year_value, int month_value, int day_value) {
    return month_value >= 1 && month_value <= 12 && day_value >= 1 &&
           year_month_day{year{year_value}, month{static_cast<unsigned>(month_value)},
                          day{static_cast<unsigned>(day_value)}}
               .ok();
}

} // namespace

IdentityCheck check_identity_number(std::string_view text) {
    IdentityCheck result;
    if (!is_shaped(text)) {
        result.error = shape_error(text);
        return result;
    }
    if (is_organisation(text)) {
        result.kind = IdentityKind::organisation;
    } else {
        const int month_value = number_at(text, 4, 2);
        int day_value = number_at(text, 6, 2);
        if (day_value > coordination_day_offset) {
            result.kind = IdentityKind::coordination;
            day_value -= coordination_day_offset;
        }
        if (month_value >= organisation_min_middle) {
            result.error = "is not a date; an organisation number is written 16NNNNNN-NNNN";
            return result;
        }
        if (!is_real_date(number_at(text, 0, 4), month_value, day_value)) {
            result.error = result.kind == IdentityKind::coordination
                               ? "is not a date, even as a coordination number (day + 60)"
                               : "is not a date";
            return result;
        }
        if (text.substr(dash_at + 1, 3) == "000") {
            result.error = "has the serial number 000, which is never issued";
            return result;
        }
    }
    if (!luhn_ok(text.substr(2))) {
        result.error = "has a wrong check digit (Luhn): a digit is mistyped";
        return result;
    }
    result.valid = true;
    return result;
}

bool plausible_identity_number(std::string_view digits) {
    if ((digits.size() != 10 && digits.size() != 12) || !all_digits(digits)) {
        return false;
    }
    const std::string_view ten = digits.substr(digits.size() - 10);
    if (!luhn_ok(ten)) {
        return false;
    }
    const int month_value = number_at(ten, 2, 2);
    if (month_value >= organisation_min_middle) {
        return digits.size() == 10 || digits.starts_with("16");
    }
    int day_value = number_at(ten, 4, 2);
    if (day_value > coordination_day_offset) {
        day_value -= coordination_day_offset;
    }
    if (digits.size() == 12) {
        return is_real_date(number_at(digits, 0, 4), month_value, day_value);
    }
    // Without its century the date is real if it is in either of the two that are in use.
    const int year_in_century = number_at(ten, 0, 2);
    return is_real_date(1900 + year_in_century, month_value, day_value) ||
           is_real_date(2000 + year_in_century, month_value, day_value);
}

std::string mask_identity_number(std::string_view text) {
    constexpr std::string_view hidden = "****";
    if (text.size() == shaped_length && text[dash_at] == '-') {
        return fmt::format("{}{}", text.substr(0, dash_at + 1), hidden);
    }
    // The other ways a number is commonly written keep their date part, as the shaped form does.
    if ((text.size() == 12 || text.size() == 10) && all_digits(text)) {
        return fmt::format("{}{}", text.substr(0, text.size() - 4), hidden);
    }
    if (text.size() == 11 && (text[6] == '-' || text[6] == '+') && all_digits(text.substr(0, 6)) &&
        all_digits(text.substr(7))) {
        return fmt::format("{}{}", text.substr(0, 7), hidden);
    }
    std::size_t keep = std::min<std::size_t>(8, text.size() / 2);
    for (std::size_t i = 0; i < keep; ++i) {
        if (static_cast<unsigned char>(text[i]) >= 0x80) {
            keep = i; // never cut a multi-byte character in two
            break;
        }
    }
    std::string masked(text.substr(0, keep));
    for (std::size_t i = keep; i < text.size(); ++i) {
        if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) {
            masked += '*';
        }
    }
    return masked;
}

std::optional<std::string> normalise_identity_number(std::string_view text, sys_days today) {
    std::string digits;
    char separator = 0;
    std::size_t separator_at = 0;
    for (char c : text) {
        if (is_digit(c)) {
            digits += c;
        } else if ((c == '-' || c == '+') && separator == 0) {
            separator = c;
            separator_at = digits.size();
        } else if (c != ' ') {
            return std::nullopt;
        }
    }
    std::string fixed;
    if (digits.size() == 12 && (separator == 0 || (separator == '-' && separator_at == 8))) {
        fixed = digits.substr(0, 8) + '-' + digits.substr(8);
    } else if (digits.size() == 10 && (separator == 0 || separator_at == 6)) {
        if (number_at(digits, 2, 2) >= organisation_min_middle) {
            if (separator == '+') {
                return std::nullopt; // '+' marks a centenarian, never an organisation
            }
            fixed = "16" + digits.substr(0, 6) + '-' + digits.substr(6);
        } else {
            // Skatteverket: the century is the most recent one that puts the birth date in the
            // past; '+' marks someone who has turned 100.
            const int two_digit_year = number_at(digits, 0, 2);
            const unsigned birth_month = static_cast<unsigned>(number_at(digits, 2, 2));
            int birth_day = number_at(digits, 4, 2);
            if (birth_day > coordination_day_offset) {
                birth_day -= coordination_day_offset;
            }
            const year_month_day now{today};
            int birth_year = static_cast<int>(now.year()) / 100 * 100 + two_digit_year;
            const year_month_day birth{year{birth_year}, month{birth_month},
                                       day{static_cast<unsigned>(birth_day)}};
            if (birth > now) {
                birth_year -= 100;
            }
            if (separator == '+') {
                birth_year -= 100;
            }
            fixed = fmt::format("{:04}{}-{}", birth_year, digits.substr(2, 4), digits.substr(6));
        }
    } else {
        return std::nullopt;
    }
    if (!check_identity_number(fixed).valid) {
        return std::nullopt;
    }
    return fixed;
}

} // namespace onorder
