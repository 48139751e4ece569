#include "bad_request.hpp"

#include <algorithm>
#include <array>
#include <string_view>

#include <nlohmann/json.hpp>

namespace onorder::mock {
namespace {

struct CustomerWording {
    std::string_view field; // JSON Pointer; also covers everything below it
    std::string_view message;
};

// Most specific first: the first field that covers the error's path wins.
constexpr std::array customer_wordings{
    CustomerWording{"/customerDetails/personalIdentityNumber",
                    "Social security number is missing or incorrect."},
    CustomerWording{"/customerDetails/customerPhone", "The phone number is incorrect."},
    CustomerWording{"/customerDetails/customerMobilePhone",
                    "The mobile phone number is incorrect."},
    CustomerWording{"/customerDetails/customerEmail", "The e-mail address is incorrect."},
    CustomerWording{"/customerDetails/customerFirstname", "The first name is incorrect."},
    CustomerWording{"/customerDetails/customerLastName", "The last name is incorrect."},
    CustomerWording{"/customerDetails/invoiceDetails/postalCode",
                    "The postal code is missing or incorrect."},
    CustomerWording{"/customerDetails/invoiceDetails", "The invoice address is incorrect."},
    CustomerWording{"/customerDetails", "The customer details are missing or incorrect."},
    CustomerWording{"/products", "The selected offering cannot be ordered."},
    CustomerWording{"/requestedDateTime", "The requested delivery time is incorrect."},
};

constexpr std::string_view generic_customer_message =
    "The order could not be processed. Please contact customer service.";

bool covers(std::string_view field, std::string_view path) {
    return path.starts_with(field) && (path.size() == field.size() || path[field.size()] == '/');
}

std::string_view customer_message(std::string_view path) {
    const auto wording =
        std::find_if(customer_wordings.begin(), customer_wordings.end(),
                     [&](const CustomerWording& w) { return covers(w.field, path); });
    return wording == customer_wordings.end() ? generic_customer_message : wording->message;
}

bool is_array_index(std::string_view segment) {
    return !segment.empty() &&
           std::all_of(segment.begin(), segment.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// RFC 6901 §4: "~1" is "/" and "~0" is "~", in that order.
std::string unescape_segment(std::string_view segment) {
    std::string out;
    for (std::size_t i = 0; i < segment.size(); ++i) {
        if (segment[i] == '~' && i + 1 < segment.size() &&
            (segment[i + 1] == '0' || segment[i + 1] == '1')) {
            out += segment[i + 1] == '1' ? '/' : '~';
            ++i;
        } else {
            out += segment[i];
        }
    }
    return out;
}

} // namespace

std::string dotted_path(const std::string& json_pointer) {
    std::string dotted;
    std::string_view rest = json_pointer;
    while (!rest.empty()) {
        rest.remove_prefix(1); // the '/' that starts every segment
        const std::size_t end = std::min(rest.find('/'), rest.size());
        const std::string_view segment = rest.substr(0, end);
        rest.remove_prefix(end);
        if (is_array_index(segment))
            continue;
        if (!dotted.empty())
            dotted += '.';
        dotted += unescape_segment(segment);
    }
    return dotted.empty() ? "order" : dotted;
}

nlohmann::json malformed_json_answer(const Problem& syntax_error) {
    return {{"cause", "Malformed JSON: " + syntax_error.message},
            {"message", "The order could not be read."}};
}

nlohmann::json invalid_order_answer(const Problem& first_error) {
    return {{"cause", "Bad " + dotted_path(first_error.path) + ": " + first_error.message},
            {"message", customer_message(first_error.path)}};
}

} // namespace onorder::mock
