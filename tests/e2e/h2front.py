"""An HTTP/2 front for onorder-mock-sp (TLS, ALPN h2) that refuses streams or fails after the SP
processed them, on purpose: what nginx cannot be made to do on a connection already in use.

Run by Debian's python3 with python3-h2 (scripts/install-deps.sh):
  /usr/bin/python3 h2front.py --upstream http://127.0.0.1:PORT --cert C --key K [--refuse-every N]
                              [--reset-after N] [--drop-after N]
Prints "listening on https://127.0.0.1:PORT", then one line per stream it did not answer:
  "refused N"  RST_STREAM(REFUSED_STREAM) before anything was forwarded (RFC 9113 §8.7: the
               request was not processed);
  "reset N"    forwarded to the SP, then RST_STREAM(INTERNAL_ERROR) instead of the answer;
  "dropped N"  forwarded to the SP, then the connection reset instead of the answer.
Counts are per connection: --refuse-every 3 refuses its 3rd, 6th, … request; --reset-after 2 and
--drop-after 2 fail its 2nd request (the first to come on a connection already in use), once in
the front's life.
"""
import argparse
import http.client
import socket
import ssl
import struct
import sys
import threading
import urllib.parse

import h2.config
import h2.connection
import h2.errors
import h2.events
import h2.exceptions

lock = threading.Lock()
failed_once = {"done": False}


def say(line):
    with lock:
        print(line, flush=True)


def forward(upstream, headers, body):
    """The request as the SP answers it: (status, content type, body)."""
    fields = {k.decode() if isinstance(k, bytes) else k: v.decode() if isinstance(v, bytes) else v
              for k, v in headers}
    connection = http.client.HTTPConnection(upstream.hostname, upstream.port, timeout=30)
    try:
        sent = {k: v for k, v in fields.items() if not k.startswith(":")}
        connection.request(fields[":method"], fields[":path"], body=body, headers=sent)
        answer = connection.getresponse()
        return answer.status, answer.getheader("Content-Type", "application/json"), answer.read()
    finally:
        connection.close()


def serve(raw, context, args, upstream):
    tls = None
    requests = {}  # stream id -> [headers, body, number on the connection]
    seen = 0
    try:
        tls = context.wrap_socket(raw, server_side=True)
        conn = h2.connection.H2Connection(h2.config.H2Configuration(client_side=False))
        conn.initiate_connection()
        tls.sendall(conn.data_to_send())
        while True:
            data = tls.recv(65535)
            if not data:
                return
            for event in conn.receive_data(data):
                if isinstance(event, h2.events.RequestReceived):
                    seen += 1
                    if args.refuse_every and seen % args.refuse_every == 0:
                        say(f"refused {event.stream_id}")
                        conn.reset_stream(event.stream_id, h2.errors.ErrorCodes.REFUSED_STREAM)
                        continue
                    requests[event.stream_id] = [event.headers, b"", seen]
                elif isinstance(event, h2.events.DataReceived):
                    conn.acknowledge_received_data(event.flow_controlled_length, event.stream_id)
                    if event.stream_id in requests:
                        requests[event.stream_id][1] += event.data
                elif isinstance(event, h2.events.StreamEnded) and event.stream_id in requests:
                    headers, body, number = requests.pop(event.stream_id)
                    status, content_type, answer = forward(upstream, headers, body)
                    with lock:
                        fail = not failed_once["done"] and number in (args.reset_after,
                                                                      args.drop_after)
                        failed_once["done"] = failed_once["done"] or fail
                    if fail and number == args.drop_after:
                        say(f"dropped {event.stream_id}")
                        raw.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                        raw.close()
                        return
                    if fail:
                        say(f"reset {event.stream_id}")
                        conn.reset_stream(event.stream_id, h2.errors.ErrorCodes.INTERNAL_ERROR)
                        continue
                    conn.send_headers(event.stream_id, [(":status", str(status)),
                                                        ("content-type", content_type),
                                                        ("content-length", str(len(answer)))])
                    conn.send_data(event.stream_id, answer, end_stream=True)
            tls.sendall(conn.data_to_send())
    except (OSError, ssl.SSLError, h2.exceptions.ProtocolError):
        return
    finally:
        try:
            (tls or raw).close()
        except OSError:
            pass


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--upstream", required=True)
    parser.add_argument("--cert", required=True)
    parser.add_argument("--key", required=True)
    parser.add_argument("--refuse-every", type=int, default=0)
    parser.add_argument("--reset-after", type=int, default=0)
    parser.add_argument("--drop-after", type=int, default=0)
    args = parser.parse_args()
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(args.cert, args.key)
    context.set_alpn_protocols(["h2"])
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(64)
    say(f"listening on https://127.0.0.1:{listener.getsockname()[1]}")
    upstream = urllib.parse.urlsplit(args.upstream)
    while True:
        raw, _ = listener.accept()
        threading.Thread(target=serve, args=(raw, context, args, upstream), daemon=True).start()


if __name__ == "__main__":
    sys.exit(main())
