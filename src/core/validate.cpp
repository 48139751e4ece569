#include <onorder/helpers.hpp>
#include <onorder/validate.hpp>

#include <onorder/date_time.hpp>
#include <onorder/formats.hpp>
#include <onorder/identity_number.hpp>
#include <onorder/order_builder.hpp>
#include <onorder/suggest.hpp>

#include <algorithm>
#include <array>
#include <cctype>
#include <span>
#include <string_view>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace onorder {

namespace {

using json = nlohmann::json;

enum class Format {
    id,
    text,
    email,
    enumeration,
    date_time,
    boolean,
    identity_number,
    phone_no,
    postal_code,
    object,
    product_list,
};

struct FieldRule {
    std::string_view key;
    Format format;
    bool mandatory = false;
    std::span<const FieldRule> fields = {}; // of an object, or of each element of a product list
};

// spec/order.md in its order, plus the two customerDetails fields dataformats.md adds.
// DESIGN §3: everything inside customerDetails is optional.
constexpr FieldRule invoice_details_fields[] = {
    {"streetName", Format::text},    {"streetNumber", Format::text},
    {"streetLittera", Format::text}, {"postalCode", Format::postal_code},
    {"city", Format::text},
};
constexpr FieldRule customer_details_fields[] = {
    {"identifiedCustomer", Format::boolean},
    {"personalIdentityNumber", Format::identity_number},
    {"organizationNumber", Format::identity_number},
    {"customerFirstname", Format::text},
    {"customerLastName", Format::text},
    {"organizationName", Format::text},
    {"customerPhone", Format::phone_no},
    {"customerMobilePhone", Format::phone_no},
    {"customerEmail", Format::email},
    {"invoiceDetails", Format::object, false, invoice_details_fields},
};
constexpr FieldRule product_fields[] = {
    {"productId", Format::id, true},
    {"offeringId", Format::id, true},
};
constexpr FieldRule order_fields[] = {
    {"coId", Format::id, true},
    {"coAccessId", Format::id, true},
    {"operation", Format::enumeration, true},
    {"orderDateTime", Format::date_time, true},
    {"requestedDateTime", Format::date_time, true},
    {"products", Format::product_list, true, product_fields},
    {"customerDetails", Format::object, true, customer_details_fields},
};
constexpr std::size_t max_fields_per_object = 16;
static_assert(std::size(customer_details_fields) <= max_fields_per_object &&
              std::size(order_fields) <= max_fields_per_object);

struct FormatInfo {
    std::string_view rule;
    std::string_view json_type; // what a value of this format is in JSON
    std::string_view description;
    std::string_view example; // "" when an example would not help
    bool personal = false;    // shown masked in messages
};

// Indexed by Format.
constexpr std::array<FormatInfo, 11> format_infos{{
    {"id", "a string", "an ID: 1 to 36 of a-z, A-Z, 0-9, '-' and '.'",
     "\"8732c2f065e2490babce820e94b1011a\""},
    {"text", "a string", "a string of at most 255 characters", ""},
    {"text", "a string", "an e-mail address", "\"name@example.com\""},
    {"enum", "a string", "\"ACTIVATE\", the only operation supported", ""},
    {"dateTime", "a string", "a UTC time YYYY-MM-DDTHH:MM:SSZ with at most 4 decimals",
     "\"2021-05-03T20:31:15Z\""},
    {"boolean", "a boolean", "true or false, without quotes", ""},
    {"identityNumber", "a string",
     "YYYYMMDD-XXXX (organisations 16NNNNNN-NNNN) whose last digit is the Luhn check digit", "",
     true},
    {"phoneNo", "a string", "+, the country code and the number, digits only, at most 15",
     "\"+46701234567\""},
    {"postalCode", "a string", "5 digits without a space, the first not 0", "\"11122\""},
    {"type", "an object", "an object", "{}"},
    {"type", "an array", "an array of exactly one product offering",
     "[{\"productId\": \"…\", \"offeringId\": \"…\"}]"},
}};

const FormatInfo& info(Format format) {
    return format_infos[static_cast<std::size_t>(format)];
}

std::string describe(const FormatInfo& format, std::string_view verb) {
    if (format.example.empty()) {
        return fmt::format("{} {}", verb, format.description);
    }
    return fmt::format("{} {}, e.g. {}", verb, format.description, format.example);
}

// Where a value sits, as a chain on the stack: the JSON Pointer is only spelt out for a problem.
struct Location {
    const Location* parent = nullptr;
    std::string_view key;
    std::size_t index = 0;
    bool is_index = false;
};

void append_pointer(std::string& out, const Location* at) {
    if (at == nullptr) {
        return;
    }
    append_pointer(out, at->parent);
    out += '/';
    if (at->is_index) {
        out += std::to_string(at->index);
        return;
    }
    for (char c : at->key) { // RFC 6901 §3
        if (c == '~') {
            out += "~0";
        } else if (c == '/') {
            out += "~1";
        } else {
            out += c;
        }
    }
}

std::string pointer_of(const Location* at) {
    std::string pointer;
    append_pointer(pointer, at);
    return pointer;
}

// A string as shown in a message: quoted, escaped, invalid UTF-8 replaced, cut after 40 characters.
std::string as_shown(std::string_view text) {
    constexpr std::size_t shown_characters = 40;
    std::string out = "\"";
    std::size_t characters = 0;
    std::size_t i = 0;
    while (i < text.size()) {
        if (characters++ == shown_characters) {
            out += "…";
            break;
        }
        const auto byte = static_cast<unsigned char>(text[i]);
        if (byte < 0x80) {
            if (byte == '"' || byte == '\\') {
                out += '\\';
                out += static_cast<char>(byte);
            } else if (byte < 0x20 || byte == 0x7F) {
                out += fmt::format("\\u{:04x}", byte);
            } else {
                out += static_cast<char>(byte);
            }
            ++i;
            continue;
        }
        const std::size_t length = byte >= 0xF0 ? 4 : byte >= 0xE0 ? 3 : 2;
        const std::string_view sequence = text.substr(i, length);
        if (sequence.size() == length && formats::utf8_length(sequence) == 1) {
            out += sequence;
            i += length;
        } else {
            out += "\uFFFD";
            ++i;
        }
    }
    out += '"';
    return out;
}

std::string type_name(const json& value) {
    if (value.is_null()) {
        return "null";
    }
    return fmt::format("{} {}", value.is_object() || value.is_array() ? "an" : "a",
                       value.type_name());
}

// "12345 is a number, not a string"; containers are named, not dumped.
std::string wrong_type(const json& value, const FormatInfo& format) {
    if (value.is_array() || value.is_object() || value.is_null()) {
        return fmt::format("is {}, not {}", type_name(value), format.json_type);
    }
    std::string shown = value.is_string() ? value.get_ref<const std::string&>() : value.dump();
    shown = format.personal ? mask_identity_number(shown) : std::move(shown);
    if (value.is_string()) {
        shown = as_shown(shown);
    }
    return fmt::format("{} is {}, not {}", shown, type_name(value), format.json_type);
}

std::size_t index_of(std::span<const FieldRule> rules, std::string_view key) {
    for (std::size_t i = 0; i < rules.size(); ++i) {
        if (rules[i].key == key) {
            return i;
        }
    }
    return rules.size();
}

std::string unknown_field_hint(std::string_view key, std::span<const FieldRule> siblings) {
    const FieldRule* best = nullptr;
    std::size_t best_distance = 0;
    for (const FieldRule& rule : siblings) {
        const std::size_t distance = typo_distance(key, rule.key);
        if (close_enough(key, rule.key) && (best == nullptr || distance < best_distance)) {
            best = &rule;
            best_distance = distance;
        }
    }
    if (best != nullptr) {
        return fmt::format("did you mean `{}`?", best->key);
    }
    // The right name in the wrong object: point at where it belongs.
    for (const std::string& pointer : known_order_fields()) {
        const std::string_view name = std::string_view(pointer).substr(pointer.rfind('/') + 1);
        if (close_enough(key, name)) {
            return fmt::format("did you mean `{}`?", pointer);
        }
    }
    return "remove it, or check its spelling against spec/order.md";
}

// The value at a JSON Pointer, or nullptr when the path leads nowhere.
const json* resolve(const json& document, const std::string& pointer) {
    try {
        const json::json_pointer at(pointer);
        return document.contains(at) ? &document.at(at) : nullptr;
    } catch (const json::exception&) {
        return nullptr; // a malformed pointer (a stray '~') names no field
    }
}

// Whether the deepest ancestor present of a missing field is an object or array. Anything else
// has an error of its own (customerDetails: "x") or cannot hold fields at all; absent and null
// ancestors are passed over, as the walk reports required fields inside a missing container.
bool in_container(const json& document, const std::string& pointer) {
    for (auto slash = pointer.rfind('/'); slash != std::string::npos && slash > 0;
         slash = pointer.rfind('/', slash - 1)) {
        const json* ancestor = resolve(document, pointer.substr(0, slash));
        if (ancestor != nullptr && !ancestor->is_null()) {
            return ancestor->is_object() || ancestor->is_array();
        }
    }
    return true; // the root, an object
}

class Validator {
  public:
    Validator(const ValidationOptions& options, Validation& result)
        : options_(options), result_(result) {
        for (const std::string& path : options.required) {
            extra_required_.push_back(to_json_pointer(path)); // dotted paths too
        }
    }

