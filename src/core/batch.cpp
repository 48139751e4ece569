#include <onorder/batch.hpp>

#include <onorder/date_time.hpp>
#include <onorder/fingerprint.hpp>
#include <onorder/request.hpp>
#include <onorder/url.hpp>

#include "transfer.hpp"

#include <algorithm>
#include <condition_variable>
#include <deque>
#include <list>
#include <mutex>

#include <fcntl.h>
#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <unistd.h>

namespace onorder {

namespace {

using namespace std::chrono;
using Clock = steady_clock;

constexpr int max_redirect_hops = 5;
constexpr milliseconds progress_every{250};

struct MultiDeleter {
    void operator()(CURLM* multi) const noexcept { curl_multi_cleanup(multi); }
};
using MultiHandle = std::unique_ptr<CURLM, MultiDeleter>;

// When the SP said the order may come again, in words: "99999999 s … not before 2029-…Z".
std::string retry_words(const Verdict& verdict, milliseconds retry_after, bool refused_wait,
                        int attempts) {
    const std::string when = format_date_time(*verdict.not_before);
    // A wait read as "never" was longer still: its number would understate it.
    const std::string wait = retry_after >= retry_after_never
                                 ? std::string("more than 30 years")
                                 : fmt::format("{} s", ceil<seconds>(retry_after).count());
    // The advice for 429 and 503 has already said that the SP did not process the order.
    if (refused_wait) {
        return fmt::format(" The SP asks to wait {} (Retry-After), longer than --max-retry-wait "
                           "allows, so the order was not sent again: send it not before {}.",
                           wait, when);
    }
    const std::string gave_up =
        attempts > 1 ? fmt::format(" Gave up after {} attempts.", attempts) : std::string();
    return fmt::format("{} The SP asks to wait {} (Retry-After): send the order again not "
                       "before {}.",
                       gave_up, wait, when);
}

// The journal's timestamps: one formatting a second is enough.
std::string now_text() {
    static thread_local std::int64_t second = -1;
    static thread_local std::string text;
    const auto now = system_clock::now();
    const std::int64_t this_second = floor<seconds>(now.time_since_epoch()).count();
    if (this_second != second) {
        second = this_second;
        text = format_date_time(now);
    }
    return text;
}

std::string json_string(const std::string& text) {
    return nlohmann::json(text).dump();
}

// An order inside the engine.
struct Flight {
    enum class State { committing, ready, sending, waiting, done };
    BatchOrder item;
    std::string fingerprint; // hex, "" when the order has none
    std::string label;       // order_label() as a JSON string, for the journal's records
    std::uint64_t key = 0;
    State state = State::ready;
    HttpRequest request;
    std::string url; // where this attempt goes (a redirect changes it)
    int hops = 0;
    int attempts = 0;
    std::uint64_t ticket = 0;    // the journal's, for the sent record of the next attempt
    Clock::time_point wake_at{}; // waiting: when to try again
    Clock::time_point started{};
    detail::Transfer* transfer = nullptr;
    HttpExchange last;
    system_clock::time_point answered_at{};
    std::optional<milliseconds> retry_after;
};

} // namespace

struct Batch::Impl {
    // What the reading thread hands over.
    struct Input {
        std::optional<BatchOrder> order;
        std::optional<SourceError> error;
        std::string fingerprint;
    };

    detail::TransferSetup setup;
    BatchSettings settings;
    Batch& owner;
    MultiHandle multi;
    std::vector<std::unique_ptr<detail::Transfer>> transfers;
    std::vector<detail::Transfer*> idle;
    std::list<Flight> flights; // every order in the engine, in arrival order
    std::size_t sending = 0;
    std::size_t room;  // orders the engine holds at most
    SettledTable seen; // fingerprints of this run: the same order twice is sent once

    // The input queue, shared with the reading thread.
    std::mutex mutex;
    std::condition_variable not_full;
    std::deque<Input> queue;
    std::size_t queue_capacity;
    bool input_closed = false;
    std::atomic<bool> refuse_input{false};

    int wake_read = -1, wake_write = -1;
    std::atomic<int> interrupts{0};
    int interrupts_seen = 0;

