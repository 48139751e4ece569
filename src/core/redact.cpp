#include <onorder/helpers.hpp>
#include <onorder/redact.hpp>

#include <onorder/identity_number.hpp>
#include <onorder/printable.hpp>

#include <algorithm>
#include <array>
#include <cstddef>

#include <nlohmann/json.hpp>

namespace onorder {

namespace {

constexpr std::string_view hidden = "****";

std::size_t digit_run(std::string_view text, std::size_t from) {
    std::size_t end = from;
    while (end < text.size() && is_digit(text[end])) {
        ++end;
    }
    return end - from;
}

// Replaces every occurrence of `needle`; `replacement(match)` says with what.
template <class Replacement>
std::string replace_all(std::string_view text, std::string_view needle, Replacement replacement) {
    std::string out;
    std::size_t from = 0;
    for (std::size_t at = text.find(needle); at != std::string_view::npos;
         at = text.find(needle, from)) {
        out.append(text.substr(from, at - from));
        out.append(replacement(text.substr(at, needle.size())));
        from = at + needle.size();
    }
    if (from == 0) {
        return std::string(text);
    }
    out.append(text.substr(from));
    return out;
}

// YYMMDDXXXX or YYMMDD?XXXX: the forms add_identity_number derives, whose last four are the secret.
bool is_derived_form(std::string_view form) {
    const bool ten_digits = form.size() == 10 && digit_run(form, 0) == 10;
    const bool separated = form.size() == 11 && digit_run(form, 0) == 6 && digit_run(form, 7) == 4;
    return ten_digits || separated;
}

std::string mask_known_form(std::string_view match) {
    if (is_derived_form(match)) {
        return std::string(match.substr(0, match.size() - 4)).append(hidden);
    }
    return mask_identity_number(match);
}

// "Authorization: Basic dXNl…" → "Authorization: Basic [redacted]". Also matches
// Proxy-Authorization and the JSON form "Authorization": "…"; the value ends at a line end or a
// quote, so a header quoted on a curl command line keeps its closing quote.
std::string redact_authorization(std::string_view text) {
    constexpr std::string_view name = "authorization";
    std::string out;
    std::size_t copied = 0;
    for (std::size_t colon = text.find(':'); colon != std::string_view::npos;
         colon = text.find(':', colon + 1)) {
        std::size_t name_end = colon;
        if (name_end > 0 && text[name_end - 1] == '"') {
            --name_end;
        }
        if (name_end < name.size() || name_end - name.size() < copied) {
            continue;
        }
        const std::size_t name_start = name_end - name.size();
        if (!std::equal(name.begin(), name.end(), text.begin() + name_start,
                        [](char a, char b) { return a == lower(b); })) {
            continue;
        }
        std::size_t value = colon + 1;
        while (value < text.size() && (text[value] == ' ' || text[value] == '\t')) {
            ++value;
        }
        if (value < text.size() && text[value] == '"') {
            ++value;
        }
        const std::size_t end = std::min(text.find_first_of("\r\n\"'", value), text.size());
        if (end == value) {
            continue;
        }
        // Keep the scheme ("Basic", "Bearer"): it tells the reader which credentials were sent.
        std::size_t secret = value;
        while (secret < end && text[secret] != ' ') {
            ++secret;
        }
        secret = (secret < end) ? secret + 1 : value;
        out.append(text.substr(copied, secret - copied));
        out.append("[redacted]");
        copied = end;
        colon = end - 1;
    }
    if (copied == 0) {
        return std::string(text);
    }
    out.append(text.substr(copied));
    return out;
}

// Anything shaped like an identity or organisation number that could be one
// (plausible_identity_number): 12 or 10 digits, or 8 or 6 digits, '-' or '+', 4 digits. A run right
// after '+' is an E.164 phone number, and one inside a longer run is something else: both are left
// alone, as are numbers with no real date or a wrong check digit (error numbers, ticket ids).
std::string mask_number_shapes(std::string_view text) {
    std::string out(text);
    std::size_t at = 0;
    while (at < out.size()) {
        if (!is_digit(out[at])) {
            ++at;
            continue;
        }
        const std::size_t run = digit_run(out, at);
        const bool after_plus = at > 0 && out[at - 1] == '+';
        const std::size_t next = at + run;
        if (!after_plus) {
            const std::string_view digits = std::string_view(out).substr(at, run);
            if ((run == 12 || run == 10) && plausible_identity_number(digits)) {
                out.replace(next - 4, 4, hidden);
            } else if ((run == 8 || run == 6) && next < out.size() &&
                       (out[next] == '-' || out[next] == '+') && digit_run(out, next + 1) == 4 &&
                       plausible_identity_number(std::string(digits).append(out, next + 1, 4))) {
                out.replace(next + 1, 4, hidden);
            }
        }
        at = next;
    }
    return out;
}

// Calls `visit` with each identity number field of an order's customerDetails that is present.
template <class Json, class Visit> void for_each_identity_field(Json& order, Visit visit) {
    if (!order.is_object()) {
        return;
    }
    const auto details = order.find("customerDetails");
    if (details == order.end() || !details->is_object()) {
        return;
    }
    for (const char* key : {"personalIdentityNumber", "organizationNumber"}) {
        const auto field = details->find(key);
        if (field != details->end()) {
            visit(*field);
        }
    }
}

} // namespace

void Redactor::add_secret(std::string secret) {
    if (secret.empty() || std::find(secrets_.begin(), secrets_.end(), secret) != secrets_.end()) {
        return;
    }
    secrets_.push_back(std::move(secret));
    std::stable_sort(
        secrets_.begin(), secrets_.end(),
        [](const std::string& a, const std::string& b) { return a.size() > b.size(); });
}

void Redactor::add_identity_number(std::string_view number) {
    std::string digits;
    for (char c : number) {
        if (is_digit(c)) {
            digits.push_back(c);
        }
    }
    std::vector<std::string> forms;
    if (digits.size() == 12 || digits.size() == 10) {
        // Every way of writing it contains one of the ten-digit forms (the century is a prefix).
        const std::string ten = digits.substr(digits.size() - 10);
        forms.push_back(ten);
        for (char separator : {'-', '+', ' '}) {
            forms.push_back(ten.substr(0, 6) + separator + ten.substr(6));
        }
    } else if (number.size() >= 8) {
        // A mistyped number still identifies someone; shorter fragments would mask dates at random.
        forms.emplace_back(number);
    }
    for (auto& form : forms) {
        if (std::find(identity_numbers_.begin(), identity_numbers_.end(), form) ==
            identity_numbers_.end()) {
            identity_numbers_.push_back(std::move(form));
        }
    }
}

void Redactor::add_order(const nlohmann::json& order) {
    for_each_identity_field(order, [this](const nlohmann::json& field) {
        if (field.is_string()) {
            add_identity_number(field.get_ref<const std::string&>());
        } else if (field.is_number()) {
            add_identity_number(field.dump()); // still the person's number
        }
    });
}

void Redactor::show_identity_numbers(bool show) {
    show_identity_numbers_ = show;
}

std::string Redactor::redact_secrets(std::string_view text) const {
    std::string out(text);
    for (const auto& secret : secrets_) {
        out = replace_all(out, secret, [](std::string_view) { return std::string(hidden); });
    }
    return redact_authorization(out);
}

std::string Redactor::redact(std::string_view text) const {
    std::string out = redact_secrets(text);
    if (show_identity_numbers_) {
        return out;
    }
    for (const auto& form : identity_numbers_) {
        out = replace_all(out, form, mask_known_form);
    }
    return mask_number_shapes(out);
}

std::string Redactor::display(std::string_view text, std::size_t max_chars) const {
    // Redacted first, so a secret is found as it was written; again once control characters are
    // gone, so that none can split a number out of the mask; cut last, so that a cut never
    // leaves part of a number readable.
    const std::string redacted = redact(text);
    return printable(redact(printable(redacted, redacted.size())), max_chars);
}

nlohmann::json mask_order(const nlohmann::json& order) {
    nlohmann::json masked = order;
    for_each_identity_field(masked, [](nlohmann::json& field) {
        if (field.is_string()) {
            field = mask_identity_number(field.get_ref<const std::string&>());
        } else if (field.is_number()) {
            // A number where a string belongs is still the person's number.
            field = mask_identity_number(field.dump());
        }
    });
    return masked;
}

} // namespace onorder