    void check_order(const json& order) {
        check_time_order(order);
        check_fields(&order, order_fields, nullptr);
        check_extra_required(order);
    }

  private:
    void add(Severity severity, std::string path, std::string_view rule, std::string message,
             std::string hint) {
        auto& list = severity == Severity::error ? result_.errors : result_.warnings;
        list.push_back(Problem{std::move(path), std::string(rule), std::move(message),
                               std::move(hint), severity});
    }

    void error(const Location& at, std::string_view rule, std::string message, std::string hint) {
        add(Severity::error, pointer_of(&at), rule, std::move(message), std::move(hint));
    }

    // `object` is null when the container itself is absent: only --require can then add problems.
    void check_fields(const json* object, std::span<const FieldRule> rules, const Location* at) {
        std::array<const json*, max_fields_per_object> found{};
        bool has_unknown = false;
        if (object != nullptr) {
            for (const auto& [key, value] : object->get_ref<const json::object_t&>()) {
                const std::size_t index = index_of(rules, key);
                if (index < rules.size()) {
                    found[index] = &value;
                } else {
                    has_unknown = true;
                }
            }
        }
        for (std::size_t i = 0; i < rules.size(); ++i) {
            const FieldRule& rule = rules[i];
            const Location here{at, rule.key};
            if (found[i] != nullptr && !found[i]->is_null()) {
                check_value(rule, *found[i], here);
                continue;
            }
            const bool required_locally = !extra_required_.empty() && is_extra_required(here);
            if ((object != nullptr && rule.mandatory) || required_locally) {
                // dataformats.md: optional fields may be null, mandatory ones must have a value.
                error(here, "required",
                      fmt::format("{} is {}", rule.key, found[i] == nullptr ? "missing" : "null"),
                      required_locally && !rule.mandatory
                          ? describe(info(rule.format), "this SP needs it: add")
                          : describe(info(rule.format), "add"));
            }
            if (!extra_required_.empty() && rule.format == Format::object) {
                check_fields(nullptr, rule.fields, &here);
            }
        }
        if (has_unknown) {
            warn_unknown_fields(*object, rules, at);
        }
    }

