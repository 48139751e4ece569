// The config file a command reads (DESIGN §2): --config FILE, else --profile NAME →
// $XDG_CONFIG_HOME/onorder/NAME.toml, else $XDG_CONFIG_HOME/onorder/config.toml when it exists;
// ONORDER_CONFIG and ONORDER_PROFILE stand in for the flags.
#pragma once

#include <onorder/config_file.hpp>

#include <optional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

namespace onorder::cli {

class ConfigSource {
  public:
    // Adds --config and --profile to `group`.
    void add_to(CLI::App& group);

    // Finds and reads the file; false with `error` when a named file is missing or malformed.
    bool load(std::string& error);

    // A value from the environment (ONORDER_<KEY>), else from the file.
    std::optional<std::string> value(const std::string& key) const;
    // An array value from the file (a single string counts as one item).
    std::optional<std::vector<std::string>> items(const std::string& key) const;
    const std::optional<ConfigFile>& file() const { return config_; }

    // The validation rules a profile adds: require = […] and strict = true (DESIGN §3).
    void add_profile_rules(std::vector<std::string>& require, bool& strict) const;

  private:
    std::string path_;
    std::string profile_;
    std::optional<ConfigFile> config_;
};

// ONORDER_ + the key in capitals: ONORDER_URL, ONORDER_MAX_RETRY_WAIT.
std::string env_name(std::string_view key);
bool is_true(const std::string& value);

} // namespace onorder::cli
