#include "order_options.hpp"

#include <onorder/order_builder.hpp>

#include <algorithm>

#include <fmt/format.h>

namespace onorder::cli {

namespace {

// How a flag's value becomes fields.
enum class Shape {
    value,      // the value of the field at `pointer`
    product,    // PRODUCT_ID:OFFERING_ID → productId and offeringId under `pointer`
    identified, // --identified / --not-identified → true / false
};

struct FieldFlag {
    const char* flag;
    const char* pointer;
    const char* description;
    Shape shape = Shape::value;
    const char* otherwise = ""; // where the field comes from when the flag is not given
};

// One flag per field (DESIGN §2); each overrides the same field of a file order. Also what hints
// about a missing field name.
constexpr FieldFlag field_flags[] = {
    {"--co-id", "/coId", "coId: the CO's ID", Shape::value,
     "co_id in the config file, or ONORDER_CO_ID"},
    {"--access-id", "/coAccessId", "coAccessId: the access the order is for"},
    {"--operation", "/operation", "operation (default ACTIVATE)"},
    {"--order-time", "/orderDateTime", "orderDateTime (default: now, UTC)"},
    {"--requested-time", "/requestedDateTime",
     "requestedDateTime (default: the order time, as soon as possible)"},
    {"--pin", "/customerDetails/personalIdentityNumber", "personalIdentityNumber, YYYYMMDD-XXXX"},
    {"--first-name", "/customerDetails/customerFirstname", "customerFirstname"},
    {"--last-name", "/customerDetails/customerLastName", "customerLastName"},
    {"--phone", "/customerDetails/customerPhone", "customerPhone, E.164 (+46…)"},
    {"--mobile", "/customerDetails/customerMobilePhone", "customerMobilePhone, E.164 (+46…)"},
    {"--email", "/customerDetails/customerEmail", "customerEmail"},
    {"--street", "/customerDetails/invoiceDetails/streetName", "invoiceDetails.streetName"},
    {"--street-number", "/customerDetails/invoiceDetails/streetNumber",
     "invoiceDetails.streetNumber"},
    {"--littera", "/customerDetails/invoiceDetails/streetLittera", "invoiceDetails.streetLittera"},
    {"--postal-code", "/customerDetails/invoiceDetails/postalCode", "invoiceDetails.postalCode"},
    {"--city", "/customerDetails/invoiceDetails/city", "invoiceDetails.city"},
    {"--product", "/products/0", "products[0]: PRODUCT_ID:OFFERING_ID", Shape::product},
    {"--identified", "/customerDetails/identifiedCustomer",
     "customerDetails.identifiedCustomer = true", Shape::identified},
};
constexpr std::size_t field_flag_count = std::size(field_flags);

// "/customerDetails/invoiceDetails" → "customerDetails.invoiceDetails", as --set takes it.
std::string dotted(std::string_view pointer) {
    std::string path(pointer.substr(1));
    std::replace(path.begin(), path.end(), '/', '.');
    return path;
}

std::string flag_and_value(const FieldFlag& flag) {
    switch (flag.shape) {
    case Shape::product:
        return fmt::format("{} PRODUCT_ID:OFFERING_ID", flag.flag);
    case Shape::identified:
        return fmt::format("{}/--not-identified", flag.flag);
    default:
        return flag.flag;
    }
}

// How to add a missing field to an order built from flags: the flag for it, or the flags for
// what goes inside it (customerDetails: --pin, --first-name, …), or --set.
std::string hint_for_missing(const std::string& pointer) {
    std::vector<std::string> inside;
    for (const FieldFlag& flag : field_flags) {
        const std::string_view at = flag.pointer;
        if (at == pointer)
            return fmt::format("add it with {}{}{}", flag_and_value(flag),
                               *flag.otherwise ? ", or " : "", flag.otherwise);
        if (at.starts_with(pointer + "/"))
            inside.push_back(flag_and_value(flag));
    }
    if (inside.size() == 1)
        return "add it with " + inside.front();
    if (inside.empty())
        return fmt::format("add it with --set {}=VALUE", dotted(pointer));
    return fmt::format("add it with any of {}, or --set {}.FIELD=VALUE", fmt::join(inside, ", "),
                       dotted(pointer));
}

} // namespace

void OrderOptions::add_to(CLI::App& command) {
    command.add_option("files", sources,
                       "Order files: one JSON order, a JSON array, or NDJSON; - for stdin");
    command.add_flag("--ndjson", ndjson, "Read every file as NDJSON (one order per line)");
    command.add_flag("--strict", strict, "Treat warnings as errors");
    command.add_flag("--fix", fix,
                     "Normalise what is unambiguous (identity numbers, phone numbers, "
                     "postal codes, offset times) and say what changed");
    command.add_option("--require", require, "Make more fields mandatory: PATH[,PATH…]")
        ->delimiter(',')
        ->allow_extra_args(false);
    output.add_to(command);
    auto* fields = command.add_option_group("Order fields", "Set a field of the order");
    field_values.assign(field_flag_count, std::string());
    for (std::size_t i = 0; i < field_flag_count; ++i) {
        const FieldFlag& flag = field_flags[i];
        switch (flag.shape) {
        case Shape::value:
            fields->add_option(flag.flag, field_values[i], flag.description);
            break;
        case Shape::product:
            fields->add_option(flag.flag, product, flag.description);
            break;
        case Shape::identified: {
            auto* yes = fields->add_flag(flag.flag, identified, flag.description);
            fields
                ->add_flag("--not-identified", not_identified,
                           "customerDetails.identifiedCustomer = false")
                ->excludes(yes);
            break;
        }
        }
    }
    fields
        ->add_option("--set", set_expressions,
                     "Set any field: PATH=VALUE (a.b.c or /a/b/c; "
                     "VALUE read as JSON when it is JSON)")
        ->allow_extra_args(false);
}

bool OrderOptions::sets_fields() const {
    for (const auto& value : field_values)
        if (!value.empty())
            return true;
    return !product.empty() || identified || not_identified || !set_expressions.empty();
}

bool OrderOptions::stream_options(StreamOptions& options, std::string& error) const {
    options.reader.force_ndjson = ndjson;
    options.validation.strict = strict;
    options.validation.required = require;
    options.fix = fix;
    for (std::size_t i = 0; i < field_flag_count && i < field_values.size(); ++i) {
        const FieldFlag& flag = field_flags[i];
        const std::string pointer = flag.pointer;
        if (flag.shape == Shape::value && !field_values[i].empty()) {
            options.fields.push_back({pointer, field_values[i], flag.flag});
        } else if (flag.shape == Shape::product && !product.empty()) {
            const auto colon = product.find(':');
            if (colon == std::string::npos) {
                error = "--product takes PRODUCT_ID:OFFERING_ID, e.g. --product "
                        "100-100:no-binding";
                return false;
            }
            options.fields.push_back({pointer + "/productId", product.substr(0, colon), flag.flag});
            options.fields.push_back(
                {pointer + "/offeringId", product.substr(colon + 1), flag.flag});
        } else if (flag.shape == Shape::identified && (identified || not_identified)) {
            options.fields.push_back(
                {pointer, identified, identified ? "--identified" : "--not-identified"});
        }
    }
    for (const auto& expression : set_expressions) {
        auto field = parse_set_expression(expression, error);
        if (!field) {
            error = "--set " + expression + ": " + error;
            return false;
        }
        field->flag = "--set " + expression.substr(0, expression.find('='));
        options.fields.push_back(std::move(*field));
    }
    return true;
}

bool OrderOptions::resolve(const ConfigSource& config, OrderPlan& plan, std::string& error) {
    if (!stream_options(plan.stream, error))
        return false;
    auto& validation = plan.stream.validation;
    // A profile's rules add to the flags' (DESIGN §3: require = […] for an SP known to need more).
    if (auto paths = config.items("require", ','))
        validation.required.insert(validation.required.end(), paths->values.begin(),
                                   paths->values.end());
    bool profile_strict = false;
    if (!boolean_setting(config.lookup("strict"), profile_strict, error))
        return false;
    validation.strict = validation.strict || profile_strict;
    if (auto co_id = config.lookup("co_id"))
        plan.co_id = co_id->value;

    if (!output.resolve(config, error))
        return false;
    plan.json = output.json();
    return true;
}

CheckedOrder OrderOptions::build(const OrderPlan& plan) const {
    CheckedOrder order = build_order(plan.stream, plan.co_id);
    for (Problem& problem : order.validation.errors)
        if (problem.rule == "required" && problem.flag.empty()) {
            // Kept: that a profile's --require is why the field is needed.
            const bool required_here = problem.hint.starts_with("this SP needs it");
            problem.hint =
                (required_here ? "this SP needs it: " : "") + hint_for_missing(problem.path);
        }
    return order;
}

} // namespace onorder::cli
