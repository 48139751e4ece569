// A tiny HTTP/1.1 server on 127.0.0.1, in a thread of the test process, for the transport tests: it
// records every request's bytes and answers each with bytes the test chooses, as is.
#pragma once

#include <doctest/doctest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace loopback {

struct Reply {
    std::string bytes;  // sent as is
    bool close = false; // close the connection once `bytes` (maybe none) are sent
    bool hang = false;  // never answer
};

inline Reply json_reply(int status, std::string_view body, std::string_view extra_headers = "") {
    return {"HTTP/1.1 " + std::to_string(status) + " X\r\nContent-Type: application/json\r\n" +
            std::string(extra_headers) + "Content-Length: " + std::to_string(body.size()) +
            "\r\n\r\n" + std::string(body)};
}

class LoopbackServer {
  public:
    using Handler = std::function<Reply(int index, const std::string& request)>;

    explicit LoopbackServer(Handler handler) : handler_(std::move(handler)) {
        listener_ = socket(AF_INET, SOCK_STREAM, 0);
        REQUIRE(listener_ >= 0);
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        REQUIRE(bind(listener_, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
        REQUIRE(listen(listener_, 8) == 0);
        socklen_t length = sizeof address;
        getsockname(listener_, reinterpret_cast<sockaddr*>(&address), &length);
        port_ = ntohs(address.sin_port);
        thread_ = std::thread([this] { run(); });
    }

    ~LoopbackServer() {
        stop_ = true;
        thread_.join();
        close(listener_);
    }

    std::string url(std::string_view path = "/") const {
        return "http://127.0.0.1:" + std::to_string(port_) + std::string(path);
    }

    std::vector<std::string> requests() const {
        const std::lock_guard lock(mutex_);
        return requests_;
    }

  private:
    bool wait_readable(int fd) const {
        pollfd entry{fd, POLLIN, 0};
        while (!stop_) {
            if (poll(&entry, 1, 20) > 0)
                return true;
        }
        return false;
    }

    // One request: headers, then Content-Length bytes of body. False when the peer is gone.
    bool read_request(int fd, std::string& buffer, std::string& request) const {
        std::size_t need = std::string::npos;
        while (true) {
            const std::size_t end = buffer.find("\r\n\r\n");
            if (end != std::string::npos && need == std::string::npos) {
                need = end + 4;
                const std::size_t at = buffer.find("Content-Length: ");
                if (at != std::string::npos && at < end)
                    need += std::stoul(buffer.substr(at + 16));
            }
            if (buffer.size() >= need) {
                request = buffer.substr(0, need);
                buffer.erase(0, need);
                return true;
            }
            char chunk[4096];
            if (!wait_readable(fd))
                return false;
            const ssize_t got = recv(fd, chunk, sizeof chunk, 0);
            if (got <= 0)
                return false;
            buffer.append(chunk, static_cast<std::size_t>(got));
        }
    }

    void serve(int fd) {
        std::string buffer;
        std::string request;
        while (read_request(fd, buffer, request)) {
            int index = 0;
            {
                const std::lock_guard lock(mutex_);
                index = static_cast<int>(requests_.size());
                requests_.push_back(request);
            }
            const Reply reply = handler_(index, request);
            if (reply.hang) {
                char byte = 0;
                while (wait_readable(fd) && recv(fd, &byte, 1, 0) > 0) {
                }
                break;
            }
            std::string_view rest = reply.bytes;
            while (!rest.empty()) {
                const ssize_t sent = send(fd, rest.data(), rest.size(), MSG_NOSIGNAL);
                if (sent <= 0)
                    break;
                rest.remove_prefix(static_cast<std::size_t>(sent));
            }
            if (!rest.empty() || reply.close)
                break;
        }
        close(fd);
    }

    // A thread per connection: a client that keeps its connection alive must not block others.
    void run() {
        std::vector<std::thread> connections;
        while (wait_readable(listener_)) {
            const int fd = accept(listener_, nullptr, nullptr);
            if (fd >= 0)
                connections.emplace_back([this, fd] { serve(fd); });
        }
        for (std::thread& connection : connections)
            connection.join();
    }

    Handler handler_;
    int listener_ = -1;
    int port_ = 0;
    std::atomic<bool> stop_{false};
    mutable std::mutex mutex_;
    std::vector<std::string> requests_;
    std::thread thread_;
};

} // namespace loopback
