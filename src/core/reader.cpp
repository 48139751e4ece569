#include <onorder/helpers.hpp>
#include <onorder/reader.hpp>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <string_view>
#include <utility>
#include <vector>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>

namespace onorder {

namespace {

// One read(2) per 64 KiB whatever the order size: memory stays flat however long the batch.
constexpr std::size_t buffer_size = std::size_t{64} * 1024;

Problem json_problem(std::string message) {
    return Problem{"", "json", std::move(message), "", Severity::error};
}

bool is_blank(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

bool ends_with_ignoring_case(std::string_view text, std::string_view suffix) {
    return text.size() >= suffix.size() &&
           std::equal(suffix.begin(), suffix.end(), text.end() - suffix.size(), [](char a, char b) {
               return a == ((b >= 'A' && b <= 'Z') ? static_cast<char>(b - 'A' + 'a') : b);
           });
}

// What a byte that cannot start or continue JSON here means to a person.
std::string unexpected_byte(unsigned char c) {
    if (c >= 0x80) {
        return fmt::format("unexpected byte 0x{:02X}: binary data, not JSON", c);
    }
    if (c < 0x20 || c == 0x7f) {
        return "binary data, not JSON";
    }
    return fmt::format("syntax error: unexpected '{}'", static_cast<char>(c));
}

class FileDescriptor {
  public:
    FileDescriptor(int fd, bool owned) : fd_(fd), owned_(owned) {}
    FileDescriptor(FileDescriptor&& other) noexcept
        : fd_(std::exchange(other.fd_, -1)), owned_(other.owned_) {}
    FileDescriptor(const FileDescriptor&) = delete;
    FileDescriptor& operator=(const FileDescriptor&) = delete;
    FileDescriptor& operator=(FileDescriptor&&) = delete;
    ~FileDescriptor() {
        if (owned_ && fd_ >= 0) {
            ::close(fd_);
        }
    }
    int get() const { return fd_; }

  private:
    int fd_;
    bool owned_;
};

// The source's bytes through one fixed buffer, with the position of the cursor in lines and
// columns, and optionally a capture of the bytes passed over (one order's text).
class Input {
  public:
    Input(std::string source, FileDescriptor fd, int copy_to = -1)
        : source_(std::move(source)), fd_(std::move(fd)), buffer_(new char[buffer_size]),
          copy_to_(copy_to) {}
    // Bytes in memory, read through the same buffer as a file's, at most `piece` bytes a read
    // (0: as many as fit).
    Input(std::string source, std::string bytes, std::size_t piece)
        : source_(std::move(source)), fd_(-1, false), buffer_(new char[buffer_size]),
          bytes_(std::move(bytes)), piece_(piece), from_memory_(true) {}

    // False at the end of the input or after a read error; keeps the captured bytes.
    bool fill() {
        if (pos_ < end_) {
            return true;
        }
        if (capturing_) {
            captured_.append(buffer_.get() + mark_, end_ - mark_);
            mark_ = 0;
        }
        offset_ += end_;
        pos_ = end_ = 0;
        while (!at_end_) {
            const ssize_t got = read_some(buffer_.get(), buffer_size);
            if (got > 0) {
                end_ = static_cast<std::size_t>(got);
                ++reads_;
                return copy(0, end_);
            }
            if (got < 0 && errno == EINTR) {
                continue;
            }
            if (got < 0) {
                error_ =
                    SourceError{source_, fmt::format("cannot read {}: {}", display_name(source_),
                                                     std::strerror(errno))};
            }
            at_end_ = true;
        }
        return false;
    }

    int peek() { return fill() ? static_cast<unsigned char>(buffer_[pos_]) : -1; }
    void advance() { step(buffer_[pos_]); }
    void skip_blanks() {
        while (fill() && is_blank(buffer_[pos_])) {
            advance();
        }
    }
    // A UTF-8 byte order mark is not part of the JSON (RFC 8259 §8.1 lets readers ignore it).
    void skip_byte_order_mark() {
        constexpr std::string_view mark = "\xEF\xBB\xBF";
        while (fill() && end_ < mark.size() && !at_end_) {
            const ssize_t got = read_some(buffer_.get() + end_, buffer_size - end_);
            if (got > 0) {
                const std::size_t from = end_;
                end_ += static_cast<std::size_t>(got);
                ++reads_;
                if (!copy(from, end_))
                    return;
            } else if (!(got < 0 && errno == EINTR)) {
                break;
            }
        }
        if (end_ >= mark.size() && std::string_view(buffer_.get(), mark.size()) == mark) {
            pos_ = mark.size();
            line_start_ = mark.size();
        }
    }

    void start_capture() {
        captured_.clear();
        mark_ = pos_;
        capturing_ = true;
    }
    std::string finish_capture() {
        captured_.append(buffer_.get() + mark_, pos_ - mark_);
        capturing_ = false;
        return std::exchange(captured_, std::string());
    }
    void drop_capture() {
        capturing_ = false;
        std::string().swap(captured_);
    }
    std::size_t captured_size() const { return captured_.size() + (pos_ - mark_); }

    std::size_t line() const { return line_; }
    // How many reads have filled the buffer: a new count means new bytes from pos() on.
    std::uint64_t reads() const { return reads_; }
    std::size_t column() const {
        return static_cast<std::size_t>(offset_ + pos_ - line_start_) + 1;
    }
    const std::string& source() const { return source_; }
    const std::optional<SourceError>& error() const { return error_; }

    // The hot loops read the buffer directly.
    const char* data() const { return buffer_.get(); }
    std::size_t pos() const { return pos_; }
    std::size_t end() const { return end_; }
    void step(char c) {
        if (c == '\n') {
            ++line_;
            line_start_ = offset_ + pos_ + 1;
        }
        ++pos_;
    }
    void skip_to(std::size_t pos) { pos_ = pos; }

  private:
    ssize_t read_some(char* into, std::size_t room) {
        if (!from_memory_)
            return ::read(fd_.get(), into, room);
        const std::size_t got =
            std::min({room, bytes_.size() - bytes_read_, piece_ == 0 ? room : piece_});
        std::memcpy(into, bytes_.data() + bytes_read_, got);
        bytes_read_ += got;
        return static_cast<ssize_t>(got);
    }

    // Every byte read also goes to copy_to_ (a spool the source is read from again later).
    bool copy(std::size_t from, std::size_t to) {
        while (copy_to_ >= 0 && from < to) {
            const ssize_t put = ::write(copy_to_, buffer_.get() + from, to - from);
            if (put < 0 && errno == EINTR)
                continue;
            if (put <= 0) {
                error_ = SourceError{source_, fmt::format("cannot keep a copy of {}: {}",
                                                          display_name(source_),
                                                          std::strerror(put < 0 ? errno : EIO))};
                at_end_ = true;
                pos_ = end_ = 0;
                return false;
            }
            from += static_cast<std::size_t>(put);
        }
        return true;
    }

    std::string source_;
    FileDescriptor fd_;
    std::unique_ptr<char[]> buffer_;
    int copy_to_ = -1;
    std::string bytes_; // the source, when it is in memory
    std::size_t bytes_read_ = 0;
    std::size_t piece_ = 0;
    bool from_memory_ = false;
    std::uint64_t reads_ = 0;
    std::size_t pos_ = 0;
    std::size_t end_ = 0;
    std::uint64_t offset_ = 0; // of buffer_[0] in the source
    std::uint64_t line_start_ = 0;
    std::size_t line_ = 1;
    bool at_end_ = false;
    std::optional<SourceError> error_;
    bool capturing_ = false;
    std::size_t mark_ = 0;
    std::string captured_;
};

OrderText empty_source(const std::string& source) {
    OrderText order{source, 0, 1, 1, {}, {}};
    order.problem = json_problem(fmt::format("{} is empty: no order in it", display_name(source)));
    return order;
}

// NDJSON: a line is an order. memchr finds the line ends; only a line split across two reads is
// copied twice.
class NdjsonReader final : public OrderReader {
  public:
    explicit NdjsonReader(Input in) : in_(std::move(in)) { in_.skip_byte_order_mark(); }

    std::optional<OrderText> next() override {
        while (!done_) {
            if (!in_.fill()) {
                done_ = true;
                if (in_.error()) {
                    return std::nullopt;
                }
                std::optional<OrderText> last;
                if (!skipping_ && !carry_.empty()) {
                    last = make_order(carry_, line_);
                }
                if (!last && !seen_order_) {
                    return empty_source(in_.source());
                }
                return last;
            }
            const char* begin = in_.data() + in_.pos();
            const char* stop = in_.data() + in_.end();
            if (checked_read_ != in_.reads()) {
                checked_read_ = in_.reads();
                nul_ = static_cast<const char*>(std::memchr(begin, '\0', stop - begin));
            }
            const auto* newline = static_cast<const char*>(std::memchr(begin, '\n', stop - begin));
            // The lines before a NUL are orders like any other, wherever the reads were cut;
            // the line that holds it ends the source.
            if (nul_ != nullptr && (newline == nullptr || newline > nul_)) {
                return binary_data(begin, stop);
            }
            if (newline == nullptr) {
                in_.skip_to(in_.end());
                if (skipping_) {
                    continue;
                }
                if (carry_.size() + (stop - begin) > max_order_bytes) {
                    return over_limit(line_);
                }
                carry_.append(begin, stop);
                continue;
            }
            const std::size_t line = line_++;
            in_.skip_to(static_cast<std::size_t>(newline - in_.data()) + 1);
            if (std::exchange(skipping_, false)) {
                continue;
            }
            std::optional<OrderText> order;
            if (carry_.empty()) {
                order = make_order(std::string_view(begin, newline - begin), line);
            } else if (carry_.size() + (newline - begin) > max_order_bytes) {
                order = over_limit(line);
                skipping_ = false; // the line has ended: nothing left to skip
            } else {
                carry_.append(begin, newline);
                order = make_order(carry_, line);
            }
            carry_.clear();
            if (order) {
                return order;
            }
        }
        return std::nullopt;
    }

    Framing framing() const override { return Framing::ndjson; }
    std::optional<SourceError> error() const override { return in_.error(); }

  private:
    std::optional<OrderText> make_order(std::string_view line, std::size_t number) {
        const auto first = std::find_if_not(line.begin(), line.end(), is_blank);
        if (first == line.end()) {
            return std::nullopt;
        }
        const auto last = std::find_if_not(line.rbegin(), line.rend(), is_blank).base();
        seen_order_ = true;
        return OrderText{in_.source(),
                         index_++,
                         number,
                         static_cast<std::size_t>(first - line.begin()) + 1,
                         std::string(first, last),
                         std::nullopt};
    }

    // A NUL byte is never in JSON text: the source is binary, and reading on could be endless
    // (/dev/zero). It ends here.
    OrderText binary_data(const char* begin, const char* stop) {
        const auto* nul = static_cast<const char*>(std::memchr(begin, '\0', stop - begin));
        const std::size_t line = line_ + static_cast<std::size_t>(std::count(begin, nul, '\n'));
        done_ = true;
        seen_order_ = true;
        std::string().swap(carry_);
        OrderText order{in_.source(), index_++, line, 1, {}, {}};
        order.problem = json_problem(
            fmt::format("{}:{}: binary data (a NUL byte), not NDJSON: nothing more of it is read",
                        display_name(in_.source()), line));
        return order;
    }

    // The rest of the line is skipped as it arrives, never held.
    OrderText over_limit(std::size_t line) {
        seen_order_ = true;
        skipping_ = true;
        std::string().swap(carry_);
        OrderText order{in_.source(), index_++, line, 1, {}, {}};
        order.problem = json_problem(fmt::format("order at line {} is over 1 MiB", line));
        return order;
    }

    Input in_;
    std::string carry_; // the start of a line that continues in the next read
    std::size_t line_ = 1;
    std::size_t index_ = 0;
    bool skipping_ = false;
    bool seen_order_ = false;
    bool done_ = false;
    std::uint64_t checked_read_ = 0; // the read whose bytes were searched for a NUL
    const char* nul_ = nullptr;      // the first NUL of that read, if it holds one
};

// Single values (one after another) and arrays: a byte scanner that knows strings and brackets
// well enough to cut the source into orders, leaving the grammar to the parser.
class ScanningReader final : public OrderReader {
  public:
    explicit ScanningReader(Input in) : in_(std::move(in)) {
        in_.skip_byte_order_mark();
        in_.skip_blanks();
        if (in_.peek() == '[') {
            framing_ = Framing::array;
        }
    }

    std::optional<OrderText> next() override {
        if (done_) {
            return std::nullopt;
        }
        auto order = framing_ == Framing::array ? next_in_array() : next_single();
        if (in_.error()) {
            // What was read before the I/O error is not an order: error() says what happened.
            done_ = true;
            return std::nullopt;
        }
        return order;
    }

    Framing framing() const override { return framing_; }
    std::optional<SourceError> error() const override { return in_.error(); }

  private:
    enum class Place { before_array, first_element, after_element, after_array };

    std::optional<OrderText> next_single() {
        in_.skip_blanks();
        const int c = in_.peek();
        if (c < 0) {
            done_ = true;
            if (index_ == 0 && !in_.error()) {
                return empty_source(in_.source());
            }
            return std::nullopt;
        }
        OrderText order = scan_value();
        if (order.problem) {
            return order;
        }
        // RFC 8259: a JSON text is one value. Whatever follows it makes the file not JSON.
        in_.skip_blanks();
        if (const int next = in_.peek(); next >= 0) {
            --index_;
            return stop_here(fmt::format(
                "{} after the order: a JSON file holds one order; put several in a JSON array "
                "or in NDJSON (one per line, .ndjson or --ndjson)",
                unexpected_byte(static_cast<unsigned char>(next))));
        }
        done_ = true;
        return order;
    }

    std::optional<OrderText> next_in_array() {
        if (place_ == Place::before_array) {
            array_line_ = in_.line();
            array_column_ = in_.column();
            in_.advance();
            place_ = Place::first_element;
        }
        in_.skip_blanks();
        int c = in_.peek();
        if (place_ == Place::after_element && c == ',') {
            in_.advance();
            in_.skip_blanks();
            c = in_.peek();
            if (c == ']') {
                return stop_here("syntax error: unexpected ']' after ','");
            }
        } else if (c == ']' && place_ != Place::after_array) {
            in_.advance();
            place_ = Place::after_array;
            in_.skip_blanks();
            c = in_.peek();
        } else if (place_ == Place::after_element && c >= 0) {
            return stop_here("syntax error: missing ',' between orders");
        }
        if (c < 0) {
            done_ = true;
            if (place_ == Place::after_array || in_.error()) {
                return std::nullopt;
            }
            return stop_at(array_line_, array_column_,
                           "syntax error: end of input before the array is closed by ']'");
        }
        if (place_ == Place::after_array) {
            return stop_here(fmt::format("{} after the array", unexpected_byte(c)));
        }
        place_ = Place::after_element;
        return scan_value();
    }

    // One value from the cursor: its exact bytes, or a problem that ends the source.
    OrderText scan_value() {
        const std::size_t line = in_.line();
        const std::size_t column = in_.column();
        const int first = in_.peek();
        in_.start_capture();
        bool complete = false;
        if (first == '{' || first == '[' || first == '"') {
            complete = scan_container_or_string(line, column);
        } else if (first == '-' || (first >= '0' && first <= '9') || first == 't' || first == 'f' ||
                   first == 'n') {
            complete = scan_scalar(line, column);
        } else {
            return stop_here(unexpected_byte(static_cast<unsigned char>(first)));
        }
        if (!complete) {
            return std::move(*stopped_);
        }
        if (in_.captured_size() > max_order_bytes) {
            return over_limit(line, column);
        }
        return OrderText{in_.source(), index_++, line, column, in_.finish_capture(), std::nullopt};
    }

    bool scan_container_or_string(std::size_t line, std::size_t column) {
        std::uint64_t braces = 0; // bit n: the container at depth n+1 is an object
        int depth = 0;
        bool in_string = false;
        bool escaped = false;
        std::size_t string_line = 0;
        std::size_t string_column = 0;
        for (;;) {
            if (in_.pos() == in_.end()) {
                if (in_.captured_size() > max_order_bytes) {
                    stopped_ = over_limit(line, column);
                    return false;
                }
                if (!in_.fill()) {
                    if (in_string) {
                        stopped_ = stop_at(string_line, string_column,
                                           "syntax error: unterminated string");
                    } else {
                        stopped_ = stop_at(line, column,
                                           "syntax error: end of input before this order is "
                                           "closed");
                    }
                    return false;
                }
            }
            const char c = in_.data()[in_.pos()];
            if (c == '\0') {
                stopped_ = stop_here("binary data, not JSON");
                return false;
            }
            if (in_string) {
                if (escaped) {
                    escaped = false;
                } else if (c == '\\') {
                    escaped = true;
                } else if (c == '"') {
                    in_string = false;
                    if (depth == 0) {
                        in_.step(c);
                        return true;
                    }
                }
            } else if (c == '"') {
                in_string = true;
                string_line = in_.line();
                string_column = in_.column();
            } else if (c == '{' || c == '[') {
                if (depth == max_nesting_depth) {
                    stopped_ =
                        stop_here(fmt::format("nesting deeper than {} levels", max_nesting_depth));
                    return false;
                }
                const std::uint64_t bit = std::uint64_t{1} << depth;
                braces = (c == '{') ? (braces | bit) : (braces & ~bit);
                ++depth;
            } else if ((c == '}' || c == ']') && depth > 0) {
                const char expected = ((braces >> (depth - 1)) & 1U) != 0 ? '}' : ']';
                if (c != expected) {
                    stopped_ = stop_here(
                        fmt::format("syntax error: unexpected '{}'; expected '{}'", c, expected));
                    return false;
                }
                if (--depth == 0) {
                    in_.step(c);
                    return true;
                }
            }
            in_.step(c);
        }
    }

    // Numbers and literals end at the first byte that cannot be part of them. Anything else that
    // looks like a word is not JSON: said once, not once per word of a text file.
    bool scan_scalar(std::size_t line, std::size_t column) {
        const int first = in_.peek();
        const bool number = first == '-' || (first >= '0' && first <= '9');
        bool valid = true;
        std::string literal;
        for (int c = first; c >= 0; c = in_.peek()) {
            if (c == '\0') {
                stopped_ = stop_here("binary data, not JSON");
                return false;
            }
            if (is_blank(static_cast<char>(c)) || std::strchr(",:[]{}\"", c) != nullptr) {
                break;
            }
            if (number) {
                valid = valid && ((c >= '0' && c <= '9') || std::strchr("+-.eE", c) != nullptr);
            } else if (literal.size() <= 5) {
                literal.push_back(static_cast<char>(c));
            }
            if (in_.captured_size() > max_order_bytes) {
                stopped_ = over_limit(line, column);
                return false;
            }
            in_.advance();
        }
        if (!number) {
            valid = literal == "true" || literal == "false" || literal == "null";
        }
        if (!valid) {
            stopped_ =
                stop_at(line, column,
                        number ? "syntax error: invalid number" : "syntax error: invalid literal");
        }
        return valid;
    }

    OrderText over_limit(std::size_t line, std::size_t column) {
        const bool whole_source = framing_ == Framing::single && index_ == 0;
        return stop_at(line, column,
                       whole_source ? std::string("order is over 1 MiB")
                                    : fmt::format("order at line {} is over 1 MiB", line),
                       false);
    }

    OrderText stop_here(std::string_view what) { return stop_at(in_.line(), in_.column(), what); }

    // A problem the scanner cannot read past: the source ends here.
    OrderText stop_at(std::size_t line, std::size_t column, std::string_view what,
                      bool located = true) {
        done_ = true;
        in_.drop_capture();
        OrderText order{in_.source(), index_++, line, column, {}, {}};
        order.problem = json_problem(
            located ? fmt::format("{}:{}:{}: {}", display_name(in_.source()), line, column, what)
                    : std::string(what));
        return order;
    }

    Input in_;
    Framing framing_ = Framing::single;
    Place place_ = Place::before_array;
    std::size_t array_line_ = 1;
    std::size_t array_column_ = 1;
    std::size_t index_ = 0;
    bool done_ = false;
    std::optional<OrderText> stopped_;
};

} // namespace

bool is_ndjson_source(const std::string& path, const ReaderOptions& options) {
    return options.force_ndjson || ends_with_ignoring_case(path, ".ndjson") ||
           ends_with_ignoring_case(path, ".jsonl");
}

namespace {

OpenResult start_reading(Input in, const ReaderOptions& options);

OpenResult make_reader(FileDescriptor fd, const std::string& source, const ReaderOptions& options) {
    const auto fail = [&](const char* reason) {
        return OpenResult{nullptr, SourceError{source, fmt::format("cannot read {}: {}",
                                                                   display_name(source), reason)}};
    };
    struct stat status {};
    if (::fstat(fd.get(), &status) != 0) {
        return fail(std::strerror(errno));
    }
    if (S_ISDIR(status.st_mode)) {
        return fail(std::strerror(EISDIR));
    }
    return start_reading(Input(source, std::move(fd), options.copy_to), options);
}

OpenResult start_reading(Input in, const ReaderOptions& options) {
    std::unique_ptr<OrderReader> reader;
    if (is_ndjson_source(in.source(), options)) {
        reader = std::make_unique<NdjsonReader>(std::move(in));
    } else {
        reader = std::make_unique<ScanningReader>(std::move(in));
    }
    if (auto error = reader->error()) {
        return OpenResult{nullptr, std::move(error)};
    }
    return OpenResult{std::move(reader), std::nullopt};
}

} // namespace

OpenResult open_orders(const std::string& path, const ReaderOptions& options) {
    const bool from_stdin = path == "-";
    const int fd = from_stdin ? STDIN_FILENO : ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        return OpenResult{nullptr,
                          SourceError{path, fmt::format("cannot read {}: {}", display_name(path),
                                                        std::strerror(errno))}};
    }
    return make_reader(FileDescriptor(fd, !from_stdin), path, options);
}

OpenResult open_orders_at(int fd, const std::string& source, const ReaderOptions& options) {
    return make_reader(FileDescriptor(fd, false), source, options);
}

OpenResult open_orders_text(std::string bytes, const std::string& source,
                            const ReaderOptions& options, std::size_t piece) {
    return start_reading(Input(source, std::move(bytes), piece), options);
}

} // namespace onorder
