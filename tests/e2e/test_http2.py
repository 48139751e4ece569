"""HTTP/2 for the tests: harness.Nginx in front of onorder-mock-sp (TLS, ALPN h2), as curl and
nghttp see it. onorder's own HTTP/2 behaviour is tested elsewhere; this proves the setup."""
import base64
import json
import socket
import subprocess
import unittest

from harness import MockSP, Nginx, TlsTestCase, order_with

USER, PASSWORD = "acme", "h2-Pa55"


def curl_h2(url, *args, body=None, user=f"{USER}:{PASSWORD}", cafile=None):
    command = ["curl", "--http2", "-v", "-sS", "--max-time", "20", "--cacert", str(cafile)]
    if user:
        command += ["-u", user]
    if body is not None:
        command += ["-H", "Content-Type: application/json", "--data-binary", f"@{body}"]
    return subprocess.run([*command, *args, url], capture_output=True, text=True, timeout=60)


def nghttp(*args):
    return subprocess.run(["nghttp", "-v", "-n", *args], capture_output=True, text=True, timeout=60)


class Http2(TlsTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.mock = MockSP("--cert", cls.certs.server_cert, "--key", cls.certs.server_key,
                          "--user", USER, "--password", PASSWORD).__enter__()
        try:
            cls.nginx = Nginx(cls.mock.url, cls.certs).__enter__()
        except BaseException:
            cls.mock.__exit__(None, None, None)
            raise

    @classmethod
    def tearDownClass(cls):
        cls.nginx.__exit__(None, None, None)
        cls.mock.__exit__(None, None, None)
        super().tearDownClass()

    def order_file(self, access_id):
        return self.write(f"{access_id}.json", json.dumps(order_with("plain", access_id)))

    def test_an_order_reaches_the_mock_over_h2(self):
        result = curl_h2(self.nginx.order_url, body=self.order_file("H2-order-1"), cafile=self.certs.ca)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertIn("ALPN: server accepted h2", result.stderr)
        self.assertRegex(result.stderr, r"(?m)^< HTTP/2 200")
        self.assertEqual(json.loads(result.stdout)["status"], "ACTIVATED")
        counts = self.mock.received(self.certs.ca)
        self.assertEqual(counts["by_access_id"]["H2-order-1"], 1)

    def test_http1_is_still_offered(self):
        result = curl_h2(self.nginx.order_url, "--http1.1", body=self.order_file("H2-h1-1"),
                         cafile=self.certs.ca)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertRegex(result.stderr, r"(?m)^< HTTP/1.1 200")

    def test_credentials_pass_through(self):
        for user, access_id in ((None, "H2-auth-none"), (f"{USER}:wrong", "H2-auth-wrong")):
            with self.subTest(user):
                result = curl_h2(self.nginx.order_url, body=self.order_file(access_id), user=user,
                                 cafile=self.certs.ca)
                self.assertRegex(result.stderr, r"(?m)^< HTTP/2 401")
                self.assertRegex(result.stderr, r'(?mi)^< www-authenticate: Basic realm="onorder-mock-sp"')
                self.assertIn("credentials", json.loads(result.stdout)["cause"])
                # Counted (the mock saw it) but refused: nginx did not answer for the mock.
                self.assertEqual(self.mock.received(self.certs.ca)["by_access_id"][access_id], 1)

    def test_nghttp_negotiates_h2_and_posts(self):
        body = self.order_file("H2-nghttp-1")
        auth = "authorization: Basic " + base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode()
        result = nghttp("-d", str(body), "-H", auth, self.nginx.order_url)
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        self.assertIn("The negotiated protocol: h2", result.stdout)
        self.assertIn(":status: 200", result.stdout)
        self.assertEqual(self.mock.received(self.certs.ca)["by_access_id"]["H2-nghttp-1"], 1)


class Http2Limits(TlsTestCase):
    """keepalive_requests (a GOAWAY after N requests) and http2_max_concurrent_streams."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.mock = MockSP("--user", USER, "--password", PASSWORD).__enter__()  # plain HTTP upstream

    @classmethod
    def tearDownClass(cls):
        cls.mock.__exit__(None, None, None)
        super().tearDownClass()

    def post_three(self, nginx, prefix):
        body = self.write(f"{prefix}.json", json.dumps(order_with("plain", prefix)))
        auth = "authorization: Basic " + base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode()
        # Distinct URLs: nghttp sends each once, all on one connection.
        return nghttp("-d", str(body), "-H", auth, *[f"{nginx.order_url}?{i}" for i in range(3)])

    def test_keepalive_requests_ends_the_connection_with_goaway(self):
        with Nginx(self.mock.url, self.certs, keepalive_requests=2) as nginx:
            result = self.post_three(nginx, "H2-goaway")
        self.assertIn("recv GOAWAY frame", result.stdout)
        self.assertIn("processed=2", result.stderr)
        # The stream above the GOAWAY's last stream id never reached the mock.
        self.assertEqual(self.mock.received()["by_access_id"]["H2-goaway"], 2)

    def test_without_a_limit_there_is_no_goaway(self):
        with Nginx(self.mock.url, self.certs) as nginx:
            result = self.post_three(nginx, "H2-no-goaway")
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        self.assertNotIn("recv GOAWAY frame", result.stdout)
        self.assertEqual(self.mock.received()["by_access_id"]["H2-no-goaway"], 3)

    def test_max_concurrent_streams_is_announced(self):
        with Nginx(self.mock.url, self.certs, max_concurrent_streams=7) as nginx:
            result = self.post_three(nginx, "H2-streams")
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        self.assertIn("[SETTINGS_MAX_CONCURRENT_STREAMS(0x03):7]", result.stdout)


class NginxPort(TlsTestCase):
    def test_a_taken_port_is_replaced_by_another(self):
        certs = self.certs
        with socket.socket() as taken:
            taken.bind(("127.0.0.1", 0))
            taken.listen()
            busy = taken.getsockname()[1]
            with MockSP() as mock:
                free = socket.socket()
                free.bind(("127.0.0.1", 0))
                spare = free.getsockname()[1]
                free.close()  # a race with other tests, but only the assertion on the port needs it
                with Nginx(mock.url, certs, ports=iter([busy, spare])) as nginx:
                    self.assertEqual((nginx.attempts, nginx.port), (2, spare))
                    result = curl_h2(nginx.url + "/_mock/received", cafile=certs.ca, user=None)
                    self.assertEqual(result.returncode, 0, result.stderr)
                    self.assertIn("total", json.loads(result.stdout))

    def test_concurrent_starts_get_distinct_ports(self):
        from concurrent.futures import ThreadPoolExecutor
        certs = self.certs
        with MockSP() as mock:
            # All eight are offered the same few ports first: only one can have each.
            def start(_):
                nginx = Nginx(mock.url, certs, ports=iter([40001, 40002, *range(20000, 20100)]))
                return nginx.__enter__()
            with ThreadPoolExecutor(8) as pool:
                started = list(pool.map(start, range(8)))
            try:
                self.assertEqual(len({n.port for n in started}), 8)
                for nginx in started:
                    result = curl_h2(nginx.url + "/_mock/received", cafile=certs.ca, user=None)
                    self.assertEqual(result.returncode, 0, result.stderr)
            finally:
                for nginx in started:
                    nginx.__exit__(None, None, None)


if __name__ == "__main__":
    unittest.main()