    // The batch's policy state.
    bool stopping = false;
    std::string stop_reason;
    bool abandoned = false;
    int errors = 0;
    Outcome result = Outcome::accepted;
    Clock::time_point backoff_until{};
    bool probing = false; // after a back-off, one request at a time until one gets through
    Clock::time_point next_start{};
    std::string outcome_lines; // journal outcome records of this turn of the loop
    // Sent records not yet handed to the journal, how many, and the ticket they will have.
    std::string sent_lines;
    std::size_t sent_waiting = 0;
    std::uint64_t sent_ticket = 0;
    std::size_t hand_over_at = 1; // sent records worth an fsync of their own
    std::size_t ready_count = 0;  // orders ready to start, as start_ready() left them
    bool journal_failure_said = false;
    BatchCounts counts;
    Clock::time_point began = Clock::now();
    Clock::time_point next_progress = Clock::now() + progress_every;

    Impl(Batch& batch, ConnectionOptions connection, Redactor secrets, BatchSettings batch_settings)
        : setup(std::move(connection), std::move(secrets)), settings(std::move(batch_settings)),
          owner(batch) {
        settings.parallel = std::max(settings.parallel, 1);
        const auto parallel = static_cast<std::size_t>(settings.parallel);
        // With a journal, orders wait for their sent record's fsync in a window of their own,
        // so one fsync covers many and a free slot is refilled at once.
        room = parallel + (settings.journal ? std::max<std::size_t>(128, 8 * parallel) : 0);
        hand_over_at = std::max<std::size_t>(1, (room - parallel) / 2);
        queue_capacity = std::max<std::size_t>(32, 2 * parallel);
        // Also at --parallel 1: orders one after another share a connection too.
        setup.watch_info = true;
        // Over TLS, ALPN says at the handshake whether the SP speaks HTTP/2: wait for it and
        // multiplex rather than open a connection per request. Plain http:// never learns it
        // before a first answer, so waiting would hold every request behind the first.
        setup.pipewait = settings.parallel > 1 && settings.url.rfind("https://", 0) == 0;
        // An order is a few kilobytes: libcurl's 64 KiB default upload buffer per handle is
        // memory for nothing.
        setup.upload_buffer_size = 16 * 1024L;
        detail::init_curl_once();
        multi.reset(curl_multi_init());
        if (multi)
            curl_multi_setopt(multi.get(), CURLMOPT_PIPELINING, long{CURLPIPE_MULTIPLEX});
        int fds[2];
        if (::pipe2(fds, O_NONBLOCK | O_CLOEXEC) == 0) {
            wake_read = fds[0];
            wake_write = fds[1];
        }
        if (settings.journal)
            settings.journal->notify_fd(wake_write);
    }

    ~Impl() {
        for (Flight& flight : flights)
            if (flight.transfer)
                curl_multi_remove_handle(multi.get(), flight.transfer->handle());
        if (settings.journal)
            settings.journal->notify_fd(-1);
        if (wake_read >= 0)
            ::close(wake_read);
        if (wake_write >= 0)
            ::close(wake_write);
    }

    void wake() noexcept {
        if (wake_write >= 0) {
            const char byte = 'w';
            (void)!::write(wake_write, &byte, 1);
        }
    }

    // ---- the reading thread's side ----

    bool put(Input input) {
        bool was_empty = false;
        {
            std::unique_lock lock(mutex);
            not_full.wait(lock,
                          [this] { return queue.size() < queue_capacity || refuse_input.load(); });
            if (refuse_input)
                return false;
            was_empty = queue.empty();
            queue.push_back(std::move(input));
        }
        // The loop looks at the queue before every wait, and waits with a queue it left
        // unread only while it has no room, which a transfer, the journal or a timeout ends:
        // only the first order into an empty queue needs to wake it.
        if (was_empty)
            wake();
        return true;
    }

    void close_input() {
        {
            std::lock_guard lock(mutex);
            input_closed = true;
        }
        wake();
    }

    // ---- results ----

    void journal_outcome(const Flight& flight, const Verdict& verdict, bool may_resend) {
        journal_outcome(flight.item, flight.fingerprint, flight.label, verdict, may_resend);
    }

