"""onorder check against the real onorder-mock-sp over HTTPS: a conforming SP passes, each
misbehaviour fails exactly the probes it breaks, --strict, --live, no connection, JUnit XML."""
import json
import subprocess
import xml.etree.ElementTree as ET

from harness import _CLEAN_ENV, MockSP, TlsTestCase, free_port, load_sample, on_a_terminal, run

USER, PASSWORD = "acme", "check-Pa55"
PROBES = ["tls", "plain-http", "endpoints", "no-credentials", "wrong-credentials", "malformed-json",
          "bad-luhn", "missing-field", "unknown-path", "live-order", "error-bodies", "response-time"]

# What each misbehaviour of the mock breaks: the probes that must FAIL (with --live).
BREAKS = {
    "ok-to-anything": {"endpoints", "no-credentials", "wrong-credentials", "malformed-json", "bad-luhn",
                       "missing-field", "unknown-path"},
    "no-auth": {"no-credentials", "wrong-credentials"},
    "no-cause": {"malformed-json", "bad-luhn", "missing-field", "error-bodies"},
    "html-errors": {"no-credentials", "wrong-credentials", "malformed-json", "bad-luhn", "missing-field",
                    "unknown-path", "error-bodies"},
    "no-endpoints": {"endpoints"},
    "bad-endpoints": {"endpoints"},
    "bad-status": {"live-order"},
}


