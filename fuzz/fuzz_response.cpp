// The SP's answer as it arrives — status line, headers, body — read the way the transfer reads
// it (note_header_line), then interpreted: the verdict, whether it may be retried, Retry-After.
#include <onorder/helpers.hpp>
#include <onorder/http_client.hpp>
#include <onorder/redact.hpp>
#include <onorder/response.hpp>
#include <onorder/retry.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace {

using namespace std::chrono;

const system_clock::time_point now = sys_days{year{2025} / 1 / 15} + hours{12};

// The status code of a status line, as libcurl reads it ("HTTP/1.1 429 Too Many Requests").
long status_code(std::string_view line) {
    const std::size_t space = line.find(' ');
    if (space == std::string_view::npos)
        return 0;
    long status = 0;
    std::string_view digits = line.substr(space + 1, 3);
    for (const char c : digits) {
        if (!onorder::is_digit(c))
            return 0;
        status = status * 10 + (c - '0');
    }
    return digits.size() == 3 ? status : 0;
}

} // namespace

// The first byte: how far the request got (answered mostly; else a libcurl failure whose code is
// the second byte and whose text is the rest) and whether identity numbers are shown (--unmask).
extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 2)
        return 0;
    std::string_view input(reinterpret_cast<const char*>(data) + 2, size - 2);
    onorder::HttpExchange exchange;
    const unsigned reach = data[0] % 8;
    onorder::Redactor redactor;
    redactor.add_identity_number("19821105-9954");
    redactor.show_identity_numbers((data[0] & 8) != 0);
    if (reach == 6 || reach == 7) {
        exchange.reach = reach == 6 ? onorder::HttpExchange::Reach::not_sent
                                    : onorder::HttpExchange::Reach::maybe_sent;
        exchange.curl_code = data[1] % 100;
        exchange.curl_error = std::string(input);
    } else {
        exchange.reach = onorder::HttpExchange::Reach::answered;
        exchange.protocol = (data[1] & 1) != 0 ? "HTTP/2" : "HTTP/1.1";
        bool complete = false;
        while (!input.empty() && !complete) {
            const std::size_t end = input.find('\n');
            const std::string_view line =
                input.substr(0, end == std::string_view::npos ? input.size() : end + 1);
            input.remove_prefix(line.size());
            if (onorder::trim(line).substr(0, 5) == "HTTP/")
                exchange.http_status = status_code(onorder::trim(line));
            complete = onorder::note_header_line(exchange, line);
        }
        if (input.size() > onorder::max_response_bytes) {
            input = input.substr(0, onorder::max_response_bytes);
            exchange.body_truncated = true;
        }
        exchange.body = std::string(input);
    }
    const onorder::Verdict verdict = onorder::interpret(exchange, redactor);
    (void)onorder::status_meaning(verdict.http_status);
    (void)onorder::may_retry(exchange);
    (void)onorder::followable(exchange, true);
    if (exchange.retry_after) {
        const auto wait = onorder::parse_retry_after(*exchange.retry_after, now);
        for (int attempt = 1; attempt <= 3; ++attempt)
            (void)onorder::retry_delay(onorder::RetryPolicy{}, attempt, wait);
    }
    return 0;
}
