#include "weir/connectors/file/file_sink.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <optional>
#include <random>
#include <set>
#include <unordered_map>
#include <utility>

#include "weir/core/byte_io.h"

namespace weir {

namespace fs = std::filesystem;

// ---- policies and configuration --------------------------------------------------------------

DefaultRollingPolicy DefaultRollingPolicy::Builder::build() const {
    if (rolloverInterval_.count() <= 0)
        throw InvalidProgramException(
            "DefaultRollingPolicy: the rollover interval must be "
            "positive, got " +
            formatDuration(rolloverInterval_));
    if (inactivityInterval_.count() <= 0)
        throw InvalidProgramException(
            "DefaultRollingPolicy: the inactivity interval must be "
            "positive, got " +
            formatDuration(inactivityInterval_));
    if (maxPartSize_.bytes() == 0)
        throw InvalidProgramException(
            "DefaultRollingPolicy: the maximum part size must be above 0");
    return DefaultRollingPolicy(rolloverInterval_, inactivityInterval_, maxPartSize_);
}

OutputFileConfig OutputFileConfig::Builder::build() const {
    if (prefix_.empty())
        throw InvalidProgramException("OutputFileConfig: the part prefix is empty");
    for (const std::string* s : {&prefix_, &suffix_})
        if (s->find('/') != std::string::npos || s->find('\0') != std::string::npos)
            throw InvalidProgramException("OutputFileConfig: '" + *s +
                                          "' cannot be part of a file name (it contains '/')");
    return OutputFileConfig(prefix_, suffix_);
}

// ---- DateTimeBucketAssigner ------------------------------------------------------------------

DateTimeBucketAssigner::DateTimeBucketAssigner(std::string formatString, TimeZone zone)
    : formatString_(std::move(formatString)), zone_(zone) {
    const std::string& f = formatString_;
    auto literal = [this](std::string_view text) {
        if (fields_.empty() || fields_.back().letter != 0) fields_.push_back({0, 0, {}});
        fields_.back().literal += text;
    };
    for (size_t i = 0; i < f.size();) {
        char c = f[i];
        if (c == '\'') {
            size_t j = i + 1;
            if (j < f.size() && f[j] == '\'') {  // '' is a quote
                literal("'");
                i = j + 1;
                continue;
            }
            std::string text;
            for (;; ++j) {
                if (j >= f.size())
                    throw InvalidProgramException(
                        "DateTimeBucketAssigner: unterminated quote in '" + f + "'");
                if (f[j] != '\'') {
                    text += f[j];
                } else if (j + 1 < f.size() && f[j + 1] == '\'') {
                    text += '\'';
                    ++j;
                } else {
                    break;
                }
            }
            literal(text);
            i = j + 1;
        } else if (std::isalpha(static_cast<unsigned char>(c))) {
            size_t j = i;
            while (j < f.size() && f[j] == c) ++j;
            int width = static_cast<int>(j - i);
            if (std::string_view("yMdHmsS").find(c) == std::string_view::npos ||
                (c == 'M' && width > 2))
                throw InvalidProgramException(
                    "DateTimeBucketAssigner: pattern letters '" + f.substr(i, j - i) + "' in '" +
                    f +
                    "' are not supported; use y, M/MM, d, H, m, s, S and '...' for literal text");
            fields_.push_back({c, width, {}});
            i = j;
        } else {
            literal(std::string_view(&f[i], 1));
            ++i;
        }
    }
}

std::string DateTimeBucketAssigner::getBucketId(const BucketAssignerContext& context) const {
    return format(context.currentProcessingTime);
}

std::string DateTimeBucketAssigner::format(int64_t epochMillis) const {
    int64_t seconds = epochMillis / 1000;
    int64_t millis = epochMillis % 1000;
    if (millis < 0) {
        millis += 1000;
        --seconds;
    }
    std::time_t t = static_cast<std::time_t>(seconds);
    std::tm tm{};
    bool ok =
        zone_ == TimeZone::UTC ? gmtime_r(&t, &tm) != nullptr : localtime_r(&t, &tm) != nullptr;
    if (!ok)
        throw Exception("DateTimeBucketAssigner: cannot convert time " +
                        std::to_string(epochMillis));
    std::string out;
    auto number = [&out](int64_t v, int width) {
        std::string digits = std::to_string(v);
        if (static_cast<int>(digits.size()) < width) out.append(width - digits.size(), '0');
        out += digits;
    };
    for (const Field& field : fields_) {
        switch (field.letter) {
            case 0:
                out += field.literal;
                break;
            case 'y':
                if (field.width == 2) {
                    number((tm.tm_year + 1900) % 100, 2);
                } else {
                    number(tm.tm_year + 1900, field.width);
                }
                break;
            case 'M':
                number(tm.tm_mon + 1, field.width);
                break;
            case 'd':
                number(tm.tm_mday, field.width);
                break;
            case 'H':
                number(tm.tm_hour, field.width);
                break;
            case 'm':
                number(tm.tm_min, field.width);
                break;
            case 's':
                number(tm.tm_sec, field.width);
                break;
            case 'S': {  // fraction of a second: the leading digits of the milliseconds
                std::string digits = std::to_string(1000 + millis).substr(1);
                digits.resize(std::max<size_t>(digits.size(), field.width), '0');
                out += digits.substr(0, field.width);
                break;
            }
        }
    }
    return out;
}

namespace detail {
namespace {

std::string errnoText() {
    return std::strerror(errno);
}

/// A generator seeded with 256 bits from the system, so uuids of writers do not collide.
std::mt19937_64 seededRandom() {
    std::random_device device;
    std::seed_seq seed{device(), device(), device(), device(),
                       device(), device(), device(), device()};
    return std::mt19937_64(seed);
}

/// A random (version 4) uuid.
std::string randomUuid(std::mt19937_64& random) {
    uint64_t hi = random(), lo = random();
    hi = (hi & ~0xf000ULL) | 0x4000ULL;                  // version 4
    lo = (lo & ~(0xc000ULL << 48)) | (0x8000ULL << 48);  // variant 1
    char text[37];
    std::snprintf(text, sizeof text, "%08x-%04x-%04x-%04x-%012llx", static_cast<unsigned>(hi >> 32),
                  static_cast<unsigned>((hi >> 16) & 0xffff), static_cast<unsigned>(hi & 0xffff),
                  static_cast<unsigned>(lo >> 48),
                  static_cast<unsigned long long>(lo & 0xffffffffffffULL));
    return text;
}

void syncFile(int fd, const std::string& path) {
    if (::fsync(fd) != 0)
        throw Exception("FileSink: fsync of '" + path + "' failed: " + errnoText());
}

/// Makes the names in a directory (new or renamed files) durable.
void syncDirectory(const std::string& dir) {
    int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) throw Exception("FileSink: cannot open directory '" + dir + "': " + errnoText());
    int rc = ::fsync(fd);
    int error = errno;
    ::close(fd);
    if (rc != 0)
        throw Exception("FileSink: fsync of directory '" + dir +
                        "' failed: " + std::strerror(error));
}

std::string parentOf(const std::string& path) {
    std::string parent = fs::path(path).parent_path().string();
    return parent.empty() ? "." : parent;
}

/// Whether `path` exists; throws when that cannot be told (e.g. permission denied).
bool fileExists(const std::string& path) {
    struct stat st;
    if (::stat(path.c_str(), &st) == 0) return true;
    if (errno == ENOENT) return false;
    throw Exception("FileSink: cannot check '" + path + "': " + errnoText());
}

constexpr uint8_t kStateVersion = 1;
constexpr uint8_t kCommittableVersion = 1;
constexpr size_t kWriteBufferSize = 64 * 1024;

void checkBucketId(std::string_view id) {
    if (id.empty()) return;
    bool bad = id.front() == '/' || id.find('\0') != std::string_view::npos;
    for (size_t start = 0; !bad && start <= id.size();) {
        size_t end = std::min(id.find('/', start), id.size());
        std::string_view part = id.substr(start, end - start);
        bad = part.empty() || part == "." || part == "..";
        start = end + 1;
    }
    if (bad)
        throw Exception("FileSink: bucket id '" + std::string(id) +
                        "' is not a relative directory path without '.' or '..' components");
}

}  // namespace

// ---- the writer's file handling --------------------------------------------------------------

struct FileSinkBuckets::Impl {
    struct PartFile {
        std::string path;       // hidden; the in-progress and then the pending name
        std::string finalPath;  // the name it is committed to
        int fd = -1;
        uint64_t written = 0;  // bytes written to fd (the buffer holds more)
        int64_t creationTime = 0;
        int64_t lastUpdateTime = 0;
        bool directorySynced = false;
    };
    struct Bucket {
        std::string id;
        std::string dir;
        std::optional<PartFile> inProgress;
        std::string buffer;  // bytes of inProgress not yet written to its fd
        std::vector<PartFile> pending;
    };

