// onorder doctor: what a bug report needs — versions, the config file in effect, the ONORDER_*
// and proxy variables seen, the CA certificates used. Every secret is masked.
#include "command.hpp"
#include "config_source.hpp"
#include "terminal.hpp"

#include <onorder/helpers.hpp>
#include <onorder/outcome.hpp>
#include <onorder/redact.hpp>
#include <onorder/url.hpp>
#include <onorder/versions.hpp>

#include <sys/stat.h>

#include <algorithm>
#include <cstdlib>
#include <string>
#include <utility>
#include <vector>

#include <fmt/format.h>

extern char** environ;

namespace onorder::cli {

namespace {

constexpr std::string_view masked = "****";

// The proxy variables libcurl reads. It takes http_proxy in lower case only: HTTP_PROXY could be
// set by a request header in CGI programs (httpoxy).
struct ProxyVariable {
    const char* name;
    bool honoured;
};
constexpr ProxyVariable proxy_variables[] = {
    {"http_proxy", true}, {"HTTP_PROXY", false}, {"https_proxy", true}, {"HTTPS_PROXY", true},
    {"all_proxy", true},  {"ALL_PROXY", true},   {"no_proxy", true},    {"NO_PROXY", true},
};

// The variables this report shows: ONORDER_* and the proxy ones, name → value.
std::vector<std::pair<std::string, std::string>> variables() {
    std::vector<std::pair<std::string, std::string>> seen;
    for (char** entry = environ; entry && *entry; ++entry) {
        const std::string_view text = *entry;
        const std::size_t equals = text.find('=');
        if (equals == std::string_view::npos)
            continue;
        std::string name(text.substr(0, equals));
        const bool proxy = std::any_of(std::begin(proxy_variables), std::end(proxy_variables),
                                       [&](const ProxyVariable& p) { return name == p.name; });
        if (proxy || name.rfind("ONORDER_", 0) == 0)
            seen.emplace_back(std::move(name), std::string(text.substr(equals + 1)));
    }
    std::sort(seen.begin(), seen.end());
    return seen;
}

bool is_password_key(std::string_view key) {
    return key == "password";
}

// The secrets a value may carry: NAME:SECRET in a user, user:password@ in a URL.
void add_secrets(Redactor& redactor, std::string_view key, const std::string& value) {
    if (value.empty())
        return;
    if (is_password_key(key)) {
        redactor.add_secret(value);
        return;
    }
    if (key == "user") {
        if (const std::size_t colon = value.find(':'); colon != std::string::npos)
            redactor.add_secret(value.substr(colon + 1));
        return;
    }
    if (value.find("://") != std::string::npos) {
        const UrlCredentials credentials = split_url_credentials(value);
        if (credentials.password && !credentials.password->empty())
            redactor.add_secret(*credentials.password);
    }
}

// A variable's config key: ONORDER_PASSWORD → password; the proxy variables → proxy.
std::string key_of(std::string_view variable) {
    if (variable.rfind("ONORDER_", 0) != 0)
        return "proxy";
    return lower(variable.substr(8));
}

std::string mode_of(const std::string& path) {
    struct stat info {};
    if (::stat(path.c_str(), &info) != 0)
        return "";
    return fmt::format("mode {:04o}", info.st_mode & 07777);
}

class DoctorCommand final : public Command {
  public:
    CLI::App* add_to(CLI::App& app) override {
        auto* command = app.add_subcommand(
            "doctor", "Print what a bug report needs: versions, the config file in effect, proxy "
                      "variables, CA certificates (secrets masked)");
        config_.add_to(*command);
        return command;
    }

    int run() override {
        std::string problem;
        const bool loaded = config_.load(problem);
        const auto environment = variables();

        Redactor redactor;
        for (const auto& [name, value] : environment)
            add_secrets(redactor, key_of(name), value);
        if (const auto& file = config_.file())
            for (const auto& [key, value] : file->values) {
                add_secrets(redactor, key, value.text);
                for (const std::string& item : value.items)
                    add_secrets(redactor, key, item);
            }
        const auto show = [&](std::string_view key, const std::string& value) {
            if (is_password_key(key))
                return std::string(masked);
            return redactor.display(value, 200);
        };

        fmt::print("{}\n\n", version_text());

        fmt::print("Config file:\n");
        if (!loaded) {
            fmt::print("  {}\n", redactor.display(problem, 400));
        } else if (const auto& file = config_.file()) {
            fmt::print("  {} ({})\n", file->path, mode_of(file->path));
            if (file->readable_by_others && file->values.count("password"))
                fmt::print("  it holds a password and is readable by others: chmod 600 {}\n",
                           file->path);
            for (const auto& [key, value] : file->values) {
                std::string text = value.text;
                if (value.is_array) {
                    text.clear();
                    for (const std::string& item : value.items)
                        text += (text.empty() ? "" : ", ") + show(key, item);
                    text = "[" + text + "]";
                } else {
                    text = show(key, text);
                }
                fmt::print("  {} = {}\n", key, text);
            }
        } else if (!config_.looked_for().empty()) {
            fmt::print("  none ({} does not exist)\n", config_.looked_for());
        } else {
            fmt::print("  none\n");
        }

        fmt::print("\nEnvironment:\n");
        bool any = false;
        for (const auto& [name, value] : environment) {
            if (key_of(name) == "proxy")
                continue;
            fmt::print("  {} = {}\n", name, show(key_of(name), value));
            any = true;
        }
        if (!any)
            fmt::print("  no ONORDER_* variable is set\n");

        fmt::print("\nProxy variables:\n");
        any = false;
        for (const ProxyVariable& variable : proxy_variables) {
            const auto found =
                std::find_if(environment.begin(), environment.end(),
                             [&](const auto& entry) { return entry.first == variable.name; });
            if (found == environment.end())
                continue;
            fmt::print("  {} = {}{}\n", variable.name, show("proxy", found->second),
                       variable.honoured ? "" : " (libcurl ignores it: use http_proxy)");
            any = true;
        }
        if (!any)
            fmt::print("  none set\n");

        fmt::print("\nCA certificates:\n");
        const LibraryVersions versions = library_versions();
        bool chosen = false;
        for (const char* key : {"cacert", "capath"}) {
            if (const auto setting = loaded ? config_.lookup(key) : std::nullopt) {
                fmt::print("  {} (from {})\n", redactor.display(setting->value, 400),
                           setting->origin);
                chosen = true;
            }
        }
        if (!chosen) {
            if (!versions.ca_bundle.empty())
                fmt::print("  {} (libcurl's default file)\n", versions.ca_bundle);
            if (!versions.ca_path.empty())
                fmt::print("  {} (libcurl's default directory)\n", versions.ca_path);
            if (versions.ca_bundle.empty() && versions.ca_path.empty())
                fmt::print("  the TLS library's default store\n");
        }
        if (const auto insecure = loaded ? config_.lookup("insecure") : std::nullopt)
            fmt::print("  insecure = {} (from {})\n", insecure->value, insecure->origin);
        return loaded ? 0 : exit_code(Outcome::usage);
    }

  private:
    ConfigSource config_;
};

} // namespace

std::unique_ptr<Command> make_doctor_command() {
    return std::make_unique<DoctorCommand>();
}

} // namespace onorder::cli
