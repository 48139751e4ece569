"""onorder submit against the real onorder-mock-sp on 127.0.0.1: every answer, every exit code."""
import json
import time
import unittest
import uuid

from harness import MockSP, SAMPLES, TestCase, free_port, order_with, run, MockTestCase

PASSWORD = "s3cret-Pa55"
PIN = "19821105-9954"


class Submit(MockTestCase):
    MOCK_USER = "acme"
    MOCK_PASSWORD = PASSWORD

    def submit(self, offering="plain", *flags, env=None, access_id=None):
        self.access_id = access_id or f"A-{uuid.uuid4().hex[:12]}"
        path = self.write("order.json", json.dumps(order_with(offering, self.access_id)))
        full_env = {"ONORDER_PASSWORD": PASSWORD}
        full_env.update(env or {})
        result = run("submit", "--url", self.mock.url, "--user", "acme", "--output", "json", *flags, path,
                     env=full_env)
        self.assertNoSecrets(result.all, PASSWORD)
        return result

    def received(self):
        return self.mock.received()["by_access_id"].get(self.access_id, 0)

    def verdict(self, result):
        [line] = result.json_lines()
        return line

    def test_accepted_statuses(self):
        for offering, status in (("plain", "ACTIVATED"), ("mock-received", "RECEIVED")):
            with self.subTest(status):
                result = self.submit(offering)
                self.assertExit(result, 0)
                line = self.verdict(result)
                self.assertEqual((line["outcome"], line["status"], line["http"], line["attempts"]),
                                 ("accepted", status, 200, 1))
                self.assertTrue(line["message"])
                self.assertEqual(self.received(), 1)

    def human(self, offering, *flags):
        path = self.write("order.json", json.dumps(order_with(offering)))
        result = run("submit", "--url", self.mock.url, "--user", "acme", *flags, path,
                     env={"ONORDER_PASSWORD": PASSWORD})
        self.assertNoSecrets(result.all, PASSWORD)
        return result

    def test_accepted_without_a_message_is_accepted_with_a_note(self):
        result = self.submit("mock-no-message")
        self.assertExit(result, 0)
        line = self.verdict(result)
        self.assertEqual((line["outcome"], line["status"]), ("accepted", "ACTIVATED"))
        self.assertNotIn("message", line)
        self.assertIn("no message for the customer", line["note"])
        human = self.human("mock-no-message")
        self.assertExit(human, 0)
        self.assertTrue(human.out.startswith("Accepted (ACTIVATED)"), human.out)
        self.assertIn("no message for the customer", human.out)
        self.assertNotIn("Tell the customer", human.out)

    def test_rejected_without_a_message_is_rejected_with_a_note(self):
        result = self.submit("mock-rejected-bare")
        self.assertExit(result, 1)
        self.assertEqual(self.verdict(result)["outcome"], "rejected")
        human = self.human("mock-rejected-bare")
        self.assertExit(human, 1)
        self.assertIn("no message for the customer", human.out)

    def test_a_status_outside_the_spec_is_headed_unexpected_answer(self):
        human = self.human("mock-unknown-status")
        self.assertExit(human, 6)
        self.assertTrue(human.out.startswith("Unexpected answer (PENDING)"), human.out)
        self.assertNotIn("HTTP error", human.out)
        self.assertEqual(self.verdict(self.submit("mock-unknown-status"))["outcome"], "http_error")

    def test_404_with_the_sps_cause_shows_it_and_does_not_blame_the_url(self):
        human = self.human("mock-404")
        self.assertExit(human, 6)
        self.assertIn("Cause (for you, not the customer): Object not found: no such access", human.out)
        self.assertNotIn("--url", human.out)
        self.assertNotIn("--order-path", human.out)

    def test_advice_names_no_flag_that_does_not_exist(self):
        human = self.human("mock-429", "--retries", "0")
        self.assertExit(human, 6)
        self.assertNotIn("--rate", human.out)
        self.assertNotIn("--parallel", human.out)
        self.assertNotIn("..", human.out)

    def test_json_line_has_the_documented_fields(self):
        line = self.verdict(self.submit("plain"))
        for field in ("source", "index", "outcome", "status", "message", "http", "attempts", "ms"):
            self.assertIn(field, line)
        self.assertEqual(line["index"], 0)

    def test_rejected(self):
        result = self.submit("mock-rejected")
        self.assertExit(result, 1)
        line = self.verdict(result)
        self.assertEqual((line["outcome"], line["status"]), ("rejected", "REJECTED"))
        self.assertIn("not available", line["message"])

    def test_bad_request_with_cause_and_message(self):
        result = self.submit("mock-400")
        self.assertExit(result, 4)
        line = self.verdict(result)
        self.assertEqual(line["outcome"], "bad_request")
        self.assertTrue(line["cause"])
        self.assertTrue(line["message"])

    def test_bad_request_with_only_cause(self):
        result = self.submit("mock-400-cause")
        self.assertExit(result, 4)
        line = self.verdict(result)
        self.assertTrue(line["cause"])
        self.assertNotIn("message", line)

    def test_human_output_labels_cause_and_customer_message(self):
        path = self.write("order.json", json.dumps(order_with("mock-400")))
        result = run("submit", "--url", self.mock.url, "--user", "acme", path, env={"ONORDER_PASSWORD": PASSWORD})
        self.assertExit(result, 4)
        self.assertIn("Tell the customer", result.out)
        self.assertIn("Cause (for you", result.out)
        self.assertNoSecrets(result.all, PASSWORD)

    def test_auth_failures(self):
        for offering in ("mock-401", "mock-403"):
            with self.subTest(offering):
                result = self.submit(offering)
                self.assertExit(result, 5)
                self.assertEqual(self.verdict(result)["outcome"], "auth")
        wrong = self.submit("plain", env={"ONORDER_PASSWORD": "wrong"})
        self.assertExit(wrong, 5)

    def test_other_http_errors_are_not_retried(self):
        for offering, status in (("mock-404", 404), ("mock-409", 409), ("mock-500", 500), ("mock-502", 502),
                                 ("mock-504", 504)):
            with self.subTest(offering):
                result = self.submit(offering)
                self.assertExit(result, 6)
                line = self.verdict(result)
                self.assertEqual((line["outcome"], line["http"], line["attempts"]), ("http_error", status, 1))
                self.assertTrue(line.get("cause"), line)
                self.assertEqual(self.received(), 1, "never retry what may have been processed")

    def test_429_then_accepted_with_retry_after_seconds_and_date(self):
        for offering in ("mock-429-once", "mock-429-date-once"):
            with self.subTest(offering):
                started = time.monotonic()
                result = self.submit(offering)
                self.assertExit(result, 0)
                line = self.verdict(result)
                self.assertEqual((line["outcome"], line["attempts"]), ("accepted", 2))
                self.assertEqual(self.received(), 2)
                self.assertGreaterEqual(time.monotonic() - started, 0.5, "Retry-After was not honoured")

    def test_503_is_retried(self):
        result = self.submit("mock-503-once")
        self.assertExit(result, 0)
        self.assertEqual(self.verdict(result)["attempts"], 2)

    def test_429_after_every_retry_is_an_http_error(self):
        result = self.submit("mock-429", "--retries", "1")
        self.assertExit(result, 6)
        line = self.verdict(result)
        self.assertEqual((line["http"], line["attempts"]), (429, 2))
        self.assertEqual(self.received(), 2)

    def test_slow_answer_past_timeout_is_unknown_and_not_resent(self):
        result = self.submit("mock-slow", "--timeout", "1")
        self.assertExit(result, 8)
        line = self.verdict(result)
        self.assertEqual((line["outcome"], line["attempts"]), ("unknown", 1))
        # The mock counts a POST when it arrives, before its slow answer; onorder has exited, so
        # the count is final: no second POST can come.
        self.assertEqual(self.received(), 1)

    def test_dropped_connection_after_sending_is_unknown(self):
        result = self.submit("mock-drop")
        self.assertExit(result, 8)
        self.assertEqual(self.verdict(result)["outcome"], "unknown")
        self.assertEqual(self.received(), 1)

    def test_connection_closed_in_the_answer_headers_is_unknown(self):
        result = self.submit("mock-cut-headers")
        self.assertExit(result, 8)
        line = self.verdict(result)
        self.assertEqual((line["outcome"], line["attempts"], line["http"]), ("unknown", 1, 0))
        self.assertIn("headers", line["explanation"])
        self.assertEqual(self.received(), 1)

    def test_unknown_outcome_tells_the_operator_to_check(self):
        path = self.write("order.json", json.dumps(order_with("mock-drop")))
        result = run("submit", "--url", self.mock.url, "--user", "acme", path, env={"ONORDER_PASSWORD": PASSWORD})
        self.assertExit(result, 8)
        self.assertIn("check with the SP", result.out)

    def test_hostile_and_malformed_answers(self):
        for offering, needle in (("mock-html", "HTML"), ("mock-garbage", "JSON"), ("mock-truncated", "JSON"),
                                 ("mock-bad-shape", "status"), ("mock-unknown-status", "PENDING"),
                                 ("mock-oversized", "1 MiB")):
            with self.subTest(offering):
                result = self.submit(offering)
                self.assertExit(result, 6)
                line = self.verdict(result)
                self.assertEqual(line["outcome"], "http_error")
                self.assertIn(needle, json.dumps(line))
                self.assertNotIn("<html", result.all.lower())
                self.assertLess(len(result.all), 20000, "a body must be summarised, not dumped")

    def test_redirects(self):
        result = self.submit("mock-redirect")
        self.assertExit(result, 6)
        self.assertIn("--location", json.dumps(self.verdict(result)))
        self.assertExit(self.submit("mock-redirect", "--location"), 0)
        self.assertExit(self.submit("mock-302", "--location"), 6)

    def test_invalid_order_is_never_sent(self):
        order = order_with("plain", "A-invalid-" + uuid.uuid4().hex[:8])
        order["customerDetails"]["personalIdentityNumber"] = "19821105-9955"
        self.access_id = order["coAccessId"]
        path = self.write("bad.json", json.dumps(order))
        result = run("submit", "--url", self.mock.url, "--user", "acme", "--output", "json", path,
                     env={"ONORDER_PASSWORD": PASSWORD})
        self.assertExit(result, 3)
        self.assertEqual(self.verdict(result)["outcome"], "invalid")
        self.assertEqual(self.received(), 0)
        self.assertNoSecrets(result.all, PASSWORD)

    def test_batch_exit_code_is_the_highest_and_auth_failure_stops_it(self):
        base = uuid.uuid4().hex[:8]
        orders = [order_with("plain", f"B-{base}-0"), order_with("mock-rejected", f"B-{base}-1"),
                  order_with("mock-400", f"B-{base}-2")]
        path = self.write("batch.ndjson", "\n".join(json.dumps(o) for o in orders) + "\n")
        result = run("submit", "--url", self.mock.url, "--user", "acme", "--output", "json", path,
                     env={"ONORDER_PASSWORD": PASSWORD})
        self.assertExit(result, 4)
        self.assertEqual([l["outcome"] for l in result.json_lines()], ["accepted", "rejected", "bad_request"])
        self.assertEqual([l["line"] for l in result.json_lines()], [1, 2, 3])

        stopped = run("submit", "--url", self.mock.url, "--user", "acme", "--output", "json", path,
                      env={"ONORDER_PASSWORD": "wrong"})
        self.assertExit(stopped, 5)
        self.assertEqual([l["outcome"] for l in stopped.json_lines()], ["auth", "not_sent", "not_sent"],
                         "a 401 stops the batch at once; the orders not sent are reported")

    def test_drop_on_a_reused_connection_is_not_resent(self):
        # libcurl re-sends a request on its own when a kept-alive connection dies before any answer;
        # the client must refuse that resend: the dropped order may have been processed.
        base = uuid.uuid4().hex[:8]
        orders = [order_with("plain", f"R-{base}-0"), order_with("mock-drop", f"R-{base}-1"),
                  order_with("plain", f"R-{base}-2")]
        path = self.write("batch.ndjson", "\n".join(json.dumps(o) for o in orders) + "\n")
        result = run("submit", "--url", self.mock.url, "--user", "acme", "--output", "json", path,
                     env={"ONORDER_PASSWORD": PASSWORD})
        self.assertExit(result, 8)
        self.assertEqual([l["outcome"] for l in result.json_lines()], ["accepted", "unknown", "accepted"])
        counts = self.mock.received()["by_access_id"]
        self.assertEqual([counts.get(f"R-{base}-{i}") for i in range(3)], [1, 1, 1])

    def test_order_built_from_flags(self):
        access_id = f"F-{uuid.uuid4().hex[:8]}"
        result = run("submit", "--url", self.mock.url, "--user", "acme", "--output", "json",
                     "--co-id", "Acme", "--access-id", access_id, "--product", "P-1:mock-received",
                     "--pin", PIN, "--first-name", "Anna", "--identified", env={"ONORDER_PASSWORD": PASSWORD})
        self.assertExit(result, 0)
        self.assertEqual(self.verdict(result)["status"], "RECEIVED")
        self.assertEqual(self.mock.received()["by_access_id"][access_id], 1)
        self.assertNoSecrets(result.all, PASSWORD)

    def test_fix_sends_the_fixed_order_and_reports_it(self):
        access_id = f"X-{uuid.uuid4().hex[:8]}"
        result = run("submit", "--url", self.mock.url, "--user", "acme", "--output", "json", "--fix",
                     "--access-id", access_id, SAMPLES / "fixable.json", env={"ONORDER_PASSWORD": PASSWORD})
        self.assertExit(result, 0)
        line = self.verdict(result)
        self.assertIn("/customerDetails/personalIdentityNumber", [c["path"] for c in line["changes"]])
        self.assertEqual(self.mock.received()["by_access_id"][access_id], 1)
        self.assertNoSecrets(result.all, PASSWORD)
        self.assertExit(run("submit", "--url", self.mock.url, SAMPLES / "fixable.json"), 3)

    def test_flags_override_file_fields(self):
        access_id = f"O-{uuid.uuid4().hex[:8]}"
        result = run("submit", "--url", self.mock.url, "--user", "acme", "--output", "json",
                     "--access-id", access_id, "--set", "products.0.offeringId=mock-rejected",
                     SAMPLES / "order.json", env={"ONORDER_PASSWORD": PASSWORD})
        self.assertExit(result, 1)
        self.assertEqual(self.mock.received()["by_access_id"][access_id], 1)


