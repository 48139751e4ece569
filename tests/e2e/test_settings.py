"""Where settings come from: flags, then ONORDER_* variables, then the config file; passwords."""
import json
import os
import re
import signal
import subprocess
import termios
import unittest

from harness import (MockSP, ONORDER, Result, SAMPLES, TestCase, _CLEAN_ENV, on_a_terminal, order_with,
                     run, MockTestCase)

ORDER = SAMPLES / "order.json"


def run_without_terminal(*args, env=None, xdg=None):
    """onorder in a session of its own: no controlling terminal, so no /dev/tty to prompt on."""
    full_env = dict(_CLEAN_ENV, XDG_CONFIG_HOME=str(xdg or "/nonexistent"))
    full_env.update(env or {})
    proc = subprocess.run([ONORDER, *map(str, args)], capture_output=True, text=True, env=full_env, timeout=60,
                          start_new_session=True, errors="replace")
    return Result(proc)


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

    def test_any_valid_toml_reads(self):
        config = self.config("url = 'https://lit.example/onapi' # literal\n"
                             'require = [\n  "customerDetails.customerEmail",\n  "/customerDetails/customerPhone",\n]\n'
                             "timeout = 2.5\nretries = 1\nstrict = false\n")
        result = run("validate", "--config", config, "--output", "json", SAMPLES / "minimal.json")
        self.assertExit(result, 3)
        self.assertEqual([e["path"] for e in result.json_lines()[0]["errors"]],
                         ["/customerDetails/customerPhone", "/customerDetails/customerEmail"])

    def test_config_errors_carry_line_and_column(self):
        cases = (('retries = "x"\n', ":1:11:", "retries"),
                 ('url = "https://x.example"\ninsecure = "yes"\n', ":2:12:", "insecure"),
                 ('url = "https://x.example\n', ":1:", ""),
                 ('cacrt = "ca.pem"\n', ":1:1:", "cacert"),
                 ("[prod]\nurl = 'https://x.example'\n", ":1:", "flat"),
                 ('url = "https://x.example"\nretries = 200\n', ":2:11:", "100"))
        for text, where, word in cases:
            with self.subTest(text=text):
                config = self.config(text)
                result = run("submit", "--dry-run", "--config", config, ORDER)
                self.assertExit(result, 2)
                self.assertIn(f"{config}{where}", result.err)
                self.assertIn(word, result.err)

    def test_every_config_key_is_honoured(self):
        files = {name: self.write(name, "pem\n") for name in ("ca.pem", "client.pem", "client.key")}
        files["pw"] = self.write("pw", "file-Secret-5\n")
        (self.tmp / "certs").mkdir()
        honoured = set()

        def config(text):
            honoured.update(line.split(" = ")[0] for line in text.splitlines())
            return self.config(text, name=f"c{len(honoured)}.toml")

        transport = config(
            'url = "http://sp.example/onapi"\nallow_http = true\norder_path = "x/order/"\nuser = "acme"\n'
            f'password_file = "{files["pw"]}"\ncacert = "{files["ca.pem"]}"\ncapath = "{self.tmp / "certs"}"\n'
            f'cert = "{files["client.pem"]}"\nkey = "{files["client.key"]}"\npinned_pubkey = "sha256//AAAA"\n'
            'insecure = true\nconnect_timeout = 3\ntimeout = 7.5\nproxy = "http://proxy.example:3128"\n'
            'header = ["X-A: 1"]\noutput = "json"')
        result = run("submit", "--dry-run", "--config", transport, ORDER)
        self.assertExit(result, 0)
        [request] = result.json_lines()
        self.assertEqual(request["url"], "http://sp.example/onapi/x/order/")
        self.assertIn("X-A: 1", request["headers"])
        for words in (f'--user "acme:$(head -n1 \'{files["pw"]}\')"', f"--cacert '{files['ca.pem']}'",
                      f"--capath '{self.tmp / 'certs'}'", f"--cert '{files['client.pem']}'",
                      f"--key '{files['client.key']}'", "--pinnedpubkey 'sha256//AAAA'", "--insecure",
                      "--proxy 'http://proxy.example:3128'", "--connect-timeout 3 --max-time 7.5"):
            self.assertIn(words, request["curl"])

        netrc = self.write("netrc", "machine sp.example login acme password netrc-Secret-6\n")
        (self.tmp / ".netrc").write_text("machine sp.example login acme password netrc-Secret-6\n")
        for text, words in ((f'url = "https://sp.example"\nnetrc_file = "{netrc}"', f"--netrc-file '{netrc}'"),
                            ('url = "https://sp.example"\nnetrc = true', "--netrc"),
                            ('url = "https://sp.example"\nuser = "acme"\npassword = "cfg-Secret-7"', "export ONORDER_PASSWORD")):
            result = run("submit", "--dry-run", "--config", config(text), ORDER, env={"HOME": str(self.tmp)})
            self.assertExit(result, 0)
            self.assertIn(words, result.out)

        from harness import free_port
        refused = config(f'url = "http://127.0.0.1:{free_port()}"\nretries = 1\nmax_retry_wait = 0.2')
        result = run("submit", "--output", "json", "--config", refused, ORDER)
        self.assertExit(result, 7)
        self.assertEqual(result.json_lines()[0]["attempts"], 2)
        with MockSP() as mock:
            redirected = config(f'url = "{mock.url}"\nlocation = true')
            self.assertExit(run("submit", "--config", redirected, self.write("r.json", json.dumps(
                order_with("mock-redirect")))), 0)

        rules = config('co_id = "Acme"\nrequire = ["customerDetails.customerEmail"]\nstrict = true')
        result = run("validate", "--config", rules, "--output", "json", "--access-id", "A-1", "--product", "P:O",
                     "--set", "customerDetails={}")
        self.assertEqual([e["path"] for e in result.json_lines()[0]["errors"]], ["/customerDetails/customerEmail"])
        strict = run("validate", "--config", rules, SAMPLES / "warnings" / "email.json")
        self.assertExit(strict, 3)
        self.assertEqual(honoured, {
            "url", "order_path", "user", "password", "password_file", "netrc", "netrc_file", "cacert", "capath",
            "cert", "key", "pinned_pubkey", "insecure", "allow_http", "connect_timeout", "timeout", "proxy",
            "header", "retries", "max_retry_wait", "location", "co_id", "require", "strict", "output"})

    def test_environment_values_are_checked_and_named(self):
        for name, value in (("ONORDER_INSECURE", "maybe"), ("ONORDER_RETRIES", "x"), ("ONORDER_TIMEOUT", "-1")):
            with self.subTest(name=name):
                result = run("submit", "--dry-run", "--url", "https://x.example", ORDER, env={name: value})
                self.assertExit(result, 2)
                self.assertIn(name, result.err)

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


