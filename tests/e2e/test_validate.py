"""onorder validate and onorder template, through the real binary, on every sample and on bad input."""
import json
import unittest

from harness import SAMPLES, TestCase, load_sample, run

RULES = ["json", "type", "required", "id", "text", "enum", "dateTime", "products", "boolean",
         "identityNumber", "phoneNo", "postalCode"]


class ValidSamples(TestCase):
    def test_complete_and_minimal_orders_are_valid(self):
        for name in ("order.json", "minimal.json"):
            with self.subTest(name):
                result = run("validate", SAMPLES / name)
                self.assertExit(result, 0)
                self.assertIn("valid", result.out)
                self.assertNoSecrets(result.all)

    def test_batch_json_output_one_line_per_order(self):
        result = run("validate", "--output", "json", SAMPLES / "batch.ndjson")
        self.assertExit(result, 0)
        lines = result.json_lines()
        self.assertEqual(len(lines), 20)
        for i, line in enumerate(lines):
            self.assertEqual(line, {"source": str(SAMPLES / "batch.ndjson"), "index": i, "line": i + 1,
                                    "valid": True, "errors": [], "warnings": []})

    def test_template_validates(self):
        template = run("template")
        self.assertExit(template, 0)
        order = json.loads(template.out)
        self.assertEqual(order["operation"], "ACTIVATE")
        result = run("validate", "-", stdin=template.out)
        self.assertExit(result, 0)


class InvalidSamples(TestCase):
    def test_each_rule_sample_has_exactly_its_error(self):
        for rule in RULES:
            with self.subTest(rule):
                path = SAMPLES / "invalid" / f"{rule}.json"
                result = run("validate", "--output", "json", path)
                self.assertExit(result, 3)
                [line] = result.json_lines()
                self.assertFalse(line["valid"])
                self.assertEqual([e["rule"] for e in line["errors"]], [rule], line)
                human = run("validate", path)
                self.assertExit(human, 3)
                self.assertIn(f"[{rule}]", human.out)
                self.assertIn("invalid", human.out)
                self.assertNoSecrets(human.all + result.all)

    def test_warning_samples_pass_unless_strict(self):
        for rule in ("unknownField", "timeOrder", "email"):
            with self.subTest(rule):
                path = SAMPLES / "warnings" / f"{rule}.json"
                result = run("validate", "--output", "json", path)
                self.assertExit(result, 0)
                [line] = result.json_lines()
                self.assertTrue(line["valid"])
                self.assertIn(rule, [w["rule"] for w in line["warnings"]])
                self.assertExit(run("validate", "--strict", path), 3)

    def test_unknown_field_hint(self):
        result = run("validate", SAMPLES / "warnings" / "unknownField.json")
        self.assertIn("did you mean", result.out)
        self.assertIn("customerFirstname", result.out)

    def test_require_makes_a_field_mandatory(self):
        order = load_sample("minimal.json")
        path = self.write("minimal.json", json.dumps(order))
        self.assertExit(run("validate", path), 0)
        result = run("validate", "--output", "json", "--require",
                     "customerDetails.personalIdentityNumber,/customerDetails/customerEmail", path)
        self.assertExit(result, 3)
        [line] = result.json_lines()
        self.assertEqual(sorted((e["path"], e["rule"]) for e in line["errors"]),
                         [("/customerDetails/customerEmail", "required"),
                          ("/customerDetails/personalIdentityNumber", "required")])


class Fix(TestCase):
    def test_fix_repairs_and_reports(self):
        path = SAMPLES / "fixable.json"
        self.assertExit(run("validate", path), 3)
        result = run("validate", "--fix", "--output", "json", path)
        self.assertExit(result, 0)
        [line] = result.json_lines()
        changed = {c["path"] for c in line["changes"]}
        self.assertTrue({"/customerDetails/personalIdentityNumber", "/customerDetails/invoiceDetails/postalCode",
                         "/orderDateTime"} <= changed, changed)
        self.assertNoSecrets(result.all)

    def test_fix_writes_the_fixed_order_in_the_same_framing(self):
        fixable = load_sample("fixable.json")
        for name, content, framing in (
                ("one.json", json.dumps(fixable), "single"),
                ("many.json", json.dumps([fixable, fixable]), "array"),
                ("many.ndjson", json.dumps(fixable) + "\n" + json.dumps(fixable) + "\n", "ndjson")):
            with self.subTest(framing):
                source = self.write(name, content)
                out = self.tmp / ("fixed-" + name)
                self.assertExit(run("validate", "--fix", "-o", out, source), 0)
                text = out.read_text()
                if framing == "single":
                    self.assertEqual(json.loads(text)["customerDetails"]["personalIdentityNumber"], "19821105-9954")
                elif framing == "array":
                    self.assertEqual(len(json.loads(text)), 2)
                else:
                    self.assertEqual(len([json.loads(l) for l in text.splitlines() if l]), 2)
                self.assertExit(run("validate", out), 0)
                self.assertEqual(out.stat().st_mode & 0o077, 0, "fixed orders hold identity numbers: 0600")


