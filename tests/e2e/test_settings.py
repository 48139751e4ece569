"""Where settings come from: flags, then ONORDER_* variables, then the config file; passwords."""
import os
import re
import unittest

from harness import MockSP, SAMPLES, TestCase, run

ORDER = SAMPLES / "order.json"


def dry_url(result):
    match = re.search(r"^POST (\S+)$", result.out, re.M)
    return match and match.group(1)


class Precedence(TestCase):
    def config(self, text, mode=0o600, name="onorder.toml"):
        path = self.write(name, text)
        os.chmod(path, mode)
        return path

    def test_flag_beats_environment_beats_config(self):
        config = self.config('url = "https://config.example/onapi"\nuser = "from-config"\n')
        env = {"ONORDER_URL": "https://env.example/onapi", "ONORDER_CONFIG": str(config)}
        result = run("submit", "--dry-run", ORDER, env={"ONORDER_CONFIG": str(config)})
        self.assertExit(result, 0)
        self.assertEqual(dry_url(result), "https://config.example/onapi/2.5/sp_spec/order/")
        self.assertIn('--user "from-config:${ONORDER_PASSWORD}"', result.out)
        result = run("submit", "--dry-run", ORDER, env=env)
        self.assertEqual(dry_url(result), "https://env.example/onapi/2.5/sp_spec/order/")
        result = run("submit", "--dry-run", "--url", "https://flag.example/x/2.5/sp_spec/order/", ORDER, env=env)
        self.assertEqual(dry_url(result), "https://flag.example/x/2.5/sp_spec/order/")

    def test_profile_and_default_config_under_xdg(self):
        xdg = self.tmp / "xdg"
        (xdg / "onorder").mkdir(parents=True)
        (xdg / "onorder" / "config.toml").write_text('url = "https://default.example"\n')
        (xdg / "onorder" / "prod.toml").write_text('url = "https://prod.example"\norder_path = "onapi/2.5/order/"\n')
        env = {"XDG_CONFIG_HOME": str(xdg)}
        self.assertEqual(dry_url(run("submit", "--dry-run", ORDER, env=env)),
                         "https://default.example/2.5/sp_spec/order/")
        self.assertEqual(dry_url(run("submit", "--dry-run", "--profile", "prod", ORDER, env=env)),
                         "https://prod.example/onapi/2.5/order/")
        missing = run("submit", "--dry-run", "--profile", "nope", ORDER, env=env)
        self.assertExit(missing, 2)
        self.assertIn("nope.toml", missing.err)

    def test_validate_applies_a_profile_rules(self):
        xdg = self.tmp / "xdg"
        (xdg / "onorder").mkdir(parents=True)
        (xdg / "onorder" / "strict-sp.toml").write_text('require = ["customerDetails.customerEmail"]\nstrict = true\n')
        minimal = SAMPLES / "minimal.json"
        env = {"XDG_CONFIG_HOME": str(xdg)}
        self.assertExit(run("validate", minimal, env=env), 0)
        result = run("validate", "--profile", "strict-sp", "--output", "json", minimal, env=env)
        self.assertExit(result, 3)
        self.assertEqual([(e["path"], e["rule"]) for e in result.json_lines()[0]["errors"]],
                         [("/customerDetails/customerEmail", "required")])
        warned = run("validate", "--profile", "strict-sp", SAMPLES / "warnings" / "email.json", env=env)
        self.assertExit(warned, 3)

    def test_sample_config_is_accepted(self):
        result = run("submit", "--dry-run", "--config", SAMPLES / "config.toml", ORDER)
        self.assertExit(result, 0)
        self.assertEqual(dry_url(result), "https://sp.example/onapi/2.5/sp_spec/order/")
        self.assertIn('--user "acme:${ONORDER_PASSWORD}"', result.out)

    def test_bad_config_is_a_usage_error_naming_the_line(self):
        config = self.config('url = "https://x.example"\n[section]\n')
        result = run("submit", "--config", config, ORDER)
        self.assertExit(result, 2)
        self.assertIn(f"{config}:2", result.err)

    def test_config_with_password_readable_by_others_warns(self):
        loose = self.config('url = "https://x.example"\nuser = "u"\npassword = "cfg-Secret-9"\n', mode=0o644)
        result = run("submit", "--dry-run", "--config", loose, ORDER)
        self.assertExit(result, 0)
        self.assertIn("readable by others", result.err)
        self.assertNotIn("cfg-Secret-9", result.all)
        tight = self.config('url = "https://x.example"\nuser = "u"\npassword = "cfg-Secret-9"\n', name="t.toml")
        self.assertNotIn("readable by others", run("submit", "--dry-run", "--config", tight, ORDER).err)

    def test_config_require_and_co_id(self):
        config = self.config('url = "https://x.example"\nco_id = "Acme"\nrequire = ["customerDetails.customerEmail"]\n')
        result = run("submit", "--dry-run", "--config", config, "--access-id", "A-1", "--product", "P:O",
                     "--first-name", "Anna")
        self.assertExit(result, 3)
        self.assertIn("/customerDetails/customerEmail", result.out)
        self.assertNotIn("/coId", result.out)


