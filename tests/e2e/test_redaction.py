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


class EveryCommand(MockTestCase):
    """Every command in every output mode, with the password given every way it can be: stdout,
    stderr and every file written (the journal, JUnit) hold neither the password, nor the base64
    credentials, nor a full identity number; the files are created 0600."""
    MOCK_USER = USER
    MOCK_PASSWORD = PASSWORD

    def setUp(self):
        super().setUp()
        self.pinned = self.write("order.json", json.dumps(order_with("plain", personalIdentityNumber=PIN)))
        self.batch = self.write("batch.ndjson", "".join(
            json.dumps(order_with("plain", f"A-{i}", personalIdentityNumber=PIN)) + "\n"
            for i in range(6)))
        config = self.write("config.toml", f'url = "{self.mock.url}"\nuser = "{USER}"\n'
                                           f'password = "{PASSWORD}"\n')
        config.chmod(0o600)
        self.ways = {
            "environment": ((), {"ONORDER_URL": self.mock.url, "ONORDER_USER": USER,
                                 "ONORDER_PASSWORD": PASSWORD}),
            "argv": (("--url", self.mock.url, "--user", f"{USER}:{PASSWORD}"), {}),
            "config": (("--config", config), {}),
            "url": (("--url", self.mock.url.replace("http://", f"http://{USER}:{PASSWORD}@")), {}),
        }

    def leaks(self, text):
        for secret in (PASSWORD, BASIC, "198211059954", "8211059954"):
            if secret in text:
                return secret
        import re
        found = re.search(r"\b(?:19|20)?\d{6}[-+]\d{4}\b", text)
        return found.group(0) if found and not found.group(0).endswith("****") else None

    def check_all(self, result, files, codes, what):
        self.assertIn(result.code, codes, f"{what}: {result!r}")
        self.assertIsNone(self.leaks(result.all), f"{what}: {result!r}")
        for path in files:
            self.assertTrue(path.exists(), f"{what}: {path} was not written")
            self.assertIsNone(self.leaks(path.read_text()), f"{what}: {path}")
            self.assertEqual(path.stat().st_mode & 0o777, 0o600, f"{what}: {path}")
            path.unlink()

    def test_every_command_every_mode_every_password_source(self):
        journal = self.tmp / "journal.jsonl"
        junit = self.tmp / "check.xml"
        runs = [
            (("submit",), [self.pinned], [], (0,)),
            (("submit", "--output", "json"), [self.pinned], [], (0,)),
            (("submit", "-v"), [self.pinned], [], (0,)),
            (("submit", "-v", "--output", "json"), [self.pinned], [], (0,)),
            (("submit", "--dry-run"), [self.pinned], [], (0,)),
            (("submit", "--dry-run", "--output", "json"), [self.pinned], [], (0,)),
            (("submit", "--parallel", "3", "--journal", journal), [self.batch], [journal], (0,)),
            (("submit", "--parallel", "3", "-v", "--output", "json", "--journal", journal),
             [self.batch], [journal], (0,)),
            (("endpoints",), [], [], (0,)),
            (("endpoints", "--output", "json"), [], [], (0,)),
            (("endpoints", "-v"), [], [], (0,)),
            # Plain http on loopback: the tls probe fails, so check exits 1.
            (("check", "--live", "--order", self.pinned), [], [], (1,)),
            (("check", "-v", "--live", "--order", self.pinned, "--junit", junit), [], [junit], (1,)),
            (("check", "--output", "json", "--live", "--order", self.pinned), [], [], (1,)),
            (("doctor",), [], [], (0,)),
        ]
        for way, (flags, env) in self.ways.items():
            for command, tail, files, codes in runs:
                # doctor reads only --config and --profile.
                if command[0] == "doctor" and way in ("argv", "url"):
                    continue
                what = f"{' '.join(map(str, command))} [{way}]"
                with self.subTest(what):
                    result = run(*command, *flags, *tail, env=env)
                    self.check_all(result, files, codes, what)
                    if command[0] == "submit" and "--dry-run" not in command:
                        self.assertIn("ACTIVATED" if "--output" not in command else "accepted",
                                      result.out, what)

    def test_validate_and_its_fixed_orders_file(self):
        fixed = self.tmp / "fixed.json"
        fixed.write_text("")
        fixed.chmod(0o644)  # an existing file is made private too
        for mode in ((), ("--output", "json"), ("--fix",), ("--fix", "--output", "json")):
            with self.subTest(mode=mode):
                self.check_all(run("validate", *mode, self.pinned), [], (0,), f"validate {mode}")
        result = run("validate", "--fix", "-o", fixed, SAMPLES / "fixable.json")
        self.check_all(result, [], (0,), "validate --fix -o")
        self.assertEqual(fixed.stat().st_mode & 0o777, 0o600)

    def test_the_grep_finds_what_unmask_shows(self):
        # The check above can fail: --unmask puts the identity number in the dry run.
        result = run("submit", "--dry-run", "--unmask", "--url", self.mock.url, self.pinned)
        self.assertExit(result, 0)
        self.assertEqual(self.leaks(result.out), PIN)

    def test_doctor_masks_what_it_shows(self):
        config = self.write("config.toml",
                            f'url = "https://{USER}:{PASSWORD}@sp.example/onapi"\n'
                            f'user = "{USER}"\npassword = "{PASSWORD}"\n'
                            'header = ["Authorization: Bearer tok-123456", "X-Trace: 1"]\n')
        config.chmod(0o644)
        env = {"ONORDER_PASSWORD": PASSWORD, "ONORDER_USER": f"{USER}:{PASSWORD}",
               "https_proxy": f"http://proxyuser:{PASSWORD}@proxy.invalid:3128",
               "HTTP_PROXY": "http://proxy.invalid:3128"}
        result = run("doctor", "--config", config, env=env)
        self.assertExit(result, 0)
        self.assertIsNone(self.leaks(result.all), repr(result))
        self.assertNotIn("tok-123456", result.all)
        self.assertIn(f"{config} (mode 0644)", result.out)
        self.assertIn("readable by others", result.out)
        self.assertIn("password = ****", result.out)
        self.assertIn(f"url = https://{USER}:****@sp.example/onapi", result.out)
        self.assertIn(f"ONORDER_USER = {USER}:****", result.out)
        self.assertIn("https_proxy = http://proxyuser:****@proxy.invalid:3128", result.out)
        self.assertIn("HTTP_PROXY = http://proxy.invalid:3128 (libcurl ignores it", result.out)


if __name__ == "__main__":
    unittest.main()
