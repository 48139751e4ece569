#include "stop_signals.hpp"

#include <chrono>
#include <ctime>

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

void StopSignals::finish() {
    finished_ = true;
    if (watcher_.joinable())
        watcher_.join();
}

void StopSignals::stop_on_signal(httplib::Server& server, std::function<void()> after_stop) {
    watcher_ = std::thread([this, &server, after_stop = std::move(after_stop)] {
        // Waits in slices, so that finish() ends the watcher when the server stopped by itself.
        const timespec slice{0, 100'000'000};
        while (sigtimedwait(&signals_, nullptr, &slice) < 0)
            if (finished_)
                return;
        received_ = true;
        // A signal right after start-up may come before the server runs; stop() would do nothing.
        while (!server.is_running() && !finished_)
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
        server.stop();
        after_stop();
    });
}

} // namespace onorder::mock
