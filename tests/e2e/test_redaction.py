"""Neither the password, nor the base64 credentials, nor a full identity number in any output."""
import base64
import json
import unittest

from harness import MockSP, SAMPLES, TestCase, free_port, order_with, run, MockTestCase

PASSWORD = "redact-Me-77"
USER = "acme"
BASIC = base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode()
PIN = "19821105-9954"
ENV = {"ONORDER_PASSWORD": PASSWORD}


class Redaction(MockTestCase):
    MOCK_USER = USER
    MOCK_PASSWORD = PASSWORD

    def check(self, result, *codes):
        self.assertIn(result.code, codes, repr(result))
        self.assertNoSecrets(result.all, PASSWORD, BASIC, PIN, "198211059954", "8211059954")

    def order(self, offering):
        return self.write(f"{offering}.json", json.dumps(order_with(offering, personalIdentityNumber=PIN)))

    def test_every_output_mode(self):
        for offering, code in (("plain", 0), ("mock-400", 4), ("mock-rejected", 1), ("mock-500", 6),
                               ("mock-drop", 8)):
            for mode in ((), ("--output", "json"), ("-v",), ("-v", "--output", "json")):
                with self.subTest(offering=offering, mode=mode):
                    self.check(run("submit", "--url", self.mock.url, "--user", USER, *mode, self.order(offering),
                                   env=ENV), code)

    def test_identity_numbers_the_sp_echoes_are_masked(self):
        # mock-400-echo repeats the order's PIN in its cause and message, and names another
        # valid-shaped (organisation) number.
        others = ("556677-8899", "5566778899")
        for mode in ((), ("--output", "json"), ("-v",), ("-v", "--output", "json")):
            with self.subTest(mode=mode):
                result = run("submit", "--url", self.mock.url, "--user", USER, *mode,
                             self.order("mock-400-echo"), env=ENV)
                self.check(result, 4)
                for number in others:
                    self.assertNotIn(number, result.all)
                self.assertIn("19821105-****", result.out)
                self.assertIn("556677-****", result.out)
                if "-v" in mode:
                    self.assertIn("19821105-****", result.err)
                    self.assertIn("556677-****", result.err)

    def test_unmask_shows_what_the_sp_sent(self):
        for mode in ((), ("--output", "json"), ("-v",)):
            with self.subTest(mode=mode):
                result = run("submit", "--url", self.mock.url, "--user", USER, "--unmask", *mode,
                             self.order("mock-400-echo"), env=ENV)
                self.assertExit(result, 4)
                self.assertIn(PIN, result.out)
                self.assertIn("556677-8899", result.out)
                if "-v" in mode:
                    self.assertIn(PIN, result.err)
                    self.assertIn("556677-8899", result.err)
                self.assertNotIn(PASSWORD, result.all)
                self.assertNotIn(BASIC, result.all)

    def test_verbose_really_traces(self):
        result = run("submit", "--url", self.mock.url, "--user", USER, "-v", self.order("plain"), env=ENV)
        self.check(result, 0)
        self.assertIn("> POST", result.err)
        self.assertIn("19821105-****", result.err)
        self.assertIn("Authorization: Basic [redacted]", result.err)

    def test_dry_run(self):
        result = run("submit", "--url", self.mock.url, "--user", USER, "--dry-run", self.order("plain"), env=ENV)
        self.check(result, 0)
        self.assertIn("19821105-****", result.out)
        self.assertIn("${ONORDER_PASSWORD}", result.out)
        unmasked = run("submit", "--url", self.mock.url, "--user", USER, "--dry-run", "--unmask",
                       self.order("plain"), env=ENV)
        self.assertIn(PIN, unmasked.out)
        self.assertNotIn(PASSWORD, unmasked.all)
        self.assertNotIn(BASIC, unmasked.all)

    def test_dry_run_sends_nothing(self):
        before = self.mock.received()["total"]
        run("submit", "--url", self.mock.url, "--user", USER, "--dry-run", self.order("plain"), env=ENV)
        self.assertEqual(self.mock.received()["total"], before)

    def test_invalid_orders_and_errors(self):
        order = order_with("plain", personalIdentityNumber="19821105-9955")
        bad = self.write("bad.json", json.dumps(order))
        self.check(run("submit", "--url", self.mock.url, "--user", USER, bad, env=ENV), 3)
        self.check(run("submit", "--url", self.mock.url, "--user", USER, "--output", "json", bad, env=ENV), 3)
        self.check(run("validate", bad), 3)
        self.check(run("validate", "--output", "json", bad), 3)
        self.check(run("validate", "--fix", "--output", "json", SAMPLES / "fixable.json"), 0)
        self.check(run("submit", "--url", f"http://127.0.0.1:{free_port()}", "--user", USER, "--retries", "0",
                       "-v", self.order("plain"), env=ENV), 7)

    def test_credentials_in_the_url_are_not_printed(self):
        url = self.mock.url.replace("http://", f"http://{USER}:{PASSWORD}@")
        self.check(run("submit", "--url", url, "--dry-run", self.order("plain")), 0)
        self.check(run("submit", "--url", url, "-v", self.order("plain")), 0)


if __name__ == "__main__":
    unittest.main()
