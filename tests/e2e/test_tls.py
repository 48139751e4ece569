"""HTTPS with certificates made by openssl at test time: verification, --insecure, mutual TLS."""
import json
import unittest

from harness import SAMPLES, TlsTestCase, run


class Tls(TlsTestCase):
    def test_verified_with_cacert(self):
        with self.https_mock() as mock:
            self.assertTrue(mock.url.startswith("https://127.0.0.1:"))
            result = run("submit", "--url", mock.url, "--cacert", self.certs.ca, "--output", "json",
                         SAMPLES / "order.json")
            self.assertExit(result, 0)
            self.assertEqual(result.json_lines()[0]["status"], "ACTIVATED")

    def test_unverifiable_certificate_is_no_connection_and_not_retried(self):
        with self.https_mock() as mock:
            result = run("submit", "--url", mock.url, "--output", "json", SAMPLES / "order.json")
            self.assertExit(result, 7)
            [line] = result.json_lines()
            self.assertEqual(line["outcome"], "no_connection")
            self.assertIn("--cacert", json.dumps(line))
            self.assertEqual(mock.received(self.certs.ca)["total"], 0)

    def test_insecure_works_and_warns(self):
        with self.https_mock() as mock:
            result = run("submit", "--url", mock.url, "--insecure", SAMPLES / "order.json")
            self.assertExit(result, 0)
            self.assertIn("NOT verified", result.err)

    def test_mutual_tls(self):
        with self.https_mock("--client-ca", self.certs.ca) as mock:
            with_cert = run("submit", "--url", mock.url, "--cacert", self.certs.ca, "--cert", self.certs.client_cert,
                            "--key", self.certs.client_key, SAMPLES / "order.json")
            self.assertExit(with_cert, 0)
            without = run("submit", "--url", mock.url, "--cacert", self.certs.ca, "--retries", "0",
                          SAMPLES / "order.json")
            self.assertIn(without.code, (7, 8), repr(without))

    def pin(self, key):
        import base64, hashlib, subprocess
        der = subprocess.run(["openssl", "pkey", "-in", str(key), "-pubout", "-outform", "DER"],
                             check=True, capture_output=True).stdout
        return "sha256//" + base64.b64encode(hashlib.sha256(der).digest()).decode()

    def test_pinned_public_key(self):
        with self.https_mock() as mock:
            good = run("submit", "--url", mock.url, "--cacert", self.certs.ca, "--pinned-pubkey",
                       self.pin(self.certs.server_key), SAMPLES / "order.json")
            self.assertExit(good, 0)
            wrong = run("submit", "--url", mock.url, "--cacert", self.certs.ca, "--pinned-pubkey",
                        self.pin(self.certs.client_key), "--output", "json", SAMPLES / "order.json")
            self.assertExit(wrong, 7)
            self.assertEqual(mock.received(self.certs.ca)["total"], 1)

    def test_verbose_trace_shows_tls_and_redacts(self):
        with self.https_mock("--user", "acme", "--password", "tls-Secret-1") as mock:
            result = run("submit", "--url", mock.url, "--cacert", self.certs.ca, "--user", "acme", "-v",
                         SAMPLES / "order.json", env={"ONORDER_PASSWORD": "tls-Secret-1"})
            self.assertExit(result, 0)
            self.assertIn("Authorization: Basic [redacted]", result.err)
            self.assertNoSecrets(result.all, "tls-Secret-1", "YWNtZTp0bHMtU2VjcmV0LTE=")

    def test_dry_run_curl_line_verifies_as_the_run_would(self):
        import os
        import subprocess
        import uuid
        from harness import order_with
        with self.https_mock("--user", "acme", "--password", "tls-Secret-2") as mock:
            access_id = f"T-{uuid.uuid4().hex[:8]}"
            order = self.write("o.json", json.dumps(order_with("plain", access_id)))
            result = run("submit", "--dry-run", "--unmask", "--url", mock.url, "--cacert", self.certs.ca,
                         "--cert", self.certs.client_cert, "--key", self.certs.client_key, "--user", "acme",
                         "--output", "json", order)
            self.assertExit(result, 0)
            [request] = result.json_lines()
            self.assertIn(f"--cacert '{self.certs.ca}'", request["curl"])
            env = {k: v for k, v in os.environ.items() if not k.startswith("ONORDER_")}
            env["ONORDER_PASSWORD"] = "tls-Secret-2"
            done = subprocess.run(["bash", "-c", request["curl"]], capture_output=True, text=True, env=env,
                                  timeout=30)
            self.assertEqual(done.returncode, 0, done)
            self.assertEqual(json.loads(done.stdout)["status"], "ACTIVATED")
            self.assertEqual(mock.received(self.certs.ca)["by_access_id"][access_id], 1)


if __name__ == "__main__":
    unittest.main()
