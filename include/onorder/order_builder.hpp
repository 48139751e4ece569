// Building an order from flags: values for fields, applied over a file order or a fresh one.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace onorder {

struct CheckedOrder;  // order_stream.hpp
struct StreamOptions; // order_stream.hpp

// One field set from the command line: a JSON Pointer, the value to put there, and the flag that
// set it ("--phone", "--set customerDetails.x"), which problems with the field are reported under.
struct FieldValue {
    std::string pointer;
    nlohmann::json value;
    std::string flag = {};
};

// `--set a.b.c=VALUE` (or /a/b/c=VALUE): the path as a JSON Pointer, and VALUE as JSON when it
// parses as a JSON scalar/array/object (true, 42, "x", null) else as a string. nullopt, with
// `error` set, when there is no '=' or the path is empty.
std::optional<FieldValue> parse_set_expression(std::string_view expression, std::string& error);

// A dotted path ("customerDetails.customerFirstname", "products.0.offeringId") or a JSON Pointer,
// as a JSON Pointer.
std::string to_json_pointer(std::string_view path);

// The skeleton an order built from flags alone starts from: ACTIVATE, ordered now (UTC),
// requested as soon as possible (= the order time).
nlohmann::json base_order(std::chrono::system_clock::time_point now);

// For an order built from fields alone: requestedDateTime defaults to the order time — as soon as
// possible (DESIGN §2) — also when orderDateTime was given and requestedDateTime was not. Returns
// whether it added the default.
bool default_requested_time(std::vector<FieldValue>& fields);

// Sets each value, creating objects (and the products array) on the way. Returns false, with
// `error`, when a path runs through a value that is not a container.
bool apply_fields(nlohmann::json& order, const std::vector<FieldValue>& fields, std::string& error);

// The order built from `options.fields` alone, for validate and submit alike: base_order(), coId
// from `default_co_id` (config/environment) unless a field sets it, the fields, then --fix and
// validation as for any order. Problems with a field carry the flag that set it. A requested time
// that only followed the order time is not reported, or fixed, a second time: one wrong
// --order-time is one error.
CheckedOrder build_order(const StreamOptions& options, const std::string& default_co_id);

} // namespace onorder
