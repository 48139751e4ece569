// Small text and file helpers shared by the core, the CLI and the mock: one home, one name each.
#pragma once

#include <string>
#include <string_view>

namespace onorder {

constexpr bool is_digit(char c) {
    return c >= '0' && c <= '9';
}

// ASCII lower case; other bytes (UTF-8 included) are kept as they are.
constexpr char lower(char c) {
    return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}
std::string lower(std::string_view text);

// Equal ignoring ASCII case: header names, URL schemes, auth schemes.
bool iequals(std::string_view a, std::string_view b);

// `text` without leading and trailing `blanks`.
std::string_view trim(std::string_view text, std::string_view blanks = " \t\r\n");

// RFC 4648 §4 base64 with padding: the token of HTTP basic auth (RFC 7617).
std::string base64(std::string_view bytes);

// How a source is named to people: "stdin" for "-", else the path as given.
std::string display_name(const std::string& source);

// Whether `path` exists and can be opened for reading.
bool file_exists(const std::string& path);

} // namespace onorder
