// Printing results for people and for scripts. No rules here: only words and layout.
#pragma once

#include "terminal.hpp"

#include <onorder/order_stream.hpp>
#include <onorder/response.hpp>

#include <cstdio>
#include <string>

#include <nlohmann/json.hpp>

namespace onorder::cli {

// validate --output json: one line per order, DESIGN §3.
nlohmann::ordered_json validation_json(const CheckedOrder& order);

// Human: the problems of one order, each with path, rule, message and fix hint; changes by --fix.
void print_problems(std::FILE* out, const Style& style, const CheckedOrder& order);

// submit --output json: one object per order (DESIGN §2 Output).
nlohmann::ordered_json verdict_json(const CheckedOrder& order, const Verdict& verdict);

// Human: the verdict first, in words, then the customer message, then details.
void print_verdict(std::FILE* out, const Style& style, const CheckedOrder& order,
                   const Verdict& verdict, bool several);

void print_json_line(std::FILE* out, const nlohmann::ordered_json& line);

} // namespace onorder::cli
