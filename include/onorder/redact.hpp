// One redactor for every log, trace, dry run and human output (DESIGN §2).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

namespace onorder {

class Redactor {
  public:
    // Secrets to hide wherever they appear: passwords, the base64 credentials of basic auth.
    void add_secret(std::string secret);
    // Known identity numbers (the order's): hidden in every form they can be written.
    void add_identity_number(std::string_view number);
    // The order's own numbers: customerDetails.personalIdentityNumber and organizationNumber.
    void add_order(const nlohmann::json& order);
    // --unmask: identity numbers are shown in full; secrets never are.
    void show_identity_numbers(bool show = true);

    // Secrets and Authorization values only; identity numbers are left as they are.
    std::string redact_secrets(std::string_view text) const;
    // Text from outside (the SP's) as it may be shown: redacted, without control characters
    // (printable()), at most `max_chars` code points.
    std::string display(std::string_view text, std::size_t max_chars = 1000) const;

    // Text with every secret replaced by "****", every "Authorization:" header value replaced by
    // "[redacted]", and every identity number masked as 19821105-****: the known ones in any
    // form, and anything that could be one — 12 or 10 digits, or YYYYMMDD/YYMMDD, '-' or '+',
    // XXXX, with a real date and a valid check digit (plausible_identity_number) — unless
    // show_identity_numbers().
    std::string redact(std::string_view text) const;

  private:
    std::vector<std::string> secrets_;          // longest first, so no secret is left half shown
    std::vector<std::string> identity_numbers_; // every written form of the known numbers
    bool show_identity_numbers_ = false;
};

// A copy of an order with personalIdentityNumber and organizationNumber masked.
nlohmann::json mask_order(const nlohmann::json& order);

} // namespace onorder