    void check_value(const FieldRule& rule, const json& value, const Location& here) {
        const FormatInfo& format = info(rule.format);
        const auto wrongly_typed = [&] {
            error(here, format.rule, wrong_type(value, format), describe(format, "write"));
        };
        switch (rule.format) {
        case Format::object:
            if (!value.is_object()) {
                return wrongly_typed();
            }
            return check_fields(&value, rule.fields, &here);
        case Format::product_list:
            if (!value.is_array()) {
                return wrongly_typed();
            }
            return check_products(rule, value, here);
        case Format::boolean:
            if (!value.is_boolean()) {
                return wrongly_typed();
            }
            return;
        default:
            if (!value.is_string()) {
                return wrongly_typed();
            }
            return check_string(rule.format, value.get_ref<const std::string&>(), here);
        }
    }

    void check_products(const FieldRule& rule, const json& products, const Location& here) {
        if (products.size() != 1) {
            // spec/order.md: one product offering per order today.
            error(here, "products",
                  products.empty() ? std::string("is empty")
                                   : fmt::format("has {} product offerings", products.size()),
                  "send exactly one product offering per order; split the others into orders of "
                  "their own");
        }
        for (std::size_t i = 0; i < products.size(); ++i) {
            const Location element{&here, {}, i, true};
            if (!products[i].is_object()) {
                error(element, "type", wrong_type(products[i], info(Format::object)),
                      "write a product offering: {\"productId\": \"…\", \"offeringId\": \"…\"}");
                continue;
            }
            check_fields(&products[i], rule.fields, &element);
        }
    }

