// onorder check: the SP integrator's conformance report (DESIGN §7). The probes are the core's
// table (check.hpp); this file only wires flags and prints.
#include "check_report.hpp"
#include "command.hpp"
#include "connection_options.hpp"
#include "output_flag.hpp"
#include "printers.hpp"
#include "terminal.hpp"

#include <onorder/check.hpp>
#include <onorder/helpers.hpp>
#include <onorder/order_template.hpp>
#include <onorder/outcome.hpp>

#include <cmath>
#include <fstream>
#include <iterator>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace onorder::cli {

namespace {

class CheckCommand final : public Command {
  public:
    CLI::App* add_to(CLI::App& app) override {
        auto* command = app.add_subcommand(
            "check", "Conformance probes against an SP's endpoint: TLS, the Endpoints API, "
                     "authentication, error answers; each PASS, FAIL, WARN or SKIP with evidence");
        connection_flags_.add_to(*command);
        output_.add_to(*command);
        command
            ->add_option("--junit", junit_file_,
                         "Also write the results as JUnit XML to FILE (Jenkins, GitLab)")
            ->type_name("FILE");
        command->add_flag("--live", live_,
                          "Also send a valid order: this places a REAL order with the SP");
        command
            ->add_option("--order", order_file_,
                         "The valid order (JSON) the probes start from; the default is "
                         "`onorder template`'s")
            ->type_name("FILE");
        command->add_flag("--strict", strict_, "Count a WARN as a FAIL");
        command
            ->add_option("--warn-after", warn_after_seconds_,
                         "Warn when an answer takes longer than SECONDS")
            ->check(CLI::NonNegativeNumber)
            ->capture_default_str()
            ->type_name("SECONDS");
        command->add_flag("-v,--verbose", verbose_, "Print the evidence of every probe");
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
        CheckSettings settings;
        if (!read_order(settings.order, problem)) {
            error(problem);
            return exit_code(Outcome::usage);
        }
        settings.api_root = connection.api_root;
        settings.order_url = connection.order_url;
        settings.connection = connection.options;
        settings.live = live_;
        settings.warn_after = std::chrono::milliseconds(std::llround(warn_after_seconds_ * 1000.0));

        Redactor redactor;
        redactor.add_secret(connection.options.password);
        const Style err_style = style_for(stderr);
        const auto before_live = [&](const Probe& probe) {
            fmt::print(stderr, "{}{}onorder: LIVE: {} sends a REAL order to {} now{}\n",
                       err_style.bold(), err_style.red(), probe.name,
                       redactor.redact(settings.order_url), err_style.reset());
            std::fflush(stderr);
        };
        const std::vector<ProbeResult> results = run_check(settings, redactor, before_live);

        const CheckReport report{.url = connection.api_root,
                                 .results = results,
                                 .connection = &connection,
                                 .redactor = &redactor,
                                 .strict = strict_,
                                 .live = live_};
        if (output_.json())
            print_json_line(stdout, check_json(report));
        else
            print_check_table(stdout, style_for(stdout), report, verbose_);
        if (!junit_file_.empty() && !write_junit(report))
            return exit_code(Outcome::usage);
        if (unreachable(results)) {
            if (!output_.json())
                error(
                    fmt::format("cannot reach the SP at {}", redactor.redact(connection.api_root)));
            return exit_code(Outcome::no_connection);
        }
        // DESIGN §2: exit 1 when a probe failed, as for a rejected order.
        return exit_code(failed(results, strict_) ? Outcome::rejected : Outcome::accepted);
    }

  private:
    bool read_order(nlohmann::json& order, std::string& problem) const {
        if (order_file_.empty()) {
            order = example_order(std::chrono::system_clock::now());
            return true;
        }
        std::ifstream in(order_file_, std::ios::binary);
        if (!in) {
            problem = fmt::format("--order: cannot read {}", order_file_);
            return false;
        }
        order = nlohmann::json::parse(std::istreambuf_iterator<char>(in),
                                      std::istreambuf_iterator<char>(), nullptr, false);
        if (!order.is_object()) {
            problem = fmt::format("--order: {} is not a JSON object (one order)", order_file_);
            return false;
        }
        return true;
    }

    bool write_junit(const CheckReport& report) const {
        std::string problem;
        if (!write_private_file(junit_file_, check_junit(report), problem)) {
            error("--junit: " + problem);
            return false;
        }
        return true;
    }

    ConnectionFlags connection_flags_;
    OutputFlag output_;
    std::string junit_file_;
    std::string order_file_;
    bool live_ = false;
    bool strict_ = false;
    bool verbose_ = false;
    double warn_after_seconds_ = 2.0;
};

} // namespace

std::unique_ptr<Command> make_check_command() {
    return std::make_unique<CheckCommand>();
}

} // namespace onorder::cli
