#include <onorder/printable.hpp>

#include <onorder/formats.hpp>

namespace onorder {

namespace {

// Terminal escapes and bidi reordering from a hostile SP must not reach the operator's screen.
bool hidden(char32_t point) {
    return point < 0x20 || (point >= 0x7F && point < 0xA0) ||
           (point >= 0x202A && point <= 0x202E) || (point >= 0x2066 && point <= 0x2069);
}

} // namespace

std::string printable(std::string_view text, std::size_t max_chars) {
    std::string result;
    result.reserve(std::min(text.size(), max_chars * 4));
    std::size_t count = 0;
    while (!text.empty()) {
        if (count == max_chars) {
            result += "…";
            break;
        }
        const std::size_t length = formats::utf8_sequence_length(text);
        if (length == 0) {
            result += "\uFFFD";
            text.remove_prefix(1);
            ++count;
            continue;
        }
        const char32_t point = formats::utf8_code_point(text, length);
        if (point == '\n' || point == '\r' || point == '\t')
            result += ' ';
        else if (hidden(point)) {
            text.remove_prefix(length);
            continue;
        } else
            result.append(text.substr(0, length));
        text.remove_prefix(length);
        ++count;
    }
    return result;
}

} // namespace onorder
