#include "runtime/state/rocksdb/rocksdb_store.h"

#include <rocksdb/cache.h>
#include <rocksdb/db.h>
#include <rocksdb/env.h>
#include <rocksdb/merge_operator.h>
#include <rocksdb/options.h>
#include <rocksdb/table.h>
#include <rocksdb/utilities/checkpoint.h>
#include <rocksdb/write_buffer_manager.h>
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstdarg>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <mutex>
#include <optional>
#include <random>
#include <unordered_map>

#include "core/logging.h"
#include "weir/core/check.h"
#include "weir/core/exceptions.h"

namespace weir {

namespace fs = std::filesystem;

namespace {

// Flink's defaults for RocksDB in managed-memory mode (state.backend.rocksdb.memory.*).
constexpr double kWriteBufferRatio = 0.5;
constexpr double kHighPriorityPoolRatio = 0.1;

constexpr const char* kInstancePrefix = "weir-rocksdb-";
constexpr const char* kSnapshotPrefix = "weir-rocksdb-snapshot-";

/// Concatenates the operands onto the existing value: RocksDbStore::append.
class ConcatenateOperator final : public rocksdb::MergeOperator {
public:
    bool FullMergeV2(const MergeOperationInput& in, MergeOperationOutput* out) const override {
        size_t size = in.existing_value != nullptr ? in.existing_value->size() : 0;
        for (const rocksdb::Slice& operand : in.operand_list) size += operand.size();
        out->new_value.clear();
        out->new_value.reserve(size);
        if (in.existing_value != nullptr)
            out->new_value.append(in.existing_value->data(), in.existing_value->size());
        for (const rocksdb::Slice& operand : in.operand_list)
            out->new_value.append(operand.data(), operand.size());
        return true;
    }

    bool PartialMergeMulti(const rocksdb::Slice&, const std::deque<rocksdb::Slice>& operands,
                           std::string* newValue, rocksdb::Logger*) const override {
        size_t size = 0;
        for (const rocksdb::Slice& operand : operands) size += operand.size();
        newValue->clear();
        newValue->reserve(size);
        for (const rocksdb::Slice& operand : operands)
            newValue->append(operand.data(), operand.size());
        return true;
    }

    // Stored in the OPTIONS file of every snapshot: do not rename.
    const char* Name() const override { return "WeirConcatenateOperator"; }
};

/// Sends RocksDB's warnings and errors to Weir's log instead of a LOG file per instance.
class ForwardingLogger final : public rocksdb::Logger {
public:
    ForwardingLogger() : rocksdb::Logger(rocksdb::InfoLogLevel::WARN_LEVEL) {}