class Requests(TestCase):
    def test_extra_headers_are_sent(self):
        with MockSP() as mock:
            result = run("submit", "--url", mock.url, "-v", "-H", "X-Request-Id: abc-123", "--header",
                         "X-Other: 2", ORDER)
            self.assertExit(result, 0)
            self.assertIn("> X-Request-Id: abc-123", result.err)
            self.assertIn("> X-Other: 2", result.err)
        self.assertExit(run("submit", "--url", "http://127.0.0.1:1", "-H", "no colon", ORDER), 2)

    def test_proxy_is_used(self):
        from harness import free_port
        with MockSP() as mock:
            result = run("submit", "--url", mock.url, "--proxy", f"http://127.0.0.1:{free_port()}",
                         "--retries", "0", "--output", "json", ORDER)
            self.assertExit(result, 7)
            self.assertEqual(mock.received()["total"], 0)

    def test_timeouts_must_be_numbers(self):
        self.assertExit(run("submit", "--url", "https://x.example", "--timeout", "soon", ORDER), 2)
        self.assertExit(run("submit", "--url", "https://x.example", "--retries", "-1", ORDER), 2)


class Passwords(TestCase):
    PASSWORD = "pw-Secret-42"

    @classmethod
    def setUpClass(cls):
        cls.mock = MockSP("--user", "acme", "--password", cls.PASSWORD).__enter__()

    @classmethod
    def tearDownClass(cls):
        cls.mock.__exit__(None, None, None)

    def submit(self, *flags, env=None):
        result = run("submit", "--url", self.mock.url, *flags, ORDER, env=env)
        self.assertNoSecrets(result.all, self.PASSWORD)
        return result

    def test_password_from_environment(self):
        self.assertExit(self.submit("--user", "acme", env={"ONORDER_PASSWORD": self.PASSWORD}), 0)

    def test_password_file_beats_environment(self):
        path = self.write("pw", self.PASSWORD + "\n")
        self.assertExit(self.submit("--user", "acme", "--password-file", path, env={"ONORDER_PASSWORD": "wrong"}), 0)

    def test_netrc_file(self):
        netrc = self.write("netrc", f"machine 127.0.0.1 login acme password {self.PASSWORD}\n")
        self.assertExit(self.submit("--netrc-file", netrc), 0)
        self.assertExit(self.submit("--netrc-file", self.write("bad", "machine 127.0.0.1 login acme password x\n")), 5)

    def test_netrc_in_home(self):
        home = self.tmp / "home"
        home.mkdir()
        (home / ".netrc").write_text(f"machine 127.0.0.1 login acme password {self.PASSWORD}\n")
        (home / ".netrc").chmod(0o600)
        self.assertExit(self.submit("--netrc", env={"HOME": str(home)}), 0)

    def test_password_prompt_on_a_terminal_does_not_echo(self):
        import os, pty, select, subprocess
        from harness import ONORDER, _CLEAN_ENV
        env = dict(_CLEAN_ENV, XDG_CONFIG_HOME=str(self.tmp))
        pid, fd = pty.fork()
        if pid == 0:
            os.execvpe(ONORDER, [ONORDER, "submit", "--url", self.mock.url, "--user", "acme", str(ORDER)], env)
        output = b""
        sent = False
        while True:
            ready, _, _ = select.select([fd], [], [], 20)
            if not ready:
                break
            try:
                chunk = os.read(fd, 4096)
            except OSError:
                break
            if not chunk:
                break
            output += chunk
            if not sent and b"Password for acme:" in output:
                os.write(fd, (self.PASSWORD + "\n").encode())
                sent = True
        _, status = os.waitpid(pid, 0)
        self.assertTrue(sent, output)
        self.assertEqual(os.waitstatus_to_exitcode(status), 0, output)
        self.assertNotIn(self.PASSWORD.encode(), output, "the password was echoed")
        self.assertIn(b"ACTIVATED", output)

    def test_user_with_secret_in_argv_warns(self):
        result = run("submit", "--url", self.mock.url, "--user", f"acme:{self.PASSWORD}", ORDER)
        self.assertExit(result, 0)
        self.assertIn("visible to every local user", result.err)

    def test_no_password_without_terminal_is_an_auth_failure(self):
        self.assertExit(self.submit("--user", "acme"), 5)


if __name__ == "__main__":
    unittest.main()
