#include "drop.hpp"

#include <array>
#include <cstdlib>
#include <filesystem>
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

// The socket whose two ends are the ones httplib recorded in the request: a TCP connection is
// identified by them, and on this side only the accepted socket has them.
bool is_connection_of(int fd, const httplib::Request& request) {
    sockaddr_storage local{};
    sockaddr_storage peer{};
    socklen_t local_length = sizeof local;
    socklen_t peer_length = sizeof peer;
    if (getsockname(fd, reinterpret_cast<sockaddr*>(&local), &local_length) != 0 ||
        getpeername(fd, reinterpret_cast<sockaddr*>(&peer), &peer_length) != 0)
        return false;
    const Endpoint here = numeric_endpoint(local, local_length);
    const Endpoint there = numeric_endpoint(peer, peer_length);
    return here.port == request.local_port && there.port == request.remote_port &&
           here.address == request.local_addr && there.address == request.remote_addr;
}

} // namespace

// cpp-httplib 0.11 hands handlers no socket, and whatever a handler does, it writes the status
// line and headers before any body or content provider runs. So the handler finds its own
// connection among the process's descriptors and shuts it down in both directions: the client
// gets a FIN and no data ("Empty reply from server"); httplib's later write fails (SIGPIPE is
// ignored) and it closes the descriptor as usual, so nothing is closed twice.
bool drop_connection(const httplib::Request& request) {
    std::error_code error;
    for (const auto& entry : std::filesystem::directory_iterator("/proc/self/fd", error)) {
        const int fd = std::atoi(entry.path().filename().c_str());
        if (is_connection_of(fd, request))
            return shutdown(fd, SHUT_RDWR) == 0;
    }
    return false;
}

} // namespace onorder::mock
