#!/usr/bin/env python3
"""Writes the seed corpus of every harness (fuzz/corpus/<harness>/) from samples/ and the inputs
of the unit tests. Run again after a sample changes; fuzzing adds nothing here (run.sh fuzzes
in a copy)."""
import pathlib
import shutil

root = pathlib.Path(__file__).resolve().parent
samples = root.parent / "samples"
corpus = root / "corpus"


def write(harness, name, data):
    if isinstance(data, str):
        data = data.encode()
    folder = corpus / harness
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_bytes(data)


def order_seeds():
    # First byte: bit 0 NDJSON, bit 1 strict with extra required fields.
    for path in sorted(samples.glob("*.json")) + sorted(samples.glob("*/*.json")):
        name = path.relative_to(samples).as_posix().replace("/", "-").removesuffix(".json")
        write("orders", name, b"\x00" + path.read_bytes())
    order = (samples / "order.json").read_bytes()
    write("orders", "order-strict", b"\x02" + order)
    write("orders", "array", b"\x00[" + order + b",\n" + (samples / "minimal.json").read_bytes() + b"]")
    write("orders", "array-bad", b"\x00[{\"coId\":\"A\"}, 12, [1, {]]")
    write("orders", "batch", b"\x01" + (samples / "batch.ndjson").read_bytes())
    write("orders", "ndjson-mixed", b"\x01\xef\xbb\xbf{\"coId\":\"A\"}\r\n\n  \n{bad\n[1]\n{\"a\":")
    write("orders", "trailing", b"\x00{\"coId\":\"A\"} {\"coId\":\"B\"}")
    write("orders", "deep", b"\x00" + b"[" * 70 + b"]" * 70)
    write("orders", "binary", b"\x00\x89PNG\r\n\x1a\n")
    write("orders", "strings", b"\x00{\"coId\":\"\\u00e9\\ud83d\\ude00\",\"x\":\"\\u0000\"}")


def response(name, reach, second, text):
    write("response", name, bytes([reach, second]) + text.encode())


def response_seeds():
    json = "Content-Type: application/json\r\n"
    response("activated", 0, 0, "HTTP/1.1 200 OK\r\n" + json + "\r\n"
             '{"status":"ACTIVATED","message":"Tjänsten är aktiverad."}')
    response("received", 0, 1, "HTTP/2 200\r\n" + json + "\r\n{\"status\":\"RECEIVED\",\"message\":\"\"}")
    response("rejected", 8, 0, "HTTP/1.1 200 OK\r\n" + json + "\r\n"
             '{"status":"REJECTED","message":"Personnummer 19821105-9954 saknas."}')
    response("unknown-status", 0, 0, "HTTP/1.1 200 OK\r\n" + json + "\r\n{\"status\":5,\"message\":[]}")
    response("bad-request", 0, 0, "HTTP/1.1 400 Bad Request\r\n" + json + "\r\n"
             '{"cause":"coId is missing","message":"Beställningen saknar coId."}')
    response("unauthorized", 0, 0, "HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Basic realm=\"sp\"\r\n\r\n")
    response("html", 0, 0, "HTTP/1.1 404 Not Found\r\nContent-Type: text/html\r\n\r\n"
             "<html><head><title>Not here</title></head><body>x</body></html>")
    response("retry-seconds", 0, 0, "HTTP/1.1 429 Too Many Requests\r\nRetry-After: 5\r\n\r\n")
    response("retry-date", 0, 0, "HTTP/1.1 503 Service Unavailable\r\n"
             "Retry-After: Wed, 15 Jan 2025 12:00:30 GMT\r\n" + json + "\r\n{\"cause\":\"maintenance\"}")
    response("continue", 0, 0, "HTTP/1.1 100 Continue\r\nRetry-After: 1\r\n\r\n"
             "HTTP/1.1 500 Internal Server Error\r\n\r\nboom")
    response("redirect", 0, 0, "HTTP/1.1 307 Temporary Redirect\r\nLocation: https://other.example/o/\r\n\r\n")
    response("no-content", 0, 0, "HTTP/1.1 204 No Content\r\n\r\n")
    response("cut-off", 0, 0, "HTTP/1.1 200 OK\r\nContent-Type: application/js")
    response("not-sent", 6, 7, "Failed to connect to sp.example port 443: Connection refused")
    response("maybe-sent", 7, 28, "Operation timed out after 60000 milliseconds with 0 bytes received")


