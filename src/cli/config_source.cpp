#include "config_source.hpp"
#include <onorder/helpers.hpp>

#include "terminal.hpp"

#include <cctype>
#include <cstdlib>
#include <fstream>

#include <fmt/format.h>

namespace onorder::cli {

namespace {

std::string config_home() {
    if (const char* xdg = std::getenv("XDG_CONFIG_HOME"); xdg && *xdg)
        return xdg;
    if (const char* home = std::getenv("HOME"); home && *home)
        return std::string(home) + "/.config";
    return ".config";
}

std::string from_env(const char* name) {
    const char* value = std::getenv(name);
    return value ? value : "";
}

} // namespace

std::string env_name(std::string_view key) {
    std::string name = "ONORDER_";
    for (char c : key)
        name += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return name;
}

bool is_true(const std::string& value) {
    return value == "true" || value == "1" || value == "yes" || value == "on";
}

void ConfigSource::add_to(CLI::App& group) {
    group.add_option("--config", path_, "Config file (flat TOML; see samples/config.toml)");
    group.add_option("--profile", profile_, "Config profile: $XDG_CONFIG_HOME/onorder/NAME.toml");
}

bool ConfigSource::load(std::string& error) {
    std::string path = path_.empty() ? from_env("ONORDER_CONFIG") : path_;
    const std::string profile = profile_.empty() ? from_env("ONORDER_PROFILE") : profile_;
    bool named = !path.empty();
    if (path.empty() && !profile.empty()) {
        if (profile.find('/') != std::string::npos) {
            error = "--profile takes a name, not a path (use --config FILE for a path)";
            return false;
        }
        path = config_home() + "/onorder/" + profile + ".toml";
        named = true;
    }
    if (path.empty()) {
        path = config_home() + "/onorder/config.toml";
        if (!file_exists(path))
            return true;
    }
    if (named && !file_exists(path)) {
        error = fmt::format("config file {} does not exist", path);
        return false;
    }
    auto result = read_config_file(path);
    if (!result.config) {
        error = result.error;
        return false;
    }
    config_ = std::move(result.config);
    if (config_->readable_by_others && config_->values.count("password"))
        warn(
            fmt::format("{} holds a password and is readable by others: chmod 600 {}", path, path));
    return true;
}

std::optional<std::string> ConfigSource::value(const std::string& key) const {
    if (const char* env = std::getenv(env_name(key).c_str()); env && *env)
        return std::string(env);
    if (config_)
        if (auto found = config_->values.find(key); found != config_->values.end())
            return found->second.text;
    return std::nullopt;
}

std::optional<std::vector<std::string>> ConfigSource::items(const std::string& key) const {
    if (!config_)
        return std::nullopt;
    const auto found = config_->values.find(key);
    if (found == config_->values.end())
        return std::nullopt;
    if (found->second.is_array)
        return found->second.items;
    return std::vector<std::string>{found->second.text};
}

void ConfigSource::add_profile_rules(std::vector<std::string>& require, bool& strict) const {
    if (auto paths = items("require"))
        require.insert(require.end(), paths->begin(), paths->end());
    strict = strict || is_true(value("strict").value_or("false"));
}

} // namespace onorder::cli
