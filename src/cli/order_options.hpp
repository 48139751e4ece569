// The options validate and submit share: sources, framing, field flags, --fix, --strict, --require.
#pragma once

#include <onorder/order_stream.hpp>

#include <string>
#include <vector>

#include <CLI/CLI.hpp>

namespace onorder::cli {

struct OrderOptions {
    std::vector<std::string> sources;
    bool ndjson = false;
    bool strict = false;
    bool fix = false;
    std::vector<std::string> require;
    std::vector<std::string> set_expressions;
    std::string output = "human";
    // One string per field flag, in the order of the flag table.
    std::vector<std::string> field_values;
    bool identified = false;
    bool not_identified = false;
    std::string product;

    void add_to(CLI::App& command);

    // Whether any flag that sets a field of the order was given.
    bool sets_fields() const;

    // Builds the stream options; false with `error` on a malformed flag value (exit 2).
    bool stream_options(StreamOptions& options, std::string& error) const;
};

} // namespace onorder::cli
