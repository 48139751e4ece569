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


def post_raw(url, body, auth=AUTH):
    """One POST on its own connection with http.client: (status, headers, body), or the exception
    the client saw (a connection closed without an answer)."""
    import http.client
    from urllib.parse import urlsplit
    address = urlsplit(url)
    connection = http.client.HTTPConnection(address.hostname, address.port, timeout=10)
    try:
        connection.request("POST", address.path, body=body,
                           headers={"Content-Type": "application/json", "Authorization": auth})
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    except (http.client.RemoteDisconnected, ConnectionError) as error:
        return error
    finally:
        connection.close()


class MockSpLoadFlags(TestCase):
    """--storm, --storm-for-ms, --drop-after-processing, --drop-every and --latency-ms: each test
    starts its own mock, since the flags count from the start."""

    def mock(self, *flags):
        mock = MockSP("--user", "acme", "--password", "mock-Pw-1", *flags)
        mock.__enter__()
        self.addCleanup(mock.__exit__, None, None, None)
        return mock, mock.url + "/2.5/sp_spec/order/"

    def test_storm_refuses_the_first_posts_with_retry_after_then_answers(self):
        mock, url = self.mock("--storm", "429:3:7")
        orders = [json.dumps(order_with("plain", f"MOCK-storm-{i}")) for i in range(5)]
        answers = [request(url, "POST", order) for order in orders]
        for status, headers, body in answers[:3]:
            self.assertEqual(status, 429)
            self.assertEqual(headers.get("Retry-After"), "7")
            self.assertEqual(json.loads(body), {"cause": "Too many requests"})
        for status, headers, body in answers[3:]:
            self.assertEqual((status, json.loads(body)["status"]), (200, "ACTIVATED"))
            self.assertNotIn("Retry-After", headers)
        counts = mock.received()
        self.assertEqual((counts["total"], counts["refused_by_storm"], counts["processed"],
                          counts["answered_2xx"]), (5, 3, 2, 2))
        self.assertEqual(sorted(counts["processed_by_fingerprint"].values()), [1, 1])

    def test_a_resent_order_is_received_twice_and_processed_once(self):
        mock, url = self.mock("--storm", "503:1")
        order = json.dumps(order_with("plain", "MOCK-storm-again"))
        first, second = request(url, "POST", order), request(url, "POST", order)
        self.assertEqual((first[0], first[1].get("Retry-After"), json.loads(first[2])),
                         (503, "1", {"cause": "Service temporarily unavailable"}))
        self.assertEqual(second[0], 200)
        counts = mock.received()
        self.assertEqual(counts["by_access_id"]["MOCK-storm-again"], 2)
        self.assertEqual(list(counts["processed_by_fingerprint"].values()), [1])

    def test_scenario_refusals_and_redirects_are_not_processed(self):
        mock, url = self.mock()
        once = json.dumps(order_with("mock-503-once", "MOCK-processed-once"))
        self.assertEqual([request(url, "POST", once)[0] for _ in range(2)], [503, 200])
        moved = json.dumps(order_with("mock-redirect", "MOCK-processed-moved"))
        status, headers, _ = request(url, "POST", moved)
        self.assertEqual(status, 307)
        self.assertEqual(request(mock.url + headers["Location"], "POST", moved)[0], 200)
        counts = mock.received()
        self.assertEqual((counts["total"], counts["processed"], counts["answered_2xx"]), (4, 2, 2))
        self.assertEqual(sorted(counts["by_fingerprint"].values()), [2, 2])
        self.assertEqual(sorted(counts["processed_by_fingerprint"].values()), [1, 1])

    def test_storm_is_counted_across_connections(self):
        from concurrent.futures import ThreadPoolExecutor
        mock, url = self.mock("--storm", "503:20", "--latency-ms", "20")
        orders = [json.dumps(order_with("plain", f"MOCK-par-{i}")) for i in range(60)]
        with ThreadPoolExecutor(16) as pool:
            statuses = [answer[0] for answer in pool.map(lambda o: post_raw(url, o), orders)]
        self.assertEqual((statuses.count(503), statuses.count(200)), (20, 40))
        self.assertEqual(mock.received()["refused_by_storm"], 20)

    def test_storm_for_ms_ends_the_storm_early(self):
        import time
        mock, url = self.mock("--storm", "429:1000000", "--storm-for-ms", "300")
        order = json.dumps(order_with("plain", "MOCK-storm-time"))
        started = time.monotonic()
        statuses = []
        while time.monotonic() - started < 30 and (not statuses or statuses[-1] == 429):
            statuses.append(request(url, "POST", order)[0])
        self.assertEqual(statuses[0], 429)
        self.assertEqual(statuses[-1], 200)
        self.assertGreaterEqual(time.monotonic() - started, 0.3)

    def test_storm_and_drop_values_are_checked(self):
        for flags in (["--storm", "500:1"], ["--storm", "429"], ["--storm", "429:2:soon"],
                      ["--storm-for-ms", "10"], ["--latency-ms", "9-3"], ["--latency-ms", "x"],
                      ["--drop-every", "0"]):
            with self.subTest(flags):
                result = subprocess.run([MOCK_SP, "--port", "0", *flags], capture_output=True,
                                        text=True, timeout=10)
                self.assertEqual(result.returncode, 2, result.stderr)

    def test_drop_after_processing_counts_the_order_and_closes_without_an_answer(self):
        mock, url = self.mock("--drop-after-processing", "2")
        orders = [json.dumps(order_with("plain", f"MOCK-drop-{i}")) for i in range(3)]
        answers = [post_raw(url, order) for order in orders]
        for answer in answers[:2]:
            self.assertIsInstance(answer, Exception)
        self.assertEqual(answers[2][0], 200)
        counts = mock.received()
        self.assertEqual((counts["total"], counts["processed"], counts["dropped"], counts["answered_2xx"]),
                         (3, 3, 2, 1))
        self.assertEqual(counts["by_access_id"]["MOCK-drop-0"], 1)

    def test_drop_is_an_empty_reply_to_curl(self):
        _, url = self.mock("--drop-after-processing", "1")
        body = self.write("order.json", json.dumps(order_with("plain", "MOCK-drop-curl")))
        result = subprocess.run(["curl", "-sS", "-u", "acme:mock-Pw-1", "-H", "Content-Type: application/json",
                                 "--data-binary", f"@{body}", url], capture_output=True, text=True, timeout=20)
        self.assertEqual(result.returncode, 52, result.stderr)  # "Empty reply from server"
        self.assertIn("Empty reply", result.stderr)

    def test_drop_every_drops_every_kth_processed_order(self):
        mock, url = self.mock("--drop-every", "3")
        orders = [json.dumps(order_with("plain", f"MOCK-every-{i}")) for i in range(7)]
        # An invalid order is not processed, so it does not count towards K.
        invalid = order_with("plain", "MOCK-every-bad")
        invalid["customerDetails"]["personalIdentityNumber"] = "19821105-9955"
        self.assertEqual(post_raw(url, json.dumps(invalid))[0], 400)
        dropped = [i for i, order in enumerate(orders) if isinstance(post_raw(url, order), Exception)]
        self.assertEqual(dropped, [2, 5])
        self.assertEqual(mock.received()["dropped"], 2)

    def test_latency_delays_every_order_answer_but_not_the_controls(self):
        import time
        mock, url = self.mock("--latency-ms", "1500")
        started = time.monotonic()
        status, _, _ = request(url, "POST", json.dumps(order_with("plain", "MOCK-latency")))
        self.assertEqual(status, 200)
        self.assertGreaterEqual(time.monotonic() - started, 1.5)
        started = time.monotonic()
        mock.received()
        self.assertLess(time.monotonic() - started, 1.5)

    def test_latency_does_not_hold_up_other_connections(self):
        """64 idle keep-alive connections (a batch's) hold a thread each; 32 more orders with a
        latency of 1 s, all at once, are still answered in parallel by the default --threads."""
        import http.client
        import time
        from concurrent.futures import ThreadPoolExecutor
        from urllib.parse import urlsplit
        mock, url = self.mock("--latency-ms", "1000")
        address = urlsplit(url)

        def keep_alive(i):
            connection = http.client.HTTPConnection(address.hostname, address.port, timeout=30)
            connection.request("POST", address.path, body=json.dumps(order_with("plain", f"MOCK-held-{i}")),
                               headers={"Content-Type": "application/json", "Authorization": AUTH})
            connection.getresponse().read()
            return connection  # left open: the server keeps it for its keep-alive timeout (5 s)

        with ThreadPoolExecutor(64) as pool:
            held = list(pool.map(keep_alive, range(64)))
        self.addCleanup(lambda: [connection.close() for connection in held])
        orders = [json.dumps(order_with("plain", f"MOCK-slow-{i}")) for i in range(32)]
        started = time.monotonic()
        with ThreadPoolExecutor(32) as pool:
            statuses = list(pool.map(lambda o: post_raw(url, o)[0], orders))
        self.assertEqual(statuses, [200] * 32)
        # In parallel a little over 1 s; waiting for held connections' threads at least 5 s.
        self.assertLess(time.monotonic() - started, 4.5)

    def test_latency_range_varies(self):
        import time
        _, url = self.mock("--latency-ms", "0-300")
        durations = []
        for i in range(12):
            started = time.monotonic()
            request(url, "POST", json.dumps(order_with("plain", f"MOCK-range-{i}")))
            durations.append(time.monotonic() - started)
        self.assertLess(max(durations), 5)
        self.assertGreater(max(durations) - min(durations), 0.02)


if __name__ == "__main__":
    unittest.main()
