#include <onorder/config_file.hpp>
#include <onorder/formats.hpp>
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
// behaviour — for thousands of code points between U+00A1 and U+FEFE ('é' among them) when it
// meets one where whitespace may stand: a stray 'é = 1', or in a multi-line string after a
// line-ending backslash. Its answer is defined only for the whitespace it knows and above U+FEFF.
// So toml++ is never asked about the others: every code point from U+00A1 to U+FEFE that is not
// TOML whitespace is parsed moved, one to one, to the supplementary private use area (U+F00A1-
// U+FFEFE), above that range, and what comes out is moved back. A file that already holds code
// points of that area is refused.
constexpr char32_t moved_first = 0xA1;
constexpr char32_t moved_last = 0xFEFE;
constexpr char32_t moved_by = 0xF0000;

// The whitespace toml++ tells apart itself, in the moved range (U+00A0, U+0085 and U+FEFF lie
// outside it).
bool toml_whitespace(char32_t c) {
    return c == 0x1680 || c == 0x180E || (c >= 0x2000 && c <= 0x200B) ||
           (c >= 0x2028 && c <= 0x2029) || c == 0x202F || (c >= 0x205F && c <= 0x2060) ||
           c == 0x3000;
}

bool moved_range(char32_t c) {
    return c >= moved_first && c <= moved_last && !toml_whitespace(c);
}

std::optional<char32_t> moved_away(char32_t c) {
    return moved_range(c) ? std::optional(c + moved_by) : std::nullopt;
}

std::optional<char32_t> moved_back(char32_t c) {
    return c > moved_by && moved_range(c - moved_by) ? std::optional(c - moved_by) : std::nullopt;
}

// `text` with every code point `move` gives a place moved there; nullopt when none is.
template <typename Move>
std::optional<std::string> move_code_points(std::string_view text, Move move) {
    std::optional<std::string> out;
    for (std::size_t at = 0; at < text.size();) {
        const std::string_view rest = text.substr(at);
        const std::size_t length = std::max<std::size_t>(formats::utf8_sequence_length(rest), 1);
        const std::optional<char32_t> moved =
            length > 1 ? move(formats::utf8_code_point(rest, length)) : std::nullopt;
        if (moved && !out)
            out.emplace(text.substr(0, at));
        if (moved)
            formats::append_utf8(*out, *moved);
        else if (out)
            out->append(rest.substr(0, length));
        at += length;
    }
    return out;
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
    // Where they would be moved back too: the area itself, or an escape of it (\U000F….).
    if (move_code_points(text, moved_back) || text.find("\\U000F") != std::string_view::npos ||
        text.find("\\U000f") != std::string_view::npos) {
        ConfigResult result;
        result.error = fmt::format("{}: characters of the supplementary private use area "
                                   "(U+F00A1-U+FFEFE) cannot be read in a file that also holds "
                                   "other characters from U+00A1 to U+FEFE",
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
