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

// Makes an open regular file mode 0600 (O_CREAT's mode does not apply to a file that exists);
// a device or pipe (/dev/null, /dev/stdout) is left as it is. False when chmod fails.
bool make_private(int fd);

// Writes `bytes` to `path`, created (or truncated) with mode 0600 and made 0600 if it already
// existed: result files hold what the SP said about the CO's orders. `error` says why not.
bool write_private_file(const std::string& path, std::string_view bytes, std::string& error);

} // namespace onorder