    // `label`: order_label() as a JSON string.
    void journal_outcome(const BatchOrder& item, const std::string& fingerprint,
                         const std::string& label, const Verdict& verdict, bool may_resend) {
        if (!settings.journal || fingerprint.empty())
            return;
        fmt::format_to(std::back_inserter(outcome_lines),
                       R"({{"at":"{}","attempts":{},"event":"outcome","fp":"{}",)"
                       R"("http":{},"order":{},"outcome":"{}","state":"{}")",
                       now_text(), verdict.attempts, fingerprint, verdict.http_status, label,
                       name(verdict.outcome),
                       settled_name(settled_for(verdict.outcome, may_resend)));
        if (!verdict.status.empty())
            fmt::format_to(std::back_inserter(outcome_lines), R"(,"status":{})",
                           json_string(item.redactor.display(verdict.status, 40)));
        outcome_lines += "}\n";
    }

    void report(const BatchOrder& item, const Verdict& verdict, bool skipped = false) {
        ++counts.done;
        ++counts.by_outcome[static_cast<std::size_t>(verdict.outcome)];
        if (skipped)
            ++counts.skipped;
        else if (verdict.outcome != Outcome::invalid && verdict.outcome != Outcome::not_sent)
            ++counts.by_http_status[verdict.http_status];
        result = worst(result, verdict.outcome);
        if (owner.on_result)
            owner.on_result(item, verdict);
    }

    void stop(std::string reason) {
        if (stopping)
            return;
        stopping = true;
        stop_reason = std::move(reason);
        // Sent records still here never reach the journal: their orders are not sent.
        sent_lines.clear();
        sent_waiting = 0;
        // Orders not yet sent stay unsent and say why; those waiting to retry end as they stand.
        for (auto it = flights.begin(); it != flights.end();) {
            if (it->state == Flight::State::sending || it->state == Flight::State::done) {
                ++it;
                continue;
            }
            if (it->state == Flight::State::waiting) {
                it->state = Flight::State::done;
                finish(*it, false, true);
            } else
                not_sent(*it, it->ticket != 0);
            it = flights.erase(it);
        }
    }

    Verdict not_sent_verdict() const {
        Verdict verdict;
        verdict.outcome = Outcome::not_sent;
        verdict.attempts = 0;
        verdict.explanation =
            fmt::format("Not sent: the batch stopped first ({}). Nothing of this order went out; "
                        "it may be sent again.",
                        stop_reason);
        return verdict;
    }

    void not_sent(Flight& flight, bool journalled) {
        const Verdict verdict = not_sent_verdict();
        if (journalled)
            journal_outcome(flight, verdict, true);
        report(flight.item, verdict);
    }

    // The order is done: its verdict from the last exchange.
    void finish(Flight& flight, bool refused_wait = false, bool cut_short = false) {
        Verdict verdict = interpret(flight.last, flight.item.redactor);
        verdict.attempts = flight.attempts;
        verdict.elapsed = duration_cast<milliseconds>(Clock::now() - flight.started);
        const bool may_resend = may_retry(flight.last);
        if (flight.retry_after && may_resend) {
            // Not sent again although the SP said when it may be: say when. Rounded up, so that
            // "not before" is never earlier than the SP asked.
            verdict.not_before = ceil<seconds>(flight.answered_at + *flight.retry_after);
            verdict.explanation +=
                retry_words(verdict, *flight.retry_after, refused_wait, flight.attempts);
        } else if (flight.attempts > 1) {
            verdict.explanation += may_resend
                                       ? fmt::format(" Gave up after {} attempts.", flight.attempts)
                                       : fmt::format(" {} attempts were made.", flight.attempts);
        }
        if (cut_short && may_resend)
            verdict.explanation +=
                fmt::format(" Not sent again: the batch stopped ({}).", stop_reason);
        journal_outcome(flight, verdict, may_resend);
        report(flight.item, verdict);
        apply_policy(verdict);
    }

    void apply_policy(const Verdict& verdict) {
        if (verdict.outcome == Outcome::auth) {
            // A credentials problem fails every order alike (DESIGN §6).
            stop(fmt::format("authentication failed, HTTP {}", verdict.http_status));
            return;
        }
        switch (verdict.outcome) {
        case Outcome::invalid:
        case Outcome::bad_request:
        case Outcome::http_error:
        case Outcome::no_connection:
        case Outcome::unknown:
            ++errors;
            break;
        default:
            break;
        }
        if (settings.max_errors > 0 && errors >= settings.max_errors)
            stop(fmt::format("--max-errors {} reached", settings.max_errors));
    }

    // ---- admission ----