    void LogHeader(const char*, va_list) override {}
    void Logv(const char*, va_list) override {}
    void Logv(const rocksdb::InfoLogLevel level, const char* format, va_list ap) override {
        if (level < GetInfoLogLevel() || level == rocksdb::InfoLogLevel::HEADER_LEVEL) return;
        char message[1024];
        std::vsnprintf(message, sizeof message, format, ap);
        // RocksDB warns about routine events (every checkpoint logs two lines): its warnings are
        // Weir's info.
        if (level >= rocksdb::InfoLogLevel::ERROR_LEVEL) {
            log::error("RocksDB: {}", message);
        } else {
            log::info("RocksDB: {}", message);
        }
    }
};

rocksdb::Slice toSlice(std::string_view s) {
    return rocksdb::Slice(s.data(), s.size());
}

std::string_view toView(const rocksdb::Slice& s) {
    return std::string_view(s.data(), s.size());
}

/// The smallest string greater than every string starting with `prefix`, if there is one (none
/// for an empty prefix or one of only 0xff bytes).
std::optional<std::string> prefixEnd(std::string_view prefix) {
    std::string end(prefix);
    while (!end.empty()) {
        auto& last = reinterpret_cast<unsigned char&>(end.back());
        if (last != 0xff) {
            ++last;
            return end;
        }
        end.pop_back();
    }
    return std::nullopt;
}

std::string randomSuffix() {
    static thread_local std::mt19937_64 rng(std::random_device{}());
    char buf[17];
    std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(rng()));
    return buf;
}

std::string resolveLocalDirectory(const std::string& configured) {
    if (!configured.empty()) return configured;
    std::error_code ec;
    fs::path tmp = fs::temp_directory_path(ec);
    return ec ? std::string("/tmp") : tmp.string();
}

/// Creates `parent` if needed, then a new directory `parent/<prefix><random>`.
std::string createUniqueDirectory(const std::string& parent, const char* prefix) {
    std::error_code ec;
    fs::create_directories(parent, ec);
    if (ec) {
        throw Exception("cannot create RocksDB local directory '" + parent + "': " + ec.message());
    }
    for (int attempt = 0; attempt < 16; ++attempt) {
        std::string dir = (fs::path(parent) / (prefix + randomSuffix())).string();
        if (::mkdir(dir.c_str(), 0755) == 0) return dir;
        if (errno != EEXIST) {
            throw Exception("cannot create RocksDB instance directory '" + dir +
                            "': " + std::strerror(errno));
        }
    }
    throw Exception("cannot create a unique RocksDB instance directory in '" + parent + "'");
}

/// Regular files of `dir`, split into *.sst and the rest, each sorted.
void listFiles(const std::string& dir, std::vector<std::string>& sst,
               std::vector<std::string>& other) {
    std::error_code ec;
    for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
        std::error_code typeError;
        if (!it->is_regular_file(typeError)) continue;
        std::string name = it->path().filename().string();
        (name.ends_with(".sst") ? sst : other).push_back(std::move(name));
    }
    if (ec)
        throw CheckpointException("cannot list RocksDB snapshot '" + dir + "': " + ec.message());
    std::sort(sst.begin(), sst.end());
    std::sort(other.begin(), other.end());
}

}  // namespace

struct RocksDbStore::Impl {
    std::string localDirectory;
    std::string directory;  // the instance directory; empty until created
    std::shared_ptr<rocksdb::Cache> blockCache;
    std::shared_ptr<rocksdb::WriteBufferManager> writeBufferManager;
    rocksdb::DBOptions dbOptions;
    rocksdb::ColumnFamilyOptions columnFamilyOptions;
    rocksdb::ReadOptions readOptions;
    rocksdb::WriteOptions writeOptions;
    std::unique_ptr<rocksdb::DB> db;
    std::vector<rocksdb::ColumnFamilyHandle*> handles;  // owned by db; destroyed in close()
    std::vector<std::string> names;                     // parallel to handles
    std::unordered_map<std::string, ColumnFamily> byName;
    size_t writeBufferCapacity = 0;  // of the write buffer manager
    size_t memtableLimit = 0;        // memtable bytes above which a write waits for a flush
    size_t flushThreshold = 0;       // memtableLimit, raised while flushed memtables are pinned

    explicit Impl(const RocksDbOptions& options);
    ~Impl();

    /// Opens the instance directory with the given column families ("default" among them).
    rocksdb::Status openDb(const std::vector<std::string>& columnFamilies);
    void close();
    /// Called after every write: keeps the memtables within memtableLimit (see the .cpp).
    void afterWrite() {
        size_t used = writeBufferManager->memory_usage();
        if (used > flushThreshold) {
            flushForMemory();
        } else if (flushThreshold != memtableLimit && used < memtableLimit) {
            flushThreshold = memtableLimit;
        }
    }
    void flushForMemory();
    rocksdb::ColumnFamilyHandle* handle(ColumnFamily cf) const {
        WEIR_DCHECK(cf >= 0 && static_cast<size_t>(cf) < handles.size()) << "column family " << cf;
        return handles[static_cast<size_t>(cf)];
    }
    [[noreturn]] void fail(const std::string& what, const rocksdb::Status& status) const {
        throw Exception("RocksDB " + what + " failed in '" + directory + "': " + status.ToString());
    }
};

