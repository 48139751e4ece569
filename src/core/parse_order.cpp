// parse_order: JSON text → nlohmann::json, with errors located in the source file.
//
// A parser of our own rather than nlohmann::json::parse: nlohmann's lexer alone costs about 7 µs
// for a 700-byte order, more than the whole budget of `validate` (DESIGN §10: 100,000 orders/s).
// This one reads through a pointer, copies unescaped runs of a string at once, refuses nesting
// deeper than max_nesting_depth without recursing, and builds the same document nlohmann would:
// positive integers unsigned, negative ones signed, too large ones as doubles, the last of
// duplicate keys wins.
#include <onorder/formats.hpp>
#include <onorder/helpers.hpp>
#include <onorder/reader.hpp>

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include <fmt/format.h>

namespace onorder {

namespace {

using json = nlohmann::json;

enum class Failure { syntax, utf8, binary, too_deep };

// Bytes that end a fast run inside a string: the quote, a backslash, control and non-ASCII bytes.
constexpr std::array<bool, 256> string_special = [] {
    std::array<bool, 256> table{};
    for (std::size_t c = 0; c < table.size(); ++c) {
        table[c] = c == '"' || c == '\\' || c < 0x20 || c >= 0x80;
    }
    return table;
}();

// The length of the valid UTF-8 sequence at `at`, or 0.
std::size_t utf8_length(const char* at, const char* end) {
    return formats::utf8_sequence_length(std::string_view(at, static_cast<std::size_t>(end - at)));
}

class Parser {
  public:
    explicit Parser(std::string_view text)
        : begin_(text.data()), at_(text.data()), end_(text.data() + text.size()) {}

    bool parse(json& root) {
        json* target = &root;
        for (;;) {
            // A value into *target; a container opens there and its first slot is the next target.
            skip_blanks();
            if (at_ == end_) {
                return fail_unexpected("a value");
            }
            const char c = *at_;
            if (c == '{' || c == '[') {
                if (depth_ == open_.size()) {
                    return fail(Failure::too_deep, at_,
                                fmt::format("nesting deeper than {} levels", max_nesting_depth));
                }
                ++at_;
                *target = c == '{' ? json::object() : json::array();
                open_[depth_++] = target;
                skip_blanks();
                if (at_ == end_ || *at_ != (c == '{' ? '}' : ']')) {
                    target = c == '{' ? member_slot(*target) : &append(*target);
                    if (target == nullptr) {
                        return false;
                    }
                    continue;
                }
                ++at_;
                --depth_;
            } else if (!parse_scalar(*target)) {
                return false;
            }
            // A value is complete: close what ends here, then find the slot of the next value.
            for (;;) {
                skip_blanks();
                if (depth_ == 0) {
                    return at_ == end_ || fail_unexpected("end of input");
                }
                json& container = *open_[depth_ - 1];
                const bool object = container.is_object();
                if (at_ < end_ && *at_ == (object ? '}' : ']')) {
                    ++at_;
                    --depth_;
                    continue;
                }
                if (at_ == end_ || *at_ != ',') {
                    return fail_unexpected(object ? "',' or '}'" : "',' or ']'");
                }
                ++at_;
                target = object ? member_slot(container) : &append(container);
                if (target == nullptr) {
                    return false;
                }
                break;
            }
        }
    }

    Failure failure = Failure::syntax;
    std::size_t error_offset = 0;
    std::string error;

  private:
    static json& append(json& array) { return array.get_ref<json::array_t&>().emplace_back(); }

    // `"key" :` → the slot of that member; a repeated key starts over, as in nlohmann.
    json* member_slot(json& object) {
        skip_blanks();
        if (at_ == end_ || *at_ != '"') {
            fail_unexpected("a string key");
            return nullptr;
        }
        std::string key;
        if (!parse_string(key)) {
            return nullptr;
        }
        skip_blanks();
        if (at_ == end_ || *at_ != ':') {
            fail_unexpected("':'");
            return nullptr;
        }
        ++at_;
        auto [member, inserted] = object.get_ref<json::object_t&>().try_emplace(std::move(key));
        if (!inserted) {
            member->second = nullptr;
        }
        return &member->second;
    }

