#include <onorder/date_time.hpp>
#include <onorder/order_builder.hpp>
#include <onorder/order_stream.hpp>

#include <algorithm>

namespace onorder {

std::string to_json_pointer(std::string_view path) {
    if (path.empty() || path.front() == '/')
        return std::string(path);
    std::string pointer;
    pointer.reserve(path.size() + 1);
    pointer += '/';
    for (char c : path) {
        if (c == '.')
            pointer += '/';
        else if (c == '~')
            pointer += "~0";
        else if (c == '/')
            pointer += "~1";
        else
            pointer += c;
    }
    return pointer;
}

std::optional<FieldValue> parse_set_expression(std::string_view expression, std::string& error) {
    const auto equals = expression.find('=');
    if (equals == std::string_view::npos) {
        error = "expected PATH=VALUE, e.g. customerDetails.customerEmail=anna@example.se";
        return std::nullopt;
    }
    const std::string_view path = expression.substr(0, equals);
    const std::string_view text = expression.substr(equals + 1);
    if (path.empty() || path == "/") {
        error = "the path before '=' is empty";
        return std::nullopt;
    }
    FieldValue field{to_json_pointer(path), nullptr};
    // A value that reads as JSON is taken as JSON, so `--set
    // customerDetails.identifiedCustomer=true` sets a boolean; anything else is a string, so no
    // quoting is needed for plain text.
    auto parsed = nlohmann::json::parse(text.begin(), text.end(), nullptr, false);
    if (!parsed.is_discarded() && !text.empty())
        field.value = std::move(parsed);
    else
        field.value = std::string(text);
    return field;
}

nlohmann::json base_order(std::chrono::system_clock::time_point now) {
    const std::string order_time = format_date_time(now);
    return {{"operation", "ACTIVATE"},
            {"orderDateTime", order_time},
            {"requestedDateTime", order_time}};
}

bool default_requested_time(std::vector<FieldValue>& fields) {
    std::optional<nlohmann::json> order_time;
    for (const auto& field : fields) {
        if (field.pointer == "/requestedDateTime")
            return false;
        if (field.pointer == "/orderDateTime")
            order_time = field.value;
    }
    if (!order_time)
        return false;
    fields.push_back({"/requestedDateTime", std::move(*order_time)});
    return true;
}

bool apply_fields(nlohmann::json& order, const std::vector<FieldValue>& fields,
                  std::string& error) {
    for (const auto& field : fields) {
        try {
            // A numeric token makes an array where nothing stands yet (products/0/...).
            order[nlohmann::json::json_pointer(field.pointer)] = field.value;
        } catch (const nlohmann::json::exception& e) {
            error = "cannot set " + field.pointer + ": " + e.what();
            return false;
        }
    }
    return true;
}

namespace {

// The field that set the value at `pointer`: the last one at that very place, else the last one
// that set a container around it (--set customerDetails={…}).
const FieldValue* field_at(const std::vector<FieldValue>& fields, const std::string& pointer) {
    const FieldValue* found = nullptr;
    for (const FieldValue& field : fields) {
        const bool here = pointer == field.pointer;
        const bool around = pointer.size() > field.pointer.size() &&
                            pointer.starts_with(field.pointer) &&
                            pointer[field.pointer.size()] == '/';
        if (!field.flag.empty() && (here || around) &&
            (found == nullptr || field.pointer.size() >= found->pointer.size()))
            found = &field;
    }
    return found;
}

} // namespace

CheckedOrder build_order(const StreamOptions& options, const std::string& default_co_id) {
    StreamOptions built = options;
    nlohmann::json document = base_order(options.validation.now);
    if (!default_co_id.empty())
        document["coId"] = default_co_id;
    const bool requested_given =
        std::any_of(built.fields.begin(), built.fields.end(),
                    [](const FieldValue& field) { return field.pointer == "/requestedDateTime"; });
    default_requested_time(built.fields);
    CheckedOrder order = check_document(std::move(document), "command line", built);

    auto& validation = order.validation;
    if (!requested_given) {
        // Whatever is wrong with a requested time that copies the order time is the order
        // time's problem, reported there.
        const auto about_requested = [](const auto& item) {
            return item.path == "/requestedDateTime";
        };
        std::erase_if(validation.errors, about_requested);
        std::erase_if(validation.warnings, about_requested);
        std::erase_if(order.changes, about_requested);
    }
    for (auto* problems : {&validation.errors, &validation.warnings})
        for (Problem& problem : *problems)
            if (const FieldValue* field = field_at(options.fields, problem.path))
                problem.flag = field->flag;
    return order;
}

} // namespace onorder
