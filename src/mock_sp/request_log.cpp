#include "request_log.hpp"
#include <onorder/printable.hpp>

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

} // namespace

std::string RequestLog::client_text(std::string_view text) const {
    std::string printable(text);
    // Keeps a client from forging log lines.
    for (char& c : printable)
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f)
            c = '?';
    // A path may carry an identity number (GET /2.5/…/19821105-9954).
    return redactor_.redact(printable);
}

void RequestLog::write(const httplib::Request& request, int http_status,
                       std::string_view detail) const {
    if (!enabled_)
        return;
    const std::string status = http_status > 0 ? std::to_string(http_status) : "---";
    // httplib fills in the client's address only once the request line could be read.
    std::string client = "-";
    if (!request.remote_addr.empty())
        client = request.remote_addr.find(':') == std::string::npos
                     ? fmt::format("{}:{}", request.remote_addr, request.remote_port)
                     : fmt::format("[{}]:{}", request.remote_addr, request.remote_port);
    const std::string line =
        fmt::format("onorder-mock-sp: {} {} {} {} {}{}{}\n", utc_time_of_day(), client,
                    client_text(request.method), client_text(request.path), status,
                    detail.empty() ? "" : " ", detail);
    const std::lock_guard lock(mutex_);
    std::fwrite(line.data(), 1, line.size(), stderr);
}

} // namespace onorder::mock
