// Where to send and how: --url, auth, TLS, timeouts, retries — from flags, the environment
// (ONORDER_*) and a config file, in that order of precedence (DESIGN §2).
#pragma once

#include "config_source.hpp"

#include <onorder/http_client.hpp>
#include <onorder/retry.hpp>

#include <map>
#include <optional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

namespace onorder::cli {

struct Connection {
    std::string order_url;
    ConnectionOptions options;
    RetryPolicy retry;
    std::string password_source; // where the password came from, for --dry-run's curl line
    bool allow_http = false;
    std::string co_id;                // config/env default coId for orders built from flags
    std::vector<std::string> require; // config/env extra mandatory fields
    bool strict = false;
};

class ConnectionFlags {
  public:
    void add_to(CLI::App& command);

    // Resolves every setting; false with `error` on a usage error (exit 2). `need_password`:
    // prompt on the terminal when a user is set and no password source gave one.
    bool resolve(Connection& connection, bool need_password, std::string& error);

  private:
    std::optional<std::string> setting(const std::string& key) const;

    std::map<std::string, std::string> values_;
    std::map<std::string, bool> switches_;
    std::map<std::string, CLI::Option*> given_;
    std::vector<std::string> headers_;
    std::string url_user_; // user[:secret] taken out of the URL
    ConfigSource config_;
};

} // namespace onorder::cli
