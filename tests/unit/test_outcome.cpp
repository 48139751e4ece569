#include <onorder/outcome.hpp>

#include <doctest/doctest.h>

#include <set>
#include <string>

using namespace onorder;

TEST_CASE("outcome table: names and exit codes of DESIGN §2") {
    const struct {
        Outcome outcome;
        const char* name;
        int exit_code;
    } expected[] = {
        {Outcome::accepted, "accepted", 0},
        {Outcome::rejected, "rejected", 1},
        {Outcome::usage, "usage", 2},
        {Outcome::invalid, "invalid", 3},
        {Outcome::bad_request, "bad_request", 4},
        {Outcome::auth, "auth", 5},
        {Outcome::http_error, "http_error", 6},
        {Outcome::no_connection, "no_connection", 7},
        {Outcome::unknown, "unknown", 8},
        {Outcome::interrupted, "interrupted", 130},
    };
    std::set<std::string> words;
    for (const auto& row : expected) {
        CAPTURE(row.name);
        CHECK(info(row.outcome).outcome == row.outcome);
        CHECK(name(row.outcome) == row.name);
        CHECK(exit_code(row.outcome) == row.exit_code);
        CHECK_FALSE(info(row.outcome).words.empty());
        words.insert(std::string(info(row.outcome).words));
    }
    CHECK(words.size() == std::size(expected));
    CHECK(info(Outcome::unknown).words.find("may have reached") != std::string_view::npos);
    CHECK(info(Outcome::no_connection).words.find("not sent") != std::string_view::npos);
}

TEST_CASE("worst: the higher exit code wins, an interruption overrides") {
    CHECK(worst(Outcome::accepted, Outcome::rejected) == Outcome::rejected);
    CHECK(worst(Outcome::unknown, Outcome::bad_request) == Outcome::unknown);
    CHECK(worst(Outcome::invalid, Outcome::usage) == Outcome::invalid);
    CHECK(worst(Outcome::accepted, Outcome::accepted) == Outcome::accepted);
    CHECK(worst(Outcome::interrupted, Outcome::unknown) == Outcome::interrupted);
    CHECK(worst(Outcome::unknown, Outcome::interrupted) == Outcome::interrupted);
    Outcome batch = Outcome::accepted;
    for (auto outcome :
         {Outcome::rejected, Outcome::auth, Outcome::accepted, Outcome::http_error}) {
        batch = worst(batch, outcome);
    }
    CHECK(batch == Outcome::http_error);
}
