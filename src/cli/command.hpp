// A subcommand: registers its options on CLI11, then runs and returns the exit code.
#pragma once

#include <memory>
#include <vector>

#include <CLI/CLI.hpp>

namespace onorder::cli {

class Command {
  public:
    virtual ~Command() = default;
    // Adds the subcommand and its options to `app`; returns it.
    virtual CLI::App* add_to(CLI::App& app) = 0;
    virtual int run() = 0;
};

std::unique_ptr<Command> make_validate_command();
std::unique_ptr<Command> make_template_command();
std::unique_ptr<Command> make_submit_command();
std::unique_ptr<Command> make_endpoints_command();
std::unique_ptr<Command> make_check_command();
std::unique_ptr<Command> make_doctor_command();
std::unique_ptr<Command> make_completion_command(); // hidden: prints a shell completion script

} // namespace onorder::cli
