// Restores the checked-in savepoint and checkpoint fixtures (tests/resources/fixtures/, written
// by an earlier build with generate_fixtures.cpp) and checks the restored job's output record by
// record: key groups, operator ids, the snapshot byte layout and the serializers must all still
// read what that build wrote. A failure here means a format change that breaks existing
// savepoints: bump the format version and migrate, or refuse with a clear error
// (docs/formats.md); never regenerate the fixtures to make this pass.

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <string>

#include "../resources/fixtures/fixture_job.h"

namespace weir {
namespace {

namespace fs = std::filesystem;
using namespace weir::fixtures;

struct Case {
    std::string fixture;
    bool rocksdb;
    int32_t parallelism;
};

std::string caseName(const ::testing::TestParamInfo<Case>& info) {
    std::string name = info.param.fixture + "_into_" +
                       (info.param.rocksdb ? "rocksdb" : "hashmap") + "_p" +
                       std::to_string(info.param.parallelism);
    std::replace(name.begin(), name.end(), '-', '_');
    return name;
}

/// A copy of a fixture in a temporary directory (restoring must never touch the checked-in
/// files), and the path to restore from.
class FixtureCopy {
public:
    explicit FixtureCopy(const std::string& fixture) {
        dir_ = fs::temp_directory_path() /
               ("weir-fixture-" + std::to_string(::getpid()) + "-" + fixture);
        fs::remove_all(dir_);
        fs::copy(fs::path(WEIR_FIXTURES_DIR) / fixture, dir_, fs::copy_options::recursive);
        restorePath_ = dir_;
        if (fs::exists(dir_ / "job"))  // a retained checkpoint: <job>/chk-N
            for (const auto& e : fs::directory_iterator(dir_ / "job"))
                if (e.path().filename().string().rfind("chk-", 0) == 0) restorePath_ = e.path();
    }
    ~FixtureCopy() {
        std::error_code ec;
        fs::remove_all(dir_, ec);
    }
    std::string restorePath() const { return restorePath_.string(); }

private:
    fs::path dir_;
    fs::path restorePath_;
};

template <class SeenAs = int64_t>
std::vector<WindowSum> runRestored(const std::string& path, bool rocksdb, int32_t parallelism,
                                   int64_t rule = kMultiplier) {
    gGenerating = false;
    auto env = StreamExecutionEnvironment::create();
    env.setParallelism(parallelism);
    if (rocksdb)
        env.setStateBackend(EmbeddedRocksDBStateBackend{});
    else
        env.setStateBackend(HashMapStateBackend{});
    env.config().set(options::kStateRecoveryPath, path);
    takeCollected();
    buildFixtureJob<SeenAs>(env, rule);
    env.execute("restored fixture");
    return takeCollected();
}

class FixtureRestoreTest : public ::testing::TestWithParam<Case> {};

TEST_P(FixtureRestoreTest, RestoredJobEmitsExactlyTheRemainingWindows) {
    FixtureCopy copy(GetParam().fixture);
    auto out = runRestored(copy.restorePath(), GetParam().rocksdb, GetParam().parallelism);
    EXPECT_EQ(out, expectedRestoredOutput());
}

INSTANTIATE_TEST_SUITE_P(
    Fixtures, FixtureRestoreTest,
    ::testing::Values(Case{"savepoint-hashmap", false, 2}, Case{"savepoint-hashmap", true, 3},
                      Case{"savepoint-rocksdb", true, 2}, Case{"savepoint-rocksdb", false, 3},
                      Case{"checkpoint-hashmap", false, 2}, Case{"checkpoint-hashmap", true, 1},
                      Case{"checkpoint-rocksdb-full", true, 2},
                      Case{"checkpoint-rocksdb-full", false, 3},
                      Case{"checkpoint-rocksdb-incremental", true, 2},
                      Case{"checkpoint-rocksdb-incremental", true, 3}),
    caseName);

TEST(FixtureRestore, TheMultiplierComesFromRestoredBroadcastStateNotFromAReplayedSource) {
    // The rules source had finished when the fixture was taken: restored, it sends nothing, so
    // a rule of 5 in the new program must not show; the savepoint's 3 must.
    FixtureCopy copy("savepoint-rocksdb");
    EXPECT_EQ(runRestored(copy.restorePath(), false, 2, /*rule=*/5), expectedRestoredOutput());
}

TEST(FixtureRestore, ChangedStateTypeIsRefusedNamingTheStateTheOperatorAndBothTypes) {
    for (bool rocksdb : {false, true}) {
        SCOPED_TRACE(rocksdb ? "rocksdb" : "hashmap");
        FixtureCopy copy("savepoint-hashmap");
        try {
            runRestored<std::string>(copy.restorePath(), rocksdb, 2);
            FAIL() << "a savepoint whose state 'seen' holds int64 must not restore as string";
        } catch (const std::exception& e) {
            std::string what = e.what();
            EXPECT_NE(what.find("incompatible state type"), std::string::npos) << what;
            EXPECT_NE(what.find("'seen'"), std::string::npos) << what;
            EXPECT_NE(what.find("Keyed Broadcast Process"), std::string::npos) << what;
            EXPECT_NE(what.find("value<int64>"), std::string::npos) << what;
            EXPECT_NE(what.find("value<string>"), std::string::npos) << what;
        }
    }
}

}  // namespace
}  // namespace weir
