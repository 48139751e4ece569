#include "terminal.hpp"

#include <cstdlib>
#include <fcntl.h>
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

std::optional<std::string> prompt_secret(const std::string& prompt) {
    const int tty = ::open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (tty < 0)
        return std::nullopt;
    termios saved{};
    const bool have_termios = ::tcgetattr(tty, &saved) == 0;
    if (have_termios) {
        termios quiet = saved;
        quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
        ::tcsetattr(tty, TCSAFLUSH, &quiet);
    }
    [[maybe_unused]] auto written = ::write(tty, prompt.data(), prompt.size());
    std::string secret;
    char c = 0;
    while (::read(tty, &c, 1) == 1 && c != '\n' && c != '\r')
        secret += c;
    if (have_termios)
        ::tcsetattr(tty, TCSAFLUSH, &saved);
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
