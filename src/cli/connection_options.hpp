// Where to send and how: --url, auth, TLS, timeouts, retries, headers — from flags, the
// environment (ONORDER_*) and a config file, in that order of precedence (DESIGN §2).
#pragma once

#include "config_source.hpp"

#include <onorder/http_client.hpp>
#include <onorder/retry.hpp>

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <CLI/CLI.hpp>

namespace onorder::cli {

// Where the password came from; --dry-run's curl line authenticates the same way.
enum class PasswordSource {
    none,          // no credentials; or, in a dry run, a user without a password
    argv,          // --user NAME:SECRET
    url,           // https://NAME:SECRET@…
    environment,   // ONORDER_PASSWORD
    user_variable, // ONORDER_USER=NAME:SECRET
    file,          // --password-file FILE (password_file, ONORDER_PASSWORD_FILE)
    config,        // password in the config file, or user = "NAME:SECRET"
    netrc,         // --netrc, --netrc-file FILE
    prompt,        // typed at the no-echo prompt
};

struct Connection {
    std::string api_root; // --url without credentials: the SP's API root
    std::string order_url;
    ConnectionOptions options; // user and password already resolved, netrc included
    RetryPolicy retry;
    PasswordSource password_source = PasswordSource::none;
    std::string password_file; // the file read, when the password came from one
    std::string netrc_file;    // the netrc read, when the password came from one; "" = ~/.netrc
    bool allow_http = false;
};

// A run that sends asks for a missing password on the terminal, and stops without one; a dry run
// sends nothing, so it does neither.
enum class Purpose { send, dry_run };

class ConnectionFlags {
  public:
    void add_to(CLI::App& command);

    // Reads the config file (--config, --profile or the default one).
    bool load_config(std::string& error) { return config_.load(error); }
    const ConfigSource& config() const { return config_; }

    // Resolves every setting, one concern after another; false with `error` on a usage error
    // (exit 2). Call load_config() first.
    bool resolve(Connection& connection, Purpose purpose, std::string& error);

  private:
    std::optional<Setting> setting(std::string_view key) const;
    bool boolean(std::string_view key, bool& out, std::string& error) const;
    bool seconds(std::string_view key, std::chrono::milliseconds& out, std::string& error) const;

    bool resolve_url(Connection& connection, std::string& error);
    bool resolve_user(Connection& connection, std::string& error);
    bool resolve_password(Connection& connection, Purpose purpose, std::string& error);
    bool read_password_file(Connection& connection, const Setting& source, std::string& error);
    bool resolve_netrc(Connection& connection, const Setting& source, const std::string& file,
                       Purpose purpose, std::string& error);
    bool ask_for_password(Connection& connection, Purpose purpose, std::string& error);
    bool resolve_tls(Connection& connection, std::string& error);
    bool resolve_timeouts(Connection& connection, std::string& error);
    bool resolve_retries(Connection& connection, std::string& error);
    bool resolve_headers(Connection& connection, std::string& error);
    bool resolve_proxy_and_redirects(Connection& connection, std::string& error);

    std::map<std::string, std::string, std::less<>> values_;
    std::map<std::string, bool, std::less<>> switches_;
    std::map<std::string, CLI::Option*, std::less<>> given_;
    std::map<std::string, std::string, std::less<>> flag_names_;
    std::vector<std::string> headers_;
    ConfigSource config_;

    // Taken out of the URL by resolve_url(); used only when no flag, variable or config names
    // the user.
    std::string url_user_;
    std::optional<std::string> url_password_;
};

} // namespace onorder::cli
