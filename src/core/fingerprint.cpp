#include <onorder/fingerprint.hpp>

#include <onorder/formats.hpp>

#include <charconv>
#include <cstdint>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace onorder {

namespace {

using json = nlohmann::json;

// FNV-1a, 64 bits: stable across runs and machines, which is all an identity needs here.
class Fnv {
  public:
    void add(char byte) {
        hash_ ^= static_cast<unsigned char>(byte);
        hash_ *= 1099511628211ULL;
    }
    void add(std::string_view bytes) {
        for (char byte : bytes)
            add(byte);
    }
    std::string hex() const { return fmt::format("{:016x}", hash_); }

  private:
    std::uint64_t hash_ = 14695981039346656037ULL;
};

template <typename Number> void add_number(Fnv& fnv, Number number) {
    char digits[24];
    const auto [end, error] = std::to_chars(digits, digits + sizeof digits, number);
    fnv.add(std::string_view(digits, static_cast<std::size_t>(end - digits)));
}

// A string as dump() writes it (ensure_ascii off): '"' and '\' escaped, control characters as
// \b \t \n \f \r or \u00XX, everything else, UTF-8 included, as it is. False when the string is
// not UTF-8, which only dump() itself can say what to do with.
bool add_string(Fnv& fnv, const std::string& text) {
    fnv.add('"');
    for (std::size_t i = 0; i < text.size(); ++i) {
        const auto byte = static_cast<unsigned char>(text[i]);
        if (byte >= 0x80) {
            const std::size_t length =
                formats::utf8_sequence_length(std::string_view(text).substr(i));
            if (length == 0)
                return false;
            fnv.add(std::string_view(text).substr(i, length));
            i += length - 1;
            continue;
        }
        switch (byte) {
        case '"':
            fnv.add("\\\"");
            break;
        case '\\':
            fnv.add("\\\\");
            break;
        case '\b':
            fnv.add("\\b");
            break;
        case '\t':
            fnv.add("\\t");
            break;
        case '\n':
            fnv.add("\\n");
            break;
        case '\f':
            fnv.add("\\f");
            break;
        case '\r':
            fnv.add("\\r");
            break;
        default:
            if (byte < 0x20)
                fnv.add(fmt::format("\\u{:04x}", byte));
            else
                fnv.add(static_cast<char>(byte));
        }
    }
    fnv.add('"');
    return true;
}

// `value` as dump() writes it. False when only dump() can say.
bool add_canonical(Fnv& fnv, const json& value) {
    switch (value.type()) {
    case json::value_t::object: {
        fnv.add('{');
        bool first = true;
        for (const auto& [key, member] : value.get_ref<const json::object_t&>()) {
            if (!first)
                fnv.add(',');
            first = false;
            if (!add_string(fnv, key))
                return false;
            fnv.add(':');
            if (!add_canonical(fnv, member))
                return false;
        }
        fnv.add('}');
        return true;
    }
    case json::value_t::array: {
        fnv.add('[');
        bool first = true;
        for (const json& element : value.get_ref<const json::array_t&>()) {
            if (!first)
                fnv.add(',');
            first = false;
            if (!add_canonical(fnv, element))
                return false;
        }
        fnv.add(']');
        return true;
    }
    case json::value_t::string:
        return add_string(fnv, value.get_ref<const std::string&>());
    case json::value_t::boolean:
        fnv.add(value.get<bool>() ? std::string_view("true") : std::string_view("false"));
        return true;
    case json::value_t::null:
        fnv.add("null");
        return true;
    case json::value_t::number_integer:
        add_number(fnv, value.get<json::number_integer_t>());
        return true;
    case json::value_t::number_unsigned:
        add_number(fnv, value.get<json::number_unsigned_t>());
        return true;
    default: // floating point (dump()'s own shortest form), binary, discarded
        fnv.add(value.dump());
        return true;
    }
}

} // namespace

std::string fingerprint_of_canonical(std::string_view canonical) {
    Fnv fnv;
    fnv.add(canonical);
    return fnv.hex();
}

std::string fingerprint(const json& order) {
    // Orders are hashed thousands a second: walking the document costs a fraction of dumping it.
    Fnv fnv;
    if (add_canonical(fnv, order))
        return fnv.hex();
    return fingerprint_of_canonical(order.dump());
}

} // namespace onorder
