#include "check_report.hpp"

#include "dry_run.hpp"

#include <onorder/helpers.hpp>
#include <onorder/response.hpp>

#include <algorithm>
#include <array>

#include <fmt/format.h>

namespace onorder::cli {

namespace {

using nlohmann::ordered_json;

constexpr std::size_t body_excerpt_chars = 300;

std::string_view credentials_words(Credentials credentials) {
    switch (credentials) {
    case Credentials::configured:
        return "the configured credentials";
    case Credentials::none:
        return "no credentials";
    case Credentials::wrong:
        return "a wrong password";
    }
    return {};
}

// The evidence of one probe, every piece of it as it may be shown.
struct Evidence {
    std::string request_line; // "POST https://…/2.5/sp_spec/order/"
    std::vector<std::string> request_headers;
    std::string request_body;
    std::string answer;               // "HTTP 401, HTTP/1.1, TLSv1.3, 3 ms" or "no answer: …"
    std::vector<std::string> headers; // every response header
    std::vector<std::string> relevant_headers; // those worth a person's eye
    std::string body_excerpt;
    std::string curl;
};

std::string literal_credentials(const ProbeResult& result, const Connection& connection) {
    if (result.probe->credentials != Credentials::wrong)
        return {};
    const std::string& user =
        connection.options.user.empty() ? std::string("onorder-check") : connection.options.user;
    return user + ":" + std::string(wrong_password);
}

Evidence evidence_of(const ProbeResult& result, const CheckReport& report) {
    Evidence evidence;
    if (!result.sent)
        return evidence;
    const Redactor& redactor = *report.redactor;
    const HttpRequest& request = result.request;
    const HttpExchange& exchange = result.exchange;
    evidence.request_line = fmt::format("{} {}", request.method, redactor.redact(request.url));
    if (request.basic_auth)
        evidence.request_headers.emplace_back("Authorization: Basic [redacted]");
    for (const auto& header : request.headers)
        evidence.request_headers.push_back(redactor.redact(header));
    evidence.request_body = redactor.display(redactor.redact(request.body), body_excerpt_chars);
    if (exchange.reach == HttpExchange::Reach::answered) {
        evidence.answer =
            fmt::format("HTTP {} {}", exchange.http_status, status_meaning(exchange.http_status));
        if (!exchange.protocol.empty())
            evidence.answer += ", " + exchange.protocol;
        if (!exchange.tls_version.empty())
            evidence.answer += ", " + exchange.tls_version;
    } else {
        evidence.answer = "no answer: " + redactor.display(exchange.curl_error, 300);
    }
    evidence.answer += fmt::format(", {} ms", exchange.elapsed.count());
    for (const auto& [name, value] : exchange.headers) {
        std::string line = redactor.display(name, 80) + ": " + redactor.display(value, 200);
        if (relevant_header(name))
            evidence.relevant_headers.push_back(line);
        evidence.headers.push_back(std::move(line));
    }
    evidence.body_excerpt = redactor.display(exchange.body, body_excerpt_chars);
    evidence.curl = curl_command(request, *report.connection, redactor,
                                 literal_credentials(result, *report.connection));
    return evidence;
}

std::array<int, 4> counts(std::span<const ProbeResult> results) {
    std::array<int, 4> count{};
    for (const ProbeResult& result : results)
        ++count.at(static_cast<std::size_t>(result.judgement.status));
    return count;
}

std::string_view colour_of(const Style& style, ProbeStatus status) {
    switch (status) {
    case ProbeStatus::pass:
        return style.green();
    case ProbeStatus::warn:
        return style.yellow();
    case ProbeStatus::fail:
        return style.red();
    case ProbeStatus::skip:
        return style.dim();
    }
    return {};
}

void print_evidence(std::FILE* out, const Style& style, const ProbeResult& result,
                    const CheckReport& report) {
    const Probe& probe = *result.probe;
    const ProbeStatus status = result.judgement.status;
    fmt::print(out, "\n{}{}{} {}{}{}: {}\n", style.bold(), colour_of(style, status),
               status_word(status), probe.name, style.reset(), "", result.judgement.detail);
    const auto field = [&](std::string_view label, std::string_view text) {
        if (!text.empty())
            fmt::print(out, "  {}{:<9}{} {}\n", style.dim(), label, style.reset(), text);
    };
    field("sends:", probe.sends);
    field("expects:", probe.expects);
    field("spec:", probe.spec);
    if (!result.sent)
        return;
    const Evidence evidence = evidence_of(result, report);
    field("request:",
          fmt::format("{} ({})", evidence.request_line, credentials_words(probe.credentials)));
    field("answer:", evidence.answer);
    for (const auto& header : evidence.relevant_headers)
        field("header:", header);
    field("body:", evidence.body_excerpt);
    field("curl:", evidence.curl);
}

} // namespace

void print_check_table(std::FILE* out, const Style& style, const CheckReport& report,
                       bool all_evidence) {
    std::size_t name_width = std::string_view("PROBE").size();
    for (const ProbeResult& result : report.results)
        name_width = std::max(name_width, result.probe->name.size());
    fmt::print(out, "{}{:<{}}  RESULT  DETAIL{}\n", style.bold(), "PROBE", name_width,
               style.reset());
    for (const ProbeResult& result : report.results) {
        const ProbeStatus status = result.judgement.status;
        fmt::print(out, "{:<{}}  {}{}{}    {}\n", result.probe->name, name_width,
                   colour_of(style, status), status_word(status), style.reset(),
                   result.judgement.detail);
    }
    // Unreachable, every probe fails the same way: the first one's evidence says it all.
    const bool unreached = unreachable(report.results);
    for (const ProbeResult& result : report.results) {
        const ProbeStatus status = result.judgement.status;
        if (all_evidence || status == ProbeStatus::fail || status == ProbeStatus::warn) {
            print_evidence(out, style, result, report);
            if (unreached && !all_evidence)
                break;
        }
    }
    const auto count = counts(report.results);
    fmt::print(out, "\n{} probes: {} passed, {} warned, {} failed, {} skipped{}\n",
               report.results.size(), count[0], count[1], count[2], count[3],
               report.strict && count[1] > 0 ? " (--strict: warnings count as failures)" : "");
}

ordered_json check_json(const CheckReport& report) {
    const auto count = counts(report.results);
    ordered_json root = {
        {"url", report.redactor->redact(report.url)},
        {"strict", report.strict},
        {"live", report.live},
        {"passed", !failed(report.results, report.strict)},
        {"counts",
         {{"pass", count[0]}, {"warn", count[1]}, {"fail", count[2]}, {"skip", count[3]}}}};
    ordered_json probes = ordered_json::array();
    for (const ProbeResult& result : report.results) {
        const Probe& probe = *result.probe;
        ordered_json item = {{"name", probe.name},
                             {"result", lower(status_word(result.judgement.status))},
                             {"detail", result.judgement.detail},
                             {"sends", probe.sends},
                             {"expects", probe.expects},
                             {"spec", probe.spec}};
        if (result.sent) {
            const Evidence evidence = evidence_of(result, report);
            item["request"] = {{"line", evidence.request_line},
                               {"credentials", credentials_words(probe.credentials)},
                               {"headers", evidence.request_headers},
                               {"body", evidence.request_body}};
            ordered_json response = {
                {"answered", result.exchange.reach == HttpExchange::Reach::answered},
                {"http", result.exchange.http_status},
                {"protocol", result.exchange.protocol},
                {"tls", result.exchange.tls_version},
                {"ms", result.exchange.elapsed.count()},
                {"headers", evidence.headers},
                {"body_excerpt", evidence.body_excerpt}};
            if (!result.exchange.curl_error.empty())
                response["error"] = report.redactor->display(result.exchange.curl_error, 300);
            item["response"] = std::move(response);
            item["curl"] = evidence.curl;
        }
        probes.push_back(std::move(item));
    }
    root["probes"] = std::move(probes);
    return root;
}

std::string xml_escape(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (const char c : text) {
        switch (c) {
        case '&':
            out += "&amp;";
            break;
        case '<':
            out += "&lt;";
            break;
        case '>':
            out += "&gt;";
            break;
        case '"':
            out += "&quot;";
            break;
        case '\'':
            out += "&apos;";
            break;
        default:
            // XML 1.0 §2.2: of the C0 controls only tab, line feed and carriage return.
            if (static_cast<unsigned char>(c) >= 0x20 || c == '\t' || c == '\n' || c == '\r')
                out += c;
        }
    }
    return out;
}

std::string check_junit(const CheckReport& report) {
    const auto count = counts(report.results);
    int failures = 0;
    for (const ProbeResult& result : report.results)
        failures += counts_as_failure(result.judgement.status, report.strict) ? 1 : 0;
    double seconds = 0;
    for (const ProbeResult& result : report.results)
        seconds += static_cast<double>(result.exchange.elapsed.count()) / 1000;
    std::string xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
    xml += fmt::format("<testsuites tests=\"{}\" failures=\"{}\" errors=\"0\" skipped=\"{}\">\n",
                       report.results.size(), failures, count[3]);
    xml += fmt::format("  <testsuite name=\"onorder check\" tests=\"{}\" failures=\"{}\" "
                       "errors=\"0\" skipped=\"{}\" time=\"{:.3f}\">\n",
                       report.results.size(), failures, count[3], seconds);
    xml += fmt::format("    <properties><property name=\"url\" value=\"{}\"/></properties>\n",
                       xml_escape(report.redactor->redact(report.url)));
    for (const ProbeResult& result : report.results) {
        const Probe& probe = *result.probe;
        const ProbeStatus status = result.judgement.status;
        std::string evidence =
            fmt::format("{}: {}\nsends: {}\nexpects: {}\nspec: {}\n", status_word(status),
                        result.judgement.detail, probe.sends, probe.expects, probe.spec);
        if (result.sent) {
            const Evidence e = evidence_of(result, report);
            evidence += fmt::format("request: {} ({})\n", e.request_line,
                                    credentials_words(probe.credentials));
            for (const auto& header : e.request_headers)
                evidence += "  " + header + "\n";
            if (!e.request_body.empty())
                evidence += "  " + e.request_body + "\n";
            evidence += "answer: " + e.answer + "\n";
            for (const auto& header : e.headers)
                evidence += "  " + header + "\n";
            if (!e.body_excerpt.empty())
                evidence += "  " + e.body_excerpt + "\n";
            evidence += "curl: " + e.curl + "\n";
        }
        xml += fmt::format(
            "    <testcase classname=\"onorder.check\" name=\"{}\" time=\"{:.3f}\">\n",
            xml_escape(probe.name), static_cast<double>(result.exchange.elapsed.count()) / 1000);
        const std::string message =
            xml_escape(fmt::format("{}: {} (expected: {}; {})", status_word(status),
                                   result.judgement.detail, probe.expects, probe.spec));
        if (counts_as_failure(status, report.strict))
            xml += fmt::format("      <failure message=\"{}\" type=\"{}\">{}</failure>\n", message,
                               status_word(status), xml_escape(evidence));
        else if (status == ProbeStatus::skip)
            xml += fmt::format("      <skipped message=\"{}\">{}</skipped>\n", message,
                               xml_escape(evidence));
        xml += fmt::format("      <system-out>{}</system-out>\n", xml_escape(evidence));
        xml += "    </testcase>\n";
    }
    xml += "  </testsuite>\n</testsuites>\n";
    return xml;
}

} // namespace onorder::cli
