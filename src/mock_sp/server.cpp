#include "server.hpp"

#include "routes.hpp"
#include "stop_signals.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>

#include <httplib.h>
#include <sys/socket.h>

namespace onorder::mock {
namespace {

std::unique_ptr<httplib::Server> make_server(const ServerSettings& settings) {
    if (!settings.tls)
        return std::make_unique<httplib::Server>();
    const TlsFiles& tls = *settings.tls;
    // With a client CA, httplib asks for a client certificate and refuses a handshake without one.
    return std::make_unique<httplib::SSLServer>(tls.certificate.c_str(), tls.private_key.c_str(),
                                                tls.client_ca.empty() ? nullptr
                                                                      : tls.client_ca.c_str());
}

void configure(httplib::Server& server, const ServerSettings& settings, int& listener) {
    const std::size_t threads = settings.threads;
    // httplib gives a connection a thread for its whole keep-alive life: enough threads that a
    // slow answer or a client's idle connections do not hold up everyone else.
    server.new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
    server.set_socket_options([&listener](int socket) {
        // httplib's default adds SO_REUSEPORT, which lets a second server share the port and
        // take some of the connections; a test must get "address in use" instead.
        const int on = 1;
        setsockopt(socket, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
        listener = socket;
    });
    server.set_tcp_nodelay(true); // headers and body go out in two writes: no Nagle delay
    server.set_keep_alive_max_count(10000);
    server.set_keep_alive_timeout(5);
    server.set_read_timeout(10);
    server.set_write_timeout(10);
    server.set_payload_max_length(max_payload_bytes);
}

std::string url_host(const std::string& host) {
    return host.find(':') == std::string::npos ? host : "[" + host + "]";
}

} // namespace

int run_server(const ServerSettings& settings) {
    StopSignals signals; // before the server starts any thread
    const std::unique_ptr<httplib::Server> server = make_server(settings);
    if (!server->is_valid()) {
        std::fprintf(stderr, "onorder-mock-sp: error: cannot load the TLS certificate, key or "
                             "client CA (expecting PEM files)\n");
        return 2;
    }
    int listener = -1;
    configure(*server, settings, listener);
    Routes routes(settings, *server);

    errno = 0;
    const int port = settings.port == 0 ? server->bind_to_any_port(settings.host)
                     : server->bind_to_port(settings.host, settings.port) ? settings.port
                                                                          : -1;
    if (port < 0) {
        std::fprintf(stderr, "onorder-mock-sp: error: cannot listen on %s port %d: %s\n",
                     settings.host.c_str(), settings.port,
                     errno != 0 ? std::strerror(errno) : "bind failed");
        return 1;
    }
    // httplib listens with a backlog of 5; a burst of parallel clients would have SYNs dropped
    // and wait a second for the retry. Listening again on Linux only raises the backlog.
    if (listener >= 0)
        ::listen(listener, SOMAXCONN);

    std::printf("listening on %s://%s:%d\n", settings.tls ? "https" : "http",
                url_host(settings.host).c_str(), port);
    std::fflush(stdout);

    signals.stop_on_signal(*server, [&routes, port] { routes.stop_connections(port); });
    const bool served = server->listen_after_bind();
    signals.finish();
    return served || signals.received() ? 0 : 1;
}

} // namespace onorder::mock
