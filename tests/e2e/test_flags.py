"""Orders built from flags: one builder for validate and submit, errors that name the flag."""
import json
import unittest

from harness import TestCase, run

CUSTOMER = ("--first-name", "Anna")
PRODUCT = ("--product", "P-1:O-1")


def errors(result):
    [line] = result.json_lines()
    return [(e["path"], e["rule"]) for e in line["errors"]]


class DefaultCoId(TestCase):
    def test_validate_takes_co_id_from_the_environment(self):
        result = run("validate", "--access-id", "A-1", *PRODUCT, *CUSTOMER, env={"ONORDER_CO_ID": "Acme"})
        self.assertExit(result, 0)

    def test_validate_takes_co_id_from_the_config(self):
        config = self.write("c.toml", 'co_id = "Acme"\n')
        result = run("validate", "--config", config, "--output", "json", "--access-id", "A-1", *PRODUCT, *CUSTOMER)
        self.assertExit(result, 0)

    def test_the_flag_beats_the_environment(self):
        result = run("validate", "--output", "json", "--co-id", "bad id!", "--access-id", "A-1", *PRODUCT,
                     *CUSTOMER, env={"ONORDER_CO_ID": "Acme"})
        self.assertExit(result, 3)
        self.assertEqual(errors(result), [("/coId", "id")])

    def test_submit_and_validate_build_the_same_order(self):
        env = {"ONORDER_CO_ID": "Acme"}
        flags = ("--access-id", "A-1", *PRODUCT, *CUSTOMER, "--order-time", "2021-05-03T20:31:15Z")
        dry = run("submit", "--dry-run", "--url", "https://sp.example", "--output", "json", *flags, env=env)
        self.assertExit(dry, 0)
        [request] = dry.json_lines()
        body = json.loads(request["body"])
        self.assertEqual(body["coId"], "Acme")
        self.assertEqual(body["requestedDateTime"], "2021-05-03T20:31:15Z")
        self.assertExit(run("validate", *flags, env=env), 0)


class OneErrorForTheOrderTime(TestCase):
    def test_a_bad_order_time_is_one_error(self):
        result = run("validate", "--output", "json", "--co-id", "Acme", "--access-id", "A-1", *PRODUCT, *CUSTOMER,
                     "--order-time", "2021-13-01T00:00:00Z")
        self.assertExit(result, 3)
        self.assertEqual(errors(result), [("/orderDateTime", "dateTime")])

    def test_a_given_requested_time_is_still_checked(self):
        result = run("validate", "--output", "json", "--co-id", "Acme", "--access-id", "A-1", *PRODUCT, *CUSTOMER,
                     "--order-time", "2021-13-01T00:00:00Z", "--requested-time", "tomorrow")
        self.assertExit(result, 3)
        self.assertEqual(errors(result), [("/orderDateTime", "dateTime"), ("/requestedDateTime", "dateTime")])

    def test_fix_changes_the_order_time_once_and_the_default_follows(self):
        result = run("submit", "--dry-run", "--url", "https://sp.example", "--output", "json", "--fix",
                     "--co-id", "Acme", "--access-id", "A-1", *PRODUCT, *CUSTOMER,
                     "--order-time", "2021-05-03T22:31:15+02:00")
        self.assertExit(result, 0)
        [request] = result.json_lines()
        body = json.loads(request["body"])
        self.assertEqual((body["orderDateTime"], body["requestedDateTime"]),
                         ("2021-05-03T20:31:15Z", "2021-05-03T20:31:15Z"))
        human = run("validate", "--fix", "--co-id", "Acme", "--access-id", "A-1", *PRODUCT, *CUSTOMER,
                    "--order-time", "2021-05-03T22:31:15+02:00")
        self.assertExit(human, 0)
        self.assertEqual(human.out.count("fixed"), 1, repr(human))


class ErrorsNameTheFlag(TestCase):
    def test_human_output_names_the_flag_and_the_path(self):
        result = run("validate", "--co-id", "Acme", "--access-id", "A-1", *PRODUCT, "--phone", "070-1234567",
                     "--set", "customerDetails.customerMobilePhone=12")
        self.assertExit(result, 3)
        self.assertIn("--phone (/customerDetails/customerPhone) [phoneNo]", result.out)
        self.assertIn("--set customerDetails.customerMobilePhone (/customerDetails/customerMobilePhone) [phoneNo]",
                      result.out)

    def test_json_keeps_the_pointer_and_adds_the_flag(self):
        result = run("validate", "--output", "json", "--co-id", "Acme", "--access-id", "bad id!", "--product",
                     "P 1:O-1", *CUSTOMER)
        self.assertExit(result, 3)
        [line] = result.json_lines()
        self.assertEqual([(e["path"], e.get("flag")) for e in line["errors"]],
                         [("/coAccessId", "--access-id"), ("/products/0/productId", "--product")])

    def test_submit_names_the_flag_too(self):
        result = run("submit", "--url", "https://sp.example", "--co-id", "Acme", "--access-id", "A-1", *PRODUCT,
                     "--email", "x" * 300)
        self.assertExit(result, 3)
        self.assertIn("--email (/customerDetails/customerEmail) [text]", result.out)

    def test_missing_customer_details_hint_names_the_flags(self):
        result = run("validate", "--co-id", "Acme", "--access-id", "A-1", *PRODUCT)
        self.assertExit(result, 3)
        self.assertIn("/customerDetails [required]", result.out)
        hint = next(line for line in result.out.splitlines() if "fix:" in line)
        for flag in ("--pin", "--first-name", "--last-name", "--phone", "--email", "--city",
                     "--set customerDetails."):
            self.assertIn(flag, hint)
        self.assertNotIn("e.g. {}", result.out)

    def test_missing_fields_hint_names_their_flags(self):
        result = run("validate", "--output", "json", *CUSTOMER)
        self.assertExit(result, 3)
        [line] = result.json_lines()
        hints = {e["path"]: e["hint"] for e in line["errors"]}
        self.assertIn("--co-id", hints["/coId"])
        self.assertIn("ONORDER_CO_ID", hints["/coId"])
        self.assertIn("--access-id", hints["/coAccessId"])
        self.assertIn("--product", hints["/products"])

    def test_orders_from_files_keep_their_plain_paths(self):
        path = self.write("o.json", json.dumps({"coId": "Acme"}))
        result = run("validate", "--output", "json", path)
        self.assertExit(result, 3)
        [line] = result.json_lines()
        self.assertTrue(all("flag" not in e for e in line["errors"]))
        self.assertIn("{}", next(e["hint"] for e in line["errors"] if e["path"] == "/customerDetails"))


if __name__ == "__main__":
    unittest.main()
