#include <onorder/config_file.hpp>
#include <onorder/suggest.hpp>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <fstream>
#include <sstream>
#include <sys/stat.h>

#include <fmt/format.h>

// Header-only here, and only here: one library fewer to load at every start (DESIGN §10).
#define TOML_HEADER_ONLY 1
#define TOML_EXCEPTIONS 0
#define TOML_ENABLE_FORMATTERS 0
#include <toml++/toml.h>

namespace onorder {

namespace {

enum class Kind {
    string,  // url = "…"
    boolean, // insecure = true
    integer, // retries = 3
    seconds, // timeout = 60 or 2.5
    strings, // header = "…" or ["…", …]
};

struct KeyRule {
    std::string_view key;
    Kind kind;
};

// Every key onorder reads from a config file, with the TOML type it takes.
constexpr KeyRule key_rules[] = {
    {"url", Kind::string},
    {"order_path", Kind::string},
    {"user", Kind::string},
    {"password", Kind::string},
    {"password_file", Kind::string},
    {"netrc", Kind::boolean},
    {"netrc_file", Kind::string},
    {"cacert", Kind::string},
    {"capath", Kind::string},
    {"cert", Kind::string},
    {"key", Kind::string},
    {"pinned_pubkey", Kind::string},
    {"insecure", Kind::boolean},
    {"allow_http", Kind::boolean},
    {"connect_timeout", Kind::seconds},
    {"timeout", Kind::seconds},
    {"proxy", Kind::string},
    {"header", Kind::strings},
    {"retries", Kind::integer},
    {"max_retry_wait", Kind::seconds},
    {"location", Kind::boolean},
    {"co_id", Kind::string},
    {"require", Kind::strings},
    {"strict", Kind::boolean},
    {"output", Kind::string},
};

const KeyRule* rule_for(std::string_view key) {
    for (const KeyRule& rule : key_rules) {
        if (rule.key == key) {
            return &rule;
        }
    }
    return nullptr;
}

std::string_view type_name(toml::node_type type) {
    switch (type) {
    case toml::node_type::string:
        return "a string";
    case toml::node_type::integer:
        return "an integer";
    case toml::node_type::floating_point:
        return "a floating-point number";
    case toml::node_type::boolean:
        return "a boolean";
    case toml::node_type::array:
        return "an array";
    case toml::node_type::table:
        return "a table";
    case toml::node_type::date:
        return "a date";
    case toml::node_type::time:
        return "a time";
    case toml::node_type::date_time:
        return "a date-time";
    default:
        return "nothing";
    }
}

std::string expected(const KeyRule& rule) {
    switch (rule.kind) {
    case Kind::string:
        return fmt::format("a string, e.g. {} = \"…\"", rule.key);
    case Kind::boolean:
        return "true or false";
    case Kind::integer:
        return fmt::format("an integer, e.g. {} = 3", rule.key);
    case Kind::seconds:
        return fmt::format("a number of seconds, e.g. {} = 60", rule.key);
    case Kind::strings:
        return "a string or an array of strings";
    }
    return {};
}

std::string position(const std::string& path, const toml::source_region& where) {
    return fmt::format("{}:{}:{}", path, where.begin.line, where.begin.column);
}

// A value as text, when it has the kind the key takes; else nullopt with `error`.
std::optional<ConfigValue> typed_value(const KeyRule& rule, const toml::node& node,
                                       const std::string& path, std::string& error) {
    ConfigValue value;
    value.line = static_cast<int>(node.source().begin.line);
    value.column = static_cast<int>(node.source().begin.column);
    const auto wrong = [&](const toml::node& at, const std::string& what) {
        error = fmt::format("{}: {}: expected {}, not {}", position(path, at.source()), rule.key,
                            what, type_name(at.type()));
        return std::nullopt;
    };
    const auto text_of = [&](const toml::node& at) -> std::optional<std::string> {
        std::string text = at.as_string()->get();
        if (text.find('\0') != std::string::npos) {
            error = fmt::format("{}: {}: a NUL character is not allowed",
                                position(path, at.source()), rule.key);
            return std::nullopt;
        }
        return text;
    };
    switch (rule.kind) {
    case Kind::string:
        if (!node.is_string()) {
            return wrong(node, expected(rule));
        }
        if (auto text = text_of(node)) {
            value.text = std::move(*text);
            return value;
        }
        return std::nullopt;
    case Kind::boolean:
        if (!node.is_boolean()) {
            return wrong(node, expected(rule));
        }
        value.text = node.as_boolean()->get() ? "true" : "false";
        return value;
    case Kind::integer:
        if (!node.is_integer()) {
            return wrong(node, expected(rule));
        }
        value.text = std::to_string(node.as_integer()->get());
        return value;
    case Kind::seconds:
        if (node.is_integer()) {
            value.text = std::to_string(node.as_integer()->get());
            return value;
        }
        if (!node.is_floating_point() || !std::isfinite(node.as_floating_point()->get())) {
            return wrong(node, expected(rule));
        }
        value.text = fmt::format("{}", node.as_floating_point()->get());
        return value;
    case Kind::strings:
        if (node.is_string()) {
            if (auto text = text_of(node)) {
                value.text = std::move(*text);
                return value;
            }
            return std::nullopt;
        }
        if (!node.is_array()) {
            return wrong(node, expected(rule));
        }
        value.is_array = true;
        for (const toml::node& item : *node.as_array()) {
            if (!item.is_string()) {
                return wrong(item, "strings");
            }
            auto text = text_of(item);
            if (!text) {
                return std::nullopt;
            }
            value.items.push_back(std::move(*text));
        }
        return value;
    }
    return std::nullopt;
}

// toml++ 3.3's is_non_ascii_horizontal_whitespace() reaches __builtin_unreachable() — undefined
// behaviour — for most code points of three ranges (U+00A1–U+0499, U+2CEE–U+30E7 and
// U+FBD6–U+FEFE, 'é' among them) when it meets one where whitespace may stand: a stray 'é = 1',
// or in a multi-line string after a line-ending backslash. Such a file is parsed with each of
// those code points moved, one to one, to the private use area (U+E000–U+EBFF), where the check
// is defined, and what comes out is moved back. A file holding both kinds is refused.
struct Moved {
    char32_t first; // of the range toml++ cannot look at
    char32_t last;
    char32_t to; // where `first` goes
};
constexpr Moved moved_ranges[] = {
    {0xA1, 0x499, 0xE000}, {0x2CEE, 0x30E7, 0xE400}, {0xFBD6, 0xFEFE, 0xE800}};
constexpr char32_t moved_first = 0xE000;
constexpr char32_t moved_last = 0xEBFF;

// The UTF-8 sequence at `at` of 2 or 3 bytes, well formed: its code point and length.
std::optional<std::pair<char32_t, std::size_t>> code_point_at(std::string_view text,
                                                              std::size_t at) {
    const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(text[at + i]); };
    const auto continuation = [&](std::size_t i) {
        return at + i < text.size() && (byte(i) & 0xC0) == 0x80;
    };
    if ((byte(0) & 0xE0) == 0xC0 && byte(0) >= 0xC2 && continuation(1))
        return std::pair{static_cast<char32_t>(((byte(0) & 0x1F) << 6) | (byte(1) & 0x3F)),
                         std::size_t{2}};
    if ((byte(0) & 0xF0) == 0xE0 && continuation(1) && continuation(2)) {
        const char32_t c = ((byte(0) & 0x0F) << 12) | ((byte(1) & 0x3F) << 6) | (byte(2) & 0x3F);
        if (c >= 0x800 && (c < 0xD800 || c > 0xDFFF))
            return std::pair{c, std::size_t{3}};
    }
    return std::nullopt;
}

void append_utf8(std::string& out, char32_t c) {
    if (c < 0x800) {
        out += static_cast<char>(0xC0 | (c >> 6));
    } else {
        out += static_cast<char>(0xE0 | (c >> 12));
        out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    }
    out += static_cast<char>(0x80 | (c & 0x3F));
}

// `text` with every code point of one range moved to the other by `move`; nullopt when none is.
template <typename Move>
std::optional<std::string> move_code_points(std::string_view text, Move move) {
    std::optional<std::string> out;
    for (std::size_t at = 0; at < text.size();) {
        const auto point =
            static_cast<unsigned char>(text[at]) >= 0xC2 ? code_point_at(text, at) : std::nullopt;
        const std::optional<char32_t> moved = point ? move(point->first) : std::nullopt;
        if (moved && !out)
            out.emplace(text.substr(0, at));
        const std::size_t length = point ? point->second : 1;
        if (moved)
            append_utf8(*out, *moved);
        else if (out)
            out->append(text.substr(at, length));
        at += length;
    }
    return out;
}

std::optional<char32_t> moved_away(char32_t c) {
    for (const Moved& range : moved_ranges)
        if (c >= range.first && c <= range.last)
            return range.to + (c - range.first);
    return std::nullopt;
}

std::optional<char32_t> moved_back(char32_t c) {
    for (const Moved& range : moved_ranges)
        if (c >= range.to && c <= range.to + (range.last - range.first))
            return range.first + (c - range.to);
    return std::nullopt;
}

void move_back(std::string& text) {
    if (auto back = move_code_points(text, moved_back))
        text = std::move(*back);
}

ConfigResult parse_toml(std::string_view text, const std::string& path) {
    ConfigResult result;
    ConfigFile config;
    config.path = path;
    toml::parse_result parsed = toml::parse(text, path);
    if (!parsed) {
        const toml::parse_error& error = parsed.error();
        result.error = fmt::format("{}: {}", position(path, error.source()), error.description());
        return result;
    }
    for (auto&& [name, node] : parsed.table()) {
        const std::string where = position(path, name.source());
        if (node.is_table()) {
            // A [table] header stands where its bracket is; a dotted key where the key is.
            const auto& table = node.source().begin.line > 0 ? node.source() : name.source();
            result.error = fmt::format("{}: tables are not supported: keep the file flat (one "
                                       "profile per file, see --profile)",
                                       position(path, table));
            return result;
        }
        std::string key(name.str());
        std::replace(key.begin(), key.end(), '-', '_');
        const KeyRule* rule = rule_for(key);
        if (rule == nullptr) {
            const auto hint = nearest(key, config_keys());
            result.error = fmt::format("{}: unknown key '{}'{}", where, name.str(),
                                       hint ? fmt::format(": did you mean '{}'?", *hint) : "");
            return result;
        }
        if (config.values.count(key) != 0) {
            result.error = fmt::format("{}: {} is set twice", where, key);
            return result;
        }
        std::string error;
        auto value = typed_value(*rule, node, path, error);
        if (!value) {
            result.error = std::move(error);
            return result;
        }
        config.values[key] = std::move(*value);
    }
    result.config = std::move(config);
    return result;
}

} // namespace

