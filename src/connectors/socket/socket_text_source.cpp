#include "weir/connectors/socket/socket_text_source.h"

#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "weir/core/exceptions.h"

namespace weir {
namespace {

constexpr size_t kQueueCapacity = 1024;
constexpr size_t kReadChunk = 64 * 1024;
constexpr int kConnectPollMillis = 50;

/// Reads the socket on its own thread into a bounded queue that the task polls. The thread blocks
/// when the queue is full, so a slow job stops reading and TCP flow control slows the sender.
///
/// Threading: start()/pollNext()/close() run on the task thread; the reading thread only touches
/// the queue, the flags and fd_ under mutex_, and calls context.wakeUp() (allowed from any thread)
/// when the queue becomes non-empty or the input ends or fails.
class SocketTextReader final : public SourceReader<std::string> {
public:
    SocketTextReader(std::string host, int port, char delimiter, int maxRetries,
                     std::chrono::milliseconds retryInterval, std::function<void()> wakeUp)
        : host_(std::move(host)),
          port_(port),
          delimiter_(delimiter),
          maxRetries_(maxRetries),
          retryInterval_(retryInterval),
          wakeUp_(std::move(wakeUp)) {}
    ~SocketTextReader() override { close(); }

    void start() override {
        if (thread_.joinable()) return;
        thread_ = std::thread([this] { run(); });
    }

    InputStatus pollNext(ReaderOutput<std::string>& output) override {
        std::string record;
        InputStatus status;
        {
            std::lock_guard lock(mutex_);
            if (queue_.empty()) {
                if (error_) throw Exception(*error_);
                return ended_ ? InputStatus::END_OF_INPUT : InputStatus::NOTHING_AVAILABLE;
            }
            if (queue_.size() == kQueueCapacity) spaceAvailable_.notify_all();
            record = std::move(queue_.front());
            queue_.pop_front();
            // A failure is thrown by the next call, after the records read before it.
            if (!queue_.empty() || error_) {
                status = InputStatus::MORE_AVAILABLE;
            } else {
                status = ended_ ? InputStatus::END_OF_INPUT : InputStatus::NOTHING_AVAILABLE;
            }
        }
        output.collect(record);
        return status;
    }

    /// Stops the reading thread promptly: shutting the socket down unblocks recv and connect.
    void close() override {
        {
            std::lock_guard lock(mutex_);
            stopping_ = true;
            if (fd_ >= 0) ::shutdown(fd_, SHUT_RDWR);
        }
        spaceAvailable_.notify_all();
        if (thread_.joinable()) thread_.join();
    }

private:
    std::string address() const { return host_ + ":" + std::to_string(port_); }

    void run() {
        try {
            readWithRetries();
        } catch (const std::exception& e) {
            finish("socketTextStream: reading from " + address() + " failed: " + e.what());
        }
    }

    void readWithRetries() {
        int retries = 0;  // reconnection attempts made so far; maxRetries_ < 0 means unlimited
        std::string partial;
        while (true) {
            std::string error;
            bool connected = false;
            if (int fd = connectOnce(error); fd >= 0) {
                connected = true;
                error = readUntilClosed(fd, partial);
                releaseSocket(fd);
            }
            if (isStopping()) return;
            if (maxRetries_ >= 0 && retries >= maxRetries_) {
                if (!connected || !error.empty()) {
                    finish(connected
                               ? error
                               : "socketTextStream: cannot connect to " + address() + ": " + error);
                    return;
                }
                if (!partial.empty() && !push(std::move(partial))) return;
                finish(std::nullopt);
                return;
            }
            ++retries;
            std::unique_lock lock(mutex_);
            if (spaceAvailable_.wait_for(lock, retryInterval_, [this] { return stopping_; }))
                return;
        }
    }

