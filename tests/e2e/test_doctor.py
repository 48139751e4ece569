"""onorder --version and onorder doctor: what a bug report needs, secrets masked (the masking
itself is in test_redaction)."""
import re
import subprocess
import unittest

from harness import TestCase, run


def system_libcurl():
    """libcurl's version and TLS backend as curl(1) reports them: the same shared library."""
    line = subprocess.run(["curl", "--version"], capture_output=True, text=True).stdout.split("\n")[0]
    version = re.search(r"libcurl/(\S+)", line).group(1)
    tls = re.search(r"(OpenSSL|GnuTLS|wolfSSL|mbedTLS|rustls)/\S+", line).group(0)
    return version, tls


class Version(TestCase):
    def test_version_names_libcurl_and_its_tls_backend(self):
        result = run("--version")
        self.assertExit(result, 0)
        version, tls = system_libcurl()
        lines = result.out.splitlines()
        self.assertRegex(lines[0], r"^onorder \d+\.\d+\.\d+$")
        self.assertIn(f"libcurl {version}", lines[1])
        self.assertIn(f"TLS {tls}", lines[1])
        self.assertIn("HTTP/2 nghttp2/", lines[1])


class Doctor(TestCase):
    def test_without_a_config_file_it_says_where_it_looked(self):
        result = run("doctor", env={"XDG_CONFIG_HOME": str(self.tmp)})
        self.assertExit(result, 0)
        self.assertEqual(result.out.splitlines()[:2], run("--version").out.splitlines())
        self.assertIn(f"none ({self.tmp}/onorder/config.toml does not exist)", result.out)
        self.assertIn("no ONORDER_* variable is set", result.out)
        self.assertIn("Proxy variables:\n  none set", result.out)
        self.assertRegex(result.out, r"CA certificates:\n  \S+ \(libcurl's default (file|directory)\)")

    def test_the_config_file_in_effect_and_where_the_ca_comes_from(self):
        profile = self.tmp / "onorder" / "work.toml"
        profile.parent.mkdir()
        profile.write_text('url = "https://sp.example/onapi"\nretries = 2\n'
                           f'cacert = "{self.tmp}/ca.pem"\n')
        profile.chmod(0o600)
        result = run("doctor", "--profile", "work",
                     env={"XDG_CONFIG_HOME": str(self.tmp), "ONORDER_TIMEOUT": "5"})
        self.assertExit(result, 0)
        self.assertIn(f"{profile} (mode 0600)", result.out)
        self.assertIn("url = https://sp.example/onapi", result.out)
        self.assertIn("retries = 2", result.out)
        self.assertIn("ONORDER_TIMEOUT = 5", result.out)
        self.assertIn(f"{self.tmp}/ca.pem (from {profile}:3:10: cacert)", result.out)
        self.assertNotIn("libcurl's default", result.out)
        # The environment overrides the file, as for every command.
        result = run("doctor", "--profile", "work",
                     env={"XDG_CONFIG_HOME": str(self.tmp), "ONORDER_CACERT": "/etc/env-ca.pem"})
        self.assertIn("/etc/env-ca.pem (from ONORDER_CACERT)", result.out)

    def test_a_broken_config_file_is_reported_and_exits_2(self):
        broken = self.write("broken.toml", 'url = "https://sp.example\nretries = "x"\n')
        result = run("doctor", "--config", broken)
        self.assertExit(result, 2)
        self.assertIn(f"Config file:\n  {broken}:1:", result.out)
        self.assertIn("Proxy variables:", result.out)  # the rest of the report is still there


if __name__ == "__main__":
    unittest.main()