const std::vector<std::string>& config_keys() {
    static const std::vector<std::string> keys = [] {
        std::vector<std::string> out;
        for (const KeyRule& rule : key_rules) {
            out.emplace_back(rule.key);
        }
        return out;
    }();
    return keys;
}

std::string ConfigFile::where(const std::string& key) const {
    const auto found = values.find(key);
    if (found == values.end()) {
        return path;
    }
    return fmt::format("{}:{}:{}", path, found->second.line, found->second.column);
}

ConfigResult read_config_file(const std::string& path) {
    ConfigResult result;
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        result.error = fmt::format("{}: cannot read config file: {}", path, std::strerror(errno));
        return result;
    }
    std::ostringstream text;
    text << in.rdbuf();
    result = parse_config_file(text.str(), path);
    struct stat info {};
    if (result.config && ::stat(path.c_str(), &info) == 0) {
        result.config->readable_by_others = (info.st_mode & 077) != 0;
    }
    return result;
}

ConfigResult parse_config_file(std::string_view text, const std::string& path) {
    std::optional<std::string> moved = move_code_points(text, moved_away);
    if (!moved)
        return parse_toml(text, path);
    if (move_code_points(text, [](char32_t c) {
            return c >= moved_first && c <= moved_last ? std::optional(c) : std::nullopt;
        })) {
        ConfigResult result;
        result.error = fmt::format("{}: characters of the private use area (U+E000-U+EBFF) cannot "
                                   "be read in a file that also holds U+00A1-U+0499, "
                                   "U+2CEE-U+30E7 or U+FBD6-U+FEFE",
                                   path);
        return result;
    }
    ConfigResult result = parse_toml(*moved, path);
    move_back(result.error);
    if (result.config) {
        for (auto& [key, value] : result.config->values) {
            move_back(value.text);
            for (std::string& item : value.items)
                move_back(item);
        }
    }
    return result;
}

} // namespace onorder
