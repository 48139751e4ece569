#include <onorder/date_time.hpp>

#include <doctest/doctest.h>

#include <string>

using namespace onorder;
using namespace std::chrono;

namespace {

bool valid(std::string_view text) {
    return check_date_time(text).value.has_value();
}

std::string error_of(std::string_view text) {
    return check_date_time(text).error;
}

} // namespace

TEST_CASE("dateTime: the spec's examples are valid") {
    CHECK(valid("2021-05-03T20:31:15Z"));
    CHECK(valid("1985-04-12T23:20:50.52Z"));
    CHECK(valid("1985-04-12T23:20:50.0053Z"));
    CHECK(valid("1990-12-31T23:59:60Z"));
}

TEST_CASE("dateTime: fields and instant of a valid time") {
    const auto check = check_date_time("1985-04-12T23:20:50.52Z");
    REQUIRE(check.value);
    CHECK(check.error.empty());
    CHECK(check.value->year == 1985);
    CHECK(check.value->month == 4);
    CHECK(check.value->day == 12);
    CHECK(check.value->hour == 23);
    CHECK(check.value->minute == 20);
    CHECK(check.value->second == 50);
    CHECK(check.value->fraction_digits == 2);
    CHECK(check.value->instant == sys_days{1985y / April / 12} + 23h + 20min + 50s + 520ms);
}

TEST_CASE("dateTime: a leap second counts as :59.999999 and only exists at 23:59") {
    const auto leap = check_date_time("1990-12-31T23:59:60Z");
    REQUIRE(leap.value);
    CHECK(leap.value->second == 60);
    CHECK(leap.value->instant == sys_days{1990y / December / 31} + 23h + 59min + 59s + 999999us);
    CHECK_FALSE(valid("1990-12-31T12:00:60Z"));
    CHECK_FALSE(valid("1990-12-31T23:58:60Z"));
    CHECK_FALSE(valid("1990-12-31T23:59:61Z"));
}

TEST_CASE("dateTime: at most 4 decimals") {
    CHECK(valid("2021-05-03T20:31:15.1Z"));
    CHECK(valid("2021-05-03T20:31:15.1234Z"));
    CHECK_FALSE(valid("2021-05-03T20:31:15.12345Z"));
    CHECK(error_of("2021-05-03T20:31:15.12345Z").find("5 decimals") != std::string::npos);
    CHECK_FALSE(valid("2021-05-03T20:31:15.Z"));
}

TEST_CASE("dateTime: UTC written as Z, upper case, T separator") {
    CHECK_FALSE(valid("2021-05-03T22:31:15+02:00"));
    CHECK(error_of("2021-05-03T22:31:15+02:00").find("+02:00") != std::string::npos);
    CHECK_FALSE(valid("2021-05-03T20:31:15+00:00"));
    CHECK_FALSE(valid("2021-05-03T20:31:15-00:00"));
    CHECK_FALSE(valid("2021-05-03t20:31:15Z"));
    CHECK(error_of("2021-05-03t20:31:15Z").find("lower-case 't'") != std::string::npos);
    CHECK_FALSE(valid("2021-05-03T20:31:15z"));
    CHECK(error_of("2021-05-03T20:31:15z").find("lower-case 'z'") != std::string::npos);
    CHECK_FALSE(valid("2021-05-03 20:31:15Z"));
    CHECK(error_of("2021-05-03 20:31:15Z").find("space") != std::string::npos);
    CHECK_FALSE(valid("2021-05-03T20:31:15"));
    CHECK_FALSE(valid("2021-05-03T20:31:15ZZ"));
}

TEST_CASE("dateTime: shape") {
    CHECK_FALSE(valid(""));
    CHECK_FALSE(valid("2021-05-03"));
    CHECK_FALSE(valid("2021-5-03T20:31:15Z"));
    CHECK_FALSE(valid("2021-05-03T20:31Z"));
    CHECK_FALSE(valid("20210503T203115Z"));
    CHECK_FALSE(valid("2021-05-03T20:31:1Z"));
    CHECK_FALSE(valid(" 2021-05-03T20:31:15Z"));
}

