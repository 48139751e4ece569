"""Fault injection: the real onorder submit against a server that misbehaves on purpose
(faultserver.py) — connections cut at every stage, resets, trickles, endless answers, broken
framing, bad certificates, a name that does not resolve, odd Retry-After values. Each case
checks the exit code (DESIGN §2), the words that name the problem, that the run ends in time,
and how many requests the server received: a request that may have reached the SP is never
sent again (DESIGN §5).

The words are read from the --output json result line (explanation and cause), which carries
the same text as the human verdict; both go to stdout, the batch summary to stderr."""
import base64
import json
import subprocess
import time
import unittest
import uuid

import faultserver as fs
from harness import TlsTestCase, free_port, order_with, run

USER, PASSWORD = "acme", "fault-Pa55-word"
ENV = {"ONORDER_PASSWORD": PASSWORD}
BASIC = base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode()  # what goes on the wire

# Bounds on the wall clock of one run. Generous for a loaded machine and the ASan build, yet far
# below the default --timeout (60 s) and --connect-timeout (10 s): a run that waited on either
# instead of noticing the fault fails.
QUICK = 8.0  # a fault noticed at once
TIMEOUT = 2  # --timeout for the cases that must end by it
EC_KEY = ("-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1")  # quicker to make than RSA


def expired_certificate(certs):
    """A server certificate for 127.0.0.1 from the class's CA that expired in 2020."""
    d = certs.dir
    (d / "index.txt").write_text("")
    (d / "serial").write_text("1000\n")
    (d / "newcerts").mkdir(exist_ok=True)
    (d / "ca.cnf").write_text("[ca]\ndefault_ca = test\n[test]\ndatabase = index.txt\n"
                              "new_certs_dir = newcerts\nserial = serial\ndefault_md = sha256\n"
                              "policy = any\ncopy_extensions = copy\nunique_subject = no\n"
                              "[any]\ncommonName = supplied\n")
    openssl(d, "req", *EC_KEY, "-nodes", "-keyout", "expired.key", "-out", "expired.csr",
            "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1")
    openssl(d, "ca", "-batch", "-config", "ca.cnf", "-cert", "ca.pem", "-keyfile", "ca.key", "-in",
            "expired.csr", "-out", "expired.pem", "-notext", "-startdate", "20200101000000Z",
            "-enddate", "20200102000000Z")
    return d / "expired.pem", d / "expired.key"


def wrong_host_certificate(certs):
    """A valid certificate from the class's CA, but for sp.example, not 127.0.0.1."""
    d = certs.dir
    openssl(d, "req", *EC_KEY, "-nodes", "-keyout", "other.key", "-out", "other.csr",
            "-subj", "/CN=sp.example")
    (d / "other.ext").write_text("subjectAltName=DNS:sp.example\n")
    openssl(d, "x509", "-req", "-in", "other.csr", "-CA", "ca.pem", "-CAkey", "ca.key",
            "-CAcreateserial", "-out", "other.pem", "-days", "2", "-extfile", "other.ext")
    return d / "other.pem", d / "other.key"


def self_signed_certificate(certs):
    d = certs.dir
    openssl(d, "req", "-x509", *EC_KEY, "-nodes", "-keyout", "self.key", "-out",
            "self.pem", "-days", "2", "-subj", "/CN=127.0.0.1", "-addext",
            "subjectAltName=IP:127.0.0.1")
    return d / "self.pem", d / "self.key"


def openssl(directory, *args):
    subprocess.run(["openssl", *args], check=True, capture_output=True, cwd=directory)