    /// Connects to the first address of host_ that accepts; returns the socket, or -1 with the
    /// reason in `error`. The connect is non-blocking and polled so that close() can stop it.
    int connectOnce(std::string& error) {
        addrinfo hints{};
        hints.ai_family = AF_UNSPEC;
        hints.ai_socktype = SOCK_STREAM;
        addrinfo* addresses = nullptr;
        std::string service = std::to_string(port_);
        if (int rc = ::getaddrinfo(host_.c_str(), service.c_str(), &hints, &addresses); rc != 0) {
            error = ::gai_strerror(rc);
            return -1;
        }
        int result = -1;
        for (addrinfo* a = addresses; a && result < 0; a = a->ai_next) {
            int fd = ::socket(a->ai_family, a->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC,
                              a->ai_protocol);
            if (fd < 0) {
                error = std::strerror(errno);
                continue;
            }
            if (!publishSocket(fd)) {
                ::close(fd);
                break;
            }
            int err = 0;
            if (::connect(fd, a->ai_addr, a->ai_addrlen) != 0)
                err = errno == EINPROGRESS ? waitConnected(fd) : errno;
            if (err == 0) {
                // Reads block from here on; close() unblocks them with shutdown().
                ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) & ~O_NONBLOCK);
                result = fd;
            } else {
                error = std::strerror(err);
                releaseSocket(fd);
            }
        }
        ::freeaddrinfo(addresses);
        return result;
    }

    /// Waits for a non-blocking connect to finish; returns 0 or the error number.
    int waitConnected(int fd) {
        while (!isStopping()) {
            pollfd p{fd, POLLOUT, 0};
            int n = ::poll(&p, 1, kConnectPollMillis);
            if (n < 0 && errno != EINTR) return errno;
            if (n > 0) {
                int err = 0;
                socklen_t len = sizeof(err);
                if (::getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0) return errno;
                return err;
            }
        }
        return ECANCELED;
    }

    /// Reads records until the peer closes the connection or close() is called. Returns an error
    /// message if reading failed, else an empty string. `partial` keeps an unfinished record.
    std::string readUntilClosed(int fd, std::string& partial) {
        std::vector<char> buffer(kReadChunk);
        while (true) {
            ssize_t n = ::recv(fd, buffer.data(), buffer.size(), 0);
            if (n < 0 && errno == EINTR) continue;
            if (n < 0) {
                if (isStopping()) return {};
                return "socketTextStream: reading from " + address() +
                       " failed: " + std::strerror(errno);
            }
            if (n == 0) return {};
            const char* data = buffer.data();
            const char* end = data + n;
            while (data < end) {
                const char* d = static_cast<const char*>(std::memchr(data, delimiter_, end - data));
                if (!d) {
                    partial.append(data, end);
                    break;
                }
                partial.append(data, d);
                data = d + 1;
                if (delimiter_ == '\n' && !partial.empty() && partial.back() == '\r')
                    partial.pop_back();
                if (!push(std::move(partial))) return {};
                partial.clear();
            }
        }
    }

    /// Queues a record, waiting while the queue is full; false if the reader is stopping.
    bool push(std::string record) {
        bool wasEmpty;
        {
            std::unique_lock lock(mutex_);
            spaceAvailable_.wait(lock,
                                 [this] { return stopping_ || queue_.size() < kQueueCapacity; });
            if (stopping_) return false;
            wasEmpty = queue_.empty();
            queue_.push_back(std::move(record));
        }
        if (wasEmpty && wakeUp_) wakeUp_();
        return true;
    }

    /// Marks the end of input, or a failure that the next pollNext throws.
    void finish(std::optional<std::string> error) {
        {
            std::lock_guard lock(mutex_);
            ended_ = true;
            error_ = std::move(error);
        }
        if (wakeUp_) wakeUp_();
    }

    /// Makes the socket visible to close(); false (and not published) if the reader is stopping.
    bool publishSocket(int fd) {
        std::lock_guard lock(mutex_);
        if (stopping_) return false;
        fd_ = fd;
        return true;
    }

    void releaseSocket(int fd) {
        {
            std::lock_guard lock(mutex_);
            fd_ = -1;
        }
        ::close(fd);
    }

    bool isStopping() {
        std::lock_guard lock(mutex_);
        return stopping_;
    }

    const std::string host_;
    const int port_;
    const char delimiter_;
    const int maxRetries_;
    const std::chrono::milliseconds retryInterval_;
    const std::function<void()> wakeUp_;

    std::mutex mutex_;
    std::condition_variable spaceAvailable_;  // also wakes a retry wait when stopping
    std::deque<std::string> queue_;
    bool ended_ = false;
    std::optional<std::string> error_;
    bool stopping_ = false;
    int fd_ = -1;  // the socket being connected or read, for close() to shut down
    std::thread thread_;
};

}  // namespace

std::unique_ptr<SourceReader<std::string>> SocketTextSource::createReader(
    const SourceReaderContext& context) const {
    return std::make_unique<SocketTextReader>(host_, port_, delimiter_, maxRetries_, retryInterval_,
                                              context.wakeUp);
}

}  // namespace weir
