#pragma once
// RocksDbStore: one embedded RocksDB instance, the storage under the `rocksdb` keyed state
// backend. It knows bytes, column families and snapshots; key layout, serializers and key groups
// belong to the backend above it. RocksDB's headers stay in rocksdb_store.cpp (pImpl): they take
// seconds to compile and must not leak into the files that include this one.
//
// Configuration follows Flink's RocksDB defaults in managed-memory mode:
//   - one LRU block cache per instance holding data, index and filter blocks (index and filter
//     blocks with high priority, high-priority pool ratio 0.1), and a write buffer manager that
//     charges memtables to that cache, so block cache + memtables stay within
//     memoryBudgetBytes (write buffer ratio 0.5: cache capacity = (3 - 0.5) / 3 * budget, write
//     buffer manager capacity = 2 * 0.5 / 3 * budget, as Flink computes them);
//   - no write-ahead log and no fsync: the instance is never reopened from its own directory,
//     only rebuilt from a snapshot, so nothing relies on its files after a crash;
//   - no info LOG file: RocksDB's errors go to Weir's log as errors, its warnings as info.
// Beyond Flink: a write that finds the memtables above their share of the budget (budget x 0.5,
// reached when writes outpace the background flushes) waits for a synchronous flush, so the
// budget holds however fast the task writes.
//
// Threading: a store is used by one thread (its task's). A RocksDbReadView may be read by any one
// thread while the task goes on writing (full snapshots are written from one on an I/O thread),
// and the files of a NativeSnapshot are immutable and may be read by any thread afterwards; both
// stay valid after the store is gone.

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace rocksdb {
class ColumnFamilyHandle;
class Snapshot;
}  // namespace rocksdb

namespace weir {

struct RocksDbOptions {
    /// Parent of the instance directory and of snapshot directories (e.g. /tmp); created if
    /// missing. Empty: the system's temporary directory.
    std::string localDirectory;
    /// Block cache + memtables of this instance.
    uint64_t memoryBudgetBytes = 64ull << 20;
};

class RocksDbReadView;

class RocksDbStore {
public:
    /// A new, empty instance in a fresh directory "weir-rocksdb-<random>" under
    /// options.localDirectory. Throws weir::Exception naming the directory and the cause.
    static std::unique_ptr<RocksDbStore> open(const RocksDbOptions& options);

    /// An instance made from the files of a native snapshot, with every column family it had.
    /// The files are brought into a fresh instance directory (*.sst files hard-linked where the
    /// file system allows, as they are immutable, else copied; the others copied); the snapshot
    /// directory is left untouched and may be deleted afterwards. Throws CheckpointException
    /// naming the directory when the snapshot is missing or unreadable.
    static std::unique_ptr<RocksDbStore> openFromSnapshot(const RocksDbOptions& options,
                                                          const std::string& snapshotDirectory);

    /// Closes the column families and the database, then deletes the instance directory with
    /// everything in it (once the last RocksDbReadView is gone as well). Snapshot directories are
    /// the caller's and stay.
    ~RocksDbStore();
    RocksDbStore(const RocksDbStore&) = delete;
    RocksDbStore& operator=(const RocksDbStore&) = delete;

    /// Index of an open column family; valid for the lifetime of the store.
    using ColumnFamily = int32_t;
    /// The column family `name`, created on first use ("default" is RocksDB's default one).
    ColumnFamily columnFamily(const std::string& name);
    /// Names of the column families other than "default", in creation order.
    std::vector<std::string> columnFamilyNames() const;

    /// False when `key` is absent; otherwise `value` holds its bytes.
    bool get(ColumnFamily cf, std::string_view key, std::string& value) const;
    void put(ColumnFamily cf, std::string_view key, std::string_view value);
    void remove(ColumnFamily cf, std::string_view key);
    /// Appends `bytes` to the value of `key` (a merge operator that concatenates; an absent value
    /// counts as empty). For list state, whose values are sequences of length-prefixed elements.
    void append(ColumnFamily cf, std::string_view key, std::string_view bytes);

    /// Visits the entries whose key starts with `prefix` in key order until `fn` returns false.
    /// Sees the store as it was when the scan began, even if `fn` writes to it. The views are
    /// valid only during the call.
    void scan(ColumnFamily cf, std::string_view prefix,
              const std::function<bool(std::string_view key, std::string_view value)>& fn) const;
    /// Deletes every key starting with `prefix` (one range deletion; an empty prefix clears the
    /// column family).
    void removePrefix(ColumnFamily cf, std::string_view prefix);

    /// A consistent view of every column family as of now. Cheap (no copy, no flush); holding it
    /// keeps the versions it sees from being compacted away.
    std::shared_ptr<const RocksDbReadView> readView() const;

    struct NativeSnapshot {
        /// A new directory under localDirectory; the caller owns it (delete it when done).
        std::string directory;
        /// File names (not paths) of the immutable *.sst files, sorted.
        std::vector<std::string> sstFiles;
        /// Every other file (MANIFEST-*, CURRENT, OPTIONS-*, ...), sorted.
        std::vector<std::string> otherFiles;
    };
    /// The synchronous part of a checkpoint: flushes the memtables and creates a RocksDB
    /// checkpoint (hard links to the SST files) in a new directory. Fast; the caller uploads the
    /// files on another thread. An SST file keeps its name for as long as it lives, so the files
    /// new since an earlier snapshot are the names not in that snapshot. Throws
    /// CheckpointException naming the directory on failure.
    NativeSnapshot createNativeSnapshot();

    /// The instance directory.
    const std::string& directory() const;
    /// Approximate bytes used by the block cache and the memtables of this instance.
    uint64_t approximateMemoryUsage() const;

private:
    struct Impl;
    friend class RocksDbReadView;
    explicit RocksDbStore(std::shared_ptr<Impl> impl);
    std::shared_ptr<Impl> impl_;  // shared with read views
};

/// A RocksDbStore as it was when RocksDbStore::readView() was called (a RocksDB snapshot),
/// readable from another thread while the store's thread goes on writing. It keeps the instance
/// open until it is destroyed, also past the store's own end.
class RocksDbReadView {
public:
    ~RocksDbReadView();
    RocksDbReadView(const RocksDbReadView&) = delete;
    RocksDbReadView& operator=(const RocksDbReadView&) = delete;
    /// As RocksDbStore::scan, on the view. `cf` must have existed when the view was taken.
    void scan(RocksDbStore::ColumnFamily cf, std::string_view prefix,
              const std::function<bool(std::string_view key, std::string_view value)>& fn) const;

private:
    friend class RocksDbStore;
    RocksDbReadView(std::shared_ptr<RocksDbStore::Impl> impl, const rocksdb::Snapshot* snapshot,
                    std::vector<rocksdb::ColumnFamilyHandle*> handles);
    std::shared_ptr<RocksDbStore::Impl> impl_;
    const rocksdb::Snapshot* snapshot_;
    std::vector<rocksdb::ColumnFamilyHandle*> handles_;  // the column families at the time
};

}  // namespace weir