    void admit(Input input) {
        if (input.error) {
            result = worst(result, Outcome::usage);
            if (owner.on_source_error)
                owner.on_source_error(*input.error);
            return;
        }
        BatchOrder& item = *input.order;
        if (!item.order.validation.valid()) {
            const Verdict verdict = invalid_order_verdict();
            if (settings.journal)
                journal_outcome(item, input.fingerprint, json_string(order_label(item.order)),
                                verdict, false);
            report(item, verdict);
            apply_policy(verdict);
            return;
        }
        if (stopping) {
            report(item, not_sent_verdict());
            return;
        }
        std::uint64_t key = 0;
        // With a journal an order's identity is its fingerprint (DESIGN §6): the same order
        // twice in one batch is sent once. Without one nothing is kept per order, so memory
        // stays flat whatever the batch's size.
        if (const auto parsed = parse_fingerprint(input.fingerprint); parsed && settings.journal) {
            key = *parsed;
            if (seen.find(key).settled != Settled::none) {
                Verdict verdict;
                verdict.outcome = Outcome::not_sent;
                verdict.attempts = 0;
                verdict.headline = "not sent — a duplicate";
                verdict.explanation = fmt::format(
                    "The same order (fingerprint {}) came earlier in this batch; an order is "
                    "sent once.",
                    input.fingerprint);
                report(item, verdict);
                return;
            }
            seen.set(key, {Settled::in_doubt, Outcome::unknown});
            if (skip_recorded(item, key))
                return;
        }
        Flight& flight = flights.emplace_back();
        flight.item = std::move(item);
        flight.fingerprint = std::move(input.fingerprint);
        if (settings.journal)
            flight.label = json_string(order_label(flight.item.order));
        flight.key = key;
        flight.url = settings.url;
        // The request holds the bytes to send from here on.
        flight.request =
            order_request(setup.options, settings.url, std::move(flight.item.order.body));
        flight.started = Clock::now();
        queue_attempt(flight);
    }

    // What an earlier run recorded decides: settled orders are reported, not sent again.
    bool skip_recorded(const BatchOrder& item, std::uint64_t key) {
        const SettledTable::Entry entry = settings.journal->recorded().find(key);
        const std::string& path = settings.journal->path();
        Verdict verdict;
        verdict.attempts = 0;
        verdict.earlier_run = true;
        switch (entry.settled) {
        case Settled::none:
        case Settled::not_processed:
            return false;
        case Settled::resolved:
            verdict.outcome = entry.outcome;
            verdict.headline =
                fmt::format("{} in an earlier run — not sent again", info(entry.outcome).words);
            verdict.explanation =
                fmt::format("Already {} in an earlier run (journal {}); not sent again.",
                            info(entry.outcome).words, path);
            break;
        case Settled::in_doubt:
        case Settled::unknown:
            if (settings.resend_unknown)
                return false;
            verdict.outcome = Outcome::unknown;
            verdict.headline = "outcome unknown — sent by an earlier run, not sent again";
            verdict.explanation = fmt::format(
                "An earlier run sent this order and {} (journal {}): the SP may have it. Not "
                "sent again: ask the SP, then re-run with --resend-unknown to send it anyway.",
                entry.settled == Settled::in_doubt ? "recorded no answer"
                                                   : "its outcome was unknown",
                path);
            break;
        }
        report(item, verdict, true);
        return true;
    }

    // The next attempt of `flight`: with a journal, its sent record goes to disk first.
    void queue_attempt(Flight& flight) {
        if (!settings.journal || flight.fingerprint.empty()) {
            flight.state = Flight::State::ready;
            return;
        }
        // Built by hand: two records an order, at thousands of orders a second.
        fmt::format_to(std::back_inserter(sent_lines),
                       R"({{"at":"{}","attempt":{},"event":"sent","fp":"{}","order":{}}})"
                       "\n",
                       now_text(), flight.attempts + 1, flight.fingerprint, flight.label);
        if (sent_waiting++ == 0)
            sent_ticket = settings.journal->next_ticket();
        flight.ticket = sent_ticket;
        flight.state = Flight::State::committing;
    }

    // Sent records reach the journal together, one fsync for many: once enough wait that an
    // fsync is worth it, and as soon as the orders ready to start run low, so that a free slot
    // never waits for an fsync that could have been under way.
    void hand_over_sent() {
        if (sent_waiting == 0 || (sent_waiting < hand_over_at &&
                                  ready_count > static_cast<std::size_t>(settings.parallel)))
            return;
        (void)settings.journal->append_durable(sent_lines);
        sent_lines.clear();
        sent_waiting = 0;
    }

