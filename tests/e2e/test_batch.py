"""The batch engine through the real binaries: --parallel, the journal and re-runs, kill -9,
Ctrl-C once and twice, 429 storms, auth stops, mixed input, flat memory."""
import json
import os
import signal
import subprocess
import time
import uuid

from harness import (ONORDER, MockSP, TestCase, TlsTestCase, _CLEAN_ENV, order_with, run)

USER, PASSWORD = "acme", "batch-Pa55"
ENV = {"ONORDER_PASSWORD": PASSWORD}


def orders(count, prefix=None, offering="plain"):
    prefix = prefix or uuid.uuid4().hex[:8]
    return [order_with(offering, f"{prefix}-{i}") for i in range(count)]


def ndjson(items):
    return "".join(json.dumps(o, separators=(",", ":")) + "\n" for o in items)


def journal_records(path):
    """Every line of the journal as JSON: a line that is not JSON fails the test."""
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def wait_for(condition, timeout=30, what="a condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.01)
    raise AssertionError(f"timed out waiting for {what}")


class Batch(TestCase):
    def mock(self, *args):
        mock = MockSP("--user", USER, "--password", PASSWORD, "-q", *args).__enter__()
        self.addCleanup(mock.__exit__, None, None, None)
        return mock

    def submit(self, mock, *args, timeout=300):
        return run("submit", "--url", mock.url, "--user", USER, "--output", "json", *args,
                   env=ENV, timeout=timeout)

    def start(self, mock, *args):
        """onorder submit in the background: (process, stderr lines as they come)."""
        env = dict(_CLEAN_ENV, **ENV)
        proc = subprocess.Popen([ONORDER, "submit", "--url", mock.url, "--user", USER, "--output",
                                 "json", *args], env=env, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True)
        self.addCleanup(lambda: proc.poll() is None and proc.kill())
        return proc

    def test_a_thousand_orders_in_parallel_each_received_exactly_once(self):
        mock = self.mock("--latency-ms", "0-3")
        batch = orders(1000)
        path = self.write("orders.ndjson", ndjson(batch))
        result = self.submit(mock, "--parallel", "16", path)
        self.assertExit(result, 0)
        lines = result.json_lines()
        self.assertEqual(sorted(l["line"] for l in lines), list(range(1, 1001)))
        self.assertTrue(all(l["outcome"] == "accepted" for l in lines))
        received = mock.received()
        self.assertEqual(received["total"], 1000)
        self.assertEqual(set(received["by_access_id"].values()), {1})
        self.assertEqual(len(received["by_access_id"]), 1000)
        self.assertIn("1000 accepted", result.err)
        self.assertIn("1000 orders in", result.err)

    def test_parallel_requests_really_overlap(self):
        # 32 orders that each take 200 ms: one after another 6.4 s; 16 at a time well under 2 s.
        mock = self.mock("--latency-ms", "200")
        path = self.write("orders.ndjson", ndjson(orders(32)))
        started = time.monotonic()
        result = self.submit(mock, "--parallel", "16", path)
        took = time.monotonic() - started
        self.assertExit(result, 0)
        self.assertLess(took, 3.2, "16 requests at once take half the time of 32 in a row at most")

    def test_journal_records_every_send_and_outcome_and_a_rerun_sends_nothing(self):
        mock = self.mock()
        batch = orders(50)
        path = self.write("orders.ndjson", ndjson(batch))
        journal = self.tmp / "journal.jsonl"
        first = self.submit(mock, "--parallel", "8", "--journal", journal, path)
        self.assertExit(first, 0)
        self.assertEqual(os.stat(journal).st_mode & 0o777, 0o600)
        records = journal_records(journal)
        sent = [r for r in records if r["event"] == "sent"]
        outcomes = [r for r in records if r["event"] == "outcome"]
        self.assertEqual(len(sent), 50)
        self.assertEqual(len(outcomes), 50)
        fingerprints = {l["fingerprint"] for l in first.json_lines()}
        self.assertEqual({r["fp"] for r in sent}, fingerprints)
        for record in outcomes:
            self.assertEqual((record["outcome"], record["state"]), ("accepted", "resolved"))
        # Each sent record precedes its outcome.
        order_of = {}
        for position, record in enumerate(records):
            order_of.setdefault((record["event"], record["fp"]), position)
        for fp in fingerprints:
            self.assertLess(order_of[("sent", fp)], order_of[("outcome", fp)])

        again = self.submit(mock, "--parallel", "8", "--journal", journal, path)
        self.assertExit(again, 0)
        self.assertEqual(mock.received()["total"], 50, "a re-run sends nothing already accepted")
        self.assertTrue(all(l.get("earlier_run") for l in again.json_lines()))
        self.assertIn("50 settled by an earlier run", again.err)

        # New orders beside the old ones: only the new are sent.
        more = batch + orders(5)
        path2 = self.write("more.ndjson", ndjson(more))
        third = self.submit(mock, "--journal", journal, path2)
        self.assertExit(third, 0)
        self.assertEqual(mock.received()["total"], 55)

    def test_a_journal_in_use_is_refused(self):
        mock = self.mock("--latency-ms", "2000")
        path = self.write("orders.ndjson", ndjson(orders(2)))
        journal = self.tmp / "journal.jsonl"
        proc = self.start(mock, "--journal", journal, path)
        wait_for(lambda: mock.received()["total"] >= 1, what="the first order at the mock")
        second = self.submit(mock, "--journal", journal, path)
        self.assertExit(second, 2)
        self.assertIn("another onorder is using it", second.err)
        proc.wait(timeout=60)

    def test_a_journal_that_cannot_be_written_stops_the_batch(self):
        # A file-size limit makes the journal's writes fail (EFBIG) as a full disk would (ENOSPC):
        # nothing more is sent, orders in flight finish, every order is reported, exit 2.
        import resource

        def limit_file_size():
            signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a failed write, not a killed process
            resource.setrlimit(resource.RLIMIT_FSIZE, (8192, 8192))

        mock = self.mock("--latency-ms", "1-5")
        batch = orders(300)
        path = self.write("orders.ndjson", ndjson(batch))
        journal = self.tmp / "journal.jsonl"
        proc = subprocess.run([ONORDER, "submit", "--url", mock.url, "--user", USER, "--output",
                               "json", "--parallel", "4", "--journal", str(journal), str(path)],
                              env=dict(_CLEAN_ENV, **ENV), capture_output=True, text=True,
                              timeout=120, preexec_fn=limit_file_size)
        self.assertEqual(proc.returncode, 2, proc.stderr)
        self.assertIn(f"journal {journal}: cannot write it", proc.stderr)
        self.assertIn("nothing more is sent", proc.stderr)
        self.assertEqual(proc.stderr.count("cannot write it"), 1, "said once")
        results = [json.loads(line) for line in proc.stdout.splitlines()]
        self.assertEqual(sorted(r["line"] for r in results), list(range(1, 301)),
                         "every order is reported")
        received = mock.received()["by_access_id"]
        self.assertLess(len(received), 300, "the batch stopped")
        self.assertEqual(sum(1 for r in results if r["outcome"] == "accepted"), len(received))
        # Every order that reached the SP has its sent record on disk: a re-run will not
        # send it again.
        recorded = {json.loads(line)["fp"] for line in journal.read_text().splitlines()
                    if line.endswith("}") and '"event":"sent"' in line}
        sent = {r["fingerprint"] for r in results if r["outcome"] == "accepted"}
        self.assertTrue(sent <= recorded)

    def test_kill_9_then_rerun_sends_each_order_at_most_once_and_loses_none(self):
        mock = self.mock("--latency-ms", "5-40")
        batch = orders(300)
        path = self.write("orders.ndjson", ndjson(batch))
        journal = self.tmp / "journal.jsonl"
        proc = self.start(mock, "--parallel", "8", "--journal", journal, path)
        wait_for(lambda: mock.received()["total"] >= 60, what="60 orders at the mock")
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
        journal_records(journal)  # parseable after the kill

        rerun = self.submit(mock, "--parallel", "8", "--journal", journal, path)
        self.assertIn(rerun.code, (0, 8), repr(rerun))
        by_access = mock.received()["by_access_id"]
        self.assertLessEqual(max(by_access.values()), 1, "no order was sent twice")
        lines = {l["line"]: l for l in rerun.json_lines()}
        self.assertEqual(sorted(lines), list(range(1, 301)), "every order has a result")
        for number, order in enumerate(batch, start=1):
            line = lines[number]
            if order["coAccessId"] not in by_access:
                self.assertEqual(line["outcome"], "unknown",
                                 f"line {number} never reached the SP: only in doubt may it be missing")
            elif line["outcome"] == "unknown":
                self.assertTrue(line.get("earlier_run"))
            else:
                self.assertEqual(line["outcome"], "accepted")
        records = journal_records(journal)
        settled = {r["fp"] for r in records if r["event"] == "outcome"}
        self.assertTrue(all(l["fingerprint"] in settled or l.get("earlier_run") for l in lines.values()))

        # --resend-unknown sends the orders in doubt, and only those.
        doubt = [n for n, l in lines.items() if l["outcome"] == "unknown"]
        before = mock.received()["total"]
        resend = self.submit(mock, "--journal", journal, "--resend-unknown", path)
        self.assertExit(resend, 0)
        self.assertEqual(mock.received()["total"] - before, len(doubt))

    def test_first_ctrl_c_lets_orders_in_flight_finish_and_records_them(self):
        mock = self.mock("--latency-ms", "700")
        path = self.write("orders.ndjson", ndjson(orders(40)))
        journal = self.tmp / "journal.jsonl"
        proc = self.start(mock, "--parallel", "4", "--journal", journal, path)
        wait_for(lambda: mock.received()["total"] >= 4, what="4 orders in flight")
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=60)
        self.assertEqual(proc.returncode, 130, err)
        self.assertRegex(err, r"waiting for \d+ orders? in flight — Ctrl-C again to abandon")
        results = [json.loads(l) for l in out.splitlines()]
        accepted = [r for r in results if r["outcome"] == "accepted"]
        self.assertEqual(len(accepted), mock.received()["total"],
                         "every order that reached the SP has its result")
        self.assertTrue(all(r["outcome"] in ("accepted", "not_sent") for r in results))
        self.assertIn("Summary:", err)
        records = journal_records(journal)
        outcome_fps = {r["fp"] for r in records if r["event"] == "outcome"}
        self.assertTrue({r["fp"] for r in records if r["event"] == "sent"} <= outcome_fps,
                        "every order sent has its outcome recorded")
        # The re-run sends exactly the orders the first left unsent: none is in doubt, and
        # every order reaches the SP once over the two runs.
        again = self.submit(mock, "--parallel", "4", "--journal", journal, path)
        self.assertExit(again, 0)
        lines = again.json_lines()
        self.assertEqual(len(lines), 40)
        self.assertEqual([l for l in lines if l["outcome"] != "accepted"], [])
        self.assertEqual(sum(1 for l in lines if l.get("earlier_run")), len(accepted))
        received = mock.received()
        self.assertEqual(received["total"], 40)
        self.assertEqual(set(received["by_access_id"].values()), {1})
        self.assertEqual(len(received["by_access_id"]), 40)

    def test_second_ctrl_c_abandons_orders_in_flight_as_unknown(self):
        mock = self.mock("--latency-ms", "20000")
        path = self.write("orders.ndjson", ndjson(orders(10)))
        journal = self.tmp / "journal.jsonl"
        proc = self.start(mock, "--parallel", "3", "--journal", journal, path)
        wait_for(lambda: mock.received()["total"] >= 3, what="3 orders in flight")
        proc.send_signal(signal.SIGINT)
        line = proc.stderr.readline()
        self.assertIn("waiting for 3 orders in flight", line)
        started = time.monotonic()
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=30)
        self.assertLess(time.monotonic() - started, 10, "abandoned at once")
        self.assertEqual(proc.returncode, 130, err)
        results = [json.loads(l) for l in out.splitlines()]
        self.assertEqual(sorted(r["outcome"] for r in results if r["outcome"] != "not_sent"),
                         ["unknown"] * 3, out + err)
        unknown = {r["fp"] for r in journal_records(journal)
                   if r["event"] == "outcome" and r["outcome"] == "unknown"}
        self.assertEqual(len(unknown), 3)
        # A re-run does not send them again.
        batch_lines = path.read_text().splitlines(keepends=True)
        abandoned = self.write("abandoned.ndjson", "".join(
            batch_lines[r["line"] - 1] for r in results if r["outcome"] == "unknown"))
        before = mock.received()["total"]
        rerun = self.submit(mock, "--journal", journal, abandoned)
        self.assertExit(rerun, 8)
        self.assertEqual([(l["outcome"], l.get("earlier_run")) for l in rerun.json_lines()],
                         [("unknown", True)] * 3)
        self.assertEqual(mock.received()["total"], before)

    def storm_batch(self, *mock_args):
        """40 orders at --parallel 8 through a storm: all accepted, each placed once. Returns
        the wall time and the mock's counts."""
        mock = self.mock(*mock_args)
        path = self.write("orders.ndjson", ndjson(orders(40)))
        started = time.monotonic()
        result = self.submit(mock, "--parallel", "8", "--retries", "5", path)
        took = time.monotonic() - started
        self.assertExit(result, 0)
        self.assertTrue(all(l["outcome"] == "accepted" for l in result.json_lines()))
        received = mock.received()
        self.assertEqual(set(received["processed_by_fingerprint"].values()), {1})
        return took, received

    def test_a_429_storm_slows_the_whole_batch_then_all_are_accepted(self):
        # The mock's latency puts the first eight requests in flight before any refusal.
        took, received = self.storm_batch("--storm", "429:12:1", "--latency-ms", "100")
        self.assertEqual(received["refused_by_storm"], 12)
        self.assertGreaterEqual(took, 1.0, "the batch waited out Retry-After: 1")
        # Each probe after a pause is the order with the most retries left, so twelve refusals
        # spread over the batch: no order is refused more than twice (one order probing every
        # time would be sent six times and run out of retries).
        self.assertLessEqual(max(received["by_fingerprint"].values()), 3,
                             received["by_fingerprint"])

    def test_during_a_storm_the_batch_pauses_and_probes_instead_of_hammering(self):
        # Every POST is refused for 1.5 s after the first. A shared back-off refuses the first
        # round, then one probe per Retry-After; per-order waits would keep starting the other
        # orders and every one of the 40 would be refused.
        took, received = self.storm_batch("--storm", "429:100000:1", "--storm-for-ms", "1500",
                                          "--latency-ms", "50")
        self.assertGreaterEqual(took, 1.5, "the batch outlasted the storm")
        self.assertGreaterEqual(received["refused_by_storm"], 1)
        self.assertLessEqual(received["refused_by_storm"], 8 + 3,
                             "one round of eight, then one probe per second of storm")
        self.assertEqual(received["processed"], 40)

    def test_auth_failure_stops_at_once_and_reports_the_rest_not_sent(self):
        mock = self.mock()
        path = self.write("orders.ndjson", ndjson(orders(20)))
        result = run("submit", "--url", mock.url, "--user", USER, "--output", "json", path,
                     env={"ONORDER_PASSWORD": "wrong"})
        self.assertExit(result, 5)
        self.assertEqual(mock.received()["total"], 1, "one request, then the batch stops")
        outcomes = [l["outcome"] for l in result.json_lines()]
        self.assertEqual(outcomes, ["auth"] + ["not_sent"] * 19)
        self.assertIn("19 not sent", result.err)

    def test_mixed_valid_and_invalid_input(self):
        mock = self.mock()
        good = orders(6)
        bad = dict(good[0], coAccessId="")
        text = ndjson(good[:3]) + "not json\n" + json.dumps(bad) + "\n" + ndjson(good[3:])
        path = self.write("mixed.ndjson", text)
        result = self.submit(mock, "--parallel", "4", path)
        self.assertExit(result, 3)
        by_line = {l["line"]: l["outcome"] for l in result.json_lines()}
        self.assertEqual(by_line, {1: "accepted", 2: "accepted", 3: "accepted", 4: "invalid",
                                   5: "invalid", 6: "accepted", 7: "accepted", 8: "accepted"})
        self.assertEqual(mock.received()["total"], 6)

    def test_max_errors_stops_the_batch(self):
        mock = self.mock()
        batch = orders(3, offering="mock-400") + orders(10)
        path = self.write("orders.ndjson", ndjson(batch))
        result = self.submit(mock, "--max-errors", "2", path)
        self.assertExit(result, 4)
        outcomes = [l["outcome"] for l in result.json_lines()]
        self.assertEqual(outcomes, ["bad_request"] * 2 + ["not_sent"] * 11)
        self.assertEqual(mock.received()["total"], 2)

    def test_with_a_journal_the_same_order_twice_in_a_batch_is_sent_once(self):
        mock = self.mock()
        order = orders(1)[0]
        path = self.write("twice.ndjson", ndjson([order, order]))
        result = self.submit(mock, "--journal", self.tmp / "journal.jsonl", path)
        self.assertEqual({l["line"]: l["outcome"] for l in result.json_lines()},
                         {1: "accepted", 2: "not_sent"})
        self.assertEqual(mock.received()["total"], 1)

    def test_a_drop_after_processing_is_unknown_and_not_resent(self):
        mock = self.mock("--drop-after-processing", "1")
        path = self.write("orders.ndjson", ndjson(orders(5)))
        journal = self.tmp / "journal.jsonl"
        result = self.submit(mock, "--journal", journal, path)
        self.assertExit(result, 8)
        self.assertEqual(sorted(l["outcome"] for l in result.json_lines()),
                         ["accepted"] * 4 + ["unknown"])
        rerun = self.submit(mock, "--journal", journal, path)
        self.assertExit(rerun, 8)
        self.assertEqual(mock.received()["total"], 5, "the unknown order is not sent again")

    def test_rate_caps_requests_per_second(self):
        mock = self.mock()
        path = self.write("orders.ndjson", ndjson(orders(11)))
        started = time.monotonic()
        result = self.submit(mock, "--parallel", "4", "--rate", "20/s", path)
        self.assertExit(result, 0)
        self.assertGreaterEqual(time.monotonic() - started, 0.5, "11 starts at 20/s span 0.5 s")
        bad = self.submit(mock, "--rate", "fast", path)
        self.assertExit(bad, 2)

    def test_progress_on_a_terminal_only(self):
        from harness import on_a_terminal
        mock = self.mock("--latency-ms", "30")
        path = self.write("orders.ndjson", ndjson(orders(60)))
        env = dict(_CLEAN_ENV, **ENV)
        status, output, _, _ = on_a_terminal(
            ["submit", "--url", mock.url, "--user", USER, "--parallel", "2", "--output", "json",
             path], env)
        self.assertEqual(os.waitstatus_to_exitcode(status), 0, output)
        text = output.decode(errors="replace")
        # done/total (an NDJSON file is counted first), the rate, the outcomes so far, the ETA.
        self.assertRegex(text, r"\r\x1b\[K\d+/60 orders · \d+/s · \d in flight · \d+ accepted · ETA \d+ s")
        self.assertIn("Summary: 60 orders", text)
        piped = self.submit(mock, "--parallel", "2", path)
        self.assertNotIn("\r", piped.err)
        self.assertNotIn("/60 orders", piped.err)

    def test_a_hundred_thousand_orders_in_flat_memory(self):
        if "asan" in str(ONORDER):
            self.skipTest("peak RSS is measured on the release build (ASan keeps freed memory)")
        mock = self.mock()
        base = uuid.uuid4().hex[:8]
        template = json.dumps(order_with("plain", "X"), separators=(",", ":"))
        head, tail = template.split('"coAccessId":"X"')
        text = "".join(f'{head}"coAccessId":"{base}-{i}"{tail}\n' for i in range(100_000))
        path = self.write("big.ndjson", text)
        out = self.tmp / "results.ndjson"
        del text  # the measure is onorder's own, not this process's image before exec
        env = dict(_CLEAN_ENV, **ENV)
        with open(out, "w") as sink:
            proc = subprocess.run(["/usr/bin/time", "-f", "peak %M", ONORDER, "submit", "--url",
                                   mock.url, "--user", USER, "--parallel", "16", "--output",
                                   "json", str(path)],
                                  env=env, stdout=sink, stderr=subprocess.PIPE, text=True,
                                  timeout=600)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        peak_kib = int(proc.stderr.strip().splitlines()[-1].split()[-1])
        self.assertLess(peak_kib, 16 * 1024, f"peak RSS {peak_kib} KiB")
        with open(out) as results:
            self.assertEqual(sum(1 for _ in results), 100_000)
        self.assertEqual(mock.received()["total"], 100_000)


