#include <onorder/request.hpp>

#include <doctest/doctest.h>

using namespace onorder;

TEST_SUITE("request") {

    TEST_CASE("an order request carries JSON headers, the user agent and every --header") {
        ConnectionOptions options;
        options.headers = {"X-Tenant: 7", "X-Trace: on"};
        const HttpRequest request = order_request(options, "https://sp.example/o/", "{}");
        CHECK(request.method == "POST");
        CHECK(request.url == "https://sp.example/o/");
        CHECK(request.body == "{}");
        CHECK(request.headers == std::vector<std::string>{"Content-Type: application/json",
                                                          "Accept: application/json",
                                                          "User-Agent: onorder/" ONORDER_VERSION,
                                                          "X-Tenant: 7", "X-Trace: on"});
        CHECK_FALSE(request.basic_auth);
    }

    TEST_CASE("a --header of the same name replaces onorder's own, whatever its case") {
        ConnectionOptions options;
        options.headers = {"content-type: application/json; charset=utf-8", "User-Agent: probe/1"};
        const HttpRequest request = order_request(options, "https://sp.example/o/", "{}");
        CHECK(request.headers ==
              std::vector<std::string>{"Accept: application/json",
                                       "content-type: application/json; charset=utf-8",
                                       "User-Agent: probe/1"});
    }

    TEST_CASE("credentials from a user or from netrc mean basic auth") {
        ConnectionOptions options;
        options.user = "acme";
        CHECK(order_request(options, "u", "").basic_auth);
        ConnectionOptions netrc;
        netrc.use_netrc = true;
        CHECK(get_request(netrc, "u").basic_auth);
        CHECK(get_request(netrc, "u").method == "GET");
        CHECK(get_request(netrc, "u").body.empty());
    }
}