    // Before a wait: with a slot free and no order ready to start, the loop asks the journal
    // to wake it once the next sent record is on disk. True when it is already.
    bool journal_caught_up() {
        if (!settings.journal || stopping || ready_count > 0 ||
            sending >= static_cast<std::size_t>(settings.parallel))
            return false;
        std::uint64_t first = 0;
        for (const Flight& flight : flights)
            if (flight.state == Flight::State::committing && (first == 0 || flight.ticket < first))
                first = flight.ticket;
        if (first == 0)
            return false;
        settings.journal->wake_when_durable(first);
        return settings.journal->durable() >= first;
    }

    // ---- the loop ----

    void take_input() {
        std::unique_lock lock(mutex);
        bool took = false;
        while (!queue.empty() && (flights.size() < room || stopping)) {
            Input input = std::move(queue.front());
            queue.pop_front();
            took = true;
            lock.unlock();
            admit(std::move(input));
            lock.lock();
        }
        if (took)
            not_full.notify_all();
    }

    bool input_done() {
        std::lock_guard lock(mutex);
        return input_closed && queue.empty();
    }

    detail::Transfer* take_transfer() {
        if (!idle.empty()) {
            detail::Transfer* transfer = idle.back();
            idle.pop_back();
            return transfer;
        }
        return transfers.emplace_back(std::make_unique<detail::Transfer>(setup)).get();
    }

    void start_ready(Clock::time_point now) {
        ready_count = 0;
        if (stopping)
            return;
        const std::uint64_t durable = settings.journal ? settings.journal->durable() : 0;
        for (Flight& flight : flights) {
            if (flight.state == Flight::State::committing && flight.ticket <= durable)
                flight.state = Flight::State::ready;
            if (flight.state == Flight::State::waiting && flight.wake_at <= now)
                queue_attempt(flight);
            if (flight.state == Flight::State::ready)
                ++ready_count;
        }
        if (probing) {
            // One request tests whether the SP has recovered. It is the order with the most
            // retries left, so a long storm spreads its refusals over the batch instead of
            // spending one order's retries on every probe.
            if (sending > 0 || now < backoff_until || (settings.rate > 0 && now < next_start))
                return;
            Flight* probe = nullptr;
            for (Flight& flight : flights)
                if (flight.state == Flight::State::ready &&
                    (!probe || flight.attempts < probe->attempts))
                    probe = &flight;
            if (probe) {
                --ready_count;
                start(*probe, now);
            }
            return;
        }
        for (auto it = flights.begin(); it != flights.end();) {
            Flight& flight = *it++; // start() removes an order it could not start
            if (flight.state != Flight::State::ready)
                continue;
            if (sending >= static_cast<std::size_t>(settings.parallel) || now < backoff_until ||
                (settings.rate > 0 && now < next_start))
                break;
            --ready_count;
            start(flight, now);
        }
    }

    void start(Flight& flight, Clock::time_point now) {
        detail::Transfer* transfer = take_transfer();
        ++flight.attempts;
        ++counts.requests;
        if (settings.rate > 0)
            next_start = std::max(next_start, now) +
                         duration_cast<Clock::duration>(duration<double>(1.0 / settings.rate));
        if (!transfer->arm(flight.request, flight.url, flight.item.redactor) || !multi ||
            curl_multi_add_handle(multi.get(), transfer->handle()) != CURLM_OK) {
            flight.last = transfer->failed();
            if (flight.last.curl_error.empty())
                flight.last.curl_error = "libcurl could not start the transfer";
            idle.push_back(transfer);
            flight.state = Flight::State::done;
            finish(flight);
            flights.remove_if([&](const Flight& f) { return &f == &flight; });
            return;
        }
        curl_easy_setopt(transfer->handle(), CURLOPT_PRIVATE, &flight);
        flight.transfer = transfer;
        flight.state = Flight::State::sending;
        ++sending;
    }

