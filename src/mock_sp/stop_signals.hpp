// SIGINT and SIGTERM stop the server cleanly (exit 0): a thread waits for them (sigtimedwait), so
// the server is stopped from ordinary code rather than from a signal handler.
#pragma once

#include <atomic>
#include <csignal>
#include <functional>
#include <thread>

namespace httplib {
class Server;
}

namespace onorder::mock {

class StopSignals {
  public:
    // Blocks SIGINT and SIGTERM in this thread and every thread started after it, so that only
    // the watcher takes them; ignores SIGPIPE, which a write to a dropped connection raises.
    StopSignals();
    ~StopSignals() { finish(); }
    StopSignals(const StopSignals&) = delete;
    StopSignals& operator=(const StopSignals&) = delete;

    // Starts the watcher, which stops `server` and then calls `after_stop`. Both must outlive it
    // or a call to finish().
    void stop_on_signal(httplib::Server& server, std::function<void()> after_stop);
    // Ends and joins the watcher.
    void finish();
    bool received() const { return received_; }

  private:
    sigset_t signals_{};
    std::thread watcher_;
    std::atomic<bool> received_{false};
    std::atomic<bool> finished_{false};
};

} // namespace onorder::mock
