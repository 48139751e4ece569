// The config file a command reads (DESIGN §2): --config FILE, else --profile NAME →
// $XDG_CONFIG_HOME/onorder/NAME.toml, else $XDG_CONFIG_HOME/onorder/config.toml when it exists;
// ONORDER_CONFIG and ONORDER_PROFILE stand in for the flags. Settings are looked up in the
// environment (ONORDER_<KEY>) first, then in the file, and say where they came from.
#pragma once

#include <onorder/config_file.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <CLI/CLI.hpp>

namespace onorder::cli {

// Where a setting came from, highest precedence first (DESIGN §2).
enum class Layer { flag, environment, config };

// A setting's value and where it came from, for messages about it: "--retries",
// "ONORDER_RETRIES", "FILE:LINE:COL: retries".
struct Setting {
    std::string value;
    std::string origin;
    Layer layer = Layer::flag;
};

// A list setting (header, require): every item, and where the list came from.
struct Items {
    std::vector<std::string> values;
    std::string origin;
};

class ConfigSource {
  public:
    // Adds --config and --profile to `group`.
    void add_to(CLI::App& group);

    // Finds and reads the file; false with `error` when a named file is missing or malformed.
    bool load(std::string& error);

    // ONORDER_<KEY>, else the file's value.
    std::optional<Setting> lookup(std::string_view key) const;
    // ONORDER_<KEY> split at `delimiter` (one item when 0), else the file's string or array.
    std::optional<Items> items(std::string_view key, char delimiter = 0) const;
    const std::optional<ConfigFile>& file() const { return config_; }
    // The file load() read or looked for: the default one may not exist.
    const std::string& looked_for() const { return looked_for_; }

  private:
    std::string path_;
    std::string profile_;
    std::string looked_for_;
    std::optional<ConfigFile> config_;
};

// ONORDER_ + the key in capitals: ONORDER_URL, ONORDER_MAX_RETRY_WAIT.
std::string env_name(std::string_view key);

// A boolean setting: true/false, 1/0, yes/no, on/off (any case); nullopt for anything else.
std::optional<bool> parse_bool(std::string_view text);

// Sets `out` from a boolean setting (left as it is when not set); false with `error` naming the
// setting's origin when it is not a boolean.
bool boolean_setting(const std::optional<Setting>& setting, bool& out, std::string& error);

} // namespace onorder::cli
