#include "connections.hpp"

#include <array>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <string>
#include <system_error>

#include <httplib.h>
#include <netdb.h>
#include <sys/socket.h>

namespace onorder::mock {
namespace {

struct Endpoint {
    std::string address;
    int port = -1;
};

Endpoint numeric_endpoint(const sockaddr_storage& address, socklen_t length) {
    std::array<char, NI_MAXHOST> host{};
    std::array<char, NI_MAXSERV> service{};
    if (getnameinfo(reinterpret_cast<const sockaddr*>(&address), length, host.data(), host.size(),
                    service.data(), service.size(), NI_NUMERICHOST | NI_NUMERICSERV) != 0)
        return {};
    return {host.data(), std::atoi(service.data())};
}

// Calls `visit` with every connected socket of this process and its two ends, until it returns
// true.
void find_connection(
    const std::function<bool(int fd, const Endpoint& here, const Endpoint& there)>& visit) {
    std::error_code error;
    for (const auto& entry : std::filesystem::directory_iterator("/proc/self/fd", error)) {
        const int fd = std::atoi(entry.path().filename().c_str());
        sockaddr_storage local{};
        sockaddr_storage peer{};
        socklen_t local_length = sizeof local;
        socklen_t peer_length = sizeof peer;
        if (getsockname(fd, reinterpret_cast<sockaddr*>(&local), &local_length) != 0 ||
            getpeername(fd, reinterpret_cast<sockaddr*>(&peer), &peer_length) != 0)
            continue; // not a socket, or the listening one
        if (visit(fd, numeric_endpoint(local, local_length), numeric_endpoint(peer, peer_length)))
            return;
    }
}

} // namespace

// Whatever a handler does, httplib writes the status line and headers before any body or content
// provider runs. So the handler finds its own connection — a TCP connection is identified by its
// two ends, which httplib recorded in the request — and shuts it down in both directions: the
// client gets a FIN and no data ("Empty reply from server"); httplib's later write fails
// (SIGPIPE is ignored) and it closes the descriptor as usual, so nothing is closed twice.
bool drop_connection(const httplib::Request& request, std::string_view last_bytes) {
    bool dropped = false;
    find_connection([&](int fd, const Endpoint& here, const Endpoint& there) {
        if (here.port != request.local_port || there.port != request.remote_port ||
            here.address != request.local_addr || there.address != request.remote_addr)
            return false;
        // The handler runs on this connection's thread, so nothing else writes to it meanwhile.
        while (!last_bytes.empty()) {
            const ssize_t sent = send(fd, last_bytes.data(), last_bytes.size(), MSG_NOSIGNAL);
            if (sent <= 0)
                break;
            last_bytes.remove_prefix(static_cast<std::size_t>(sent));
        }
        dropped = shutdown(fd, SHUT_RDWR) == 0;
        return true;
    });
    return dropped;
}

void ConnectionTracker::request_started(const httplib::Request& request) {
    const std::lock_guard lock(mutex_);
    busy_.emplace(request.remote_addr, request.remote_port);
}

// httplib waits for a connection's next request and then reads it; after SHUT_RD both see the end
// of the stream at once, and httplib closes the connection. A write would fail too (httplib
// checks that the socket is alive by reading), hence not while an answer is on its way.
void ConnectionTracker::answer_written(const httplib::Request& request) {
    const std::lock_guard lock(mutex_);
    busy_.erase({request.remote_addr, request.remote_port});
    if (!stopping_)
        return;
    find_connection([&](int fd, const Endpoint& here, const Endpoint& there) {
        if (here.port != request.local_port || there.port != request.remote_port ||
            there.address != request.remote_addr)
            return false;
        shutdown(fd, SHUT_RD);
        return true;
    });
}

void ConnectionTracker::stop(int port) {
    const std::lock_guard lock(mutex_);
    stopping_ = true;
    find_connection([&](int fd, const Endpoint& here, const Endpoint& there) {
        if (here.port == port && !busy_.contains({there.address, there.port}))
            shutdown(fd, SHUT_RD);
        return false;
    });
}

} // namespace onorder::mock
