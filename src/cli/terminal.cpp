#include "terminal.hpp"

#include <atomic>
#include <csignal>
#include <cstdlib>
#include <fcntl.h>
#include <iterator>
#include <termios.h>
#include <unistd.h>

#include <fmt/format.h>

namespace onorder::cli {

bool is_terminal(std::FILE* stream) {
    return ::isatty(::fileno(stream)) == 1;
}

Style style_for(std::FILE* stream) {
    const char* no_colour = std::getenv("NO_COLOR");
    const char* term = std::getenv("TERM");
    const bool dumb = term && std::string_view(term) == "dumb";
    return Style{is_terminal(stream) && !(no_colour && *no_colour) && !dumb};
}

namespace {

// The terminal a prompt turned echo off on, for the signal handler to turn it back on.
volatile sig_atomic_t prompt_tty = -1;
termios prompt_saved{};
constexpr int prompt_signals[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT};

// Ctrl-C at the prompt: echo back on, a newline after the prompt, then die of the signal as
// usual (a shell sees 128 + the signal number: 130 for SIGINT).
extern "C" void restore_echo_and_die(int signal_number) {
    if (const int tty = prompt_tty; tty >= 0) {
        ::tcsetattr(tty, TCSANOW, &prompt_saved);
        [[maybe_unused]] const auto written = ::write(tty, "\n", 1);
    }
    ::signal(signal_number, SIG_DFL);
    ::raise(signal_number);
}

} // namespace

std::optional<std::string> prompt_secret(const std::string& prompt) {
    const int tty = ::open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (tty < 0)
        return std::nullopt;
    termios saved{};
    const bool have_termios = ::tcgetattr(tty, &saved) == 0;
    struct sigaction previous[std::size(prompt_signals)]{};
    if (have_termios) {
        prompt_saved = saved;
        std::atomic_signal_fence(std::memory_order_seq_cst); // saved before the handler may look
        prompt_tty = tty;
        struct sigaction restore {};
        restore.sa_handler = restore_echo_and_die;
        sigemptyset(&restore.sa_mask);
        for (std::size_t i = 0; i < std::size(prompt_signals); ++i)
            ::sigaction(prompt_signals[i], &restore, &previous[i]);
        termios quiet = saved;
        quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
        ::tcsetattr(tty, TCSAFLUSH, &quiet);
    }
    [[maybe_unused]] auto written = ::write(tty, prompt.data(), prompt.size());
    std::string secret;
    char c = 0;
    while (::read(tty, &c, 1) == 1 && c != '\n' && c != '\r')
        secret += c;
    if (have_termios) {
        ::tcsetattr(tty, TCSAFLUSH, &saved);
        prompt_tty = -1;
        for (std::size_t i = 0; i < std::size(prompt_signals); ++i)
            ::sigaction(prompt_signals[i], &previous[i], nullptr);
    }
    written = ::write(tty, "\n", 1);
    ::close(tty);
    return secret;
}

void warn(std::string_view message) {
    fmt::print(stderr, "onorder: warning: {}\n", message);
}
void error(std::string_view message) {
    fmt::print(stderr, "onorder: error: {}\n", message);
}

} // namespace onorder::cli
