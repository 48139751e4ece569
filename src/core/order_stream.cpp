#include <onorder/order_stream.hpp>

#include <onorder/helpers.hpp>

#include <cerrno>
#include <cstdlib>
#include <cstring>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>

namespace onorder {

namespace {

void finish(CheckedOrder& order, const StreamOptions& options) {
    if (!order.document) {
        order.body.clear();
        return;
    }
    auto& document = *order.document;
    if (!options.fields.empty() && document.is_object()) {
        std::string error;
        if (!apply_fields(document, options.fields, error)) {
            order.validation.errors.push_back({"", "type", error, "", Severity::error});
            return;
        }
        order.edited = true;
    }
    if (options.fix && document.is_object()) {
        order.changes = fix_order(document, options.validation.now);
        if (!order.changes.empty())
            order.edited = true;
    }
    order.validation = validate_order(document, options.validation);
    order.body = order.edited ? document.dump() : order.original;
}

// Every order of one opened source, then its read error or its emptiness. False when
// `keep_going` said stop.
bool stream_source(OrderReader& reader, const std::string& source, const StreamOptions& options,
                   const StreamVisitor& visitor, const std::function<bool()>& keep_going) {
    if (visitor.source_opened)
        visitor.source_opened(source, reader.framing());
    bool any = false;
    while (auto text = reader.next()) {
        if (keep_going && !keep_going())
            return false;
        any = true;
        CheckedOrder order;
        order.source = text->source;
        order.index = text->index;
        order.line = text->line;
        order.framing = reader.framing();
        auto parsed = parse_order(*text);
        order.original = std::move(text->text);
        if (parsed.problem) {
            order.validation.errors.push_back(*parsed.problem);
        } else {
            order.document = std::move(parsed.document);
            finish(order, options);
        }
        visitor.order(order);
    }
    if (auto error = reader.error()) {
        visitor.source_error(*error);
        return true;
    }
    if (!any && reader.framing() == Framing::array) {
        CheckedOrder order;
        order.source = source;
        order.framing = Framing::array;
        order.validation.errors.push_back({"", "json",
                                           display_name(source) + ": the array holds no orders", "",
                                           Severity::error});
        visitor.order(order);
    }
    return true;
}

// An unlinked file in $TMPDIR (or /tmp) that only this process can read.
int open_spool(std::string& error) {
    const char* tmpdir = std::getenv("TMPDIR");
    const std::string directory = tmpdir && *tmpdir ? tmpdir : "/tmp";
    int fd = ::open(directory.c_str(), O_TMPFILE | O_RDWR | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) {
        std::string pattern = directory + "/onorder-spool-XXXXXX";
        fd = ::mkostemp(pattern.data(), O_CLOEXEC);
        if (fd >= 0)
            ::unlink(pattern.c_str());
    }
    if (fd < 0)
        error =
            fmt::format("cannot make a temporary file in {}: {}", directory, std::strerror(errno));
    return fd;
}

bool same_file(const struct stat& a, const struct stat& b) {
    return a.st_dev == b.st_dev && a.st_ino == b.st_ino && a.st_size == b.st_size &&
           a.st_mtim.tv_sec == b.st_mtim.tv_sec && a.st_mtim.tv_nsec == b.st_mtim.tv_nsec;
}

} // namespace

struct CheckedSources::Source {
    std::string name;
    int spool = -1;                  // stdin or a pipe, as read in pass one
    std::optional<struct stat> file; // a regular file, as it was in pass one
};

CheckedSources::CheckedSources() = default;

CheckedSources::~CheckedSources() {
    for (const Source& source : sources_)
        if (source.spool >= 0)
            ::close(source.spool);
}

namespace {

// Lines with anything but blanks: the orders an NDJSON file holds, if it is read as it is now.
std::optional<std::size_t> count_ndjson_lines(const std::string& name) {
    const int fd = ::open(name.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return std::nullopt;
    std::size_t lines = 0;
    bool content = false; // the current line has something but blanks
    char buffer[64 * 1024];
    ssize_t got = 0;
    while ((got = ::read(fd, buffer, sizeof buffer)) > 0) {
        for (const char c : std::string_view(buffer, static_cast<std::size_t>(got))) {
            if (c == '\n') {
                lines += content ? 1 : 0;
                content = false;
            } else if (c != ' ' && c != '\t' && c != '\r') {
                content = true;
            }
        }
    }
    ::close(fd);
    if (got < 0)
        return std::nullopt;
    return lines + (content ? 1 : 0);
}

} // namespace

bool CheckedSources::check(const std::vector<std::string>& sources, const StreamOptions& options,
                           const StreamVisitor& visitor) {
    bool clean = true;
    StreamVisitor problems = visitor;
    problems.source_opened = nullptr;
    problems.order = [&](CheckedOrder& order) {
        if (total_)
            ++*total_;
        if (!order.validation.valid()) {
            clean = false;
            visitor.order(order);
        }
    };
    problems.source_error = [&](const SourceError& error) {
        clean = false;
        visitor.source_error(error);
    };
    for (const auto& name : sources) {
        Source& source = sources_.emplace_back(Source{name, -1, std::nullopt});
        const bool from_stdin = name == "-";
        if (is_ndjson_source(name, options.reader)) {
            // Each line is a unit of its own, read and sent in pass two; a named pipe is not
            // opened twice. Only whether it can be read at all is known now.
            struct stat status {};
            if (!from_stdin && ::stat(name.c_str(), &status) != 0)
                problems.source_error(SourceError{
                    name, fmt::format("cannot read {}: {}", name, std::strerror(errno))});
            else if (!from_stdin && S_ISDIR(status.st_mode))
                problems.source_error(SourceError{
                    name, fmt::format("cannot read {}: {}", name, std::strerror(EISDIR))});
            else if (!count_ndjson || from_stdin || !S_ISREG(status.st_mode))
                total_.reset();
            else if (const std::optional<std::size_t> lines = count_ndjson_lines(name); !lines)
                total_.reset();
            else if (total_)
                *total_ += *lines;
            continue;
        }
        const int fd = from_stdin ? STDIN_FILENO : ::open(name.c_str(), O_RDONLY | O_CLOEXEC);
        if (fd < 0) {
            problems.source_error(SourceError{
                name, fmt::format("cannot read {}: {}", display_name(name), std::strerror(errno))});
            continue;
        }
        struct stat status {};
        ReaderOptions reader_options = options.reader;
        std::string error;
        if (::fstat(fd, &status) == 0 && S_ISREG(status.st_mode) && !from_stdin) {
            source.file = status;
        } else {
            // Stdin or a pipe cannot be read twice: pass two reads this copy of it.
            source.spool = open_spool(error);
            reader_options.copy_to = source.spool;
        }
        if (!error.empty())
            problems.source_error(SourceError{name, error});
        else if (auto opened = open_orders_at(fd, name, reader_options); !opened.reader)
            problems.source_error(*opened.error);
        else
            stream_source(*opened.reader, name, options, problems, {});
        if (!from_stdin)
            ::close(fd);
    }
    return clean;
}

bool CheckedSources::stream(const StreamOptions& options, const StreamVisitor& visitor,
                            const std::function<bool()>& keep_going) {
    for (const Source& source : sources_) {
        OpenResult opened;
        if (source.spool >= 0) {
            if (::lseek(source.spool, 0, SEEK_SET) != 0) {
                visitor.source_error(SourceError{
                    source.name, fmt::format("cannot read {} again: {}", display_name(source.name),
                                             std::strerror(errno))});
                continue;
            }
            opened = open_orders_at(source.spool, source.name, options.reader);
        } else {
            opened = open_orders(source.name, options.reader);
        }
        if (!opened.reader) {
            visitor.source_error(*opened.error);
            continue;
        }
        if (source.file) {
            struct stat now {};
            if (::stat(source.name.c_str(), &now) != 0 || !same_file(*source.file, now)) {
                visitor.source_error(SourceError{
                    source.name, fmt::format("{} changed while it was being read: nothing of it "
                                             "was sent",
                                             display_name(source.name))});
                continue;
            }
        }
        if (!stream_source(*opened.reader, source.name, options, visitor, keep_going))
            return false;
    }
    return true;
}

std::string order_label(const CheckedOrder& order) {
    switch (order.framing) {
    case Framing::ndjson:
        return fmt::format("{}:{}", order.source, order.line);
    case Framing::array:
        return fmt::format("{} #{}", order.source, order.index);
    case Framing::single:
        break;
    }
    return order.source;
}

CheckedOrder check_document(nlohmann::json document, std::string source,
                            const StreamOptions& options) {
    CheckedOrder order;
    order.source = std::move(source);
    order.document = std::move(document);
    order.original = order.document->dump();
    order.edited = true; // built, not read: there are no original bytes to keep
    finish(order, options);
    return order;
}

bool stream_orders(const std::vector<std::string>& sources, const StreamOptions& options,
                   const StreamVisitor& visitor, const std::function<bool()>& keep_going) {
    for (const auto& source : sources) {
        auto opened = open_orders(source, options.reader);
        if (!opened.reader) {
            visitor.source_error(*opened.error);
            continue;
        }
        if (!stream_source(*opened.reader, source, options, visitor, keep_going))
            return false;
    }
    return true;
}

} // namespace onorder
