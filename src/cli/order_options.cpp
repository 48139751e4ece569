#include "order_options.hpp"

#include <onorder/order_builder.hpp>

namespace onorder::cli {

namespace {

struct FieldFlag {
    const char* flag;
    const char* pointer;
    const char* description;
};

// One flag per field (DESIGN §2); each overrides the same field of a file order.
constexpr FieldFlag field_flags[] = {
    {"--co-id", "/coId", "coId: the CO's ID"},
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
};
constexpr std::size_t field_flag_count = sizeof(field_flags) / sizeof(field_flags[0]);

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
    command.add_option("--output", output, "Output format: human or json")
        ->check(CLI::IsMember({"human", "json"}));
    auto* fields = command.add_option_group("Order fields", "Set a field of the order");
    field_values.assign(field_flag_count, std::string());
    for (std::size_t i = 0; i < field_flag_count; ++i)
        fields->add_option(field_flags[i].flag, field_values[i], field_flags[i].description);
    fields->add_option("--product", product, "products[0]: PRODUCT_ID:OFFERING_ID");
    auto* identified_flag =
        fields->add_flag("--identified", identified, "customerDetails.identifiedCustomer = true");
    fields
        ->add_flag("--not-identified", not_identified, "customerDetails.identifiedCustomer = false")
        ->excludes(identified_flag);
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
    for (std::size_t i = 0; i < field_flag_count && i < field_values.size(); ++i)
        if (!field_values[i].empty())
            options.fields.push_back({field_flags[i].pointer, field_values[i]});
    if (!product.empty()) {
        const auto colon = product.find(':');
        if (colon == std::string::npos) {
            error = "--product takes PRODUCT_ID:OFFERING_ID, e.g. --product 100-100:no-binding";
            return false;
        }
        options.fields.push_back({"/products/0/productId", product.substr(0, colon)});
        options.fields.push_back({"/products/0/offeringId", product.substr(colon + 1)});
    }
    if (identified || not_identified)
        options.fields.push_back({"/customerDetails/identifiedCustomer", identified});
    for (const auto& expression : set_expressions) {
        auto field = parse_set_expression(expression, error);
        if (!field) {
            error = "--set " + expression + ": " + error;
            return false;
        }
        options.fields.push_back(std::move(*field));
    }
    return true;
}

} // namespace onorder::cli