class Interrupt(TestCase):
    def test_sigint_during_a_retry_wait_sends_nothing_more(self):
        import signal
        import subprocess
        from harness import ONORDER, _CLEAN_ENV
        with MockSP("--retry-after", "5") as mock:
            access_id = f"I-{uuid.uuid4().hex[:8]}"
            path = self.write("order.json", json.dumps(order_with("mock-429", access_id)))
            proc = subprocess.Popen([ONORDER, "submit", "--url", mock.url, "--output", "json", str(path)],
                                    stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                    env=dict(_CLEAN_ENV, XDG_CONFIG_HOME=str(self.tmp)))
            deadline = time.monotonic() + 10
            while mock.received()["by_access_id"].get(access_id, 0) < 1 and time.monotonic() < deadline:
                time.sleep(0.05)
            proc.send_signal(signal.SIGINT)
            out, err = proc.communicate(timeout=10)
            self.assertEqual(proc.returncode, 130, out + err)
            [line] = [json.loads(l) for l in out.splitlines()]
            self.assertEqual((line["http"], line["attempts"]), (429, 1))
            self.assertEqual(mock.received()["by_access_id"][access_id], 1)


class RetryAfterTooLong(TestCase):
    """A Retry-After longer than --max-retry-wait is obeyed by not sending again at all."""

    def test_gives_up_at_once_and_says_when(self):
        import re
        with MockSP("--retry-after", "99999999") as mock:
            access_id = f"W-{uuid.uuid4().hex[:8]}"
            path = self.write("order.json", json.dumps(order_with("mock-429", access_id)))
            started = time.monotonic()
            result = run("submit", "--url", mock.url, "--output", "json", path, timeout=30)
            elapsed = time.monotonic() - started
            self.assertExit(result, 6)
            [line] = result.json_lines()
            self.assertEqual((line["outcome"], line["http"], line["attempts"]), ("http_error", 429, 1))
            self.assertEqual(mock.received()["by_access_id"][access_id], 1, "nothing may be sent again")
            self.assertLess(elapsed, 20, "no wait before giving up")
            self.assertIn("did not process the order", line["explanation"])
            self.assertIn("99999999 s", line["explanation"])
            self.assertRegex(line["explanation"], r"not before \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ")
            self.assertIn(f"not before {line['not_before']}", line["explanation"])

            human = run("submit", "--url", mock.url, path, timeout=30)
            self.assertExit(human, 6)
            self.assertRegex(human.out, r"not before \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ")
            self.assertEqual(mock.received()["by_access_id"][access_id], 2)


class Connection(TestCase):
    def test_connection_refused_is_no_connection(self):
        result = run("submit", "--url", f"http://127.0.0.1:{free_port()}", "--retries", "1",
                     "--max-retry-wait", "0.2", "--output", "json", SAMPLES / "order.json")
        self.assertExit(result, 7)
        [line] = result.json_lines()
        self.assertEqual((line["outcome"], line["attempts"]), ("no_connection", 2))

    def test_plain_http_to_a_remote_host_is_refused(self):
        result = run("submit", "--url", "http://sp.example/onapi", SAMPLES / "order.json")
        self.assertExit(result, 2)
        self.assertIn("--allow-http", result.err)

    def test_no_url_is_a_usage_error(self):
        self.assertExit(run("submit", SAMPLES / "order.json"), 2)


if __name__ == "__main__":
    unittest.main()