RocksDbStore::Impl::Impl(const RocksDbOptions& options)
    : localDirectory(resolveLocalDirectory(options.localDirectory)) {
    if (options.memoryBudgetBytes == 0)
        throw ConfigException("RocksDB memory budget must be positive");
    // As Flink's RocksDBMemoryControllerUtils: a memtable may exceed the write buffer manager's
    // capacity by up to half before it is flushed, so the cache gets (3 - ratio) / 3 of the
    // budget and the write buffer manager 2 * ratio / 3; memtables are charged to the cache.
    auto budget = static_cast<double>(options.memoryBudgetBytes);
    auto cacheCapacity = static_cast<size_t>((3 - kWriteBufferRatio) * budget / 3);
    writeBufferCapacity = static_cast<size_t>(2 * budget * kWriteBufferRatio / 3);
    memtableLimit = static_cast<size_t>(budget * kWriteBufferRatio);
    flushThreshold = memtableLimit;
    rocksdb::LRUCacheOptions cacheOptions;
    cacheOptions.capacity = cacheCapacity;
    cacheOptions.num_shard_bits = -1;
    cacheOptions.strict_capacity_limit = false;
    cacheOptions.high_pri_pool_ratio = kHighPriorityPoolRatio;
    blockCache = rocksdb::NewLRUCache(cacheOptions);
    writeBufferManager =
        std::make_shared<rocksdb::WriteBufferManager>(writeBufferCapacity, blockCache);

    dbOptions.create_if_missing = true;
    dbOptions.create_missing_column_families = true;
    dbOptions.use_fsync = false;
    dbOptions.stats_dump_period_sec = 0;
    dbOptions.stats_persist_period_sec = 0;
    dbOptions.avoid_flush_during_shutdown = true;  // the directory is deleted right after
    dbOptions.write_buffer_manager = writeBufferManager;
    dbOptions.info_log = std::make_shared<ForwardingLogger>();

    rocksdb::BlockBasedTableOptions table;
    table.block_cache = blockCache;
    table.cache_index_and_filter_blocks = true;
    table.cache_index_and_filter_blocks_with_high_priority = true;
    table.pin_l0_filter_and_index_blocks_in_cache = true;
    columnFamilyOptions.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));
    columnFamilyOptions.merge_operator = std::make_shared<ConcatenateOperator>();
    // The write buffer manager flushes when the mutable memtables exceed 7/8 of its capacity; an
    // arena block (RocksDB's default: min(1 MiB, write_buffer_size / 8)) larger than that would
    // make it flush after every block on a small budget, so it is at most 1/8 of the capacity.
    size_t arenaBlock = std::min<size_t>(1 << 20, writeBufferCapacity / 8) & ~size_t{4095};
    columnFamilyOptions.arena_block_size = std::max<size_t>(arenaBlock, 4096);

    readOptions.total_order_seek = true;
    writeOptions.disableWAL = true;
}

RocksDbStore::Impl::~Impl() {
    close();
    if (directory.empty()) return;
    std::error_code ec;
    fs::remove_all(directory, ec);
    if (ec) log::warn("cannot delete RocksDB instance directory '{}': {}", directory, ec.message());
}

rocksdb::Status RocksDbStore::Impl::openDb(const std::vector<std::string>& columnFamilies) {
    // One open at a time in the process: DB::Open initializes RocksDB's static registries
    // lazily, which ThreadSanitizer reports when two tasks open their instances at once (RocksDB
    // is not built with it). Opening happens once per task start, so this costs nothing.
    static std::mutex openMutex;
    std::lock_guard openLock(openMutex);
    std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
    descriptors.reserve(columnFamilies.size());
    for (const auto& name : columnFamilies) descriptors.emplace_back(name, columnFamilyOptions);
    rocksdb::DB* opened = nullptr;
    rocksdb::Status status =
        rocksdb::DB::Open(dbOptions, directory, descriptors, &handles, &opened);
    if (!status.ok()) return status;
    db.reset(opened);
    for (size_t i = 0; i < handles.size(); ++i) {
        names.push_back(handles[i]->GetName());
        byName.emplace(names.back(), static_cast<ColumnFamily>(i));
    }
    return status;
}

