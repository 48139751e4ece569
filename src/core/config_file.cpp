#include <onorder/config_file.hpp>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sys/stat.h>

#include <fmt/format.h>

namespace onorder {

const std::vector<std::string>& config_keys() {
    static const std::vector<std::string> keys = {
        "url",      "order_path",    "user",     "password",   "password_file",
        "netrc",    "netrc_file",    "cacert",   "capath",     "cert",
        "key",      "pinned_pubkey", "insecure", "allow_http", "connect_timeout",
        "timeout",  "proxy",         "header",   "retries",    "max_retry_wait",
        "location", "co_id",         "require",  "strict",     "output",
    };
    return keys;
}

namespace {

std::string_view trim(std::string_view text) {
    const auto first = text.find_first_not_of(" \t\r");
    if (first == std::string_view::npos)
        return {};
    const auto last = text.find_last_not_of(" \t\r");
    return text.substr(first, last - first + 1);
}

// Reads one TOML string starting at text[pos] (a quote); advances pos past it.
std::optional<std::string> read_string(std::string_view text, std::size_t& pos,
                                       std::string& error) {
    const char quote = text[pos++];
    std::string out;
    while (pos < text.size() && text[pos] != quote) {
        char c = text[pos++];
        if (quote == '"' && c == '\\') {
            if (pos >= text.size())
                break;
            const char escaped = text[pos++];
            switch (escaped) {
            case 'n':
                out += '\n';
                break;
            case 't':
                out += '\t';
                break;
            case '\\':
                out += '\\';
                break;
            case '"':
                out += '"';
                break;
            default:
                error = fmt::format("unsupported escape \\{} in a string", escaped);
                return std::nullopt;
            }
            continue;
        }
        out += c;
    }
    if (pos >= text.size()) {
        error = "unterminated string";
        return std::nullopt;
    }
    ++pos; // closing quote
    return out;
}

std::string strip_comment(std::string_view rest) {
    const auto value = trim(rest);
    if (!value.empty() && value.front() != '#')
        return std::string(value);
    return {};
}

std::optional<ConfigValue> parse_value(std::string_view text, std::string& error) {
    ConfigValue value;
    std::size_t pos = 0;
    if (text.empty()) {
        error = "missing value after '='";
        return std::nullopt;
    }
    if (text.front() == '"' || text.front() == '\'') {
        auto s = read_string(text, pos, error);
        if (!s)
            return std::nullopt;
        if (!strip_comment(text.substr(pos)).empty()) {
            error = "unexpected text after the string";
            return std::nullopt;
        }
        value.text = std::move(*s);
        return value;
    }
    if (text.front() == '[') {
        value.is_array = true;
        ++pos;
        for (;;) {
            while (pos < text.size() && (text[pos] == ' ' || text[pos] == '\t' || text[pos] == ','))
                ++pos;
            if (pos >= text.size()) {
                error = "unterminated array (arrays must stay on one line)";
                return std::nullopt;
            }
            if (text[pos] == ']') {
                ++pos;
                break;
            }
            if (text[pos] != '"' && text[pos] != '\'') {
                error = "arrays hold strings only, e.g. [\"customerDetails.customerEmail\"]";
                return std::nullopt;
            }
            auto s = read_string(text, pos, error);
            if (!s)
                return std::nullopt;
            value.items.push_back(std::move(*s));
        }
        if (!strip_comment(text.substr(pos)).empty()) {
            error = "unexpected text after the array";
            return std::nullopt;
        }
        return value;
    }
    // A bare value: a number or a boolean, up to a comment.
    const auto hash = text.find('#');
    value.text = std::string(trim(text.substr(0, hash)));
    const bool is_bool = value.text == "true" || value.text == "false";
    const bool is_number =
        !value.text.empty() && std::all_of(value.text.begin(), value.text.end(), [](char c) {
            return (c >= '0' && c <= '9') || c == '.' || c == '-' || c == '+' || c == '_';
        });
    if (!is_bool && !is_number) {
        error = fmt::format("'{}' is not a TOML value: quote strings (\"…\")", value.text);
        return std::nullopt;
    }
    return value;
}

} // namespace

ConfigResult read_config_file(const std::string& path) {
    ConfigResult result;
    std::ifstream in(path);
    if (!in) {
        result.error = fmt::format("{}: cannot read config file: {}", path, std::strerror(errno));
        return result;
    }
    ConfigFile config;
    config.path = path;
    struct stat info {};
    if (::stat(path.c_str(), &info) == 0)
        config.readable_by_others = (info.st_mode & 077) != 0;

    std::string line;
    int number = 0;
    while (std::getline(in, line)) {
        ++number;
        const auto text = trim(line);
        if (text.empty() || text.front() == '#')
            continue;
        if (text.front() == '[') {
            result.error = fmt::format("{}:{}: tables are not supported: keep the file flat "
                                       "(one profile per file, see --profile)",
                                       path, number);
            return result;
        }
        const auto equals = text.find('=');
        if (equals == std::string_view::npos) {
            result.error = fmt::format("{}:{}: expected key = value", path, number);
            return result;
        }
        std::string key(trim(text.substr(0, equals)));
        if (key.size() >= 2 && (key.front() == '"' || key.front() == '\''))
            key = key.substr(1, key.size() - 2);
        std::replace(key.begin(), key.end(), '-', '_');
        const auto& keys = config_keys();
        if (std::find(keys.begin(), keys.end(), key) == keys.end()) {
            result.error = fmt::format("{}:{}: unknown key '{}'", path, number, key);
            return result;
        }
        std::string error;
        auto value = parse_value(trim(text.substr(equals + 1)), error);
        if (!value) {
            result.error = fmt::format("{}:{}: {}: {}", path, number, key, error);
            return result;
        }
        value->line = number;
        config.values[key] = std::move(*value);
    }
    result.config = std::move(config);
    return result;
}

} // namespace onorder