class Http2Batch(TlsTestCase):
    """The engine over HTTP/2: nginx (TLS, h2) in front of onorder-mock-sp."""

    def batch_through(self, count, **nginx):
        from harness import Nginx
        mock = MockSP("--user", USER, "--password", PASSWORD, "-q").__enter__()
        self.addCleanup(mock.__exit__, None, None, None)
        proxy = Nginx(mock.url, self.certs, **nginx).__enter__()
        self.addCleanup(proxy.__exit__, None, None, None)
        path = self.write("orders.ndjson", ndjson(orders(count)))
        result = run("submit", "--url", proxy.url, "--user", USER, "--cacert", self.certs.ca,
                     "--parallel", "16", "--output", "json", "-v", path, env=ENV, timeout=300)
        return mock, result

    def test_orders_are_multiplexed_on_one_connection(self):
        mock, result = self.batch_through(200)
        self.assertExit(result, 0)
        self.assertTrue(all(l["outcome"] == "accepted" for l in result.json_lines()))
        self.assertEqual(set(mock.received()["processed_by_fingerprint"].values()), {1})
        self.assertEqual(mock.received()["processed"], 200)
        self.assertIn("ALPN: server accepted h2", result.err)
        self.assertLessEqual(result.err.count("SSL connection using"), 2,
                             "streams share a connection instead of one each")
        self.assertGreater(result.err.count("Using Stream ID"), 100)

    def test_streams_a_goaway_refused_are_sent_again_and_each_order_placed_once(self):
        # nginx ends each connection with a GOAWAY after 7 requests: streams started above its
        # last stream id were not processed, and libcurl starts them again on a new connection.
        mock, result = self.batch_through(120, keepalive_requests=7)
        lines = result.json_lines()
        self.assertEqual(len(lines), 120)
        counts = mock.received()["processed_by_fingerprint"]
        self.assertEqual(set(counts.values()), {1}, "no order placed twice")
        placed = {l["fingerprint"] for l in lines if l["outcome"] == "accepted"}
        self.assertEqual(placed, set(counts), "every accepted order was placed, once")
        # A stream the server refused is never reported unknown: it was not processed.
        unknown = [l for l in lines if l["outcome"] == "unknown"]
        self.assertEqual(unknown, [], result.err[-3000:])
        self.assertExit(result, 0)


