// SIGINT and SIGTERM stop the server cleanly (exit 0): a thread waits for them with sigwait, so
// the server is stopped from ordinary code rather than from a signal handler.
#pragma once

#include <atomic>
#include <csignal>
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
    ~StopSignals(); // wakes and joins the watcher
    StopSignals(const StopSignals&) = delete;
    StopSignals& operator=(const StopSignals&) = delete;

    void stop_on_signal(httplib::Server& server);
    bool received() const { return received_; }

private:
    sigset_t signals_{};
    std::thread watcher_;
    std::atomic<bool> received_{false};
    std::atomic<bool> finished_{false};
};

} // namespace onorder::mock
