// `onorder check`: the SP integrator's conformance probes (DESIGN §7). Each probe is one row of a
// table — what it sends, what the spec requires, where it says so, and a judge — so adding a probe
// is adding a row.
#pragma once

#include <onorder/http_client.hpp>
#include <onorder/redact.hpp>
#include <onorder/request.hpp>

#include <chrono>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace onorder {

enum class ProbeStatus { pass, warn, fail, skip };
std::string_view status_word(ProbeStatus status); // "PASS", "WARN", "FAIL", "SKIP"

struct Judgement {
    ProbeStatus status = ProbeStatus::pass;
    std::string detail; // one line for people; SP text in it already went through the redactor
};

// Where a probe sends its request.
enum class Target {
    none,         // a summary of the other probes' answers: nothing is sent
    endpoints,    // GET {url}/2.5/
    order,        // POST {url}/2.5/sp_spec/order/ (or --order-path)
    unknown_path, // GET {url}/2.5/onorder-check-no-such-endpoint/
    plain_http,   // POST to the order URL with http:// in place of https://
};

// Which credentials go with it.
enum class Credentials {
    configured, // the user's (--user and a password source)
    none,       // no Authorization header
    wrong,      // the configured user (or "onorder-check") with a password that is surely wrong
};

// What the body is.
enum class Payload {
    none,           // a GET
    valid_order,    // the order (--order FILE, else `onorder template`'s): a real order
    empty_object,   // {}: nothing an SP could accept
    malformed_json, // a valid order cut off in the middle
    bad_luhn,       // the order with the identity number's check digit wrong
    missing_field,  // the order without coAccessId (mandatory, spec/order.md Request)
};

inline constexpr std::string_view wrong_password = "onorder-check-wrong-password";
inline constexpr std::string_view unknown_path = "2.5/onorder-check-no-such-endpoint/";

struct ProbeResult;

// What judges know besides the exchange.
struct JudgeContext {
    const Redactor* redactor = nullptr; // every piece of SP text in a detail goes through it
    bool insecure = false;              // --insecure: the certificate was not verified
    std::chrono::milliseconds warn_after{2000};
    std::chrono::milliseconds timeout{60'000};
};

struct Probe {
    std::string_view name;    // stable, for --output json and JUnit: "no-credentials"
    std::string_view sends;   // in words
    std::string_view expects; // what passes
    std::string_view spec;    // the spec file and section that says so
    Target target = Target::none;
    Credentials credentials = Credentials::configured;
    Payload payload = Payload::none;
    bool live = false; // places a real order: only with --live
    // A probe that sends is judged on its own exchange …
    Judgement (*judge)(const HttpRequest&, const HttpExchange&, const JudgeContext&) = nullptr;
    // … a summary on every earlier probe's.
    Judgement (*summarise)(std::span<const ProbeResult>, const JudgeContext&) = nullptr;
};

std::span<const Probe> all_probes();

struct ProbeResult {
    const Probe* probe = nullptr;
    Judgement judgement;
    bool sent = false;   // a request was made: `request` and `exchange` hold it
    HttpRequest request; // as sent (the CLI redacts it for display)
    HttpExchange exchange;
};

struct CheckSettings {
    std::string api_root;  // --url without credentials
    std::string order_url; // where orders go
    ConnectionOptions connection;
    nlohmann::json order; // the valid order the order probes start from
    bool live = false;    // --live: the probes that place a real order run
    std::chrono::milliseconds warn_after{2000};
};

// The bodies the probes send, from the valid order.
std::string probe_body(Payload payload, const nlohmann::json& order);

// The http:// form of an https:// URL (the same host and port); the URL itself otherwise.
std::string plain_http_url(std::string_view url);

// Runs every probe in table order. `before_live` is called just before a live probe sends.
// Identity numbers of the bodies sent are added to `redactor`.
std::vector<ProbeResult> run_check(const CheckSettings& settings, Redactor& redactor,
                                   const std::function<void(const Probe&)>& before_live = {});

// Whether the SP could not be reached at all: no probe but plain-http got its request out.
bool unreachable(std::span<const ProbeResult> results);

// Whether one probe's status fails the run: a FAIL, or with `strict` a WARN too.
bool counts_as_failure(ProbeStatus status, bool strict);

// Whether the run failed: a probe's status counts_as_failure().
bool failed(std::span<const ProbeResult> results, bool strict);

// The response headers a person reading the evidence needs.
bool relevant_header(std::string_view name);

} // namespace onorder
