// The batch engine (DESIGN §5, §6): every submit, one order being a batch of one. Orders flow
// through one curl_multi loop — a transfer per request, a state machine per order (committing →
// ready → sending → waiting → done) — with retries that never stall other orders, a back-off
// shared by the whole batch when the SP says 429/503, the journal, and the batch's stopping
// rules. Reading runs on a thread of its own and hands orders over through a bounded queue, so
// memory stays flat and a slow source never stalls orders in flight.
#pragma once

#include <onorder/http_client.hpp>
#include <onorder/journal.hpp>
#include <onorder/order_stream.hpp>
#include <onorder/response.hpp>
#include <onorder/retry.hpp>

#include <array>
#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <string>

namespace onorder {

struct BatchSettings {
    std::string url;             // the order endpoint
    RetryPolicy retry;           // DESIGN §5
    int parallel = 1;            // --parallel N: requests at once
    double rate = 0;             // --rate N: requests started per second at most (0: no cap)
    int max_errors = 0;          // --max-errors N: stop after N errors (0: never)
    bool resend_unknown = false; // --resend-unknown
    Journal* journal = nullptr;  // --journal FILE, opened by the caller
};

// One order handed to the engine, with what may be shown of it.
struct BatchOrder {
    CheckedOrder order;
    Redactor redactor; // the command's, with the order's own identity numbers
};

// Where the batch stands, for a progress line and the summary.
struct BatchCounts {
    std::size_t done = 0; // orders with a result
    std::size_t in_flight = 0;
    std::size_t requests = 0;                            // requests started, retries included
    std::array<std::size_t, outcome_count> by_outcome{}; // indexed by Outcome
    std::map<long, std::size_t> by_http_status;          // the last answer's status, 0 = none
    std::size_t skipped = 0; // settled by an earlier run (journal), not sent again
    std::chrono::steady_clock::duration elapsed{};
};

class Batch {
  public:
    Batch(ConnectionOptions connection, Redactor secrets, BatchSettings settings);
    ~Batch();
    Batch(const Batch&) = delete;
    Batch& operator=(const Batch&) = delete;

    // Every result, on the caller's thread, as it happens.
    std::function<void(const BatchOrder&, const Verdict&)> on_result;
    // A source that cannot be read, in its place in the input.
    std::function<void(const SourceError&)> on_source_error;
    // Things the user must be told as they happen ("waiting for N orders in flight…").
    std::function<void(std::string_view)> on_notice;
    // About four times a second while the batch runs (null: none).
    std::function<void(const BatchCounts&)> on_progress;
    // At the end of each turn of the engine's loop: what the turn's results printed may be
    // flushed together (null: nothing).
    std::function<void()> on_turn_end;

    // The input's side, called on the reading thread: hands over one order, blocking while
    // the engine is full. False once the batch takes no more (stopped): stop reading.
    bool put(BatchOrder order);
    bool put(SourceError error);
    // The reading thread is done.
    void close_input();

    // Runs the batch on this thread until the input is closed and every order has a result,
    // or until it stops. Returns the batch's outcome (the worst; interrupted overrides).
    Outcome run();

    // Ctrl-C or SIGTERM; async-signal-safe. The first stops starting orders and lets those in
    // flight finish; the second abandons them.
    void interrupt() noexcept;

    const BatchCounts& counts() const;

  private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

} // namespace onorder
