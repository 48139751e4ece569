// identityNumber of spec/dataformats.md: Swedish personal identity, coordination and organisation
// numbers, written YYYYMMDD-XXXX (organisation numbers 16NNNNNN-NNNN), Luhn over the ten digits.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace onorder {

enum class IdentityKind { personal, coordination, organisation };

struct IdentityCheck {
    bool valid = false;
    IdentityKind kind = IdentityKind::personal;
    std::string error; // why not, when invalid; never contains the number itself
};

IdentityCheck check_identity_number(std::string_view text);

// Whether `digits` — 10 or 12 digits, nothing else — could be someone's identity number, as the
// redactor must assume: a real date (day + 60 for a coordination number; an organisation number's
// 3rd–4th digits are ≥ 20 instead) and a valid Luhn digit over the last ten.
bool plausible_identity_number(std::string_view digits);

// "19821105-****": the date part stays, the serial and check digit are hidden. Anything that is not
// shaped like an identity number is masked whole except its first 8 characters at most (and at
// most half of it), so a mistyped number never leaks in full.
std::string mask_identity_number(std::string_view text);

// --fix: 198211059954, 8211059954, 821105-9954, 821105+9954 (over 100 years) and organisation
// numbers without the 16 prefix → YYYYMMDD-XXXX; nullopt when no unambiguous form exists.
// `today` decides the century of a ten-digit number, as the Swedish tax agency does.
std::optional<std::string> normalise_identity_number(std::string_view text,
                                                     std::chrono::sys_days today);

} // namespace onorder
