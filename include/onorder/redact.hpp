// One redactor for every log, trace, dry run and human output (DESIGN §2).
#pragma once

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

    // Text with every secret replaced by "****", every "Authorization:" header value replaced by
    // "[redacted]", and every identity number (known ones, and anything shaped YYYYMMDD-XXXX or
    // YYMMDD-XXXX) masked as 19821105-****.
    std::string redact(std::string_view text) const;

  private:
    std::vector<std::string> secrets_;          // longest first, so no secret is left half shown
    std::vector<std::string> identity_numbers_; // every written form of the known numbers
};

// A copy of an order with personalIdentityNumber and organizationNumber masked.
nlohmann::json mask_order(const nlohmann::json& order);

} // namespace onorder
