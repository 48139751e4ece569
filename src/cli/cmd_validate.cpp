// onorder validate: read and validate orders, no network.
#include "command.hpp"
#include "config_source.hpp"
#include "order_options.hpp"
#include "printers.hpp"
#include "terminal.hpp"

#include <onorder/order_writer.hpp>
#include <onorder/outcome.hpp>

#include <fmt/format.h>

namespace onorder::cli {

namespace {

class ValidateCommand final : public Command {
  public:
    CLI::App* add_to(CLI::App& app) override {
        auto* command = app.add_subcommand(
            "validate",
            "Read and validate orders against the spec's data formats; nothing is sent");
        options_.add_to(*command);
        command->add_option(
            "-o,--output-file", fixed_file_,
            "With --fix: write the fixed orders to FILE (same framing as the input)");
        // A profile's require/strict/co_id/output apply here too: validate checks what submit
        // would send.
        config_.add_to(*command);
        return command;
    }

    int run() override {
        OrderPlan plan;
        std::string problem;
        if (!config_.load(problem) || !options_.resolve(config_, plan, problem)) {
            error(problem);
            return exit_code(Outcome::usage);
        }
        const StreamOptions& stream = plan.stream;
        if (!fixed_file_.empty() && !options_.fix) {
            error("-o FILE writes the fixed orders: add --fix");
            return exit_code(Outcome::usage);
        }
        if (!fixed_file_.empty() && !writer_.open(fixed_file_, problem)) {
            error(problem);
            return exit_code(Outcome::usage);
        }
        json_ = plan.json;
        style_ = style_for(stdout);

        if (options_.sources.empty() && options_.sets_fields()) {
            report(options_.build(plan));
        } else {
            auto sources = options_.sources;
            if (sources.empty()) {
                if (is_terminal(stdin)) {
                    error("no orders given: name a file, - for stdin, or set fields with flags "
                          "(see onorder validate --help)");
                    return exit_code(Outcome::usage);
                }
                sources.push_back("-");
            }
            StreamVisitor visitor;
            visitor.order = [this](const CheckedOrder& order) { report(order); };
            visitor.source_error = [this](const SourceError& e) {
                error(e.message);
                result_ = worst(result_, Outcome::usage);
            };
            stream_orders(sources, stream, visitor);
        }
        if (!writer_.close(problem)) {
            error(problem);
            result_ = worst(result_, Outcome::usage);
        }
        if (!json_ && (total_ > 1 || printed_ < total_))
            fmt::print("{} order{}: {} valid, {} invalid, {} with warnings\n", total_,
                       total_ == 1 ? "" : "s", total_ - invalid_, invalid_, with_warnings_);
        return exit_code(result_);
    }

  private:
    void report(const CheckedOrder& order) {
        ++total_;
        const bool valid = order.validation.valid();
        if (!valid) {
            ++invalid_;
            result_ = worst(result_, Outcome::invalid);
        }
        if (!order.validation.warnings.empty())
            ++with_warnings_;
        if (!fixed_file_.empty())
            writer_.write(order.edited && order.document ? reformat(order) : order.original,
                          order.framing);
        if (json_) {
            print_json_line(stdout, validation_json(order));
            return;
        }
        const bool clean = valid && order.validation.warnings.empty() && order.changes.empty();
        // In a batch only the orders with something to say are listed; the summary counts the rest.
        if (clean && (order.index > 0 || order.framing != Framing::single))
            return;
        ++printed_;
        const std::string label = order_label(order);
        if (valid)
            fmt::print("{}: {}valid{}{}\n", label, style_.green(), style_.reset(),
                       order.validation.warnings.empty() ? "" : " (with warnings)");
        else
            fmt::print("{}: {}invalid{} — {} error{}\n", label, style_.red(), style_.reset(),
                       order.validation.errors.size(),
                       order.validation.errors.size() == 1 ? "" : "s");
        print_problems(stdout, style_, order);
    }

    // Fixed orders are written pretty on their own, compact in NDJSON and arrays.
    static std::string reformat(const CheckedOrder& order) {
        return order.framing == Framing::single ? order.document->dump(2) : order.body;
    }

    OrderOptions options_;
    ConfigSource config_;
    std::string fixed_file_;
    OrderWriter writer_;
    bool json_ = false;
    Style style_;
    Outcome result_ = Outcome::accepted;
    std::size_t total_ = 0, invalid_ = 0, with_warnings_ = 0, printed_ = 0;
};

} // namespace

std::unique_ptr<Command> make_validate_command() {
    return std::make_unique<ValidateCommand>();
}

} // namespace onorder::cli
