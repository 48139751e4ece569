#include "request_log.hpp"

#include <array>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <string>

#include <fmt/format.h>
#include <httplib.h>

namespace onorder::mock {
namespace {

std::string utc_time_of_day() {
    using namespace std::chrono;
    const auto now = system_clock::now();
    const std::time_t seconds = system_clock::to_time_t(now);
    const auto millis = duration_cast<milliseconds>(now.time_since_epoch()).count() % 1000;
    std::tm utc{};
    gmtime_r(&seconds, &utc);
    return fmt::format("{:02}:{:02}:{:02}.{:03}Z", utc.tm_hour, utc.tm_min, utc.tm_sec, millis);
}

// A path is the client's text: keep it from forging log lines.
std::string printable(std::string_view text) {
    std::string out(text);
    for (char& c : out)
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f)
            c = '?';
    return out;
}

} // namespace

void RequestLog::write(const httplib::Request& request, int http_status,
                       std::string_view detail) const {
    if (!enabled_)
        return;
    const std::string status = http_status > 0 ? std::to_string(http_status) : "---";
    std::string line = fmt::format("onorder-mock-sp: {} {}:{} {} {} {}{}{}\n", utc_time_of_day(),
                                   request.remote_addr, request.remote_port,
                                   printable(request.method), printable(request.path), status,
                                   detail.empty() ? "" : " ", printable(detail));
    // The path may carry an identity number (GET /2.5/…/19821105-9954); the redactor masks it.
    line = redactor_.redact(line);
    const std::lock_guard lock(mutex_);
    std::fwrite(line.data(), 1, line.size(), stderr);
}

} // namespace onorder::mock