    FileSinkSettings settings;
    int32_t subtask = 0;
    std::mt19937_64 random = seededRandom();
    std::string writerUuid;
    uint64_t partCounter = 0;
    std::unordered_map<std::string, Bucket> buckets;  // element references stay valid
    Bucket* current = nullptr;  // of the last write: endWrite's bucket, and a lookup cache
    int64_t lastFullCheck = 0;

    Impl() = default;
    Impl(const Impl&) = delete;
    Impl& operator=(const Impl&) = delete;
    ~Impl() { closeAll(); }

    /// Closes the open files without rolling them: in-progress files stay as they are (hidden);
    /// only their checkpointed bytes count, and a restore truncates them to those.
    void closeAll() {
        for (auto& [id, b] : buckets)
            if (b.inProgress && b.inProgress->fd >= 0) ::close(std::exchange(b.inProgress->fd, -1));
        buckets.clear();
        current = nullptr;
    }

    int64_t now() const { return settings.clock ? settings.clock() : currentTimeMillis(); }

    Bucket& bucket(std::string_view id) {
        if (current && current->id == id) return *current;
        auto it = buckets.find(std::string(id));
        if (it == buckets.end()) {
            checkBucketId(id);
            Bucket b;
            b.id = std::string(id);
            b.dir = id.empty() ? settings.basePath : (fs::path(settings.basePath) / id).string();
            it = buckets.emplace(b.id, std::move(b)).first;
        }
        return it->second;
    }

