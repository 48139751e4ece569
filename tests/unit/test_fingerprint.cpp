#include <onorder/fingerprint.hpp>

#include <doctest/doctest.h>

#include <random>
#include <string>

#include <nlohmann/json.hpp>

using namespace onorder;
using json = nlohmann::json;

namespace {

// Strings that need every escape dump() knows, and none: every ASCII byte, DEL, and UTF-8 of
// two, three and four bytes.
std::string random_text(std::mt19937& random) {
    static const char* const pieces[] = {"Å", "☃", "\U0001F600", "\x7f", "ö", "\xc2\xa0"};
    std::string text;
    const int length = static_cast<int>(random() % 12);
    for (int i = 0; i < length; ++i) {
        if (random() % 5 == 0)
            text += pieces[random() % std::size(pieces)];
        else
            text += static_cast<char>(random() % 0x80);
    }
    return text;
}

json random_value(std::mt19937& random, int depth) {
    switch (random() % (depth > 3 ? 7 : 9)) {
    case 0:
        return nullptr;
    case 1:
        return random() % 2 == 0;
    case 2:
        // Below 2^63 in size: (2^32 - 1) * (2^31 - 1).
        return -static_cast<std::int64_t>(random()) * static_cast<std::int64_t>(random() >> 1);
    case 3:
        return static_cast<std::uint64_t>(random()) * static_cast<std::uint64_t>(random()) * 5u;
    case 4:
        return static_cast<double>(static_cast<int>(random())) / 7.0;
    case 5:
    case 6:
        return random_text(random);
    case 7: {
        json array = json::array();
        for (auto n = random() % 4; n > 0; --n)
            array.push_back(random_value(random, depth + 1));
        return array;
    }
    default: {
        json object = json::object();
        for (auto n = random() % 5; n > 0; --n)
            object[random_text(random)] = random_value(random, depth + 1);
        return object;
    }
    }
}

} // namespace

TEST_SUITE("fingerprint") {
    TEST_CASE("it is FNV-1a over the canonical JSON, as earlier journals recorded it") {
        const json order = {{"orderType", "ACTIVATE"},
                            {"customerDetails",
                             {{"customerFirstname", "Åsa \"Q\" \\ \t\x01\x7f"},
                              {"personalIdentityNumber", "198211052380"}}},
                            {"products",
                             {{{"offeringId", "x"}, {"quantity", -3}},
                              {{"n", 18446744073709551615ULL},
                               {"b", true},
                               {"z", nullptr},
                               {"e", json::array()},
                               {"o", json::object()}}}},
                            {"emoji", "\U0001F600 ☃"}};
        // Worked out apart from this code: Python's json.dumps(sort_keys=True,
        // separators=(",", ":"), ensure_ascii=False), then FNV-1a over its UTF-8 bytes.
        CHECK(fingerprint(order) == "a504e9a53e737ef0");
        CHECK(fingerprint_of_canonical(order.dump()) == "a504e9a53e737ef0");
    }

    TEST_CASE("it hashes exactly the bytes dump() writes, whatever the document") {
        std::mt19937 random(20261129);
        int same = 0;
        for (int i = 0; i < 20'000; ++i) {
            const json document = random_value(random, 0);
            if (fingerprint(document) != fingerprint_of_canonical(document.dump())) {
                FAIL_CHECK("differs from dump(): " << document.dump());
                break;
            }
            ++same;
        }
        CHECK(same == 20'000);
    }

    TEST_CASE("equal documents have one fingerprint, different ones another") {
        const json a = json::parse(R"({"b": [1, 2], "a": "x"})");
        const json b = json::parse(R"({"a":"x","b":[1,2]})");
        CHECK(fingerprint(a) == fingerprint(b));
        CHECK(fingerprint(a) != fingerprint(json::parse(R"({"a":"x","b":[2,1]})")));
        CHECK(fingerprint(a).size() == 16);
    }
}
