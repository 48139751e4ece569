"""An HTTP server on raw sockets that misbehaves on purpose, for the fault-injection tests.

    with FaultServer(close_before_status) as server:
        server.url            # http://127.0.0.1:PORT — the port the kernel gave (bound to port 0)
        server.requests       # requests received whole (head and body), thread-safe
        server.access_ids     # the coAccessId of each, in arrival order

A behaviour is a function `behaviour(exchange)`, called once per request received whole; it
answers (or does not) through `exchange.send(...)`, `trickle(...)`, `hold()` or `reset()`.
When it returns the connection is closed (politely, unless it was reset) — unless it returns
True: then the connection stays open for the next request. With behaviour None the server is
mute: it accepts connections, swallows what comes and never sends a byte (no TLS handshake
either). `certfile`/`keyfile` wrap every connection in TLS; a handshake that fails is counted in
`handshake_failures`, never as a request. Python's standard library only.

Run alone, it prints "listening on URL" and serves one behaviour until Ctrl-C:
    python3 faultserver.py close_mid_body
"""
import email.utils
import inspect
import itertools
import json
import socket
import ssl
import struct
import sys
import threading
import time


class Exchange:
    """One request received and the connection it came on."""

    def __init__(self, server, sock, head, body, number=1):
        self.server = server
        self.number = number  # 1 for the first request on its connection, 2 for the next…
        self.sock = sock
        self.head = head
        self.body = body
        self.closed = False

    @property
    def order(self):
        try:
            return json.loads(self.body)
        except ValueError:
            return None

    @property
    def access_id(self):
        order = self.order
        return order.get("coAccessId") if isinstance(order, dict) else None

    def header(self, name):
        """The value of the request's header `name`, or None."""
        for line in self.head.split("\r\n")[1:]:
            key, _, value = line.partition(":")
            if key.strip().lower() == name.lower():
                return value.strip()
        return None

    def send(self, data):
        """Sends `data`; False once the client is gone (or the server stops)."""
        if self.server.stopping.is_set():
            return False
        try:
            self.sock.sendall(data if isinstance(data, bytes) else data.encode())
            return True
        except OSError:
            return False

    def trickle(self, data, every):
        """Sends `data` one byte each `every` seconds; False once the client is gone."""
        for i in range(len(data)):
            if not self.send(data[i:i + 1]) or self.server.stopping.wait(every):
                return False
        return True

    def hold(self):
        """Keeps the connection open, sending nothing, until the client closes it (or the
        server stops)."""
        self.sock.settimeout(0.2)
        while not self.server.stopping.is_set():
            try:
                if not self.sock.recv(4096):
                    return
            except socket.timeout:
                continue
            except OSError:
                return

    def reset(self):
        """Closes the connection with a TCP reset (SO_LINGER 0): no FIN, no close_notify."""
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.sock.close()  # an SSLSocket's close() sends no close_notify either
        self.closed = True


def response(status, body=b"", headers=(), length=None, keep_alive=False):
    """The bytes of an answer. Content-Length is `length`, by default the body's."""
    body = body if isinstance(body, bytes) else body.encode()
    reason = {200: "OK", 400: "Bad Request", 429: "Too Many Requests",
              503: "Service Unavailable"}.get(status, "Whatever")
    lines = [f"HTTP/1.1 {status} {reason}", "Content-Type: application/json"]
    if not keep_alive:
        lines.append("Connection: close")
    lines.append(f"Content-Length: {len(body) if length is None else length}")
    lines.extend(headers)
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


ACTIVATED = json.dumps({"status": "ACTIVATED", "message": "The line is open."}).encode()


class FaultServer:
    """Serves `behaviour` on 127.0.0.1 at a port the kernel picks, a thread per connection."""

    def __init__(self, behaviour, certfile=None, keyfile=None):
        self.behaviour = behaviour
        self.context = None
        if certfile:
            self.context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            self.context.load_cert_chain(str(certfile), str(keyfile))
            self.context.set_alpn_protocols(["http/1.1"])
        self.stopping = threading.Event()
        self._changed = threading.Condition()
        self._requests = 0
        self._connections = 0
        self._handshake_failures = 0
        self._access_ids = []
        self._open = set()
        self._threads = []
        self.listener = None
        self.port = None
        self.url = None

    # --- what the tests read (thread-safe) ---

    @property
    def requests(self):
        with self._changed:
            return self._requests

    @property
    def connections(self):
        with self._changed:
            return self._connections

    @property
    def handshake_failures(self):
        with self._changed:
            return self._handshake_failures

    @property
    def access_ids(self):
        with self._changed:
            return list(self._access_ids)

    def wait_until(self, condition, timeout=30, what="a condition"):
        """Waits until `condition(self)` holds — woken by each change, never by a guess."""
        with self._changed:
            if not self._changed.wait_for(lambda: condition(self), timeout):
                raise AssertionError(f"timed out waiting for {what}")

    # --- serving ---

    def __enter__(self):
        self.listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(64)
        self.port = self.listener.getsockname()[1]
        self.url = f"{'https' if self.context else 'http'}://127.0.0.1:{self.port}"
        thread = threading.Thread(target=self._accept, daemon=True)
        thread.start()
        self._threads.append(thread)
        return self

    def __exit__(self, *exc):
        self.stopping.set()
        try:
            self.listener.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self.listener.close()
        with self._changed:
            still_open = list(self._open)
        for sock in still_open:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        for thread in list(self._threads):
            thread.join(timeout=10)

    def _count(self, field, access_id=None):
        with self._changed:
            setattr(self, field, getattr(self, field) + 1)
            if field == "_requests":
                self._access_ids.append(access_id)
            self._changed.notify_all()

    def _accept(self):
        while not self.stopping.is_set():
            try:
                sock, _ = self.listener.accept()
            except OSError:
                return
            self._count("_connections")
            thread = threading.Thread(target=self._serve, args=(sock,), daemon=True)
            thread.start()
            self._threads.append(thread)

    def _serve(self, sock):
        with self._changed:
            self._open.add(sock)
        try:
            sock.settimeout(30)
            if self.behaviour is None:
                Exchange(self, sock, "", b"").hold()  # mute: no TLS handshake either
                return
            if self.context:
                with self._changed:
                    self._open.discard(sock)
                try:
                    sock = self.context.wrap_socket(sock, server_side=True)
                except (ssl.SSLError, OSError):
                    self._count("_handshake_failures")
                    return
                with self._changed:
                    self._open.add(sock)
            for number in itertools.count(1):
                request = self._read_request(sock)
                if request is None:
                    return
                head, body = request
                exchange = Exchange(self, sock, head, body, number)
                self._count("_requests", exchange.access_id)
                # A behaviour that returns True keeps the connection for the next request.
                if not self.behaviour(exchange) or exchange.closed:
                    break
            if not exchange.closed:
                sock.close()
        except OSError:
            pass
        finally:
            with self._changed:
                self._open.discard(sock)
            try:
                sock.close()
            except OSError:
                pass

    @staticmethod
    def _read_request(sock):
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = sock.recv(65536)
            if not chunk:
                return None
            data += chunk
        head, _, body = data.partition(b"\r\n\r\n")
        length = 0
        for line in head.split(b"\r\n")[1:]:
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                length = int(value.strip())
        while len(body) < length:
            chunk = sock.recv(65536)
            if not chunk:
                return None
            body += chunk
        return head.decode("latin-1"), body


