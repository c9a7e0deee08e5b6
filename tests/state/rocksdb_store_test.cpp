#include "runtime/state/rocksdb/rocksdb_store.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <random>
#include <set>

#include "weir/core/exceptions.h"

namespace weir {
namespace {

namespace fs = std::filesystem;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

using Entries = std::vector<std::pair<std::string, std::string>>;

std::string numbered(std::string_view prefix, int i) {
    std::string key(prefix);
    key += std::to_string(i);
    return key;
}

class RocksDbStoreTest : public ::testing::Test {
protected:
    void SetUp() override {
        std::random_device random;
        root_ =
            fs::temp_directory_path() / ("weir-rocksdb-store-test-" + std::to_string(::getpid()) +
                                         "-" + std::to_string(random()));
        fs::create_directories(root_);
        options_.localDirectory = root_.string();
    }
    void TearDown() override {
        std::error_code ec;
        fs::permissions(root_, fs::perms::owner_all, fs::perm_options::add, ec);
        fs::remove_all(root_, ec);
    }

    static std::string get(const RocksDbStore& store, RocksDbStore::ColumnFamily cf,
                           std::string_view key) {
        std::string value;
        return store.get(cf, key, value) ? value : "<absent>";
    }
    static Entries scan(const RocksDbStore& store, RocksDbStore::ColumnFamily cf,
                        std::string_view prefix) {
        Entries out;
        store.scan(cf, prefix, [&](std::string_view k, std::string_view v) {
            out.emplace_back(k, v);
            return true;
        });
        return out;
    }
    static std::set<std::string> namesIn(const std::vector<std::string>& files) {
        return {files.begin(), files.end()};
    }

