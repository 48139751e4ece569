#include <onorder/order_template.hpp>
#include <onorder/reader.hpp>

#include <doctest/doctest.h>

#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include <fcntl.h>
#include <unistd.h>

using namespace onorder;

namespace {

// A file in a fresh directory of its own, removed with it.
class TempFile {
  public:
    TempFile(const std::string& name, const std::string& content) {
        char pattern[] = "/tmp/onorder-reader-XXXXXX";
        directory_ = ::mkdtemp(pattern);
        path_ = directory_ + "/" + name;
        std::FILE* file = std::fopen(path_.c_str(), "wb");
        REQUIRE(file != nullptr);
        std::fwrite(content.data(), 1, content.size(), file);
        std::fclose(file);
    }
    ~TempFile() {
        std::remove(path_.c_str());
        ::rmdir(directory_.c_str());
    }
    const std::string& path() const { return path_; }
    const std::string& directory() const { return directory_; }

  private:
    std::string directory_;
    std::string path_;
};

std::vector<OrderText> read_all(const std::string& path, ReaderOptions options = {}) {
    auto opened = open_orders(path, options);
    REQUIRE(opened.reader);
    std::vector<OrderText> orders;
    while (auto order = opened.reader->next()) {
        orders.push_back(std::move(*order));
    }
    CHECK_FALSE(opened.reader->error());
    return orders;
}

std::vector<OrderText> read_text(const std::string& name, const std::string& content,
                                 ReaderOptions options = {}) {
    TempFile file(name, content);
    return read_all(file.path(), options);
}

std::string problem_of(const OrderText& order) {
    REQUIRE(order.problem);
    CHECK(order.problem->rule == "json");
    CHECK(order.problem->path.empty());
    CHECK(order.text.empty());
    return order.problem->message;
}

} // namespace

TEST_CASE("a missing file, a directory: a source error naming the file and the reason") {
    auto missing = open_orders("/nonexistent/orders.json", {});
    CHECK_FALSE(missing.reader);
    REQUIRE(missing.error);
    CHECK(missing.error->message.find("/nonexistent/orders.json") != std::string::npos);
    CHECK(missing.error->message.find("No such file or directory") != std::string::npos);

    TempFile file("a.json", "{}");
    auto directory = open_orders(file.directory(), {});
    CHECK_FALSE(directory.reader);
    REQUIRE(directory.error);
    CHECK(directory.error->message.find("Is a directory") != std::string::npos);
}

TEST_CASE("framing: by name, by flag, by the first byte") {
    TempFile ndjson("orders.ndjson", "{}\n");
    CHECK(open_orders(ndjson.path(), {}).reader->framing() == Framing::ndjson);
    TempFile jsonl("orders.JSONL", "{}\n");
    CHECK(open_orders(jsonl.path(), {}).reader->framing() == Framing::ndjson);
    TempFile array("orders.json", "\xEF\xBB\xBF \n [{}]");
    CHECK(open_orders(array.path(), {}).reader->framing() == Framing::array);
    CHECK(open_orders(array.path(), {true}).reader->framing() == Framing::ndjson);
    TempFile single("order.json", "{}");
    CHECK(open_orders(single.path(), {}).reader->framing() == Framing::single);
}

TEST_CASE("NDJSON: one order per non-blank line, CRLF tolerated") {
    const auto orders = read_text("o.ndjson", "{\"a\":1}\r\n\n   \n  {\"b\":2}  \n{\"c\":3}");
    REQUIRE(orders.size() == 3);
    CHECK(orders[0].text == "{\"a\":1}");
    CHECK(orders[0].line == 1);
    CHECK(orders[0].index == 0);
    CHECK(orders[1].text == "{\"b\":2}");
    CHECK(orders[1].line == 4);
    CHECK(orders[1].column == 3);
    CHECK(orders[1].index == 1);
    CHECK(orders[2].text == "{\"c\":3}");
    CHECK(orders[2].line == 5);
    CHECK(orders[2].source.find("o.ndjson") != std::string::npos);
}

TEST_CASE("NDJSON: a line over 1 MiB is refused and skipped, the next one read") {
    const std::string huge = "{\"a\":\"" + std::string(max_order_bytes + 10, 'x') + "\"}";
    const auto orders = read_text("o.ndjson", "{}\n" + huge + "\n{\"b\":1}\n" + huge);
    REQUIRE(orders.size() == 4);
    CHECK(problem_of(orders[1]) == "order at line 2 is over 1 MiB");
    CHECK(orders[1].line == 2);
    CHECK(orders[2].text == "{\"b\":1}");
    CHECK(orders[2].line == 3);
    CHECK(orders[2].index == 2);
    CHECK(problem_of(orders[3]) == "order at line 4 is over 1 MiB");
}

