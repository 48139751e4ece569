#include <onorder/config_file.hpp>
#include <onorder/formats.hpp>

#include <cstdio>
#include <fstream>
#include <string>
#include <sys/stat.h>
#include <unistd.h>

#include <doctest/doctest.h>

namespace {

std::string write_temp(const std::string& content, mode_t mode = 0600) {
    char name[] = "/tmp/onorder-config-XXXXXX";
    const int fd = ::mkstemp(name);
    REQUIRE(fd >= 0);
    ::close(fd);
    std::ofstream(name, std::ios::binary) << content;
    ::chmod(name, mode);
    return name;
}

onorder::ConfigResult read(const std::string& content) {
    const auto path = write_temp(content);
    auto result = onorder::read_config_file(path);
    std::remove(path.c_str());
    return result;
}

// The error without the file name: "LINE:COL: …".
std::string error_of(const std::string& content) {
    const auto path = write_temp(content);
    const auto result = onorder::read_config_file(path);
    std::remove(path.c_str());
    CHECK_FALSE(result.config);
    REQUIRE_MESSAGE(result.error.rfind(path + ":", 0) == 0, result.error);
    return result.error.substr(path.size() + 1);
}

} // namespace

TEST_CASE("config: strings, numbers, booleans, arrays and comments") {
    const auto result = read("# onorder profile\n"
                             "url = \"https://sp.example/onapi\"  # the SP\n"
                             "user = 'acme'\n"
                             "timeout = 2.5\n"
                             "insecure = false\n"
                             "require = [\"customerDetails.customerEmail\", '/coId']\n"
                             "max-retry-wait = 30\n");
    REQUIRE_MESSAGE(result.config, result.error);
    const auto& values = result.config->values;
    CHECK(values.at("url").text == "https://sp.example/onapi");
    CHECK(values.at("user").text == "acme");
    CHECK(values.at("timeout").text == "2.5");
    CHECK(values.at("insecure").text == "false");
    CHECK(values.at("require").is_array);
    CHECK(values.at("require").items ==
          std::vector<std::string>{"customerDetails.customerEmail", "/coId"});
    CHECK(values.at("max_retry_wait").text == "30");
    CHECK_FALSE(result.config->readable_by_others);
}

TEST_CASE("config: any valid TOML reads as TOML does") {
    const auto result = read("require = [\n"
                             "  \"customerDetails.customerEmail\",  # the SP needs it\n"
                             "  '''/coId''',\n"
                             "]\n"
                             "password = \"tab\\there \\\"quoted\\\" \\u00e9\"\n"
                             "pinned_pubkey = 'C:\\path\\no escapes'\n"
                             "header = \"\"\"\nX-A: 1\"\"\"\n"
                             "retries = +2\n"
                             "connect_timeout = 1_0\n"
                             "timeout = 6e1\n"
                             "strict = true\n");
    REQUIRE_MESSAGE(result.config, result.error);
    const auto& values = result.config->values;
    CHECK(values.at("require").items ==
          std::vector<std::string>{"customerDetails.customerEmail", "/coId"});
    CHECK(values.at("password").text == "tab\there \"quoted\" \xc3\xa9");
    CHECK(values.at("pinned_pubkey").text == "C:\\path\\no escapes");
    CHECK(values.at("header").text == "X-A: 1");
    CHECK_FALSE(values.at("header").is_array);
    CHECK(values.at("retries").text == "2");
    CHECK(values.at("connect_timeout").text == "10");
    CHECK(values.at("timeout").text == "60");
    CHECK(values.at("strict").text == "true");
}

TEST_CASE("config: where a value stands, for messages about it") {
    const auto result = read("\nurl = \"https://x.example\"\n  retries = 3\n");
    REQUIRE(result.config);
    CHECK(result.config->values.at("url").line == 2);
    CHECK(result.config->values.at("url").column == 7);
    CHECK(result.config->where("retries") == result.config->path + ":3:13");
}

TEST_CASE("config: errors name the file, line and column") {
    const struct {
        const char* content;
        const char* expected;
    } cases[] = {
        {"url = https://x\n", "1:7: "},
        {"\n[profile]\n", "2:1: tables are not supported"},
        {"url = 'x'\nprofile.url = 'y'\n", "2:1: tables are not supported"},
        {"tls = { insecure = true }\n", "1:7: tables are not supported"},
        {"colour = \"red\"\n", "1:1: unknown key 'colour'"},
        {"cacrt = \"ca.pem\"\n", "1:1: unknown key 'cacrt': did you mean 'cacert'?"},
        {"url = \"open\n", "1:"},
        {"require = [\"a\",\n", "1:17: "},
        {"url\n", "1:"},
        {"url = 'a'\nurl = 'b'\n", "2:"},
        {"retries = \"x\"\n", "1:11: retries: expected an integer, e.g. retries = 3, not a string"},
        {"retries = 2.5\n", "1:11: retries: expected an integer"},
        {"insecure = \"yes\"\n", "1:12: insecure: expected true or false, not a string"},
        {"timeout = \"60\"\n", "1:11: timeout: expected a number of seconds"},
        {"url = 42\n", "1:7: url: expected a string"},
        {"require = [\"a\", 1]\n", "1:17: require: expected strings"},
        {"header = 5\n", "1:10: header: expected a string or an array of strings"},
        {"url = 1979-05-27\n", "1:7: url: expected a string"},
        {"url = \"a\\u0000b\"\n", "1:7: url: "},
    };
    for (const auto& c : cases) {
        const std::string content = c.content;
        CAPTURE(content);
        const std::string error = error_of(c.content);
        CHECK_MESSAGE(error.rfind(c.expected, 0) == 0, error);
    }
}

