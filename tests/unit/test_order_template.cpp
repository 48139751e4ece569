#include <onorder/identity_number.hpp>
#include <onorder/order_template.hpp>
#include <onorder/validate.hpp>

#include <doctest/doctest.h>

#include <string>

using namespace onorder;

namespace {

// Luhn over the ten digits YYMMDDXXXX, computed here independently of identity_number.cpp.
bool luhn_valid(const std::string& number) {
    std::string digits;
    for (char c : number.substr(2)) {
        if (c != '-') {
            digits.push_back(c);
        }
    }
    int sum = 0;
    for (std::size_t i = 0; i < digits.size(); ++i) {
        int value = (digits[i] - '0') * (i % 2 == 0 ? 2 : 1);
        sum += value > 9 ? value - 9 : value;
    }
    return digits.size() == 10 && sum % 10 == 0;
}

} // namespace

TEST_CASE("example order: every field of spec/order.md filled") {
    using namespace std::chrono;
    const auto now =
        sys_days{year{2024} / 2 / 29} + hours{7} + minutes{5} + seconds{9} + milliseconds{750};
    const auto order = example_order(now);
    CHECK(order["orderDateTime"] == "2024-02-29T07:05:09Z");
    CHECK(order["requestedDateTime"] == order["orderDateTime"]);
    CHECK(order["operation"] == "ACTIVATE");
    for (const char* field : {"coId", "coAccessId"}) {
        CHECK(order[field].is_string());
    }
    REQUIRE(order["products"].size() == 1);
    CHECK(order["products"][0]["productId"].is_string());
    CHECK(order["products"][0]["offeringId"].is_string());
    const auto& customer = order["customerDetails"];
    CHECK(customer["identifiedCustomer"] == true);
    for (const char* field : {"customerFirstname", "customerLastName", "customerEmail"}) {
        CHECK(customer[field].is_string());
    }
    CHECK(customer["customerPhone"].get<std::string>().rfind("+46", 0) == 0);
    CHECK(customer["customerMobilePhone"].get<std::string>().rfind("+46", 0) == 0);
    for (const char* field : {"streetName", "streetNumber", "streetLittera", "city"}) {
        CHECK(customer["invoiceDetails"][field].is_string());
    }
    CHECK(customer["invoiceDetails"]["postalCode"] == "11122");

    const auto number = customer["personalIdentityNumber"].get<std::string>();
    CHECK(number == "19121212-1212");
    CHECK(luhn_valid(number));
    CHECK(check_identity_number(number).valid);
}

TEST_CASE("example order: valid, without a warning") {
    const auto now = std::chrono::system_clock::now();
    ValidationOptions options;
    options.strict = true;
    options.now = now;
    const auto validation = validate_order(example_order(now), options);
    for (const auto& problem : validation.errors) {
        FAIL_CHECK(problem.path << ": " << problem.message);
    }
    CHECK(validation.errors.empty());
    CHECK(validation.warnings.empty());
}