    fs::path root_;
    RocksDbOptions options_;
};

TEST_F(RocksDbStoreTest, PutGetRemoveAreSeparatePerColumnFamily) {
    auto store = RocksDbStore::open(options_);
    auto a = store->columnFamily("a");
    auto b = store->columnFamily("b");
    EXPECT_NE(a, b);
    EXPECT_EQ(store->columnFamily("a"), a);

    store->put(a, "k", "in a");
    store->put(b, "k", "in b");
    EXPECT_EQ(get(*store, a, "k"), "in a");
    EXPECT_EQ(get(*store, b, "k"), "in b");
    EXPECT_EQ(get(*store, a, "other"), "<absent>");

    store->put(a, "k", "replaced");
    EXPECT_EQ(get(*store, a, "k"), "replaced");
    store->remove(a, "k");
    EXPECT_EQ(get(*store, a, "k"), "<absent>");
    EXPECT_EQ(get(*store, b, "k"), "in b");

    std::string binaryKey("\0\xff\x01", 3), binaryValue("\0\0v\xfe", 4);
    store->put(b, binaryKey, binaryValue);
    EXPECT_EQ(get(*store, b, binaryKey), binaryValue);
    EXPECT_THAT(store->columnFamilyNames(), ElementsAre("a", "b"));
}

TEST_F(RocksDbStoreTest, AppendConcatenatesAndCreatesAbsentValues) {
    auto store = RocksDbStore::open(options_);
    auto cf = store->columnFamily("list");
    store->append(cf, "k", "one,");
    EXPECT_EQ(get(*store, cf, "k"), "one,");
    store->append(cf, "k", "two,");
    store->append(cf, "k", std::string("\0three", 6));
    EXPECT_EQ(get(*store, cf, "k"), std::string("one,two,\0three", 14));

    store->put(cf, "p", "base|");
    store->append(cf, "p", "more");
    EXPECT_EQ(get(*store, cf, "p"), "base|more");

    store->remove(cf, "p");
    store->append(cf, "p", "fresh");
    EXPECT_EQ(get(*store, cf, "p"), "fresh");

    // Operands flushed to an SST file merge with newer ones in the memtable.
    auto snapshot = store->createNativeSnapshot();
    store->append(cf, "k", "|after");
    EXPECT_EQ(get(*store, cf, "k"), std::string("one,two,\0three|after", 20));
    fs::remove_all(snapshot.directory);
}

TEST_F(RocksDbStoreTest, ScanVisitsPrefixInKeyOrderAndStopsEarly) {
    auto store = RocksDbStore::open(options_);
    auto cf = store->columnFamily("s");
    auto other = store->columnFamily("other");
    for (const char* k : {"b/2", "a/3", "a", "b/1", "a/1", "a/2", "ab", "c"}) store->put(cf, k, k);
    store->put(other, "a/0", "elsewhere");

    EXPECT_EQ(scan(*store, cf, "a/"), (Entries{{"a/1", "a/1"}, {"a/2", "a/2"}, {"a/3", "a/3"}}));
    EXPECT_EQ(scan(*store, cf, "b/"), (Entries{{"b/1", "b/1"}, {"b/2", "b/2"}}));
    EXPECT_THAT(scan(*store, cf, "d"), IsEmpty());
    EXPECT_EQ(scan(*store, cf, "").size(), 8u);

    std::vector<std::string> seen;
    store->scan(cf, "a", [&](std::string_view k, std::string_view) {
        seen.emplace_back(k);
        return seen.size() < 2;
    });
    EXPECT_THAT(seen, ElementsAre("a", "a/1"));
}

TEST_F(RocksDbStoreTest, ScanWithAllOnesPrefixFindsOnlyThosePrefixedKeys) {
    auto store = RocksDbStore::open(options_);
    auto cf = store->columnFamily("s");
    std::string ff("\xff\xff", 2);
    store->put(cf, "\xfe", "before");
    store->put(cf, ff, "exact");
    store->put(cf, ff + "x", "longer");
    store->put(cf, std::string("\xff\xfe", 2), "other");
    EXPECT_EQ(scan(*store, cf, ff), (Entries{{ff, "exact"}, {ff + "x", "longer"}}));
}

TEST_F(RocksDbStoreTest, ScanSeesTheStoreAsItWasWhenItBegan) {
    auto store = RocksDbStore::open(options_);
    auto cf = store->columnFamily("s");
    store->put(cf, "a/1", "x");
    store->put(cf, "a/2", "y");
    Entries seen;
    store->scan(cf, "a/", [&](std::string_view k, std::string_view v) {
        seen.emplace_back(k, v);
        store->put(cf, "a/3", "written during scan");
        store->remove(cf, "a/2");
        store->put(cf, "a/1", "changed");
        return true;
    });
    EXPECT_EQ(seen, (Entries{{"a/1", "x"}, {"a/2", "y"}}));
    EXPECT_EQ(scan(*store, cf, "a/"),
              (Entries{{"a/1", "changed"}, {"a/3", "written during scan"}}));
}

TEST_F(RocksDbStoreTest, RemovePrefixDeletesExactlyThosePrefixedKeys) {
    auto store = RocksDbStore::open(options_);
    auto cf = store->columnFamily("s");
    auto other = store->columnFamily("other");
    for (const char* k : {"a", "a/1", "a/2", "a0", "b/1"}) store->put(cf, k, "v");
    store->put(other, "a/1", "kept");
    // Some keys in SST files, some in the memtable.
    fs::remove_all(store->createNativeSnapshot().directory);
    store->put(cf, "a/3", "v");

    store->removePrefix(cf, "a/");
    EXPECT_EQ(scan(*store, cf, ""), (Entries{{"a", "v"}, {"a0", "v"}, {"b/1", "v"}}));
    EXPECT_EQ(get(*store, other, "a/1"), "kept");
    store->put(cf, "a/9", "new");
    EXPECT_EQ(get(*store, cf, "a/9"), "new");

    std::string ff("\xff", 1);
    store->put(cf, ff, "v");
    store->put(cf, ff + "\xff", "v");
    store->removePrefix(cf, ff);
    EXPECT_EQ(scan(*store, cf, ff).size(), 0u);
    EXPECT_EQ(get(*store, cf, "b/1"), "v");

    store->removePrefix(cf, "");
    EXPECT_THAT(scan(*store, cf, ""), IsEmpty());
    EXPECT_EQ(get(*store, other, "a/1"), "kept");
}

TEST_F(RocksDbStoreTest, SnapshotReopensWithSameDataAndColumnFamilies) {
    auto store = RocksDbStore::open(options_);
    auto values = store->columnFamily("values");
    auto lists = store->columnFamily("lists");
    store->columnFamily("empty");
    auto defaultCf = store->columnFamily("default");
    for (int i = 0; i < 100; ++i) store->put(values, numbered("k", i), std::to_string(i));
    store->append(lists, "l", "1");
    store->append(lists, "l", "2");
    store->put(defaultCf, "d", "in default");

    auto snapshot = store->createNativeSnapshot();
    store->put(values, "k0", "after snapshot");
    store->put(values, "new", "after snapshot");
    store->append(lists, "l", "3");
    store->columnFamily("created-after");

    EXPECT_TRUE(fs::is_directory(snapshot.directory));
    EXPECT_EQ(fs::path(snapshot.directory).parent_path(), root_);
    EXPECT_FALSE(snapshot.sstFiles.empty());
    EXPECT_THAT(snapshot.otherFiles, ::testing::Contains("CURRENT"));
    for (const auto& f : snapshot.sstFiles) EXPECT_TRUE(f.ends_with(".sst")) << f;
    for (const auto& f : snapshot.otherFiles) EXPECT_FALSE(f.ends_with(".sst")) << f;
    size_t filesInSnapshot = snapshot.sstFiles.size() + snapshot.otherFiles.size();
    EXPECT_EQ(static_cast<size_t>(std::distance(fs::directory_iterator(snapshot.directory),
                                                fs::directory_iterator())),
              filesInSnapshot);

    {
        auto restored = RocksDbStore::openFromSnapshot(options_, snapshot.directory);
        EXPECT_NE(restored->directory(), snapshot.directory);
        EXPECT_NE(restored->directory(), store->directory());
        EXPECT_THAT(restored->columnFamilyNames(), ElementsAre("values", "lists", "empty"));
        auto rv = restored->columnFamily("values");
        auto rl = restored->columnFamily("lists");
        EXPECT_EQ(get(*restored, rv, "k0"), "0");
        EXPECT_EQ(get(*restored, rv, "k99"), "99");
        EXPECT_EQ(get(*restored, rv, "new"), "<absent>");
        EXPECT_EQ(scan(*restored, rv, "k").size(), 100u);
        EXPECT_EQ(get(*restored, rl, "l"), "12");
        EXPECT_EQ(get(*restored, restored->columnFamily("default"), "d"), "in default");
        EXPECT_THAT(scan(*restored, restored->columnFamily("empty"), ""), IsEmpty());

        // The restored instance is a working store of its own.
        restored->append(rl, "l", "x");
        restored->put(rv, "k1", "restored write");
        EXPECT_EQ(get(*restored, rl, "l"), "12x");
        EXPECT_EQ(get(*store, lists, "l"), "123");
        EXPECT_EQ(get(*store, values, "k1"), "1");
    }
    // The snapshot directory is untouched and can be restored again.
    EXPECT_EQ(static_cast<size_t>(std::distance(fs::directory_iterator(snapshot.directory),
                                                fs::directory_iterator())),
              filesInSnapshot);
    auto again = RocksDbStore::openFromSnapshot(options_, snapshot.directory);
    EXPECT_EQ(get(*again, again->columnFamily("values"), "k1"), "1");
    fs::remove_all(snapshot.directory);
    EXPECT_EQ(get(*again, again->columnFamily("values"), "k2"), "2");
}

TEST_F(RocksDbStoreTest, LaterSnapshotKeepsUnchangedSstNamesAndAddsNewOnes) {
    auto store = RocksDbStore::open(options_);
    auto a = store->columnFamily("a");
    auto b = store->columnFamily("b");
    for (int i = 0; i < 50; ++i) {
        store->put(a, numbered("a", i), "v");
        store->put(b, numbered("b", i), "v");
    }
    auto first = store->createNativeSnapshot();
    EXPECT_EQ(first.sstFiles.size(), 2u);  // one flushed file per non-empty column family

    for (int i = 0; i < 50; ++i) store->put(a, numbered("a", i), "changed");
    auto second = store->createNativeSnapshot();
    EXPECT_EQ(second.sstFiles.size(), 3u);

    std::set<std::string> before = namesIn(first.sstFiles), after = namesIn(second.sstFiles);
    std::vector<std::string> added, dropped;
    std::set_difference(after.begin(), after.end(), before.begin(), before.end(),
                        std::back_inserter(added));
    std::set_difference(before.begin(), before.end(), after.begin(), after.end(),
                        std::back_inserter(dropped));
    EXPECT_EQ(added.size(), 1u);
    EXPECT_THAT(dropped, IsEmpty());
    // Unchanged files are the same bytes under the same name.
    for (const auto& name : first.sstFiles)
        EXPECT_EQ(fs::file_size(fs::path(first.directory) / name),
                  fs::file_size(fs::path(second.directory) / name))
            << name;

    // A snapshot with nothing written since has exactly the same SST files.
    auto third = store->createNativeSnapshot();
    EXPECT_EQ(third.sstFiles, second.sstFiles);

    auto restored = RocksDbStore::openFromSnapshot(options_, second.directory);
    EXPECT_EQ(get(*restored, restored->columnFamily("a"), "a7"), "changed");
    EXPECT_EQ(get(*restored, restored->columnFamily("b"), "b7"), "v");
    for (const auto* s : {&first, &second, &third}) fs::remove_all(s->directory);
}

TEST_F(RocksDbStoreTest, DestructionDeletesTheInstanceDirectoryButNotSnapshots) {
    std::string directory;
    RocksDbStore::NativeSnapshot snapshot;
    {
        auto store = RocksDbStore::open(options_);
        directory = store->directory();
        EXPECT_EQ(fs::path(directory).parent_path(), root_);
        EXPECT_TRUE(fs::path(directory).filename().string().starts_with("weir-rocksdb-"));
        EXPECT_TRUE(fs::is_directory(directory));
        auto cf = store->columnFamily("s");
        for (int i = 0; i < 1000; ++i) store->put(cf, std::to_string(i), std::string(100, 'x'));
        snapshot = store->createNativeSnapshot();
        store->put(cf, "unflushed", "v");
        // RocksDB writes no info LOG files into the instance directory.
        for (const auto& entry : fs::directory_iterator(directory))
            EXPECT_FALSE(entry.path().filename().string().starts_with("LOG")) << entry.path();
    }
    EXPECT_FALSE(fs::exists(directory));
    EXPECT_TRUE(fs::is_directory(snapshot.directory));
    auto restored = RocksDbStore::openFromSnapshot(options_, snapshot.directory);
    EXPECT_EQ(get(*restored, restored->columnFamily("s"), "999"), std::string(100, 'x'));
    EXPECT_EQ(get(*restored, restored->columnFamily("s"), "unflushed"), "<absent>");
    fs::remove_all(snapshot.directory);
}

TEST_F(RocksDbStoreTest, MissingLocalDirectoryIsCreated) {
    options_.localDirectory = (root_ / "not" / "yet").string();
    auto store = RocksDbStore::open(options_);
    EXPECT_EQ(fs::path(store->directory()).parent_path(), root_ / "not" / "yet");
}

TEST_F(RocksDbStoreTest, UnwritableLocalDirectoryFailsNamingIt) {
    if (::geteuid() == 0) GTEST_SKIP() << "root writes into directories without permission";
    fs::path locked = root_ / "locked";
    fs::create_directories(locked);
    fs::permissions(locked, fs::perms::owner_read | fs::perms::owner_exec);
    options_.localDirectory = locked.string();
    try {
        RocksDbStore::open(options_);
        FAIL() << "open in an unwritable directory did not throw";
    } catch (const Exception& e) {
        EXPECT_THAT(e.what(), HasSubstr(locked.string()));
        EXPECT_THAT(e.what(), HasSubstr("Permission denied"));
    }
    fs::permissions(locked, fs::perms::owner_all);
}

TEST_F(RocksDbStoreTest, LocalDirectoryThatIsAFileFailsNamingIt) {
    fs::path file = root_ / "file";
    std::ofstream(file) << "x";
    options_.localDirectory = file.string();
    try {
        RocksDbStore::open(options_);
        FAIL() << "open under a regular file did not throw";
    } catch (const Exception& e) {
        EXPECT_THAT(e.what(), HasSubstr(file.string()));
    }
}

TEST_F(RocksDbStoreTest, MissingOrInvalidSnapshotFailsWithCheckpointException) {
    EXPECT_THROW(RocksDbStore::openFromSnapshot(options_, (root_ / "missing").string()),
                 CheckpointException);
    fs::path notASnapshot = root_ / "not-a-snapshot";
    fs::create_directories(notASnapshot);
    std::ofstream(notASnapshot / "000001.sst") << "garbage";
    try {
        RocksDbStore::openFromSnapshot(options_, notASnapshot.string());
        FAIL() << "opening a directory without a database did not throw";
    } catch (const CheckpointException& e) {
        EXPECT_THAT(e.what(), HasSubstr(notASnapshot.string()));
    }
    // Neither attempt leaves an instance directory behind.
    for (const auto& entry : fs::directory_iterator(root_))
        EXPECT_FALSE(entry.path().filename().string().starts_with("weir-rocksdb-")) << entry.path();
}

TEST_F(RocksDbStoreTest, MemoryUseStaysWithinTheBudget) {
    constexpr uint64_t kBudget = 4ull << 20;
    options_.memoryBudgetBytes = kBudget;
    auto store = RocksDbStore::open(options_);
    auto a = store->columnFamily("a");
    auto b = store->columnFamily("b");
    std::mt19937_64 random(42);
    std::string value(1024, '\0');
    auto fill = [&] {
        for (auto& c : value) c = static_cast<char>(random());
    };
    uint64_t peak = 0;
    constexpr int kEntries = 16 * 1024;  // 16 MiB of values, four times the budget
    for (int i = 0; i < kEntries; ++i) {
        fill();
        store->put(i % 2 ? a : b, numbered("key", i), value);
        if (i % 256 == 0) peak = std::max(peak, store->approximateMemoryUsage());
    }
    // Reading everything back fills the block cache.
    std::string read;
    for (int i = 0; i < kEntries; ++i) {
        ASSERT_TRUE(store->get(i % 2 ? a : b, numbered("key", i), read)) << i;
        ASSERT_EQ(read.size(), 1024u);
        if (i % 256 == 0) peak = std::max(peak, store->approximateMemoryUsage());
    }
    EXPECT_GT(peak, kBudget / 4);  // the measure sees the memtables and the cache
    EXPECT_LE(peak, kBudget * 3 / 2);
}

TEST_F(RocksDbStoreTest, NestedScansWhoseCallbacksWriteMegabytesComplete) {
    // Each scan's iterator pins the memtables it started with, so flushing cannot free them while
    // it runs; writes in the callbacks must neither wait forever nor flush on every call.
    constexpr uint64_t kBudget = 4ull << 20;
    options_.memoryBudgetBytes = kBudget;
    auto store = RocksDbStore::open(options_);
    auto cf = store->columnFamily("s");
    for (int i = 0; i < 200; ++i) store->put(cf, numbered("s/", i), "v");
    std::string value(8 * 1024, 'w');
    int outer = 0, inner = 0;
    store->scan(cf, "s/", [&](std::string_view, std::string_view) {
        store->put(cf, numbered("w/", outer++), value);
        if (outer % 100 == 0) {
            store->scan(cf, "w/", [&](std::string_view, std::string_view) {
                store->put(cf, numbered("x/", inner++), value);
                return true;
            });
        }
        return true;
    });
    EXPECT_EQ(outer, 200);
    EXPECT_EQ(inner, 100 + 200);  // the inner scans saw the first 100, then all 200 w/ keys
    EXPECT_EQ(scan(*store, cf, "w/").size(), 200u);
    EXPECT_EQ(scan(*store, cf, "x/").size(), 300u);
    std::string read;
    ASSERT_TRUE(store->get(cf, "x/299", read));
    EXPECT_EQ(read, value);
    store->put(cf, "after", "scans");
    EXPECT_LE(store->approximateMemoryUsage(), kBudget * 3 / 2);
}

}  // namespace
}  // namespace weir
