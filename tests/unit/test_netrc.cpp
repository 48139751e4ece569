#include <onorder/netrc.hpp>

#include <doctest/doctest.h>

using onorder::find_in_netrc;

TEST_CASE("netrc: the entry for the host, its login and password") {
    const char* text = "machine sp.example login acme password one\n"
                       "machine 127.0.0.1\n  login acme\n  password two\n";
    auto found = find_in_netrc(text, "127.0.0.1", "");
    REQUIRE(found.credentials);
    CHECK(found.credentials->login == "acme");
    CHECK(found.credentials->password == "two");
    CHECK(find_in_netrc(text, "SP.Example", "").credentials->password == "one");
}

TEST_CASE("netrc: a given user picks the entry with that login") {
    const char* text = "machine h login other password x\nmachine h login acme password y\n";
    CHECK(find_in_netrc(text, "h", "acme").credentials->password == "y");
    CHECK(find_in_netrc(text, "h", "").credentials->login == "other");
    const auto none = find_in_netrc(text, "h", "nobody");
    CHECK_FALSE(none.credentials);
    CHECK(none.error == "no entry for nobody at h");
}

TEST_CASE("netrc: default matches any host, after the named machines") {
    const char* text = "default login d password dp\nmachine h login m password mp\n";
    CHECK(find_in_netrc(text, "h", "").credentials->login == "m");
    CHECK(find_in_netrc(text, "other", "").credentials->login == "d");
}

TEST_CASE("netrc: comments, quotes and macros") {
    const char* text = "# machine h login no password no\n"
                       "macdef init\nmachine h login macro password macro\n\n"
                       "machine h login \"a b\" password \"p\\\"w\\\\x\"\n";
    const auto found = find_in_netrc(text, "h", "");
    REQUIRE(found.credentials);
    CHECK(found.credentials->login == "a b");
    CHECK(found.credentials->password == "p\"w\\x");
}

TEST_CASE("netrc: no entry, no password: never empty credentials") {
    CHECK(find_in_netrc("machine a login x password y\n", "b", "").error == "no entry for b");
    CHECK(find_in_netrc("machine b login x\n", "b", "").error == "the entry for b has no password");
    CHECK(find_in_netrc("machine b login x password \"\"\n", "b", "").error ==
          "the entry for b has no password");
    CHECK(find_in_netrc("", "b", "").error == "no entry for b");
    CHECK_FALSE(onorder::read_netrc("/nonexistent/netrc", "b", "").error.empty());
}