    bool parse_scalar(json& slot) {
        const char c = *at_;
        if (c == '"') {
            std::string text;
            if (!parse_string(text)) {
                return false;
            }
            slot = std::move(text);
            return true;
        }
        if (c == '-' || is_digit(c)) {
            return parse_number(slot);
        }
        const std::string_view rest(at_, static_cast<std::size_t>(end_ - at_));
        if (rest.starts_with("true")) {
            at_ += 4;
            slot = true;
            return true;
        }
        if (rest.starts_with("false")) {
            at_ += 5;
            slot = false;
            return true;
        }
        if (rest.starts_with("null")) {
            at_ += 4;
            slot = nullptr;
            return true;
        }
        if (c >= 'a' && c <= 'z') {
            return fail(Failure::syntax, at_, "invalid literal");
        }
        return fail_unexpected("a value");
    }

    bool parse_string(std::string& out) {
        const char* opening = at_++;
        for (;;) {
            const char* run = at_;
            while (at_ < end_ && !string_special[static_cast<unsigned char>(*at_)]) {
                ++at_;
            }
            out.append(run, at_);
            if (at_ == end_) {
                return fail(Failure::syntax, opening, "invalid string: missing closing quote");
            }
            const auto c = static_cast<unsigned char>(*at_);
            if (c == '"') {
                ++at_;
                return true;
            }
            if (c == '\\') {
                if (!parse_escape(out, opening)) {
                    return false;
                }
            } else if (c >= 0x80) {
                const std::size_t length = utf8_length(at_, end_);
                if (length == 0) {
                    return fail(Failure::utf8, at_, "invalid UTF-8");
                }
                out.append(at_, length);
                at_ += length;
            } else if (c == 0) {
                return fail(Failure::binary, at_, "binary data, not JSON");
            } else {
                return fail(Failure::syntax, at_,
                            fmt::format("invalid string: control character U+{:04X} must be "
                                        "escaped",
                                        c));
            }
        }
    }

    bool parse_escape(std::string& out, const char* opening) {
        const char* backslash = at_++;
        if (at_ == end_) {
            return fail(Failure::syntax, opening, "invalid string: missing closing quote");
        }
        constexpr std::string_view escaped = "\"\\/bfnrt";
        constexpr std::string_view meant = "\"\\/\b\f\n\r\t";
        if (const auto which = escaped.find(*at_); which != std::string_view::npos) {
            out.push_back(meant[which]);
            ++at_;
            return true;
        }
        if (*at_ != 'u') {
            return fail(Failure::syntax, backslash, "invalid string: unknown escape after '\\'");
        }
        std::uint32_t code_point = 0;
        if (!parse_hex4(code_point)) {
            return fail(Failure::syntax, backslash, "invalid string: '\\u' needs 4 hex digits");
        }
        if (code_point >= 0xDC00 && code_point <= 0xDFFF) {
            return fail(Failure::syntax, backslash, "invalid string: lone low surrogate");
        }
        if (code_point >= 0xD800 && code_point <= 0xDBFF) {
            std::uint32_t low = 0;
            if (end_ - at_ < 2 || at_[0] != '\\' || at_[1] != 'u' || (at_ += 1, !parse_hex4(low)) ||
                low < 0xDC00 || low > 0xDFFF) {
                return fail(Failure::syntax, backslash,
                            "invalid string: surrogate U+D800..U+DBFF must be followed by "
                            "U+DC00..U+DFFF");
            }
            code_point = 0x10000 + ((code_point - 0xD800) << 10) + (low - 0xDC00);
        }
        formats::append_utf8(out, code_point);
        return true;
    }

    // `at_` on the 'u'; leaves it after the fourth digit.
    bool parse_hex4(std::uint32_t& value) {
        if (end_ - at_ < 5) {
            return false;
        }
        for (int i = 1; i <= 4; ++i) {
            const char c = at_[i];
            const int digit = is_digit(c)              ? c - '0'
                              : (c >= 'a' && c <= 'f') ? c - 'a' + 10
                              : (c >= 'A' && c <= 'F') ? c - 'A' + 10
                                                       : -1;
            if (digit < 0) {
                return false;
            }
            value = value * 16 + static_cast<std::uint32_t>(digit);
        }
        at_ += 5;
        return true;
    }

