// Checkpoint storage: where state bytes and _metadata go (inline or files), the configuration
// that picks it, reading handles back, and finding what to recover from.

#include "runtime/checkpoint/checkpoint_storage.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>

#include "runtime/checkpoint/checkpoint_metadata.h"
#include "../harness/temp_dir.h"
#include "weir/core/exceptions.h"

namespace weir {
namespace {

namespace fs = std::filesystem;

using testing::TempDir;

std::string readAll(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

void writeFile(const std::string& path, const std::string& bytes) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

/// Names of the entries of `dir`.
std::set<std::string> list(const std::string& dir) {
    std::set<std::string> out;
    for (const auto& e : fs::directory_iterator(dir)) out.insert(e.path().filename().string());
    return out;
}

bool contains(const std::string& haystack, const std::string& needle) {
    return haystack.find(needle) != std::string::npos;
}

CompletedCheckpoint checkpointWithId(int64_t id, const std::string& jobId = "job") {
    CompletedCheckpoint c;
    c.jobId = jobId;
    c.checkpointId = id;
    c.timestamp = 1000 + id;
    OperatorState& op = c.operators["op"];
    op.parallelism = 1;
    op.maxParallelism = 128;
    StreamStateHandle h;
    h.inlineData = "state-of-" + std::to_string(id);
    h.size = h.inlineData.size();
    op.subtasks[0].operatorState = h;
    return c;
}

// ---- CheckpointStorageLocation ----------------------------------------------------------------

TEST(CheckpointStorageLocation, WithoutDirectoryEverythingStaysInline) {
    CheckpointStorageLocation loc("", 10, 0);
    std::string big(1 << 20, 'x');
    StreamStateHandle h = loc.persist("op-keyed", big);
    EXPECT_FALSE(h.isFile());
    EXPECT_EQ(h.inlineData, big);
    EXPECT_EQ(h.size, big.size());
    EXPECT_NO_THROW(loc.writeMetadata("meta"));  // no-op
    EXPECT_NO_THROW(loc.discard());
    EXPECT_EQ(readStateHandle(h, ""), big);
}

TEST(CheckpointStorageLocation, ConstructorCreatesTheDirectory) {
    TempDir tmp;
    std::string dir = tmp.path + "/a/b/chk-1";
    CheckpointStorageLocation loc(dir, 10, 0);
    EXPECT_TRUE(fs::is_directory(dir));
    EXPECT_EQ(loc.directory(), dir);
}

TEST(CheckpointStorageLocation, StateBelowTheThresholdIsInlineFromTheThresholdOnAFile) {
    TempDir tmp;
    CheckpointStorageLocation loc(tmp.path, 100, 0);
    StreamStateHandle small = loc.persist("small", std::string(99, 's'));
    EXPECT_FALSE(small.isFile());
    EXPECT_EQ(small.inlineData, std::string(99, 's'));
    EXPECT_EQ(small.size, 99u);

    std::string data(100, 'f');
    data[5] = '\0';
    StreamStateHandle file = loc.persist("op-1-keyed", data);
    ASSERT_TRUE(file.isFile());
    EXPECT_TRUE(file.inlineData.empty());
    EXPECT_EQ(file.size, 100u);
    // Relative to the checkpoint directory, named after the state.
    EXPECT_NE(file.path.front(), '/');
    EXPECT_EQ(file.path.rfind("op-1-keyed", 0), 0u) << file.path;
    EXPECT_EQ(readAll(tmp.path + "/" + file.path), data);
    EXPECT_EQ(readStateHandle(file, tmp.path), data);
}

TEST(CheckpointStorageLocation, EmptyStateWithZeroThresholdGoesToAFile) {
    TempDir tmp;
    CheckpointStorageLocation loc(tmp.path, 0, 0);
    StreamStateHandle h = loc.persist("empty", "");
    ASSERT_TRUE(h.isFile());
    EXPECT_EQ(h.size, 0u);
    EXPECT_EQ(readStateHandle(h, tmp.path), "");
}

TEST(CheckpointStorageLocation, SameNamePersistedTwiceGivesTwoFiles) {
    TempDir tmp;
    CheckpointStorageLocation loc(tmp.path, 1, 0);
    StreamStateHandle a = loc.persist("op", "first");
    StreamStateHandle b = loc.persist("op", "second");
    EXPECT_NE(a.path, b.path);
    EXPECT_EQ(readStateHandle(a, tmp.path), "first");
    EXPECT_EQ(readStateHandle(b, tmp.path), "second");
}

TEST(CheckpointStorageLocation, MaxInlineSizeIsAnErrorThatNamesTheStateAndTheOption) {
    CheckpointStorageLocation loc("", UINT64_MAX, 100);
    EXPECT_EQ(loc.persist("ok", std::string(100, 'x')).inlineData.size(), 100u);
    try {
        loc.persist("map-3-keyed", std::string(101, 'x'));
        FAIL() << "no exception";
    } catch (const CheckpointException& e) {
        std::string m = e.what();
        EXPECT_TRUE(contains(m, "map-3-keyed")) << m;
        EXPECT_TRUE(contains(m, "101")) << m;
        EXPECT_TRUE(contains(m, "execution.checkpointing.jobmanager-storage.max-state-size")) << m;
    }
}

TEST(CheckpointStorageLocation, WriteMetadataWritesDurablyWithoutLeavingTemporaryFiles) {
    TempDir tmp;
    CheckpointStorageLocation loc(tmp.path, 4, 0);
    loc.persist("op", "more than four bytes");
    // A temporary file left by a crashed earlier attempt does not get in the way.
    writeFile(tmp.path + "/._metadata.inprogress", "garbage from a crash");
    loc.writeMetadata("first");
    loc.writeMetadata("second");  // replaces
    EXPECT_EQ(readAll(tmp.path + "/_metadata"), "second");
    for (const auto& name : list(tmp.path))
        EXPECT_NE(name.front(), '.') << "temporary file left behind: " << name;
    EXPECT_EQ(list(tmp.path).size(), 2u);  // the state file and _metadata
}

TEST(CheckpointStorageLocation, WriteFailureIsACheckpointExceptionNamingTheFile) {
    TempDir tmp;
    std::string dir = tmp.path + "/chk-3";
    CheckpointStorageLocation loc(dir, 1, 0);
    fs::remove_all(dir);
    try {
        loc.persist("op-keyed", "data");
        FAIL() << "no exception";
    } catch (const CheckpointException& e) {
        EXPECT_TRUE(contains(e.what(), dir + "/.op-keyed")) << e.what();
    }
    try {
        loc.writeMetadata("meta");
        FAIL() << "no exception";
    } catch (const CheckpointException& e) {
        EXPECT_TRUE(contains(e.what(), dir + "/._metadata")) << e.what();
    }
}

TEST(CheckpointStorageLocation, DiscardDeletesTheDirectoryAndItsFiles) {
    TempDir tmp;
    std::string dir = tmp.path + "/chk-5";
    CheckpointStorageLocation loc(dir, 1, 0);
    loc.persist("a", "aaaa");
    loc.writeMetadata("m");
    loc.discard();
    EXPECT_FALSE(fs::exists(dir));
    EXPECT_TRUE(fs::exists(tmp.path));
    EXPECT_NO_THROW(loc.discard());  // twice is fine
}

// ---- CheckpointStorage (configuration) --------------------------------------------------------

TEST(CheckpointStorage, DefaultIsJobManagerInMemory) {
    Configuration config;
    CheckpointStorage storage(config, "job-1");
    EXPECT_FALSE(storage.hasDirectory());
    auto loc = storage.initializeCheckpoint(1);
    EXPECT_TRUE(loc->directory().empty());
    EXPECT_FALSE(loc->persist("op", std::string(1 << 20, 'x')).isFile());
}

TEST(CheckpointStorage, JobManagerStorageEnforcesItsMaxStateSize) {
    Configuration config;
    config.setString("execution.checkpointing.jobmanager-storage.max-state-size", "1kb");
    CheckpointStorage storage(config, "job-1");
    auto loc = storage.initializeCheckpoint(1);
    EXPECT_NO_THROW(loc->persist("op", std::string(1024, 'x')));
    EXPECT_THROW(loc->persist("op", std::string(1025, 'x')), CheckpointException);
}

TEST(CheckpointStorage, DefaultJobManagerLimitIsFiveMebibytes) {
    CheckpointStorage storage(Configuration{}, "job-1");
    auto loc = storage.initializeCheckpoint(1);
    EXPECT_NO_THROW(loc->persist("op", std::string(5 << 20, 'x')));
    EXPECT_THROW(loc->persist("op", std::string((5 << 20) + 1, 'x')), CheckpointException);
}

TEST(CheckpointStorage, DirectoryMeansFilesystemStorageUnderTheJobId) {
    TempDir tmp;
    Configuration config;
    config.setString("execution.checkpointing.dir", tmp.path);
    CheckpointStorage storage(config, "abcdef123");
    ASSERT_TRUE(storage.hasDirectory());
    EXPECT_EQ(storage.jobDirectory(), tmp.path + "/abcdef123");
    auto loc = storage.initializeCheckpoint(7);
    EXPECT_EQ(loc->directory(), tmp.path + "/abcdef123/chk-7");
    EXPECT_TRUE(fs::is_directory(tmp.path + "/abcdef123/chk-7"));
    EXPECT_TRUE(fs::is_directory(tmp.path + "/abcdef123/shared"));
    EXPECT_TRUE(fs::is_directory(tmp.path + "/abcdef123/taskowned"));
    // Default inline threshold: 20 KiB.
    EXPECT_FALSE(loc->persist("small", std::string(20 * 1024 - 1, 'x')).isFile());
    EXPECT_TRUE(loc->persist("large", std::string(20 * 1024, 'x')).isFile());
    // No jobmanager limit on files.
    EXPECT_NO_THROW(loc->persist("huge", std::string(6 << 20, 'x')));
}

TEST(CheckpointStorage, InlineThresholdIsConfigurableWithItsFallbackKey) {
    TempDir tmp;
    for (const char* key :
         {"execution.checkpointing.data-inline-threshold", "state.storage.fs.memory-threshold"}) {
        SCOPED_TRACE(key);
        Configuration config;
        config.setString("execution.checkpointing.dir", tmp.path);
        config.setString(key, "10b");
        CheckpointStorage storage(config, "j");
        auto loc = storage.initializeCheckpoint(1);
        EXPECT_FALSE(loc->persist("a", "123456789").isFile());
        EXPECT_TRUE(loc->persist("b", "1234567890").isFile());
    }
}

TEST(CheckpointStorage, FallbackDirectoryKeyAndFileUri) {
    TempDir tmp;
    Configuration config;
    config.setString("state.checkpoints.dir", "file://" + tmp.path);
    CheckpointStorage storage(config, "j");
    EXPECT_EQ(storage.jobDirectory(), tmp.path + "/j");
    EXPECT_TRUE(fs::is_directory(fs::path(storage.initializeCheckpoint(1)->directory())));
}

TEST(CheckpointStorage, JobManagerStorageWithDirectoryWritesMetadataButKeepsStateInline) {
    TempDir tmp;
    Configuration config;
    config.setString("execution.checkpointing.storage", "jobmanager");
    config.setString("execution.checkpointing.dir", tmp.path);
    CheckpointStorage storage(config, "j");
    EXPECT_TRUE(storage.hasDirectory());
    auto loc = storage.initializeCheckpoint(2);
    EXPECT_EQ(loc->directory(), tmp.path + "/j/chk-2");
    EXPECT_FALSE(loc->persist("op", std::string(100 * 1024, 'x')).isFile());
    loc->writeMetadata("m");
    EXPECT_EQ(readAll(tmp.path + "/j/chk-2/_metadata"), "m");
}

TEST(CheckpointStorage, StorageNameIsCaseInsensitiveAndHasAFallbackKey) {
    TempDir tmp;
    Configuration config;
    config.setString("state.checkpoint-storage", "FileSystem");
    config.setString("execution.checkpointing.dir", tmp.path);
    CheckpointStorage storage(config, "j");
    auto loc = storage.initializeCheckpoint(1);
    EXPECT_TRUE(loc->persist("op", std::string(30 * 1024, 'x')).isFile());
}

TEST(CheckpointStorage, UnknownStorageIsAConfigError) {
    Configuration config;
    config.setString("execution.checkpointing.storage", "s3-magic");
    try {
        CheckpointStorage storage(config, "j");
        FAIL() << "no exception";
    } catch (const ConfigException& e) {
        EXPECT_TRUE(contains(e.what(), "execution.checkpointing.storage")) << e.what();
        EXPECT_TRUE(contains(e.what(), "s3-magic")) << e.what();
    }
}

TEST(CheckpointStorage, FilesystemWithoutDirectoryIsAConfigError) {
    Configuration config;
    config.setString("execution.checkpointing.storage", "filesystem");
    try {
        CheckpointStorage storage(config, "j");
        FAIL() << "no exception";
    } catch (const ConfigException& e) {
        EXPECT_TRUE(contains(e.what(), "execution.checkpointing.dir")) << e.what();
    }
}

TEST(CheckpointStorage, SavepointNeedsADirectory) {
    CheckpointStorage storage(Configuration{}, "j");
    try {
        storage.initializeSavepoint("");
        FAIL() << "no exception";
    } catch (const ConfigException& e) {
        EXPECT_TRUE(contains(e.what(), "execution.checkpointing.savepoint-dir")) << e.what();
    }
}

TEST(CheckpointStorage, SavepointGoesToTheConfiguredOrTheGivenDirectory) {
    TempDir tmp;
    Configuration config;
    config.setString("execution.checkpointing.savepoint-dir", tmp.path + "/default");
    CheckpointStorage storage(config, "0123456789abcdef");

    auto a = storage.initializeSavepoint("");
    EXPECT_EQ(a->directory().rfind(tmp.path + "/default/savepoint-012345-", 0), 0u)
        << a->directory();
    EXPECT_TRUE(fs::is_directory(a->directory()));

    auto b = storage.initializeSavepoint("file://" + tmp.path + "/given");
    EXPECT_EQ(b->directory().rfind(tmp.path + "/given/savepoint-012345-", 0), 0u) << b->directory();

    auto c = storage.initializeSavepoint("");
    EXPECT_NE(a->directory(), c->directory());
    // Savepoints write state files above the inline threshold (they must outlive the job).
    EXPECT_TRUE(a->persist("op", std::string(30 * 1024, 'x')).isFile());
}

TEST(CheckpointStorage, SavepointDirectoryFallbackKey) {
    TempDir tmp;
    Configuration config;
    config.setString("state.savepoints.dir", tmp.path);
    CheckpointStorage storage(config, "job");
    EXPECT_EQ(storage.initializeSavepoint("")->directory().rfind(tmp.path + "/savepoint-job-", 0),
              0u);
}

TEST(CheckpointStorage, RemoveJobDirectoryIfEmptyKeepsItWhileCheckpointsRemain) {
    TempDir tmp;
    Configuration config;
    config.setString("execution.checkpointing.dir", tmp.path);
    CheckpointStorage storage(config, "j");
    auto one = storage.initializeCheckpoint(1);
    auto two = storage.initializeCheckpoint(2);
    one->discard();
    storage.removeJobDirectoryIfEmpty();
    EXPECT_TRUE(fs::is_directory(tmp.path + "/j/chk-2"));
    two->discard();
    storage.removeJobDirectoryIfEmpty();
    EXPECT_FALSE(fs::exists(tmp.path + "/j"));
    EXPECT_TRUE(fs::exists(tmp.path));
}

// ---- readStateHandle ------------------------------------------------------------------------

TEST(ReadStateHandle, RelativeAndAbsolutePaths) {
    TempDir tmp;
    writeFile(tmp.path + "/rel", "relative");
    StreamStateHandle rel;
    rel.path = "rel";
    rel.size = 8;
    EXPECT_EQ(readStateHandle(rel, tmp.path), "relative");

    writeFile(tmp.path + "/abs", "absolute!");
    StreamStateHandle abs;
    abs.path = tmp.path + "/abs";
    abs.size = 9;
    EXPECT_EQ(readStateHandle(abs, "/somewhere/else"), "absolute!");
}

TEST(ReadStateHandle, MissingFileNamesThePath) {
    TempDir tmp;
    StreamStateHandle h;
    h.path = "gone-1234";
    h.size = 3;
    try {
        readStateHandle(h, tmp.path);
        FAIL() << "no exception";
    } catch (const CheckpointException& e) {
        EXPECT_TRUE(contains(e.what(), tmp.path + "/gone-1234")) << e.what();
    }
}

TEST(ReadStateHandle, SizeMismatchNamesThePathAndBothSizes) {
    TempDir tmp;
    writeFile(tmp.path + "/short", "abc");
    StreamStateHandle h;
    h.path = "short";
    h.size = 10;
    try {
        readStateHandle(h, tmp.path);
        FAIL() << "no exception";
    } catch (const CheckpointException& e) {
        std::string m = e.what();
        EXPECT_TRUE(contains(m, tmp.path + "/short")) << m;
        EXPECT_TRUE(contains(m, "3")) << m;
        EXPECT_TRUE(contains(m, "10")) << m;
    }
}

// ---- loading ---------------------------------------------------------------------------------

/// Writes checkpoint `c` as <jobDir>/chk-<id>/_metadata the way the coordinator does.
std::string writeCheckpoint(const std::string& jobDir, const CompletedCheckpoint& c) {
    std::string dir = jobDir + "/chk-" + std::to_string(c.checkpointId);
    CheckpointStorageLocation loc(dir, 1 << 20, 0);
    loc.writeMetadata(encodeMetadata(c));
    return dir;
}

TEST(LoadCompletedCheckpoint, FromTheDirectoryTheMetadataFileOrAFileUri) {
    TempDir tmp;
    std::string dir = writeCheckpoint(tmp.path, checkpointWithId(4));
    for (const std::string& path : {dir, dir + "/_metadata", "file://" + dir}) {
        SCOPED_TRACE(path);
        CompletedCheckpoint c = loadCompletedCheckpoint(path);
        EXPECT_EQ(c.checkpointId, 4);
        EXPECT_EQ(c.externalPath, dir);
        EXPECT_EQ(
            readStateHandle(*c.operators.at("op").subtasks.at(0).operatorState, c.externalPath),
            "state-of-4");
    }
}

TEST(LoadCompletedCheckpoint, MissingMetadataNamesWhatWasLookedFor) {
    TempDir tmp;
    fs::create_directories(tmp.path + "/chk-1");
    try {
        loadCompletedCheckpoint(tmp.path + "/chk-1");
        FAIL() << "no exception";
    } catch (const CheckpointException& e) {
        EXPECT_TRUE(contains(e.what(), tmp.path + "/chk-1/_metadata")) << e.what();
    }
    EXPECT_THROW(loadCompletedCheckpoint(tmp.path + "/nothing-here"), CheckpointException);
}

TEST(LoadCheckpointForRecovery, SavepointOrCheckpointDirectoryIsLoadedAsIs) {
    TempDir tmp;
    std::string dir = writeCheckpoint(tmp.path, checkpointWithId(3));
    EXPECT_EQ(loadCheckpointForRecovery(dir).checkpointId, 3);
    EXPECT_EQ(loadCheckpointForRecovery(dir + "/_metadata").checkpointId, 3);
}

TEST(LoadCheckpointForRecovery, JobDirectoryGivesTheNewestCheckpointByNumber) {
    TempDir tmp;
    for (int64_t id : {1, 2, 9, 10}) writeCheckpoint(tmp.path, checkpointWithId(id));
    fs::create_directories(tmp.path + "/shared");
    fs::create_directories(tmp.path + "/taskowned");
    fs::create_directories(tmp.path + "/chk-abc");
    CompletedCheckpoint c = loadCheckpointForRecovery(tmp.path);
    EXPECT_EQ(c.checkpointId, 10);  // 10 > 9, not "chk-9" > "chk-10"
    EXPECT_EQ(c.externalPath, tmp.path + "/chk-10");
    EXPECT_EQ(loadCheckpointForRecovery("file://" + tmp.path).checkpointId, 10);
}

TEST(LoadCheckpointForRecovery, CorruptOrIncompleteNewerCheckpointsAreSkipped) {
    TempDir tmp;
    writeCheckpoint(tmp.path, checkpointWithId(5));
    std::string corrupt = writeCheckpoint(tmp.path, checkpointWithId(6));
    std::string bytes = readAll(corrupt + "/_metadata");
    bytes[bytes.size() - 2] ^= 0x10;
    writeFile(corrupt + "/_metadata", bytes);
    std::string truncated = writeCheckpoint(tmp.path, checkpointWithId(7));
    writeFile(truncated + "/_metadata", bytes.substr(0, 20));
    fs::create_directories(tmp.path + "/chk-8");  // in progress: no _metadata yet

    CompletedCheckpoint c = loadCheckpointForRecovery(tmp.path);
    EXPECT_EQ(c.checkpointId, 5);
    EXPECT_EQ(c.externalPath, tmp.path + "/chk-5");
}

TEST(LoadCheckpointForRecovery, NothingValidFailsLoudlyListingEveryProblem) {
    TempDir tmp;
    std::string a = writeCheckpoint(tmp.path, checkpointWithId(1));
    writeFile(a + "/_metadata", "");
    std::string b = writeCheckpoint(tmp.path, checkpointWithId(2));
    writeFile(b + "/_metadata", "garbage that is no checkpoint metadata at all");
    fs::create_directories(tmp.path + "/chk-3");
    try {
        loadCheckpointForRecovery(tmp.path);
        FAIL() << "no exception";
    } catch (const CheckpointException& e) {
        std::string m = e.what();
        EXPECT_TRUE(contains(m, tmp.path)) << m;
        EXPECT_TRUE(contains(m, a + "/_metadata")) << m;
        EXPECT_TRUE(contains(m, b + "/_metadata")) << m;
        EXPECT_TRUE(contains(m, tmp.path + "/chk-3/_metadata")) << m;
    }
}

TEST(LoadCheckpointForRecovery, DirectoryWithoutCheckpointsFails) {
    TempDir tmp;
    fs::create_directories(tmp.path + "/shared");
    try {
        loadCheckpointForRecovery(tmp.path);
        FAIL() << "no exception";
    } catch (const CheckpointException& e) {
        EXPECT_TRUE(contains(e.what(), tmp.path)) << e.what();
        EXPECT_TRUE(contains(e.what(), "chk-")) << e.what();
    }
    EXPECT_THROW(loadCheckpointForRecovery(tmp.path + "/does-not-exist"), CheckpointException);
}

TEST(LocalPathOf, StripsFileSchemeOnly) {
    EXPECT_EQ(localPathOf("file:///a/b"), "/a/b");
    EXPECT_EQ(localPathOf("/a/b"), "/a/b");
    EXPECT_EQ(localPathOf("relative/dir"), "relative/dir");
    EXPECT_EQ(localPathOf("s3://bucket/x"), "s3://bucket/x");
}

}  // namespace
}  // namespace weir