class Urls(TestCase):
    def test_the_host_is_the_host_libcurl_parses(self):
        result = run("submit", "--dry-run", "--url", "https://sp.example?x=a@127.0.0.1", ORDER)
        self.assertExit(result, 0)
        self.assertEqual(dry_url(result), "https://sp.example/2.5/sp_spec/order/?x=a@127.0.0.1")
        self.assertNotIn("--user", result.out)
        self.assertNotIn("warning", result.err)

    def test_plain_http_judged_on_the_parsed_host(self):
        with MockSP() as mock:
            port = mock.url.rsplit(":", 1)[1]
            result = run("submit", "--url", f"http://sp.example?x=a@127.0.0.1:{port}", "--retries", "0", ORDER)
            self.assertExit(result, 2)
            self.assertIn("--allow-http", result.err)
            self.assertEqual(mock.received()["total"], 0)

    def test_scheme_is_the_parsed_scheme(self):
        self.assertExit(run("submit", "--dry-run", "--url", "HTTPS://sp.example/onapi", ORDER), 0)
        for url in ("ftp://sp.example/onapi", "sp.example/onapi", "https//sp.example"):
            with self.subTest(url=url):
                result = run("submit", "--dry-run", "--url", url, ORDER)
                self.assertExit(result, 2)
                self.assertIn("https://", result.err)


class Headers(TestCase):
    def test_injected_headers_are_refused_before_sending(self):
        with MockSP() as mock:
            for header in ("X-A: b\r\nX-Injected: 1", "X-A: b\nX-Injected: 1", "X-A: b\rX", "X-A: b\x01",
                           "X A: b", ": b", "X-A", "X(A): b", "Ä: b", "X-A:"):
                with self.subTest(header=header):
                    result = run("submit", "--url", mock.url, "-H", header, ORDER)
                    self.assertExit(result, 2)
                    self.assertIn("--header", result.err)
            self.assertEqual(mock.received()["total"], 0)

    def test_the_message_names_the_header(self):
        result = run("submit", "--url", "https://sp.example", "-H", "X-Good: 1", "-H", "X-A: b\r\nX-Injected: 1",
                     ORDER)
        self.assertExit(result, 2)
        self.assertIn("X-A: b\\r\\nX-Injected: 1", result.err)

    def test_config_headers_are_checked_too(self):
        for value in ('["X-A: b\\u0000c"]', '"X-A: b\\nX-B: c"', '["no colon"]'):
            with self.subTest(value=value):
                config = self.write("c.toml", f'url = "https://sp.example"\nheader = {value}\n')
                result = run("submit", "--dry-run", "--config", config, ORDER)
                self.assertExit(result, 2)
                self.assertIn("header", result.err)
                self.assertIn(str(config), result.err)

    def test_valid_headers_pass(self):
        result = run("submit", "--dry-run", "--url", "https://sp.example", "-H", "X-Trace_id.v2~!: a: b\tc", ORDER)
        self.assertExit(result, 0)
        self.assertIn("X-Trace_id.v2~!: a: b\tc", result.out)


