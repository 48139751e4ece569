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
    // The fingerprint walks the document: it must hash exactly the bytes dump() writes.
    if (onorder::fingerprint(document) != onorder::fingerprint_of_canonical(body))
        std::abort();
    if (!changes.empty() && !onorder::fix_order(document, now).empty())
        std::abort();
    onorder::Redactor redactor;
    redactor.add_order(document);
    (void)redactor.redact(body);
}

bool same_order(const onorder::OrderText& a, const onorder::OrderText& b) {
    return a.index == b.index && a.line == b.line && a.column == b.column && a.text == b.text &&
           a.problem.has_value() == b.problem.has_value() &&
           (!a.problem ||
            (a.problem->message == b.problem->message && a.problem->rule == b.problem->rule));
}

} // namespace

// The first byte chooses how the rest is read: bit 0 NDJSON (else a document or an array, as
// the bytes say), bit 1 strict validation with extra required fields, bits 2-7 the size of the
// reads the bytes arrive in (0: all at once), so that orders, lines, strings and the byte order
// mark are cut across reads as a pipe cuts them.
extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0)
        return 0;
    onorder::ReaderOptions options;
    options.force_ndjson = (data[0] & 1) != 0;
    const bool strict = (data[0] & 2) != 0;
    const std::size_t piece = data[0] >> 2;
    const std::string bytes(reinterpret_cast<const char*>(data) + 1, size - 1);
    onorder::OpenResult opened = onorder::open_orders_text(bytes, "fuzz", options, piece);
    // The same bytes at once: how they were cut into reads changes nothing of the orders.
    onorder::OpenResult whole = onorder::open_orders_text(bytes, "fuzz", options);
    if (!opened.reader || !whole.reader) {
        if (static_cast<bool>(opened.reader) != static_cast<bool>(whole.reader))
            std::abort();
        return 0;
    }
    if (opened.reader->framing() != whole.reader->framing())
        std::abort();
    while (auto text = opened.reader->next()) {
        const auto same = whole.reader->next();
        if (!same || !same_order(*text, *same))
            std::abort();
        if (!text->problem)
            check_order(*text, strict);
    }
    if (whole.reader->next())
        std::abort();
    return 0;
}