    void completed(Flight& flight, CURLcode code, Clock::time_point now) {
        detail::Transfer* transfer = flight.transfer;
        curl_multi_remove_handle(multi.get(), transfer->handle());
        flight.last = transfer->finish(code);
        // HTTP/2 streams the SP refused, which libcurl started again within the attempt.
        counts.requests += static_cast<std::size_t>(flight.last.refused_streams);
        flight.answered_at = system_clock::now();
        flight.transfer = nullptr;
        idle.push_back(transfer);
        --sending;

        const bool is_post = flight.request.method == "POST";
        if (setup.options.follow_redirects && flight.hops < max_redirect_hops &&
            followable(flight.last, is_post) && !transfer->redirect_url().empty() &&
            same_origin(flight.url, transfer->redirect_url()) && !stopping) {
            // The SP sent the order elsewhere without processing it: the same attempt goes on.
            ++flight.hops;
            --flight.attempts;
            flight.url = transfer->redirect_url();
            flight.state = Flight::State::ready;
            return;
        }
        flight.retry_after.reset(); // only the last answer's counts
        const bool may = may_retry(flight.last);
        if (may && flight.last.retry_after)
            flight.retry_after = parse_retry_after(*flight.last.retry_after, flight.answered_at);
        if (may && flight.last.reach == HttpExchange::Reach::answered) {
            // 429/503: the SP is overloaded for everyone; the whole batch waits (DESIGN §5).
            const milliseconds pause =
                std::min(flight.retry_after.value_or(
                             retry_delay(settings.retry, flight.attempts, std::nullopt)
                                 .value_or(settings.retry.base_delay)),
                         settings.retry.max_wait);
            backoff_until = std::max(backoff_until, now + pause);
            probing = true;
        } else if (flight.last.reach == HttpExchange::Reach::answered) {
            probing = false;
        }
        const int max_attempts = 1 + std::max(settings.retry.retries, 0);
        if (may && flight.attempts < max_attempts && !stopping) {
            const std::optional<milliseconds> delay =
                retry_delay(settings.retry, flight.attempts, flight.retry_after);
            if (delay) {
                flight.state = Flight::State::waiting;
                flight.wake_at = now + *delay;
                return;
            }
            flight.state = Flight::State::done;
            finish(flight, true);
        } else {
            flight.state = Flight::State::done;
            finish(flight);
        }
        flights.remove_if([&](const Flight& f) { return &f == &flight; });
    }

    // The second Ctrl-C: requests in flight are dropped; the SP may have them.
    void abandon() {
        abandoned = true;
        stop("interrupted");
        for (Flight& flight : flights) {
            if (!flight.transfer)
                continue;
            curl_multi_remove_handle(multi.get(), flight.transfer->handle());
            (void)flight.transfer->finish(CURLE_ABORTED_BY_CALLBACK);
            idle.push_back(flight.transfer);
            flight.transfer = nullptr;
            --sending;
            Verdict verdict;
            verdict.outcome = Outcome::unknown;
            verdict.attempts = flight.attempts;
            verdict.explanation =
                "Abandoned at the second Ctrl-C while its request was out: the SP may have the "
                "order. Ask the SP before sending it again.";
            journal_outcome(flight, verdict, false);
            report(flight.item, verdict);
        }
        flights.clear();
    }

    void on_interrupts() {
        const int now = interrupts.load();
        if (now == interrupts_seen)
            return;
        interrupts_seen = now;
        refuse_input = true;
        not_full.notify_all();
        if (now >= 2) {
            if (!abandoned)
                abandon();
            return;
        }
        const std::size_t out = sending;
        stop("interrupted");
        if (out > 0 && owner.on_notice)
            owner.on_notice(fmt::format("waiting for {} order{} in flight — Ctrl-C again to "
                                        "abandon {}",
                                        out, out == 1 ? "" : "s", out == 1 ? "it" : "them"));
    }

    void drain_queue_as_not_sent() {
        std::deque<Input> rest;
        {
            std::lock_guard lock(mutex);
            rest.swap(queue);
        }
        not_full.notify_all();
        for (Input& input : rest)
            admit(std::move(input)); // stopping: each is reported not sent
    }

    milliseconds poll_timeout(Clock::time_point now) const {
        Clock::time_point until = now + seconds(1);
        if (owner.on_progress)
            until = std::min(until, next_progress);
        for (const Flight& flight : flights) {
            if (flight.state == Flight::State::waiting)
                until = std::min(until, flight.wake_at);
            if (flight.state == Flight::State::ready && !stopping &&
                sending < static_cast<std::size_t>(settings.parallel) &&
                !(probing && sending > 0)) {
                until = std::min(
                    until, std::max({now, backoff_until, settings.rate > 0 ? next_start : now}));
            }
        }
        return std::max(ceil<milliseconds>(until - now), milliseconds{0});
    }

