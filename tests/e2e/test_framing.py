"""How submit reads its input: a JSON document or array is checked whole before anything is sent;
NDJSON lines are units of their own; binary and endless input ends; every result is labelled."""
import json
import os
import resource
import subprocess
import uuid

from harness import ONORDER, MockSP, TestCase, order_with, run, MockTestCase

PASSWORD = "framing-Pa55"


class Framing(MockTestCase):
    MOCK_USER = "acme"
    MOCK_PASSWORD = PASSWORD

    def setUp(self):
        super().setUp()
        self.prefix = f"F-{uuid.uuid4().hex[:10]}"

    def order(self, n, offering="plain"):
        return order_with(offering, f"{self.prefix}-{n}")

    def line(self, n, offering="plain"):
        return json.dumps(self.order(n, offering))

    def submit(self, *args, stdin=None):
        return run("submit", "--url", self.mock.url, "--user", "acme", *args, stdin=stdin,
                   env={"ONORDER_PASSWORD": PASSWORD})

    def sent(self):
        """POSTs the mock received for this test's orders."""
        counts = self.mock.received()["by_access_id"]
        return sum(n for access_id, n in counts.items() if access_id.startswith(self.prefix))

    def assertNothingSent(self, result):
        self.assertExit(result, 3)
        self.assertIn("nothing was sent", result.err)
        self.assertEqual(self.sent(), 0, "an order of a file that is not all valid was sent")

    # --- a JSON document or array is checked whole -------------------------------------------

    def test_truncated_array_sends_nothing(self):
        path = self.write("orders.json", f"[{self.line(1)},{self.line(2)},{{\"coId\":")
        result = self.submit(path)
        self.assertNothingSent(result)
        self.assertIn("end of input", result.out)

    def test_trailing_garbage_after_a_document_sends_nothing(self):
        path = self.write("order.json", self.line(1) + "\ngarbage\n")
        result = self.submit(path)
        self.assertNothingSent(result)
        self.assertIn("unexpected 'g' after the order", result.out)

    def test_two_documents_back_to_back_send_nothing(self):
        for separator in ("", "\n"):
            with self.subTest(separator=separator):
                path = self.write("order.json", self.line(1) + separator + self.line(2))
                self.assertNothingSent(self.submit(path))

    def test_an_array_with_one_invalid_order_sends_nothing(self):
        bad = self.order(2)
        bad["customerDetails"]["customerPhone"] = "070-123"
        path = self.write("orders.json", json.dumps([self.order(1), bad, self.order(3)]))
        result = self.submit("--output", "json", path)
        self.assertNothingSent(result)
        [line] = result.json_lines()
        self.assertEqual((line["index"], line["outcome"]), (1, "invalid"))

    def test_a_broken_file_among_several_sends_nothing_at_all(self):
        good = self.write("good.json", self.line(1))
        broken = self.write("broken.json", "[" + self.line(2))
        self.assertNothingSent(self.submit(good, broken))

    def test_a_missing_file_among_several_sends_nothing(self):
        good = self.write("good.json", self.line(1))
        result = self.submit(good, self.tmp / "missing.json")
        self.assertExit(result, 2)
        self.assertEqual(self.sent(), 0)

    def test_stdin_is_checked_whole_too(self):
        result = self.submit("-", stdin=f"[{self.line(1)},{self.line(2)},{{")
        self.assertNothingSent(result)

    def test_a_valid_array_on_stdin_is_sent_once_each(self):
        result = self.submit("--output", "json", "-",
                             stdin=json.dumps([self.order(n) for n in range(1, 4)]))
        self.assertExit(result, 0)
        self.assertEqual([line["index"] for line in result.json_lines()], [0, 1, 2])
        self.assertEqual(self.sent(), 3)

    def test_a_pipe_given_by_name_is_read_once_and_sent_from_a_copy(self):
        read_end, write_end = os.pipe()
        body = json.dumps([self.order(1), self.order(2)]).encode()
        os.set_inheritable(read_end, True)
        proc = subprocess.Popen([ONORDER, "submit", "--url", self.mock.url, "--user", "acme",
                                 "--output", "json", f"/dev/fd/{read_end}"],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                pass_fds=(read_end,),
                                env={**os.environ, "ONORDER_PASSWORD": PASSWORD, "NO_COLOR": "1"})
        os.close(read_end)
        os.write(write_end, body)
        os.close(write_end)
        out, err = proc.communicate(timeout=60)
        self.assertEqual(proc.returncode, 0, out + err)
        self.assertEqual(len(out.splitlines()), 2)
        self.assertEqual(self.sent(), 2)

    def test_dry_run_of_a_broken_file_shows_no_request(self):
        path = self.write("orders.json", f"[{self.line(1)}, oops]")
        result = self.submit("--dry-run", path)
        self.assertExit(result, 3)
        self.assertNotIn("POST ", result.out)

    # --- NDJSON: each line is its own unit ---------------------------------------------------

    def test_ndjson_bad_line_is_skipped_the_others_sent(self):
        path = self.write("orders.ndjson", "\n".join([self.line(1), "{not json", self.line(3)]) + "\n")
        result = self.submit("--output", "json", path)
        self.assertExit(result, 3)
        self.assertEqual([(l["line"], l["outcome"]) for l in result.json_lines()],
                         [(1, "accepted"), (2, "invalid"), (3, "accepted")])
        self.assertEqual(self.sent(), 2)

    def test_ndjson_on_stdin_streams(self):
        result = self.submit("--ndjson", "--output", "json", "-",
                             stdin=self.line(1) + "\n" + self.line(2) + "\n")
        self.assertExit(result, 0)
        self.assertEqual(self.sent(), 2)

    # --- endless and binary input ends -------------------------------------------------------

    def test_dev_zero_as_ndjson_ends_at_once(self):
        for command in (("validate", "--ndjson", "/dev/zero"),):
            result = run(*command, timeout=20)
            self.assertExit(result, 3)
            self.assertIn("binary data (a NUL byte), not NDJSON", result.out)
        result = self.submit("--ndjson", "/dev/zero")
        self.assertExit(result, 3)
        self.assertEqual(self.sent(), 0)

    def test_dev_zero_as_json_ends_at_once(self):
        result = self.submit("/dev/zero")
        self.assertExit(result, 3)
        self.assertIn("binary data", result.out)

    def test_a_line_over_1_mib_is_skipped_without_being_held(self):
        huge = self.tmp / "huge.ndjson"
        with open(huge, "w") as f:
            f.write(self.line(1) + "\n" + '{"customerFirstname":"')
            for _ in range(64):
                f.write("x" * (1024 * 1024))
            f.write('"}\n' + self.line(3) + "\n")

        def limit_memory():
            # 48 MiB of address space: a 64 MiB line held in memory would not fit. (ASan's shadow
            # memory needs terabytes of address space: no limit there.)
            if "ASAN_OPTIONS" not in os.environ:
                resource.setrlimit(resource.RLIMIT_AS, (48 << 20, 48 << 20))

        with open(huge, "rb") as stdin:
            proc = subprocess.run([ONORDER, "validate", "--ndjson", "--output", "json", "-"],
                                  stdin=stdin, capture_output=True, text=True, timeout=120,
                                  preexec_fn=limit_memory)
        self.assertEqual(proc.returncode, 3, proc.stderr)
        lines = [json.loads(l) for l in proc.stdout.splitlines() if l.strip()]
        self.assertEqual([(l["line"], l["valid"]) for l in lines], [(1, True), (2, False), (3, True)])
        self.assertIn("over 1 MiB", lines[1]["errors"][0]["message"])

    # --- labels -----------------------------------------------------------------------------

    def test_every_result_is_labelled_the_first_one_included(self):
        array = self.write("orders.json", json.dumps([self.order(1), self.order(2)]))
        result = self.submit(array)
        self.assertExit(result, 0)
        self.assertIn(f"{array} #0: ", result.out)
        self.assertIn(f"{array} #1: ", result.out)
        ndjson = self.write("orders.ndjson", self.line(3) + "\n\n" + self.line(4) + "\n")
        result = self.submit(ndjson)
        self.assertExit(result, 0)
        self.assertIn(f"{ndjson}:1: ", result.out)
        self.assertIn(f"{ndjson}:3: ", result.out)
        single_a = self.write("a.json", self.line(5))
        single_b = self.write("b.json", self.line(6))
        result = self.submit(single_a, single_b)
        self.assertTrue(result.out.startswith(f"{single_a}: "), result.out)
        self.assertIn(f"{single_b}: ", result.out)

    def test_one_order_alone_is_not_labelled(self):
        result = self.submit(self.write("order.json", self.line(1)))
        self.assertExit(result, 0)
        self.assertTrue(result.out.startswith("Accepted"), result.out)


if __name__ == "__main__":
    import unittest
    unittest.main()