// The write buffer manager asks for a flush at 7/8 of its capacity but never while a flush is
// running, so writes faster than the flush thread grow the active memtable without bound (3-4x
// the capacity in the tests). Flink accepts this; here a write that finds the memtables above
// Flink's own estimate of their maximum (1.5 x capacity = budget x write buffer ratio) waits for
// a synchronous flush of every column family. Memtables that are flushed but still pinned by an
// iterator (a scan whose callback writes) cannot be freed by flushing: the threshold then rises
// by one capacity above what remains, so such writes flush only per capacity of new data.
void RocksDbStore::Impl::flushForMemory() {
    rocksdb::FlushOptions options;
    options.wait = true;
    options.allow_write_stall = true;
    rocksdb::Status status = db->Flush(options, handles);
    if (!status.ok()) fail("flush", status);
    flushThreshold =
        std::max(memtableLimit, writeBufferManager->memory_usage() + writeBufferCapacity);
}

void RocksDbStore::Impl::close() {
    if (db == nullptr) return;
    for (rocksdb::ColumnFamilyHandle* h : handles) {
        rocksdb::Status status = db->DestroyColumnFamilyHandle(h);
        if (!status.ok()) log::warn("RocksDB in '{}': {}", directory, status.ToString());
    }
    handles.clear();
    rocksdb::Status status = db->Close();
    if (!status.ok()) log::warn("closing RocksDB in '{}': {}", directory, status.ToString());
    db.reset();
}

RocksDbStore::RocksDbStore(std::shared_ptr<Impl> impl) : impl_(std::move(impl)) {}

RocksDbStore::~RocksDbStore() = default;

std::unique_ptr<RocksDbStore> RocksDbStore::open(const RocksDbOptions& options) {
    auto impl = std::make_shared<Impl>(options);
    impl->directory = createUniqueDirectory(impl->localDirectory, kInstancePrefix);
    rocksdb::Status status = impl->openDb({rocksdb::kDefaultColumnFamilyName});
    if (!status.ok()) impl->fail("open", status);
    // The constructor is private; the object is owned from the start.
    return std::unique_ptr<RocksDbStore>(new RocksDbStore(std::move(impl)));
}

std::unique_ptr<RocksDbStore> RocksDbStore::openFromSnapshot(const RocksDbOptions& options,
                                                             const std::string& snapshotDirectory) {
    std::error_code ec;
    if (!fs::is_directory(snapshotDirectory, ec)) {
        throw CheckpointException("RocksDB snapshot directory '" + snapshotDirectory +
                                  "' does not exist or is not a directory");
    }
    std::vector<std::string> sstFiles, otherFiles;
    listFiles(snapshotDirectory, sstFiles, otherFiles);

    auto impl = std::make_shared<Impl>(options);
    impl->directory = createUniqueDirectory(impl->localDirectory, kInstancePrefix);
    // Like Flink's local recovery: SST files are immutable, so a hard link is as good as a copy
    // (RocksDB only ever unlinks them); MANIFEST and the rest are copied as RocksDB may rewrite
    // or append to them.
    auto bring = [&](const std::string& name, bool link) {
        fs::path from = fs::path(snapshotDirectory) / name;
        fs::path to = fs::path(impl->directory) / name;
        std::error_code error;
        if (link) {
            fs::create_hard_link(from, to, error);
            if (!error) return;
            error.clear();
        }
        fs::copy_file(from, to, error);
        if (error) {
            throw CheckpointException("cannot copy RocksDB snapshot file '" + from.string() +
                                      "' to '" + to.string() + "': " + error.message());
        }
    };
    for (const auto& name : sstFiles) bring(name, true);
    for (const auto& name : otherFiles) bring(name, false);

    impl->dbOptions.create_if_missing = false;
    std::vector<std::string> columnFamilies;
    rocksdb::Status status =
        rocksdb::DB::ListColumnFamilies(impl->dbOptions, impl->directory, &columnFamilies);
    if (status.ok()) status = impl->openDb(columnFamilies);
    if (!status.ok()) {
        throw CheckpointException("cannot open RocksDB snapshot '" + snapshotDirectory +
                                  "' (copied to '" + impl->directory + "'): " + status.ToString());
    }
    return std::unique_ptr<RocksDbStore>(new RocksDbStore(std::move(impl)));
}

