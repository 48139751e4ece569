#include <onorder/formats.hpp>
#include <onorder/validate.hpp>

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <string>

using namespace onorder;
using namespace std::chrono;
using nlohmann::json;

namespace {

json full_order() {
    return json::parse(R"({
      "coId": "Acme",
      "coAccessId": "8732c2f065e2490babce820e94b1011a",
      "operation": "ACTIVATE",
      "orderDateTime": "2021-05-03T20:31:15Z",
      "requestedDateTime": "2021-05-06T00:01:00Z",
      "products": [{"productId": "P-1", "offeringId": "O.1"}],
      "customerDetails": {
        "identifiedCustomer": true,
        "personalIdentityNumber": "19821105-9954",
        "organizationNumber": "16556036-0793",
        "customerFirstname": "Åsa",
        "customerLastName": "",
        "organizationName": "Exempel AB",
        "customerPhone": "+468214930",
        "customerMobilePhone": "+46701234567",
        "customerEmail": "asa@example.se",
        "invoiceDetails": {
          "streetName": "Storgatan",
          "streetNumber": "1",
          "streetLittera": "B",
          "postalCode": "11122",
          "city": "Stockholm"
        }
      }
    })");
}

ValidationOptions options() {
    ValidationOptions result;
    result.now = sys_days{2021y / May / 3} + 20h + 35min;
    return result;
}

Validation validate(const json& order, const ValidationOptions& with = options()) {
    return validate_order(order, with);
}

// The one error a document has; fails the test when it has another number of them.
Problem only_error(const json& order, const ValidationOptions& with = options()) {
    const Validation result = validate(order, with);
    REQUIRE(result.errors.size() == 1);
    return result.errors.front();
}

bool has(const Problems& problems, std::string_view path, std::string_view rule) {
    return std::any_of(problems.begin(), problems.end(), [&](const Problem& problem) {
        return problem.path == path && problem.rule == rule;
    });
}

} // namespace

TEST_CASE("a complete order and a minimal one are valid, without warnings") {
    const Validation full = validate(full_order());
    CHECK(full.valid());
    CHECK(full.warnings.empty());

    json minimal = full_order();
    minimal["customerDetails"] = json::object();
    const Validation result = validate(minimal);
    CHECK(result.valid());
    CHECK(result.warnings.empty());
}

TEST_CASE("a root that is not an object is one type error at \"\"") {
    for (const json& root : {json::array(), json(42), json("order"), json(nullptr)}) {
        const Problem problem = only_error(root);
        CHECK(problem.path == "");
        CHECK(problem.rule == "type");
    }
}

TEST_CASE("a missing mandatory field is reported where it belongs") {
    for (const char* pointer :
         {"/coId", "/coAccessId", "/operation", "/orderDateTime", "/requestedDateTime", "/products",
          "/customerDetails", "/products/0/productId", "/products/0/offeringId"}) {
        CAPTURE(pointer);
        json order = full_order();
        const json::json_pointer at(pointer);
        order[at.parent_pointer()].erase(at.back());
        const Problem problem = only_error(order);
        CHECK(problem.path == pointer);
        CHECK(problem.rule == "required");
        CHECK(problem.message.find("missing") != std::string::npos);
        CHECK_FALSE(problem.hint.empty());

        order[at] = nullptr; // dataformats.md: a mandatory field must have a value
        CHECK(only_error(order).path == pointer);
    }
}

TEST_CASE("optional fields may be absent or null") {
    json order = full_order();
    for (auto& [key, value] : order["customerDetails"].items()) {
        value = nullptr;
    }
    CHECK(validate(order).valid());
    order["customerDetails"]["invoiceDetails"] = {{"postalCode", nullptr}, {"city", nullptr}};
    CHECK(validate(order).valid());
}

TEST_CASE("a wrongly typed field is reported under its own format rule") {
    const struct {
        const char* pointer;
        json value;
        const char* rule;
    } cases[] = {
        {"/coAccessId", 12345, "id"},
        {"/coId", true, "id"},
        {"/products/0/offeringId", 7, "id"},
        {"/operation", 1, "enum"},
        {"/orderDateTime", 1620073875, "dateTime"},
        {"/customerDetails/customerFirstname", 42, "text"},
        {"/customerDetails/customerEmail", json::array(), "text"},
        {"/customerDetails/customerPhone", 46701234567, "phoneNo"},
        {"/customerDetails/invoiceDetails/postalCode", 11122, "postalCode"},
        {"/customerDetails/personalIdentityNumber", 198211059954, "identityNumber"},
        {"/customerDetails/identifiedCustomer", "true", "boolean"},
        {"/customerDetails/identifiedCustomer", 1, "boolean"},
        {"/customerDetails", "x", "type"},
        {"/customerDetails/invoiceDetails", json::array(), "type"},
        {"/products", json::object(), "type"},
        {"/products/0", 1, "type"},
        {"/products/0", nullptr, "type"},
    };
    for (const auto& c : cases) {
        CAPTURE(c.pointer);
        json order = full_order();
        order[json::json_pointer(c.pointer)] = c.value;
        const Problem problem = only_error(order);
        CHECK(problem.path == c.pointer);
        CHECK(problem.rule == c.rule);
        CHECK(problem.severity == Severity::error);
    }
}