class Output(TestCase):
    def test_output_json_from_the_config_or_environment(self):
        config = self.write("c.toml", 'output = "json"\n')
        for how in ({"ONORDER_CONFIG": str(config)}, {"ONORDER_OUTPUT": "json"}):
            with self.subTest(how=how):
                result = run("validate", ORDER, env=how)
                self.assertExit(result, 0)
                self.assertTrue(result.json_lines()[0]["valid"])
                human = run("validate", "--output", "human", ORDER, env=how)
                self.assertIn("valid", human.out)
                self.assertFalse(human.out.startswith("{"))
                with MockSP() as mock:
                    submitted = run("submit", "--url", mock.url, ORDER, env=how)
                    self.assertExit(submitted, 0)
                    self.assertEqual(submitted.json_lines()[0]["status"], "ACTIVATED")

    def test_a_bad_output_value_is_refused(self):
        config = self.write("c.toml", 'output = "xml"\n')
        result = run("validate", "--config", config, ORDER)
        self.assertExit(result, 2)
        self.assertIn(f"{config}:1:10", result.err)
        self.assertIn("json", result.err)
        result = run("validate", ORDER, env={"ONORDER_OUTPUT": "yaml"})
        self.assertExit(result, 2)
        self.assertIn("ONORDER_OUTPUT", result.err)
        # One --output for every command: endpoints and check refuse it alike, before connecting.
        for command in ("endpoints", "check"):
            with self.subTest(command=command):
                result = run(command, "--url", "http://127.0.0.1:9/", env={"ONORDER_OUTPUT": "yaml"})
                self.assertExit(result, 2)
                self.assertIn("ONORDER_OUTPUT", result.err)

    def test_endpoints_and_check_take_json_from_the_environment(self):
        with MockSP() as mock:
            listed = run("endpoints", "--url", mock.url, env={"ONORDER_OUTPUT": "json"})
            self.assertExit(listed, 0)
            self.assertIn("endpoints", json.loads(listed.out))