# --- the behaviours --------------------------------------------------------------------------

def close_before_status(exchange):
    pass  # the request was read; the connection closes without a byte of answer


def close_mid_headers(exchange):
    exchange.send(b"HTTP/1.1 200 OK\r\nContent-Type: application/js")


def close_mid_body(exchange):
    exchange.send(response(200, ACTIVATED)[:-10])


def tcp_reset(exchange):
    exchange.reset()


def one_byte_per_second(exchange):
    exchange.trickle(response(200, ACTIVATED), 1.0)


def endless_body(exchange):
    exchange.send(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n")
    chunk = b'{"status":"ACTIVATED","pad":"' + b"x" * 65536
    while exchange.send(chunk):
        chunk = b"x" * 65536


def endless_headers(exchange):
    exchange.send(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n")
    n = 0
    while exchange.send(f"X-Filler-{n}: {'y' * 200}\r\n".encode()):
        n += 1


def invalid_chunked(exchange):
    exchange.send(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n"
                  b"Connection: close\r\n\r\nzz-not-a-size\r\n" + ACTIVATED + b"\r\n0\r\n\r\n")


def content_length_shorter(exchange):
    # The body says ACTIVATED, but Content-Length covers only its first 20 bytes.
    exchange.send(response(200, ACTIVATED, length=20))


def content_length_longer(exchange):
    # Content-Length promises more than is sent; then the connection closes.
    exchange.send(response(200, ACTIVATED, length=len(ACTIVATED) + 500))


def headers_then_silence(exchange):
    """A 200 whose body never comes: the headers promise one, the connection stays open."""
    exchange.send(response(200, b"", length=len(ACTIVATED)))
    exchange.hold()


def never_ending_200(exchange):
    """A 200 whose chunked body keeps coming, a little at a time, and never ends."""
    exchange.send(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n"
                  b"Connection: close\r\n\r\n")
    while exchange.send(b"1\r\n \r\n") and not exchange.server.stopping.wait(0.2):
        pass


def not_http(exchange):
    exchange.send(b"garbage, not an HTTP status line\r\n\r\n")


def five_digit_status(exchange):
    exchange.send(b"HTTP/1.1 20000 OK\r\nContent-Length: 0\r\n\r\n")


def drop_the_next_request(exchange):
    """Answers the first request on a connection and keeps it open; closes it on the next one
    without a word — as a server whose keep-alive ran out just as the request came."""
    if exchange.number == 1:
        exchange.send(response(200, ACTIVATED, keep_alive=True))
        return True
    return False


def echo_credentials(exchange):
    """A 400 whose cause quotes the request's Authorization header, and a header that does too."""
    authorization = exchange.header("Authorization") or ""
    body = json.dumps({"cause": f"cannot use credentials {authorization}", "message": "Try again."})
    exchange.send(response(400, body, headers=[f"X-Seen: {authorization}"]))


def accepted(exchange):
    exchange.send(response(200, ACTIVATED))


def refuse_with(status, retry_after, then=None):
    """`status` with `Retry-After: retry_after` (a string, or a function returning one) for every
    request — or only the first, then `then` (a behaviour)."""
    def behaviour(exchange):
        if then is not None and exchange.server.requests > 1:
            return then(exchange)
        value = retry_after() if callable(retry_after) else retry_after
        body = json.dumps({"cause": "busy"})
        exchange.send(response(status, body, headers=[f"Retry-After: {value}"]))
    return behaviour


def http_date(seconds_from_now):
    return email.utils.formatdate(time.time() + seconds_from_now, usegmt=True)


BEHAVIOURS = {name: value for name, value in dict(globals()).items()
              if inspect.isfunction(value) and value.__module__ == __name__
              and value.__code__.co_varnames[:1] == ("exchange",)}


if __name__ == "__main__":
    with FaultServer(BEHAVIOURS[sys.argv[1]]) as server:
        print(f"listening on {server.url}", flush=True)
        try:
            threading.Event().wait()
        except KeyboardInterrupt:
            pass