TEST_CASE("a number where an ID belongs is shown, and the message says it is not a string") {
    json order = full_order();
    order["coAccessId"] = 12345;
    const Problem problem = only_error(order);
    CHECK(problem.message == "12345 is a number, not a string");
}

TEST_CASE("IDs: never empty, at most 36 characters, no other characters") {
    for (const char* bad : {"", "has space", "a_b", "1234567890123456789012345678901234567"}) {
        json order = full_order();
        order["coId"] = bad;
        const Problem problem = only_error(order);
        CHECK(problem.path == "/coId");
        CHECK(problem.rule == "id");
    }
}

TEST_CASE("text: blank is valid, 255 characters are, 256 are not") {
    std::string name;
    for (int i = 0; i < 255; ++i) {
        name += "å";
    }
    json order = full_order();
    order["customerDetails"]["customerLastName"] = name;
    CHECK(validate(order).valid());
    order["customerDetails"]["customerLastName"] = name + "å";
    const Problem problem = only_error(order);
    CHECK(problem.path == "/customerDetails/customerLastName");
    CHECK(problem.rule == "text");
    CHECK(problem.message.find("256 characters") != std::string::npos);
    CHECK(problem.message.size() < 200); // the value is cut short
}

TEST_CASE("text that is not UTF-8 is an error with a printable message") {
    json order = full_order();
    order["customerDetails"]["invoiceDetails"]["city"] = std::string("G\xF6teborg");
    const Problem problem = only_error(order);
    CHECK(problem.rule == "text");
    CHECK(formats::utf8_length(problem.message).has_value());
}

TEST_CASE("operation: only ACTIVATE") {
    for (const char* bad : {"activate", "DEACTIVATE", ""}) {
        json order = full_order();
        order["operation"] = bad;
        CHECK(only_error(order).rule == "enum");
    }
}

TEST_CASE("dateTime errors say why and whether --fix helps") {
    json order = full_order();
    order["orderDateTime"] = "2021-05-03T22:31:15+02:00";
    const Problem problem = only_error(order);
    CHECK(problem.path == "/orderDateTime");
    CHECK(problem.rule == "dateTime");
    CHECK(problem.message.find("+02:00") != std::string::npos);
    CHECK(problem.hint.find("2021-05-03T20:31:15Z") != std::string::npos);

    order["orderDateTime"] = "2021-05-03T20:31:15.12345Z";
    CHECK(only_error(order).rule == "dateTime");
    order["orderDateTime"] = "2021-02-29T20:31:15Z";
    CHECK(only_error(order).rule == "dateTime");
}

TEST_CASE("products: exactly one, and every element is still checked") {
    json order = full_order();
    order["products"] = json::array();
    Problem problem = only_error(order);
    CHECK(problem.path == "/products");
    CHECK(problem.rule == "products");

    order["products"] = {{{"productId", "P1"}, {"offeringId", "O1"}}, {{"productId", "P2"}}};
    const Validation result = validate(order);
    REQUIRE(result.errors.size() == 2);
    CHECK(result.errors[0].path == "/products");
    CHECK(result.errors[0].rule == "products");
    CHECK(result.errors[1].path == "/products/1/offeringId");
    CHECK(result.errors[1].rule == "required");
}

