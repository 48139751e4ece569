// onorder submit: build or read orders, validate, send, print the SP's verdicts.
#include "command.hpp"
#include "connection_options.hpp"
#include "dry_run.hpp"
#include "endpoint_list.hpp"
#include "order_options.hpp"
#include "printers.hpp"
#include "terminal.hpp"

#include <onorder/request.hpp>
#include <onorder/submit.hpp>

#include <atomic>
#include <csignal>
#include <thread>

#include <fmt/format.h>

namespace onorder::cli {

namespace {

std::atomic<bool> interrupted{false};

extern "C" void on_interrupt(int) {
    interrupted = true;
}

// A retry wait that SIGINT cuts short: the order is then left as it stands, not sent again.
bool interruptible_sleep(std::chrono::milliseconds wait) {
    const auto until = std::chrono::steady_clock::now() + wait;
    while (!interrupted && std::chrono::steady_clock::now() < until)
        std::this_thread::sleep_for(std::min<std::chrono::milliseconds>(
            std::chrono::milliseconds(50), std::chrono::duration_cast<std::chrono::milliseconds>(
                                               until - std::chrono::steady_clock::now())));
    return !interrupted;
}

class SubmitCommand final : public Command {
  public:
    CLI::App* add_to(CLI::App& app) override {
        auto* command = app.add_subcommand(
            "submit", "Validate orders and send them to the SP; print each verdict");
        order_.add_to(*command);
        connection_flags_.add_to(*command);
        command->add_flag("--dry-run", dry_run_,
                          "Validate and print the exact request and an equivalent curl command; "
                          "send nothing");
        command->add_flag("--unmask", unmask_,
                          "Show identity numbers in full: in --dry-run output, in what the SP "
                          "answers and in the -v trace");
        command->add_flag("--discover", discover_,
                          "Find the order endpoint through the Endpoints API (GET {url}/2.5/) "
                          "instead of the default path or --order-path; say which it used");
        command->add_flag("-v,--verbose", verbose_,
                          "Trace requests and responses on stderr (credentials and identity "
                          "numbers redacted)");
        return command;
    }

    int run() override {
        OrderPlan plan;
        std::string problem;
        Connection connection;
        // Orders before credentials: a bad flag is reported before any password prompt.
        if (!connection_flags_.load_config(problem) ||
            !order_.resolve(connection_flags_.config(), plan, problem) ||
            !connection_flags_.resolve(connection, dry_run_ ? Purpose::dry_run : Purpose::send,
                                       problem)) {
            error(problem);
            return exit_code(Outcome::usage);
        }
        const StreamOptions& stream = plan.stream;
        connection_ = connection;
        json_ = plan.json;
        style_ = style_for(stdout);
        redactor_.add_secret(connection.options.password);
        if (verbose_)
            connection_.options.trace = [](std::string_view line) {
                fmt::print(stderr, "{}\n", line);
            };
        if (discover_)
            if (const Outcome found = discover_order_url(); found != Outcome::accepted)
                return exit_code(found);
        if (!dry_run_)
            client_ = std::make_unique<HttpClient>(connection_.options, redactor_);

        std::signal(SIGINT, on_interrupt);
        if (order_.sources.empty() && (order_.sets_fields() || is_terminal(stdin))) {
            if (!order_.sets_fields()) {
                error("no order given: name a file, - for stdin, or build one with flags "
                      "(see onorder submit --help)");
                return exit_code(Outcome::usage);
            }
            handle(order_.build(plan));
        } else {
            auto sources = order_.sources;
            if (sources.empty())
                sources.push_back("-");
            several_ = sources.size() > 1; // every result labelled, the first one included
            StreamVisitor visitor;
            visitor.order = [this](const CheckedOrder& order) { handle(order); };
            visitor.source_error = [this](const SourceError& e) {
                error(e.message);
                result_ = worst(result_, Outcome::usage);
            };
            // DESIGN §2, exit 3: a file that is not JSON or holds an invalid order sends nothing.
            CheckedSources checked;
            if (!checked.check(sources, stream, visitor)) {
                error("nothing was sent: a JSON document or array is sent only when all of it is "
                      "valid JSON and every order in it is valid (NDJSON is sent line by line)");
                return exit_code(result_);
            }
            checked.stream(stream, visitor, [this] { return !stop_ && !interrupted; });
        }
        if (interrupted)
            result_ = Outcome::interrupted;
        return exit_code(result_);
    }

  private:
    void handle(const CheckedOrder& order) {
        // Everything shown of this order, and what the SP sends back about it, is masked with
        // the order's own numbers too (DESIGN §2, §4).
        Redactor redactor = redactor_;
        if (order.document)
            redactor.add_order(*order.document);
        redactor.show_identity_numbers(unmask_);
        Verdict verdict;
        if (!order.validation.valid()) {
            verdict.outcome = Outcome::invalid;
            verdict.attempts = 0;
            verdict.explanation = "The order is invalid and was not sent.";
        } else if (dry_run_) {
            print_dry_run(order, redactor);
            if (!order.validation.warnings.empty())
                print_problems(stderr, style_for(stderr), order);
            return;
        } else {
            verdict = submit_order(*client_, connection_.order_url, order.body, connection_.retry,
                                   interruptible_sleep, redactor);
        }
        result_ = worst(result_, verdict.outcome);
        // A credentials problem fails every order alike: stop at once (DESIGN §6).
        if (verdict.outcome == Outcome::auth)
            stop_ = true;
        if (json_) {
            print_json_line(stdout, verdict_json(order, verdict));
        } else {
            print_verdict(stdout, style_, order, verdict,
                          several_ || order.framing != Framing::single);
            if (verdict.outcome != Outcome::invalid &&
                (!order.validation.warnings.empty() || !order.changes.empty()))
                print_problems(stdout, style_, order);
        }
        std::fflush(stdout);
    }

    // What a run would send for `order`: the request order_request() builds, as HttpClient
    // sends it, and an equivalent curl line.
    // --discover: the order endpoint the SP's Endpoints API names replaces the default path.
    Outcome discover_order_url() {
        const FetchedList fetched = fetch_endpoint_list(connection_, redactor_);
        if (fetched.outcome != Outcome::accepted) {
            error(fmt::format("--discover: GET {}: {}", fetched.url, fetched.error));
            return fetched.outcome;
        }
        std::string why;
        const std::string found = discovered_order_url(fetched.list, connection_.api_root, why);
        if (found.empty()) {
            error(fmt::format("--discover: GET {}: {}", fetched.url, why));
            return Outcome::http_error;
        }
        connection_.order_url = found;
        fmt::print(stderr, "onorder: the Endpoints API ({}) names the order endpoint {}\n",
                   fetched.url, found);
        return Outcome::accepted;
    }

    void print_dry_run(const CheckedOrder& order, const Redactor& redactor) {
        write_dry_run(stdout, order_request(connection_.options, connection_.order_url, order.body),
                      connection_, redactor, {.unmask = unmask_, .json = json_});
    }

    OrderOptions order_;
    ConnectionFlags connection_flags_;
    Connection connection_;
    bool dry_run_ = false, unmask_ = false, verbose_ = false, json_ = false, stop_ = false;
    bool several_ = false;
    bool discover_ = false;
    Style style_;
    Redactor redactor_;
    std::unique_ptr<HttpClient> client_;
    Outcome result_ = Outcome::accepted;
};

} // namespace

std::unique_ptr<Command> make_submit_command() {
    return std::make_unique<SubmitCommand>();
}

} // namespace onorder::cli
