#include <onorder/formats.hpp>

#include <doctest/doctest.h>

#include <string>

using namespace onorder::formats;

namespace {

std::string repeat(std::string_view piece, std::size_t times) {
    std::string out;
    for (std::size_t i = 0; i < times; ++i) {
        out += piece;
    }
    return out;
}

} // namespace

TEST_CASE("ID: ^[-0-9a-zA-Z.]{1,36}$") {
    CHECK(is_id("12345"));
    CHECK(is_id("ADA134312"));
    CHECK(is_id("58128a38-8df0-11e9-b683-526af7764f64"));
    CHECK(is_id("a.b-C"));
    CHECK(is_id(repeat("a", 36)));
    CHECK_FALSE(is_id(repeat("a", 37)));
    CHECK_FALSE(is_id(""));
    CHECK_FALSE(is_id("a b"));
    CHECK_FALSE(is_id("a_b"));
    CHECK_FALSE(is_id("å"));
    CHECK_FALSE(is_id(std::string("a\0b", 3)));
}

TEST_CASE("utf8_length counts code points and rejects malformed UTF-8") {
    CHECK(utf8_length("") == 0u);
    CHECK(utf8_length("abc") == 3u);
    CHECK(utf8_length("å") == 1u);                // 2 bytes
    CHECK(utf8_length("€") == 1u);                // 3 bytes
    CHECK(utf8_length("\xF0\x9F\x98\x80") == 1u); // U+1F600, 4 bytes
    CHECK(utf8_length("Åsa Öberg") == 9u);
    CHECK_FALSE(utf8_length("\xC3"));             // truncated
    CHECK_FALSE(utf8_length("\xC0\xAF"));         // overlong '/'
    CHECK_FALSE(utf8_length("\xE0\x80\xAF"));     // overlong
    CHECK_FALSE(utf8_length("\xED\xA0\x80"));     // surrogate U+D800
    CHECK_FALSE(utf8_length("\xF4\x90\x80\x80")); // above U+10FFFF
    CHECK_FALSE(utf8_length("\x80"));             // lone continuation
    CHECK_FALSE(utf8_length("\xFF"));
    CHECK_FALSE(utf8_length("a\xE2\x82")); // truncated at the end
}

TEST_CASE("text: at most 255 characters, counted as code points") {
    CHECK(is_text(""));
    CHECK(is_text("   "));
    CHECK(is_text(repeat("a", 255)));
    CHECK_FALSE(is_text(repeat("a", 256)));
    CHECK(is_text(repeat("å", 255))); // 510 bytes, 255 characters
    CHECK_FALSE(is_text(repeat("å", 256)));
    CHECK(is_text(repeat("\xF0\x9F\x98\x80", 255)));
    CHECK_FALSE(is_text("ok\xFF"));
}

TEST_CASE("phoneNo: ^\\+[0-9]+$, at most 15 digits") {
    CHECK(is_phone_no("+468214930"));
    CHECK(is_phone_no("+1"));
    CHECK(is_phone_no("+123456789012345"));        // 15 digits
    CHECK_FALSE(is_phone_no("+1234567890123456")); // 16 digits
    CHECK_FALSE(is_phone_no("+"));
    CHECK_FALSE(is_phone_no("0701234567"));
    CHECK_FALSE(is_phone_no("+46 70 123"));
    CHECK_FALSE(is_phone_no("+46-70"));
    CHECK_FALSE(is_phone_no("++46"));
    CHECK_FALSE(is_phone_no(""));
}

TEST_CASE("postalCode: ^[1-9][0-9]{4}$") {
    CHECK(is_postal_code("11122"));
    CHECK(is_postal_code("98765"));
    CHECK_FALSE(is_postal_code("01234"));
    CHECK_FALSE(is_postal_code("111 22"));
    CHECK_FALSE(is_postal_code("1112"));
    CHECK_FALSE(is_postal_code("111222"));
    CHECK_FALSE(is_postal_code("1112a"));
    CHECK_FALSE(is_postal_code(""));
}

TEST_CASE("e-mail shape is local@domain.tld") {
    CHECK(looks_like_email("name@example.com"));
    CHECK(looks_like_email("first.last+tag@mail.example.se"));
    CHECK_FALSE(looks_like_email("name@example"));
    CHECK_FALSE(looks_like_email("@example.com"));
    CHECK_FALSE(looks_like_email("name.example.com"));
    CHECK_FALSE(looks_like_email("name@@example.com"));
    CHECK_FALSE(looks_like_email("na me@example.com"));
    CHECK_FALSE(looks_like_email("name@.example.com"));
    CHECK_FALSE(looks_like_email("name@example..com"));
    CHECK_FALSE(looks_like_email("name@example.c"));
    CHECK_FALSE(looks_like_email(""));
}

TEST_CASE("why_not_* explain an invalid value and are empty for a valid one") {
    CHECK(why_not_id("abc").empty());
    CHECK(why_not_id("").find("empty") != std::string::npos);
    CHECK(why_not_id("a_b").find("'_'") != std::string::npos);
    CHECK(why_not_id(repeat("a", 37)).find("37 characters") != std::string::npos);
    CHECK(why_not_text(repeat("å", 255)).empty());
    CHECK(why_not_text(repeat("å", 256)).find("256 characters") != std::string::npos);
    CHECK(why_not_text("\xFF").find("UTF-8") != std::string::npos);
    CHECK(why_not_phone_no("+46701234567").empty());
    CHECK(why_not_phone_no("0701234567").find("'+'") != std::string::npos);
    CHECK(why_not_phone_no("+1234567890123456").find("16 digits") != std::string::npos);
    CHECK(why_not_postal_code("11122").empty());
    CHECK(why_not_postal_code("01234").find("starts with 0") != std::string::npos);
    CHECK(why_not_postal_code("111 22").find("5 digits") != std::string::npos);
}

TEST_CASE("normalise_phone_no writes Swedish and spaced numbers in E.164") {
    CHECK(normalise_phone_no("070-123 45 67") == "+46701234567");
    CHECK(normalise_phone_no("0046 70 123 45 67") == "+46701234567");
    CHECK(normalise_phone_no("+46 (0)70-123 45 67") == "+46701234567");
    CHECK(normalise_phone_no("(08) 123 456") == "+468123456");
    CHECK(normalise_phone_no("+1 (555) 123-4567") == "+15551234567");
    CHECK(normalise_phone_no("+46701234567") == "+46701234567");
    CHECK_FALSE(normalise_phone_no("701234567")); // no prefix: which country?
    CHECK_FALSE(normalise_phone_no("070.123.45.67"));
    CHECK_FALSE(normalise_phone_no("0701234567890123")); // too long once +46 is added
    CHECK_FALSE(normalise_phone_no("phone"));
    CHECK_FALSE(normalise_phone_no(""));
}

TEST_CASE("normalise_postal_code drops spaces only") {
    CHECK(normalise_postal_code("111 22") == "11122");
    CHECK(normalise_postal_code(" 11122 ") == "11122");
    CHECK_FALSE(normalise_postal_code("011 22"));
    CHECK_FALSE(normalise_postal_code("111-22"));
    CHECK_FALSE(normalise_postal_code("SE-111 22"));
}
