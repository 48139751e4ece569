// Printing `onorder check`'s results: an aligned table for people, one JSON object, JUnit XML.
// Only words and layout: the probes and their judges are in the core (check.hpp).
#pragma once

#include "connection_options.hpp"
#include "terminal.hpp"

#include <onorder/check.hpp>
#include <onorder/redact.hpp>

#include <cstdio>
#include <span>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace onorder::cli {

struct CheckReport {
    std::string url; // the API root checked
    std::span<const ProbeResult> results;
    const Connection* connection = nullptr; // for the curl lines
    const Redactor* redactor = nullptr;     // every SP string and request goes through it
    bool strict = false;
    bool live = false;
};

// The table, then the evidence of every FAIL and WARN (of every probe when `all_evidence`), then
// a count.
void print_check_table(std::FILE* out, const Style& style, const CheckReport& report,
                       bool all_evidence);

// One object: {"url","strict","live","passed","counts",{"probes":[…every probe and its evidence…]}.
nlohmann::ordered_json check_json(const CheckReport& report);

// JUnit XML as Jenkins and GitLab read it: one <testsuite>, a <testcase> per probe, <failure> for
// FAIL (and WARN when strict), <skipped> for SKIP, the evidence in <system-out>.
std::string check_junit(const CheckReport& report);

// Text as XML character data or an attribute value: & < > " ' escaped, and the characters XML 1.0
// does not allow at all (most C0 controls) dropped.
std::string xml_escape(std::string_view text);

} // namespace onorder::cli
