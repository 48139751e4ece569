// `onorder completion bash|zsh`: the scripts are written from the CLI11 App tree, so every
// subcommand, option and choice the program accepts is completed, and nothing it does not.
#include "completion.hpp"

#include "command.hpp"
#include "dry_run.hpp"

#include <onorder/helpers.hpp>
#include <onorder/outcome.hpp>

#include <algorithm>
#include <cctype>
#include <initializer_list>
#include <string_view>

#include <fmt/format.h>

namespace onorder::cli {

namespace {

std::string first_line(std::string_view text) {
    return std::string(trim(text.substr(0, text.find('\n'))));
}

// Whether `text` holds one of `words` (lower case) as a word of its own, ignoring case.
bool mentions(std::string_view text, std::initializer_list<std::string_view> words) {
    std::string word;
    const auto found = [&] { return std::find(words.begin(), words.end(), word) != words.end(); };
    for (char c : text) {
        if (std::isalpha(static_cast<unsigned char>(c)) != 0) {
            word += lower(c);
            continue;
        }
        if (found())
            return true;
        word.clear();
    }
    return found();
}

// The set an IsMember check accepts, as CLI11 shows it in --help: "TEXT:{human,json}".
std::vector<std::string> choices_of(const CLI::Option& option) {
    const std::string type = option.get_type_name();
    const auto open = type.find(":{");
    const auto close = type.find('}', open);
    if (open == std::string::npos || close == std::string::npos)
        return {};
    std::vector<std::string> choices;
    std::string_view set = std::string_view(type).substr(open + 2, close - open - 2);
    while (!set.empty()) {
        const auto comma = std::min(set.find(','), set.size());
        choices.emplace_back(trim(set.substr(0, comma)));
        set.remove_prefix(std::min(comma + 1, set.size()));
    }
    return choices;
}

// What an option's value is, read from its definition: an IsMember set is a choice; help about
// a directory is a directory; a FILE type or help about a file (FILE, PEM, a key) is a file.
ValueKind value_kind(const CLI::Option& option, std::vector<std::string>& choices) {
    if (option.get_expected_max() == 0)
        return ValueKind::none;
    choices = choices_of(option);
    if (!choices.empty())
        return ValueKind::choice;
    const std::string& help = option.get_description();
    if (mentions(help, {"directory"}))
        return ValueKind::directory;
    if (option.get_type_name().starts_with("FILE") ||
        mentions(help, {"file", "files", "pem", "key"}))
        return ValueKind::file;
    return ValueKind::word;
}

// Options of `app` and of its option groups (nameless subcommands), as --help lists them.
void add_options(const CLI::App& app, CompletedCommand& command) {
    for (const CLI::Option* option : app.get_options()) {
        if (option->get_group().empty() || (option == app.get_help_ptr() && app.get_name().empty()))
            continue; // hidden, or an option group's own --help (its command has one)
        std::vector<std::string> choices;
        const ValueKind kind = value_kind(*option, choices);
        if (!option->nonpositional()) {
            command.operands = kind;
            command.operand_choices = std::move(choices);
            continue;
        }
        CompletedOption completed{.names = {},
                                  .description = first_line(option->get_description()),
                                  .value = kind,
                                  .choices = std::move(choices),
                                  .repeatable = option->get_items_expected_max() > 1};
        for (const auto& name : option->get_snames())
            completed.names.push_back("-" + name);
        for (const auto& name : option->get_lnames())
            completed.names.push_back("--" + name);
        command.options.push_back(std::move(completed));
    }
    for (const CLI::App* group : app.get_subcommands({}))
        if (group->get_name().empty() && !group->get_group().empty())
            add_options(*group, command);
}

std::string joined(const std::vector<std::string>& words, std::string_view separator = " ") {
    return fmt::format("{}", fmt::join(words, separator));
}

std::vector<std::string> all_names(const CompletedCommand& command) {
    std::vector<std::string> names;
    for (const auto& option : command.options)
        names.insert(names.end(), option.names.begin(), option.names.end());
    return names;
}

std::vector<std::string> subcommand_names(const CompletedCommand& command) {
    std::vector<std::string> names;
    for (const auto& sub : command.subcommands)
        names.push_back(sub.name);
    return names;
}

// ---- bash: one function keyed by "COMMAND PATH:WORD" case patterns --------------------------

struct BashTables {
    std::vector<std::string> takes_value; // 'submit:--url': the next word is its value
    std::vector<std::string> enters;      // ':submit': a word that selects a subcommand
    std::vector<std::string> files, directories, words;
    std::vector<std::pair<std::string, std::string>> choices; // 'submit:--output', 'human json'
    std::string reply_by_command;                             // the case arms for the current word
};

std::string bash_key(const std::string& path, const std::string& word) {
    return shell_quote(path + ":" + word);
}

std::string bash_operands(const CompletedCommand& command) {
    if (!command.subcommands.empty())
        return fmt::format("_onorder_words {}", shell_quote(joined(subcommand_names(command))));
    switch (command.operands) {
    case ValueKind::file:
        return "_onorder_files";
    case ValueKind::directory:
        return "_onorder_directories";
    case ValueKind::choice:
        return fmt::format("_onorder_words {}", shell_quote(joined(command.operand_choices)));
    case ValueKind::word:
        return ":";
    case ValueKind::none:
        break;
    }
    return fmt::format("_onorder_words {}", shell_quote(joined(all_names(command))));
}

void collect_bash(const CompletedCommand& command, const std::string& path, BashTables& tables) {
    for (const auto& option : command.options) {
        if (option.value == ValueKind::none)
            continue;
        for (const auto& name : option.names) {
            const std::string key = bash_key(path, name);
            tables.takes_value.push_back(key);
            switch (option.value) {
            case ValueKind::file:
                tables.files.push_back(key);
                break;
            case ValueKind::directory:
                tables.directories.push_back(key);
                break;
            case ValueKind::choice:
                tables.choices.emplace_back(key, shell_quote(joined(option.choices)));
                break;
            default:
                tables.words.push_back(key);
            }
        }
    }
    const std::string options =
        fmt::format("_onorder_words {}", shell_quote(joined(all_names(command))));
    const std::string operands = bash_operands(command);
    if (operands == options) // nothing but options to offer
        tables.reply_by_command += fmt::format("        {})\n            {}\n            ;;\n",
                                               shell_quote(path), options);
    else
        tables.reply_by_command += fmt::format("        {})\n"
                                               "            if [[ $cur == -* ]]; then\n"
                                               "                {}\n"
                                               "            else\n"
                                               "                {}\n"
                                               "            fi\n"
                                               "            ;;\n",
                                               shell_quote(path), options, operands);
    for (const auto& sub : command.subcommands) {
        const std::string sub_path = path.empty() ? sub.name : path + " " + sub.name;
        tables.enters.push_back(fmt::format("        {}) command={} ;;\n", bash_key(path, sub.name),
                                            shell_quote(sub_path)));
        collect_bash(sub, sub_path, tables);
    }
}

// "    KEY|KEY) ACTION ;;", the keys wrapped at 100 columns; nothing when there is no key.
std::string bash_arm(const std::vector<std::string>& keys, std::string_view action,
                     std::string_view indent = "    ") {
    if (keys.empty())
        return {};
    std::string arm(indent), line;
    for (const auto& key : keys) {
        if (!line.empty() && indent.size() + line.size() + key.size() > 96) {
            arm += line + "|\\\n" + std::string(indent) + "    ";
            line.clear();
        } else if (!line.empty()) {
            line += "|";
        }
        line += key;
    }
    return fmt::format("{}{}) {} ;;\n", arm, line, action);
}

// ---- zsh: a function per command, each one _arguments call -----------------------------------

// Text inside an _arguments [description]: brackets and backslashes escaped.
std::string zsh_description(std::string_view text) {
    std::string escaped;
    for (char c : text) {
        if (c == '\\' || c == '[' || c == ']')
            escaped += '\\';
        escaped += c;
    }
    return escaped;
}

std::string zsh_action(ValueKind kind, const std::vector<std::string>& choices) {
    switch (kind) {
    case ValueKind::file:
        return "_files";
    case ValueKind::directory:
        return "_files -/";
    case ValueKind::choice: {
        std::string words;
        for (const auto& choice : choices) {
            for (char c : choice) {
                if (std::isalnum(static_cast<unsigned char>(c)) == 0)
                    words += '\\';
                words += c;
            }
            words += ' ';
        }
        return "(" + std::string(trim(words)) + ")";
    }
    case ValueKind::word:
    case ValueKind::none:
        break;
    }
    return " "; // a value is expected; nothing to offer
}

std::string zsh_option_specs(const CompletedOption& option) {
    std::string specs;
    const std::string message =
        option.names.back().substr(option.names.back().find_first_not_of('-'));
    for (const auto& name : option.names) {
        std::string spec;
        if (option.repeatable)
            spec = "*";
        else if (option.names.size() > 1)
            spec = "(" + joined(option.names) + ")";
        spec += name;
        if (option.value != ValueKind::none && name.starts_with("--"))
            spec += "=";
        spec += "[" + zsh_description(option.description) + "]";
        if (option.value != ValueKind::none)
            spec += ":" + message + ":" + zsh_action(option.value, option.choices);
        specs += " \\\n        " + shell_quote(spec);
    }
    return specs;
}

std::string zsh_function_name(const std::string& path) {
    std::string name = "_onorder";
    for (char c : path)
        name += std::isalnum(static_cast<unsigned char>(c)) != 0 ? c : '_';
    return name;
}

std::string zsh_functions(const CompletedCommand& command, const std::string& path,
                          const std::string& root_name) {
    std::string specs;
    for (const auto& option : command.options)
        specs += zsh_option_specs(option);
    const std::string function = zsh_function_name(path.empty() ? "" : "_" + path);
    if (command.subcommands.empty()) {
        if (command.operands != ValueKind::none)
            specs +=
                " \\\n        " +
                shell_quote(
                    "*:" + std::string(command.operands == ValueKind::file ? "file" : "argument") +
                    ":" + zsh_action(command.operands, command.operand_choices));
        return fmt::format("{}() {{\n    _arguments -s -S{}\n}}\n\n", function, specs);
    }
    std::string described, dispatch, nested;
    for (const auto& sub : command.subcommands) {
        std::string name;
        for (char c : sub.name)
            name += c == ':' ? std::string("\\:") : std::string(1, c);
        described += "            " + shell_quote(name + ":" + sub.description) + "\n";
        const std::string sub_path = path.empty() ? sub.name : path + "_" + sub.name;
        dispatch += fmt::format("        {}) {} && ret=0 ;;\n", shell_quote(sub.name),
                                zsh_function_name("_" + sub_path));
        nested += zsh_functions(sub, sub_path, root_name);
    }
    const std::string context = path.empty() ? root_name : root_name + "-" + path;
    return nested + fmt::format("{}() {{\n"
                                "    local curcontext=$curcontext state state_descr line ret=1\n"
                                "    typeset -A opt_args\n"
                                "    _arguments -C -s -S{} \\\n"
                                "        '1:command:->command' \\\n"
                                "        '*::argument:->argument' && ret=0\n"
                                "    case $state in\n"
                                "    command)\n"
                                "        local -a commands=(\n"
                                "{}"
                                "        )\n"
                                "        _describe -t commands {} commands && ret=0\n"
                                "        ;;\n"
                                "    argument)\n"
                                "        curcontext=${{curcontext%:*:*}}:{}-$line[1]:\n"
                                "        case $line[1] in\n"
                                "{}"
                                "        esac\n"
                                "        ;;\n"
                                "    esac\n"
                                "    return ret\n"
                                "}}\n\n",
                                function, specs, described, shell_quote(context + " command"),
                                context, dispatch);
}

class CompletionCommand final : public Command {
  public:
    CLI::App* add_to(CLI::App& app) override {
        root_ = &app;
        auto* command = app.add_subcommand(
            "completion", "Print the bash or zsh completion script (the build installs them)");
        command->group(""); // hidden: it is for packagers, not for users
        command->add_option("shell", shell_, "bash or zsh")
            ->required()
            ->check(CLI::IsMember({"bash", "zsh"}));
        return command;
    }

