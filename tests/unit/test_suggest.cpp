#include <onorder/suggest.hpp>

#include <string>
#include <vector>

#include <doctest/doctest.h>

TEST_CASE("suggest: typos are counted as people make them") {
    CHECK(onorder::typo_distance("cacert", "cacert") == 0);
    CHECK(onorder::typo_distance("cacrt", "cacert") == 1);
    CHECK(onorder::typo_distance("caecrt", "cacert") == 1); // a swapped pair
    CHECK(onorder::typo_distance("URL", "url") == 0);
}

TEST_CASE("suggest: the nearest close name, or none") {
    const std::vector<std::string> keys = {"url", "user", "cacert", "capath", "timeout"};
    CHECK(onorder::nearest("cacrt", keys) == "cacert");
    CHECK(onorder::nearest("usr", keys) == "user");
    CHECK(onorder::nearest("timout", keys) == "timeout");
    CHECK_FALSE(onorder::nearest("colour", keys));
}
