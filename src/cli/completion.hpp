// Shell completion scripts made from the CLI11 definition itself, so they cannot drift from it:
// the hidden `onorder completion bash|zsh` prints one, and the build installs what it prints.
#pragma once

#include <string>
#include <vector>

#include <CLI/CLI.hpp>

namespace onorder::cli {

// What the word after an option (or an operand) completes to.
enum class ValueKind { none, word, file, directory, choice };

struct CompletedOption {
    std::vector<std::string> names; // "-o", "--output-file"
    std::string description;        // the first line of its help
    ValueKind value = ValueKind::none;
    std::vector<std::string> choices; // ValueKind::choice: the accepted words
    bool repeatable = false;
};

struct CompletedCommand {
    std::string name;
    std::string description;
    std::vector<CompletedOption> options;     // option groups included
    ValueKind operands = ValueKind::none;     // its positional arguments
    std::vector<std::string> operand_choices; // ValueKind::choice: the accepted words
    std::vector<CompletedCommand> subcommands;
};

// What `app` shows in --help: its options, operands and subcommands; hidden ones are left out.
CompletedCommand describe_for_completion(const CLI::App& app);

// The scripts: bash for share/bash-completion/completions/NAME, zsh for a `_NAME` in $fpath.
std::string bash_completion(const CompletedCommand& root);
std::string zsh_completion(const CompletedCommand& root);

} // namespace onorder::cli
