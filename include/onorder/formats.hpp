// The generic data formats of spec/dataformats.md, as pure functions on the JSON string value.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace onorder::formats {

// ID: ^[-0-9a-zA-Z.]{1,36}$
bool is_id(std::string_view value);

// The length of the valid UTF-8 sequence that `bytes` starts with, or 0 when it is not one.
std::size_t utf8_sequence_length(std::string_view bytes);

// The code point of the valid UTF-8 sequence of `length` bytes that `sequence` starts with.
char32_t utf8_code_point(std::string_view sequence, std::size_t length);

// Appends the UTF-8 form of a code point (at most U+10FFFF, not a surrogate).
void append_utf8(std::string& out, char32_t code_point);

// Number of Unicode code points, or nullopt when the bytes are not valid UTF-8
// (overlong forms, surrogates and code points above U+10FFFF are invalid).
std::optional<std::size_t> utf8_length(std::string_view value);

// text: a string of at most 255 characters (code points, not bytes); blank is valid.
inline constexpr std::size_t max_text_length = 255;
bool is_text(std::string_view value);

// phoneNo: ^\+[0-9]+$ with at most 15 digits (E.164).
inline constexpr std::size_t max_phone_digits = 15;
bool is_phone_no(std::string_view value);

// postalCode: ^[1-9][0-9]{4}$
bool is_postal_code(std::string_view value);

// Shaped like local@domain.tld — only ever a warning: the spec types e-mail as text.
bool looks_like_email(std::string_view value);

// Why a value is not of the format, phrased to follow the value in a message ("is empty: an ID
// has 1 to 36 characters"); "" when it is of the format.
std::string why_not_id(std::string_view value);
std::string why_not_text(std::string_view value);
std::string why_not_phone_no(std::string_view value);
std::string why_not_postal_code(std::string_view value);

// --fix: a phone number as people write it ("070-123 45 67", "0046 70…", "+46 (0)70…") in E.164;
// a leading single 0 is the Swedish national prefix. nullopt when no unambiguous form exists.
std::optional<std::string> normalise_phone_no(std::string_view value);

// --fix: "111 22" → "11122"; nullopt when no unambiguous form exists.
std::optional<std::string> normalise_postal_code(std::string_view value);

} // namespace onorder::formats
