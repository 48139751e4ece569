#include <onorder/date_time.hpp>
#include <onorder/order_builder.hpp>

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

void default_requested_time(std::vector<FieldValue>& fields) {
    std::optional<nlohmann::json> order_time;
    for (const auto& field : fields) {
        if (field.pointer == "/requestedDateTime")
            return;
        if (field.pointer == "/orderDateTime")
            order_time = field.value;
    }
    if (order_time)
        fields.push_back({"/requestedDateTime", std::move(*order_time)});
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

} // namespace onorder
