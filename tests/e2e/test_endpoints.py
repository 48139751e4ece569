"""onorder endpoints against the real onorder-mock-sp: the list, its checks, and failures."""
import json
import uuid

from harness import MockSP, MockTestCase, order_with, run


class Endpoints(MockTestCase):
    def endpoints(self, *flags, url=None, password=None):
        return run("endpoints", "--url", url or self.mock.url, "--user", self.MOCK_USER, *flags,
                   env={"ONORDER_PASSWORD": password or self.MOCK_PASSWORD})

    def test_the_mocks_list_is_a_table(self):
        result = self.endpoints()
        self.assertExit(result, 0)
        header, row = result.out.splitlines()
        self.assertEqual(header.split(), ["NAME", "ENDPOINT", "VERSION", "NOTE", "UNSUPPORTED", "FIELDS"])
        self.assertEqual(row.split(), ["order", "/2.5/sp_spec/order/", "2.5"])
        self.assertEqual(header.index("ENDPOINT"), row.index("/2.5/sp_spec/order/"), "columns aligned")

    def test_json(self):
        result = self.endpoints("--output", "json")
        self.assertExit(result, 0)
        [line] = result.json_lines()
        self.assertEqual(line["url"], self.mock.url + "/2.5/")
        self.assertEqual(line["problems"], [])
        self.assertEqual([e["name"] for e in line["endpoints"]], ["order"])

    def test_a_malformed_list_is_listed_with_its_problems(self):
        listing = self.write("endpoints.json", json.dumps([
            {"name": "order", "endpoint": "/o/", "version": "2.5", "documentation": "https://d.example/",
             "note": "direct activation only", "unsupportedFields": ["requestedDateTime"]},
            {"name": "accesses", "endpoint": "/a/", "version": 2.5},
        ]))
        with MockSP("--user", "acme", "--password", "pw", "--endpoints-file", listing) as mock:
            result = self.endpoints(url=mock.url, password="pw")
            self.assertExit(result, 6)
            self.assertIn("direct activation only", result.out)
            self.assertIn("requestedDateTime", result.out)
            self.assertIn("problem: [1].version: is a number, not text", result.out)
            self.assertIn("problem: [1].documentation: missing (mandatory)", result.out)
            line = self.endpoints("--output", "json", url=mock.url, password="pw").json_lines()[0]
            self.assertEqual(len(line["problems"]), 2)

    def test_not_json_and_no_order_endpoint(self):
        for body, problem in (("<html>oops</html>", "the answer is not JSON"),
                              ("[]", 'no endpoint is named "order"')):
            with self.subTest(body=body):
                listing = self.write("endpoints.json", body)
                with MockSP("--endpoints-file", listing) as mock:
                    result = run("endpoints", "--url", mock.url)
                    self.assertExit(result, 6)
                    self.assertIn(problem, result.out)

    def test_wrong_credentials_and_no_connection(self):
        result = self.endpoints(password="wrong")
        self.assertExit(result, 5)
        self.assertIn("401", result.err)
        self.assertNotIn("wrong", result.all)
        refused = run("endpoints", "--url", "http://127.0.0.1:9")
        self.assertExit(refused, 7)
        self.assertIn("no connection", refused.err)
        self.assertNotIn("The order", refused.err)


class Discover(MockTestCase):
    def submit(self, mock, *flags):
        order = order_with("plain", f"D-{uuid.uuid4().hex[:10]}")
        path = self.write("order.json", json.dumps(order))
        result = run("submit", "--url", mock.url, "--user", "acme", "--output", "json", "--discover",
                     *flags, path, env={"ONORDER_PASSWORD": "pw"})
        return result, mock.received()["by_access_id"].get(order["coAccessId"], 0)

    def listing(self, *endpoints):
        return self.write("endpoints.json", json.dumps([
            {"name": name, "endpoint": endpoint, "version": version, "documentation": "https://d.example/"}
            for name, endpoint, version in endpoints]))

    def test_the_listed_order_endpoint_is_used_and_named(self):
        listing = self.listing(("accesses", "/2.5/accesses/", "2.5"), ("order", "/nowhere/", "2.3.1"),
                               ("order", "/redirected/2.5/sp_spec/order/", "2.5"))
        with MockSP("--user", "acme", "--password", "pw", "--endpoints-file", listing) as mock:
            result, received = self.submit(mock)
            self.assertExit(result, 0)
            self.assertEqual(received, 1)
            self.assertIn(f"names the order endpoint {mock.url}/redirected/2.5/sp_spec/order/", result.err)

    def test_no_order_endpoint_sends_nothing(self):
        listing = self.listing(("accesses", "/2.5/accesses/", "2.5"))
        with MockSP("--user", "acme", "--password", "pw", "--endpoints-file", listing) as mock:
            result, received = self.submit(mock)
            self.assertExit(result, 6)
            self.assertIn("lists no order endpoint", result.err)
            self.assertEqual(received, 0)

    def test_an_endpoint_on_another_host_gets_no_credentials(self):
        listing = self.listing(("order", "https://elsewhere.example/2.5/sp_spec/order/", "2.5"))
        with MockSP("--user", "acme", "--password", "pw", "--endpoints-file", listing) as mock:
            result, received = self.submit(mock)
            self.assertExit(result, 6)
            self.assertIn("on another host", result.err)
            self.assertEqual(received, 0)

    def test_wrong_credentials_stop_before_the_order(self):
        with MockSP("--user", "acme", "--password", "other") as mock:
            result, received = self.submit(mock)
            self.assertExit(result, 5)
            self.assertEqual(received, 0)


if __name__ == "__main__":
    import unittest
    unittest.main()
