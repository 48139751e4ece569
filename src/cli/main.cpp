// onorder: the CO's command-line client for the Open Networks API Order endpoint.
#include "command.hpp"
#include "terminal.hpp"

#include <onorder/outcome.hpp>
#include <onorder/versions.hpp>

#include <exception>
#include <utility>

namespace {

int real_main(int argc, char** argv) {
    using namespace onorder::cli;
    CLI::App app{
        "onorder — place orders with a service provider over the Open Networks API.\n"
        "Exit codes: 0 accepted/valid, 1 rejected, 2 usage, 3 invalid, 4 bad request (400), "
        "5 auth, 6 other HTTP error, 7 no connection, 8 outcome unknown, 130 interrupted;\n"
        "check: 0 no probe failed, 1 a probe failed, 7 the SP cannot be reached.",
        "onorder"};
    app.set_version_flag("--version", onorder::version_text());
    app.require_subcommand(1);

    std::vector<std::pair<CLI::App*, std::unique_ptr<Command>>> commands;
    for (auto make :
         {make_validate_command, make_template_command, make_submit_command, make_endpoints_command,
          make_check_command, make_doctor_command, make_completion_command}) {
        auto command = make();
        CLI::App* sub = command->add_to(app);
        commands.emplace_back(sub, std::move(command));
    }
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        const int code = app.exit(e);
        // CLI11 answers --help/--version with success; everything else is a usage error.
        return code == 0 ? 0 : onorder::exit_code(onorder::Outcome::usage);
    }
    for (auto& [sub, command] : commands)
        if (sub->parsed())
            return command->run();
    return onorder::exit_code(onorder::Outcome::usage);
}

} // namespace

int main(int argc, char** argv) {
    try {
        return real_main(argc, argv);
    } catch (const std::exception& e) {
        onorder::cli::error(std::string("internal error: ") + e.what());
        return 70; // EX_SOFTWARE: a bug, not something the user did
    }
}