TEST_CASE("config: every key has a type") {
    for (const auto& key : onorder::config_keys()) {
        CAPTURE(key);
        const auto result = read(key + " = []\n");
        // Only the array keys take an array; the others say what they expect.
        const bool array_key = key == "header" || key == "require";
        CHECK(static_cast<bool>(result.config) == array_key);
        if (!array_key) {
            CHECK(result.error.find(": " + key + ": expected ") != std::string::npos);
        }
    }
}

TEST_CASE("config: a missing file and a file readable by others") {
    CHECK_FALSE(onorder::read_config_file("/nonexistent/onorder.toml").config);
    const auto path = write_temp("password = \"s3cret\"\n", 0644);
    const auto result = onorder::read_config_file(path);
    REQUIRE(result.config);
    CHECK(result.config->readable_by_others);
    std::remove(path.c_str());
}

TEST_CASE("config: the sample config reads") {
    std::string samples = __FILE__;
    samples.resize(samples.rfind("/tests/unit/"));
    const auto result = onorder::read_config_file(samples + "/samples/config.toml");
    REQUIRE_MESSAGE(result.config, result.error);
    CHECK(result.config->values.at("user").text == "acme");
}

// toml++ 3.3 asks an undefined whitespace check of most code points from U+00A1 to U+FEFE when
// it meets one where whitespace may stand; the sanitizer build aborts on the first it reaches.
// Every code point of the Basic Multilingual Plane, and one in 61 above it, in each place.
TEST_CASE("config: any character, wherever it stands, reads as TOML says") {
    const auto whitespace = [](char32_t c) { // as toml++ counts it
        return c == 0xA0 || c == 0x1680 || c == 0x180E || (c >= 0x2000 && c <= 0x200B) ||
               c == 0x202F || c == 0x205F || c == 0x2060 || c == 0x3000 || c == 0xFEFF;
    };
    std::size_t checked = 0;
    for (char32_t c = 0x80; c <= 0x10FFFF; c += c < 0x10000 ? 1 : 61) {
        if (c >= 0xD800 && c <= 0xDFFF)
            continue;
        std::string ch;
        onorder::formats::append_utf8(ch, c);
        CAPTURE(static_cast<unsigned>(c));
        // Inside a string, the character is the value's, as written.
        const auto in_string = onorder::parse_config_file("password = \"" + ch + "\"\n", "f");
        if (c >= 0xA0) {
            REQUIRE_MESSAGE(in_string.config, in_string.error);
            CHECK(in_string.config->values.at("password").text == ch);
        }
        // After a line-ending backslash whitespace is trimmed; anything else starts the value.
        const auto trimmed = onorder::parse_config_file("url = \"\"\"\\\n" + ch + "x\"\"\"\n", "f");
        if (c >= 0xA0 && trimmed.config) {
            const std::string& text = trimmed.config->values.at("url").text;
            CHECK((text == ch + "x" || (whitespace(c) && text == "x")));
        }
        // Where a key or the end of a line must stand, it is an error naming the character
        // as written, or (for whitespace toml++ knows) no error.
        for (const std::string& text :
             {ch + "url = \"x\"\n", "url = \"x\" " + ch + "\n", "url " + ch + "= \"x\"\n"}) {
            const auto result = onorder::parse_config_file(text, "f");
            if (!result.config && c >= 0xA0 && !whitespace(c))
                CHECK(result.error.find(ch) != std::string::npos);
        }
        ++checked;
    }
    CHECK(checked > 60000);
}

TEST_CASE("config: characters of the supplementary private use area with others") {
    // Alone they read as they are.
    const auto alone = onorder::parse_config_file("password = \"\xf3\xb0\x82\xa1\"\n", "f");
    REQUIRE_MESSAGE(alone.config, alone.error);
    CHECK(alone.config->values.at("password").text == "\xf3\xb0\x82\xa1");
    // With a character that is parsed moved there, they could not be told apart.
    for (const std::string text :
         {"password = \"\xf3\xb0\x82\xa1 \xc3\xa9\"\n", "password = \"\\U000F00E9 \xc3\xa9\"\n"}) {
        const auto both = onorder::parse_config_file(text, "f");
        CHECK_FALSE(both.config);
        CHECK(both.error.find("private use area") != std::string::npos);
    }
}