class Check(TlsTestCase):
    def mock(self, *extra):
        return self.https_mock("--user", USER, "--password", PASSWORD, *extra)

    def check(self, mock, *flags, url=None):
        return run("check", "--url", url or mock.url, "--user", USER, "--cacert", self.certs.ca, *flags,
                   env={"ONORDER_PASSWORD": PASSWORD})

    def results(self, result):
        report = json.loads(result.out)
        self.assertEqual([p["name"] for p in report["probes"]], PROBES)
        return {p["name"]: p["result"] for p in report["probes"]}, report

    def with_result(self, results, wanted):
        return {name for name, value in results.items() if value == wanted}

    def test_a_conforming_sp_passes_every_probe(self):
        with self.mock() as mock:
            result = self.check(mock, "--output", "json")
            self.assertExit(result, 0)
            results, report = self.results(result)
            self.assertEqual(self.with_result(results, "skip"), {"live-order"})
            self.assertEqual(self.with_result(results, "pass"), set(PROBES) - {"live-order"})
            self.assertTrue(report["passed"])
            tls = next(p for p in report["probes"] if p["name"] == "tls")
            self.assertRegex(tls["detail"], r"^TLSv1\.[23], HTTP/1\.1, certificate verified$")
            self.assertEqual(tls["response"]["tls"][:6], "TLSv1.")
            self.assertNoSecrets(result.all, PASSWORD)
            human = self.check(mock)
            self.assertExit(human, 0)
            self.assertIn("live-order         SKIP    places a real order: runs only with --live", human.out)
            self.assertIn("11 passed, 0 warned, 0 failed, 1 skipped", human.out)

    def test_each_misbehaviour_fails_exactly_the_probes_it_breaks(self):
        for misbehaviour, broken in BREAKS.items():
            with self.subTest(misbehaviour=misbehaviour), self.mock("--misbehave", misbehaviour) as mock:
                result = self.check(mock, "--live", "--output", "json")
                self.assertExit(result, 1)
                results, _ = self.results(result)
                self.assertEqual(self.with_result(results, "fail"), broken)
                self.assertNoSecrets(result.all, PASSWORD)

    def test_every_fail_carries_evidence_and_a_curl_line_without_the_password(self):
        with self.mock("--misbehave", "html-errors") as mock:
            result = self.check(mock, "--output", "json")
            _, report = self.results(result)
            failed = [p for p in report["probes"] if p["result"] == "fail"]
            for probe in failed:
                if "response" not in probe:
                    continue
                self.assertEqual(probe["response"]["http"], 500)
                self.assertIn("Content-Type: text/html", probe["response"]["headers"])
                self.assertIn("<html>", probe["response"]["body_excerpt"])
                self.assertIn("spec/", probe["spec"])
                self.assertTrue(probe["curl"].startswith(("curl ", ': "${ONORDER_PASSWORD')), probe["curl"])
            wrong = next(p for p in report["probes"] if p["name"] == "wrong-credentials")
            self.assertIn("acme:onorder-check-wrong-password", wrong["curl"])
            endpoints = next(p for p in report["probes"] if p["name"] == "endpoints")
            self.assertIn('"acme:${ONORDER_PASSWORD}"', endpoints["curl"])
            self.assertIn("Authorization: Basic [redacted]", endpoints["request"]["headers"])
            human = self.check(mock)
            self.assertIn("FAIL no-credentials: 500 Internal Server Error instead of 401 Unauthorized",
                          human.out)
            self.assertIn("spec/responses.md §401 Unauthorized", human.out)
            self.assertNoSecrets(human.all + result.all, PASSWORD)

    def test_plain_http_served_fails_tls_and_plain_http(self):
        with MockSP("--misbehave", "ok-to-anything") as mock:
            result = run("check", "--url", mock.url, "--output", "json")
            self.assertExit(result, 1)
            results, report = self.results(result)
            self.assertEqual(results["tls"], "fail")
            self.assertEqual(results["plain-http"], "fail")
            plain = next(p for p in report["probes"] if p["name"] == "plain-http")
            self.assertIn("200 OK over plain HTTP", plain["detail"])
            self.assertEqual(plain["request"]["credentials"], "no credentials")

    def test_strict_counts_a_warning_as_a_failure(self):
        with self.mock("--misbehave", "slow", "--delay-ms", "150") as mock:
            result = self.check(mock, "--warn-after", "0.05", "--output", "json")
            self.assertExit(result, 0)
            results, _ = self.results(result)
            self.assertEqual(self.with_result(results, "warn"), {"response-time"})
            self.assertEqual(self.with_result(results, "fail"), set())
            strict = self.check(mock, "--warn-after", "0.05", "--strict", "--output", "json")
            self.assertExit(strict, 1)
            self.assertFalse(json.loads(strict.out)["passed"])

    def test_an_unverified_certificate_is_a_warning(self):
        with self.mock() as mock:
            flags = ["check", "--url", mock.url, "--user", USER, "--insecure", "--output", "json"]
            result = run(*flags, env={"ONORDER_PASSWORD": PASSWORD})
            self.assertExit(result, 0)
            results, report = self.results(result)
            self.assertEqual(self.with_result(results, "warn"), {"tls"})
            tls = next(p for p in report["probes"] if p["name"] == "tls")
            self.assertIn("certificate NOT verified (--insecure)", tls["detail"])
            self.assertIn("--insecure", tls["curl"])
            self.assertExit(run(*flags, "--strict", env={"ONORDER_PASSWORD": PASSWORD}), 1)

    def test_no_answer_within_the_timeout_fails(self):
        with self.mock("--misbehave", "slow", "--delay-ms", "1500") as mock:
            result = self.check(mock, "--timeout", "1", "--output", "json")
            self.assertExit(result, 1)
            results, report = self.results(result)
            self.assertEqual(results["response-time"], "fail")
            self.assertIn("timeout", next(p for p in report["probes"] if p["name"] == "response-time")["detail"])

    def test_live_sends_one_valid_order_only_when_given(self):
        with self.mock() as mock:
            result = self.check(mock, "--output", "json")
            self.assertExit(result, 0)
            received = mock.received(self.certs.ca)
            self.assertGreater(received["total"], 0, "the probes post invalid orders")
            self.assertEqual(received["valid"], 0, "no valid order without --live")
            self.assertNotIn("LIVE", result.err)
            live = self.check(mock, "--live")
            self.assertExit(live, 0)
            self.assertEqual(mock.received(self.certs.ca)["valid"], 1)
            self.assertIn("LIVE: live-order sends a REAL order to", live.err)
            self.assertRegex(live.out, r"live-order +PASS +status ACTIVATED")

    def test_verbose_shows_the_evidence_of_every_probe(self):
        with self.mock() as mock:
            quiet = self.check(mock)
            self.assertNotIn("curl:", quiet.out)
            verbose = self.check(mock, "-v")
            self.assertExit(verbose, 0)
            # every probe that sent a request: all but live-order (skipped) and the two summaries
            self.assertEqual(verbose.out.count("\n  curl:"), len(PROBES) - 3)
            self.assertIn("header:   WWW-Authenticate: Basic", verbose.out)
            self.assertNoSecrets(verbose.all, PASSWORD)

    def test_colour_only_on_a_terminal_and_never_with_no_color(self):
        with self.mock() as mock:
            env = dict(_CLEAN_ENV, ONORDER_PASSWORD=PASSWORD, TERM="xterm")
            env.pop("NO_COLOR", None)
            args = ["check", "--url", mock.url, "--user", USER, "--cacert", self.certs.ca]
            _, output, _, _ = on_a_terminal(args, env)
            self.assertIn(b"\x1b[32mPASS\x1b[0m", output)
            _, output, _, _ = on_a_terminal(args, dict(env, NO_COLOR="1"))
            self.assertIn(b"PASS", output)
            self.assertNotIn(b"\x1b[", output)

    def test_the_order_to_start_from(self):
        order = load_sample("order.json")
        order["coAccessId"] = "LIVE-1"
        path = self.write("live.json", json.dumps(order))
        with self.mock() as mock:
            result = self.check(mock, "--order", path, "--live")
            self.assertExit(result, 0)
            received = mock.received(self.certs.ca)
            self.assertEqual(received["valid"], 1)
            self.assertIn("LIVE-1", received["by_access_id"])
            self.assertNotIn("8732c2f065e2490babce820e94b1011a", received["by_access_id"])
        not_an_order = self.write("list.json", "[]")
        self.assertExit(run("check", "--url", "https://127.0.0.1:1", "--order", not_an_order), 2)

    def test_unreachable_is_exit_7(self):
        result = run("check", "--url", f"https://127.0.0.1:{free_port()}", "--output", "json")
        self.assertExit(result, 7)
        results, _ = self.results(result)
        self.assertEqual(results["endpoints"], "fail")
        human = run("check", "--url", f"https://127.0.0.1:{free_port()}")
        self.assertExit(human, 7)
        self.assertIn("cannot reach the SP", human.err)

    def test_an_unverifiable_certificate_is_exit_7(self):
        with self.mock() as mock:
            result = run("check", "--url", mock.url, "--output", "json")
            self.assertExit(result, 7)
            results, report = self.results(result)
            self.assertEqual(results["tls"], "fail")
            self.assertIn("certificate", next(p for p in report["probes"] if p["name"] == "tls")["detail"])

    def test_junit_is_valid_xml_with_a_failure_per_failed_probe(self):
        with self.mock("--misbehave", "no-cause") as mock:
            junit = self.tmp / "check.xml"
            result = self.check(mock, "--junit", junit, "--output", "json")
            self.assertExit(result, 1)
            lint = subprocess.run(["xmllint", "--noout", str(junit)], capture_output=True, text=True)
            self.assertEqual(lint.returncode, 0, lint.stderr)
            root = ET.parse(junit).getroot()
            [suite] = root.findall("testsuite")
            cases = suite.findall("testcase")
            self.assertEqual([c.get("name") for c in cases], PROBES)
            failed = {c.get("name") for c in cases if c.find("failure") is not None}
            skipped = {c.get("name") for c in cases if c.find("skipped") is not None}
            self.assertEqual(failed, BREAKS["no-cause"])
            self.assertEqual(skipped, {"live-order"})
            self.assertEqual(suite.get("tests"), str(len(PROBES)))
            self.assertEqual(suite.get("failures"), str(len(failed)))
            self.assertEqual(suite.get("skipped"), "1")
            text = junit.read_text()
            self.assertIn("spec/order.md", text)
            self.assertNoSecrets(text, PASSWORD)

    def test_junit_escapes_what_the_sp_sends(self):
        listing = self.write("endpoints.json", '[{"name": "<order & \\"co\\">", "endpoint": "/x/"}]')
        with self.mock("--endpoints-file", listing) as mock:
            junit = self.tmp / "check.xml"
            self.check(mock, "--junit", junit)
            lint = subprocess.run(["xmllint", "--noout", str(junit)], capture_output=True, text=True)
            self.assertEqual(lint.returncode, 0, lint.stderr)
            endpoints = next(c for c in ET.parse(junit).getroot().iter("testcase")
                             if c.get("name") == "endpoints")
            self.assertIn(r'"<order & \"co\">"', endpoints.find("system-out").text)
