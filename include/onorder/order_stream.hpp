// The reading half of validate and submit: sources → framed → parsed → fields applied → fixed →
// validated, one order at a time, in flat memory.
#pragma once

#include <onorder/fix.hpp>
#include <onorder/order_builder.hpp>
#include <onorder/reader.hpp>
#include <onorder/validate.hpp>

#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace onorder {

struct StreamOptions {
    ReaderOptions reader;
    ValidationOptions validation;
    bool fix = false;
    std::vector<FieldValue> fields; // from flags; applied over every order
};

struct CheckedOrder {
    std::string source;
    std::size_t index = 0;
    std::size_t line = 0;
    Framing framing = Framing::single;
    std::string original;                   // the bytes as read
    std::optional<nlohmann::json> document; // null when the bytes are not JSON
    std::vector<Change> changes;            // what --fix changed
    Validation validation;
    // The exact bytes to send: `original` when nothing changed it, else the edited document
    // serialised once — the bytes that were validated are the bytes that are sent.
    std::string body;
    bool edited = false; // fields or --fix changed the document
    // fingerprint(*document), once something needed it ("" until then); the batch engine keeps
    // this and lets the document go.
    std::string fingerprint;
};

struct StreamVisitor {
    // Each order, which the visitor may take: the stream is done with it.
    std::function<void(CheckedOrder&)> order;
    std::function<void(const SourceError&)> source_error;
    std::function<void(const std::string& source, Framing framing)> source_opened; // may be null
};

// Reads every source in turn ("-" = stdin); a source with no orders at all yields one invalid
// order with a json problem, so nothing passes silently. Returns false when `keep_going` said stop.
bool stream_orders(const std::vector<std::string>& sources, const StreamOptions& options,
                   const StreamVisitor& visitor, const std::function<bool()>& keep_going = {});

// submit's reading (DESIGN §2, exit 3): a JSON document or array is checked whole before the
// first order is sent, so a file that is not JSON, or holds an invalid order, sends nothing;
// NDJSON lines are units of their own (a bad line is reported, the others are sent).
class CheckedSources {
  public:
    CheckedSources();
    ~CheckedSources();
    CheckedSources(const CheckedSources&) = delete;
    CheckedSources& operator=(const CheckedSources&) = delete;

    // Pass one, before anything is sent: opens every source and reads each that is not NDJSON
    // whole. Reports every source error and every order that is not valid through `visitor`;
    // true when all is well and pass two may send. Stdin and pipes are copied as they are read
    // to an unlinked temporary file (mode 0600), from which pass two reads them again.
    bool check(const std::vector<std::string>& sources, const StreamOptions& options,
               const StreamVisitor& visitor);

    // Pass two: every order of every source, in order, as stream_orders() gives them. A file
    // that changed since pass one is a source error and nothing more of it is read.
    bool stream(const StreamOptions& options, const StreamVisitor& visitor,
                const std::function<bool()>& keep_going = {});

    // How many orders pass two will give, when known after check(): every source a file
    // (NDJSON files are counted by their non-blank lines) or read whole in pass one. Counting
    // NDJSON files costs a read of each: only when `count_ndjson` is set before check().
    std::optional<std::size_t> total() const { return total_; }
    bool count_ndjson = false;

  private:
    struct Source;
    std::vector<Source> sources_;
    std::optional<std::size_t> total_ = 0;
};

// "orders.ndjson:4" (the line), "orders.json #3" (the 0-based array index, as "index" in
// --output json), "samples/order.json", "command line".
std::string order_label(const CheckedOrder& order);

// The order built from flags alone (no source): base_order() with the fields applied.
CheckedOrder check_document(nlohmann::json document, std::string source,
                            const StreamOptions& options);

} // namespace onorder
