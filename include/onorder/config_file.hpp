// Config files (DESIGN §2): flat TOML — `key = value` lines, no tables — read into strings.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace onorder {

struct ConfigValue {
    std::string text;               // strings as written (unescaped); numbers and booleans as text
    std::vector<std::string> items; // arrays of strings
    bool is_array = false;
    int line = 0;
};

struct ConfigFile {
    std::string path;
    std::map<std::string, ConfigValue> values;
    bool readable_by_others = false; // group or others may read it (mode & 077)
};

struct ConfigResult {
    std::optional<ConfigFile> config;
    std::string error; // "FILE:LINE: …" when the file cannot be read or parsed
};

ConfigResult read_config_file(const std::string& path);

// The keys a config file may hold; anything else is an error naming the nearest key.
const std::vector<std::string>& config_keys();

} // namespace onorder
