"""--dry-run prints the request that would be sent, and a curl line that authenticates as the run would."""
import json
import os
import subprocess
import unittest
import uuid

from harness import MockSP, TestCase, order_with, run, MockTestCase

USER = "acme"
PASSWORD = "dry-Secret-31"
PIN = "19821105-9954"


def dry_headers(result):
    """The header lines of a human dry run: after the request line, up to the blank line."""
    lines = result.out.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("POST "))
    end = lines.index("", start)
    return lines[start + 1:end]


def wire_headers(trace):
    """The request headers a -v trace shows, without the two libcurl derives from the URL and body."""
    lines = trace.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("> POST "))
    end = lines.index("> ", start)
    return [line[2:] for line in lines[start + 1:end]
            if not line.startswith(("> Host:", "> Content-Length:"))]


def curl_line(result):
    """The curl command of a human dry run, as a shell would read it."""
    text = result.out
    return text[text.index("\n", text.index("# The same request with curl")) + 1:]


class MockCase(MockTestCase):
    MOCK_USER = USER
    MOCK_PASSWORD = PASSWORD

    def order(self, access_id=None):
        self.access_id = access_id or f"D-{uuid.uuid4().hex[:10]}"
        return self.write("order.json", json.dumps(order_with("plain", self.access_id, personalIdentityNumber=PIN)))

    def received(self):
        return self.mock.received()["by_access_id"].get(self.access_id, 0)

    def dry(self, *flags, env=None):
        if "--url" not in flags:
            flags = ("--url", self.mock.url, *flags)
        result = run("submit", "--dry-run", *flags, self.order(), env=env)
        self.assertExit(result, 0)
        self.assertNotIn(PASSWORD, result.all)
        return result

    def run_curl(self, line, env=None):
        full_env = {k: v for k, v in os.environ.items()
                    if not k.startswith("ONORDER_") and k.lower() not in ("http_proxy", "https_proxy", "all_proxy")}
        full_env.update(env or {})
        return subprocess.run(["bash", "-c", line], capture_output=True, text=True, env=full_env, timeout=30)


class DryRun(MockCase):
    def test_headers_are_those_on_the_wire(self):
        flags = ("--user", USER, "-H", "X-Request-Id: r-1", "--header", "X-Other: two words")
        env = {"ONORDER_PASSWORD": PASSWORD}
        dry = self.dry(*flags, env=env)
        self.assertEqual(self.received(), 0)
        headers = dry_headers(dry)
        self.assertIn("Authorization: Basic [redacted]", headers)
        real = run("submit", "--url", self.mock.url, "-v", *flags, self.order(self.access_id), env=env)
        self.assertExit(real, 0)
        self.assertEqual(self.received(), 1)
        self.assertEqual(headers, wire_headers(real.err))
        self.assertEqual(dry.out.splitlines()[0], f"POST {self.mock.url}/2.5/sp_spec/order/")

    def test_headers_without_credentials(self):
        mock = MockSP()
        with mock:
            dry = run("submit", "--dry-run", "--url", mock.url, self.order())
            real = run("submit", "--url", mock.url, "-v", self.order(self.access_id))
            self.assertExit(real, 0)
        self.assertNotIn("Authorization", dry.out)
        self.assertEqual(dry_headers(dry), wire_headers(real.err))

    def test_body_is_masked_unless_unmask(self):
        masked = self.dry("--user", USER)
        self.assertIn("19821105-****", masked.out)
        self.assertNotIn(PIN, masked.out)
        self.assertIn(PIN, self.dry("--user", USER, "--unmask").out)

    def test_json_is_one_object_per_order(self):
        batch = self.write("batch.ndjson", "\n".join(
            json.dumps(order_with("plain", f"J-{i}", personalIdentityNumber=PIN)) for i in range(2)) + "\n")
        result = run("submit", "--dry-run", "--output", "json", "--url", self.mock.url, "--user", USER,
                     "-H", "X-A: 1", batch, env={"ONORDER_PASSWORD": PASSWORD})
        self.assertExit(result, 0)
        lines = result.json_lines()
        self.assertEqual(len(lines), 2)
        for i, line in enumerate(lines):
            self.assertEqual(list(line), ["method", "url", "headers", "body", "curl"])
            self.assertEqual(line["method"], "POST")
            self.assertEqual(line["url"], f"{self.mock.url}/2.5/sp_spec/order/")
            self.assertEqual(line["headers"], ["Authorization: Basic [redacted]", "Content-Type: application/json",
                                               "Accept: application/json", line["headers"][3], "X-A: 1"])
            self.assertTrue(line["headers"][3].startswith("User-Agent: onorder/"))
            self.assertIsInstance(line["body"], str)
            body = json.loads(line["body"])
            self.assertEqual(body["coAccessId"], f"J-{i}")
            self.assertEqual(body["customerDetails"]["personalIdentityNumber"], "19821105-****")
            self.assertIn('--user "acme:${ONORDER_PASSWORD}"', line["curl"])
        self.assertNoSecrets(result.all, PASSWORD)
        unmasked = run("submit", "--dry-run", "--output", "json", "--unmask", "--url", self.mock.url, batch)
        self.assertEqual(json.loads(unmasked.json_lines()[0]["body"])["customerDetails"]["personalIdentityNumber"],
                         PIN)

    def test_headers_are_redacted(self):
        result = self.dry("-H", "X-Api-Key: 19821105-9954", "-H", "Authorization: Bearer tok-9")
        headers = dry_headers(result)
        self.assertIn("X-Api-Key: 19821105-****", headers)
        self.assertIn("Authorization: Bearer [redacted]", headers)
        self.assertNotIn("tok-9", result.out)