TEST_CASE("identity numbers: checked, and never shown in full") {
    json order = full_order();
    order["customerDetails"]["personalIdentityNumber"] = "19821105-9955";
    Problem problem = only_error(order);
    CHECK(problem.path == "/customerDetails/personalIdentityNumber");
    CHECK(problem.rule == "identityNumber");
    CHECK(problem.message.find("19821105-****") != std::string::npos);

    for (const json& value : {json("19821105-9955"), json("198211059955"), json("8211059955"),
                              json(198211059955), json("19821105 9955")}) {
        order["customerDetails"]["personalIdentityNumber"] = value;
        problem = only_error(order);
        CHECK(problem.rule == "identityNumber");
        CHECK(problem.message.find("9955") == std::string::npos);
        CHECK(problem.hint.find("9955") == std::string::npos);
    }

    order["customerDetails"]["personalIdentityNumber"] = "198211059954";
    problem = only_error(order);
    CHECK(problem.hint.find("--fix") != std::string::npos);
    CHECK(problem.hint.find("9954") == std::string::npos);

    order["customerDetails"]["personalIdentityNumber"] = "19821165-9951"; // coordination number
    CHECK(validate(order).valid());
    order["customerDetails"]["organizationNumber"] = "16556036-0794";
    CHECK(only_error(order).path == "/customerDetails/organizationNumber");
}

TEST_CASE("phoneNo and postalCode") {
    json order = full_order();
    order["customerDetails"]["customerPhone"] = "+123456789012345";
    CHECK(validate(order).valid());
    order["customerDetails"]["customerPhone"] = "+1234567890123456";
    CHECK(only_error(order).rule == "phoneNo");
    order["customerDetails"]["customerPhone"] = "070-123 45 67";
    CHECK(only_error(order).hint.find("+46701234567") != std::string::npos);

    order = full_order();
    order["customerDetails"]["invoiceDetails"]["postalCode"] = "01234";
    const Problem problem = only_error(order);
    CHECK(problem.path == "/customerDetails/invoiceDetails/postalCode");
    CHECK(problem.rule == "postalCode");
}

TEST_CASE("problems come all at once, in the order of the field table") {
    json order = full_order();
    order["customerDetails"]["invoiceDetails"]["postalCode"] = "1";
    order["coId"] = "";
    order.erase("operation");
    order["products"][0]["offeringId"] = "a b";
    const Validation result = validate(order);
    REQUIRE(result.errors.size() == 4);
    CHECK(result.errors[0].path == "/coId");
    CHECK(result.errors[1].path == "/operation");
    CHECK(result.errors[2].path == "/products/0/offeringId");
    CHECK(result.errors[3].path == "/customerDetails/invoiceDetails/postalCode");
    for (const Problem& problem : result.errors) {
        CHECK_FALSE(problem.message.empty());
        CHECK_FALSE(problem.hint.empty());
    }
}

TEST_CASE("unknown fields are warnings with a did-you-mean hint") {
    json order = full_order();
    order["customerDetails"]["customerFirstName"] = order["customerDetails"]["customerFirstname"];
    order["customerDetails"].erase("customerFirstname");
    Validation result = validate(order);
    CHECK(result.valid());
    REQUIRE(result.warnings.size() == 1);
    CHECK(result.warnings[0].path == "/customerDetails/customerFirstName");
    CHECK(result.warnings[0].rule == "unknownField");
    CHECK(result.warnings[0].severity == Severity::warning);
    CHECK(result.warnings[0].hint == "did you mean `customerFirstname`?");

    order = full_order();
    order["coAcessId"] = "x";                // a typo
    order["personalIdentityNumber"] = "x";   // right name, wrong object
    order["products"][0]["colour"] = "blue"; // nothing like it
    order["customerDetails"]["invoiceDetails"]["a/b~c"] = 1;
    result = validate(order);
    CHECK(result.valid());
    REQUIRE(result.warnings.size() == 4);
    CHECK(result.warnings[0].path == "/products/0/colour");
    CHECK(result.warnings[0].hint.find("did you mean") == std::string::npos);
    CHECK(result.warnings[1].path == "/customerDetails/invoiceDetails/a~1b~0c");
    CHECK(result.warnings[2].path == "/coAcessId");
    CHECK(result.warnings[2].hint == "did you mean `coAccessId`?");
    CHECK(result.warnings[3].path == "/personalIdentityNumber");
    CHECK(result.warnings[3].hint == "did you mean `/customerDetails/personalIdentityNumber`?");
}

TEST_CASE("an e-mail address that is not shaped like one is a warning") {
    json order = full_order();
    order["customerDetails"]["customerEmail"] = "asa.example.se";
    const Validation result = validate(order);
    CHECK(result.valid());
    REQUIRE(result.warnings.size() == 1);
    CHECK(result.warnings[0].path == "/customerDetails/customerEmail");
    CHECK(result.warnings[0].rule == "email");

    order["customerDetails"]["customerEmail"] = "";
    const Validation blank = validate(order);
    CHECK(blank.valid());
    CHECK(blank.warnings.empty()); // blank text is no address, not a mistyped one
}

