// onorder submit: build or read orders, validate, send, print the SP's verdicts.
#include "batch_output.hpp"
#include "command.hpp"
#include "connection_options.hpp"
#include "dry_run.hpp"
#include "endpoint_list.hpp"
#include "order_options.hpp"
#include "printers.hpp"
#include "terminal.hpp"

#include <onorder/batch.hpp>
#include <onorder/request.hpp>

#include <atomic>
#include <csignal>
#include <cstdlib>
#include <thread>

#include <fmt/format.h>

namespace onorder::cli {

namespace {

// The batch a signal concerns; set while one runs.
std::atomic<Batch*> running_batch{nullptr};

extern "C" void on_stop_signal(int) {
    if (Batch* batch = running_batch.load())
        batch->interrupt();
}

void catch_stop_signals() {
    struct sigaction action {};
    action.sa_handler = on_stop_signal;
    sigemptyset(&action.sa_mask);
    sigaction(SIGINT, &action, nullptr);
    sigaction(SIGTERM, &action, nullptr);
}

// "--rate 50" or "--rate 50/s": orders started per second.
std::optional<double> parse_rate(std::string text) {
    if (text.size() > 2 && text.substr(text.size() - 2) == "/s")
        text.resize(text.size() - 2);
    char* end = nullptr;
    errno = 0;
    const double rate = std::strtod(text.c_str(), &end);
    if (text.empty() || *end != '\0' || errno != 0 || !(rate > 0) || rate > 1e6)
        return std::nullopt;
    return rate;
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
        command
            ->add_option("--parallel", parallel_,
                         "Requests at once (default 1); connections are reused and HTTP/2 "
                         "multiplexed when the SP offers it")
            ->check(CLI::Range(1, 256))
            ->type_name("N");
        command->add_option("--rate", rate_, "Start at most N requests per second (N or N/s)")
            ->type_name("N");
        command
            ->add_option("--max-errors", max_errors_,
                         "Stop the batch after N errors (invalid, 400, HTTP errors, no "
                         "connection, unknown); the rest are reported not_sent")
            ->check(CLI::Range(1, 1'000'000'000))
            ->type_name("N");
        command
            ->add_option("--journal", journal_path_,
                         "Record each send and outcome in FILE (JSON lines, 0600); a re-run "
                         "with it sends every order at most once")
            ->type_name("FILE");
        command->add_flag("--resend-unknown", resend_unknown_,
                          "With --journal: send again orders an earlier run may have delivered "
                          "(outcome unknown)");
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
        if (!rate_.empty() && !parse_rate(rate_)) {
            error(fmt::format("--rate {}: give orders per second, a number above 0 (50 or 50/s)",
                              rate_));
            return exit_code(Outcome::usage);
        }
        if (resend_unknown_ && journal_path_.empty()) {
            error("--resend-unknown needs --journal: without one no earlier run is known");
            return exit_code(Outcome::usage);
        }
        const bool from_flags =
            order_.sources.empty() && (order_.sets_fields() || is_terminal(stdin));
        if (from_flags && !order_.sets_fields()) {
            error("no order given: name a file, - for stdin, or build one with flags "
                  "(see onorder submit --help)");
            return exit_code(Outcome::usage);
        }
        if (dry_run_)
            return dry_run(plan, from_flags);

        std::unique_ptr<Journal> journal;
        if (!journal_path_.empty()) {
            std::string problem;
            std::vector<std::string> notices;
            journal = Journal::open(journal_path_, problem, notices);
            for (const std::string& notice : notices)
                warn(notice);
            if (!journal) {
                error(problem);
                return exit_code(Outcome::usage);
            }
        }
        auto checked = std::make_unique<CheckedSources>();
        if (!from_flags) {
            progress_ = is_terminal(stderr);
            checked->count_ndjson = progress_;
            if (!check_sources(*checked, stream))
                return exit_code(result_);
        }

        BatchSettings settings;
        settings.url = connection_.order_url;
        settings.retry = connection_.retry;
        settings.parallel = parallel_;
        settings.rate = rate_.empty() ? 0 : *parse_rate(rate_);
        settings.max_errors = max_errors_;
        settings.resend_unknown = resend_unknown_;
        settings.journal = journal.get();
        // Heap-held: when a reading thread is stuck in a read at an interruption, the process
        // exits without tearing down what it uses.
        auto* batch = new Batch(connection_.options, redactor_, settings);
        batch->on_result = [this](const BatchOrder& item, const Verdict& verdict) {
            clear_progress();
            show_result(item.order, verdict);
        };
        // The results of one turn go out in one write (a line at a time on a terminal).
        batch->on_turn_end = [] { std::fflush(stdout); };
        batch->on_source_error = [this](const SourceError& e) {
            clear_progress();
            error(e.message);
        };
        batch->on_notice = [this](std::string_view notice) {
            clear_progress();
            fmt::print(stderr, "onorder: {}\n", notice);
        };
        std::optional<std::size_t> total =
            from_flags ? std::optional<std::size_t>(1) : checked->total();
        if (progress_)
            batch->on_progress = [this, total](const BatchCounts& counts) {
                fmt::print(stderr, "\r\033[K{}", progress_line(counts, total));
                std::fflush(stderr);
                progress_shown_ = true;
            };

        running_batch = batch;
        catch_stop_signals();
        std::atomic<bool> reading_done{false};
        std::thread reader([&, batch] {
            if (from_flags) {
                const CheckedOrder order = order_.build(plan);
                (void)batch->put(BatchOrder{order, redactor_for(order)});
            } else {
                bool taken = true; // false once the batch takes no more: stop reading
                StreamVisitor visitor;
                visitor.order = [&](CheckedOrder& order) {
                    // Moved, not copied: the parsed document is most of an order's weight.
                    Redactor redactor = redactor_for(order);
                    taken = taken && batch->put(BatchOrder{std::move(order), std::move(redactor)});
                };
                visitor.source_error = [&](const SourceError& e) {
                    taken = taken && batch->put(e);
                };
                checked->stream(stream, visitor, [&] { return taken; });
            }
            batch->close_input();
            reading_done = true;
        });
        Outcome outcome = batch->run();
        std::fflush(stdout);
        clear_progress();
        running_batch = nullptr;
        const BatchCounts& counts = batch->counts();
        if (counts.done > 1 || journal || outcome == Outcome::interrupted)
            print_summary(stderr, style_for(stderr), counts, journal_path_);
        outcome = worst(outcome, result_);
        if (!reading_done) {
            // Interrupted while the input blocks (a terminal, a quiet pipe): nothing more of it
            // is wanted, and the thread reading it cannot be woken.
            std::fflush(nullptr);
            std::_Exit(exit_code(outcome));
        }
        reader.join();
        delete batch;
        return exit_code(outcome);
    }

  private:
    // Pass one, before anything is sent (DESIGN §2, exit 3): a file that is not JSON or holds an
    // invalid order sends nothing. Reports what is wrong; false when nothing may be sent.
    bool check_sources(CheckedSources& checked, const StreamOptions& stream) {
        std::vector<std::string> sources = order_.sources;
        if (sources.empty())
            sources.push_back("-");
        several_ = sources.size() > 1; // every result labelled, the first one included
        StreamVisitor visitor;
        visitor.order = [this](const CheckedOrder& order) {
            print_result(order, invalid_order_verdict());
        };
        visitor.source_error = [this](const SourceError& e) { source_error(e); };
        if (checked.check(sources, stream, visitor))
            return true;
        error("nothing was sent: a JSON document or array is sent only when all of it is valid "
              "JSON and every order in it is valid (NDJSON is sent line by line)");
        return false;
    }

    void source_error(const SourceError& e) {
        error(e.message);
        result_ = worst(result_, Outcome::usage);
    }

    // Everything shown of this order, and what the SP sends back about it, is masked with the
    // order's own numbers too (DESIGN §2, §4).
    Redactor redactor_for(const CheckedOrder& order) const {
        Redactor redactor = redactor_;
        if (order.document)
            redactor.add_order(*order.document);
        redactor.show_identity_numbers(unmask_);
        return redactor;
    }

    void clear_progress() {
        if (progress_shown_) {
            fmt::print(stderr, "\r\033[K");
            progress_shown_ = false;
        }
    }

    void print_result(const CheckedOrder& order, const Verdict& verdict) {
        show_result(order, verdict);
        std::fflush(stdout);
    }

    // The batch's results: stdout is flushed once a turn of its loop (on_turn_end).
    void show_result(const CheckedOrder& order, const Verdict& verdict) {
        result_ = worst(result_, verdict.outcome);
        if (json_) {
            print_json_line(stdout, verdict_json(order, verdict));
        } else {
            print_verdict(stdout, style_, order, verdict,
                          several_ || order.framing != Framing::single);
            if (verdict.outcome != Outcome::invalid &&
                (!order.validation.warnings.empty() || !order.changes.empty()))
                print_problems(stdout, style_, order);
        }
    }

    int dry_run(const OrderPlan& plan, bool from_flags) {
        const auto show = [this](const CheckedOrder& order) {
            if (!order.validation.valid()) {
                print_result(order, invalid_order_verdict());
                return;
            }
            print_dry_run(order, redactor_for(order));
            if (!order.validation.warnings.empty())
                print_problems(stderr, style_for(stderr), order);
        };
        if (from_flags) {
            show(order_.build(plan));
            return exit_code(result_);
        }
        CheckedSources checked;
        if (!check_sources(checked, plan.stream))
            return exit_code(result_);
        StreamVisitor visitor;
        visitor.order = show;
        visitor.source_error = [this](const SourceError& e) { source_error(e); };
        checked.stream(plan.stream, visitor);
        return exit_code(result_);
    }

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

    // What a run would send for `order`: the request order_request() builds, as the engine
    // sends it, and an equivalent curl line.
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
    Outcome result_ = Outcome::accepted;
    int parallel_ = 1;
    std::string rate_;
    int max_errors_ = 0;
    std::string journal_path_;
    bool resend_unknown_ = false;
    bool progress_ = false, progress_shown_ = false;
};

} // namespace

std::unique_ptr<Command> make_submit_command() {
    return std::make_unique<SubmitCommand>();
}

} // namespace onorder::cli