class CurlLine(MockCase):
    def assert_places_the_order(self, line, env=None):
        before = self.received()
        done = self.run_curl(line, env)
        self.assertEqual(done.returncode, 0, done)
        self.assertEqual(json.loads(done.stdout)["status"], "ACTIVATED", done)
        self.assertEqual(self.received(), before + 1)

    def test_password_from_the_environment(self):
        result = self.dry("--user", USER, "--unmask", env={"ONORDER_PASSWORD": PASSWORD})
        line = curl_line(result)
        self.assertIn('--user "acme:${ONORDER_PASSWORD}"', line)
        self.assertNotIn("export", result.out)
        self.assert_places_the_order(line, {"ONORDER_PASSWORD": PASSWORD})
        # Unset, the line stops before curl runs: never an empty password.
        refused = self.run_curl(line)
        self.assertNotEqual(refused.returncode, 0)
        self.assertIn("ONORDER_PASSWORD", refused.stderr)
        self.assertEqual(self.received(), 1)

    def test_password_file(self):
        path = self.write("pw", PASSWORD + "\n")
        line = curl_line(self.dry("--user", USER, "--password-file", path, "--unmask"))
        self.assertIn(f'--user "acme:$(head -n1 \'{path}\')"', line)
        self.assertNotIn("ONORDER_PASSWORD", line)
        self.assert_places_the_order(line)

    def test_netrc_file(self):
        netrc = self.write("netrc", f"machine 127.0.0.1 login {USER} password {PASSWORD}\n")
        line = curl_line(self.dry("--netrc-file", netrc, "--unmask"))
        self.assertIn(f"--netrc-file '{netrc}'", line)
        self.assertNotIn("--user", line)
        self.assert_places_the_order(line)

    def test_netrc_in_home(self):
        home = self.tmp / "home"
        home.mkdir()
        (home / ".netrc").write_text(f"machine 127.0.0.1 login {USER} password {PASSWORD}\n")
        result = self.dry("--netrc", "--unmask", env={"HOME": str(home)})
        line = curl_line(result)
        self.assertIn("--netrc", line)
        self.assertNotIn("--netrc-file", line)
        self.assertNotIn("--user", line)
        self.assert_places_the_order(line, {"HOME": str(home)})

    def test_password_in_argv_config_or_url_must_be_exported(self):
        config = self.write("c.toml", f'user = "{USER}"\npassword = "{PASSWORD}"\n')
        os.chmod(config, 0o600)
        url = self.mock.url.replace("http://", f"http://{USER}:{PASSWORD}@")
        for flags, env in ((("--user", f"{USER}:{PASSWORD}"), None), (("--config", config), None),
                           (("--url", url), None), ((), {"ONORDER_USER": f"{USER}:{PASSWORD}"})):
            with self.subTest(flags=flags[:1], env=env):
                result = self.dry(*flags, "--unmask", env=env)
                line = curl_line(result)
                self.assertIn('--user "acme:${ONORDER_PASSWORD}"', line)
                self.assertIn("export ONORDER_PASSWORD", result.out)
                self.assertNotIn(PASSWORD, result.all)
                self.assert_places_the_order(line, {"ONORDER_PASSWORD": PASSWORD})

    def test_no_password_source_neither_prompts_nor_fails(self):
        result = self.dry("--user", USER)
        self.assertIn("ONORDER_PASSWORD", result.err)
        line = curl_line(result)
        self.assertIn('--user "acme:${ONORDER_PASSWORD}"', line)
        refused = self.run_curl(line)
        self.assertNotEqual(refused.returncode, 0)
        self.assertEqual(self.received(), 0)

    def test_no_prompt_on_a_terminal(self):
        from harness import _CLEAN_ENV, on_a_terminal
        env = dict(_CLEAN_ENV, XDG_CONFIG_HOME=str(self.tmp))
        status, output, _, _ = on_a_terminal(
            ["submit", "--dry-run", "--url", self.mock.url, "--user", USER, self.order()], env)
        self.assertEqual(os.waitstatus_to_exitcode(status), 0, output)
        self.assertNotIn(b"Password for", output)
        self.assertIn(b"curl", output)

    def test_no_user_no_credentials(self):
        line = curl_line(self.dry())
        self.assertNotIn("--user", line)
        self.assertNotIn("--netrc", line)


if __name__ == "__main__":
    unittest.main()
