#include <onorder/fix.hpp>
#include <onorder/validate.hpp>

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <string>

using namespace onorder;
using namespace std::chrono;
using nlohmann::json;

namespace {

const system_clock::time_point now = sys_days{2021y / May / 3} + 20h + 35min;

json fixable_order() {
    return json::parse(R"({
      "coId": "Acme",
      "coAccessId": "8732c2f065e2490babce820e94b1011a",
      "operation": "ACTIVATE",
      "orderDateTime": "2021-05-03T22:31:15+02:00",
      "requestedDateTime": "2021-05-06t00:01:00z",
      "products": [{"productId": "P-1", "offeringId": "O-1"}],
      "customerDetails": {
        "personalIdentityNumber": "198211059954",
        "organizationNumber": "556036-0793",
        "customerPhone": "070-123 45 67",
        "customerMobilePhone": "0046 70 123 45 67",
        "invoiceDetails": {"postalCode": "111 22"}
      }
    })");
}

const Change* change_at(const std::vector<Change>& changes, std::string_view path) {
    for (const Change& change : changes) {
        if (change.path == path) {
            return &change;
        }
    }
    return nullptr;
}

} // namespace

TEST_CASE("fix_order makes a fixable order valid and says what it changed") {
    json order = fixable_order();
    ValidationOptions options;
    options.now = now;
    CHECK_FALSE(validate_order(order, options).valid());

    const auto changes = fix_order(order, now);
    CHECK(changes.size() == 7);
    CHECK(validate_order(order, options).valid());

    const auto& customer = order["customerDetails"];
    CHECK(order["orderDateTime"] == "2021-05-03T20:31:15Z");
    CHECK(order["requestedDateTime"] == "2021-05-06T00:01:00Z");
    CHECK(customer["personalIdentityNumber"] == "19821105-9954");
    CHECK(customer["organizationNumber"] == "16556036-0793");
    CHECK(customer["customerPhone"] == "+46701234567");
    CHECK(customer["customerMobilePhone"] == "+46701234567");
    CHECK(customer["invoiceDetails"]["postalCode"] == "11122");

    const Change* time = change_at(changes, "/orderDateTime");
    REQUIRE(time != nullptr);
    CHECK(time->before == "2021-05-03T22:31:15+02:00");
    CHECK(time->after == "2021-05-03T20:31:15Z");
    const Change* phone = change_at(changes, "/customerDetails/customerPhone");
    REQUIRE(phone != nullptr);
    CHECK(phone->before == "070-123 45 67");
    CHECK(phone->after == "+46701234567");
    CHECK(change_at(changes, "/customerDetails/invoiceDetails/postalCode") != nullptr);
}

TEST_CASE("fix_order masks identity numbers in what it reports") {
    json order = fixable_order();
    const auto changes = fix_order(order, now);
    const Change* pin = change_at(changes, "/customerDetails/personalIdentityNumber");
    REQUIRE(pin != nullptr);
    CHECK(pin->before == "19821105****");
    CHECK(pin->after == "19821105-****");
    for (const Change& change : changes) {
        CHECK(change.before.find("9954") == std::string::npos);
        CHECK(change.after.find("9954") == std::string::npos);
        CHECK(change.after.find("0793") == std::string::npos);
    }
}

TEST_CASE("fix_order leaves valid values and guesses alone") {
    json order = fixable_order();
    fix_order(order, now);
    const json fixed = order;
    CHECK(fix_order(order, now).empty()); // a second run changes nothing
    CHECK(order == fixed);

    json unfixable = fixable_order();
    unfixable["orderDateTime"] = "2021-05-03T22:31:15";                    // local time: where?
    unfixable["customerDetails"]["personalIdentityNumber"] = "8211059955"; // bad Luhn
    unfixable["customerDetails"]["customerPhone"] = "701234567";           // which country?
    unfixable["customerDetails"]["invoiceDetails"]["postalCode"] = "011 22";
    unfixable["customerDetails"]["organizationNumber"] = 5560360793; // not a string
    const json before = unfixable;
    const auto changes = fix_order(unfixable, now);
    CHECK(changes.size() == 2); // only requestedDateTime and the mobile phone
    CHECK(change_at(changes, "/requestedDateTime") != nullptr);
    CHECK(change_at(changes, "/customerDetails/customerMobilePhone") != nullptr);
    CHECK(unfixable["orderDateTime"] == before["orderDateTime"]);
    CHECK(unfixable["customerDetails"]["personalIdentityNumber"] == "8211059955");
}

TEST_CASE("fix_order uses today for the century of a ten-digit number") {
    json order = fixable_order();
    order["customerDetails"]["personalIdentityNumber"] = "1212121212";
    fix_order(order, now);
    CHECK(order["customerDetails"]["personalIdentityNumber"] == "20121212-1212");

    order["customerDetails"]["personalIdentityNumber"] = "1212121212";
    fix_order(order, sys_days{2010y / January / 1});
    CHECK(order["customerDetails"]["personalIdentityNumber"] == "19121212-1212");
}

TEST_CASE("fix_order does nothing to documents it cannot walk") {
    json array = json::array({1, 2});
    CHECK(fix_order(array, now).empty());
    json order = fixable_order();
    order["customerDetails"] = "x";
    const auto changes = fix_order(order, now);
    CHECK(changes.size() == 2); // the two times
    CHECK(order["customerDetails"] == "x");
}