TEST_CASE("NDJSON: the lines before a NUL byte are read, the line with it ends the source") {
    const auto orders =
        read_text("o.ndjson", std::string("{\"a\":1}\n{\"b\":\0}\n{\"c\":3}\n", 22));
    REQUIRE(orders.size() == 2);
    CHECK_FALSE(orders[0].problem);
    CHECK(orders[0].text == "{\"a\":1}");
    CHECK(problem_of(orders[1]).find("o.ndjson:2: binary data (a NUL byte), not NDJSON") !=
          std::string::npos);
}

TEST_CASE("NDJSON: /dev/zero ends at once instead of being read forever") {
    ReaderOptions options;
    options.force_ndjson = true;
    const auto orders = read_all("/dev/zero", options);
    REQUIRE(orders.size() == 1);
    CHECK(problem_of(orders[0]).find("binary data (a NUL byte)") != std::string::npos);
}

TEST_CASE("NDJSON: a NUL far into a long line, after a buffer boundary, is still found") {
    std::string content = "{\"a\":1}\n{\"b\":\"" + std::string(200 * 1024, 'x');
    content += std::string(1, '\0') + "\"}\n";
    const auto orders = read_text("o.ndjson", content);
    REQUIRE(orders.size() == 2);
    CHECK_FALSE(orders[0].problem);
    CHECK(problem_of(orders[1]).find("o.ndjson:2: binary data") != std::string::npos);
}

TEST_CASE("a copy of every byte read goes to copy_to") {
    const std::string content = "[{\"a\":1},\n{\"b\":2}]\n";
    TempFile file("o.json", content);
    TempFile copy("copy.json", "");
    const int fd = ::open(copy.path().c_str(), O_WRONLY | O_TRUNC);
    REQUIRE(fd >= 0);
    ReaderOptions options;
    options.copy_to = fd;
    CHECK(read_all(file.path(), options).size() == 2);
    ::close(fd);
    std::FILE* in = std::fopen(copy.path().c_str(), "rb");
    REQUIRE(in != nullptr);
    std::string copied(4096, '\0');
    copied.resize(std::fread(copied.data(), 1, copied.size(), in));
    std::fclose(in);
    CHECK(copied == content);
}

TEST_CASE("NDJSON: lines cut by the read buffer come out whole") {
    std::string content;
    std::vector<std::string> expected;
    for (int i = 0; i < 5000; ++i) {
        expected.push_back("{\"n\":" + std::to_string(i) + ",\"pad\":\"" +
                           std::string(static_cast<std::size_t>(i % 97) * 3, 'p') + "\"}");
        content += expected.back() + (i % 2 ? "\r\n" : "\n");
    }
    const auto orders = read_text("big.ndjson", content);
    REQUIRE(orders.size() == expected.size());
    for (std::size_t i = 0; i < expected.size(); ++i) {
        REQUIRE(orders[i].text == expected[i]);
        REQUIRE(orders[i].line == i + 1);
    }
}

TEST_CASE("empty sources: one problem, whatever the framing") {
    for (const char* name : {"e.json", "e.ndjson"}) {
        for (const char* content : {"", "  \n\r\n\t", "\xEF\xBB\xBF"}) {
            const auto orders = read_text(name, content);
            REQUIRE(orders.size() == 1);
            CHECK(problem_of(orders[0]).find("is empty: no order in it") != std::string::npos);
        }
    }
    CHECK(read_text("e.json", " [ ] ").empty());
}

TEST_CASE("array: each element's exact bytes with its line and column") {
    const std::string content =
        "[\n  {\"a\": \"x]}\\\"{[\"},\n  {\"b\": [1, {\"c\": null}]} ,\"s\",\n"
        "  42 , true]\n";
    const auto orders = read_text("a.json", content);
    REQUIRE(orders.size() == 5);
    CHECK(orders[0].text == "{\"a\": \"x]}\\\"{[\"}");
    CHECK(orders[0].line == 2);
    CHECK(orders[0].column == 3);
    CHECK(orders[1].text == "{\"b\": [1, {\"c\": null}]}");
    CHECK(orders[1].line == 3);
    CHECK(orders[2].text == "\"s\"");
    CHECK(orders[3].text == "42");
    CHECK(orders[3].line == 4);
    CHECK(orders[4].text == "true");
    CHECK(orders[4].index == 4);
}

