// One line per request on stderr — never a header, a body or a whole identity number.
#pragma once

#include <onorder/redact.hpp>

#include <mutex>
#include <string>
#include <string_view>

namespace httplib {
struct Request;
}

namespace onorder::mock {

class RequestLog {
  public:
    explicit RequestLog(bool enabled) : enabled_(enabled) {}

    bool enabled() const { return enabled_; }

    // What a client sent, fit for a log line: control characters replaced, identity numbers
    // masked. The method and path are passed through it by write(); other client text must be.
    std::string client_text(std::string_view text) const;

    // `http_status` 0 when nothing was answered. `detail` says what the mock made of the request.
    void write(const httplib::Request& request, int http_status, std::string_view detail) const;

  private:
    bool enabled_;
    Redactor redactor_;
    mutable std::mutex mutex_;
};

} // namespace onorder::mock
