#include "connection_options.hpp"

#include "terminal.hpp"

#include <onorder/helpers.hpp>
#include <onorder/netrc.hpp>
#include <onorder/url.hpp>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <pwd.h>
#include <unistd.h>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace onorder::cli {

namespace {

struct SettingFlag {
    const char* key;  // config key; the environment variable is ONORDER_<KEY>
    const char* flag; // "" = config/environment only
    const char* description;
    bool is_switch;
};

constexpr SettingFlag setting_flags[] = {
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
};

// Where the password may come from, in the words of the error that finds none.
constexpr std::string_view password_sources =
    "set ONORDER_PASSWORD, give --password-file FILE, --netrc or --netrc-file FILE, or put "
    "password (or password_file) in the config file";

// "-u,--user" → "--user".
std::string long_name(std::string_view flag) {
    return std::string(flag.substr(flag.rfind(',') + 1));
}

// A value as shown in a message: quoted, control characters escaped.
std::string shown(std::string_view text) {
    return nlohmann::json(std::string(text))
        .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

bool parse_seconds(const Setting& setting, std::chrono::milliseconds& out, std::string& error) {
    char* end = nullptr;
    errno = 0;
    const double seconds = std::strtod(setting.value.c_str(), &end);
    if (setting.value.empty() || *end != '\0' || errno != 0 || !std::isfinite(seconds) ||
        seconds < 0 || seconds > 86400 * 7) {
        error = fmt::format("{}: '{}' is not a number of seconds (0 to 604800)", setting.origin,
                            setting.value);
        return false;
    }
    out = std::chrono::milliseconds(static_cast<long long>(seconds * 1000));
    return true;
}

// RFC 9110 §5.6.2: a field name is a token.
bool is_token_char(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || is_digit(c) ||
           std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

// Why `header` cannot be sent as one "Name: value" line; "" when it can. A CR or LF would start a
// header of its own on the wire (RFC 9110 §5.5: CR, LF and NUL are never valid in a value); an
// empty value would make libcurl remove the header instead of sending it.
std::string why_not_header(std::string_view header) {
    for (char c : header) {
        const auto byte = static_cast<unsigned char>(c);
        if (c == '\r' || c == '\n')
            return "a line break would put a header of its own on the wire";
        if ((byte < 0x20 && c != '\t') || byte == 0x7f)
            return "control characters are not allowed in a header";
    }
    const auto colon = header.find(':');
    if (colon == std::string_view::npos)
        return "expected 'Name: value'";
    const std::string_view name = header.substr(0, colon);
    if (name.empty() || !std::all_of(name.begin(), name.end(), is_token_char))
        return "the name before ':' must be a token (letters, digits and !#$%&'*+-.^_`|~)";
    if (trim(header.substr(colon + 1)).empty())
        return "the value is empty";
    return {};
}

std::string home_netrc() {
    const char* home = std::getenv("HOME");
    if (home && *home)
        return std::string(home) + "/.netrc";
    // libcurl falls back to the password database the same way.
    if (const passwd* entry = ::getpwuid(::geteuid()); entry && entry->pw_dir)
        return std::string(entry->pw_dir) + "/.netrc";
    return ".netrc";
}

} // namespace

void ConnectionFlags::add_to(CLI::App& command) {
    auto* group = command.add_option_group("Connection", "Where and how to send");
    for (const auto& s : setting_flags) {
        flag_names_[s.key] = long_name(s.flag);
        given_[s.key] = s.is_switch ? group->add_flag(s.flag, switches_[s.key], s.description)
                                    : group->add_option(s.flag, values_[s.key], s.description);
    }
    given_["header"] =
        group->add_option("-H,--header", headers_, "Extra header 'Name: value' (repeatable)")
            ->allow_extra_args(false);
    config_.add_to(*group);
}

std::optional<Setting> ConnectionFlags::setting(std::string_view key) const {
    if (auto flag = given_.find(key); flag != given_.end() && flag->second->count() > 0) {
        const std::string& name = flag_names_.find(key)->second;
        if (auto value = values_.find(key); value != values_.end())
            return Setting{value->second, name, Layer::flag};
        return Setting{switches_.find(key)->second ? "true" : "false", name, Layer::flag};
    }
    return config_.lookup(key);
}

bool ConnectionFlags::boolean(std::string_view key, bool& out, std::string& error) const {
    return boolean_setting(setting(key), out, error);
}

bool ConnectionFlags::seconds(std::string_view key, std::chrono::milliseconds& out,
                              std::string& error) const {
    const auto value = setting(key);
    return !value || parse_seconds(*value, out, error);
}

bool ConnectionFlags::resolve(Connection& connection, Purpose purpose, std::string& error) {
    return resolve_url(connection, error) && resolve_user(connection, error) &&
           resolve_password(connection, purpose, error) && resolve_tls(connection, error) &&
           resolve_timeouts(connection, error) && resolve_retries(connection, error) &&
           resolve_headers(connection, error) && resolve_proxy_and_redirects(connection, error);
}

// --url through libcurl's own parser: the scheme and host judged are the ones libcurl uses, and
// user:secret@ is taken out so that no printed URL carries it.
bool ConnectionFlags::resolve_url(Connection& connection, std::string& error) {
    const auto url = setting("url");
    if (!url || url->value.empty()) {
        error = "no SP URL: give --url https://sp.example/onapi, ONORDER_URL, or url in the config";
        return false;
    }
    // A URL that does not parse may still hold a secret: it is shown only without one.
    const std::string as_given =
        url->value.find('@') == std::string::npos ? url->value : std::string("(the URL)");
    const UrlCredentials parts = split_url_credentials(url->value);
    if (!parts.error.empty()) {
        error = fmt::format("{}: {}: {}; give an https:// URL, e.g. https://sp.example/onapi",
                            url->origin, as_given, parts.error);
        return false;
    }
    if (parts.scheme != "https" && parts.scheme != "http") {
        error = fmt::format("{}: {}: only https:// (and http:// to loopback) URLs are supported",
                            url->origin, as_given);
        return false;
    }
    if (parts.password) {
        warn(url->layer == Layer::flag
                 ? "credentials in --url are visible to every local user; prefer --user with "
                   "ONORDER_PASSWORD, --password-file, --netrc or the prompt"
                 : fmt::format("credentials in the URL ({}) are kept in plain text; prefer a "
                               "user with ONORDER_PASSWORD, a password file or a netrc",
                               url->origin));
    }
    url_user_ = parts.user;
    url_password_ = parts.password;

    connection.api_root = parts.url;
    const auto order_path = setting("order_path");
    connection.order_url = order_url(parts.url, order_path ? order_path->value : "");
    if (!boolean("allow_http", connection.allow_http, error))
        return false;
    if (parts.scheme == "http" && !connection.allow_http &&
        !is_loopback_url(connection.order_url)) {
        error = fmt::format("refusing plain http:// to {}: the spec requires TLS (https://); "
                            "--allow-http overrides",
                            parts.url);
        return false;
    }
    return true;
}

// The user: flags beat ONORDER_USER, which beats the config file, which beats the URL's user. A
// password may ride along as NAME:SECRET (warned about in argv) or in the URL.
bool ConnectionFlags::resolve_user(Connection& connection, std::string& error) {
    auto& options = connection.options;
    const auto user = setting("user");
    if (!user || user->value.empty()) {
        options.user = url_user_;
        if (url_password_) {
            options.password = *url_password_;
            connection.password_source = PasswordSource::url;
        }
    } else {
        options.user = user->value;
        if (const auto colon = options.user.find(':'); colon != std::string::npos) {
            options.password = options.user.substr(colon + 1);
            options.user.resize(colon);
            if (user->layer == Layer::flag)
                warn("--user NAME:SECRET puts the password in argv, visible to every local user; "
                     "prefer ONORDER_PASSWORD, --password-file, --netrc or the prompt");
            connection.password_source = user->layer == Layer::flag ? PasswordSource::argv
                                         : user->layer == Layer::environment
                                             ? PasswordSource::user_variable
                                             : PasswordSource::config;
        }
    }
    if (connection.password_source != PasswordSource::none && options.password.empty()) {
        error = fmt::format("the password given with the user {} is empty", options.user);
        return false;
    }
    return true;
}

// The first password source found: flags before the environment before the config file; within
// one of them a password before a password file before a netrc. None, and a terminal: the no-echo
// prompt. Never an empty password: without one a run stops before it connects.
bool ConnectionFlags::resolve_password(Connection& connection, Purpose purpose,
                                       std::string& error) {
    auto& options = connection.options;
    if (connection.password_source != PasswordSource::none)
        return true;
    std::optional<Setting> source;
    std::string_view source_key;
    for (const std::string_view key : {"password", "password_file", "netrc_file", "netrc"}) {
        const bool gives_user = key.starts_with("netrc");
        auto candidate = setting(key);
        // Without a user only a netrc can give credentials.
        if (!candidate || (options.user.empty() && !gives_user) ||
            (source && candidate->layer >= source->layer))
            continue;
        bool wanted = true;
        if (key == "netrc" && !boolean_setting(candidate, wanted, error))
            return false;
        if (wanted) {
            source = std::move(candidate);
            source_key = key;
        }
    }
    if (!source)
        return options.user.empty() || ask_for_password(connection, purpose, error);
    if (source_key == "password") {
        if (source->value.empty()) {
            error = fmt::format("{}: the password is empty", source->origin);
            return false;
        }
        options.password = source->value;
        connection.password_source = source->layer == Layer::environment
                                         ? PasswordSource::environment
                                         : PasswordSource::config;
        return true;
    }
    if (source_key == "password_file")
        return read_password_file(connection, *source, error);
    return resolve_netrc(connection, *source, source_key == "netrc" ? "" : source->value, purpose,
                         error);
}

bool ConnectionFlags::read_password_file(Connection& connection, const Setting& source,
                                         std::string& error) {
    auto& password = connection.options.password;
    std::ifstream in(source.value);
    if (!in) {
        error = fmt::format("{}: {}: {}", source.origin, source.value, std::strerror(errno));
        return false;
    }
    std::getline(in, password);
    if (!password.empty() && password.back() == '\r')
        password.pop_back();
    if (password.empty()) {
        error = fmt::format("{}: {}: the first line is empty, and a password cannot be",
                            source.origin, source.value);
        return false;
    }
    connection.password_source = PasswordSource::file;
    connection.password_file = source.value;
    return true;
}

// The netrc entry for the SP's host (and the user, when one is given), read here: libcurl would
// send "user:" with an empty password when the entry is missing.
bool ConnectionFlags::resolve_netrc(Connection& connection, const Setting& source,
                                    const std::string& file, Purpose purpose, std::string& error) {
    auto& options = connection.options;
    const std::string path = file.empty() ? home_netrc() : file;
    const std::string host = url_host(connection.order_url);
    const NetrcLookup found = read_netrc(path, host, options.user);
    if (found.credentials) {
        options.user = found.credentials->login;
        options.password = found.credentials->password;
        connection.password_source = PasswordSource::netrc;
        connection.netrc_file = file;
        return true;
    }
    const std::string why = fmt::format("{}: {}: {}", source.origin, path, found.error);
    if (purpose == Purpose::dry_run) {
        warn(why + "; a run would stop here");
        return options.user.empty() || ask_for_password(connection, purpose, error);
    }
    error = fmt::format("{}; add 'machine {} login NAME password SECRET' to it, or give the "
                        "password another way",
                        why, host);
    return false;
}

bool ConnectionFlags::ask_for_password(Connection& connection, Purpose purpose,
                                       std::string& error) {
    auto& options = connection.options;
    if (purpose == Purpose::dry_run) {
        warn(fmt::format("no password for {}: a run would ask on the terminal or stop; the curl "
                         "line reads it from ONORDER_PASSWORD",
                         options.user));
        return true;
    }
    if (auto typed = prompt_secret(fmt::format("Password for {}: ", options.user))) {
        if (typed->empty()) {
            error = fmt::format("no password typed for {}", options.user);
            return false;
        }
        options.password = std::move(*typed);
        connection.password_source = PasswordSource::prompt;
        return true;
    }
    error = fmt::format("no password for {}, and no terminal to ask on: {}", options.user,
                        password_sources);
    return false;
}

bool ConnectionFlags::resolve_tls(Connection& connection, std::string& error) {
    auto& tls = connection.options.tls;
    const std::pair<const char*, std::string*> values[] = {
        {"cacert", &tls.cacert},
        {"capath", &tls.capath},
        {"cert", &tls.cert},
        {"key", &tls.key},
        {"pinned_pubkey", &tls.pinned_pubkey},
    };
    for (const auto& [key, value] : values) {
        const auto found = setting(key);
        if (!found)
            continue;
        *value = found->value;
        const bool must_exist =
            std::string_view(key) != "capath" && std::string_view(key) != "pinned_pubkey";
        if (must_exist && !value->empty() && !file_exists(*value)) {
            error = fmt::format("{}: {}: no such file", found->origin, *value);
            return false;
        }
    }
    if (!boolean("insecure", tls.insecure, error))
        return false;
    if (tls.insecure)
        warn("--insecure: the SP's certificate is NOT verified; anyone on the path can read the "
             "order and the credentials");
    return true;
}

bool ConnectionFlags::resolve_timeouts(Connection& connection, std::string& error) {
    return seconds("connect_timeout", connection.options.connect_timeout, error) &&
           seconds("timeout", connection.options.timeout, error);
}

bool ConnectionFlags::resolve_retries(Connection& connection, std::string& error) {
    if (const auto value = setting("retries")) {
        char* end = nullptr;
        errno = 0;
        const long retries = std::strtol(value->value.c_str(), &end, 10);
        if (value->value.empty() || *end != '\0' || errno != 0 || retries < 0 || retries > 100) {
            error =
                fmt::format("{}: '{}' is not a number from 0 to 100", value->origin, value->value);
            return false;
        }
        connection.retry.retries = static_cast<int>(retries);
    }
    return seconds("max_retry_wait", connection.retry.max_wait, error);
}

// -H replaces the configured headers; each must be one well-formed header line (RFC 9110 §5).
bool ConnectionFlags::resolve_headers(Connection& connection, std::string& error) {
    auto& headers = connection.options.headers;
    std::string origin = "--header";
    if (!headers_.empty()) {
        headers = headers_;
    } else if (auto configured = config_.items("header")) {
        headers = std::move(configured->values);
        origin = std::move(configured->origin);
    }
    for (const auto& header : headers)
        if (const std::string why = why_not_header(header); !why.empty()) {
            error = fmt::format("{} {}: {}", origin, shown(header), why);
            return false;
        }
    return true;
}

bool ConnectionFlags::resolve_proxy_and_redirects(Connection& connection, std::string& error) {
    if (const auto proxy = setting("proxy"))
        connection.options.proxy = proxy->value;
    return boolean("location", connection.options.follow_redirects, error);
}

} // namespace onorder::cli
