// Text from the SP made safe for a terminal (DESIGN §4).
#pragma once

#include <string>
#include <string_view>

namespace onorder {

// Control characters (C0, DEL, C1) and bidi overrides removed, line breaks and tabs turned into
// spaces, invalid UTF-8 replaced, at most `max_chars` code points ("…" appended when cut).
std::string printable(std::string_view text, std::size_t max_chars = 1000);

} // namespace onorder