TEST_CASE("array: elements cut by the read buffer come out whole") {
    std::string content = "[";
    for (int i = 0; i < 3000; ++i) {
        content += (i ? ",\n" : "") + std::string("{\"n\":\"") + std::string(100, 'a') + "\"}";
    }
    content += "]";
    const auto orders = read_text("a.json", content);
    REQUIRE(orders.size() == 3000);
    CHECK(orders[2999].text == "{\"n\":\"" + std::string(100, 'a') + "\"}");
    CHECK(orders[2999].line == 3000);
}

TEST_CASE("array: what the scanner sees wrong stops the source with a located problem") {
    struct Case {
        std::string content;
        std::string message;
        std::size_t orders;
    };
    const std::vector<Case> cases{
        {"[{} {}]", "1:5: syntax error: missing ',' between orders", 2},
        {"[{},]", "1:5: syntax error: unexpected ']' after ','", 2},
        {"[{}, {\"a\": \"open}]", "1:12: syntax error: unterminated string", 2},
        {"[{}, {\"a\": [}]", "1:13: syntax error: unexpected '}'; expected ']'", 2},
        {"[{}\n", "1:1: syntax error: end of input before the array is closed by ']'", 2},
        {"[{}] x", "1:6: syntax error: unexpected 'x' after the array", 2},
        {std::string("[{}, {\"a\":\0}]", 13), "1:11: binary data, not JSON", 2},
        {"[tru]", "1:2: syntax error: invalid literal", 1},
        {"[12a]", "1:2: syntax error: invalid number", 1},
        {"[hello]", "1:2: syntax error: unexpected 'h'", 1},
    };
    for (const auto& c : cases) {
        CAPTURE(c.content);
        const auto orders = read_text("a.json", c.content);
        REQUIRE(orders.size() == c.orders);
        const std::string message = problem_of(orders.back());
        CHECK(message.substr(message.size() - c.message.size()) == c.message.substr(0));
    }
}

TEST_CASE("array: nesting deeper than 64 levels and elements over 1 MiB stop the source") {
    const std::string deep64 = std::string(64, '[') + std::string(64, ']');
    CHECK(read_text("a.json", "[" + deep64 + "]").size() == 1);

    const auto deep = read_text("a.json", "[{}, " + std::string(100000, '[') + ", {}]");
    REQUIRE(deep.size() == 2);
    CHECK(problem_of(deep[1]).find("1:70: nesting deeper than 64 levels") != std::string::npos);

    const std::string big = "{\"a\":\"" + std::string(max_order_bytes, 'x') + "\"}";
    const auto orders = read_text("a.json", "[{},\n" + big + ", {}]");
    REQUIRE(orders.size() == 2);
    CHECK(problem_of(orders[1]) == "order at line 2 is over 1 MiB");
}

TEST_CASE("single: one value; a second value or trailing bytes make the file not JSON") {
    const auto one = read_text("o.json", "\xEF\xBB\xBF\n  {\"a\": 1}\n");
    REQUIRE(one.size() == 1);
    CHECK(one[0].text == "{\"a\": 1}");
    CHECK(one[0].line == 2);
    CHECK(one[0].column == 3);

    // RFC 8259: one value. Orders before the problem are not given out: the file is not JSON.
    const auto several = read_text("o.json", "{\"a\":1}\n{\"b\":2} {\"c\":3}\n\n42\n");
    REQUIRE(several.size() == 1);
    CHECK(problem_of(several[0]).find("o.json:2:1: syntax error: unexpected '{' after the order") !=
          std::string::npos);
    CHECK(several[0].index == 0);

    const auto garbage = read_text("o.json", "{\"a\":1} trailing");
    REQUIRE(garbage.size() == 1);
    CHECK(problem_of(garbage[0]).find("o.json:1:9: syntax error: unexpected 't' after the order") !=
          std::string::npos);

    const auto text = read_text("o.json", "this is not JSON\nat all\n");
    REQUIRE(text.size() == 1);
    CHECK(problem_of(text[0]).find("o.json:1:1: syntax error: invalid literal") !=
          std::string::npos);

    const auto binary = read_text("o.json", std::string("\x89PNG\r\n\x1a\n\0\0", 10));
    REQUIRE(binary.size() == 1);
    CHECK(problem_of(binary[0]).find("binary data, not JSON") != std::string::npos);
}

TEST_CASE("single: a value over 1 MiB is refused without reading all of it") {
    const std::string big = "{\"a\":\"" + std::string(3 * max_order_bytes, 'x') + "\"}";
    const auto orders = read_text("o.json", big);
    REQUIRE(orders.size() == 1);
    CHECK(problem_of(orders[0]) == "order is over 1 MiB");
}