    bool parse_number(json& slot) {
        const char* start = at_;
        const bool negative = *at_ == '-';
        at_ += negative ? 1 : 0;
        const auto digits = [this] {
            const char* first = at_;
            while (at_ < end_ && is_digit(*at_)) {
                ++at_;
            }
            return at_ - first;
        };
        const char* integer = at_;
        const auto integer_digits = digits();
        if (integer_digits == 0 || (integer_digits > 1 && *integer == '0')) {
            return fail(Failure::syntax, start, "invalid number");
        }
        bool integral = true;
        if (at_ < end_ && *at_ == '.') {
            ++at_;
            integral = false;
            if (digits() == 0) {
                return fail(Failure::syntax, start, "invalid number");
            }
        }
        if (at_ < end_ && (*at_ == 'e' || *at_ == 'E')) {
            ++at_;
            integral = false;
            at_ += (at_ < end_ && (*at_ == '+' || *at_ == '-')) ? 1 : 0;
            if (digits() == 0) {
                return fail(Failure::syntax, start, "invalid number");
            }
        }
        if (integral) {
            std::uint64_t magnitude = 0;
            const auto [end, error] = std::from_chars(integer, at_, magnitude);
            if (error == std::errc{} && !negative) {
                slot = magnitude;
                return true;
            }
            if (error == std::errc{} && magnitude <= std::uint64_t{1} << 63) {
                slot = static_cast<std::int64_t>(0 - magnitude);
                return true;
            }
        }
        double value = 0;
        const auto [end, error] = std::from_chars(start, at_, value);
        if (error == std::errc::result_out_of_range) {
            // from_chars leaves underflow unset; strtod gives the 0 (or denormal) nlohmann keeps.
            value = std::strtod(std::string(start, at_).c_str(), nullptr);
        }
        if (!std::isfinite(value)) {
            return fail(Failure::syntax, start, "number overflow");
        }
        slot = value;
        return true;
    }

    void skip_blanks() {
        while (at_ < end_ && (*at_ == ' ' || *at_ == '\n' || *at_ == '\r' || *at_ == '\t')) {
            ++at_;
        }
    }

    bool fail_unexpected(std::string_view expected) {
        if (at_ == end_) {
            return fail(Failure::syntax, at_,
                        fmt::format("unexpected end of input; expected {}", expected));
        }
        const auto c = static_cast<unsigned char>(*at_);
        if (c == 0) {
            return fail(Failure::binary, at_, "binary data, not JSON");
        }
        if (c >= 0x80 && utf8_length(at_, end_) == 0) {
            return fail(Failure::utf8, at_, "invalid UTF-8");
        }
        if (c < 0x20 || c >= 0x7f) {
            return fail(Failure::syntax, at_,
                        fmt::format("unexpected byte 0x{:02X}; expected {}", c, expected));
        }
        return fail(Failure::syntax, at_,
                    fmt::format("unexpected '{}'; expected {}", static_cast<char>(c), expected));
    }

    bool fail(Failure kind, const char* where, std::string message) {
        failure = kind;
        error_offset = static_cast<std::size_t>(where - begin_);
        error = std::move(message);
        return false;
    }

    const char* begin_;
    const char* at_;
    const char* end_;
    std::array<json*, max_nesting_depth> open_{}; // the containers not yet closed
    std::size_t depth_ = 0;
};

} // namespace

ParsedOrder parse_order(const OrderText& order) {
    if (order.problem) {
        return {std::nullopt, order.problem};
    }
    json document;
    Parser parser(order.text);
    if (parser.parse(document)) {
        return {std::move(document), std::nullopt};
    }
    // From a byte offset within the order to a position within its source file.
    const std::string_view before = std::string_view(order.text).substr(0, parser.error_offset);
    const std::size_t newline = before.rfind('\n');
    const std::size_t line =
        std::max<std::size_t>(order.line, 1) +
        static_cast<std::size_t>(std::count(before.begin(), before.end(), '\n'));
    const std::size_t column = newline == std::string_view::npos
                                   ? order.column + parser.error_offset
                                   : parser.error_offset - newline;
    const std::string source = display_name(order.source);
    std::string message;
    switch (parser.failure) {
    case Failure::utf8:
        message = fmt::format("{}: invalid UTF-8 at line {} column {}", source, line, column);
        break;
    case Failure::syntax:
        message = fmt::format("{}:{}:{}: syntax error: {}", source, line, column, parser.error);
        break;
    case Failure::binary:
    case Failure::too_deep:
        message = fmt::format("{}:{}:{}: {}", source, line, column, parser.error);
        break;
    }
    return {std::nullopt, Problem{"", "json", std::move(message), "", Severity::error}};
}

} // namespace onorder
