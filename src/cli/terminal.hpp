// The terminal: whether to colour, and reading a secret without echo.
#pragma once

#include <cstdio>
#include <optional>
#include <string>
#include <string_view>

namespace onorder::cli {

struct Style {
    bool colour = false;
    std::string_view bold() const { return colour ? "\033[1m" : ""; }
    std::string_view red() const { return colour ? "\033[31m" : ""; }
    std::string_view green() const { return colour ? "\033[32m" : ""; }
    std::string_view yellow() const { return colour ? "\033[33m" : ""; }
    std::string_view dim() const { return colour ? "\033[2m" : ""; }
    std::string_view reset() const { return colour ? "\033[0m" : ""; }
};

// Colour only on a terminal and never with NO_COLOR (DESIGN §2).
Style style_for(std::FILE* stream);

bool is_terminal(std::FILE* stream);

// Prompts on /dev/tty and reads a line with echo off; nullopt when there is no terminal.
std::optional<std::string> prompt_secret(const std::string& prompt);

// Prints "onorder: warning: …" / "onorder: error: …" on stderr.
void warn(std::string_view message);
void error(std::string_view message);

} // namespace onorder::cli
