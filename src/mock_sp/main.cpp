// onorder-mock-sp: a loopback Open Networks service provider for demos and tests (DESIGN §8).
#include "server.hpp"

#include <cstdio>
#include <exception>
#include <fstream>
#include <optional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <arpa/inet.h>
#include <netinet/in.h>

namespace {

using onorder::mock::ServerSettings;

constexpr int exit_usage = 2;

// A test server answers anyone who can reach it, with any password: keep it off the network.
bool is_loopback(const std::string& host) {
    if (host == "localhost")
        return true;
    in_addr v4{};
    if (inet_pton(AF_INET, host.c_str(), &v4) == 1)
        return (ntohl(v4.s_addr) >> 24) == 127;
    in6_addr v6{};
    return inet_pton(AF_INET6, host.c_str(), &v6) == 1 && IN6_IS_ADDR_LOOPBACK(&v6);
}

std::optional<std::string> first_line_of(const std::string& path) {
    std::ifstream file(path);
    std::string line;
    if (!file || !std::getline(file, line))
        return std::nullopt;
    if (!line.empty() && line.back() == '\r')
        line.pop_back();
    return line;
}

void usage_error(const std::string& message) {
    std::fprintf(stderr, "onorder-mock-sp: error: %s\n", message.c_str());
}

void list_scenarios() {
    for (const onorder::mock::Scenario& scenario : onorder::mock::all_scenarios())
        std::printf("%-20.*s %.*s\n", static_cast<int>(scenario.name.size()), scenario.name.data(),
                    static_cast<int>(scenario.summary.size()), scenario.summary.data());
}

int real_main(int argc, char** argv) {
    CLI::App app{"onorder-mock-sp — a loopback Open Networks service provider (the Order API) for "
                 "demos and tests.\nAn order's products[0].offeringId that names a scenario "
                 "chooses the answer; see --list-scenarios.",
                 "onorder-mock-sp"};
    app.set_version_flag("--version", "onorder-mock-sp " ONORDER_VERSION);

    ServerSettings settings;
    std::string certificate, private_key, client_ca, user, password, password_file, scenario;
    long long delay_ms = 3000;
    bool show_scenarios = false;

    app.add_option("--host", settings.host, "Loopback address to listen on")->capture_default_str();
    app.add_option("--port", settings.port, "Port to listen on; 0 picks a free one")
        ->check(CLI::Range(0, 65535))
        ->capture_default_str();
    auto* cert_option =
        app.add_option("--cert", certificate, "Serve HTTPS with this PEM certificate")
            ->check(CLI::ExistingFile);
    auto* key_option = app.add_option("--key", private_key, "The certificate's PEM private key")
                           ->check(CLI::ExistingFile);
    cert_option->needs(key_option);
    key_option->needs(cert_option);
    app.add_option("--client-ca", client_ca,
                   "Require a client certificate signed by this PEM CA (mutual TLS)")
        ->check(CLI::ExistingFile)
        ->needs(cert_option);
    auto* user_option = app.add_option("--user", user, "Require HTTP basic auth as this user");
    auto* password_option = app.add_option("--password", password, "The user's password");
    auto* password_file_option = app.add_option("--password-file", password_file,
                                                "Read the password from a file's first line")
                                     ->check(CLI::ExistingFile);
    password_option->needs(user_option)->excludes(password_file_option);
    password_file_option->needs(user_option);
    app.add_option("--scenario", scenario,
                   "Answer every order with this scenario unless its offeringId names another")
        ->check(CLI::IsMember(onorder::mock::scenario_names()).description(""))
        ->type_name("NAME");
    app.add_option("--delay-ms", delay_ms, "How long mock-slow waits before answering")
        ->check(CLI::NonNegativeNumber)
        ->capture_default_str();
    app.add_option("--retry-after", settings.answers.retry_after,
                   "Retry-After value sent verbatim by mock-429, mock-503 and their -once forms")
        ->capture_default_str();
    app.add_option("--threads", settings.threads,
                   "Connections served at once (each keep-alive connection holds one)")
        ->check(CLI::Range(1, 1024))
        ->capture_default_str();
    onorder::mock::add_load_options(app, settings.load);
    app.add_flag("-q,--quiet", settings.quiet, "Do not log requests on stderr");
    std::string endpoints_file;
    app.add_option("--endpoints-file", endpoints_file,
                   "Answer GET /2.5/ with this file's bytes instead of the built-in list");
    app.add_flag("--list-scenarios", show_scenarios, "List the scenarios and exit");
    std::vector<std::string> misbehave;
    bool show_misbehaviours = false;
    app.add_option("--misbehave", misbehave,
                   "Break the spec on purpose this way (repeatable); see --list-misbehaviours")
        ->check(CLI::IsMember(onorder::mock::misbehaviour_names()).description(""))
        ->type_name("NAME");
    app.add_flag("--list-misbehaviours", show_misbehaviours, "List the misbehaviours and exit");

    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        const int code = app.exit(e);
        return code == 0 ? 0 : exit_usage;
    }
    if (show_scenarios) {
        list_scenarios();
        return 0;
    }
    if (show_misbehaviours) {
        for (const auto& info : onorder::mock::all_misbehaviours())
            std::printf("%-20.*s %.*s\n", static_cast<int>(info.name.size()), info.name.data(),
                        static_cast<int>(info.summary.size()), info.summary.data());
        return 0;
    }
    for (const std::string& name : misbehave)
        settings.misbehaviours.add(name);
    if (!is_loopback(settings.host)) {
        usage_error("--host " + settings.host +
                    " is not a loopback address (127.0.0.0/8, ::1 or localhost): this is a test "
                    "server");
        return exit_usage;
    }
    if (!certificate.empty())
        settings.tls = onorder::mock::TlsFiles{certificate, private_key, client_ca};
    if (!password_file.empty()) {
        const std::optional<std::string> line = first_line_of(password_file);
        if (!line) {
            usage_error("cannot read a password from " + password_file);
            return exit_usage;
        }
        password = *line;
    }
    if (user_option->count() > 0) {
        if (password_option->count() == 0 && password_file_option->count() == 0) {
            usage_error("--user needs --password or --password-file");
            return exit_usage;
        }
        if (user.find(':') != std::string::npos) { // RFC 7617 §2: the user-id has no colon
            usage_error("--user must not contain ':'");
            return exit_usage;
        }
        settings.auth = onorder::mock::BasicAuth(user, password);
    }
    if (settings.misbehaviours.has(onorder::mock::Misbehaviour::no_auth))
        settings.auth = onorder::mock::BasicAuth(); // accepts every request
    if (!endpoints_file.empty()) {
        std::ifstream in(endpoints_file, std::ios::binary);
        if (!in) {
            usage_error("cannot read " + endpoints_file);
            return exit_usage;
        }
        settings.endpoints_body = std::string(std::istreambuf_iterator<char>(in), {});
    }
    if (!scenario.empty())
        settings.forced_scenario = onorder::mock::find_scenario(scenario);
    settings.answers.delay = std::chrono::milliseconds(delay_ms);
    return onorder::mock::run_server(settings);
}

} // namespace

int main(int argc, char** argv) {
    try {
        return real_main(argc, argv);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "onorder-mock-sp: internal error: %s\n", e.what());
        return 70; // EX_SOFTWARE: a bug, not something the user did
    }
}
