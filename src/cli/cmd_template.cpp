// onorder template: a complete example order to start from.
#include "command.hpp"

#include <onorder/order_template.hpp>

#include <chrono>

#include <fmt/format.h>

namespace onorder::cli {

namespace {

class TemplateCommand final : public Command {
  public:
    CLI::App* add_to(CLI::App& app) override {
        return app.add_subcommand("template",
                                  "Print a complete example order (current UTC timestamps)");
    }
    int run() override {
        fmt::print("{}\n", example_order(std::chrono::system_clock::now()).dump(2));
        return 0;
    }
};

} // namespace

std::unique_ptr<Command> make_template_command() {
    return std::make_unique<TemplateCommand>();
}

} // namespace onorder::cli
