// Interpreting the SP's answer (spec/order.md, spec/responses.md, DESIGN §4).
#pragma once

#include <onorder/http_client.hpp>
#include <onorder/outcome.hpp>
#include <onorder/redact.hpp>

#include <chrono>
#include <optional>
#include <string>

namespace onorder {

struct Verdict {
    Outcome outcome = Outcome::unknown;
    long http_status = 0;
    std::string status;      // 200: ACTIVATED / RECEIVED / REJECTED (or the unknown value seen)
    std::string message;     // for the customer (200 and 400)
    std::string cause;       // for the operator (400 and other errors)
    std::string explanation; // one paragraph for the operator: what happened and what to do
    std::string note;        // a remark that does not change the outcome ("" when none)
    // How to head the verdict for people when the outcome's words would mislead ("" = those
    // words): "unexpected answer" for a 2xx that is not the spec's answer.
    std::string headline;
    int attempts = 1;
    std::chrono::milliseconds elapsed{0};
    bool earlier_run = false; // settled by an earlier run (the journal): not sent in this one
    // Set when the SP asked (Retry-After) not to be sent this order again before then.
    std::optional<std::chrono::system_clock::time_point> not_before;
};

// What the exchange means for the order. Every piece of the SP's text in the verdict — status,
// message, cause, body excerpts in the explanation — is shown through `redactor` (DESIGN §4):
// give it the order's own identity numbers, and show_identity_numbers() for --unmask.
Verdict interpret(const HttpExchange& exchange, const Redactor& redactor);

// The verdict on an order that failed local validation: nothing was sent.
Verdict invalid_order_verdict();

// What the HTTP status means, per spec/responses.md ("Too Many Requests", …).
std::string_view status_meaning(long http_status);

} // namespace onorder