RocksDbStore::ColumnFamily RocksDbStore::columnFamily(const std::string& name) {
    if (auto it = impl_->byName.find(name); it != impl_->byName.end()) return it->second;
    rocksdb::ColumnFamilyHandle* created = nullptr;
    rocksdb::Status status =
        impl_->db->CreateColumnFamily(impl_->columnFamilyOptions, name, &created);
    if (!status.ok()) impl_->fail("creating column family '" + name + "'", status);
    auto id = static_cast<ColumnFamily>(impl_->handles.size());
    impl_->handles.push_back(created);
    impl_->names.push_back(name);
    impl_->byName.emplace(name, id);
    return id;
}

std::vector<std::string> RocksDbStore::columnFamilyNames() const {
    std::vector<std::string> out;
    for (const auto& name : impl_->names)
        if (name != rocksdb::kDefaultColumnFamilyName) out.push_back(name);
    return out;
}

bool RocksDbStore::get(ColumnFamily cf, std::string_view key, std::string& value) const {
    rocksdb::Status status =
        impl_->db->Get(impl_->readOptions, impl_->handle(cf), toSlice(key), &value);
    if (status.ok()) return true;
    if (status.IsNotFound()) return false;
    impl_->fail("get", status);
}

void RocksDbStore::put(ColumnFamily cf, std::string_view key, std::string_view value) {
    rocksdb::Status status =
        impl_->db->Put(impl_->writeOptions, impl_->handle(cf), toSlice(key), toSlice(value));
    if (!status.ok()) impl_->fail("put", status);
    impl_->afterWrite();
}

void RocksDbStore::remove(ColumnFamily cf, std::string_view key) {
    rocksdb::Status status =
        impl_->db->Delete(impl_->writeOptions, impl_->handle(cf), toSlice(key));
    if (!status.ok()) impl_->fail("delete", status);
    impl_->afterWrite();
}

void RocksDbStore::append(ColumnFamily cf, std::string_view key, std::string_view bytes) {
    rocksdb::Status status =
        impl_->db->Merge(impl_->writeOptions, impl_->handle(cf), toSlice(key), toSlice(bytes));
    if (!status.ok()) impl_->fail("merge", status);
    impl_->afterWrite();
}

namespace {
/// Visits the keys of `handle` starting with `prefix`, as seen by `snapshot` (null: the implicit
/// snapshot an iterator takes when it is created, so writes by `fn` are not seen).
template <class Fail>
void scanPrefix(rocksdb::DB& db, rocksdb::ReadOptions options, rocksdb::ColumnFamilyHandle* handle,
                const rocksdb::Snapshot* snapshot, std::string_view prefix,
                const std::function<bool(std::string_view, std::string_view)>& fn, Fail&& fail) {
    std::optional<std::string> end = prefixEnd(prefix);
    rocksdb::Slice upperBound;
    if (end) {
        upperBound = rocksdb::Slice(*end);
        options.iterate_upper_bound = &upperBound;
    }
    options.snapshot = snapshot;
    std::unique_ptr<rocksdb::Iterator> it(db.NewIterator(options, handle));
    for (it->Seek(toSlice(prefix)); it->Valid(); it->Next()) {
        std::string_view key = toView(it->key());
        if (!end && !key.starts_with(prefix)) break;
        if (!fn(key, toView(it->value()))) return;
    }
    if (!it->status().ok()) fail(it->status());
}
}  // namespace

void RocksDbStore::scan(
    ColumnFamily cf, std::string_view prefix,
    const std::function<bool(std::string_view key, std::string_view value)>& fn) const {
    scanPrefix(*impl_->db, impl_->readOptions, impl_->handle(cf), nullptr, prefix, fn,
               [&](const rocksdb::Status& s) { impl_->fail("scan", s); });
}

std::shared_ptr<const RocksDbReadView> RocksDbStore::readView() const {
    // The constructor is private; the object is owned from the start.
    return std::shared_ptr<const RocksDbReadView>(
        new RocksDbReadView(impl_, impl_->db->GetSnapshot(), impl_->handles));
}

RocksDbReadView::RocksDbReadView(std::shared_ptr<RocksDbStore::Impl> impl,
                                 const rocksdb::Snapshot* snapshot,
                                 std::vector<rocksdb::ColumnFamilyHandle*> handles)
    : impl_(std::move(impl)), snapshot_(snapshot), handles_(std::move(handles)) {}

