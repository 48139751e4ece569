// The order reader in every framing, then what validate and submit do with each order: parse,
// --fix, validate, serialise (the bytes sent), fingerprint.
#include <onorder/fingerprint.hpp>
#include <onorder/fix.hpp>
#include <onorder/reader.hpp>
#include <onorder/redact.hpp>
#include <onorder/validate.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include <nlohmann/json.hpp>

namespace {

using namespace std::chrono;

// A fixed "now": the same input always takes the same path.
const system_clock::time_point now = sys_days{year{2025} / 1 / 15} + hours{12};

void check_order(const onorder::OrderText& text, bool strict) {
    onorder::ParsedOrder parsed = onorder::parse_order(text);
    if (!parsed.document)
        return;
    nlohmann::json& document = *parsed.document;
    onorder::ValidationOptions validation;
    validation.now = now;
    validation.strict = strict;
    if (strict)
        validation.required = {"customerDetails.customerEmail", "/products/0/offeringId"};
    (void)onorder::validate_order(document, validation);
    if (!document.is_object())
        return;
    const auto changes = onorder::fix_order(document, now);
    (void)onorder::validate_order(document, validation);
    // The fixed document is what is sent: it must serialise, and fixing it again changes nothing.
    const std::string body = document.dump();
    (void)onorder::fingerprint(document);
    if (!changes.empty() && !onorder::fix_order(document, now).empty())
        std::abort();
    onorder::Redactor redactor;
    redactor.add_order(document);
    (void)redactor.redact(body);
}

} // namespace

// The first byte chooses how the rest is read: bit 0 NDJSON (else a document or an array, as
// the bytes say), bit 1 strict validation with extra required fields.
extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0)
        return 0;
    onorder::ReaderOptions options;
    options.force_ndjson = (data[0] & 1) != 0;
    const bool strict = (data[0] & 2) != 0;
    std::string bytes(reinterpret_cast<const char*>(data) + 1, size - 1);
    onorder::OpenResult opened = onorder::open_orders_text(std::move(bytes), "fuzz", options);
    if (!opened.reader)
        return 0;
    while (auto text = opened.reader->next()) {
        if (!text->problem)
            check_order(*text, strict);
    }
    return 0;
}