class Faults(TlsTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.expired = expired_certificate(cls.certs)
        cls.wrong_host = wrong_host_certificate(cls.certs)
        cls.self_signed = self_signed_certificate(cls.certs)

    def server(self, behaviour, certificate=None):
        cert, key = certificate or (None, None)
        server = fs.FaultServer(behaviour, cert, key).__enter__()
        self.addCleanup(server.__exit__, None, None, None)
        return server

    def submit(self, url, *flags, orders=None, bound=QUICK):
        """One run of onorder submit, timed: (result, seconds). `orders` (a list) go in an NDJSON
        file; else one order in a JSON file."""
        if orders is None:
            self.access_id = f"F-{uuid.uuid4().hex[:10]}"
            path = self.write("order.json", json.dumps(order_with("plain", self.access_id)))
        else:
            path = self.write("orders.ndjson", "".join(json.dumps(o) + "\n" for o in orders))
        self.path = path
        started = time.monotonic()
        result = run("submit", "--url", url, "--user", USER, "--output", "json", *flags, path,
                     env=ENV, timeout=120)
        elapsed = time.monotonic() - started
        self.assertNoSecrets(result.all, PASSWORD, BASIC)
        self.assertLess(elapsed, bound, f"took {elapsed:.1f} s\n{result!r}")
        return result, elapsed

    def verdict(self, result, code, outcome, *words):
        """The one result line: its exit code, outcome and the words that name the problem."""
        self.assertExit(result, code)
        [line] = result.json_lines()
        self.assertEqual(line["outcome"], outcome, line)
        text = line.get("explanation", "") + " " + line.get("cause", "")
        for word in words:
            self.assertIn(word, text, line)
        return line

    def assertUnknown(self, server, *words, flags=(), bound=QUICK):
        """Outcome unknown (exit 8) after exactly one request, never sent again."""
        result, elapsed = self.submit(server.url, *flags, bound=bound)
        line = self.verdict(result, 8, "unknown", "may have reached the SP", *words)
        self.assertEqual((line["attempts"], line["http"]), (1, 0))
        self.assertEqual(server.requests, 1, "a request that may have been processed was sent again")
        self.assertEqual(server.access_ids, [self.access_id])
        return line, elapsed

    # --- the connection ends early ------------------------------------------------------------

    def test_closed_before_the_status_line(self):
        self.assertUnknown(self.server(fs.close_before_status), "lost before the SP's answer came",
                           "Empty reply")

    def test_closed_in_the_middle_of_the_headers(self):
        self.assertUnknown(self.server(fs.close_mid_headers), "in the middle of the answer's headers")

    def test_closed_in_the_middle_of_the_body(self):
        self.assertUnknown(self.server(fs.close_mid_body), "lost in the middle of the SP's answer",
                           "had begun 200 OK", "10 bytes remaining")

    def test_closed_in_the_middle_of_the_body_over_tls(self):
        server = self.server(fs.close_mid_body, (self.certs.server_cert, self.certs.server_key))
        self.assertUnknown(server, "lost in the middle of the SP's answer", flags=("--cacert", self.certs.ca))

    def test_tcp_reset_after_the_request(self):
        self.assertUnknown(self.server(fs.tcp_reset), "Connection reset by peer")

    def test_tcp_reset_over_tls(self):
        server = self.server(fs.tcp_reset, (self.certs.server_cert, self.certs.server_key))
        self.assertUnknown(server, "Connection reset by peer", flags=("--cacert", self.certs.ca))

    # --- the answer never ends ----------------------------------------------------------------

    def test_one_byte_per_second_ends_at_the_timeout(self):
        _, elapsed = self.assertUnknown(self.server(fs.one_byte_per_second), "in time (--timeout)",
                                        flags=("--timeout", TIMEOUT), bound=TIMEOUT + QUICK)
        self.assertGreaterEqual(elapsed, TIMEOUT - 0.1)

    def test_a_200_whose_body_never_comes_ends_at_the_timeout(self):
        line, elapsed = self.assertUnknown(self.server(fs.headers_then_silence), "in time (--timeout)",
                                           "; the answer had begun 200 OK", flags=("--timeout", TIMEOUT),
                                           bound=TIMEOUT + QUICK)
        self.assertGreaterEqual(elapsed, TIMEOUT - 0.1)

    def test_a_200_that_never_ends_ends_at_the_timeout(self):
        self.assertUnknown(self.server(fs.never_ending_200), "in time (--timeout)",
                           "; the answer had begun 200 OK",
                           flags=("--timeout", TIMEOUT), bound=TIMEOUT + QUICK)

    def test_an_endless_body_is_cut_off_at_1_mib(self):
        server = self.server(fs.endless_body)
        result, _ = self.submit(server.url)
        # The SP answered (status line and headers whole): an unexpected answer, not retried.
        line = self.verdict(result, 6, "http_error", "over 1 MiB and was cut off", "Check with the SP")
        self.assertEqual((line["http"], line["attempts"]), (200, 1))
        self.assertEqual(server.requests, 1)

    def test_endless_headers_are_cut_off(self):
        self.assertUnknown(self.server(fs.endless_headers), "in the middle of the SP's answer",
                           "response headers")

    # --- framing that lies --------------------------------------------------------------------

    def test_invalid_chunked_encoding(self):
        self.assertUnknown(self.server(fs.invalid_chunked), "in the middle of the SP's answer", "chunked")

    def test_content_length_shorter_than_the_body(self):
        server = self.server(fs.content_length_shorter)
        result, _ = self.submit(server.url)
        # The message as framed is 20 bytes of the JSON: whole by its length, not the spec's answer.
        line = self.verdict(result, 6, "http_error", "not valid JSON", "Check with the SP")
        self.assertEqual((line["http"], line["attempts"]), (200, 1))
        self.assertEqual(server.requests, 1)

    def test_content_length_longer_than_the_body(self):
        self.assertUnknown(self.server(fs.content_length_longer), "in the middle of the SP's answer",
                           "500 bytes remaining")

    # --- answers that are not HTTP -------------------------------------------------------------

    def test_an_answer_that_is_not_http(self):
        self.assertUnknown(self.server(fs.not_http), "could not be read as HTTP", "HTTP/0.9")

    def test_a_status_code_of_five_digits(self):
        self.assertUnknown(self.server(fs.five_digit_status), "could not be read as HTTP")

    def test_a_kept_alive_connection_dropped_at_the_next_request(self):
        # libcurl would silently send the second order again on a new connection; it may have
        # been processed, so it is not.
        server = self.server(fs.drop_the_next_request)
        orders = [order_with("plain", f"K-{uuid.uuid4().hex[:8]}-{n}") for n in range(2)]
        result, _ = self.submit(server.url, orders=orders)
        self.assertExit(result, 8)
        first, second = result.json_lines()
        self.assertEqual(first["outcome"], "accepted")
        self.assertEqual((second["outcome"], second["attempts"]), ("unknown", 1))
        self.assertIn("it was not sent again", second["explanation"])
        # (libcurl may open a new connection for its retry before onorder stops it: no request
        # goes out on it.)
        self.assertEqual(server.access_ids, [o["coAccessId"] for o in orders])

    def test_credentials_the_sp_echoes_are_hidden(self):
        server = self.server(fs.echo_credentials)
        for flags in ((), ("-v",)):
            with self.subTest(flags=flags):
                # submit() asserts that neither the password nor its base64 is in the output.
                result, _ = self.submit(server.url, *flags)
                self.assertExit(result, 4)
                self.assertIn("cannot use credentials Basic ****", result.out)
        human = run("submit", "--url", server.url, "--user", USER, self.path, env=ENV, timeout=60)
        self.assertExit(human, 4)
        self.assertIn("Cause (for you, not the customer): cannot use credentials Basic ****", human.out)
        self.assertNoSecrets(human.all, PASSWORD, BASIC)
        journal = self.tmp / "journal.jsonl"
        self.submit(server.url, "--journal", journal)
        self.assertNoSecrets(journal.read_text(), PASSWORD, BASIC)
        # check and endpoints read their answers through the same transfers.
        for command in (("endpoints",), ("check",), ("check", "--output", "json")):
            with self.subTest(command=command):
                other = run(*command, "--url", server.url, "--user", USER, env=ENV, timeout=60)
                self.assertIn("Basic ****", other.all)
                self.assertNoSecrets(other.all, PASSWORD, BASIC)

    # --- no connection: nothing was sent ------------------------------------------------------

    def assertNoConnection(self, certificate, *words, flags=("--cacert",)):
        server = self.server(fs.accepted, certificate)
        if flags == ("--cacert",):
            flags = ("--cacert", self.certs.ca)
        result, _ = self.submit(server.url, *flags)
        line = self.verdict(result, 7, "no_connection", "The order was not sent", *words)
        self.assertEqual(line["attempts"], 1, "the same certificate fails the same way: not retried")
        self.assertEqual(server.requests, 0)
        self.assertEqual(server.connections, 1)
        return line

    def test_expired_certificate(self):
        line = self.assertNoConnection(self.expired, "certificate has expired")
        self.assertNotIn("give its CA", line["explanation"], "the CA is given: it is not the problem")

    def test_certificate_for_another_host(self):
        line = self.assertNoConnection(self.wrong_host, "127.0.0.1", "host name")
        self.assertNotIn("give its CA", line["explanation"], "the CA is given: it is not the problem")

    def test_self_signed_certificate(self):
        self.assertNoConnection(self.self_signed, "self-signed", "--cacert", flags=())

    def test_a_name_that_does_not_resolve(self):
        result, _ = self.submit("https://sp-fault-test.invalid", "--retries", "1")
        line = self.verdict(result, 7, "no_connection", "could not be resolved (DNS)", "sp-fault-test.invalid",
                            "The order was not sent")
        # Nothing could be sent: a retry is safe (DESIGN §5).
        self.assertEqual(line["attempts"], 2)

    def test_a_tls_handshake_that_never_comes_is_no_connection_and_retried(self):
        server = self.server(None)  # accepts, and never says a word
        result, elapsed = self.submit(f"https://127.0.0.1:{server.port}", "--connect-timeout", "1",
                                      "--retries", "1", bound=2 + QUICK)
        line = self.verdict(result, 7, "no_connection", "could not be made in time (--connect-timeout)",
                            "The order was not sent")
        # The request never left: sending it again is safe (DESIGN §5).
        self.assertEqual(line["attempts"], 2)
        server.wait_until(lambda s: s.connections >= 2, what="both connections accepted")
        self.assertEqual(server.connections, 2)
        self.assertEqual(server.requests, 0)
        self.assertGreaterEqual(elapsed, 2 - 0.1)

    def test_connection_refused_is_retried(self):
        result, _ = self.submit(f"http://127.0.0.1:{free_port()}", "--retries", "2")
        line = self.verdict(result, 7, "no_connection", "refused", "The order was not sent")
        self.assertEqual(line["attempts"], 3)

    # --- Retry-After --------------------------------------------------------------------------

    def test_retry_after_negative_is_ignored_and_backoff_used(self):
        server = self.server(fs.refuse_with(429, "-5"))
        result, _ = self.submit(server.url, "--retries", "1")
        line = self.verdict(result, 6, "http_error", "429", "did not process", "Gave up after 2 attempts")
        self.assertEqual((line["http"], line["attempts"]), (429, 2))
        self.assertNotIn("not_before", line)
        self.assertEqual(server.requests, 2)

    def test_retry_after_garbage_is_ignored_and_backoff_used(self):
        server = self.server(fs.refuse_with(503, "soon, maybe"))
        result, _ = self.submit(server.url, "--retries", "1")
        line = self.verdict(result, 6, "http_error", "503", "did not process", "Gave up after 2 attempts")
        self.assertEqual((line["http"], line["attempts"]), (503, 2))
        self.assertEqual(server.requests, 2)

    def test_retry_after_enormous_gives_up_at_once(self):
        server = self.server(fs.refuse_with(503, "9" * 40))
        result, _ = self.submit(server.url)
        line = self.verdict(result, 6, "http_error", "503", "longer than --max-retry-wait",
                            "not sent again", "wait more than 30 years")
        self.assertNotIn("1000000000 s", line["explanation"], "the SP asked for longer than that")
        self.assertEqual((line["http"], line["attempts"]), (503, 1))
        self.assertIn("not_before", line)
        self.assertEqual(server.requests, 1)

    def test_retry_after_http_date_is_honoured(self):
        server = self.server(fs.refuse_with(429, lambda: fs.http_date(2), then=fs.accepted))
        result, elapsed = self.submit(server.url)
        line = self.verdict(result, 0, "accepted")
        self.assertEqual(line["attempts"], 2)
        self.assertEqual(server.requests, 2)
        # The date has whole seconds: two seconds ahead is more than one from now.
        self.assertGreaterEqual(elapsed, 1.0, "sent again before the date the SP gave")

    def test_retry_after_http_date_far_ahead_gives_up_at_once(self):
        server = self.server(fs.refuse_with(503, lambda: fs.http_date(3600)))
        result, _ = self.submit(server.url)
        line = self.verdict(result, 6, "http_error", "503", "longer than --max-retry-wait", "not before")
        self.assertEqual(line["attempts"], 1)
        self.assertIn("not_before", line)
        self.assertEqual(server.requests, 1)

    # --- a journalled batch through faults ----------------------------------------------------

    def test_a_journalled_batch_through_every_fault_stays_complete(self):
        self.journalled_batch()

    def test_a_journalled_batch_through_every_fault_over_tls_stays_complete(self):
        self.journalled_batch((self.certs.server_cert, self.certs.server_key), "--cacert", self.certs.ca)

    def journalled_batch(self, certificate=None, *flags):
        faults = {
            "ok": (fs.accepted, "accepted"),
            "close": (fs.close_before_status, "unknown"),
            "headers": (fs.close_mid_headers, "unknown"),
            "body": (fs.close_mid_body, "unknown"),
            "reset": (fs.tcp_reset, "unknown"),
            "silent": (fs.headers_then_silence, "unknown"),
            "chunked": (fs.invalid_chunked, "unknown"),
            "endless": (fs.endless_body, "http_error"),
        }
        prefix = uuid.uuid4().hex[:8]
        kinds = list(faults) * 2
        orders = [order_with("plain", f"{prefix}-{n}-{kind}") for n, kind in enumerate(kinds)]

        def by_kind(exchange):
            kind = (exchange.access_id or "").rsplit("-", 1)[-1]
            return faults[kind][0](exchange)

        server = self.server(by_kind, certificate)
        journal = self.tmp / "journal.jsonl"
        result, _ = self.submit(server.url, "--parallel", "4", "--journal", journal, "--timeout", TIMEOUT,
                                *flags, orders=orders, bound=4 * TIMEOUT + QUICK)
        self.assertExit(result, 8)
        unknown = sum(1 for kind in kinds if faults[kind][1] == "unknown")
        self.assertIn(f"{unknown} outcome unknown — the order may have reached the SP", result.err)
        lines = {line["line"]: line for line in result.json_lines()}
        self.assertEqual(sorted(lines), list(range(1, len(orders) + 1)), "every order has a result")
        for number, kind in enumerate(kinds, start=1):
            self.assertEqual(lines[number]["outcome"], faults[kind][1], lines[number])
        # Each order reached the server once: none was sent again.
        seen = server.access_ids
        self.assertEqual(sorted(seen), sorted(o["coAccessId"] for o in orders))

        records = [json.loads(text) for text in journal.read_text().splitlines()]  # all JSON
        labels = {o["coAccessId"]: f"{self.path}:{n}" for n, o in enumerate(orders, start=1)}
        sent = [r["order"] for r in records if r["event"] == "sent"]
        outcomes = {r["order"]: r for r in records if r["event"] == "outcome"}
        self.assertTrue({labels[a] for a in seen} <= set(sent), "an order the SP got has no sent record")
        self.assertEqual(len(sent), len(set(sent)), "one attempt each")
        self.assertEqual(set(outcomes), set(labels.values()), "every order has its outcome recorded")
        for number, kind in enumerate(kinds, start=1):
            record = outcomes[f"{self.path}:{number}"]
            self.assertEqual(record["outcome"], faults[kind][1], record)
        # A re-run sends nothing: the unknown ones are in doubt, the others settled.
        again, _ = self.submit(server.url, "--journal", journal, *flags, orders=orders)
        self.assertExit(again, 8)
        self.assertEqual(server.requests, len(orders), "a re-run resent an order")


if __name__ == "__main__":
    unittest.main()