TEST_CASE("dateTime: a real calendar date and clock time") {
    CHECK(valid("2024-02-29T00:00:00Z")); // leap year
    CHECK(valid("2000-02-29T00:00:00Z")); // divisible by 400
    CHECK_FALSE(valid("2023-02-29T00:00:00Z"));
    CHECK(error_of("2023-02-29T00:00:00Z").find("not a leap year") != std::string::npos);
    CHECK_FALSE(valid("1900-02-29T00:00:00Z")); // divisible by 100, not 400
    CHECK_FALSE(valid("2021-04-31T00:00:00Z"));
    CHECK(valid("2021-12-31T00:00:00Z"));
    CHECK_FALSE(valid("2021-13-01T00:00:00Z"));
    CHECK_FALSE(valid("2021-00-10T00:00:00Z"));
    CHECK_FALSE(valid("2021-01-00T00:00:00Z"));
    CHECK(valid("2021-01-01T23:59:59Z"));
    CHECK_FALSE(valid("2021-01-01T24:00:00Z"));
    CHECK_FALSE(valid("2021-01-01T12:60:00Z"));
}

TEST_CASE("format_date_time writes whole seconds in UTC") {
    CHECK(format_date_time(sys_days{2021y / May / 3} + 20h + 31min + 15s + 999ms) ==
          "2021-05-03T20:31:15Z");
    CHECK(format_date_time(sys_days{1970y / January / 1}) == "1970-01-01T00:00:00Z");
    CHECK(valid(format_date_time(system_clock::now())));
}

TEST_CASE("normalise_date_time rewrites an unambiguous time in UTC") {
    CHECK(normalise_date_time("2021-05-03T22:31:15+02:00") == "2021-05-03T20:31:15Z");
    CHECK(normalise_date_time("2021-05-03T01:31:15+02:00") == "2021-05-02T23:31:15Z");
    CHECK(normalise_date_time("2021-12-31T20:00:00-05:30") == "2022-01-01T01:30:00Z");
    CHECK(normalise_date_time("2021-05-03T20:31:15+00:00") == "2021-05-03T20:31:15Z");
    CHECK(normalise_date_time("2021-05-03t20:31:15z") == "2021-05-03T20:31:15Z");
    CHECK(normalise_date_time("2021-05-03 20:31:15Z") == "2021-05-03T20:31:15Z");
    CHECK(normalise_date_time("2021-05-03T22:31:15.1234+02:00") == "2021-05-03T20:31:15.1234Z");
    CHECK(normalise_date_time("2021-05-03T20:31:15.123400Z") == "2021-05-03T20:31:15.1234Z");
    CHECK(normalise_date_time("2021-05-03T20:31:15Z") == "2021-05-03T20:31:15Z");
    CHECK(normalise_date_time("1990-12-31T23:59:60+00:00") == "1990-12-31T23:59:60Z");
}

TEST_CASE("normalise_date_time refuses what it would have to guess") {
    CHECK_FALSE(normalise_date_time("2021-05-03T20:31:15"));        // local time of where?
    CHECK_FALSE(normalise_date_time("2021-05-03T20:31:15.12345Z")); // would change the instant
    CHECK_FALSE(normalise_date_time("2021-02-30T20:31:15Z"));
    CHECK_FALSE(normalise_date_time("2021-05-03T20:31:15+24:00"));
    CHECK_FALSE(normalise_date_time("2021-05-03T20:31:15+0200"));
    CHECK_FALSE(normalise_date_time("1990-12-31T23:59:60+01:00")); // no leap second at 22:59 UTC
    CHECK_FALSE(normalise_date_time("yesterday"));
    CHECK_FALSE(normalise_date_time(""));
}
