#include <onorder/order_builder.hpp>

#include <doctest/doctest.h>

using nlohmann::json;

TEST_CASE("order builder: dotted paths become JSON Pointers") {
    CHECK(onorder::to_json_pointer("customerDetails.customerFirstname") ==
          "/customerDetails/customerFirstname");
    CHECK(onorder::to_json_pointer("/coId") == "/coId");
    CHECK(onorder::to_json_pointer("products.0.offeringId") == "/products/0/offeringId");
    CHECK(onorder::to_json_pointer("a/b~c") == "/a~1b~0c");
}

TEST_CASE("order builder: --set reads JSON values, else strings") {
    std::string error;
    auto boolean = onorder::parse_set_expression("customerDetails.identifiedCustomer=true", error);
    REQUIRE(boolean);
    CHECK(boolean->value == json(true));
    auto text = onorder::parse_set_expression("customerDetails.customerFirstname=Anna Ek", error);
    REQUIRE(text);
    CHECK(text->value == json("Anna Ek"));
    auto quoted = onorder::parse_set_expression("coId=\"42\"", error);
    REQUIRE(quoted);
    CHECK(quoted->value == json("42"));
    auto empty = onorder::parse_set_expression("coId=", error);
    REQUIRE(empty);
    CHECK(empty->value == json(""));
    CHECK_FALSE(onorder::parse_set_expression("coId", error));
    CHECK_FALSE(onorder::parse_set_expression("=x", error));
}

TEST_CASE("order builder: fields create the containers they need") {
    json order = onorder::base_order(std::chrono::system_clock::time_point{});
    CHECK(order["operation"] == "ACTIVATE");
    CHECK(order["orderDateTime"] == "1970-01-01T00:00:00Z");
    CHECK(order["requestedDateTime"] == order["orderDateTime"]);
    std::string error;
    REQUIRE(onorder::apply_fields(order,
                                  {{"/products/0/productId", "P"},
                                   {"/products/0/offeringId", "O"},
                                   {"/customerDetails/invoiceDetails/city", "Ystad"}},
                                  error));
    CHECK(order["products"].is_array());
    CHECK(order["products"][0]["offeringId"] == "O");
    CHECK(order["customerDetails"]["invoiceDetails"]["city"] == "Ystad");
    json not_container = {{"customerDetails", "x"}};
    CHECK_FALSE(onorder::apply_fields(not_container, {{"/customerDetails/city", "Y"}}, error));
    CHECK(error.find("/customerDetails/city") != std::string::npos);
}

TEST_CASE("order builder: the requested time follows a given order time unless set") {
    std::vector<onorder::FieldValue> fields = {{"/orderDateTime", "2026-01-02T03:04:05Z"}};
    onorder::default_requested_time(fields);
    REQUIRE(fields.size() == 2);
    CHECK(fields[1].pointer == "/requestedDateTime");
    CHECK(fields[1].value == json("2026-01-02T03:04:05Z"));

    std::vector<onorder::FieldValue> both = {{"/orderDateTime", "2026-01-02T03:04:05Z"},
                                             {"/requestedDateTime", "2026-02-01T00:00:00Z"}};
    onorder::default_requested_time(both);
    CHECK(both.size() == 2);

    std::vector<onorder::FieldValue> none = {{"/coId", "Acme"}};
    onorder::default_requested_time(none);
    CHECK(none.size() == 1);
}