class Passwords(MockTestCase):
    PASSWORD = "pw-Secret-42"
    MOCK_PASSWORD = PASSWORD

    def submit(self, *flags, env=None):
        if "--url" not in flags:
            flags = ("--url", self.mock.url, *flags)
        result = run_without_terminal("submit", *flags, ORDER, env=env, xdg=self.tmp)
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
        env = dict(_CLEAN_ENV, XDG_CONFIG_HOME=str(self.tmp))

        def type_password(fd, output, pid):
            if b"Password for acme:" not in output:
                return False
            os.write(fd, (self.PASSWORD + "\n").encode())
            return True

        status, output, sent, _ = on_a_terminal(
            ["submit", "--url", self.mock.url, "--user", "acme", ORDER], env, type_password)
        self.assertTrue(sent, output)
        self.assertEqual(os.waitstatus_to_exitcode(status), 0, output)
        self.assertNotIn(self.PASSWORD.encode(), output, "the password was echoed")
        self.assertIn(b"ACTIVATED", output)

    def url_with(self, userinfo):
        return self.mock.url.replace("http://", f"http://{userinfo}@")

    def test_credentials_in_the_url_are_used_with_one_warning(self):
        # Percent-encoded in the URL, decoded as libcurl decodes them.
        result = self.submit("--url", self.url_with("acme:pw%2DSecret-42"))
        self.assertExit(result, 0)
        self.assertEqual(result.err.count("warning:"), 1, result.err)
        self.assertIn("credentials in --url", result.err)
        self.assertNotIn("--user NAME:SECRET", result.err)

    def test_flags_and_environment_beat_the_url_user(self):
        url = self.url_with("wrong:bad")
        env = {"ONORDER_PASSWORD": self.PASSWORD}
        self.assertExit(self.submit("--url", url, "--user", "acme", env=env), 0)
        self.assertExit(self.submit("--url", url, env=dict(env, ONORDER_USER="acme")), 0)

    def test_url_user_with_a_password_from_elsewhere(self):
        self.assertExit(self.submit("--url", self.url_with("acme"), env={"ONORDER_PASSWORD": self.PASSWORD}), 0)

    def test_user_with_secret_in_argv_warns(self):
        result = run("submit", "--url", self.mock.url, "--user", f"acme:{self.PASSWORD}", ORDER)
        self.assertExit(result, 0)
        self.assertIn("visible to every local user", result.err)

    def assert_refused_before_sending(self, result, *words):
        self.assertExit(result, 2)
        self.assertEqual(self.mock.received()["total"], self.before, "something was sent")
        for word in words:
            self.assertIn(word, result.err)
        self.assertNoSecrets(result.all, self.PASSWORD)

    def setUp(self):
        super().setUp()
        self.before = self.mock.received()["total"]

    def test_no_password_without_a_terminal_is_refused_before_sending(self):
        result = run_without_terminal("submit", "--url", self.mock.url, "--user", "acme", ORDER)
        self.assert_refused_before_sending(result, "acme", "ONORDER_PASSWORD", "--password-file", "--netrc",
                                           "password")
        env_user = run_without_terminal("submit", "--url", self.mock.url, ORDER, env={"ONORDER_USER": "acme"})
        self.assert_refused_before_sending(env_user, "ONORDER_PASSWORD")
        config = self.write("c.toml", f'url = "{self.mock.url}"\nuser = "acme"\n')
        self.assert_refused_before_sending(run_without_terminal("submit", "--config", config, ORDER),
                                           "ONORDER_PASSWORD")

    def test_empty_passwords_are_refused(self):
        empty = self.write("empty", "\n")
        self.assert_refused_before_sending(self.submit("--user", "acme", "--password-file", empty), str(empty))
        self.assert_refused_before_sending(self.submit("--user", "acme:"), "empty")

    def test_netrc_without_an_entry_for_the_host_is_refused(self):
        other = self.write("netrc", f"machine sp.example login acme password {self.PASSWORD}\n")
        self.assert_refused_before_sending(self.submit("--netrc-file", other), "127.0.0.1", str(other))
        self.assert_refused_before_sending(self.submit("--user", "acme", "--netrc-file", other), "127.0.0.1")
        no_password = self.write("netrc2", "machine 127.0.0.1 login acme\n")
        self.assert_refused_before_sending(self.submit("--netrc-file", no_password), "password")
        self.assert_refused_before_sending(self.submit("--netrc", env={"HOME": str(self.tmp / "nowhere")}),
                                           ".netrc")

    def test_netrc_gives_the_password_of_the_given_user(self):
        netrc = self.write("netrc", f"machine 127.0.0.1 login other password nope\n"
                                    f"machine 127.0.0.1 login acme password {self.PASSWORD}\n")
        self.assertExit(self.submit("--user", "acme", "--netrc-file", netrc), 0)
        self.before += 1
        self.assert_refused_before_sending(self.submit("--user", "nobody", "--netrc-file", netrc), "nobody")

    def test_netrc_with_comments_quotes_and_default(self):
        netrc = self.write("netrc", "# onorder\nmachine sp.example login x password y\n"
                                    f'default\n  login acme\n  password "{self.PASSWORD}"\n')
        self.assertExit(self.submit("--netrc-file", netrc), 0)

    def test_ctrl_c_at_the_prompt_restores_echo(self):
        for sig, keys in ((signal.SIGINT, b"\x03"), (signal.SIGTERM, None)):
            with self.subTest(signal=sig.name):
                seen = {}

                def interrupt(fd, output, pid):
                    if b"Password for acme:" not in output:
                        return False
                    seen["echo at the prompt"] = bool(termios.tcgetattr(fd)[3] & termios.ECHO)
                    if keys:
                        os.write(fd, keys)
                    else:
                        os.kill(pid, sig)
                    return True

                env = dict(_CLEAN_ENV, XDG_CONFIG_HOME=str(self.tmp))
                status, output, acted, echo = on_a_terminal(
                    ["submit", "--url", self.mock.url, "--user", "acme", ORDER], env, interrupt)
                self.assertTrue(acted, output)
                self.assertFalse(seen["echo at the prompt"])
                self.assertTrue(echo, "echo is still off after the signal")
                # Killed by the signal, as a shell sees it: 128 + 2 = 130 for SIGINT.
                self.assertTrue(os.WIFSIGNALED(status), (status, output))
                self.assertEqual(os.WTERMSIG(status), sig)
                self.assertEqual(self.mock.received()["total"], self.before)


if __name__ == "__main__":
    unittest.main()
