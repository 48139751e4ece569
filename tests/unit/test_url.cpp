#include <onorder/url.hpp>

#include <doctest/doctest.h>

using namespace onorder;

TEST_SUITE("url") {

    TEST_CASE("order_url appends the order path with exactly one slash") {
        CHECK(order_url("https://sp.example/onapi") ==
              "https://sp.example/onapi/2.5/sp_spec/order/");
        CHECK(order_url("https://sp.example/onapi/") ==
              "https://sp.example/onapi/2.5/sp_spec/order/");
        CHECK(order_url("https://sp.example/onapi//") ==
              "https://sp.example/onapi/2.5/sp_spec/order/");
        CHECK(order_url("https://sp.example") == "https://sp.example/2.5/sp_spec/order/");
        CHECK(order_url("https://sp.example/") == "https://sp.example/2.5/sp_spec/order/");
        CHECK(order_url("http://127.0.0.1:8080/some/longer/path") ==
              "http://127.0.0.1:8080/some/longer/path/2.5/sp_spec/order/");
    }

    TEST_CASE("order_url keeps a URL that already ends in the order path") {
        CHECK(order_url("https://sp.example/onapi/2.5/sp_spec/order/") ==
              "https://sp.example/onapi/2.5/sp_spec/order/");
        CHECK(order_url("https://sp.example/onapi/2.5/sp_spec/order") ==
              "https://sp.example/onapi/2.5/sp_spec/order");
        CHECK(order_url("https://sp.example/2.5/sp_spec/order/") ==
              "https://sp.example/2.5/sp_spec/order/");
        // Only a whole path segment counts.
        CHECK(order_url("https://sp.example/x2.5/sp_spec/order") ==
              "https://sp.example/x2.5/sp_spec/order/2.5/sp_spec/order/");
    }

    TEST_CASE("order_url with --order-path") {
        CHECK(order_url("https://sp.example/onapi", "2.6/sp_spec/order/") ==
              "https://sp.example/onapi/2.6/sp_spec/order/");
        CHECK(order_url("https://sp.example/onapi/", "/orders") ==
              "https://sp.example/onapi/orders");
        CHECK(order_url("https://sp.example/onapi/orders/", "orders") ==
              "https://sp.example/onapi/orders/");
    }

    TEST_CASE("order_url keeps a query behind the path") {
        CHECK(order_url("https://sp.example/onapi?tenant=7") ==
              "https://sp.example/onapi/2.5/sp_spec/order/?tenant=7");
    }

    TEST_CASE("is_loopback_url") {
        for (const char* url :
             {"http://127.0.0.1/", "http://127.0.0.1:8080/onapi", "http://127.1.2.3:1/",
              "http://localhost/", "http://LOCALHOST:9000/x", "http://localhost./",
              "http://sp.localhost/", "http://[::1]/", "http://[::1]:8080/onapi",
              "http://[0:0:0:0:0:0:0:1]/", "http://user:secret@127.0.0.1/",
              "http://[::ffff:127.0.0.1]/", "127.0.0.1:8080/onapi"}) {
            CAPTURE(url);
            CHECK(is_loopback_url(url));
        }
        for (const char* url :
             {"http://sp.example/", "http://10.0.0.1/", "http://128.0.0.1/", "http://0.0.0.0/",
              "http://127.0.0.1.evil.example/", "http://localhost.evil.example/",
              "http://localhost@evil.example/", "http://evil.example/#@localhost",
              "http://evil.example/?x=@127.0.0.1", "http://[::2]/", "http://notlocalhost/",
              "http://[::ffff:10.0.0.1]/", "", "not a url at all"}) {
            CAPTURE(url);
            CHECK_FALSE(is_loopback_url(url));
        }
    }

    TEST_CASE("split_url_credentials takes user and password out with libcurl's parser") {
        const UrlCredentials plain = split_url_credentials("https://sp.example/onapi");
        CHECK(plain.url == "https://sp.example/onapi");
        CHECK(plain.user.empty());
        CHECK_FALSE(plain.password);
        CHECK(plain.scheme == "https");

        const UrlCredentials both = split_url_credentials("https://acme:s%40cret@sp.example/onapi");
        CHECK(both.url == "https://sp.example/onapi");
        CHECK(both.user == "acme");
        REQUIRE(both.password);
        CHECK(*both.password == "s@cret");

        const UrlCredentials user_only = split_url_credentials("https://acme@sp.example/");
        CHECK(user_only.url == "https://sp.example/");
        CHECK(user_only.user == "acme");
        CHECK_FALSE(user_only.password);
    }

    TEST_CASE("an @ in the query or fragment is not user info") {
        for (const char* url : {"https://sp.example?x=a@127.0.0.1", "https://sp.example/#a@b",
                                "https://sp.example/onapi?u=x:y@z"}) {
            CAPTURE(url);
            const UrlCredentials split = split_url_credentials(url);
            CHECK(split.error.empty());
            CHECK(split.url == url);
            CHECK(split.user.empty());
            CHECK_FALSE(split.password);
        }
    }

    TEST_CASE("a URL libcurl cannot parse is an error") {
        CHECK_FALSE(split_url_credentials("https://").error.empty());
        CHECK_FALSE(split_url_credentials("not a url").error.empty());
    }

    TEST_CASE("same_origin compares scheme, host and port") {
        CHECK(same_origin("https://sp.example/a", "https://SP.example:443/b"));
        CHECK_FALSE(same_origin("https://sp.example/a", "http://sp.example/a"));
        CHECK_FALSE(same_origin("https://sp.example/a", "https://sp.example:8443/a"));
        CHECK_FALSE(same_origin("https://sp.example/a", "https://evil.example/a"));
    }
}

TEST_SUITE("url") {

    TEST_CASE("url_host: the host a netrc entry is looked up by") {
        CHECK(onorder::url_host("https://SP.Example:8443/onapi") == "sp.example");
        CHECK(onorder::url_host("http://acme:pw@127.0.0.1:1/x") == "127.0.0.1");
        CHECK(onorder::url_host("https://[::1]:8443/") == "::1");
        CHECK(onorder::url_host("https://sp.example?x=a@127.0.0.1") == "sp.example");
        CHECK(onorder::url_host("not a url") == "");
    }

    TEST_CASE("resolve_url resolves a path or a full URL against the API root") {
        CHECK(resolve_url("https://sp.example/onapi", "/onapi/2.5/order/") ==
              "https://sp.example/onapi/2.5/order/");
        CHECK(resolve_url("https://sp.example:8443/onapi/", "/x/") == "https://sp.example:8443/x/");
        CHECK(resolve_url("https://sp.example/onapi", "https://other.example/o/") ==
              "https://other.example/o/");
        CHECK(resolve_url("not a url", "/x/").empty());
    }
}