    void check_string(Format format, const std::string& value, const Location& here) {
        const FormatInfo& about = info(format);
        std::string why;
        std::optional<std::string> fixed;
        switch (format) {
        case Format::id:
            why = formats::why_not_id(value);
            break;
        case Format::text:
        case Format::email:
            why = formats::why_not_text(value);
            // Blank is valid text: the customer gave no address, which is not a mistyped one.
            if (why.empty() && format == Format::email && !value.empty() &&
                !formats::looks_like_email(value)) {
                add(Severity::warning, pointer_of(&here), "email",
                    fmt::format("{} is not shaped like local@domain.tld", as_shown(value)),
                    "check the address with the customer");
            }
            break;
        case Format::enumeration:
            if (value != "ACTIVATE") {
                why = "is not a supported operation";
            }
            break;
        case Format::date_time:
            why = check_date_time(value).error;
            if (!why.empty()) {
                fixed = normalise_date_time(value);
            }
            break;
        case Format::identity_number:
            why = check_identity_number(value).error;
            if (!why.empty() && normalise_identity_number(
                                    value, std::chrono::floor<std::chrono::days>(options_.now))) {
                fixed = "YYYYMMDD-XXXX"; // never the number itself
            }
            break;
        case Format::phone_no:
            why = formats::why_not_phone_no(value);
            if (!why.empty()) {
                fixed = formats::normalise_phone_no(value);
            }
            break;
        case Format::postal_code:
            why = formats::why_not_postal_code(value);
            if (!why.empty()) {
                fixed = formats::normalise_postal_code(value);
            }
            break;
        default:
            break;
        }
        if (why.empty()) {
            return;
        }
        const std::string shown = as_shown(about.personal ? mask_identity_number(value) : value);
        std::string hint = describe(about, "write");
        if (fixed) {
            hint += fmt::format(" (--fix rewrites it as {})", *fixed);
        }
        error(here, about.rule, fmt::format("{} {}", shown, why), std::move(hint));
    }

    void warn_unknown_fields(const json& object, std::span<const FieldRule> rules,
                             const Location* at) {
        for (const auto& [key, value] : object.get_ref<const json::object_t&>()) {
            if (index_of(rules, key) < rules.size()) {
                continue;
            }
            const Location here{at, key};
            add(Severity::warning, pointer_of(&here), "unknownField",
                fmt::format("{} is not a field of spec/order.md", as_shown(key)),
                unknown_field_hint(key, rules));
        }
    }

