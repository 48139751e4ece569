// The batch journal (DESIGN §6): JSON lines, mode 0600, locked while a batch uses it. A *sent*
// record is on disk (fsync) before its request leaves — group-committed, one fsync for every
// order starting at that moment — and an *outcome* record follows. A re-run reads it to send
// every order at most once.
#pragma once

#include <onorder/outcome.hpp>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace onorder {

// What a recorded outcome means for a re-run.
enum class Settled : std::uint8_t {
    none,          // never recorded
    in_doubt,      // a sent record without an outcome: the run died or was abandoned mid-flight
    resolved,      // accepted, rejected, 400, invalid: never sent again
    not_processed, // nothing sent, 401/403, 429/503, not sent because the batch stopped: send again
    unknown,       // timeout, lost connection, 5xx: not sent again unless --resend-unknown
};

std::string_view settled_name(Settled settled);
Settled settled_for(Outcome outcome, bool may_resend);

// An order's identity in the journal: its fingerprint() as a number.
std::optional<std::uint64_t> parse_fingerprint(std::string_view hex);

// Fingerprints and what became of them, in flat memory: 10 bytes a slot, at most four fifths
// of the slots used (13 to 25 bytes an order).
class SettledTable {
  public:
    struct Entry {
        Settled settled = Settled::none;
        Outcome outcome = Outcome::accepted;
    };
    Entry find(std::uint64_t fingerprint) const;
    void set(std::uint64_t fingerprint, Entry entry);
    std::size_t size() const { return used_; }

  private:
    void grow();
    std::vector<std::uint64_t> keys_; // 0 marks a free slot; fingerprint 0 is kept apart
    std::vector<Entry> entries_;
    std::size_t used_ = 0;
    std::optional<Entry> zero_;
};

// The records of a journal's bytes, read in pieces of any size (Journal::open reads a file
// through it). Counts how the bytes end: a last line without its newline is a record written
// whole before a crash, or a torn one that is cut off.
class JournalReader {
  public:
    // `name` names the journal in problems.
    explicit JournalReader(std::string name) : name_(std::move(name)) {}

    // The next bytes. False once a line is not a journal record (a JSON object): problem() says
    // why, and the journal must not be used.
    bool feed(std::string_view bytes);

    // What the bytes' end means, once all were fed.
    enum class Tail : std::uint8_t {
        none,   // they end with a newline (or there are none)
        record, // a whole record without its newline: taken; the newline is to be written
        torn,   // the last line was cut off: to be removed, keeping whole_bytes()
    };
    Tail finish();

    const SettledTable& recorded() const { return recorded_; }
    SettledTable take_recorded() { return std::move(recorded_); }
    std::size_t records_read() const { return records_read_; }
    std::size_t lines() const { return line_number_; }
    const std::string& problem() const { return problem_; }
    // Bytes up to and including the last newline.
    std::uint64_t whole_bytes() const { return whole_bytes_; }
    // Bytes after it (the torn line's, for a notice).
    std::size_t pending_bytes() const { return pending_.size(); }

  private:
    bool take(std::string_view line);

    std::string name_;
    SettledTable recorded_;
    std::size_t records_read_ = 0;
    std::size_t line_number_ = 0;
    std::uint64_t whole_bytes_ = 0;
    std::uint64_t fed_bytes_ = 0;
    std::string pending_; // the line being assembled
    std::string problem_;
};

class Journal {
  public:
    // Opens `path` (created 0600), takes its lock and reads what earlier runs recorded. Null
    // with `problem` set when it cannot be used; `notices` gets what the user should know (a
    // torn last line).
    static std::unique_ptr<Journal> open(const std::string& path, std::string& problem,
                                         std::vector<std::string>& notices);
    ~Journal();
    Journal(const Journal&) = delete;
    Journal& operator=(const Journal&) = delete;

    const std::string& path() const { return path_; }
    const SettledTable& recorded() const { return recorded_; }
    std::size_t records_read() const { return records_read_; }

    // Records that must be on disk before what they announce happens (sent): queued for the
    // committer thread, which writes and fsyncs everything queued at once. Returns a ticket;
    // the records are on disk once durable() reaches it. One thread appends.
    std::uint64_t append_durable(std::string_view lines);
    // The ticket the next append_durable() will return.
    std::uint64_t next_ticket() const;
    std::uint64_t durable() const { return durable_.load(); }
    // Records nothing waits for (outcomes): fsynced with the next commit. Written after every
    // record appended before them, so the file keeps the order in which records were made.
    bool append(std::string_view lines);
    // Written to when durable() reaches the ticket of the last wake_when_durable(), and when
    // the journal fails, so a poll() on the other end wakes up (-1: no one).
    void notify_fd(int fd) { notify_fd_ = fd; }
    void wake_when_durable(std::uint64_t ticket) { wanted_.store(ticket); }
    // Why the journal cannot be written any more ("" while it can).
    std::string failure() const;
    // Writes and fsyncs what is queued; stops the committer. False when that failed.
    bool close();

  private:
    Journal() = default;
    bool read_existing(std::string& problem, std::vector<std::string>& notices);
    void commit_loop();
    void fail(std::string why);

    std::string path_;
    int fd_ = -1;
    SettledTable recorded_;
    std::size_t records_read_ = 0;
    std::atomic<int> notify_fd_{-1};

    mutable std::mutex mutex_;
    std::condition_variable wake_;
    std::string queued_;
    std::uint64_t queued_ticket_ = 0;
    bool closing_ = false;
    bool writing_ = false; // the committer is writing what it took from queued_
    std::string failure_;
    std::atomic<std::uint64_t> durable_{0};
    std::atomic<std::uint64_t> wanted_{0}; // wake_when_durable's ticket, 0 once woken
    std::thread committer_;
};

} // namespace onorder
