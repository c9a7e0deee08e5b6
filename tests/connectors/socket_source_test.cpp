#include "weir/connectors/socket/socket_text_source.h"

#include <arpa/inet.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "weir/core/exceptions.h"

namespace weir {
namespace {

using namespace std::chrono_literals;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

class CollectingOutput final : public ReaderOutput<std::string> {
public:
    void collect(const std::string& value) override { values.push_back(value); }
    void collect(const std::string& value, int64_t) override { values.push_back(value); }
    std::vector<std::string> values;
};

void sendAll(int fd, const std::string& data) {
    size_t sent = 0;
    while (sent < data.size()) {
        ssize_t n = ::send(fd, data.data() + sent, data.size() - sent, MSG_NOSIGNAL);
        if (n <= 0) return;
        sent += static_cast<size_t>(n);
    }
}

/// A TCP socket bound to 127.0.0.1 on a free port. With `listen`, serve() runs a script on a
/// thread for each of the next connections it accepts.
class TestServer {
public:
    explicit TestServer(bool listen = true) {
        fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        EXPECT_EQ(::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
        socklen_t len = sizeof(addr);
        ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
        port_ = ntohs(addr.sin_port);
        if (listen) {
            EXPECT_EQ(::listen(fd_, 4), 0);
        }
    }
    /// Waits until the scripts have run.
    void join() {
        if (thread_.joinable()) thread_.join();
    }
    ~TestServer() {
        if (thread_.joinable()) thread_.join();
        ::close(fd_);
    }

    int port() const { return port_; }

    /// Accepts one connection per script, runs the scripts in order, closing each connection
    /// after its script.
    void serve(std::vector<std::function<void(int)>> scripts) {
        thread_ = std::thread([this, scripts = std::move(scripts)] {
            for (const auto& script : scripts) {
                int conn = ::accept(fd_, nullptr, nullptr);
                if (conn < 0) return;
                script(conn);
                ::close(conn);
            }
        });
    }

private:
    int fd_;
    int port_;
    std::thread thread_;
};

/// A one-shot flag that a test thread waits on.
class Latch {
public:
    void open() {
        std::lock_guard lock(mutex_);
        open_ = true;
        cv_.notify_all();
    }
    bool wait(std::chrono::milliseconds timeout = 10s) {
        std::unique_lock lock(mutex_);
        return cv_.wait_for(lock, timeout, [this] { return open_; });
    }

private:
    std::mutex mutex_;
    std::condition_variable cv_;
    bool open_ = false;
};

/// Counts context.wakeUp() calls and lets the test wait for the next one.
class WakeUps {
public:
    std::function<void()> callback() {
        return [this] {
            std::lock_guard lock(mutex_);
            ++count_;
            cv_.notify_all();
        };
    }
    int count() {
        std::lock_guard lock(mutex_);
        return count_;
    }
    bool waitFor(int n, std::chrono::milliseconds timeout = 10s) {
        std::unique_lock lock(mutex_);
        return cv_.wait_for(lock, timeout, [&] { return count_ >= n; });
    }

private:
    std::mutex mutex_;
    std::condition_variable cv_;
    int count_ = 0;
};

/// Polls like the task does: on NOTHING_AVAILABLE, waits for a wake-up (with a timeout so that a
/// missed wake-up fails the test instead of hanging it).
std::vector<std::string> pollToEnd(SourceReader<std::string>& reader, WakeUps& wakeUps) {
    CollectingOutput out;
    auto deadline = std::chrono::steady_clock::now() + 30s;
    while (std::chrono::steady_clock::now() < deadline) {
        int seen = wakeUps.count();
        InputStatus status = reader.pollNext(out);
        if (status == InputStatus::END_OF_INPUT) return out.values;
        if (status == InputStatus::NOTHING_AVAILABLE) {
            EXPECT_TRUE(wakeUps.waitFor(seen + 1)) << "no wakeUp after NOTHING_AVAILABLE";
        }
    }
    ADD_FAILURE() << "reader did not end";
    return out.values;
}

std::unique_ptr<SourceReader<std::string>> makeReader(const SocketTextSource& source,
                                                      WakeUps& wakeUps) {
    SourceReaderContext context;
    context.wakeUp = wakeUps.callback();
    return source.createReader(context);
}

TEST(SocketTextSource, IsUnbounded) {
    EXPECT_EQ(SocketTextSource("localhost", 9999).getBoundedness(),
              Boundedness::CONTINUOUS_UNBOUNDED);
}

TEST(SocketTextSource, ReadsRecordsInOrderUntilServerCloses) {
    TestServer server;
    Latch connected, go;
    server.serve({[&](int fd) {
        connected.open();
        go.wait();
        sendAll(fd, "first\nsec");
        std::this_thread::sleep_for(50ms);
        sendAll(fd, "ond\r\n\nthird\n");
        std::this_thread::sleep_for(50ms);
        sendAll(fd, "partial");
    }});
    SocketTextSource source("127.0.0.1", server.port());
    WakeUps wakeUps;
    auto reader = makeReader(source, wakeUps);
    reader->start();
    ASSERT_TRUE(connected.wait());

    CollectingOutput out;
    EXPECT_EQ(reader->pollNext(out), InputStatus::NOTHING_AVAILABLE);
    EXPECT_TRUE(out.values.empty());
    go.open();
    EXPECT_TRUE(wakeUps.waitFor(1));
    std::vector<std::string> rest = pollToEnd(*reader, wakeUps);
    out.values.insert(out.values.end(), rest.begin(), rest.end());
    EXPECT_THAT(out.values, ElementsAre("first", "second", "", "third", "partial"));
    EXPECT_EQ(reader->pollNext(out), InputStatus::END_OF_INPUT);
    reader->close();
}

TEST(SocketTextSource, SplitsAtCustomDelimiterKeepingCarriageReturns) {
    TestServer server;
    server.serve({[](int fd) { sendAll(fd, "a;b\r;c\n;"); }});
    SocketTextSource source("localhost", server.port(), ';');
    WakeUps wakeUps;
    auto reader = makeReader(source, wakeUps);
    reader->start();
    EXPECT_THAT(pollToEnd(*reader, wakeUps), ElementsAre("a", "b\r", "c\n"));
}

TEST(SocketTextSource, SlowReaderGetsEveryRecordThroughTheBoundedQueue) {
    constexpr int kRecords = 50'000;
    TestServer server;
    server.serve({[](int fd) {
        std::string data;
        for (int i = 0; i < kRecords; ++i) data += std::to_string(i) + "\n";
        sendAll(fd, data);
    }});
    SocketTextSource source("127.0.0.1", server.port());
    WakeUps wakeUps;
    auto reader = makeReader(source, wakeUps);
    reader->start();
    std::this_thread::sleep_for(100ms);  // let the queue fill up and the reading thread block
    std::vector<std::string> records = pollToEnd(*reader, wakeUps);
    ASSERT_EQ(records.size(), static_cast<size_t>(kRecords));
    for (int i = 0; i < kRecords; ++i) ASSERT_EQ(records[i], std::to_string(i));
}

TEST(SocketTextSource, ReconnectsWhileRetriesRemain) {
    TestServer server;
    server.serve({[](int fd) { sendAll(fd, "one\n"); }, [](int fd) { sendAll(fd, "two\n"); }});
    SocketTextSource source("127.0.0.1", server.port(), '\n', 1, 20ms);
    WakeUps wakeUps;
    auto reader = makeReader(source, wakeUps);
    reader->start();
    EXPECT_THAT(pollToEnd(*reader, wakeUps), ElementsAre("one", "two"));
}

TEST(SocketTextSource, ConnectionRefusedFailsNamingTheAddress) {
    TestServer notListening(/*listen=*/false);
    SocketTextSource source("127.0.0.1", notListening.port(), '\n', 2, 10ms);
    WakeUps wakeUps;
    auto reader = makeReader(source, wakeUps);
    reader->start();
    ASSERT_TRUE(wakeUps.waitFor(1));
    CollectingOutput out;
    try {
        reader->pollNext(out);
        FAIL() << "pollNext did not throw";
    } catch (const Exception& e) {
        std::string address = "127.0.0.1:" + std::to_string(notListening.port());
        EXPECT_THAT(e.what(), HasSubstr("socketTextStream: cannot connect to " + address));
        EXPECT_THAT(e.what(), HasSubstr("Connection refused"));
    }
    EXPECT_TRUE(out.values.empty());
}

TEST(SocketTextSource, UnknownHostFailsNamingTheAddress) {
    SocketTextSource source("no-such-host.invalid", 9);
    WakeUps wakeUps;
    auto reader = makeReader(source, wakeUps);
    reader->start();
    ASSERT_TRUE(wakeUps.waitFor(1, 60s));
    CollectingOutput out;
    EXPECT_THROW(
        {
            try {
                reader->pollNext(out);
            } catch (const Exception& e) {
                EXPECT_THAT(e.what(), HasSubstr("cannot connect to no-such-host.invalid:9"));
                throw;
            }
        },
        Exception);
}

TEST(SocketTextSource, CloseWhileConnectedReturnsPromptly) {
    TestServer server;
    Latch connected, done;
    std::atomic<bool> releasedByTheTest{false};
    server.serve({[&](int fd) {
        sendAll(fd, "hello\n");
        connected.open();
        // Keeps the connection open and silent until the test has closed the reader (or, if
        // close() waited for the server instead, until this times out).
        releasedByTheTest = done.wait(120s);
    }});
    SocketTextSource source("127.0.0.1", server.port(), '\n', 5, 10s);
    WakeUps wakeUps;
    auto reader = makeReader(source, wakeUps);
    reader->start();
    ASSERT_TRUE(connected.wait());
    ASSERT_TRUE(wakeUps.waitFor(1));
    CollectingOutput out;
    EXPECT_EQ(reader->pollNext(out), InputStatus::NOTHING_AVAILABLE);
    EXPECT_THAT(out.values, ElementsAre("hello"));

    reader->close();  // returns while the server still holds the connection open
    done.open();
    server.join();
    EXPECT_TRUE(releasedByTheTest) << "close() waited for the server to hang up";
}

TEST(SocketTextSource, DestroyingAStartedReaderStopsItsThread) {
    TestServer server;
    Latch connected, done;
    server.serve({[&](int fd) {
        connected.open();
        done.wait(30s);
    }});
    SocketTextSource source("127.0.0.1", server.port());
    WakeUps wakeUps;
    auto reader = makeReader(source, wakeUps);
    reader->start();
    ASSERT_TRUE(connected.wait());
    reader.reset();  // joins, or the test would crash with a joinable std::thread
    done.open();
}

}  // namespace
}  // namespace weir
