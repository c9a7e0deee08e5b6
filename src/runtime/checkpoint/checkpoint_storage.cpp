#include "runtime/checkpoint/checkpoint_storage.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <random>

#include "core/logging.h"
#include "runtime/checkpoint/checkpoint_metadata.h"
#include "runtime/state/state_backend_kind.h"
#include "weir/core/exceptions.h"
#include "weir/runtime/checkpoint/checkpointing_options.h"

namespace weir {

namespace fs = std::filesystem;

namespace {

constexpr const char* kMetadataName = "_metadata";

[[noreturn]] void throwIo(const std::string& what, const std::string& path, int error) {
    throw CheckpointException(what + " '" + path + "': " + std::strerror(error));
}

void makeDirectories(const std::string& dir) {
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec) throwIo("cannot create checkpoint directory", dir, ec.value());
}

void fsyncDirectory(const std::string& dir) {
    int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return;
    ::fsync(fd);
    ::close(fd);
}

/// Writes `data` to `dir/.name.inprogress`, flushes it and renames it to `dir/name`.
void writeFileAtomically(const std::string& dir, const std::string& name, std::string_view data) {
    std::string finalPath = dir + "/" + name;
    std::string tempPath = dir + "/." + name + ".inprogress";
    int fd = ::open(tempPath.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) throwIo("cannot create checkpoint file", tempPath, errno);
    size_t written = 0;
    while (written < data.size()) {
        ssize_t n = ::write(fd, data.data() + written, data.size() - written);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) {
            int error = errno;
            ::close(fd);
            ::unlink(tempPath.c_str());
            throwIo("cannot write checkpoint file", tempPath, error);
        }
        written += static_cast<size_t>(n);
    }
    if (::fsync(fd) != 0) {
        int error = errno;
        ::close(fd);
        ::unlink(tempPath.c_str());
        throwIo("cannot flush checkpoint file", tempPath, error);
    }
    if (::close(fd) != 0) {
        int error = errno;
        ::unlink(tempPath.c_str());
        throwIo("cannot close checkpoint file", tempPath, error);
    }
    if (::rename(tempPath.c_str(), finalPath.c_str()) != 0) {
        int error = errno;
        ::unlink(tempPath.c_str());
        throwIo("cannot rename checkpoint file to", finalPath, error);
    }
}

std::string randomSuffix() {
    static thread_local std::mt19937_64 rng(std::random_device{}());
    char buf[17];
    std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(rng()));
    return buf;
}

std::string readFile(const std::string& path) {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) throwIo("cannot open checkpoint file", path, errno);
    std::string out;
    char buf[1 << 16];
    while (true) {
        ssize_t n = ::read(fd, buf, sizeof buf);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) {
            int error = errno;
            ::close(fd);
            throwIo("cannot read checkpoint file", path, error);
        }
        if (n == 0) break;
        out.append(buf, static_cast<size_t>(n));
    }
    ::close(fd);
    return out;
}

}  // namespace

std::string localPathOf(const std::string& uriOrPath) {
    constexpr std::string_view kScheme = "file://";
    if (uriOrPath.rfind(kScheme, 0) == 0) return uriOrPath.substr(kScheme.size());
    return uriOrPath;
}

CheckpointStorageLocation::CheckpointStorageLocation(std::string directory,
                                                     uint64_t inlineThreshold,
                                                     uint64_t maxInlineSize)
    : directory_(std::move(directory)),
      inlineThreshold_(inlineThreshold),
      maxInlineSize_(maxInlineSize) {
    if (!directory_.empty()) makeDirectories(directory_);
}

