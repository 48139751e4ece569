#include "config_source.hpp"
#include <onorder/helpers.hpp>

#include "terminal.hpp"

#include <algorithm>
#include <cctype>
#include <cstdlib>

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

std::optional<bool> parse_bool(std::string_view text) {
    const std::string value = lower(text);
    if (value == "true" || value == "1" || value == "yes" || value == "on")
        return true;
    if (value == "false" || value == "0" || value == "no" || value == "off")
        return false;
    return std::nullopt;
}

bool boolean_setting(const std::optional<Setting>& setting, bool& out, std::string& error) {
    if (!setting)
        return true;
    const auto value = parse_bool(setting->value);
    if (!value) {
        error = fmt::format("{}: '{}' is not true or false", setting->origin, setting->value);
        return false;
    }
    out = *value;
    return true;
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
        looked_for_ = path;
        if (!file_exists(path))
            return true;
    }
    looked_for_ = path;
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

std::optional<Setting> ConfigSource::lookup(std::string_view key) const {
    const std::string name = env_name(key);
    if (const char* env = std::getenv(name.c_str()); env && *env)
        return Setting{env, name, Layer::environment};
    if (config_)
        if (auto found = config_->values.find(std::string(key)); found != config_->values.end())
            return Setting{found->second.text,
                           fmt::format("{}: {}", config_->where(found->first), key), Layer::config};
    return std::nullopt;
}

std::optional<Items> ConfigSource::items(std::string_view key, char delimiter) const {
    const std::string name = env_name(key);
    if (const char* env = std::getenv(name.c_str()); env && *env) {
        const std::string_view value = env;
        Items items{{}, name};
        if (delimiter == 0) {
            items.values.emplace_back(value);
            return items;
        }
        for (std::size_t begin = 0; begin <= value.size();) {
            const std::size_t end = std::min(value.find(delimiter, begin), value.size());
            if (end > begin)
                items.values.emplace_back(value.substr(begin, end - begin));
            begin = end + 1;
        }
        return items;
    }
    if (!config_)
        return std::nullopt;
    const auto found = config_->values.find(std::string(key));
    if (found == config_->values.end())
        return std::nullopt;
    Items items{{}, fmt::format("{}: {}", config_->where(found->first), key)};
    if (found->second.is_array)
        items.values = found->second.items;
    else
        items.values.push_back(found->second.text);
    return items;
}

} // namespace onorder::cli
