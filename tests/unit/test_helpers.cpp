#include <onorder/helpers.hpp>

#include <doctest/doctest.h>

using namespace onorder;

TEST_SUITE("helpers") {

    TEST_CASE("trim") {
        CHECK(trim("  a b \r\n") == "a b");
        CHECK(trim(" \t ").empty());
        CHECK(trim("//x/y//", "/") == "x/y");
    }

    TEST_CASE("lower and iequals touch ASCII only") {
        CHECK(lower("Content-TYPE") == "content-type");
        CHECK(lower("ÅÄÖ") == "ÅÄÖ");
        CHECK(iequals("Retry-After", "retry-after"));
        CHECK_FALSE(iequals("Retry-After", "Retry-Afte"));
    }

    TEST_CASE("base64 as RFC 4648 test vectors") {
        CHECK(base64("") == "");
        CHECK(base64("f") == "Zg==");
        CHECK(base64("fo") == "Zm8=");
        CHECK(base64("foo") == "Zm9v");
        CHECK(base64("foobar") == "Zm9vYmFy");
        CHECK(base64("Aladdin:open sesame") == "QWxhZGRpbjpvcGVuIHNlc2FtZQ==");
        CHECK(base64("\xff\xfe") == "//4=");
    }

    TEST_CASE("display_name and file_exists") {
        CHECK(display_name("-") == "stdin");
        CHECK(display_name("orders.json") == "orders.json");
        CHECK(file_exists("/dev/null"));
        CHECK_FALSE(file_exists("/no/such/file/anywhere"));
    }
}
