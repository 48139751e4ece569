// onorder endpoints: GET {url}/2.5/ — the spec's mandatory Endpoints API — listed and checked.
#include "command.hpp"
#include "connection_options.hpp"
#include "endpoint_list.hpp"
#include "output_flag.hpp"
#include "printers.hpp"
#include "terminal.hpp"

#include <onorder/endpoints.hpp>
#include <onorder/formats.hpp>
#include <onorder/helpers.hpp>
#include <onorder/outcome.hpp>

#include <algorithm>
#include <array>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace onorder::cli {

namespace {

using nlohmann::ordered_json;

std::string join(const std::vector<std::string>& items) {
    std::string text;
    for (const auto& item : items)
        text += (text.empty() ? "" : ", ") + item;
    return text;
}

// An aligned table: one row per endpoint, the columns of spec/endpoints.md.
void print_table(const std::vector<Endpoint>& endpoints, const Redactor& redactor) {
    std::vector<std::array<std::string, 5>> rows = {
        {"NAME", "ENDPOINT", "VERSION", "NOTE", "UNSUPPORTED FIELDS"}};
    for (const Endpoint& e : endpoints)
        rows.push_back({redactor.display(e.name, 40), redactor.display(e.endpoint, 80),
                        redactor.display(e.version, 20), redactor.display(e.note, 60),
                        redactor.display(join(e.unsupported_fields), 60)});
    std::array<std::size_t, 5> width{};
    for (const auto& row : rows)
        for (std::size_t i = 0; i < row.size(); ++i)
            width[i] = std::max(width[i], formats::utf8_length(row[i]).value_or(row[i].size()));
    for (const auto& row : rows) {
        std::string line;
        for (std::size_t i = 0; i < row.size(); ++i) {
            line += row[i];
            if (i + 1 < row.size())
                line += std::string(
                    width[i] + 2 - formats::utf8_length(row[i]).value_or(row[i].size()), ' ');
        }
        fmt::print("{}\n", std::string(trim(line, " ")));
    }
}

class EndpointsCommand final : public Command {
  public:
    CLI::App* add_to(CLI::App& app) override {
        auto* command = app.add_subcommand(
            "endpoints", "List the API endpoints the SP offers (GET {url}/2.5/) and check the "
                         "list against spec/endpoints.md");
        connection_flags_.add_to(*command);
        output_.add_to(*command);
        command->add_flag("-v,--verbose", verbose_,
                          "Trace the request and response on stderr (credentials redacted)");
        return command;
    }

    int run() override {
        std::string problem;
        Connection connection;
        if (!connection_flags_.load_config(problem) ||
            !output_.resolve(connection_flags_.config(), problem) ||
            !connection_flags_.resolve(connection, Purpose::send, problem)) {
            error(problem);
            return exit_code(Outcome::usage);
        }
        Redactor redactor;
        redactor.add_secret(connection.options.password);
        if (verbose_)
            connection.options.trace = [](std::string_view line) {
                fmt::print(stderr, "{}\n", line);
            };
        const FetchedList fetched = fetch_endpoint_list(connection, redactor);
        if (fetched.outcome != Outcome::accepted)
            return failed(fetched);
        const EndpointList& list = fetched.list;
        const std::string& url = fetched.url;
        if (output_.json()) {
            ordered_json line = {{"url", url}, {"http", fetched.http}};
            line["endpoints"] = ordered_json::array();
            for (const Endpoint& e : list.endpoints) {
                ordered_json entry = {{"name", e.name},
                                      {"endpoint", e.endpoint},
                                      {"version", e.version},
                                      {"documentation", e.documentation}};
                if (!e.note.empty())
                    entry["note"] = e.note;
                if (!e.unsupported_fields.empty())
                    entry["unsupportedFields"] = e.unsupported_fields;
                line["endpoints"].push_back(std::move(entry));
            }
            line["problems"] = list.problems;
            print_json_line(stdout, line);
        } else {
            print_table(list.endpoints, redactor);
            for (const auto& problem_text : list.problems)
                fmt::print("problem: {} (spec/endpoints.md)\n", redactor.display(problem_text));
        }
        // A list that breaks the spec is an unexpected answer (DESIGN §2, exit 6).
        return exit_code(list.problems.empty() ? Outcome::accepted : Outcome::http_error);
    }

  private:
    int failed(const FetchedList& fetched) {
        if (output_.json())
            print_json_line(stdout, ordered_json{{"url", fetched.url},
                                                 {"http", fetched.http},
                                                 {"outcome", name(fetched.outcome)},
                                                 {"error", fetched.error}});
        else
            error(fmt::format("GET {}: {}", fetched.url, fetched.error));
        return exit_code(fetched.outcome);
    }

    ConnectionFlags connection_flags_;
    OutputFlag output_;
    bool verbose_ = false;
};

} // namespace

std::unique_ptr<Command> make_endpoints_command() {
    return std::make_unique<EndpointsCommand>();
}

} // namespace onorder::cli