    void flush_outcomes() {
        if (outcome_lines.empty())
            return;
        if (settings.journal)
            (void)settings.journal->append(outcome_lines);
        outcome_lines.clear();
    }

    Outcome run() {
        while (true) {
            on_interrupts();
            if (settings.journal && !stopping) {
                if (std::string why = settings.journal->failure(); !why.empty()) {
                    result = worst(result, Outcome::usage);
                    if (owner.on_notice)
                        owner.on_notice(why + ": nothing more is sent");
                    journal_failure_said = true;
                    stop("the journal cannot be written");
                }
            }
            take_input();
            if (interrupts_seen > 0)
                drain_queue_as_not_sent();
            Clock::time_point now = Clock::now();
            start_ready(now);
            if (sending > 0) {
                int running = 0;
                curl_multi_perform(multi.get(), &running);
                int left = 0;
                now = Clock::now();
                while (CURLMsg* message = curl_multi_info_read(multi.get(), &left)) {
                    if (message->msg != CURLMSG_DONE)
                        continue;
                    Flight* flight = nullptr;
                    curl_easy_getinfo(message->easy_handle, CURLINFO_PRIVATE, &flight);
                    if (flight)
                        completed(*flight, message->data.result, now);
                }
                start_ready(now); // a slot freed: fill it before waiting
            }
            if (settings.journal)
                hand_over_sent();
            flush_outcomes();
            if (owner.on_turn_end)
                owner.on_turn_end();
            counts.in_flight = sending;
            counts.elapsed = Clock::now() - began;
            if (owner.on_progress && Clock::now() >= next_progress) {
                owner.on_progress(counts);
                next_progress = Clock::now() + progress_every;
            }
            if (flights.empty() && (input_done() || interrupts_seen > 0))
                break;
            now = Clock::now();
            const bool more_input = [&] {
                std::lock_guard lock(mutex);
                return !queue.empty() && (flights.size() < room || stopping);
            }();
            if (more_input || journal_caught_up())
                continue;
            curl_waitfd extra{wake_read, CURL_WAIT_POLLIN, 0};
            const int timeout = static_cast<int>(poll_timeout(now).count());
            if (sending > 0 || timeout > 0)
                curl_multi_poll(multi.get(), &extra, wake_read >= 0 ? 1 : 0, timeout, nullptr);
            char drain[256];
            while (wake_read >= 0 && ::read(wake_read, drain, sizeof drain) > 0) {
            }
        }
        flush_outcomes();
        counts.in_flight = 0;
        counts.elapsed = Clock::now() - began;
        if (settings.journal && !settings.journal->close()) {
            if (owner.on_notice && !journal_failure_said)
                owner.on_notice(settings.journal->failure());
            result = worst(result, Outcome::usage);
        }
        if (interrupts_seen > 0)
            result = Outcome::interrupted;
        return result;
    }
};

Batch::Batch(ConnectionOptions connection, Redactor secrets, BatchSettings settings)
    : impl_(std::make_unique<Impl>(*this, std::move(connection), std::move(secrets),
                                   std::move(settings))) {}

Batch::~Batch() = default;

bool Batch::put(BatchOrder order) {
    Impl::Input input;
    CheckedOrder& checked = order.order;
    if (checked.document && checked.fingerprint.empty())
        checked.fingerprint = fingerprint(*checked.document);
    if (checked.validation.valid()) {
        input.fingerprint = checked.fingerprint;
        // What is sent is `body`; the parsed document and the bytes as read are the bulk of
        // an order in memory.
        checked.document.reset();
        checked.original = std::string();
    }
    input.order = std::move(order);
    return impl_->put(std::move(input));
}

bool Batch::put(SourceError error) {
    Impl::Input input;
    input.error = std::move(error);
    return impl_->put(std::move(input));
}

void Batch::close_input() {
    impl_->close_input();
}

Outcome Batch::run() {
    return impl_->run();
}

void Batch::interrupt() noexcept {
    impl_->interrupts.fetch_add(1);
    impl_->wake();
}

const BatchCounts& Batch::counts() const {
    return impl_->counts;
}

} // namespace onorder
