#include "weir/connectors/file/text_line_file_source.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <string>
#include <system_error>
#include <tuple>
#include <vector>

#include "weir/connectors/index_range_splits.h"
#include "weir/core/exceptions.h"
#include "weir/core/serializer.h"

namespace weir {
namespace {

namespace fs = std::filesystem;

constexpr size_t kReadChunk = 64 * 1024;

[[noreturn]] void throwIoError(const std::string& what, const std::string& path, int error) {
    throw Exception("readTextFile: " + what + " '" + path + "': " + std::strerror(error));
}

/// The byte range [begin, end) of one file that a subtask owns: the lines starting inside it.
struct FileSplit {
    std::string path;
    uint64_t begin;
    uint64_t end;
};

bool isHidden(const fs::path& p) {
    std::string name = p.filename().string();
    return !name.empty() && (name[0] == '.' || name[0] == '_');
}

uint64_t fileSize(const std::string& path) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) throwIoError("cannot read", path, errno);
    return static_cast<uint64_t>(st.st_size);
}

/// The files under `path` (itself if it is a file), sorted by path so that every subtask sees
/// the same list.
std::vector<std::string> listFiles(const std::string& path) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) throwIoError("cannot read", path, errno);
    if (!S_ISDIR(st.st_mode)) return {path};

    std::vector<std::string> files;
    std::error_code ec;
    fs::recursive_directory_iterator it(path, ec), end;
    if (ec) throwIoError("cannot list directory", path, ec.value());
    for (; it != end; it.increment(ec)) {
        if (ec) throwIoError("cannot list directory", path, ec.value());
        const fs::directory_entry& entry = *it;
        if (isHidden(entry.path())) {
            if (entry.is_directory(ec)) it.disable_recursion_pending();
            continue;
        }
        if (entry.is_regular_file(ec)) files.push_back(entry.path().string());
    }
    if (ec) throwIoError("cannot list directory", path, ec.value());
    std::sort(files.begin(), files.end());
    return files;
}

/// Reads the lines that start inside each of its splits, in order, up to kRecordsPerPoll lines per
/// pollNext. The file is read in 64 KiB chunks with pread; the line string is reused.
class TextLineFileReader final : public SourceReader<std::string> {
public:
    explicit TextLineFileReader(std::vector<FileSplit> splits)
        : splits_(std::move(splits)), buffer_(kReadChunk) {}
    ~TextLineFileReader() override { closeFile(); }

    InputStatus pollNext(ReaderOutput<std::string>& output) override {
        while (true) {
            if (fd_ < 0) {
                if (next_ >= splits_.size()) return InputStatus::END_OF_INPUT;
                openSplit(splits_[next_++]);
            }
            if (readLine()) {
                output.collect(line_);
                for (int n = 1; n < kRecordsPerPoll && readLine(); ++n) output.collect(line_);
                return InputStatus::MORE_AVAILABLE;
            }
            closeFile();
        }
    }

    void close() override { closeFile(); }

    /// The splits not finished: the open one from the next unread line (a line start, so that
    /// reopening it there skips nothing), then the unopened ones.
    std::vector<std::string> snapshotState(int64_t) override {
        std::vector<std::string> out;
        if (fd_ >= 0 && pos_ < end_) out.push_back(encode({*path_, pos_, end_}));
        for (size_t i = next_; i < splits_.size(); ++i) out.push_back(encode(splits_[i]));
        return out;
    }
    static std::string encode(const FileSplit& s) {
        return serializeToString(
            std::tuple<std::string, uint64_t, uint64_t>(s.path, s.begin, s.end));
    }
    static FileSplit decode(const std::string& bytes) {
        auto [path, begin, end] =
            deserializeFromString<std::tuple<std::string, uint64_t, uint64_t>>(bytes);
        return FileSplit{std::move(path), begin, end};
    }

private:
    void openSplit(const FileSplit& split) {
        fd_ = ::open(split.path.c_str(), O_RDONLY | O_CLOEXEC);
        if (fd_ < 0) throwIoError("cannot open", split.path, errno);
        path_ = &split.path;
        end_ = split.end;
        bufferStart_ = bufferLength_ = bufferPos_ = 0;
        if (split.begin == 0) {
            pos_ = 0;
            return;
        }
        // The line containing byte begin-1 belongs to the previous split unless that byte is the
        // '\n' ending it: skip through the first '\n' at or after begin-1. Without a '\n' before
        // end, no line starts inside the split (one long line spans it).
        bufferStart_ = split.begin - 1;
        while (true) {
            if (!fill()) {
                pos_ = end_;
                return;
            }
            uint64_t scan = std::min<uint64_t>(bufferLength_, end_ - bufferStart_);
            const char* data = buffer_.data();
            if (const void* nl = std::memchr(data, '\n', scan)) {
                bufferPos_ = static_cast<const char*>(nl) - data + 1;
                pos_ = bufferStart_ + bufferPos_;
                return;
            }
            if (bufferStart_ + scan >= end_) {
                pos_ = end_;
                return;
            }
        }
    }

