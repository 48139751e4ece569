#include <onorder/printable.hpp>

#include <doctest/doctest.h>

using namespace onorder;

TEST_SUITE("printable") {

    TEST_CASE("printable") {
        CHECK(printable("plain") == "plain");
        CHECK(printable("two\nlines\ttab") == "two lines tab");
        CHECK(printable("bell\a and del\x7f") == "bell and del");
        CHECK(printable("bad \xff byte") == "bad \uFFFD byte");
        CHECK(printable("åäö", 2) == "åä…");
        CHECK(printable("", 0).empty());
    }

    TEST_CASE("escape sequences and bidi overrides are removed, not shown") {
        CHECK(printable("\x1b[31mred\x1b[0m") == "[31mred[0m");
        CHECK(printable("a\u202eb\u2066c") == "abc");
        CHECK(printable("c1 \xc2\x9b here") == "c1  here");
        CHECK(printable("overlong \xc0\xaf") == "overlong \uFFFD\uFFFD");
    }
}
