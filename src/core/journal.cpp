#include <onorder/journal.hpp>

#include <onorder/helpers.hpp>

#include <cerrno>
#include <charconv>
#include <cstring>

#include <fcntl.h>
#include <nlohmann/json.hpp>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>

namespace onorder {

namespace {

constexpr std::string_view settled_names[] = {"none", "in_doubt", "resolved", "not_processed",
                                              "unknown"};

std::optional<Settled> settled_named(std::string_view name) {
    for (std::size_t i = 0; i < std::size(settled_names); ++i)
        if (settled_names[i] == name)
            return static_cast<Settled>(i);
    return std::nullopt;
}

bool write_all(int fd, std::string_view data) {
    while (!data.empty()) {
        const ssize_t written = ::write(fd, data.data(), data.size());
        if (written < 0) {
            if (errno == EINTR)
                continue;
            return false;
        }
        data.remove_prefix(static_cast<std::size_t>(written));
    }
    return true;
}

std::uint64_t mix(std::uint64_t key) {
    key ^= key >> 33;
    key *= 0xff51afd7ed558ccdULL;
    key ^= key >> 33;
    return key;
}

} // namespace

std::string_view settled_name(Settled settled) {
    return settled_names[static_cast<std::size_t>(settled)];
}

Settled settled_for(Outcome outcome, bool may_resend) {
    switch (outcome) {
    case Outcome::accepted:
    case Outcome::rejected:
    case Outcome::bad_request:
    case Outcome::invalid:
        return Settled::resolved;
    case Outcome::auth:
    case Outcome::no_connection:
    case Outcome::not_sent:
        return Settled::not_processed;
    case Outcome::http_error:
        // 429 and 503 after every retry: the SP said it did not process the order.
        return may_resend ? Settled::not_processed : Settled::unknown;
    case Outcome::usage:
    case Outcome::unknown:
    case Outcome::interrupted:
        return Settled::unknown;
    }
    return Settled::unknown;
}

std::optional<std::uint64_t> parse_fingerprint(std::string_view hex) {
    if (hex.size() != 16)
        return std::nullopt;
    std::uint64_t value = 0;
    const auto [end, error] = std::from_chars(hex.data(), hex.data() + hex.size(), value, 16);
    if (error != std::errc() || end != hex.data() + hex.size())
        return std::nullopt;
    return value;
}

SettledTable::Entry SettledTable::find(std::uint64_t fingerprint) const {
    if (fingerprint == 0)
        return zero_.value_or(Entry{});
    if (keys_.empty())
        return {};
    const std::size_t mask = keys_.size() - 1;
    for (std::size_t slot = mix(fingerprint) & mask;; slot = (slot + 1) & mask) {
        if (keys_[slot] == fingerprint)
            return entries_[slot];
        if (keys_[slot] == 0)
            return {};
    }
}

void SettledTable::set(std::uint64_t fingerprint, Entry entry) {
    if (fingerprint == 0) {
        used_ += zero_ ? 0 : 1;
        zero_ = entry;
        return;
    }
    // Four fifths full at most: linear probing over random keys stays a few slots long.
    if ((used_ + 1) * 5 > keys_.size() * 4)
        grow();
    const std::size_t mask = keys_.size() - 1;
    for (std::size_t slot = mix(fingerprint) & mask;; slot = (slot + 1) & mask) {
        if (keys_[slot] == fingerprint) {
            entries_[slot] = entry;
            return;
        }
        if (keys_[slot] == 0) {
            keys_[slot] = fingerprint;
            entries_[slot] = entry;
            ++used_;
            return;
        }
    }
}

void SettledTable::grow() {
    std::vector<std::uint64_t> keys(std::max<std::size_t>(64, keys_.size() * 2), 0);
    std::vector<Entry> entries(keys.size());
    keys.swap(keys_);
    entries.swap(entries_);
    used_ = zero_ ? 1 : 0;
    for (std::size_t i = 0; i < keys.size(); ++i)
        if (keys[i] != 0)
            set(keys[i], entries[i]);
}

std::unique_ptr<Journal> Journal::open(const std::string& path, std::string& problem,
                                       std::vector<std::string>& notices) {
    std::unique_ptr<Journal> journal(new Journal());
    journal->path_ = path;
    journal->fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    if (journal->fd_ < 0) {
        problem = fmt::format("journal {}: cannot open it: {}", path, std::strerror(errno));
        return nullptr;
    }
    struct stat info {};
    if (::fstat(journal->fd_, &info) != 0 || !S_ISREG(info.st_mode)) {
        problem = fmt::format("journal {}: not a regular file", path);
        return nullptr;
    }
    if (::flock(journal->fd_, LOCK_EX | LOCK_NB) != 0) {
        problem = errno == EWOULDBLOCK
                      ? fmt::format("journal {}: another onorder is using it; one batch at a "
                                    "time per journal",
                                    path)
                      : fmt::format("journal {}: cannot lock it: {}", path, std::strerror(errno));
        return nullptr;
    }
    if (!journal->read_existing(problem, notices))
        return nullptr;
    journal->committer_ = std::thread([raw = journal.get()] { raw->commit_loop(); });
    return journal;
}

Journal::~Journal() {
    close();
    if (fd_ >= 0)
        ::close(fd_);
}

bool JournalReader::take(std::string_view line) {
    ++line_number_;
    if (trim(line).empty())
        return true;
    const nlohmann::json record = nlohmann::json::parse(line, nullptr, false);
    if (record.is_discarded() || !record.is_object()) {
        problem_ = fmt::format("journal {} line {}: not a journal record (JSON object); "
                               "nothing was sent. Move the file aside to start afresh.",
                               name_, line_number_);
        return false;
    }
    ++records_read_;
    const auto event = record.find("event");
    const auto fp = record.find("fp");
    if (event == record.end() || fp == record.end() || !event->is_string() || !fp->is_string())
        return true; // a run record, or one from a later version
    const std::optional<std::uint64_t> fingerprint = parse_fingerprint(fp->get<std::string>());
    if (!fingerprint)
        return true;
    if (*event == "sent") {
        recorded_.set(*fingerprint, {Settled::in_doubt, Outcome::unknown});
    } else if (*event == "outcome") {
        const auto state = record.find("state");
        const auto outcome = record.find("outcome");
        std::optional<Settled> settled;
        if (state != record.end() && state->is_string())
            settled = settled_named(state->get<std::string>());
        std::optional<Outcome> named;
        if (outcome != record.end() && outcome->is_string())
            named = outcome_named(outcome->get<std::string>());
        // A record this version cannot read is doubt, never a licence to send again.
        recorded_.set(*fingerprint,
                      {settled.value_or(Settled::unknown), named.value_or(Outcome::unknown)});
    }
    return true;
}

bool JournalReader::feed(std::string_view bytes) {
    if (!problem_.empty())
        return false;
    fed_bytes_ += bytes.size();
    while (!bytes.empty()) {
        const std::size_t end = bytes.find('\n');
        if (end == std::string_view::npos) {
            pending_.append(bytes);
            break;
        }
        pending_.append(bytes.substr(0, end));
        bytes.remove_prefix(end + 1);
        if (!take(pending_))
            return false;
        pending_.clear();
        whole_bytes_ = fed_bytes_ - bytes.size();
    }
    return true;
}

JournalReader::Tail JournalReader::finish() {
    if (pending_.empty() || !problem_.empty())
        return Tail::none;
    // A last line without its newline: the run that wrote it died in the middle. Whole
    // records are written with one write(), so only a crash of the machine tears one; a
    // torn sent record never preceded its request, a torn outcome leaves the order in doubt.
    const nlohmann::json record = nlohmann::json::parse(pending_, nullptr, false);
    if (!record.is_discarded() && record.is_object()) {
        take(pending_);
        return Tail::record;
    }
    return Tail::torn;
}

bool Journal::read_existing(std::string& problem, std::vector<std::string>& notices) {
    JournalReader reader(path_);
    off_t offset = 0; // of the next byte read
    char buffer[64 * 1024];
    while (true) {
        const ssize_t got = ::pread(fd_, buffer, sizeof buffer, offset);
        if (got < 0) {
            if (errno == EINTR)
                continue;
            problem = fmt::format("journal {}: cannot read it: {}", path_, std::strerror(errno));
            return false;
        }
        if (got == 0)
            break;
        offset += got;
        if (!reader.feed(std::string_view(buffer, static_cast<std::size_t>(got)))) {
            problem = reader.problem();
            return false;
        }
    }
    switch (reader.finish()) {
    case JournalReader::Tail::none:
        break;
    case JournalReader::Tail::record:
        if (!write_all(fd_, "\n")) {
            problem = fmt::format("journal {}: cannot write it: {}", path_, std::strerror(errno));
            return false;
        }
        break;
    case JournalReader::Tail::torn:
        notices.push_back(fmt::format(
            "journal {}: its last line was cut off (a crash while it was written) and is "
            "removed: {} bytes after line {}",
            path_, reader.pending_bytes(), reader.lines()));
        if (::ftruncate(fd_, static_cast<off_t>(reader.whole_bytes())) != 0) {
            problem = fmt::format("journal {}: cannot remove its cut-off last line: {}", path_,
                                  std::strerror(errno));
            return false;
        }
        break;
    }
    records_read_ = reader.records_read();
    recorded_ = reader.take_recorded();
    return true;
}

std::uint64_t Journal::append_durable(std::string_view lines) {
    std::lock_guard lock(mutex_);
    queued_.append(lines);
    const std::uint64_t ticket = ++queued_ticket_;
    wake_.notify_one();
    return ticket;
}

std::uint64_t Journal::next_ticket() const {
    std::lock_guard lock(mutex_);
    return queued_ticket_ + 1;
}

bool Journal::append(std::string_view lines) {
    if (lines.empty())
        return true;
    std::lock_guard lock(mutex_);
    if (!failure_.empty())
        return false;
    if (!queued_.empty() || writing_) {
        // Records appended before these are not written yet: these follow them.
        queued_.append(lines);
        wake_.notify_one();
        return true;
    }
    if (!write_all(fd_, lines)) {
        failure_ = fmt::format("journal {}: cannot write it: {}", path_, std::strerror(errno));
        return false;
    }
    return true;
}

std::string Journal::failure() const {
    std::lock_guard lock(mutex_);
    return failure_;
}

void Journal::fail(std::string why) {
    std::lock_guard lock(mutex_);
    if (failure_.empty())
        failure_ = std::move(why);
}

void Journal::commit_loop() {
    std::string batch;
    while (true) {
        std::uint64_t ticket = 0;
        {
            std::unique_lock lock(mutex_);
            wake_.wait(lock, [this] { return !queued_.empty() || closing_; });
            if (queued_.empty())
                return;
            batch.swap(queued_);
            ticket = queued_ticket_;
            if (!failure_.empty())
                return; // nothing more is written once a record could not be
            writing_ = true;
        }
        const bool written = write_all(fd_, batch);
        const int write_errno = errno;
        {
            std::lock_guard lock(mutex_);
            writing_ = false;
        }
        bool failed = true;
        if (!written) {
            fail(fmt::format("journal {}: cannot write it: {}", path_, std::strerror(write_errno)));
        } else if (::fdatasync(fd_) != 0) {
            fail(fmt::format("journal {}: cannot flush it to disk: {}", path_,
                             std::strerror(errno)));
        } else {
            durable_.store(ticket);
            failed = false;
        }
        batch.clear();
        // Only the one waiting for these records is woken; the others look at durable()
        // when they next come round.
        std::uint64_t wanted = wanted_.load();
        const bool reached =
            wanted != 0 && wanted <= ticket && wanted_.compare_exchange_strong(wanted, 0);
        if (const int fd = notify_fd_.load(); (failed || reached) && fd >= 0) {
            const char byte = 'j';
            (void)!::write(fd, &byte, 1);
        }
    }
}

bool Journal::close() {
    {
        std::lock_guard lock(mutex_);
        closing_ = true;
    }
    wake_.notify_one();
    if (committer_.joinable())
        committer_.join();
    if (fd_ >= 0 && failure().empty() && ::fdatasync(fd_) != 0)
        fail(fmt::format("journal {}: cannot flush it to disk: {}", path_, std::strerror(errno)));
    return failure().empty();
}

} // namespace onorder