TEST_CASE("stdin, fed through a pipe in small pieces") {
    int pipe_fds[2];
    REQUIRE(::pipe(pipe_fds) == 0);
    const int saved_stdin = ::dup(STDIN_FILENO);
    ::dup2(pipe_fds[0], STDIN_FILENO);
    ::close(pipe_fds[0]);
    const std::string content = "\xEF\xBB\xBF[{\"a\":\"b\"},\n {\"c\":[1,2,3]}]";
    std::thread writer([&] {
        for (std::size_t at = 0; at < content.size(); at += 2) {
            const auto piece = content.substr(at, 2);
            (void)!::write(pipe_fds[1], piece.data(), piece.size());
            std::this_thread::sleep_for(std::chrono::microseconds(200));
        }
        ::close(pipe_fds[1]);
    });
    const auto orders = read_all("-");
    writer.join();
    ::dup2(saved_stdin, STDIN_FILENO);
    ::close(saved_stdin);
    REQUIRE(orders.size() == 2);
    CHECK(orders[0].source == "-");
    CHECK(orders[0].text == "{\"a\":\"b\"}");
    CHECK(orders[1].text == "{\"c\":[1,2,3]}");
    CHECK(orders[1].line == 2);
    CHECK(orders[1].column == 2);
}

TEST_CASE("parse_order: a document, or a problem located in the source file") {
    OrderText order{"orders.ndjson", 3, 4, 1, "{\"coId\": \"Acme\"}", {}};
    auto parsed = parse_order(order);
    REQUIRE(parsed.document);
    CHECK((*parsed.document)["coId"] == "Acme");
    CHECK_FALSE(parsed.problem);

    order.text = "{\"coId\": \"Acme\", }";
    order.column = 3;
    parsed = parse_order(order);
    CHECK_FALSE(parsed.document);
    REQUIRE(parsed.problem);
    CHECK(parsed.problem->rule == "json");
    CHECK(parsed.problem->path.empty());
    CHECK(parsed.problem->message ==
          "orders.ndjson:4:20: syntax error: unexpected '}'; expected a string key");

    order.text = "{\"a\": 1,\n  \"b\": tru}";
    parsed = parse_order(order);
    REQUIRE(parsed.problem);
    CHECK(parsed.problem->message == "orders.ndjson:5:8: syntax error: invalid literal");

    order.text = "{\"a\": 1";
    parsed = parse_order(order);
    REQUIRE(parsed.problem);
    CHECK(parsed.problem->message.find(
              "orders.ndjson:4:10: syntax error: unexpected end of input") == 0);
}

TEST_CASE("parse_order: never shows the bytes it read, which may be a person's number") {
    OrderText order{"o.json", 0, 1, 1, "{\"personalIdentityNumber\": 19821105-9954}", {}};
    const auto parsed = parse_order(order);
    REQUIRE(parsed.problem);
    CHECK(parsed.problem->message.find("9954") == std::string::npos);
    CHECK(parsed.problem->message.find("19821105") == std::string::npos);
}

TEST_CASE("parse_order: invalid UTF-8, binary data, a framing problem passed on") {
    OrderText order{"o.ndjson", 0, 2, 1, "{\"a\": \"caf\xE9\"}", {}};
    auto parsed = parse_order(order);
    REQUIRE(parsed.problem);
    CHECK(parsed.problem->rule == "json");
    CHECK(parsed.problem->message == "o.ndjson: invalid UTF-8 at line 2 column 11");

    order.text = std::string("{\"a\": \0}", 8);
    parsed = parse_order(order);
    REQUIRE(parsed.problem);
    CHECK(parsed.problem->message == "o.ndjson:2:7: binary data, not JSON");

    order.text.clear();
    order.problem = Problem{"", "json", "order at line 2 is over 1 MiB", "", Severity::error};
    parsed = parse_order(order);
    REQUIRE(parsed.problem);
    CHECK(parsed.problem->message == "order at line 2 is over 1 MiB");
}

TEST_CASE("parse_order: deep nesting is refused, never recursed into") {
    OrderText order{"o.ndjson", 0, 1, 1, std::string(100000, '['), {}};
    auto parsed = parse_order(order);
    REQUIRE(parsed.problem);
    CHECK(parsed.problem->message == "o.ndjson:1:65: nesting deeper than 64 levels");

    order.text = std::string(100000, '[') + std::string(100000, ']');
    CHECK(parse_order(order).problem);

    order.text = std::string(32, '[') + "{\"a\":" + std::string(31, '[') + "1" +
                 std::string(31, ']') + "}" + std::string(32, ']');
    parsed = parse_order(order);
    REQUIRE(parsed.document);
    CHECK(parsed.document->dump().size() == order.text.size());
}

