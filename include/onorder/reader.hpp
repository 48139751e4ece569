// Reading orders: one JSON order, a JSON array of orders, or NDJSON — streamed, in flat memory.
#pragma once

#include <onorder/problem.hpp>

#include <cstddef>
#include <memory>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

namespace onorder {

enum class Framing {
    single, // one JSON value: anything after it but blanks is an error (RFC 8259)
    array,  // a JSON array whose elements are the orders
    ndjson, // one order per line
};

inline constexpr std::size_t max_order_bytes = 1024 * 1024; // a single order over 1 MiB is refused
inline constexpr int max_nesting_depth = 64;

// One order's bytes as they stand in the source, before parsing.
struct OrderText {
    std::string source;             // file name as given, "-" for stdin
    std::size_t index = 0;          // 0-based within its source
    std::size_t line = 0;           // 1-based line where the order starts
    std::size_t column = 1;         // 1-based column where the order starts
    std::string text;               // the order's bytes, exactly (empty when `problem` says why)
    std::optional<Problem> problem; // set when the bytes could not be framed (too big, too deep,
                                    // a syntax error the framer found, binary data)
};

// A source that cannot be read at all (missing, unreadable, a directory): exit 2, not an order.
struct SourceError {
    std::string source;
    std::string message;
};

class OrderReader {
  public:
    virtual ~OrderReader() = default;
    // The next order, or nullopt at the end of the source.
    virtual std::optional<OrderText> next() = 0;
    virtual Framing framing() const = 0;
    // Set when reading failed after opening (an I/O error mid-file).
    virtual std::optional<SourceError> error() const = 0;
};

struct ReaderOptions {
    bool force_ndjson = false; // --ndjson: one order per line whatever the file's name
    int copy_to = -1;          // every byte read is also written here (a spool to read again)
};

// Whether `path` is read as NDJSON: a .ndjson/.jsonl name, or --ndjson.
bool is_ndjson_source(const std::string& path, const ReaderOptions& options);

// Opens `path` ("-" for stdin). Framing: NDJSON for .ndjson/.jsonl or force_ndjson; otherwise an
// array when the first non-blank byte is '[', else a single value.
struct OpenResult {
    std::unique_ptr<OrderReader> reader; // null on error
    std::optional<SourceError> error;
};
OpenResult open_orders(const std::string& path, const ReaderOptions& options);

// The same from a descriptor that stays the caller's, read from its current offset; `source`
// names it in orders and messages (its name also decides NDJSON framing).
OpenResult open_orders_at(int fd, const std::string& source, const ReaderOptions& options);

// The same over bytes in memory, framed exactly as a file's; `copy_to` is not used. `piece`
// cuts them into reads of at most that many bytes, as a pipe may deliver them (0: no cutting).
OpenResult open_orders_text(std::string bytes, const std::string& source,
                            const ReaderOptions& options, std::size_t piece = 0);

// Parses one order's bytes. On failure `document` is null and `problem` has rule "json" (syntax,
// with line and column within the source), or "type" is not decided here — the validator does.
struct ParsedOrder {
    std::optional<nlohmann::json> document;
    std::optional<Problem> problem;
};
ParsedOrder parse_order(const OrderText& order);

} // namespace onorder