    int run() override {
        const CompletedCommand tree = describe_for_completion(*root_);
        fmt::print("{}", shell_ == "bash" ? bash_completion(tree) : zsh_completion(tree));
        return exit_code(Outcome::accepted);
    }

  private:
    const CLI::App* root_ = nullptr;
    std::string shell_;
};

} // namespace

CompletedCommand describe_for_completion(const CLI::App& app) {
    CompletedCommand command{.name = app.get_name(),
                             .description = first_line(app.get_description()),
                             .options = {},
                             .operands = ValueKind::none,
                             .operand_choices = {},
                             .subcommands = {}};
    add_options(app, command);
    for (const CLI::App* sub : app.get_subcommands({}))
        if (!sub->get_name().empty() && !sub->get_group().empty())
            command.subcommands.push_back(describe_for_completion(*sub));
    return command;
}

std::string bash_completion(const CompletedCommand& root) {
    BashTables tables;
    collect_bash(root, "", tables);
    std::string value_arms;
    for (const auto& [key, words] : tables.choices)
        value_arms += bash_arm({key}, "_onorder_words " + words);
    value_arms += bash_arm(tables.files, "_onorder_files");
    value_arms += bash_arm(tables.directories, "_onorder_directories");
    value_arms += bash_arm(tables.words, ":");
    std::string enters;
    for (const auto& arm : tables.enters)
        enters += arm;
    return fmt::format(
        R"(# bash completion for {0}                                   -*- shell-script -*-
# Written by `{0} completion bash` from {0}'s own command-line definition.

_onorder_words() {{
    mapfile -t COMPREPLY < <(compgen -W "$1" -- "$cur")
}}

_onorder_files() {{
    compopt -o filenames 2>/dev/null
    mapfile -t COMPREPLY < <(compgen -f -- "$cur")
}}

_onorder_directories() {{
    compopt -o filenames 2>/dev/null
    mapfile -t COMPREPLY < <(compgen -d -- "$cur")
}}

_onorder() {{
    local cur=${{COMP_WORDS[COMP_CWORD]}} prev='' command='' i
    ((COMP_CWORD > 0)) && prev=${{COMP_WORDS[COMP_CWORD - 1]}}
    # bash splits --option=value at the '=' (COMP_WORDBREAKS): complete the value.
    if [[ $cur == '=' ]]; then
        cur=''
    elif [[ $prev == '=' ]] && ((COMP_CWORD > 1)); then
        prev=${{COMP_WORDS[COMP_CWORD - 2]}}
    fi
    # The (sub)command: the words that select one, skipping options and their values.
    for ((i = 1; i < COMP_CWORD; i++)); do
        case "$command:${{COMP_WORDS[i]}}" in
{1}{2}        esac
    done
    COMPREPLY=()
    case "$command:$prev" in
{3}    *)
        case $command in
{4}        esac
        ;;
    esac
}}

complete -F _onorder {0}
)",
        root.name, bash_arm(tables.takes_value, "((i++))", "        "), enters, value_arms,
        tables.reply_by_command);
}

std::string zsh_completion(const CompletedCommand& root) {
    return fmt::format("#compdef {0}\n"
                       "# zsh completion for {0}, written by `{0} completion zsh` from {0}'s own\n"
                       "# command-line definition.\n\n"
                       "{1}"
                       "_onorder \"$@\"\n",
                       root.name, zsh_functions(root, "", root.name));
}

std::unique_ptr<Command> make_completion_command() {
    return std::make_unique<CompletionCommand>();
}

} // namespace onorder::cli
