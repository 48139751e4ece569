#include <onorder/redact.hpp>

#include <doctest/doctest.h>

#include <string>

#include <nlohmann/json.hpp>

using namespace onorder;

namespace {

bool contains(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

} // namespace

TEST_CASE("redact: secrets become ****, wherever and however often they appear") {
    Redactor redactor;
    redactor.add_secret("");
    redactor.add_secret("hunter2");
    redactor.add_secret("hunter2-longer");
    CHECK(redactor.redact("password=hunter2&again=hunter2") == "password=****&again=****");
    CHECK(redactor.redact("x hunter2-longer y") == "x **** y");
    CHECK(redactor.redact("nothing to hide") == "nothing to hide");
    CHECK(redactor.redact("") == "");
}

TEST_CASE("redact: the Authorization header keeps its scheme, loses its value") {
    const Redactor redactor;
    CHECK(
        redactor.redact("> POST /order/ HTTP/1.1\r\n> Authorization: Basic dXNlcjpwYXNzd29yZA==\r\n"
                        "> Accept: */*\r\n") ==
        "> POST /order/ HTTP/1.1\r\n> Authorization: Basic [redacted]\r\n> Accept: */*\r\n");
    CHECK(redactor.redact("authorization:Bearer abc.def") == "authorization:Bearer [redacted]");
    CHECK(redactor.redact("AUTHORIZATION: token") == "AUTHORIZATION: [redacted]");
    CHECK(redactor.redact("Proxy-Authorization: Basic Zm9vOmJhcg==\n") ==
          "Proxy-Authorization: Basic [redacted]\n");
    CHECK(redactor.redact("curl -H 'Authorization: Basic dXNlcjpwYXNzd29yZA==' https://sp") ==
          "curl -H 'Authorization: Basic [redacted]' https://sp");
    CHECK(redactor.redact(R"({"Authorization": "Basic dXNlcjpwYXNzd29yZA=="})") ==
          R"({"Authorization": "Basic [redacted]"})");
    CHECK(redactor.redact("no authorization here") == "no authorization here");
}

TEST_CASE("redact: identity numbers keep their date part only") {
    const Redactor redactor;
    CHECK(redactor.redact(R"({"personalIdentityNumber":"19821105-9954"})") ==
          R"({"personalIdentityNumber":"19821105-****"})");
    CHECK(redactor.redact("pin 198211059954.") == "pin 19821105****.");
    CHECK(redactor.redact("821105-9954 and 821105+9954 and 8211059954") ==
          "821105-**** and 821105+**** and 821105****");
    CHECK(redactor.redact("19821105-9954") == "19821105-****");
    // Phone numbers, longer digit runs and dates are not identity numbers.
    CHECK(redactor.redact("+46701234567 +468211059954") == "+46701234567 +468211059954");
    CHECK(redactor.redact("1234567890123 2024-05-03T20:31:15Z") ==
          "1234567890123 2024-05-03T20:31:15Z");
    CHECK(redactor.redact("19821105-99541") == "19821105-99541");
}

TEST_CASE("redact: only what could be someone's number is masked by its shape") {
    const Redactor redactor;
    // A real date (day + 60 for coordination numbers) and a valid check digit: masked.
    CHECK(redactor.redact("coordination 19821165-9951") == "coordination 19821165-****");
    CHECK(redactor.redact("org 556036-0793, 5560360793, 16556036-0793 and 165560360793") ==
          "org 556036-****, 556036****, 16556036-**** and 16556036****");
    CHECK(redactor.redact("19821105+9954") == "19821105+****");
    // Error numbers, ticket ids and order numbers that are not identity numbers stay readable.
    for (const char* text : {"Error number 1234567890", "ticket 202401011234", "ref 19821105-9955",
                             "case 821135-9958", "id 000000000000"}) {
        CAPTURE(std::string(text));
        CHECK(redactor.redact(text) == text);
    }
}

TEST_CASE("redact: the order's own numbers, whatever their shape") {
    Redactor redactor;
    redactor.add_order(nlohmann::json::parse(R"({"customerDetails": {
        "personalIdentityNumber": "19821105-9954", "organizationNumber": "5566778890"}})"));
    CHECK(redactor.redact("pin a8211059954b org 5566778890") == "pin a821105****b org 556677****");
    Redactor as_number;
    as_number.add_order(
        nlohmann::json::parse(R"({"customerDetails": {"personalIdentityNumber": 198211059954}})"));
    CHECK(as_number.redact("x8211059954x") == "x821105****x");
    Redactor nothing;
    nothing.add_order(nlohmann::json::parse(R"({"customerDetails": null})"));
    nothing.add_order(nlohmann::json::parse("[]"));
    CHECK(nothing.redact("a 1234567890") == "a 1234567890");
}

