#include <onorder/fix.hpp>

#include <onorder/date_time.hpp>
#include <onorder/formats.hpp>
#include <onorder/identity_number.hpp>

#include <array>
#include <optional>
#include <string_view>

#include <nlohmann/json.hpp>

namespace onorder {

namespace {

using json = nlohmann::json;
using std::chrono::sys_days;

// Each returns the unambiguous valid form of an invalid value, or nullopt: a valid value is never
// touched, and a guess is never made.
std::optional<std::string> fix_date_time(std::string_view value, sys_days) {
    if (check_date_time(value).value) {
        return std::nullopt;
    }
    return normalise_date_time(value);
}

std::optional<std::string> fix_identity_number(std::string_view value, sys_days today) {
    if (check_identity_number(value).valid) {
        return std::nullopt;
    }
    return normalise_identity_number(value, today);
}

std::optional<std::string> fix_phone_no(std::string_view value, sys_days) {
    if (formats::is_phone_no(value)) {
        return std::nullopt;
    }
    return formats::normalise_phone_no(value);
}

std::optional<std::string> fix_postal_code(std::string_view value, sys_days) {
    if (formats::is_postal_code(value)) {
        return std::nullopt;
    }
    return formats::normalise_postal_code(value);
}

struct FixRule {
    std::array<std::string_view, 3> path; // object keys from the root; unused ones empty
    std::optional<std::string> (*fix)(std::string_view, sys_days);
    bool personal = false; // reported masked
};

// DESIGN §3: the normalisations --fix makes, in the order of spec/order.md.
constexpr FixRule fix_rules[] = {
    {{"orderDateTime"}, fix_date_time},
    {{"requestedDateTime"}, fix_date_time},
    {{"customerDetails", "personalIdentityNumber"}, fix_identity_number, true},
    {{"customerDetails", "organizationNumber"}, fix_identity_number, true},
    {{"customerDetails", "customerPhone"}, fix_phone_no},
    {{"customerDetails", "customerMobilePhone"}, fix_phone_no},
    {{"customerDetails", "invoiceDetails", "postalCode"}, fix_postal_code},
};

json* find_field(json& order, const FixRule& rule, std::string& pointer) {
    json* value = &order;
    for (std::string_view key : rule.path) {
        if (key.empty()) {
            break;
        }
        if (!value->is_object()) {
            return nullptr;
        }
        const auto found = value->find(key);
        if (found == value->end()) {
            return nullptr;
        }
        value = &*found;
        pointer += '/';
        pointer += key; // none of the keys needs RFC 6901 escaping
    }
    return value;
}

} // namespace

std::vector<Change> fix_order(json& order, std::chrono::system_clock::time_point now) {
    std::vector<Change> changes;
    const auto today = std::chrono::floor<std::chrono::days>(now);
    for (const FixRule& rule : fix_rules) {
        std::string pointer;
        json* value = find_field(order, rule, pointer);
        if (value == nullptr || !value->is_string()) {
            continue;
        }
        const std::string& before = value->get_ref<const std::string&>();
        std::optional<std::string> after = rule.fix(before, today);
        if (!after || *after == before) {
            continue;
        }
        changes.push_back(Change{std::move(pointer),
                                 rule.personal ? mask_identity_number(before) : before,
                                 rule.personal ? mask_identity_number(*after) : *after});
        *value = std::move(*after);
    }
    return changes;
}

} // namespace onorder