    /// Reads the next chunk after the buffered one; false at end of file.
    bool fill() {
        bufferStart_ += bufferLength_;
        bufferPos_ = bufferLength_ = 0;
        while (true) {
            ssize_t n =
                ::pread(fd_, buffer_.data(), buffer_.size(), static_cast<off_t>(bufferStart_));
            if (n < 0 && errno == EINTR) continue;
            if (n < 0) throwIoError("cannot read", *path_, errno);
            bufferLength_ = static_cast<size_t>(n);
            return n > 0;
        }
    }

    /// Reads the line starting at pos_ into line_ if it starts inside the split; false if not.
    bool readLine() {
        if (pos_ >= end_) return false;
        line_.clear();
        bool sawByte = false;
        while (true) {
            if (bufferPos_ == bufferLength_ && !fill()) {
                pos_ = bufferStart_;
                return sawByte;  // a final line without '\n', or nothing at end of file
            }
            sawByte = true;
            const char* data = buffer_.data() + bufferPos_;
            size_t available = bufferLength_ - bufferPos_;
            const void* nl = std::memchr(data, '\n', available);
            if (!nl) {
                line_.append(data, available);
                bufferPos_ = bufferLength_;
                continue;
            }
            size_t length = static_cast<const char*>(nl) - data;
            line_.append(data, length);
            bufferPos_ += length + 1;
            pos_ = bufferStart_ + bufferPos_;
            if (!line_.empty() && line_.back() == '\r') line_.pop_back();
            return true;
        }
    }

    void closeFile() {
        if (fd_ >= 0) ::close(fd_);
        fd_ = -1;
    }

    std::vector<FileSplit> splits_;
    size_t next_ = 0;  // the next split to open
    int fd_ = -1;
    const std::string* path_ = nullptr;
    uint64_t end_ = 0;          // end of the current split (exclusive)
    uint64_t pos_ = 0;          // file offset of the next unread line
    uint64_t bufferStart_ = 0;  // file offset of buffer_[0]
    size_t bufferLength_ = 0;
    size_t bufferPos_ = 0;
    std::vector<char> buffer_;
    std::string line_;
};

}  // namespace

std::unique_ptr<SourceReader<std::string>> TextLineFileSource::createReader(
    const SourceReaderContext& context) const {
    if (context.restoredSplits) {
        std::vector<FileSplit> splits;
        for (const auto& bytes : *context.restoredSplits)
            splits.push_back(TextLineFileReader::decode(bytes));
        return std::make_unique<TextLineFileReader>(std::move(splits));
    }
    uint64_t parallelism = static_cast<uint64_t>(std::max<int32_t>(context.parallelism, 1));
    uint64_t index = static_cast<uint64_t>(std::max<int32_t>(context.subtaskIndex, 0));
    std::vector<FileSplit> splits;
    for (std::string& file : listFiles(path_)) {
        uint64_t size = fileSize(file);
        auto boundary = [&](uint64_t i) {
            return static_cast<uint64_t>(static_cast<unsigned __int128>(size) * i / parallelism);
        };
        uint64_t begin = boundary(index), end = boundary(index + 1);
        if (begin < end) splits.push_back({std::move(file), begin, end});
    }
    return std::make_unique<TextLineFileReader>(std::move(splits));
}

}  // namespace weir
