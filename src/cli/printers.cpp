#include "printers.hpp"

#include <onorder/date_time.hpp>
#include <onorder/fingerprint.hpp>

#include <cctype>

#include <fmt/format.h>

namespace onorder::cli {

namespace {

nlohmann::ordered_json problems_json(const Problems& problems) {
    auto list = nlohmann::ordered_json::array();
    for (const auto& problem : problems) {
        nlohmann::ordered_json item = {
            {"path", problem.path}, {"rule", problem.rule}, {"message", problem.message}};
        if (!problem.hint.empty())
            item["hint"] = problem.hint;
        if (!problem.flag.empty())
            item["flag"] = problem.flag;
        list.push_back(std::move(item));
    }
    return list;
}

nlohmann::ordered_json changes_json(const std::vector<Change>& changes) {
    auto list = nlohmann::ordered_json::array();
    for (const auto& change : changes)
        list.push_back({{"path", change.path}, {"from", change.before}, {"to", change.after}});
    return list;
}

void print_problem_list(std::FILE* out, const Style& style, const Problems& problems,
                        std::string_view kind, std::string_view colour) {
    for (const auto& problem : problems) {
        // A field set by a flag is named by the flag the user typed, and where it went.
        std::string path = problem.path.empty() ? "(document)" : problem.path;
        if (!problem.flag.empty())
            path = fmt::format("{} ({})", problem.flag, path);
        fmt::print(out, "  {}{}{} {} [{}]: {}\n", colour, kind, style.reset(), path, problem.rule,
                   problem.message);
        if (!problem.hint.empty())
            fmt::print(out, "      {}fix:{} {}\n", style.dim(), style.reset(), problem.hint);
    }
}

} // namespace

nlohmann::ordered_json validation_json(const CheckedOrder& order) {
    nlohmann::ordered_json line = {{"source", order.source}, {"index", order.index}};
    if (order.framing == Framing::ndjson)
        line["line"] = order.line;
    line["valid"] = order.validation.valid();
    line["errors"] = problems_json(order.validation.errors);
    line["warnings"] = problems_json(order.validation.warnings);
    if (!order.changes.empty())
        line["changes"] = changes_json(order.changes);
    return line;
}

void print_problems(std::FILE* out, const Style& style, const CheckedOrder& order) {
    for (const auto& change : order.changes)
        fmt::print(out, "  {}fixed{} {}: {} -> {}\n", style.green(), style.reset(), change.path,
                   change.before, change.after);
    print_problem_list(out, style, order.validation.errors, "error  ", style.red());
    print_problem_list(out, style, order.validation.warnings, "warning", style.yellow());
}

nlohmann::ordered_json verdict_json(const CheckedOrder& order, const Verdict& verdict) {
    nlohmann::ordered_json line = {{"source", order.source}, {"index", order.index}};
    if (order.framing == Framing::ndjson)
        line["line"] = order.line;
    line["outcome"] = name(verdict.outcome);
    if (!verdict.status.empty())
        line["status"] = verdict.status;
    if (!verdict.message.empty())
        line["message"] = verdict.message;
    if (!verdict.cause.empty())
        line["cause"] = verdict.cause;
    line["http"] = verdict.http_status;
    line["attempts"] = verdict.attempts;
    line["ms"] = verdict.elapsed.count();
    if (!verdict.note.empty())
        line["note"] = verdict.note;
    if (verdict.not_before)
        line["not_before"] = format_date_time(*verdict.not_before);
    if (verdict.earlier_run)
        line["earlier_run"] = true;
    if (!verdict.explanation.empty() &&
        (verdict.outcome != Outcome::accepted || verdict.earlier_run))
        line["explanation"] = verdict.explanation;
    if (!order.fingerprint.empty())
        line["fingerprint"] = order.fingerprint;
    else if (order.document)
        line["fingerprint"] = fingerprint(*order.document);
    if (verdict.outcome == Outcome::invalid)
        line["errors"] = problems_json(order.validation.errors);
    if (!order.validation.warnings.empty())
        line["warnings"] = problems_json(order.validation.warnings);
    if (!order.changes.empty())
        line["changes"] = changes_json(order.changes);
    return line;
}

void print_verdict(std::FILE* out, const Style& style, const CheckedOrder& order,
                   const Verdict& verdict, bool several) {
    const auto& outcome = info(verdict.outcome);
    const bool good = verdict.outcome == Outcome::accepted;
    const auto colour = good ? style.green() : style.red();
    std::string headline(verdict.headline.empty() ? outcome.words : verdict.headline);
    if (!headline.empty())
        headline.front() =
            static_cast<char>(std::toupper(static_cast<unsigned char>(headline.front())));
    if (!verdict.status.empty())
        headline += fmt::format(" ({})", verdict.status);
    else if (verdict.outcome == Outcome::http_error && verdict.http_status > 0)
        headline +=
            fmt::format(" ({} {})", verdict.http_status, status_meaning(verdict.http_status));
    if (several)
        fmt::print(out, "{}: ", order_label(order));
    fmt::print(out, "{}{}{}{}\n", style.bold(), colour, headline, style.reset());
    if (!verdict.message.empty())
        fmt::print(out, "  Tell the customer: \"{}\"\n", verdict.message);
    if (!verdict.note.empty())
        fmt::print(out, "  Note: {}\n", verdict.note);
    if (!verdict.cause.empty())
        fmt::print(out, "  Cause (for you, not the customer): {}\n", verdict.cause);
    // The headline of an invalid order already says it was not sent; its problems follow.
    if (!verdict.explanation.empty() && (!good || verdict.earlier_run) &&
        verdict.outcome != Outcome::invalid)
        fmt::print(out, "  {}\n", verdict.explanation);
    if (verdict.outcome == Outcome::invalid) {
        print_problems(out, style, order);
        return;
    }
    std::string details;
    if (verdict.http_status > 0)
        details = fmt::format("HTTP {}", verdict.http_status);
    else
        details = "no HTTP answer";
    details += fmt::format(", {} ms, {} attempt{}", verdict.elapsed.count(), verdict.attempts,
                           verdict.attempts == 1 ? "" : "s");
    fmt::print(out, "  {}{}{}\n", style.dim(), details, style.reset());
}

void print_json_line(std::FILE* out, const nlohmann::ordered_json& line) {
    // Replace invalid UTF-8 rather than throw: a hostile SP's bytes must not crash the output.
    const std::string text =
        line.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
    std::fwrite(text.data(), 1, text.size(), out);
    std::fputc('\n', out);
}

} // namespace onorder::cli
