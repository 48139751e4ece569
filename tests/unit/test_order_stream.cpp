#include <onorder/order_stream.hpp>
#include <onorder/order_template.hpp>

#include <doctest/doctest.h>

#include <cstdio>
#include <string>
#include <vector>

#include <unistd.h>

using namespace onorder;

namespace {

std::string write_file(const std::string& name, const std::string& content) {
    char pattern[] = "/tmp/onorder-stream-XXXXXX";
    const std::string path = std::string(::mkdtemp(pattern)) + "/" + name;
    std::FILE* file = std::fopen(path.c_str(), "wb");
    REQUIRE(file != nullptr);
    std::fwrite(content.data(), 1, content.size(), file);
    std::fclose(file);
    return path;
}

struct Seen {
    std::vector<CheckedOrder> orders;
    std::vector<std::string> errors;
    StreamVisitor visitor() {
        StreamVisitor v;
        v.order = [this](const CheckedOrder& order) { orders.push_back(order); };
        v.source_error = [this](const SourceError& error) { errors.push_back(error.message); };
        return v;
    }
};

std::string order_text() {
    return example_order(std::chrono::system_clock::now()).dump();
}

// The pieces one after another (operator+ chains trip a GCC 12 -Wstringop-overflow false positive).
std::string cat(std::initializer_list<std::string> pieces) {
    std::string text;
    for (const auto& piece : pieces)
        text.append(piece);
    return text;
}

} // namespace

TEST_SUITE("order_stream") {

    TEST_CASE("check: an array that is all valid passes; stream then gives every order") {
        const std::string path =
            write_file("a.json", cat({"[", order_text(), ",", order_text(), "]"}));
        CheckedSources sources;
        Seen checked;
        CHECK(sources.check({path}, StreamOptions{}, checked.visitor()));
        CHECK(checked.orders.empty()); // only problems are reported in pass one
        Seen streamed;
        CHECK(sources.stream(StreamOptions{}, streamed.visitor()));
        REQUIRE(streamed.orders.size() == 2);
        CHECK(streamed.orders[1].index == 1);
        CHECK(streamed.orders[1].validation.valid());
    }

    TEST_CASE("check: a truncated array fails and reports its problem") {
        const std::string path = write_file("a.json", cat({"[", order_text(), ",{\"coId\":"}));
        CheckedSources sources;
        Seen checked;
        CHECK_FALSE(sources.check({path}, StreamOptions{}, checked.visitor()));
        REQUIRE(checked.orders.size() == 1);
        CHECK(checked.orders[0].validation.errors[0].rule == "json");
    }

    TEST_CASE("check: an invalid order in an array fails the whole array") {
        auto bad = example_order(std::chrono::system_clock::now());
        bad["coAccessId"] = "";
        const std::string path =
            write_file("a.json", cat({"[", order_text(), ",", bad.dump(), "]"}));
        CheckedSources sources;
        Seen checked;
        CHECK_FALSE(sources.check({path}, StreamOptions{}, checked.visitor()));
        REQUIRE(checked.orders.size() == 1);
        CHECK(checked.orders[0].index == 1);
    }

    TEST_CASE("check: NDJSON is not read in pass one; a missing source fails") {
        const std::string ndjson = write_file("o.ndjson", "{not json\n");
        CheckedSources sources;
        Seen checked;
        CHECK(sources.check({ndjson}, StreamOptions{}, checked.visitor()));
        CheckedSources missing;
        Seen seen;
        CHECK_FALSE(
            missing.check({ndjson, "/no/such/orders.json"}, StreamOptions{}, seen.visitor()));
        REQUIRE(seen.errors.size() == 1);
        CHECK(seen.errors[0].find("/no/such/orders.json") != std::string::npos);
    }

    TEST_CASE("stream: a file changed after pass one is a source error, not read") {
        const std::string path = write_file("a.json", order_text());
        CheckedSources sources;
        Seen checked;
        REQUIRE(sources.check({path}, StreamOptions{}, checked.visitor()));
        std::FILE* file = std::fopen(path.c_str(), "ab");
        REQUIRE(file != nullptr);
        std::fputs("\n\n", file);
        std::fclose(file);
        Seen streamed;
        sources.stream(StreamOptions{}, streamed.visitor());
        CHECK(streamed.orders.empty());
        REQUIRE(streamed.errors.size() == 1);
        CHECK(streamed.errors[0].find("changed while it was being read") != std::string::npos);
    }
}
