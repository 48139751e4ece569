// The 400 answers of spec/order.md: a "cause" for the operator, a "message" for the customer.
#pragma once

#include <onorder/problem.hpp>

#include <string>

#include <nlohmann/json_fwd.hpp>

namespace onorder::mock {

// A body that is not JSON: {"cause":"Malformed JSON: …","message":"The order could not be read."}
nlohmann::json malformed_json_answer(const Problem& syntax_error);

// An order that breaks a rule: {"cause":"Bad <dotted path>: <what>","message":<for the customer>}
nlohmann::json invalid_order_answer(const Problem& first_error);

// "/customerDetails/personalIdentityNumber" → "customerDetails.personalIdentityNumber", the way
// spec/order.md names fields; array indexes are left out ("/products/0/offeringId" →
// "products.offeringId") and "" names the whole order.
std::string dotted_path(const std::string& json_pointer);

} // namespace onorder::mock
