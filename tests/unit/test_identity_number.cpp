#include <onorder/identity_number.hpp>

#include <doctest/doctest.h>

#include <string>

using namespace onorder;
using namespace std::chrono;

namespace {

bool valid(std::string_view text) {
    return check_identity_number(text).valid;
}

constexpr sys_days summer_2025 = sys_days{2025y / June / 1};

} // namespace

TEST_CASE("identityNumber: personal identity numbers") {
    CHECK(valid("19821105-9954"));
    CHECK(valid("19121212-1212"));
    CHECK(check_identity_number("19821105-9954").kind == IdentityKind::personal);
    CHECK(check_identity_number("19821105-9954").error.empty());
    CHECK(valid("20240229-1237"));       // 29 February of a leap year
    CHECK_FALSE(valid("20230229-1238")); // Luhn is right, the date is not
    CHECK_FALSE(valid("19821135-9958")); // day 35: neither a date nor a coordination number
    CHECK_FALSE(valid("19821305-9951")); // month 13
}

TEST_CASE("identityNumber: Luhn over the ten digits YYMMDDXXXX") {
    CHECK_FALSE(valid("19821105-9955"));
    CHECK_FALSE(valid("19821105-9945"));
    CHECK(valid("20821105-9954")); // the century is not part of the check
    CHECK(check_identity_number("19821105-9955").error.find("Luhn") != std::string::npos);
}

TEST_CASE("identityNumber: coordination numbers add 60 to the day") {
    const auto check = check_identity_number("19821165-9951");
    CHECK(check.valid);
    CHECK(check.kind == IdentityKind::coordination);
    CHECK_FALSE(valid("19821165-9954"));
    CHECK_FALSE(valid("19821192-0004")); // day 32 after subtracting 60
}

TEST_CASE("identityNumber: the serial 000 is never issued") {
    CHECK_FALSE(valid("19821105-0003")); // Luhn is right
    CHECK(check_identity_number("19821105-0003").error.find("000") != std::string::npos);
}

TEST_CASE("identityNumber: organisation numbers 16NNNNNN-NNNN") {
    const auto check = check_identity_number("16556036-0793");
    CHECK(check.valid);
    CHECK(check.kind == IdentityKind::organisation);
    CHECK_FALSE(valid("16556036-0794"));
    CHECK_FALSE(valid("19556036-0793")); // month 60 without the organisation prefix
    CHECK(check_identity_number("19556036-0793").error.find("16NNNNNN") != std::string::npos);
}

TEST_CASE("identityNumber: no other shape is valid") {
    CHECK_FALSE(valid("198211059954"));
    CHECK_FALSE(valid("8211059954"));
    CHECK_FALSE(valid("821105-9954"));
    CHECK_FALSE(valid("821105+9954"));
    CHECK_FALSE(valid("19821105 9954"));
    CHECK_FALSE(valid("19821105-99540"));
    CHECK_FALSE(valid("19821105+9954"));
    CHECK_FALSE(valid("5560360793"));
    CHECK_FALSE(valid(""));
    CHECK(check_identity_number("198211059954").error.find("no dash") != std::string::npos);
}

TEST_CASE("identityNumber: errors never contain the number") {
    for (const char* number : {"19821105-9955", "198211059954", "8211059954", "821105-9954",
                               "19821135-9958", "19821105-0003", "19556036-0793"}) {
        const std::string error = check_identity_number(number).error;
        CHECK_FALSE(error.empty());
        CHECK(error.find("9954") == std::string::npos);
        CHECK(error.find("9955") == std::string::npos);
        CHECK(error.find("821105") == std::string::npos);
        CHECK(error.find("0793") == std::string::npos);
    }
}