TEST_CASE("timeOrder warnings") {
    json order = full_order();
    order["requestedDateTime"] = "2021-05-03T20:31:14Z";
    Validation result = validate(order);
    CHECK(result.valid());
    REQUIRE(result.warnings.size() == 1);
    CHECK(result.warnings[0].path == "/requestedDateTime");
    CHECK(result.warnings[0].rule == "timeOrder");

    order["requestedDateTime"] = order["orderDateTime"]; // as soon as possible
    CHECK(validate(order).warnings.empty());

    order = full_order();
    order["orderDateTime"] = "2021-05-03T20:40:00Z"; // now + 5 minutes: clocks differ a little
    CHECK(validate(order).warnings.empty());
    order["orderDateTime"] = "2021-05-03T20:40:01Z";
    result = validate(order);
    REQUIRE(result.warnings.size() == 1);
    CHECK(result.warnings[0].path == "/orderDateTime");
    CHECK(result.warnings[0].rule == "timeOrder");

    order["orderDateTime"] = "9999-12-31T23:59:59Z"; // beyond what nanoseconds can hold
    order["requestedDateTime"] = "9999-12-31T23:59:60Z";
    result = validate(order);
    REQUIRE(result.warnings.size() == 1);
    CHECK(result.warnings[0].path == "/orderDateTime");
}

TEST_CASE("strict makes warnings errors") {
    json order = full_order();
    order["customerDetails"]["customerEmail"] = "nope";
    order["extra"] = 1;
    ValidationOptions strict = options();
    strict.strict = true;
    const Validation result = validate(order, strict);
    CHECK_FALSE(result.valid());
    CHECK(result.warnings.empty());
    REQUIRE(result.errors.size() == 2);
    CHECK(has(result.errors, "/customerDetails/customerEmail", "email"));
    CHECK(has(result.errors, "/extra", "unknownField"));
    for (const Problem& problem : result.errors) {
        CHECK(problem.severity == Severity::error);
    }
}

TEST_CASE("required makes more fields mandatory, as pointers or dotted paths") {
    json order = full_order();
    order["customerDetails"].erase("personalIdentityNumber");
    order["customerDetails"]["customerMobilePhone"] = nullptr;
    ValidationOptions with = options();
    with.required = {"/customerDetails/personalIdentityNumber",
                     "customerDetails.customerMobilePhone", "customerDetails.customerLastName"};
    Validation result = validate(order, with);
    REQUIRE(result.errors.size() == 2);
    CHECK(result.errors[0].path == "/customerDetails/personalIdentityNumber");
    CHECK(result.errors[0].rule == "required");
    CHECK(result.errors[1].path == "/customerDetails/customerMobilePhone");
    CHECK(result.errors[1].message.find("null") != std::string::npos);
    CHECK(validate(order).valid());

    with.required.push_back("customerDetails.customerNumber");
    with.required.push_back("customerDetails.customerNumber"); // listed twice, reported once
    order.erase("customerDetails");
    result = validate(order, with);
    REQUIRE(result.errors.size() == 5);
    CHECK(has(result.errors, "/customerDetails", "required"));
    CHECK(has(result.errors, "/customerDetails/personalIdentityNumber", "required"));
    CHECK(has(result.errors, "/customerDetails/customerMobilePhone", "required"));
    CHECK(has(result.errors, "/customerDetails/customerLastName", "required"));
    CHECK(has(result.errors, "/customerDetails/customerNumber", "required"));

    order = full_order();
    with.required = {"customerDetails.customerNumber", "/products/0/productId"};
    result = validate(order, with);
    REQUIRE(result.errors.size() == 1);
    CHECK(result.errors[0].path == "/customerDetails/customerNumber");
    order["customerDetails"]["customerNumber"] = "C1";
    CHECK(validate(order, with).valid());

    with.required = {"/customerDetails/~2", "products.x.productId",
                     "/products/99999999999999999999"};
    result = validate(order, with);
    CHECK(result.errors.size() == 3); // named nowhere, so missing
    CHECK(has(result.errors, "/products/x/productId", "required"));

    with.required = {"customerDetails.customerNumber"};
    order["customerDetails"] = "x"; // the container's own error is enough
    result = validate(order, with);
    REQUIRE(result.errors.size() == 1);
    CHECK(result.errors[0].rule == "type");
}

TEST_CASE("known_order_fields lists the spec's fields as JSON Pointers") {
    const auto& fields = known_order_fields();
    for (const char* pointer :
         {"/coId", "/products/0/offeringId", "/customerDetails/customerFirstname",
          "/customerDetails/invoiceDetails/postalCode"}) {
        CHECK(std::find(fields.begin(), fields.end(), pointer) != fields.end());
    }
}