class BadInput(TestCase):
    def validate_json(self, name, content, *flags):
        path = self.write(name, content)
        result = run("validate", "--output", "json", *flags, path)
        return result, result.json_lines()

    def test_missing_file_is_a_usage_error(self):
        result = run("validate", self.tmp / "nope.json")
        self.assertExit(result, 2)
        self.assertIn("nope.json", result.err)

    def test_directory_is_a_usage_error(self):
        self.assertExit(run("validate", self.tmp), 2)

    def test_empty_file(self):
        result, lines = self.validate_json("empty.json", "")
        self.assertExit(result, 3)
        self.assertEqual(lines[0]["errors"][0]["rule"], "json")

    def test_syntax_error_names_line_and_column(self):
        result = run("validate", self.write("bad.json", '{\n  "coId": "Acme",\n  "coAccessId": }\n'))
        self.assertExit(result, 3)
        self.assertRegex(result.all, r"bad\.json:3:\d+")

    def test_ndjson_bad_line_is_reported_and_others_still_checked(self):
        good = json.dumps(load_sample("order.json"))
        result, lines = self.validate_json("batch.ndjson", good + "\n{not json\n\n" + good + "\n")
        self.assertExit(result, 3)
        self.assertEqual([(l["index"], l["line"], l["valid"]) for l in lines],
                         [(0, 1, True), (1, 2, False), (2, 4, True)])
        self.assertEqual(lines[1]["errors"][0]["rule"], "json")
        self.assertEqual(lines[1]["errors"][0]["path"], "")

    def test_binary_file(self):
        result, lines = self.validate_json("binary.json", bytes(range(256)) * 10)
        self.assertExit(result, 3)
        self.assertEqual(lines[0]["errors"][0]["rule"], "json")

    def test_invalid_utf8(self):
        order = json.dumps(load_sample("order.json")).replace("Anna", "An\\u00e5").encode()
        order = order.replace(b"An\\u00e5", b"An\xff\xfe")
        result, lines = self.validate_json("latin1.json", order)
        self.assertExit(result, 3)
        self.assertFalse(lines[0]["valid"])

    def test_deep_nesting_is_refused_without_crashing(self):
        for name in ("deep.json", "deep.ndjson"):
            with self.subTest(name):
                result, lines = self.validate_json(name, "[" * 100000 + "]" * 100000)
                self.assertExit(result, 3)
                self.assertIn("64", json.dumps(lines))

    def test_order_over_one_mebibyte(self):
        order = load_sample("order.json")
        order["customerDetails"]["customerFirstname"] = "x" * (1024 * 1024 + 10)
        for name in ("huge.json", "huge.ndjson"):
            with self.subTest(name):
                result, lines = self.validate_json(name, json.dumps(order))
                self.assertExit(result, 3)
                self.assertIn("1 MiB", json.dumps(lines))

    def test_root_not_an_object(self):
        result, lines = self.validate_json("array-of-numbers.json", "[1, \"x\"]")
        self.assertExit(result, 3)
        self.assertEqual([(l["index"], l["errors"][0]["path"], l["errors"][0]["rule"]) for l in lines],
                         [(0, "", "type"), (1, "", "type")])

    def test_several_files_and_stdin(self):
        order = (SAMPLES / "order.json").read_text()
        result = run("validate", "--output", "json", SAMPLES / "minimal.json", "-", stdin=order)
        self.assertExit(result, 0)
        self.assertEqual([l["source"] for l in result.json_lines()], [str(SAMPLES / "minimal.json"), "-"])

    def test_exit_code_is_the_highest(self):
        result = run("validate", SAMPLES / "order.json", SAMPLES / "invalid" / "id.json", self.tmp / "missing")
        self.assertExit(result, 3)


class FromFlags(TestCase):
    def test_order_built_from_flags(self):
        result = run("validate", "--output", "json", "--co-id", "Acme", "--access-id", "A-1",
                     "--product", "P1:O1", "--pin", "19821105-9954", "--identified",
                     "--set", "customerDetails.customerEmail=anna@example.se")
        self.assertExit(result, 0)
        self.assertNoSecrets(result.all)

    def test_requested_time_follows_the_order_time(self):
        result = run("validate", "--output", "json", "--co-id", "Acme", "--access-id", "A-1", "--product", "P:O",
                     "--set", "customerDetails={}", "--order-time", "2099-01-01T00:00:00Z")
        self.assertExit(result, 0)
        [line] = result.json_lines()
        # Only the future order time is warned about: requestedDateTime moved with it.
        self.assertEqual([(w["path"], w["rule"]) for w in line["warnings"]], [("/orderDateTime", "timeOrder")])

    def test_flags_report_every_problem_at_once(self):
        result = run("validate", "--output", "json", "--access-id", "bad id!", "--pin", "19821105-9955",
                     "--phone", "070-1234567")
        self.assertExit(result, 3)
        [line] = result.json_lines()
        self.assertEqual(sorted((e["path"], e["rule"]) for e in line["errors"]),
                         [("/coAccessId", "id"), ("/coId", "required"),
                          ("/customerDetails/customerPhone", "phoneNo"),
                          ("/customerDetails/personalIdentityNumber", "identityNumber"),
                          ("/products", "required")])
        self.assertNoSecrets(result.all)

    def test_bad_flag_is_a_usage_error(self):
        self.assertExit(run("validate", "--product", "no-colon"), 2)
        self.assertExit(run("validate", "--no-such-flag"), 2)


if __name__ == "__main__":
    unittest.main()