StreamStateHandle CheckpointStorageLocation::persist(const std::string& name,
                                                     std::string_view data) const {
    StreamStateHandle h;
    h.size = data.size();
    if (directory_.empty() || data.size() < inlineThreshold_) {
        if (maxInlineSize_ && data.size() > maxInlineSize_)
            throw CheckpointException(
                "state '" + name + "' is " + std::to_string(data.size()) +
                " bytes, more than the " + std::to_string(maxInlineSize_) +
                " bytes the 'jobmanager' checkpoint storage accepts per state "
                "(execution.checkpointing.jobmanager-storage.max-state-size); use "
                "execution.checkpointing.storage: filesystem with execution.checkpointing.dir");
        h.inlineData.assign(data);
        return h;
    }
    std::string fileName = name + "-" + randomSuffix();
    writeFileAtomically(directory_, fileName, data);
    h.path = fileName;  // relative to the metadata's directory
    return h;
}

StreamStateHandle CheckpointStorageLocation::persistFile(const std::string& name,
                                                         const std::string& sourcePath,
                                                         bool shared) const {
    if (directory_.empty())
        throw CheckpointException("cannot store file '" + sourcePath +
                                  "': the checkpoint storage has no directory");
    std::string dir = shared ? fs::path(directory_).parent_path().string() + "/shared" : directory_;
    // The checkpoint's own directory exists from the start; if it is gone the checkpoint was
    // aborted and discarded, and must not be created again by a late snapshot part.
    if (!fs::is_directory(directory_))
        throw CheckpointException("checkpoint directory '" + directory_ +
                                  "' no longer exists: the checkpoint was aborted");
    if (shared) makeDirectories(dir);
    std::string fileName = name + "-" + randomSuffix();
    std::string temp = dir + "/." + fileName + ".inprogress";
    std::error_code ec;
    fs::copy_file(sourcePath, temp, fs::copy_options::overwrite_existing, ec);
    if (ec) {
        fs::remove(temp, ec);
        throwIo("cannot copy '" + sourcePath + "' to checkpoint file", temp, ec.value());
    }
    int fd = ::open(temp.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0 || ::fsync(fd) != 0) {
        int error = errno;
        if (fd >= 0) ::close(fd);
        fs::remove(temp, ec);
        throwIo("cannot flush checkpoint file", temp, error);
    }
    ::close(fd);
    if (::rename(temp.c_str(), (dir + "/" + fileName).c_str()) != 0) {
        int error = errno;
        fs::remove(temp, ec);
        throwIo("cannot rename checkpoint file", temp, error);
    }
    StreamStateHandle h;
    h.size = fs::file_size(dir + "/" + fileName, ec);
    h.path = shared ? "../shared/" + fileName : fileName;
    return h;
}

void CheckpointStorageLocation::writeMetadata(const std::string& bytes) const {
    if (directory_.empty()) return;
    writeFileAtomically(directory_, kMetadataName, bytes);
    fsyncDirectory(directory_);
}

void CheckpointStorageLocation::discard() const {
    if (directory_.empty()) return;
    std::error_code ec;
    fs::remove_all(directory_, ec);
}

CheckpointStorage::CheckpointStorage(const Configuration& config, std::string jobId)
    : jobId_(std::move(jobId)) {
    auto dir = config.getOptional(options::kCheckpointsDirectory);
    std::string kind =
        config.getOptional(options::kCheckpointStorage).value_or(dir ? "filesystem" : "jobmanager");
    for (auto& ch : kind) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    if (kind != "jobmanager" && kind != "filesystem")
        throw ConfigException("execution.checkpointing.storage: unknown storage '" + kind +
                              "' (use 'jobmanager' or 'filesystem')");
    jobManager_ = kind == "jobmanager";
    if (!jobManager_ && !dir)
        throw ConfigException(
            "execution.checkpointing.storage 'filesystem' needs execution.checkpointing.dir");
    if (dir) jobDirectory_ = localPathOf(*dir) + "/" + jobId_;
    if (auto sp = config.getOptional(options::kSavepointDirectory))
        savepointDirectory_ = localPathOf(*sp);
    inlineThreshold_ = config.get(options::kFileStateSizeThreshold).bytes();
    maxJobManagerState_ = config.get(options::kJobManagerStorageMaxStateSize).bytes();
}

