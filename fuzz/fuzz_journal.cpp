// An existing journal's bytes, as Journal::open reads them: in pieces of any size, the same
// records whatever the pieces.
#include <onorder/journal.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

// The first byte is the size of the pieces the rest is fed in (0: all at once); the records read
// must not depend on it.
extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0)
        return 0;
    const std::size_t piece = data[0];
    const std::string_view bytes(reinterpret_cast<const char*>(data) + 1, size - 1);

    onorder::JournalReader whole("fuzz.journal");
    const bool whole_ok = whole.feed(bytes);
    const auto whole_tail = whole.finish();

    onorder::JournalReader pieces("fuzz.journal");
    bool pieces_ok = true;
    for (std::size_t at = 0; pieces_ok && at < bytes.size();
         at += piece == 0 ? bytes.size() : piece)
        pieces_ok = pieces.feed(bytes.substr(at, piece == 0 ? bytes.size() : piece));
    const auto pieces_tail = pieces.finish();

    if (whole_ok != pieces_ok || whole_tail != pieces_tail ||
        whole.records_read() != pieces.records_read() ||
        whole.whole_bytes() != pieces.whole_bytes() || whole.problem() != pieces.problem() ||
        whole.recorded().size() != pieces.recorded().size())
        std::abort();
    if (whole_ok && whole.whole_bytes() + whole.pending_bytes() != bytes.size())
        std::abort();
    return 0;
}
