// Reaching the connections cpp-httplib keeps to itself: 0.11 gives a handler no socket.
#pragma once

#include <mutex>
#include <set>
#include <string>
#include <string_view>
#include <utility>

namespace httplib {
struct Request;
}

namespace onorder::mock {

// Shuts down the connection `request` arrived on, so that the client sees it closed before a
// single byte of response — or, with `last_bytes`, right after those raw bytes (over plain HTTP:
// the start of an answer cut short): a request that reached the SP and got no whole answer, which
// a client must report as "outcome unknown" (DESIGN §4, §5). Returns false when the connection was
// not found.
bool drop_connection(const httplib::Request& request, std::string_view last_bytes = {});

// Knows which connections are between requests, so that a stop closes an idle keep-alive
// connection at once instead of waiting out its keep-alive timeout, and lets an answer being
// computed or written finish first.
class ConnectionTracker {
  public:
    void request_started(const httplib::Request& request); // httplib's pre-routing handler
    void answer_written(const httplib::Request& request);  // httplib's logger: after the write
    // Ends reading on the connections accepted on `port`: idle ones now, busy ones once answered.
    void stop(int port);

  private:
    std::mutex mutex_;
    std::set<std::pair<std::string, int>> busy_; // the clients' address and port
    bool stopping_ = false;
};

} // namespace onorder::mock
