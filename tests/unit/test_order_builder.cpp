#include <onorder/order_builder.hpp>
#include <onorder/order_stream.hpp>

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

namespace {

onorder::StreamOptions flags(std::vector<onorder::FieldValue> fields, bool fix = false) {
    onorder::StreamOptions options;
    options.fields = std::move(fields);
    options.fix = fix;
    options.validation.now = std::chrono::sys_days{std::chrono::year{2021} / 5 / 4};
    return options;
}

// Each problem's path and flag.
using Paths = std::vector<std::pair<std::string, std::string>>;
Paths paths(const onorder::Problems& problems) {
    Paths out;
    for (const auto& problem : problems)
        out.emplace_back(problem.path, problem.flag);
    return out;
}

const std::vector<onorder::FieldValue> complete = {
    {"/coAccessId", "A-1", "--access-id"},
    {"/products/0/productId", "P", "--product"},
    {"/products/0/offeringId", "O", "--product"},
    {"/customerDetails/customerFirstname", "Anna", "--first-name"},
};

} // namespace

TEST_CASE("order builder: one builder, with the default coId unless a flag sets it") {
    auto order = onorder::build_order(flags(complete), "Acme");
    CHECK(order.validation.valid());
    CHECK(order.source == "command line");
    CHECK((*order.document)["coId"] == "Acme");
    CHECK(json::parse(order.body) == *order.document);

    auto fields = complete;
    fields.push_back({"/coId", "Other", "--co-id"});
    CHECK((*onorder::build_order(flags(fields), "Acme").document)["coId"] == "Other");

    const auto without = onorder::build_order(flags(complete), "");
    CHECK(paths(without.validation.errors) == Paths{{"/coId", ""}});
}

TEST_CASE("order builder: problems carry the flag that set the field") {
    auto fields = complete;
    fields.push_back({"/customerDetails/customerPhone", "070-1234567", "--phone"});
    fields.push_back({"/customerDetails/invoiceDetails", json{{"postalCode", "011"}},
                      "--set customerDetails.invoiceDetails"});
    fields[0].value = "bad id!";
    const auto order = onorder::build_order(flags(fields), "Acme");
    CHECK(paths(order.validation.errors) == Paths{{"/coAccessId", "--access-id"},
                                                  {"/customerDetails/customerPhone", "--phone"},
                                                  {"/customerDetails/invoiceDetails/postalCode",
                                                   "--set customerDetails.invoiceDetails"}});
}

TEST_CASE("order builder: a wrong order time is one error, fixed once") {
    auto fields = complete;
    fields.push_back({"/orderDateTime", "2021-13-01T00:00:00Z", "--order-time"});
    auto order = onorder::build_order(flags(fields), "Acme");
    CHECK(paths(order.validation.errors) == Paths{{"/orderDateTime", "--order-time"}});

    fields.push_back({"/requestedDateTime", "soon", "--requested-time"});
    order = onorder::build_order(flags(fields), "Acme");
    CHECK(order.validation.errors.size() == 2);

    fields.pop_back();
    fields.back().value = "2021-05-03T22:31:15+02:00";
    order = onorder::build_order(flags(fields, true), "Acme");
    CHECK(order.validation.valid());
    REQUIRE(order.changes.size() == 1);
    CHECK(order.changes[0].path == "/orderDateTime");
    CHECK((*order.document)["requestedDateTime"] == "2021-05-03T20:31:15Z");
}
