#include "runtime/checkpoint/incremental_snapshots.h"

#include <filesystem>
#include <random>

#include "weir/core/exceptions.h"
#include "weir/runtime/state/rocksdb_state.h"

namespace weir {

namespace fs = std::filesystem;

IncrementalSnapshotter::Upload IncrementalSnapshotter::upload(
    int64_t checkpointId, const RocksDbStore::NativeSnapshot& snapshot, const KeyGroupRange& range,
    const CheckpointStorageLocation& location, const std::string& namePrefix) {
    struct RemoveDir {
        std::string dir;
        ~RemoveDir() {
            std::error_code ec;
            fs::remove_all(dir, ec);
        }
    } cleanup{snapshot.directory};
    std::map<std::string, StreamStateHandle> known;
    {
        std::lock_guard lock(mutex_);
        known = confirmed_;
    }
    Upload out;
    out.handle.range = range;
    std::map<std::string, StreamStateHandle> used;
    for (const auto& sst : snapshot.sstFiles) {
        if (auto it = known.find(sst); it != known.end()) {
            out.handle.sharedFiles.emplace_back(sst, it->second);
            used[sst] = it->second;
            ++out.reused;
            continue;
        }
        StreamStateHandle h =
            location.persistFile(namePrefix + "-" + sst, snapshot.directory + "/" + sst, true);
        out.handle.sharedFiles.emplace_back(sst, h);
        used[sst] = h;
        ++out.uploaded;
    }
    for (const auto& file : snapshot.otherFiles)
        out.handle.privateFiles.emplace_back(
            file,
            location.persistFile(namePrefix + "-" + file, snapshot.directory + "/" + file, false));
    std::lock_guard lock(mutex_);
    pending_[checkpointId] = std::move(used);
    return out;
}

void IncrementalSnapshotter::confirm(int64_t checkpointId) {
    std::lock_guard lock(mutex_);
    auto it = pending_.find(checkpointId);
    if (it == pending_.end()) return;
    confirmed_ = std::move(it->second);
    pending_.erase(pending_.begin(), std::next(it));
}

void IncrementalSnapshotter::seed(const IncrementalKeyedStateHandle& restored) {
    std::lock_guard lock(mutex_);
    for (const auto& [name, h] : restored.sharedFiles) confirmed_[name] = h;
}

namespace {

std::string absolutePath(const StreamStateHandle& h, const std::string& base) {
    return h.path.front() == '/' ? h.path : base + "/" + h.path;
}

/// Copies the files of one old instance into a new directory under `parent`.
std::string materialize(const IncrementalRestore& r, const std::string& parent) {
    static thread_local std::mt19937_64 rng(std::random_device{}());
    std::string dir = (fs::path(parent.empty() ? fs::temp_directory_path().string() : parent) /
                       ("weir-rocksdb-restore-" + std::to_string(rng())))
                          .string();
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec)
        throw CheckpointException("cannot create RocksDB restore directory '" + dir +
                                  "': " + ec.message());
    for (const auto* files : {&r.handle.sharedFiles, &r.handle.privateFiles})
        for (const auto& [name, h] : *files) {
            std::string source = absolutePath(h, r.baseDirectory);
            fs::copy_file(source, dir + "/" + name, fs::copy_options::overwrite_existing, ec);
            if (ec) {
                std::error_code ignored;
                fs::remove_all(dir, ignored);
                throw CheckpointException("cannot restore RocksDB file '" + source +
                                          "': " + ec.message());
            }
        }
    return dir;
}

}  // namespace

std::unique_ptr<RocksDbStore> restoreRocksDb(const RocksDbOptions& options,
                                             const std::vector<IncrementalRestore>& restores,
                                             const KeyGroupRange& range) {
    auto removeDir = [](const std::string& dir) {
        std::error_code ec;
        fs::remove_all(dir, ec);
    };
    // The old instance had exactly our key groups: open it as it was.
    if (restores.size() == 1 && restores[0].handle.range.start == range.start &&
        restores[0].handle.range.end == range.end) {
        std::string dir = materialize(restores[0], options.localDirectory);
        try {
            auto store = RocksDbStore::openFromSnapshot(options, dir);
            removeDir(dir);
            return store;
        } catch (...) {
            removeDir(dir);
            throw;
        }
    }
    // Rescaled: copy our key groups out of every old instance.
    auto target = RocksDbStore::open(options);
    for (const auto& r : restores) {
        std::string dir = materialize(r, options.localDirectory);
        try {
            auto old = RocksDbStore::openFromSnapshot(options, dir);
            removeDir(dir);
            int32_t from = std::max(range.start, r.handle.range.start);
            int32_t to = std::min(range.end, r.handle.range.end);
            for (const auto& name : old->columnFamilyNames()) {
                auto src = old->columnFamily(name);
                auto dst = target->columnFamily(name);
                for (int32_t kg = from; kg < to; ++kg)
                    old->scan(src, rocksdb_keys::keyGroupPrefix(kg),
                              [&](std::string_view key, std::string_view value) {
                                  target->put(dst, key, value);
                                  return true;
                              });
            }
        } catch (...) {
            removeDir(dir);
            throw;
        }
    }
    return target;
}

}  // namespace weir
