#include <onorder/journal.hpp>

#include <doctest/doctest.h>

#include <cstdio>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <thread>

#include <fcntl.h>
#include <fmt/format.h>
#include <poll.h>
#include <sys/stat.h>
#include <unistd.h>

using namespace onorder;

namespace {

std::string temp_path() {
    char name[] = "/tmp/onorder-journal-XXXXXX";
    const int fd = mkstemp(name);
    REQUIRE(fd >= 0);
    close(fd);
    unlink(name);
    return name;
}

std::string read_all(const std::string& path) {
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

void write_all(const std::string& path, const std::string& text) {
    std::ofstream(path) << text;
}

} // namespace

TEST_SUITE("journal") {

    TEST_CASE("a settled table finds what was set, the last setting winning, through growth") {
        SettledTable table;
        std::mt19937_64 random(7);
        std::vector<std::uint64_t> keys;
        for (int i = 0; i < 5000; ++i)
            keys.push_back(random());
        keys.push_back(0); // a fingerprint may be 0 too
        for (const std::uint64_t key : keys)
            table.set(key, {Settled::in_doubt, Outcome::unknown});
        for (std::size_t i = 0; i < keys.size(); i += 2)
            table.set(keys[i], {Settled::resolved, Outcome::rejected});
        CHECK(table.size() == keys.size());
        for (std::size_t i = 0; i < keys.size(); ++i) {
            const SettledTable::Entry entry = table.find(keys[i]);
            CHECK(entry.settled == (i % 2 == 0 ? Settled::resolved : Settled::in_doubt));
        }
        CHECK(table.find(12345).settled == Settled::none);
    }

    TEST_CASE("what an outcome means for a re-run") {
        CHECK(settled_for(Outcome::accepted, false) == Settled::resolved);
        CHECK(settled_for(Outcome::rejected, false) == Settled::resolved);
        CHECK(settled_for(Outcome::bad_request, false) == Settled::resolved);
        CHECK(settled_for(Outcome::auth, false) == Settled::not_processed);
        CHECK(settled_for(Outcome::no_connection, true) == Settled::not_processed);
        CHECK(settled_for(Outcome::http_error, true) == Settled::not_processed); // 429/503
        CHECK(settled_for(Outcome::http_error, false) == Settled::unknown);      // 500
        CHECK(settled_for(Outcome::unknown, false) == Settled::unknown);
        CHECK(settled_for(Outcome::not_sent, true) == Settled::not_processed);
    }

    TEST_CASE("fingerprints: 16 hex digits, nothing else") {
        CHECK(parse_fingerprint("00000000000000ff") == 255u);
        CHECK(parse_fingerprint("ffffffffffffffff") == ~std::uint64_t{0});
        CHECK_FALSE(parse_fingerprint("ff").has_value());
        CHECK_FALSE(parse_fingerprint("00000000000000fg").has_value());
        CHECK_FALSE(parse_fingerprint("+000000000000000").has_value());
    }

    TEST_CASE("a new journal is made 0600, locked, and records reach the file") {
        const std::string path = temp_path();
        std::string problem;
        std::vector<std::string> notices;
        auto journal = Journal::open(path, problem, notices);
        REQUIRE(journal);
        struct stat info {};
        REQUIRE(stat(path.c_str(), &info) == 0);
        CHECK((info.st_mode & 0777) == 0600);

        std::string second_problem;
        CHECK_FALSE(Journal::open(path, second_problem, notices));
        CHECK(second_problem.find("another onorder is using it") != std::string::npos);

        const std::uint64_t ticket =
            journal->append_durable(R"({"event":"sent","fp":"00000000000000aa"})"
                                    "\n");
        // The committer writes and fsyncs on its own thread; an outcome follows its sent record
        // only once that is on disk, as in the engine.
        while (journal->durable() < ticket)
            std::this_thread::sleep_for(std::chrono::milliseconds(1));
        CHECK(journal->append(
            R"({"event":"outcome","fp":"00000000000000aa","outcome":"accepted","state":"resolved"})"
            "\n"));
        CHECK(journal->close());
        CHECK(journal->durable() >= ticket);
        journal.reset();

        auto again = Journal::open(path, problem, notices);
        REQUIRE(again);
        CHECK(again->recorded().find(0xaa).settled == Settled::resolved);
        CHECK(again->recorded().find(0xaa).outcome == Outcome::accepted);
        CHECK(again->records_read() == 2);
        unlink(path.c_str());
    }

    TEST_CASE("the last record of an order decides; sent without outcome is in doubt") {
        const std::string path = temp_path();
        write_all(
            path,
            R"({"event":"run"})"
            "\n"
            R"({"event":"sent","fp":"0000000000000001"})"
            "\n"
            R"({"event":"outcome","fp":"0000000000000001","outcome":"http_error","state":"not_processed"})"
            "\n"
            R"({"event":"sent","fp":"0000000000000001"})"
            "\n"
            R"({"event":"sent","fp":"0000000000000002"})"
            "\n"
            R"({"event":"outcome","fp":"0000000000000002","outcome":"accepted","state":"resolved"})"
            "\n"
            R"({"event":"sent","fp":"0000000000000003"})"
            "\n"
            R"({"event":"outcome","fp":"0000000000000003","outcome":"what","state":"later"})"
            "\n");
        std::string problem;
        std::vector<std::string> notices;
        auto journal = Journal::open(path, problem, notices);
        REQUIRE(journal);
        CHECK(journal->recorded().find(1).settled == Settled::in_doubt);
        CHECK(journal->recorded().find(2).settled == Settled::resolved);
        // A record this version cannot read is doubt, never a licence to send again.
        CHECK(journal->recorded().find(3).settled == Settled::unknown);
        CHECK(notices.empty());
        unlink(path.c_str());
    }

    TEST_CASE("records are written in the order they were made, a queued sent record first") {
        // A batch that stops says "not sent" of orders whose sent records are still queued for
        // the committer. Written the other way round, the sent record would come last and
        // leave those orders in doubt instead of free to go again.
        const std::string path = temp_path();
        std::string problem;
        std::vector<std::string> notices;
        auto journal = Journal::open(path, problem, notices);
        REQUIRE(journal);
        constexpr int orders = 200;
        for (int i = 1; i <= orders; ++i) {
            const std::string fp = fmt::format("{:016x}", i);
            const std::uint64_t ticket =
                journal->append_durable(fmt::format(R"({{"event":"sent","fp":"{}"}})"
                                                    "\n",
                                                    fp));
            CHECK(ticket == static_cast<std::uint64_t>(i));
            CHECK(journal->next_ticket() == ticket + 1);
            CHECK(journal->append(fmt::format(
                R"({{"event":"outcome","fp":"{}","outcome":"not_sent","state":"not_processed"}})"
                "\n",
                fp)));
        }
        CHECK(journal->close());
        journal.reset();
        auto again = Journal::open(path, problem, notices);
        REQUIRE(again);
        int free_to_go = 0;
        for (int i = 1; i <= orders; ++i)
            free_to_go += again->recorded().find(static_cast<std::uint64_t>(i)).settled ==
                                  Settled::not_processed
                              ? 1
                              : 0;
        CHECK(free_to_go == orders);
        unlink(path.c_str());
    }

    TEST_CASE("the committer wakes the one waiting only once its record is on disk") {
        const std::string path = temp_path();
        std::string problem;
        std::vector<std::string> notices;
        auto journal = Journal::open(path, problem, notices);
        REQUIRE(journal);
        int fds[2];
        REQUIRE(pipe2(fds, O_NONBLOCK) == 0);
        journal->notify_fd(fds[1]);
        const std::uint64_t first = journal->append_durable(R"({"event":"sent","fp":"01"})"
                                                            "\n");
        while (journal->durable() < first)
            std::this_thread::sleep_for(std::chrono::milliseconds(1));
        const std::uint64_t second = journal->next_ticket();
        journal->wake_when_durable(second);
        CHECK(journal->append_durable(R"({"event":"sent","fp":"02"})"
                                      "\n") == second);
        pollfd wait{fds[0], POLLIN, 0};
        CHECK(poll(&wait, 1, 30'000) == 1);
        CHECK(journal->durable() >= second);
        CHECK(journal->close());
        journal->notify_fd(-1);
        // One byte: the first commit, which nobody waited for, woke no one.
        char bytes[4];
        CHECK(read(fds[0], bytes, sizeof bytes) == 1);
        close(fds[0]);
        close(fds[1]);
        unlink(path.c_str());
    }

    TEST_CASE("a torn last line is removed and said; a broken line inside is refused") {
        const std::string path = temp_path();
        const std::string whole = R"({"event":"sent","fp":"0000000000000001"})"
                                  "\n";
        write_all(path, whole + R"({"event":"outcome","fp":"00000)");
        std::string problem;
        std::vector<std::string> notices;
        {
            auto journal = Journal::open(path, problem, notices);
            REQUIRE(journal);
            REQUIRE(notices.size() == 1);
            CHECK(notices[0].find("cut off") != std::string::npos);
            CHECK(journal->recorded().find(1).settled == Settled::in_doubt);
        }
        CHECK(read_all(path) == whole);

        write_all(path, "not json\n" + whole);
        notices.clear();
        CHECK_FALSE(Journal::open(path, problem, notices));
        CHECK(problem.find("line 1") != std::string::npos);
        unlink(path.c_str());
    }

    TEST_CASE("a last record without its newline but whole is kept, and the next starts a line") {
        const std::string path = temp_path();
        write_all(path, R"({"event":"sent","fp":"0000000000000001"})");
        std::string problem;
        std::vector<std::string> notices;
        {
            auto journal = Journal::open(path, problem, notices);
            REQUIRE(journal);
            CHECK(notices.empty());
            CHECK(journal->recorded().find(1).settled == Settled::in_doubt);
            CHECK(journal->append(R"({"event":"sent","fp":"0000000000000002"})"
                                  "\n"));
        }
        CHECK(read_all(path) == R"({"event":"sent","fp":"0000000000000001"})"
                                "\n"
                                R"({"event":"sent","fp":"0000000000000002"})"
                                "\n");
        unlink(path.c_str());
    }

} // TEST_SUITE
