// A problem found in an order: what the validator, the reader and --fix report.
#pragma once

#include <string>
#include <vector>

namespace onorder {

enum class Severity { error, warning };

struct Problem {
    std::string path;    // JSON Pointer (RFC 6901); "" for the whole document
    std::string rule;    // DESIGN §3: json, type, required, id, text, enum, dateTime, products,
                         // boolean, identityNumber, phoneNo, postalCode; warnings: unknownField,
                         // timeOrder, email
    std::string message; // what is wrong; personal values already masked
    std::string hint;    // how to fix it ("" when there is nothing to add)
    Severity severity = Severity::error;
    std::string flag = {}; // the command-line flag that set the field ("--phone"), when one did
};

using Problems = std::vector<Problem>;

} // namespace onorder
