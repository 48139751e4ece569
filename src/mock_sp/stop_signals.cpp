#include "stop_signals.hpp"

#include <chrono>

#include <httplib.h>
#include <pthread.h>

namespace onorder::mock {

StopSignals::StopSignals() {
    sigemptyset(&signals_);
    sigaddset(&signals_, SIGINT);
    sigaddset(&signals_, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &signals_, nullptr);
    std::signal(SIGPIPE, SIG_IGN);
}

StopSignals::~StopSignals() {
    if (!watcher_.joinable())
        return;
    finished_ = true;
    pthread_kill(watcher_.native_handle(), SIGTERM);
    watcher_.join();
}

void StopSignals::stop_on_signal(httplib::Server& server) {
    watcher_ = std::thread([this, &server] {
        int signal = 0;
        sigwait(&signals_, &signal);
        if (finished_)
            return;
        received_ = true;
        // A signal right after start-up may come before the server runs; stop() would do nothing.
        while (!server.is_running() && !finished_)
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
        server.stop();
    });
}

} // namespace onorder::mock
