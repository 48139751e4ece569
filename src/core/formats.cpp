#include <onorder/formats.hpp>
#include <onorder/helpers.hpp>

#include <algorithm>

#include <fmt/format.h>

namespace onorder::formats {

namespace {

bool is_id_char(char c) {
    return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-' || c == '.';
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

std::size_t utf8_sequence_length(std::string_view bytes) {
    if (bytes.empty())
        return 0;
    const auto lead = static_cast<unsigned char>(bytes[0]);
    if (lead < 0x80)
        return 1;
    // The second byte's range rules out overlong forms, surrogates and code points above
    // U+10FFFF (RFC 3629 §4).
    std::size_t length = 4;
    unsigned char low = 0x80;
    unsigned char high = 0xBF;
    if (lead >= 0xC2 && lead <= 0xDF) {
        length = 2;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
        length = 3;
        low = lead == 0xE0 ? 0xA0 : low;
        high = lead == 0xED ? 0x9F : high;
    } else if (lead >= 0xF0 && lead <= 0xF4) {
        low = lead == 0xF0 ? 0x90 : low;
        high = lead == 0xF4 ? 0x8F : high;
    } else {
        return 0;
    }
    if (bytes.size() < length)
        return 0;
    const auto second = static_cast<unsigned char>(bytes[1]);
    if (second < low || second > high)
        return 0;
    for (std::size_t next = 2; next < length; ++next)
        if ((static_cast<unsigned char>(bytes[next]) & 0xC0) != 0x80) // not a continuation byte
            return 0;
    return length;
}

char32_t utf8_code_point(std::string_view sequence, std::size_t length) {
    const auto lead = static_cast<unsigned char>(sequence[0]);
    char32_t point = length == 1 ? lead : lead & (0x7F >> length);
    for (std::size_t i = 1; i < length; ++i)
        point = (point << 6) | (static_cast<unsigned char>(sequence[i]) & 0x3F);
    return point;
}

void append_utf8(std::string& out, char32_t code_point) {
    if (code_point < 0x80) {
        out.push_back(static_cast<char>(code_point));
    } else if (code_point < 0x800) {
        out.push_back(static_cast<char>(0xC0 | (code_point >> 6)));
        out.push_back(static_cast<char>(0x80 | (code_point & 0x3F)));
    } else if (code_point < 0x10000) {
        out.push_back(static_cast<char>(0xE0 | (code_point >> 12)));
        out.push_back(static_cast<char>(0x80 | ((code_point >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (code_point & 0x3F)));
    } else {
        out.push_back(static_cast<char>(0xF0 | (code_point >> 18)));
        out.push_back(static_cast<char>(0x80 | ((code_point >> 12) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | ((code_point >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (code_point & 0x3F)));
    }
}

std::optional<std::size_t> utf8_length(std::string_view value) {
    std::size_t length = 0;
    for (std::size_t i = 0; i < value.size(); ++length) {
        const std::size_t sequence = utf8_sequence_length(value.substr(i));
        if (sequence == 0)
            return std::nullopt;
        i += sequence;
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