RocksDbReadView::~RocksDbReadView() {
    impl_->db->ReleaseSnapshot(snapshot_);
}

void RocksDbReadView::scan(
    RocksDbStore::ColumnFamily cf, std::string_view prefix,
    const std::function<bool(std::string_view key, std::string_view value)>& fn) const {
    WEIR_CHECK(cf >= 0 && static_cast<size_t>(cf) < handles_.size())
        << "column family " << cf << " was created after the read view was taken";
    scanPrefix(*impl_->db, impl_->readOptions, handles_[static_cast<size_t>(cf)], snapshot_, prefix,
               fn, [&](const rocksdb::Status& s) { impl_->fail("snapshot scan", s); });
}

void RocksDbStore::removePrefix(ColumnFamily cf, std::string_view prefix) {
    rocksdb::ColumnFamilyHandle* h = impl_->handle(cf);
    std::optional<std::string> end = prefixEnd(prefix);
    rocksdb::Status status;
    if (end) {
        status = impl_->db->DeleteRange(impl_->writeOptions, h, toSlice(prefix), *end);
    } else {
        // No key bounds the prefix from above: delete up to the last key, then the last key.
        std::unique_ptr<rocksdb::Iterator> it(impl_->db->NewIterator(impl_->readOptions, h));
        it->SeekToLast();
        if (!it->status().ok()) impl_->fail("delete range", it->status());
        if (!it->Valid() || toView(it->key()) < prefix) return;
        std::string last = it->key().ToString();
        it.reset();
        if (prefix < last)
            status = impl_->db->DeleteRange(impl_->writeOptions, h, toSlice(prefix), last);
        if (status.ok()) status = impl_->db->Delete(impl_->writeOptions, h, last);
    }
    if (!status.ok()) impl_->fail("delete range", status);
    impl_->afterWrite();
}

RocksDbStore::NativeSnapshot RocksDbStore::createNativeSnapshot() {
    NativeSnapshot snapshot;
    snapshot.directory =
        (fs::path(impl_->localDirectory) / (kSnapshotPrefix + randomSuffix())).string();
    auto failed = [&](const std::string& what, const rocksdb::Status& status) {
        return CheckpointException("cannot create RocksDB snapshot '" + snapshot.directory +
                                   "' of '" + impl_->directory + "': " + what + ": " +
                                   status.ToString());
    };
    // The write-ahead log is off, so the memtables must reach SST files first. (CreateCheckpoint
    // would flush too; flushing here does not depend on that default.)
    rocksdb::FlushOptions flush;
    flush.wait = true;
    flush.allow_write_stall = true;  // do not wait for compactions first
    rocksdb::Status status = impl_->db->Flush(flush, impl_->handles);
    if (!status.ok()) throw failed("flush", status);
    rocksdb::Checkpoint* created = nullptr;
    status = rocksdb::Checkpoint::Create(impl_->db.get(), &created);
    std::unique_ptr<rocksdb::Checkpoint> checkpoint(created);
    if (!status.ok()) throw failed("checkpoint", status);
    status = checkpoint->CreateCheckpoint(snapshot.directory);
    if (!status.ok()) throw failed("checkpoint", status);
    try {
        listFiles(snapshot.directory, snapshot.sstFiles, snapshot.otherFiles);
    } catch (...) {
        std::error_code ec;
        fs::remove_all(snapshot.directory, ec);
        throw;
    }
    return snapshot;
}

const std::string& RocksDbStore::directory() const {
    return impl_->directory;
}

uint64_t RocksDbStore::approximateMemoryUsage() const {
    // The cache holds data, index and filter blocks plus dummy entries that stand for the
    // memtables; count the memtables by what they actually allocated instead of the dummies.
    size_t cache = impl_->blockCache->GetUsage();
    size_t dummies = impl_->writeBufferManager->dummy_entries_in_cache_usage();
    size_t blocks = cache > dummies ? cache - dummies : 0;
    return blocks + impl_->writeBufferManager->memory_usage();
}

}  // namespace weir
