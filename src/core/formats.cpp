#include <onorder/formats.hpp>

#include <algorithm>

#include <fmt/format.h>

namespace onorder::formats {

namespace {

bool is_digit(char c) {
    return c >= '0' && c <= '9';
}

bool is_id_char(char c) {
    return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-' || c == '.';
}

bool is_continuation(unsigned char byte) {
    return (byte & 0xC0) == 0x80;
}

bool is_space_or_control(unsigned char byte) {
    return byte <= ' ' || byte == 0x7F;
}

} // namespace

bool is_id(std::string_view value) {
    // dataformats.md: ^[-0-9a-zA-Z\.]{1,36}$
    if (value.empty() || value.size() > 36) {
        return false;
    }
    for (char c : value) {
        if (!is_id_char(c)) {
            return false;
        }
    }
    return true;
}

std::optional<std::size_t> utf8_length(std::string_view value) {
    const auto* bytes = reinterpret_cast<const unsigned char*>(value.data());
    const std::size_t size = value.size();
    std::size_t length = 0;
    std::size_t i = 0;
    while (i < size) {
        const unsigned char lead = bytes[i];
        if (lead < 0x80) {
            ++i;
            ++length;
            continue;
        }
        std::size_t continuation = 0;
        // The second byte's range rules out overlong forms, surrogates and > U+10FFFF
        // (RFC 3629 §4).
        unsigned char second_min = 0x80;
        unsigned char second_max = 0xBF;
        if (lead >= 0xC2 && lead <= 0xDF) {
            continuation = 1;
        } else if (lead >= 0xE0 && lead <= 0xEF) {
            continuation = 2;
            if (lead == 0xE0) {
                second_min = 0xA0;
            } else if (lead == 0xED) {
                second_max = 0x9F;
            }
        } else if (lead >= 0xF0 && lead <= 0xF4) {
            continuation = 3;
            if (lead == 0xF0) {
                second_min = 0x90;
            } else if (lead == 0xF4) {
                second_max = 0x8F;
            }
        } else {
            return std::nullopt;
        }
        if (size - i <= continuation) {
            return std::nullopt;
        }
        if (bytes[i + 1] < second_min || bytes[i + 1] > second_max) {
            return std::nullopt;
        }
        for (std::size_t k = 2; k <= continuation; ++k) {
            if (!is_continuation(bytes[i + k])) {
                return std::nullopt;
            }
        }
        i += continuation + 1;
        ++length;
    }
    return length;
}

bool is_text(std::string_view value) {
    const auto length = utf8_length(value);
    return length && *length <= max_text_length;
}

bool is_phone_no(std::string_view value) {
    // dataformats.md: ^\+[0-9]+$; E.164 allows at most 15 digits.
    if (value.size() < 2 || value.size() > max_phone_digits + 1 || value[0] != '+') {
        return false;
    }
    for (char c : value.substr(1)) {
        if (!is_digit(c)) {
            return false;
        }
    }
    return true;
}

bool is_postal_code(std::string_view value) {
    // dataformats.md: ^[1-9][0-9]{4}$
    if (value.size() != 5 || value[0] < '1' || value[0] > '9') {
        return false;
    }
    for (char c : value.substr(1)) {
        if (!is_digit(c)) {
            return false;
        }
    }
    return true;
}

bool looks_like_email(std::string_view value) {
    const auto at = value.find('@');
    if (at == std::string_view::npos || at == 0) {
        return false;
    }
    for (char c : value) {
        if (is_space_or_control(static_cast<unsigned char>(c))) {
            return false;
        }
    }
    const std::string_view domain = value.substr(at + 1);
    if (domain.find('@') != std::string_view::npos || domain.empty() || domain.front() == '.' ||
        domain.back() == '.' || domain.find("..") != std::string_view::npos) {
        return false;
    }
    const auto last_dot = domain.rfind('.');
    // A top-level domain has at least two characters (RFC 1123 §2.1 rules out all-numeric ones).
    return last_dot != std::string_view::npos && domain.size() - last_dot - 1 >= 2;
}

std::string why_not_id(std::string_view value) {
    if (is_id(value)) {
        return {};
    }
    if (value.empty()) {
        return "is empty: an ID has 1 to 36 characters";
    }
    if (value.size() > 36) {
        return fmt::format("has {} characters: an ID has at most 36",
                           utf8_length(value).value_or(value.size()));
    }
    const auto bad = std::find_if_not(value.begin(), value.end(), is_id_char);
    const auto byte = static_cast<unsigned char>(*bad);
    if (byte == ' ') {
        return "contains a space, which an ID may not";
    }
    if (byte > ' ' && byte < 0x7F) {
        return fmt::format("contains '{}', which an ID may not", static_cast<char>(byte));
    }
    return "contains a character other than a-z, A-Z, 0-9, '-' and '.'";
}

std::string why_not_text(std::string_view value) {
    const auto length = utf8_length(value);
    if (!length) {
        return "is not valid UTF-8";
    }
    if (*length <= max_text_length) {
        return {};
    }
    return fmt::format("has {} characters: text has at most {}", *length, max_text_length);
}

std::string why_not_phone_no(std::string_view value) {
    if (is_phone_no(value)) {
        return {};
    }
    if (value.empty() || value[0] != '+') {
        return "does not start with '+' and a country code";
    }
    const std::string_view digits = value.substr(1);
    if (!std::all_of(digits.begin(), digits.end(), is_digit)) {
        return "has characters other than digits after the '+'";
    }
    if (digits.empty()) {
        return "has no digits after the '+'";
    }
    return fmt::format("has {} digits: E.164 allows at most {}", digits.size(), max_phone_digits);
}

std::string why_not_postal_code(std::string_view value) {
    if (is_postal_code(value)) {
        return {};
    }
    if (value.size() == 5 && value[0] == '0' && std::all_of(value.begin(), value.end(), is_digit)) {
        return "starts with 0, which no postal code does";
    }
    return "is not 5 digits";
}

std::optional<std::string> normalise_phone_no(std::string_view value) {
    std::string compact;
    for (std::size_t i = 0; i < value.size(); ++i) {
        const char c = value[i];
        // "+46 (0)70…": the (0) is the national prefix, dropped when dialling from abroad.
        if (value.substr(i, 3) == "(0)" && !compact.empty()) {
            i += 2;
        } else if (is_digit(c) || (c == '+' && compact.empty())) {
            compact += c;
        } else if (c != ' ' && c != '-' && c != '(' && c != ')') {
            return std::nullopt;
        }
    }
    if (compact.starts_with("00")) {
        compact.replace(0, 2, "+");
    } else if (compact.starts_with('0')) {
        compact.replace(0, 1, "+46"); // Swedish national format: 0 is the trunk prefix
    }
    if (!is_phone_no(compact)) {
        return std::nullopt;
    }
    return compact;
}

std::optional<std::string> normalise_postal_code(std::string_view value) {
    std::string compact;
    for (char c : value) {
        if (c != ' ') {
            compact += c;
        }
    }
    if (!is_postal_code(compact)) {
        return std::nullopt;
    }
    return compact;
}

} // namespace onorder::formats