class RefusedStreams(TlsTestCase):
    """HTTP/2 streams refused on a connection already in use, and failures after the SP processed
    a stream: h2front.py (Debian's python3-h2) in front of onorder-mock-sp."""

    def through_front(self, count, *front_args, parallel=8, verbose=True):
        mock = MockSP("--user", USER, "--password", PASSWORD, "-q").__enter__()
        self.addCleanup(mock.__exit__, None, None, None)
        front = subprocess.Popen(
            ["/usr/bin/python3", os.path.join(os.path.dirname(__file__), "h2front.py"),
             "--upstream", mock.url, "--cert", str(self.certs.server_cert),
             "--key", str(self.certs.server_key), *map(str, front_args)],
            stdout=subprocess.PIPE, text=True)
        line = front.stdout.readline()
        self.assertTrue(line.startswith("listening on "), line)
        url = line.split("listening on ", 1)[1].strip()
        path = self.write("orders.ndjson", ndjson(orders(count)))
        result = run("submit", "--url", url, "--user", USER, "--cacert", self.certs.ca,
                     "--parallel", parallel, "--output", "json", *(["-v"] if verbose else []), path,
                     env=ENV, timeout=300)
        front.terminate()
        said = front.communicate(timeout=10)[0].split()
        events = list(zip(said[0::2], said[1::2]))
        return mock.received()["processed_by_fingerprint"], result, events

    def test_streams_refused_on_a_connection_in_use_are_sent_again_and_placed_once(self):
        counts, result, events = self.through_front(40, "--refuse-every", 3)
        lines = result.json_lines()
        self.assertGreaterEqual(sum(1 for kind, _ in events if kind == "refused"), 5, events)
        # libcurl says nothing of the refusal on a connection it reused: it starts the stream
        # again as if the connection had died. onorder lets it, as nothing was processed.
        self.assertIn("Connection died, retrying a fresh connect", result.err)
        self.assertEqual([l for l in lines if l["outcome"] != "accepted"], [], result.err[-3000:])
        self.assertEqual(len(lines), 40)
        self.assertEqual(len(counts), 40)
        self.assertEqual(set(counts.values()), {1}, "no order placed twice")
        # Each refused stream was a request of its own.
        refused = sum(1 for kind, _ in events if kind == "refused")
        self.assertRegex(result.err, rf"Summary: 40 orders .*, {40 + refused} requests")
        self.assertExit(result, 0)

    def test_one_order_after_another_a_refused_stream_is_sent_again_without_a_trace(self):
        counts, result, events = self.through_front(10, "--refuse-every", 2, parallel=1,
                                                    verbose=False)
        self.assertGreaterEqual(sum(1 for kind, _ in events if kind == "refused"), 3, events)
        self.assertEqual([l["outcome"] for l in result.json_lines()], ["accepted"] * 10, result.err)
        self.assertEqual(len(counts), 10)
        self.assertEqual(set(counts.values()), {1}, "no order placed twice")
        self.assertExit(result, 0)

    def assert_unknown_and_not_sent_again(self, counts, result, events, kind):
        lines = result.json_lines()
        self.assertEqual([k for k, _ in events], [kind], events)
        unknown = [l for l in lines if l["outcome"] == "unknown"]
        self.assertEqual(len(unknown), 1, result.err[-3000:])
        self.assertEqual(len(counts), 12, "the SP processed every order")
        self.assertEqual(set(counts.values()), {1}, "the order the SP processed was not sent again")
        self.assertEqual(sum(1 for l in lines if l["outcome"] == "accepted"), 11)
        self.assertExit(result, 8)

    def test_a_stream_reset_after_the_sp_processed_it_is_unknown(self):
        self.assert_unknown_and_not_sent_again(
            *self.through_front(12, "--reset-after", 2, parallel=1), "reset")

    def test_a_connection_in_use_lost_after_the_sp_processed_a_stream_is_unknown(self):
        self.assert_unknown_and_not_sent_again(
            *self.through_front(12, "--drop-after", 2, parallel=1), "dropped")