    // DESIGN §3: suspicious, not wrong — the SP decides.
    void check_time_order(const json& order) {
        const auto instant = [&](const char* key) -> std::optional<DateTime> {
            const auto found = order.find(key);
            if (found == order.end() || !found->is_string()) {
                return std::nullopt;
            }
            return check_date_time(found->get_ref<const std::string&>()).value;
        };
        const auto ordered = instant("orderDateTime");
        const auto requested = instant("requestedDateTime");
        constexpr auto allowed_skew = std::chrono::minutes{5};
        // In microseconds: nanoseconds would overflow for years past 2262.
        const auto latest =
            std::chrono::floor<std::chrono::microseconds>(options_.now) + allowed_skew;
        if (ordered && ordered->instant > latest) {
            add(Severity::warning, "/orderDateTime", "timeOrder",
                fmt::format("{} is more than 5 minutes in the future ({} now)",
                            as_shown(order["orderDateTime"].get_ref<const std::string&>()),
                            format_date_time(options_.now)),
                "the order time is when the customer ordered: check the clock, and that the time "
                "is in UTC, not local time marked Z");
        }
        if (ordered && requested && requested->instant < ordered->instant) {
            add(Severity::warning, "/requestedDateTime", "timeOrder",
                fmt::format("{} is before orderDateTime",
                            as_shown(order["requestedDateTime"].get_ref<const std::string&>())),
                "request a time at or after the order time; the order time itself means as soon "
                "as possible");
        }
    }

    bool is_extra_required(const Location& here) const {
        const std::string pointer = pointer_of(&here);
        return std::find(extra_required_.begin(), extra_required_.end(), pointer) !=
               extra_required_.end();
    }

    // Required fields the table does not know: checked here, as the table's are in the walk.
    void check_extra_required(const json& order) {
        const auto& known = known_order_fields();
        for (const std::string& pointer : extra_required_) {
            if (pointer.empty() || std::find(known.begin(), known.end(), pointer) != known.end()) {
                continue;
            }
            const json* value = resolve(order, pointer);
            if (value != nullptr && !value->is_null()) {
                continue;
            }
            const bool reported =
                std::any_of(result_.errors.begin(), result_.errors.end(),
                            [&](const Problem& problem) { return problem.path == pointer; });
            if (!reported && in_container(order, pointer)) {
                add(Severity::error, pointer, "required",
                    fmt::format("{} is {}", pointer.substr(pointer.rfind('/') + 1),
                                value == nullptr ? "missing" : "null"),
                    "this SP needs it: add it");
            }
        }
    }

    const ValidationOptions& options_;
    Validation& result_;
    std::vector<std::string> extra_required_;
};

void collect_fields(std::vector<std::string>& out, const std::string& prefix,
                    std::span<const FieldRule> rules) {
    for (const FieldRule& rule : rules) {
        const Location here{nullptr, rule.key};
        std::string pointer = prefix;
        append_pointer(pointer, &here);
        out.push_back(pointer);
        if (rule.format == Format::object) {
            collect_fields(out, pointer, rule.fields);
        } else if (rule.format == Format::product_list) {
            collect_fields(out, pointer + "/0", rule.fields); // one product offering
        }
    }
}

} // namespace

const std::vector<std::string>& known_order_fields() {
    static const std::vector<std::string> fields = [] {
        std::vector<std::string> out;
        collect_fields(out, "", order_fields);
        return out;
    }();
    return fields;
}

Validation validate_order(const json& order, const ValidationOptions& options) {
    Validation result;
    if (!order.is_object()) {
        result.errors.push_back(
            Problem{"", "type", fmt::format("the order is {}, not an object", type_name(order)),
                    "write one order as a JSON object: {\"coId\": …}", Severity::error});
        return result;
    }
    Validator(options, result).check_order(order);
    if (options.strict) {
        for (Problem& warning : result.warnings) {
            warning.severity = Severity::error;
            result.errors.push_back(std::move(warning));
        }
        result.warnings.clear();
    }
    return result;
}

} // namespace onorder
