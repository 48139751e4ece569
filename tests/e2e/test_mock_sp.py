"""onorder-mock-sp on its own, as an SP integrator's client would see it (plain HTTP requests)."""
import base64
import json
import subprocess
import unittest
import urllib.error
import urllib.request

from harness import MOCK_SP, MockSP, TestCase, load_sample, order_with

AUTH = "Basic " + base64.b64encode(b"acme:mock-Pw-1").decode()


def request(url, method="GET", body=None, auth=AUTH, content_type="application/json"):
    data = body.encode() if isinstance(body, str) else body
    req = urllib.request.Request(url, data=data, method=method)
    if auth:
        req.add_header("Authorization", auth)
    if data is not None:
        req.add_header("Content-Type", content_type)
    try:
        with urllib.request.urlopen(req, timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


class MockSp(TestCase):
    @classmethod
    def setUpClass(cls):
        cls.mock = MockSP("--user", "acme", "--password", "mock-Pw-1").__enter__()
        cls.order_url = cls.mock.url + "/2.5/sp_spec/order/"

    @classmethod
    def tearDownClass(cls):
        cls.mock.__exit__(None, None, None)

    def test_endpoints_list(self):
        status, headers, body = request(self.mock.url + "/2.5/")
        self.assertEqual(status, 200)
        endpoints = json.loads(body)
        self.assertIn("order", [e["name"] for e in endpoints])
        for endpoint in endpoints:
            self.assertTrue({"name", "endpoint", "version", "documentation"} <= set(endpoint))

    def test_valid_order_is_activated(self):
        status, _, body = request(self.order_url, "POST", json.dumps(load_sample("order.json")))
        self.assertEqual(status, 200)
        self.assertEqual(json.loads(body)["status"], "ACTIVATED")

    def test_invalid_order_gets_400_with_cause_and_message(self):
        order = load_sample("order.json")
        order["customerDetails"]["personalIdentityNumber"] = "19821105-9955"
        status, _, body = request(self.order_url, "POST", json.dumps(order))
        self.assertEqual(status, 400)
        answer = json.loads(body)
        self.assertIn("personalIdentityNumber", answer["cause"])
        self.assertTrue(answer["message"])
        self.assertNotIn("19821105-9955", answer["cause"])

    def test_malformed_json_gets_400(self):
        status, _, body = request(self.order_url, "POST", "{not json")
        self.assertEqual(status, 400)
        self.assertIn("cause", json.loads(body))

    def test_missing_and_wrong_credentials_get_401(self):
        for auth in (None, "Basic " + base64.b64encode(b"acme:wrong").decode()):
            status, headers, body = request(self.order_url, "POST", json.dumps(load_sample("order.json")), auth=auth)
            self.assertEqual(status, 401)
            self.assertIn("cause", json.loads(body))
        self.assertIn("Basic", headers.get("WWW-Authenticate", ""))

    def test_unknown_paths_have_a_cause(self):
        for path, expected in (("/2.5/nothing/", 501), ("/elsewhere", 404)):
            status, _, body = request(self.mock.url + path)
            self.assertEqual(status, expected, path)
            self.assertIn("cause", json.loads(body))

    def test_counts_by_fingerprint(self):
        order = order_with("plain", "MOCK-count-1")
        before = self.mock.received()
        for _ in range(3):
            request(self.order_url, "POST", json.dumps(order))
        after = self.mock.received()
        self.assertEqual(after["total"] - before["total"], 3)
        self.assertEqual(after["by_access_id"]["MOCK-count-1"], 3)
        self.assertIn(3, after["by_fingerprint"].values())

    def test_400_echo_repeats_the_orders_identity_number(self):
        order = order_with("mock-400-echo", "MOCK-echo-1")
        order["customerDetails"]["personalIdentityNumber"] = "19121212-1212"
        status, _, body = request(self.order_url, "POST", json.dumps(order))
        self.assertEqual(status, 400)
        answer = json.loads(body)
        self.assertIn("19121212-1212", answer["cause"])
        self.assertIn("556677-8899", answer["cause"])
        self.assertIn("19121212-1212", answer["message"])

    def test_answers_without_a_message(self):
        for offering, expected in (("mock-no-message", {"status": "ACTIVATED"}),
                                   ("mock-rejected-bare", {"status": "REJECTED", "message": None})):
            with self.subTest(offering):
                status, _, body = request(self.order_url, "POST", json.dumps(order_with(offering)))
                self.assertEqual((status, json.loads(body)), (200, expected))

    def test_cut_headers_sends_a_status_line_and_a_header_then_closes(self):
        import socket
        from urllib.parse import urlsplit
        order = json.dumps(order_with("mock-cut-headers", "MOCK-cut-1")).encode()
        address = urlsplit(self.mock.url)
        with socket.create_connection((address.hostname, address.port), timeout=10) as connection:
            connection.sendall(b"POST /2.5/sp_spec/order/ HTTP/1.1\r\nHost: x\r\nAuthorization: " +
                               AUTH.encode() + b"\r\nContent-Type: application/json\r\n" +
                               b"Content-Length: " + str(len(order)).encode() + b"\r\n\r\n" + order)
            received = b""
            while chunk := connection.recv(4096):
                received += chunk
        self.assertEqual(received, b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n")
        self.assertEqual(self.mock.received()["by_access_id"]["MOCK-cut-1"], 1)

    def test_refuses_a_host_that_is_not_loopback(self):
        result = subprocess.run([MOCK_SP, "--host", "0.0.0.0", "--port", "0"], capture_output=True, text=True,
                                timeout=10)
        self.assertEqual(result.returncode, 2)


if __name__ == "__main__":
    unittest.main()
