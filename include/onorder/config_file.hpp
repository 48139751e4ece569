// Config files (DESIGN §2): TOML, read by toml++, kept flat — `key = value` only, no tables: one
// profile per file (--profile NAME reads NAME.toml). Every key has a type; values are kept as
// text for the settings code, with where they stand for its messages.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace onorder {

struct ConfigValue {
    std::string text;               // a string as decoded; numbers and booleans as TOML writes them
    std::vector<std::string> items; // an array of strings
    bool is_array = false;
    int line = 0;
    int column = 0;
};

struct ConfigFile {
    std::string path;
    std::map<std::string, ConfigValue> values;
    bool readable_by_others = false; // group or others may read it (mode & 077)

    // "FILE:LINE:COL" of a key's value, for a message about it; the path alone when not set.
    std::string where(const std::string& key) const;
};

struct ConfigResult {
    std::optional<ConfigFile> config;
    std::string error; // "FILE:LINE:COL: …" when the file cannot be read, parsed or typed
};

ConfigResult read_config_file(const std::string& path);

// The same over a config file's bytes; `path` names it in messages (readable_by_others is false).
ConfigResult parse_config_file(std::string_view text, const std::string& path);

// The keys a config file may hold; anything else is an error naming the nearest key.
const std::vector<std::string>& config_keys();

} // namespace onorder
