// The options validate and submit share: sources, framing, field flags, --fix, --strict,
// --require, --output — and the one way both build an order from the field flags.
#pragma once

#include "config_source.hpp"
#include "output_flag.hpp"

#include <onorder/order_stream.hpp>

#include <string>
#include <vector>

#include <CLI/CLI.hpp>

namespace onorder::cli {

// How to read, check and report orders, from the flags, the environment and the config file.
struct OrderPlan {
    StreamOptions stream;
    std::string co_id; // coId of an order built from flags, when --co-id is not given
    bool json = false; // --output json, or output = "json" / ONORDER_OUTPUT=json
};

struct OrderOptions {
    std::vector<std::string> sources;
    bool ndjson = false;
    bool strict = false;
    bool fix = false;
    std::vector<std::string> require;
    std::vector<std::string> set_expressions;
    OutputFlag output;
    // One string per field flag, in the order of the flag table.
    std::vector<std::string> field_values;
    bool identified = false;
    bool not_identified = false;
    std::string product;

    void add_to(CLI::App& command);

    // Whether any flag that sets a field of the order was given.
    bool sets_fields() const;

    // Flags first, then the environment and `config` (co_id, require, strict, output); false with
    // `error` on a malformed value (exit 2).
    bool resolve(const ConfigSource& config, OrderPlan& plan, std::string& error);

    // The order built from the field flags alone (no file): the core's one builder, and hints for
    // missing fields that name the flags that fill them.
    CheckedOrder build(const OrderPlan& plan) const;

  private:
    bool stream_options(StreamOptions& options, std::string& error) const;
};

} // namespace onorder::cli
