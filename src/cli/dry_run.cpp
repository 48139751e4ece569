#include "dry_run.hpp"

#include "printers.hpp"

#include <algorithm>
#include <cctype>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace onorder::cli {

std::string shell_quote(std::string_view text) {
    std::string quoted = "'";
    for (char c : text) {
        if (c == '\'')
            quoted += "'\\''";
        else
            quoted += c;
    }
    return quoted + "'";
}

namespace {

// The only place the password is named in a curl line: it is never inlined.
constexpr std::string_view password_variable = "${ONORDER_PASSWORD}";
// Stops the line before curl runs when the variable is empty: never an empty password.
constexpr std::string_view password_guard = ": \"${ONORDER_PASSWORD:?set it to the password}\" &&";

// NAME:PASSWORD as one shell word, PASSWORD being shell code that produces it.
std::string user_word(const std::string& user, std::string_view password) {
    const bool plain = std::all_of(user.begin(), user.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) ||
               std::string_view("._@+-").find(c) != std::string_view::npos;
    });
    if (plain)
        return fmt::format("\"{}:{}\"", user, password);
    return fmt::format("{}\":{}\"", shell_quote(user), password);
}

// Why ONORDER_PASSWORD must be exported before the curl line runs, when the run did not read it
// from there.
std::string_view export_reason(PasswordSource source) {
    switch (source) {
    case PasswordSource::none:
        return "no password was given";
    case PasswordSource::argv:
        return "the password came from --user NAME:SECRET";
    case PasswordSource::url:
        return "the password came from the URL";
    case PasswordSource::user_variable:
        return "the password came from ONORDER_USER";
    case PasswordSource::config:
        return "the password came from the config file";
    case PasswordSource::prompt:
        return "the password was typed at the prompt";
    default:
        return {};
    }
}

struct CurlLine {
    std::string heading;            // "(the password from ONORDER_PASSWORD, never inlined)"
    std::vector<std::string> notes; // comments printed before it
    bool guarded = false;           // needs ONORDER_PASSWORD set
    std::vector<std::string> words; // curl and its arguments, each quoted for the shell
    std::vector<std::string> after; // comments printed after it
};

void add_auth(CurlLine& line, const Connection& connection) {
    const auto& options = connection.options;
    switch (connection.password_source) {
    case PasswordSource::netrc:
        line.heading =
            fmt::format(" (credentials from {})",
                        connection.netrc_file.empty() ? "~/.netrc" : connection.netrc_file);
        line.words.push_back(connection.netrc_file.empty()
                                 ? std::string("--netrc")
                                 : "--netrc-file " + shell_quote(connection.netrc_file));
        return;
    case PasswordSource::file:
        line.heading =
            fmt::format(" (the password read from {}, never inlined)", connection.password_file);
        line.words.push_back(
            "--user " +
            user_word(options.user,
                      fmt::format("$(head -n1 {})", shell_quote(connection.password_file))));
        return;
    default:
        if (options.user.empty())
            return;
        line.heading = " (the password from ONORDER_PASSWORD, never inlined)";
        if (const auto reason = export_reason(connection.password_source); !reason.empty())
            line.notes.push_back(fmt::format("# export ONORDER_PASSWORD first: {}", reason));
        line.guarded = true;
        line.words.push_back("--user " + user_word(options.user, password_variable));
    }
}

CurlLine curl_line(const Connection& connection, const std::string& url,
                   const std::vector<std::string>& headers, const std::string& body,
                   bool post = true) {
    const auto& options = connection.options;
    CurlLine line;
    line.words = {"curl --silent --show-error", shell_quote(url)};
    for (const auto& header : headers)
        line.words.push_back("--header " + shell_quote(header));
    add_auth(line, connection);
    const std::pair<const char*, const std::string*> files[] = {
        {"--cacert", &options.tls.cacert},
        {"--capath", &options.tls.capath},
        {"--cert", &options.tls.cert},
        {"--key", &options.tls.key},
        {"--pinnedpubkey", &options.tls.pinned_pubkey},
        {"--proxy", &options.proxy}};
    for (const auto& [flag, value] : files)
        if (!value->empty())
            line.words.push_back(fmt::format("{} {}", flag, shell_quote(*value)));
    if (options.tls.insecure)
        line.words.emplace_back("--insecure");
    line.words.push_back(fmt::format("--connect-timeout {} --max-time {}",
                                     static_cast<double>(options.connect_timeout.count()) / 1000,
                                     static_cast<double>(options.timeout.count()) / 1000));
    // --data-raw: the body exactly, no trailing newline, no @file reading.
    if (post)
        line.words.push_back("--data-raw " + shell_quote(body));
    return line;
}

std::string joined(const CurlLine& line, std::string_view separator) {
    std::string text = line.guarded ? std::string(password_guard) + (separator == " " ? " " : "\n")
                                    : std::string();
    for (std::size_t i = 0; i < line.words.size(); ++i)
        text += (i == 0 ? "" : std::string(i == 1 ? " " : separator)) + line.words[i];
    return text;
}

} // namespace

std::string curl_command(const HttpRequest& request, const Connection& connection,
                         const Redactor& redactor, std::string_view literal_credentials) {
    Connection shown = connection;
    if (!request.basic_auth || !literal_credentials.empty()) {
        shown.options.user.clear();
        shown.password_source = PasswordSource::none;
    }
    std::vector<std::string> headers;
    for (const auto& header : request.headers)
        headers.push_back(redactor.redact(header));
    CurlLine line = curl_line(shown, redactor.redact(request.url), headers,
                              redactor.redact(request.body), request.method == "POST");
    if (!literal_credentials.empty())
        line.words.insert(line.words.begin() + 2, "--user " + shell_quote(literal_credentials));
    return joined(line, " ");
}

void write_dry_run(std::FILE* out, const HttpRequest& request, const Connection& connection,
                   const Redactor& redactor, DryRunStyle style) {
    const std::string url = redactor.redact(request.url);
    std::vector<std::string> own_headers; // the request's; libcurl adds Authorization
    bool redacted_header = false;
    for (const auto& header : request.headers) {
        own_headers.push_back(redactor.redact(header));
        redacted_header = redacted_header || own_headers.back() != header;
    }
    const std::string body = style.unmask ? request.body : redactor.redact(request.body);
    CurlLine curl = curl_line(connection, url, own_headers, body);
    std::vector<std::string> headers;
    // Where libcurl puts it, after Host; its value is never shown.
    if (request.basic_auth)
        headers.emplace_back("Authorization: Basic [redacted]");
    headers.insert(headers.end(), own_headers.begin(), own_headers.end());
    if (redacted_header)
        curl.after.emplace_back("# Header values redacted above must be filled in before it runs.");
    if (!style.unmask && body != request.body)
        curl.after.emplace_back(
            "# Identity numbers are masked above; --unmask shows them in full.");

    if (style.json) {
        print_json_line(out, nlohmann::ordered_json{{"method", request.method},
                                                    {"url", url},
                                                    {"headers", headers},
                                                    {"body", body},
                                                    {"curl", joined(curl, " ")}});
        return;
    }
    fmt::print(out, "{} {}\n", request.method, url);
    for (const auto& header : headers)
        fmt::print(out, "{}\n", header);
    fmt::print(out, "\n{}\n\n# The same request with curl{}:\n", body, curl.heading);
    for (const auto& note : curl.notes)
        fmt::print(out, "{}\n", note);
    fmt::print(out, "{}\n", joined(curl, " \\\n  "));
    for (const auto& note : curl.after)
        fmt::print(out, "{}\n", note);
}

} // namespace onorder::cli
