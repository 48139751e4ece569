#include <onorder/endpoints.hpp>

#include <doctest/doctest.h>

#include <algorithm>

using namespace onorder;

namespace {

bool has_problem(const EndpointList& list, std::string_view text) {
    return std::any_of(list.problems.begin(), list.problems.end(),
                       [&](const std::string& p) { return p.find(text) != std::string::npos; });
}

} // namespace

TEST_SUITE("endpoints") {

    TEST_CASE("the example of spec/endpoints.md conforms") {
        const EndpointList list = read_endpoint_list(R"([
            {"name": "accesses", "endpoint": "/onapi/2.5/accesses/", "version": "2.5",
             "documentation": "https://github.com/on-api/onapi-inprogress-2.5/blob/master/accesses.md"},
            {"name": "order", "endpoint": "/onapi/2.5/order/", "version": "2.5",
             "documentation": "https://github.com/on-api/onapi-inprogress-2.5/blob/master/orders.md",
             "note": "Only supports direct activation, no scheduled orders",
             "unsupportedFields": ["requestedDateTime"]}])");
        CHECK(list.problems.empty());
        REQUIRE(list.endpoints.size() == 2);
        CHECK(list.endpoints[1].name == "order");
        CHECK(list.endpoints[1].note == "Only supports direct activation, no scheduled orders");
        CHECK(list.endpoints[1].unsupported_fields ==
              std::vector<std::string>{"requestedDateTime"});
    }

    TEST_CASE("mandatory fields, types and the order endpoint are checked") {
        const EndpointList list = read_endpoint_list(R"([
            {"name": "order", "endpoint": "/o/", "documentation": "not a url"},
            {"name": 7, "endpoint": "/a/", "version": "2.5", "documentation": "https://x.example/",
             "unsupportedFields": "requestedDateTime"},
            "order"])");
        CHECK(has_problem(list, "[0].version: missing (mandatory)"));
        CHECK(has_problem(list, "[0].documentation: is not a URL"));
        CHECK(has_problem(list, "[1].name: is a number, not text"));
        CHECK(has_problem(list, "[1].unsupportedFields: is a string, not an array of text"));
        CHECK(has_problem(list, "[2]: is a string, not an object"));
        CHECK_FALSE(has_problem(list, "no endpoint is named"));
    }

    TEST_CASE("optional fields may be null") {
        const EndpointList list = read_endpoint_list(
            R"([{"name":"order","endpoint":"/o/","version":"2.5","documentation":"https://d.example/",
                 "note":null,"unsupportedFields":null}])");
        CHECK(list.problems.empty());
    }

    TEST_CASE("an answer that is not a JSON array, or lists no order endpoint") {
        CHECK(has_problem(read_endpoint_list("<html>"), "the answer is not JSON"));
        CHECK(has_problem(read_endpoint_list(R"({"name":"order"})"), "not an array"));
        CHECK(has_problem(read_endpoint_list("[]"), "no endpoint is named \"order\""));
    }

    TEST_CASE("endpoints_url is {url}/2.5/") {
        CHECK(endpoints_url("https://sp.example/onapi") == "https://sp.example/onapi/2.5/");
        CHECK(endpoints_url("https://sp.example/onapi/") == "https://sp.example/onapi/2.5/");
    }

    TEST_CASE("discovered_order_url prefers order 2.5, resolves paths, keeps to the origin") {
        std::string error;
        const EndpointList list = read_endpoint_list(R"([
            {"name":"order","endpoint":"/old/","version":"2.3.1","documentation":"https://d/"},
            {"name":"order","endpoint":"/onapi/2.5/order/","version":"2.5","documentation":"https://d/"}])");
        CHECK(discovered_order_url(list, "https://sp.example/onapi", error) ==
              "https://sp.example/onapi/2.5/order/");
        const EndpointList elsewhere = read_endpoint_list(
            R"([{"name":"order","endpoint":"https://evil.example/o/","version":"2.5","documentation":"https://d/"}])");
        CHECK(discovered_order_url(elsewhere, "https://sp.example/onapi", error).empty());
        CHECK(error.find("another host") != std::string::npos);
        CHECK(discovered_order_url(read_endpoint_list("[]"), "https://sp.example/", error).empty());
        CHECK(error == "the Endpoints API lists no order endpoint");
    }
}