TEST_CASE("redact: --unmask shows identity numbers, never secrets") {
    Redactor redactor;
    redactor.add_secret("hunter2");
    redactor.add_identity_number("19821105-9954");
    redactor.show_identity_numbers();
    CHECK(redactor.redact("pin 19821105-9954 pw hunter2 Authorization: Basic abc") ==
          "pin 19821105-9954 pw **** Authorization: Basic [redacted]");
    CHECK(redactor.redact("org 556036-0793") == "org 556036-0793");
}

TEST_CASE("redact_secrets leaves identity numbers to the caller") {
    Redactor redactor;
    redactor.add_secret("hunter2");
    redactor.add_identity_number("19821105-9954");
    CHECK(redactor.redact_secrets("19821105-9954 hunter2 Authorization: Basic abc") ==
          "19821105-9954 **** Authorization: Basic [redacted]");
}

TEST_CASE("display: control characters cannot split a number out of the mask") {
    const Redactor redactor;
    CHECK(redactor.display("pin 19821105-\x01"
                           "9954") == "pin 19821105-****");
    CHECK(redactor.display("pin 19821105-\x1b"
                           "9954\n") == "pin 19821105-**** ");
    // Cut after masking: the cut never leaves part of the hidden digits.
    CHECK(redactor.display("19821105-9954", 11) == "19821105-**…");
    Redactor unmasked;
    unmasked.show_identity_numbers();
    CHECK(unmasked.display("pin 19821105-\x1b"
                           "9954") == "pin 19821105-9954");
}

TEST_CASE("redact: a known number is masked in every shape, even where no pattern matches") {
    Redactor redactor;
    redactor.add_identity_number("19821105-9954");
    CHECK(redactor.redact("a+8211059954b") == "a+821105****b");
    CHECK(redactor.redact("x198211059954123") == "x19821105****123");
    CHECK(redactor.redact("821105 9954") == "821105 ****");

    Redactor mistyped;
    mistyped.add_identity_number("19821105-995");
    CHECK_FALSE(contains(mistyped.redact("pin=19821105-995;"), "19821105-995"));
}

TEST_CASE("redact: nothing secret survives a whole trace") {
    Redactor redactor;
    redactor.add_secret("password");
    redactor.add_secret("dXNlcjpwYXNzd29yZA=="); // base64 of user:password
    redactor.add_identity_number("19821105-9954");
    const std::string trace = "> POST /2.5/sp_spec/order/ HTTP/1.1\n"
                              "> Authorization: Basic dXNlcjpwYXNzd29yZA==\n"
                              "> X-Debug: dXNlcjpwYXNzd29yZA==\n"
                              "{\"customerDetails\":{\"personalIdentityNumber\":\"19821105-9954\","
                              "\"customerPhone\":\"+46701234567\"}}\n"
                              "< 400 {\"cause\":\"Bad pin 198211059954 (password)\"}\n";
    const std::string redacted = redactor.redact(trace);
    for (const char* secret : {"dXNlcjpwYXNzd29yZA==", "password", "9954"}) {
        CHECK_FALSE(contains(redacted, secret));
    }
    CHECK(contains(redacted, "Authorization: Basic [redacted]"));
    CHECK(contains(redacted, "19821105-****"));
    CHECK(contains(redacted, "+46701234567"));
}

TEST_CASE("mask_order: the identity numbers of the customer, nothing else") {
    const auto order = nlohmann::json::parse(R"({
        "coId": "Acme",
        "customerDetails": {
            "personalIdentityNumber": "19821105-9954",
            "organizationNumber": "16556677-8899",
            "customerPhone": "+46701234567"
        }
    })");
    const auto masked = mask_order(order);
    CHECK(masked["customerDetails"]["personalIdentityNumber"] == "19821105-****");
    CHECK(masked["customerDetails"]["organizationNumber"] == "16556677-****");
    CHECK(masked["customerDetails"]["customerPhone"] == "+46701234567");
    CHECK(masked["coId"] == "Acme");
    CHECK(order["customerDetails"]["personalIdentityNumber"] == "19821105-9954");

    const auto as_number = mask_order(
        nlohmann::json::parse(R"({"customerDetails": {"personalIdentityNumber": 198211059954}})"));
    CHECK_FALSE(contains(as_number.dump(), "9954"));
    CHECK(mask_order(nlohmann::json::array()) == nlohmann::json::array());
    CHECK(mask_order(nlohmann::json::parse(R"({"customerDetails": null})"))["customerDetails"]
              .is_null());
}