std::shared_ptr<CheckpointStorageLocation> CheckpointStorage::initializeCheckpoint(
    int64_t checkpointId) const {
    std::string dir;
    if (!jobDirectory_.empty()) {
        makeDirectories(jobDirectory_ + "/shared");
        makeDirectories(jobDirectory_ + "/taskowned");
        dir = jobDirectory_ + "/chk-" + std::to_string(checkpointId);
    }
    if (jobManager_)
        return std::make_shared<CheckpointStorageLocation>(dir, UINT64_MAX, maxJobManagerState_);
    return std::make_shared<CheckpointStorageLocation>(dir, inlineThreshold_, 0);
}

std::shared_ptr<CheckpointStorageLocation> CheckpointStorage::initializeSavepoint(
    const std::string& targetDirectory) const {
    std::string base = targetDirectory.empty() ? savepointDirectory_ : localPathOf(targetDirectory);
    if (base.empty())
        throw ConfigException(
            "no savepoint directory: pass one, or set execution.checkpointing.savepoint-dir");
    std::string dir =
        base + "/savepoint-" + jobId_.substr(0, 6) + "-" + randomSuffix().substr(0, 12);
    return std::make_shared<CheckpointStorageLocation>(dir, inlineThreshold_, 0);
}

void CheckpointStorage::removeJobDirectoryIfEmpty() const {
    if (jobDirectory_.empty()) return;
    std::error_code ec;
    fs::remove(jobDirectory_ + "/shared", ec);
    fs::remove(jobDirectory_ + "/taskowned", ec);
    fs::remove(jobDirectory_, ec);
}

std::string readStateHandle(const StreamStateHandle& handle, const std::string& baseDirectory) {
    if (!handle.isFile()) return handle.inlineData;
    std::string path = handle.path.front() == '/' ? handle.path : baseDirectory + "/" + handle.path;
    std::string data = readFile(path);
    if (data.size() != handle.size)
        throw CheckpointException("checkpoint file '" + path + "' has " +
                                  std::to_string(data.size()) + " bytes, the metadata says " +
                                  std::to_string(handle.size));
    return data;
}

CompletedCheckpoint loadCompletedCheckpoint(const std::string& uriOrPath) {
    std::string path = localPathOf(uriOrPath);
    std::error_code ec;
    std::string dir = path, file = path + "/" + kMetadataName;
    if (!fs::is_directory(path, ec)) {
        dir = fs::path(path).parent_path().string();
        file = path;
    }
    if (!fs::exists(file, ec))
        throw CheckpointException("no checkpoint or savepoint at '" + uriOrPath + "': '" + file +
                                  "' does not exist");
    CompletedCheckpoint c = decodeMetadata(readFile(file), file);
    c.externalPath = dir;
    return c;
}

CompletedCheckpoint loadCheckpointForRecovery(const std::string& uriOrPath) {
    std::string path = localPathOf(uriOrPath);
    std::error_code ec;
    if (!fs::is_directory(path, ec) || fs::exists(path + "/" + kMetadataName, ec))
        return loadCompletedCheckpoint(uriOrPath);
    // A job's checkpoint directory: the newest valid chk-<n>.
    std::vector<std::pair<int64_t, std::string>> candidates;
    for (fs::directory_iterator it(path, ec), end; !ec && it != end; it.increment(ec)) {
        std::string name = it->path().filename().string();
        if (name.rfind("chk-", 0) != 0) continue;
        try {
            candidates.emplace_back(std::stoll(name.substr(4)), it->path().string());
        } catch (const std::exception&) {
        }
    }
    if (candidates.empty())
        throw CheckpointException("no checkpoint or savepoint at '" + uriOrPath +
                                  "': no _metadata and no chk-<n> directories");
    std::sort(candidates.rbegin(), candidates.rend());
    std::string problems;
    for (const auto& [id, dir] : candidates) {
        try {
            return loadCompletedCheckpoint(dir);
        } catch (const CheckpointException& e) {
            log::warn("skipping checkpoint {}: {}", dir, e.what());
            problems += std::string("\n  ") + e.what();
        }
    }
    throw CheckpointException("no valid checkpoint in '" + uriOrPath + "':" + problems);
}

}  // namespace weir