def journal_seeds():
    sent = '{"at":"2025-01-15T12:00:00Z","attempt":1,"event":"sent","fp":"%s","order":"orders.ndjson:%d"}\n'
    outcome = ('{"at":"2025-01-15T12:00:01Z","attempts":1,"event":"outcome","fp":"%s","http":200,'
               '"order":"orders.ndjson:%d","outcome":"%s","state":"%s","status":"ACTIVATED"}\n')
    lines = [sent % ("00000000000000aa", 1), outcome % ("00000000000000aa", 1, "accepted", "resolved"),
             sent % ("0123456789abcdef", 2), outcome % ("0123456789abcdef", 2, "http_error", "not_processed"),
             sent % ("0000000000000000", 3), outcome % ("fedcba9876543210", 4, "what", "later")]
    write("journal", "records", "\x00" + '{"event":"run"}\n' + "".join(lines))
    write("journal", "pieces", "\x07" + "".join(lines))
    write("journal", "torn", "\x00" + lines[0] + lines[1][:30])
    write("journal", "whole-unterminated", "\x03" + lines[0] + lines[1].rstrip("\n"))
    write("journal", "not-a-record", "\x00" + lines[0] + "[1,2]\n" + lines[1])
    write("journal", "blank-lines", "\x01\n \r\n" + lines[2] + "\n")


def config_seeds():
    write("config", "sample", b"\x00" + (samples / "config.toml").read_bytes())
    write("config", "types", "\x00# onorder profile\nurl = \"https://sp.example/onapi\"  # the SP\n"
          "user = 'acme'\ntimeout = 2.5\ninsecure = false\n"
          "require = [\"customerDetails.customerEmail\", '/coId']\nmax-retry-wait = 30\n")
    write("config", "toml", "\x00require = [\n  \"customerDetails.customerEmail\",  # the SP needs it\n"
          "  '''/coId''',\n]\npassword = \"tab\\there \\\"quoted\\\" \\u00e9\"\n"
          "pinned_pubkey = 'C:\\path\\no escapes'\nheader = \"\"\"\nX-A: 1\"\"\"\n"
          "retries = +2\nconnect_timeout = 1_0\ntimeout = 6e1\nstrict = true\n")
    for i, bad in enumerate(["\n[profile]\n", "url = 'x'\nprofile.url = 'y'\n", "tls = { insecure = true }\n",
                             "cacrt = \"ca.pem\"\n", "require = [\"a\", 1]\n", "url = 1979-05-27\n",
                             "url = \"a\\u0000b\"\n", "url = 'a'\nurl = 'b'\n", "timeout = inf\n"]):
        write("config", "error-%d" % i, "\x00" + bad)
    write("config", "netrc", "\x01machine sp.example login acme password one\n"
          "machine 127.0.0.1\n  login acme\n  password two\n")
    write("config", "netrc-default", "\x01default login d password dp\nmachine sp.example login m password mp\n")
    write("config", "netrc-macro", "\x01# machine h login no password no\nmacdef init\n"
          "machine sp.example login macro password macro\n\nmachine sp.example login \"a c\" password \"x\\\"y\\n\"\n")


def endpoint_seeds():
    listing = """[
    {"name": "accesses", "endpoint": "/onapi/2.5/accesses/", "version": "2.5",
     "documentation": "https://github.com/on-api/onapi-inprogress-2.5/blob/master/accesses.md"},
    {"name": "order", "endpoint": "/onapi/2.5/order/", "version": "2.5",
     "documentation": "https://github.com/on-api/onapi-inprogress-2.5/blob/master/orders.md",
     "note": "Only supports direct activation, no scheduled orders",
     "unsupportedFields": ["requestedDateTime"]},
    {"name": "order", "endpoint": "https://example.com/onapi/2.5/opapi/2.3/order/", "version": "2.3.1",
     "documentation": "https://github.com/on-api/on-api-release-2.3.1/blob/master/service_activation.md"}
]"""
    write("endpoints", "spec", listing)
    write("endpoints", "other-host", '[{"name":"order","endpoint":"https://evil.example/o/","version":"2.5","documentation":"https://d/"}]')
    write("endpoints", "not-array", '{"name":"order"}')
    write("endpoints", "missing", '[{"name":"order","endpoint":"/o/"}, 5, {"name":1,"unsupportedFields":[1]}]')
    write("endpoints", "relative", '[{"name":"order","endpoint":"../../x/?a#b","version":"2.3","documentation":"ftp://d"}]')


if __name__ == "__main__":
    if corpus.exists():
        shutil.rmtree(corpus)
    order_seeds()
    response_seeds()
    journal_seeds()
    config_seeds()
    endpoint_seeds()
    for folder in sorted(corpus.iterdir()):
        print(folder.name, len(list(folder.iterdir())))
