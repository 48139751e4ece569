#include "connection_options.hpp"
#include <onorder/helpers.hpp>

#include "terminal.hpp"

#include <onorder/submit.hpp>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>

#include <fmt/format.h>

namespace onorder::cli {

namespace {

struct Setting {
    const char* key;  // config key; the environment variable is ONORDER_<KEY>
    const char* flag; // "" = config/environment only
    const char* description;
    bool is_switch;
};

constexpr Setting settings[] = {
    {"url", "--url", "The SP's API root, e.g. https://sp.example/onapi", false},
    {"order_path", "--order-path", "Order path under the API root (default 2.5/sp_spec/order/)",
     false},
    {"user", "-u,--user", "Basic auth user (NAME, or NAME:SECRET — visible to local users)", false},
    {"password_file", "--password-file", "Read the password from the first line of FILE", false},
    {"netrc", "--netrc", "Take credentials from ~/.netrc", true},
    {"netrc_file", "--netrc-file", "Take credentials from FILE (netrc format)", false},
    {"cacert", "--cacert", "CA certificates (PEM) to verify the SP with", false},
    {"capath", "--capath", "Directory of CA certificates", false},
    {"cert", "--cert", "Client certificate (PEM) for mutual TLS", false},
    {"key", "--key", "Private key for --cert", false},
    {"pinned_pubkey", "--pinned-pubkey", "Public key pin: FILE or sha256//BASE64", false},
    {"insecure", "-k,--insecure", "Do not verify the SP's certificate (dangerous)", true},
    {"allow_http", "--allow-http", "Allow plain http:// to a host that is not loopback", true},
    {"connect_timeout", "--connect-timeout", "Seconds to wait for a connection (default 10)",
     false},
    {"timeout", "--timeout", "Seconds for the whole request (default 60)", false},
    {"proxy", "--proxy", "Proxy URL (libcurl's proxy variables are honoured too)", false},
    {"retries", "--retries", "Retries when the SP certainly did not process the order (default 3)",
     false},
    {"max_retry_wait", "--max-retry-wait", "Longest wait between retries, seconds (default 60)",
     false},
    {"location", "--location", "Follow 307/308 redirects (they keep the method)", true},
    {"password", "", "", false},
    {"co_id", "", "", false},
    {"strict", "", "", false},
};

bool parse_seconds(const std::string& key, const std::string& text, std::chrono::milliseconds& out,
                   std::string& error) {
    char* end = nullptr;
    errno = 0;
    const double seconds = std::strtod(text.c_str(), &end);
    if (text.empty() || *end != '\0' || errno != 0 || seconds < 0 || seconds > 86400 * 7) {
        error = fmt::format("{}: '{}' is not a number of seconds", key, text);
        return false;
    }
    out = std::chrono::milliseconds(static_cast<long long>(seconds * 1000));
    return true;
}

} // namespace

void ConnectionFlags::add_to(CLI::App& command) {
    auto* group = command.add_option_group("Connection", "Where and how to send");
    for (const auto& s : settings) {
        if (!*s.flag)
            continue;
        given_[s.key] = s.is_switch ? group->add_flag(s.flag, switches_[s.key], s.description)
                                    : group->add_option(s.flag, values_[s.key], s.description);
    }
    given_["header"] =
        group->add_option("-H,--header", headers_, "Extra header 'Name: value' (repeatable)")
            ->allow_extra_args(false);
    config_.add_to(*group);
}

std::optional<std::string> ConnectionFlags::setting(const std::string& key) const {
    if (auto flag = given_.find(key); flag != given_.end() && flag->second->count() > 0) {
        if (auto value = values_.find(key); value != values_.end())
            return value->second;
        return switches_.at(key) ? "true" : "false";
    }
    return config_.value(key);
}

bool ConnectionFlags::resolve(Connection& connection, bool need_password, std::string& error) {
    if (!config_.load(error))
        return false;
    auto& options = connection.options;

    auto url = setting("url");
    if (url) {
        // user:secret@ in the URL would end up in every printed URL: move it to the credentials.
        const auto authority = url->find("://") == std::string::npos ? 0 : url->find("://") + 3;
        const auto at = url->find('@', authority);
        if (at != std::string::npos && at < url->find('/', authority)) {
            const std::string userinfo = url->substr(authority, at - authority);
            url->erase(authority, at - authority + 1);
            if (userinfo.find(':') != std::string::npos && !given_["user"]->count())
                warn("credentials in the URL are visible to every local user; prefer --user "
                     "with ONORDER_PASSWORD, --password-file, --netrc or the prompt");
            if (setting("user").value_or("").empty())
                url_user_ = userinfo;
        }
    }
    if (!url || url->empty()) {
        error = "no SP URL: give --url https://sp.example/onapi, ONORDER_URL, or url in the config";
        return false;
    }
    const std::string scheme = url->substr(0, url->find("://"));
    if (url->find("://") == std::string::npos || (scheme != "https" && scheme != "http")) {
        error = fmt::format("--url {}: only https:// (and http:// to loopback) URLs are supported",
                            *url);
        return false;
    }
    connection.order_url = order_url(*url, setting("order_path").value_or(""));
    connection.allow_http = is_true(setting("allow_http").value_or("false"));
    if (scheme == "http" && !connection.allow_http && !is_loopback_url(connection.order_url)) {
        error = fmt::format("refusing plain http:// to {}: the spec requires TLS (https://); "
                            "--allow-http overrides",
                            *url);
        return false;
    }

    auto user = setting("user").value_or(url_user_);
    if (const auto colon = user.find(':'); colon != std::string::npos) {
        warn("--user NAME:SECRET puts the password in argv, visible to every local user; "
             "prefer ONORDER_PASSWORD, --password-file, --netrc or the prompt");
        options.password = user.substr(colon + 1);
        connection.password_source = "argv";
        user.resize(colon);
    }
    options.user = user;
    options.use_netrc = is_true(setting("netrc").value_or("false"));
    options.netrc_file = setting("netrc_file").value_or("");
    if (!options.netrc_file.empty())
        options.use_netrc = true;
    if (!user.empty() && connection.password_source.empty()) {
        // Flags beat the environment, which beats the config file (DESIGN §2).
        const bool file_flag = given_["password_file"]->count() > 0;
        const char* env_password = std::getenv("ONORDER_PASSWORD");
        std::optional<std::string> password_file;
        if (file_flag)
            password_file = values_["password_file"];
        else if (env_password && *env_password) {
            options.password = env_password;
            connection.password_source = "environment";
        } else if (auto file = setting("password_file"))
            password_file = *file;
        else if (config_.file() && config_.file()->values.count("password")) {
            options.password = config_.file()->values.at("password").text;
            connection.password_source = "config";
        }
        if (password_file) {
            std::ifstream in(*password_file);
            if (!in) {
                error = fmt::format("--password-file {}: {}", *password_file, std::strerror(errno));
                return false;
            }
            std::getline(in, options.password);
            if (!options.password.empty() && options.password.back() == '\r')
                options.password.pop_back();
            connection.password_source = "file";
        }
        if (connection.password_source.empty() && !options.use_netrc && need_password) {
            if (auto typed = prompt_secret(fmt::format("Password for {}: ", user))) {
                options.password = *typed;
                connection.password_source = "prompt";
            }
        }
    }

    options.tls.cacert = setting("cacert").value_or("");
    options.tls.capath = setting("capath").value_or("");
    options.tls.cert = setting("cert").value_or("");
    options.tls.key = setting("key").value_or("");
    options.tls.pinned_pubkey = setting("pinned_pubkey").value_or("");
    options.tls.insecure = is_true(setting("insecure").value_or("false"));
    if (options.tls.insecure)
        warn("--insecure: the SP's certificate is NOT verified; anyone on the path can read the "
             "order and the credentials");
    for (const auto* file : {&options.tls.cacert, &options.tls.cert, &options.tls.key})
        if (!file->empty() && !file_exists(*file)) {
            error = fmt::format("{}: no such file", *file);
            return false;
        }
    if (auto value = setting("connect_timeout"))
        if (!parse_seconds("--connect-timeout", *value, options.connect_timeout, error))
            return false;
    if (auto value = setting("timeout"))
        if (!parse_seconds("--timeout", *value, options.timeout, error))
            return false;
    options.proxy = setting("proxy").value_or("");
    options.follow_redirects = is_true(setting("location").value_or("false"));
    options.headers = headers_;
    if (auto configured = config_.items("header"); configured && headers_.empty())
        options.headers = *configured;
    for (const auto& header : options.headers)
        if (header.find(':') == std::string::npos) {
            error = fmt::format("--header '{}': expected 'Name: value'", header);
            return false;
        }
    if (auto value = setting("retries")) {
        char* end = nullptr;
        const long retries = std::strtol(value->c_str(), &end, 10);
        if (value->empty() || *end != '\0' || retries < 0 || retries > 100) {
            error = fmt::format("--retries: '{}' is not a number from 0 to 100", *value);
            return false;
        }
        connection.retry.retries = static_cast<int>(retries);
    }
    if (auto value = setting("max_retry_wait"))
        if (!parse_seconds("--max-retry-wait", *value, connection.retry.max_wait, error))
            return false;
    connection.co_id = setting("co_id").value_or("");
    config_.add_profile_rules(connection.require, connection.strict);
    return true;
}

} // namespace onorder::cli