    static PartFileInfo info(const Bucket& b) {
        const PartFile& f = *b.inProgress;
        return {b.id, f.creationTime, f.lastUpdateTime, f.written + b.buffer.size()};
    }

    void open(Bucket& b, int64_t time) {
        std::error_code ec;
        fs::create_directories(b.dir, ec);
        if (ec)
            throw Exception("FileSink: cannot create bucket directory '" + b.dir +
                            "': " + ec.message());
        const OutputFileConfig& names = settings.outputFileConfig;
        std::string name = names.getPartPrefix() + "-" + writerUuid + "-" +
                           std::to_string(subtask) + "-" + std::to_string(partCounter++) +
                           names.getPartSuffix();
        PartFile f;
        f.finalPath = (fs::path(b.dir) / name).string();
        f.path = (fs::path(b.dir) / ("." + name + ".inprogress." + randomUuid(random))).string();
        f.fd = ::open(f.path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
        if (f.fd < 0)
            throw Exception("FileSink: cannot create part file '" + f.path + "': " + errnoText());
        f.creationTime = f.lastUpdateTime = time;
        b.inProgress = std::move(f);
    }

    /// Writes the bucket's buffer to its in-progress file.
    static void writeOut(Bucket& b) {
        PartFile& f = *b.inProgress;
        const char* p = b.buffer.data();
        size_t left = b.buffer.size();
        while (left > 0) {
            ssize_t n = ::write(f.fd, p, left);
            if (n < 0) {
                if (errno == EINTR) continue;
                throw Exception("FileSink: writing to part file '" + f.path +
                                "' failed: " + errnoText());
            }
            p += n;
            left -= static_cast<size_t>(n);
            f.written += static_cast<uint64_t>(n);
        }
        b.buffer.clear();
    }

    /// Closes the in-progress file durably; it becomes pending.
    static void roll(Bucket& b) {
        writeOut(b);
        PartFile f = std::move(*b.inProgress);
        b.inProgress.reset();
        int fd = std::exchange(f.fd, -1);
        int rc = ::fsync(fd);
        int error = errno;
        if (::close(fd) != 0 && rc == 0) {
            rc = -1;
            error = errno;
        }
        if (rc != 0)
            throw Exception("FileSink: closing part file '" + f.path +
                            "' failed: " + std::strerror(error));
        b.pending.push_back(std::move(f));
    }

    void rollOnProcessingTime(int64_t time) {
        for (auto& [id, b] : buckets)
            if (b.inProgress && settings.rollingPolicy->shouldRollOnProcessingTime(info(b), time))
                roll(b);
        lastFullCheck = time;
    }

    void restore(const std::string& state, int64_t time) {
        ByteReader in(reinterpret_cast<const uint8_t*>(state.data()), state.size());
        std::string bucketId;
        PartFile f;
        try {
            if (uint8_t v = in.readByte(); v != kStateVersion)
                throw SerializationException("unknown version " + std::to_string(v));
            in.readString(bucketId);
            in.readString(f.path);
            in.readString(f.finalPath);
            f.written = in.readVarUInt();
            f.creationTime = in.readFixed<int64_t>();
        } catch (const SerializationException& e) {
            throw Exception(std::string("FileSink: corrupt writer state: ") + e.what());
        }
        for (auto& [id, b] : buckets) {
            if (b.inProgress && b.inProgress->path == f.path) return;  // given twice
            for (const PartFile& p : b.pending)
                if (p.path == f.path) return;
        }
        Bucket& b = bucket(bucketId);
        f.fd = ::open(f.path.c_str(), O_WRONLY | O_CLOEXEC);
        if (f.fd < 0)
            throw Exception("FileSink: cannot resume in-progress part file '" + f.path +
                            "' of the restored checkpoint: " + errnoText());
        struct stat st;
        auto fail = [&f](const std::string& what) {
            ::close(f.fd);
            throw Exception("FileSink: cannot resume in-progress part file '" + f.path +
                            "': " + what);
        };
        if (::fstat(f.fd, &st) != 0) fail(errnoText());
        if (static_cast<uint64_t>(st.st_size) < f.written)
            fail("it holds " + std::to_string(st.st_size) + " bytes, the checkpoint recorded " +
                 std::to_string(f.written));
        // Drop what was written after the checkpoint, then append after the checkpointed bytes.
        if (::ftruncate(f.fd, static_cast<off_t>(f.written)) != 0 ||
            ::lseek(f.fd, static_cast<off_t>(f.written), SEEK_SET) < 0 || ::fsync(f.fd) != 0)
            fail(errnoText());
        f.lastUpdateTime = time;
        f.directorySynced = true;
        if (!b.inProgress) {
            b.inProgress = std::move(f);
        } else {  // after rescaling: one in-progress file per bucket, the others are rolled
            Bucket other{b.id, b.dir, std::move(f), {}, {}};
            roll(other);
            b.pending.push_back(std::move(other.pending.front()));
        }
    }
};

FileSinkBuckets::FileSinkBuckets(FileSinkSettings settings, const SinkWriterContext& context)
    : impl_(std::make_unique<Impl>()) {
    Impl& s = *impl_;
    s.settings = std::move(settings);
    s.subtask = context.subtaskIndex;
    s.writerUuid = randomUuid(s.random);
    const std::string& base = s.settings.basePath;
    std::error_code ec;
    fs::create_directories(base, ec);
    if (!ec && !fs::is_directory(base, ec) && !ec)
        ec = std::make_error_code(std::errc::not_a_directory);
    if (ec) throw Exception("FileSink: cannot create base path '" + base + "': " + ec.message());
    s.lastFullCheck = s.now();
    for (const std::string& state : context.restoredState) s.restore(state, s.lastFullCheck);
}

FileSinkBuckets::~FileSinkBuckets() = default;

int64_t FileSinkBuckets::now() const {
    return impl_->now();
}

std::string& FileSinkBuckets::beginWrite(std::string_view bucketId, int64_t now) {
    Impl& s = *impl_;
    Impl::Bucket& b = s.bucket(bucketId);
    if (now - s.lastFullCheck >= s.settings.bucketCheckInterval.count())
        s.rollOnProcessingTime(now);
    if (b.inProgress) {
        PartFileInfo info = Impl::info(b);
        if (s.settings.rollingPolicy->shouldRollOnEvent(info) ||
            s.settings.rollingPolicy->shouldRollOnProcessingTime(info, now))
            Impl::roll(b);
    }
    if (!b.inProgress) s.open(b, now);
    s.current = &b;
    return b.buffer;
}

void FileSinkBuckets::endWrite(int64_t now) {
    Impl::Bucket& b = *impl_->current;
    b.inProgress->lastUpdateTime = now;
    if (b.buffer.size() >= kWriteBufferSize) Impl::writeOut(b);
}

void FileSinkBuckets::flush(bool endOfInput) {
    Impl& s = *impl_;
    if (endOfInput) {
        for (auto& [id, b] : s.buckets)
            if (b.inProgress) Impl::roll(b);
        return;
    }
    s.rollOnProcessingTime(s.now());
    for (auto& [id, b] : s.buckets)
        if (b.inProgress) Impl::writeOut(b);
}

std::vector<std::string> FileSinkBuckets::prepareCommit() {
    Impl& s = *impl_;
    std::vector<std::string> committables;
    std::set<std::string> directories;
    for (auto& [id, b] : s.buckets) {
        if (b.inProgress && s.settings.rollingPolicy->shouldRollOnCheckpoint(Impl::info(b)))
            Impl::roll(b);
        for (const Impl::PartFile& f : b.pending) {
            ByteWriter out;
            out.writeByte(kCommittableVersion);
            out.writeString(f.path);
            out.writeString(f.finalPath);
            committables.emplace_back(reinterpret_cast<const char*>(out.data()), out.size());
        }
        if (!b.pending.empty()) directories.insert(b.dir);
        b.pending.clear();
    }
    for (const std::string& dir : directories) syncDirectory(dir);  // pending names survive a crash
    return committables;
}

std::vector<std::string> FileSinkBuckets::snapshotState(int64_t) {
    Impl& s = *impl_;
    std::vector<std::string> states;
    for (auto it = s.buckets.begin(); it != s.buckets.end();) {
        Impl::Bucket& b = it->second;
        if (b.inProgress) {
            Impl::PartFile& f = *b.inProgress;
            Impl::writeOut(b);
            syncFile(f.fd, f.path);
            if (!f.directorySynced) {
                syncDirectory(b.dir);
                f.directorySynced = true;
            }
            ByteWriter out;
            out.writeByte(kStateVersion);
            out.writeString(b.id);
            out.writeString(f.path);
            out.writeString(f.finalPath);
            out.writeVarUInt(f.written);
            out.writeFixed<int64_t>(f.creationTime);
            states.emplace_back(reinterpret_cast<const char*>(out.data()), out.size());
        }
        // Buckets with nothing open or pending are forgotten (time buckets come and go).
        if (!b.inProgress && b.pending.empty()) {
            if (s.current == &b) s.current = nullptr;
            it = s.buckets.erase(it);
        } else {
            ++it;
        }
    }
    return states;
}

void FileSinkBuckets::close() {
    impl_->closeAll();
}

// ---- committer -------------------------------------------------------------------------------

void FileSinkCommitter::commit(const std::vector<std::string>& committables) {
    std::set<std::string> directories;
    for (const std::string& committable : committables) {
        ByteReader in(reinterpret_cast<const uint8_t*>(committable.data()), committable.size());
        std::string pending, finished;
        try {
            if (uint8_t v = in.readByte(); v != kCommittableVersion)
                throw SerializationException("unknown version " + std::to_string(v));
            in.readString(pending);
            in.readString(finished);
        } catch (const SerializationException& e) {
            throw Exception(std::string("FileSink: corrupt committable: ") + e.what());
        }
        if (fileExists(pending)) {
            if (::rename(pending.c_str(), finished.c_str()) != 0)
                throw Exception("FileSink: committing '" + pending + "' as '" + finished +
                                "' failed: " + errnoText());
            directories.insert(parentOf(finished));
        } else if (!fileExists(finished)) {
            throw Exception("FileSink: cannot commit part file '" + finished +
                            "': neither it nor its pending file '" + pending + "' exists");
        }  // else committed before (a recommit after a restore)
    }
    for (const std::string& dir : directories) syncDirectory(dir);
}

}  // namespace detail
}  // namespace weir