TEST_CASE("mask_identity_number keeps the date and hides the rest") {
    CHECK(mask_identity_number("19821105-9954") == "19821105-****");
    CHECK(mask_identity_number("198211059954") == "19821105****");
    CHECK(mask_identity_number("8211059954") == "821105****");
    CHECK(mask_identity_number("821105-9954") == "821105-****");
    CHECK(mask_identity_number("821105+9954") == "821105+****");
    CHECK(mask_identity_number("19821105 9954") == "198211*******");
    CHECK(mask_identity_number("abc") == "a**");
    CHECK(mask_identity_number("") == "");
    CHECK(mask_identity_number("åäö123") == "******"); // never cut inside a character
    for (const char* number : {"19821105-9954", "198211059954", "8211059954", "19821105 9954",
                               "1982110599540", "x19821105-9954", "821105-9954"}) {
        const std::string masked = mask_identity_number(number);
        CHECK(masked.find("9954") == std::string::npos);
        CHECK(masked.find('*') != std::string::npos);
    }
}

TEST_CASE("normalise_identity_number: personal numbers in other forms") {
    CHECK(normalise_identity_number("198211059954", summer_2025) == "19821105-9954");
    CHECK(normalise_identity_number("8211059954", summer_2025) == "19821105-9954");
    CHECK(normalise_identity_number("821105-9954", summer_2025) == "19821105-9954");
    CHECK(normalise_identity_number(" 19821105 9954 ", summer_2025) == "19821105-9954");
    CHECK(normalise_identity_number("19821105-9954", summer_2025) == "19821105-9954");
    CHECK(normalise_identity_number("8211659951", summer_2025) == "19821165-9951");
}

TEST_CASE("normalise_identity_number: the century of a ten-digit number") {
    CHECK(normalise_identity_number("1212121212", summer_2025) == "20121212-1212");
    CHECK(normalise_identity_number("9912311231", summer_2025) == "19991231-1231");
    CHECK(normalise_identity_number("2501011239", summer_2025) == "20250101-1239");
    CHECK(normalise_identity_number("2501011239", sys_days{2024y / December / 31}) ==
          "19250101-1239");
    // '+' marks someone who has turned 100.
    CHECK(normalise_identity_number("821105+9954", summer_2025) == "18821105-9954");
    CHECK(normalise_identity_number("000229-1235", summer_2025) == "20000229-1235");
    CHECK_FALSE(normalise_identity_number("000229+1235", summer_2025)); // 1900 was no leap year
}

TEST_CASE("normalise_identity_number: organisation numbers get the 16 prefix") {
    CHECK(normalise_identity_number("5560360793", summer_2025) == "16556036-0793");
    CHECK(normalise_identity_number("556036-0793", summer_2025) == "16556036-0793");
    CHECK(normalise_identity_number("165560360793", summer_2025) == "16556036-0793");
    CHECK_FALSE(normalise_identity_number("556036+0793", summer_2025));
}

TEST_CASE("normalise_identity_number: nothing that would be a guess") {
    CHECK_FALSE(normalise_identity_number("8211059955", summer_2025)); // Luhn
    CHECK_FALSE(normalise_identity_number("82110599", summer_2025));
    CHECK_FALSE(normalise_identity_number("82-1105-9954", summer_2025));
    CHECK_FALSE(normalise_identity_number("8211-059954", summer_2025));
    CHECK_FALSE(normalise_identity_number("19821105+9954", summer_2025));
    CHECK_FALSE(normalise_identity_number("abc", summer_2025));
    CHECK_FALSE(normalise_identity_number("", summer_2025));
}

TEST_CASE("plausible_identity_number: 10 or 12 digits, a real date and a valid check digit") {
    for (const char* digits :
         {"198211059954", "8211059954", "202402291237", "2402291237", "198211659951", // day + 60
          "8211659951", "5560360793", "165560360793", "5566778899", "198211050003"}) {
        CAPTURE(std::string(digits));
        CHECK(plausible_identity_number(digits));
    }
    for (const char* digits :
         {"198211059955", "8211059955", "202302291238", "198211359958", "198213059951",
          "195560360793", "1234567890", "123456789012", "000000000000", "0000000000", "19821105995",
          "1982110599541", "82110599540", "19821105-9954", ""}) {
        CAPTURE(std::string(digits));
        CHECK_FALSE(plausible_identity_number(digits));
    }
}
