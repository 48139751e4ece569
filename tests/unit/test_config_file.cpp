#include <onorder/config_file.hpp>

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
    std::ofstream(name) << content;
    ::chmod(name, mode);
    return name;
}

} // namespace

TEST_CASE("config: strings, numbers, booleans, arrays and comments") {
    const auto path = write_temp("# onorder profile\n"
                                 "url = \"https://sp.example/onapi\"  # the SP\n"
                                 "user = 'acme'\n"
                                 "timeout = 2.5\n"
                                 "insecure = false\n"
                                 "require = [\"customerDetails.customerEmail\", '/coId']\n"
                                 "max-retry-wait = 30\n");
    const auto result = onorder::read_config_file(path);
    REQUIRE(result.config);
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
    std::remove(path.c_str());
}

TEST_CASE("config: errors name the file and line") {
    const struct {
        const char* content;
        const char* expected;
    } cases[] = {
        {"url = https://x\n", ":1: url:"},
        {"\n[profile]\n", ":2: tables are not supported"},
        {"colour = \"red\"\n", ":1: unknown key 'colour'"},
        {"url = \"open\n", ":1: url: unterminated string"},
        {"require = [\"a\",\n", ":1: require: unterminated array"},
        {"url\n", ":1: expected key = value"},
    };
    for (const auto& c : cases) {
        const auto path = write_temp(c.content);
        const auto result = onorder::read_config_file(path);
        CHECK_FALSE(result.config);
        CHECK_MESSAGE(result.error.find(path + c.expected) != std::string::npos, result.error);
        std::remove(path.c_str());
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