TEST_CASE("parse_order: the document equals nlohmann's own parse") {
    const std::string text =
        R"({"b":[1,-2,3.5,"x",null,true,{"c":{}}],"a":{"d":[[]],"e":"\u00e9"},)"
        R"("big":18446744073709551615,"dup":1,"dup":2})";
    OrderText order{"o.json", 0, 1, 1, text, {}};
    const auto parsed = parse_order(order);
    REQUIRE(parsed.document);
    CHECK(*parsed.document == nlohmann::json::parse(text));

    order.text = R"({"a": 1e400})";
    const auto overflow = parse_order(order);
    REQUIRE(overflow.problem);
    CHECK(overflow.problem->message == "o.json:1:7: syntax error: number overflow");
}

TEST_CASE("parse_order: agrees with nlohmann on what is JSON and what it means") {
    const std::vector<std::string> samples{"{}",
                                           "[]",
                                           "[1,2]",
                                           "0",
                                           "-0",
                                           "-0.0",
                                           "1e5",
                                           "1E+2",
                                           "-1e-2",
                                           "1.5e-400",
                                           "01",
                                           "1.",
                                           ".5",
                                           "-",
                                           "+1",
                                           "1e",
                                           "--1",
                                           "18446744073709551615",
                                           "18446744073709551616",
                                           "-9223372036854775808",
                                           "-9223372036854775809",
                                           "123456789012345678901234567890",
                                           R"("\u00e9\ud83d\ude00\n\t\"\\\/\b\f\r")",
                                           R"("\ud83d")",
                                           R"("\ude00")",
                                           R"("\u12")",
                                           R"("\x")",
                                           "\"a\x7f\"",
                                           "\"a\x01\"",
                                           "\"\xC3\xA9\"",
                                           "\"\xC3\"",
                                           "\"\xE0\x80\x80\"",
                                           "\"\xED\xA0\x80\"",
                                           "\"\xF4\x90\x80\x80\"",
                                           "\"\xF0\x9F\x98\x80\"",
                                           "true",
                                           "tru",
                                           "truex",
                                           "nul",
                                           "[true,false,null]",
                                           "{\"a\":1,\"a\":2}",
                                           "{\"a\" 1}",
                                           "{\"a\":}",
                                           "{,}",
                                           "[,]",
                                           "[1,]",
                                           "{\"a\":1,}",
                                           "[1 2]",
                                           "{} {}",
                                           " \t\r\n{} \n",
                                           "{\"a\":[{}]}",
                                           "\"\\u0000\"",
                                           "[\"a\",\"b\"]]",
                                           "{\"a\":{\"b\":{}}"};
    std::vector<std::string> inputs = samples;
    // Mutations of a real order: dropped, doubled and stray bytes in every place.
    const std::string order = example_order(std::chrono::system_clock::time_point{}).dump();
    std::mt19937 random(20240501);
    const std::string strays = "{}[],:\"\\ -+.0123456789eEtrufalsn\t\n\x01\x80\xC3\xE9\xFF";
    for (int i = 0; i < 3000; ++i) {
        std::string text = order;
        for (int edits = 1 + static_cast<int>(random() % 3); edits > 0; --edits) {
            const std::size_t at = random() % text.size();
            switch (random() % 3) {
            case 0:
                text.erase(at, 1 + random() % 3);
                break;
            case 1:
                text.insert(at, 1, strays[random() % strays.size()]);
                break;
            default:
                text.insert(at, text.substr(at, 1 + random() % 8));
                break;
            }
            if (text.empty()) {
                text.push_back(
                    'x'); // (assigning a literal trips a GCC 12 -Wstringop-overflow false positive)
            }
        }
        inputs.push_back(std::move(text));
    }
    for (const auto& text : inputs) {
        CAPTURE(text);
        const auto expected = nlohmann::json::parse(text, nullptr, false);
        const auto parsed = parse_order(OrderText{"o.json", 0, 1, 1, text, {}});
        REQUIRE(parsed.document.has_value() == !expected.is_discarded());
        if (parsed.document) {
            REQUIRE(*parsed.document == expected);
            REQUIRE(parsed.document->dump() == expected.dump());
            const auto ours = parsed.document->flatten();
            const auto theirs = expected.flatten();
            for (const auto& [pointer, value] : theirs.items()) {
                REQUIRE(ours.at(pointer).type() == value.type());
            }
        } else {
            REQUIRE(parsed.problem);
            CHECK(parsed.problem->rule == "json");
        }
    }
}
