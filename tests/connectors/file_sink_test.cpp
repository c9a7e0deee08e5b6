#include "weir/connectors/file/file_sink.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "weir/connectors/file/text_line_file_source.h"
#include "weir/core/exceptions.h"

namespace weir {
namespace {

namespace fs = std::filesystem;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::SizeIs;

const std::string kUuid = "[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}";

/// A processing-time clock the test moves by hand.
struct ManualClock {
    std::shared_ptr<int64_t> now = std::make_shared<int64_t>(0);
    std::function<int64_t()> function() const {
        return [now = now] { return *now; };
    }
    void set(int64_t t) const { *now = t; }
};

/// What the sink operator keeps from one checkpoint.
struct Checkpoint {
    std::vector<std::string> committables;
    std::vector<std::string> writerState;
};

/// The sink operator's calls at a checkpoint: flush, pre-commit, snapshot.
template <class T>
Checkpoint checkpoint(PrecommittingSinkWriter<T>& writer, int64_t id) {
    writer.flush(false);
    Checkpoint c;
    c.committables = writer.prepareCommit();
    c.writerState = writer.snapshotState(id);
    return c;
}

/// The sink operator's calls at the end of input.
template <class T>
std::vector<std::string> endOfInput(PrecommittingSinkWriter<T>& writer) {
    writer.flush(true);
    std::vector<std::string> committables = writer.prepareCommit();
    writer.close();
    return committables;
}

std::vector<std::string> concat(std::vector<std::string> a, const std::vector<std::string>& b) {
    a.insert(a.end(), b.begin(), b.end());
    return a;
}

bool hidden(const fs::path& p) {
    std::string name = p.filename().string();
    return !name.empty() && (name[0] == '.' || name[0] == '_');
}

/// The files below `dir` (paths relative to it), hidden or visible ones, sorted by part counter
/// (the number after the last '-' of the name) and then by path.
std::vector<std::string> files(const fs::path& dir, bool hiddenFiles) {
    std::vector<std::pair<std::pair<std::string, long>, std::string>> found;
    for (const auto& e : fs::recursive_directory_iterator(dir)) {
        if (!e.is_regular_file() || hidden(e.path()) != hiddenFiles) continue;
        std::string rel = fs::relative(e.path(), dir).string();
        std::string name = e.path().filename().string();
        size_t dash = name.rfind('-');
        long counter = dash == std::string::npos ? 0 : std::atol(name.c_str() + dash + 1);
        found.push_back({{e.path().parent_path().string(), counter}, rel});
    }
    std::sort(found.begin(), found.end());
    std::vector<std::string> out;
    for (auto& f : found) out.push_back(f.second);
    return out;
}

std::string readFile(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

/// The contents of the visible files below `dir`, in the order of files().
std::vector<std::string> visibleContents(const fs::path& dir) {
    std::vector<std::string> out;
    for (const std::string& f : files(dir, false)) out.push_back(readFile(dir / f));
    return out;
}

/// All lines of the visible files, sorted.
std::vector<std::string> visibleLines(const fs::path& dir) {
    std::vector<std::string> lines;
    for (const std::string& content : visibleContents(dir)) {
        std::istringstream in(content);
        for (std::string line; std::getline(in, line);) lines.push_back(line);
    }
    std::sort(lines.begin(), lines.end());
    return lines;
}

std::vector<std::string> records(int from, int to) {  // "r00\n" is 4 bytes
    std::vector<std::string> out;
    for (int i = from; i < to; ++i) out.push_back((i < 10 ? "r0" : "r") + std::to_string(i));
    return out;
}

template <class T>
void writeAll(PrecommittingSinkWriter<T>& writer, const std::vector<T>& values) {
    for (const T& v : values) writer.write(v, kNoTimestamp);
}

SinkWriterContext subtask(int32_t index, int32_t parallelism = 1,
                          std::vector<std::string> restoredState = {}) {
    SinkWriterContext ctx;
    ctx.subtaskIndex = index;
    ctx.parallelism = parallelism;
    ctx.restored = !restoredState.empty();
    ctx.restoredState = std::move(restoredState);
    return ctx;
}

class CollectingOutput final : public ReaderOutput<std::string> {
public:
    void collect(const std::string& value) override { values.push_back(value); }
    void collect(const std::string& value, int64_t) override { values.push_back(value); }
    std::vector<std::string> values;
};

/// The lines readTextFile reads from `path` at parallelism 1.
std::vector<std::string> readTextFile(const std::string& path) {
    TextLineFileSource source(path);
    SourceReaderContext context;
    auto reader = source.createReader(context);
    reader->start();
    CollectingOutput out;
    while (reader->pollNext(out) != InputStatus::END_OF_INPUT) {
    }
    reader->close();
    return out.values;
}

class FileSinkTest : public ::testing::Test {
protected:
    void SetUp() override {
        std::string pattern = (fs::path(::testing::TempDir()) / "weir_file_sink_XXXXXX").string();
        ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
        dir_ = pattern;
        base_ = (dir_ / "out").string();
    }
    void TearDown() override {
        std::error_code ec;
        fs::remove_all(dir_, ec);
    }

    /// A sink into base_ with one bucket (the base path) and the given rolling policy.
    template <class P = DefaultRollingPolicy>
    FileSink<std::string> sink(P policy = DefaultRollingPolicy::builder().build()) {
        return FileSink<std::string>::forRowFormat(base_)
            .withBucketAssigner(BasePathBucketAssigner())
            .withRollingPolicy(std::move(policy))
            .withProcessingTimeClock(clock_.function())
            .build();
    }
    static DefaultRollingPolicy maxPartSize(uint64_t bytes) {
        return DefaultRollingPolicy::builder().withMaxPartSize(MemorySize(bytes)).build();
    }

    fs::path dir_;
    std::string base_;
    ManualClock clock_;
};

// ---- lifecycle ---------------------------------------------------------------------------------

TEST_F(FileSinkTest, InProgressFileIsHiddenUntilTheFinalCommit) {
    FileSink<std::string> s = sink();
    auto writer = s.createPrecommittingWriter(subtask(0));
    writeAll<std::string>(*writer, {"a", "b"});
    Checkpoint cp1 = checkpoint(*writer, 1);
    EXPECT_THAT(cp1.committables, IsEmpty()) << "the default policy keeps the file open";
    EXPECT_THAT(cp1.writerState, SizeIs(1));
    s.createCommitter(subtask(0))->commit(cp1.committables);
    EXPECT_THAT(files(base_, false), IsEmpty());
    std::vector<std::string> inProgress = files(base_, true);
    ASSERT_THAT(inProgress, SizeIs(1));
    EXPECT_TRUE(std::regex_match(inProgress[0],
                                 std::regex("\\.part-" + kUuid + "-0-0\\.inprogress\\." + kUuid)))
        << inProgress[0];
    EXPECT_EQ(readFile(fs::path(base_) / inProgress[0]), "a\nb\n")
        << "checkpointed bytes are in the file";

    writer->write("c", kNoTimestamp);
    std::vector<std::string> last = endOfInput(*writer);
    ASSERT_THAT(last, SizeIs(1));
    EXPECT_THAT(files(base_, false), IsEmpty()) << "pending until committed";
    s.createCommitter(subtask(0))->commit(last);

    std::vector<std::string> visible = files(base_, false);
    ASSERT_THAT(visible, SizeIs(1));
    EXPECT_TRUE(std::regex_match(visible[0], std::regex("part-" + kUuid + "-0-0"))) << visible[0];
    EXPECT_EQ(inProgress[0].rfind("." + visible[0] + ".inprogress.", 0), 0u)
        << "the in-progress name is the hidden final name plus .inprogress.<uuid>";
    EXPECT_THAT(visibleContents(base_), ElementsAre("a\nb\nc\n"));
    EXPECT_THAT(files(base_, true), IsEmpty());
}

TEST_F(FileSinkTest, NoRecordsMakeNoFiles) {
    FileSink<std::string> s = sink();
    auto writer = s.createPrecommittingWriter(subtask(0));
    Checkpoint cp = checkpoint(*writer, 1);
    EXPECT_THAT(cp.committables, IsEmpty());
    EXPECT_THAT(cp.writerState, IsEmpty());
    EXPECT_THAT(endOfInput(*writer), IsEmpty());
    EXPECT_TRUE(fs::is_directory(base_)) << "the base path is created";
    EXPECT_THAT(files(base_, true), IsEmpty());
}

TEST_F(FileSinkTest, OutputFileConfigNamesThePartFiles) {
    auto s =
        FileSink<std::string>::forRowFormat(base_)
            .withBucketAssigner(BasePathBucketAssigner())
            .withOutputFileConfig(
                OutputFileConfig::builder().withPartPrefix("out").withPartSuffix(".txt").build())
            .build();
    auto writer = s.createPrecommittingWriter(subtask(3, 4));
    writer->write("x", kNoTimestamp);
    writer->flush(false);
    std::vector<std::string> inProgress = files(base_, true);
    ASSERT_THAT(inProgress, SizeIs(1));
    EXPECT_TRUE(std::regex_match(
        inProgress[0], std::regex("\\.out-" + kUuid + "-3-0\\.txt\\.inprogress\\." + kUuid)))
        << inProgress[0];
    s.createCommitter(subtask(3, 4))->commit(endOfInput(*writer));
    std::vector<std::string> visible = files(base_, false);
    ASSERT_THAT(visible, SizeIs(1));
    EXPECT_TRUE(std::regex_match(visible[0], std::regex("out-" + kUuid + "-3-0\\.txt")))
        << visible[0];
}

TEST_F(FileSinkTest, DefaultsAreFlinks) {
    DefaultRollingPolicy policy = DefaultRollingPolicy::builder().build();
    EXPECT_EQ(policy.getRolloverInterval(), Duration(60'000));
    EXPECT_EQ(policy.getInactivityInterval(), Duration(60'000));
    EXPECT_EQ(policy.getMaxPartSize(), MemorySize::ofMebiBytes(128));
    OutputFileConfig config = OutputFileConfig::builder().build();
    EXPECT_EQ(config.getPartPrefix(), "part");
    EXPECT_EQ(config.getPartSuffix(), "");
    EXPECT_EQ(std::string(DateTimeBucketAssigner().formatString()), "yyyy-MM-dd--HH");
    EXPECT_THROW(DefaultRollingPolicy::builder().withMaxPartSize(MemorySize(0)).build(),
                 InvalidProgramException);
    EXPECT_THROW(DefaultRollingPolicy::builder().withRolloverInterval(Duration(0)).build(),
                 InvalidProgramException);
    EXPECT_THROW(OutputFileConfig::builder().withPartSuffix("a/b").build(),
                 InvalidProgramException);
    EXPECT_THROW(FileSink<std::string>::forRowFormat("").build(), InvalidProgramException);
}

// ---- encoders ----------------------------------------------------------------------------------

TEST_F(FileSinkTest, SimpleStringEncoderWritesThePrintedForm) {
    auto s = FileSink<std::pair<std::string, int64_t>>::forRowFormat(base_)
                 .withBucketAssigner(BasePathBucketAssigner())
                 .build();
    auto writer = s.createPrecommittingWriter(subtask(0));
    writer->write({"a", 1}, kNoTimestamp);
    writer->write({"b", 22}, kNoTimestamp);
    s.createCommitter(subtask(0))->commit(endOfInput(*writer));
    EXPECT_THAT(visibleContents(base_), ElementsAre("(a,1)\n(b,22)\n"));
}

struct CsvEncoder {
    void encode(const std::pair<int, int>& v, std::string& out) const {
        out += std::to_string(v.first) + ";" + std::to_string(v.second) + "\r\n";
    }
};

TEST_F(FileSinkTest, EncoderClassesAndFunctionsWriteTheirBytes) {
    auto csv = FileSink<std::pair<int, int>>::forRowFormat(base_ + "/csv", CsvEncoder())
                   .withBucketAssigner(BasePathBucketAssigner())
                   .build();
    auto w1 = csv.createPrecommittingWriter(subtask(0));
    w1->write({1, 2}, kNoTimestamp);
    csv.createCommitter(subtask(0))->commit(endOfInput(*w1));
    EXPECT_THAT(visibleContents(base_ + "/csv"), ElementsAre("1;2\r\n"));

    auto raw = FileSink<int>::forRowFormat(
                   base_ + "/raw",
                   [](const int& v, std::string& out) { out += "<" + std::to_string(v) + ">"; })
                   .withBucketAssigner(BasePathBucketAssigner())
                   .build();
    auto w2 = raw.createPrecommittingWriter(subtask(0));
    for (int i = 0; i < 3; ++i) w2->write(i, kNoTimestamp);
    raw.createCommitter(subtask(0))->commit(endOfInput(*w2));
    EXPECT_THAT(visibleContents(base_ + "/raw"), ElementsAre("<0><1><2>"));
}

TEST_F(FileSinkTest, EncoderThatThrowsLeavesNoPartialRecord) {
    auto s = FileSink<int>::forRowFormat(base_,
                                         [](const int& v, std::string& out) {
                                             out += "partial";
                                             if (v < 0) throw std::runtime_error("bad value");
                                             out += "\n";
                                         })
                 .withBucketAssigner(BasePathBucketAssigner())
                 .build();
    auto writer = s.createPrecommittingWriter(subtask(0));
    writer->write(1, kNoTimestamp);
    EXPECT_THROW(writer->write(-1, kNoTimestamp), std::runtime_error);
    writer->write(2, kNoTimestamp);
    s.createCommitter(subtask(0))->commit(endOfInput(*writer));
    EXPECT_THAT(visibleContents(base_), ElementsAre("partial\npartial\n"));
}

// ---- rolling -----------------------------------------------------------------------------------

TEST_F(FileSinkTest, DefaultPolicyRollsWhenAFileExceedsTheMaxPartSize) {
    // The size is checked before each record: a file rolls once it holds more than 10 bytes, so
    // every file gets three 4-byte records.
    FileSink<std::string> s = sink(maxPartSize(10));
    auto writer = s.createPrecommittingWriter(subtask(0));
    writeAll(*writer, records(0, 7));
    Checkpoint cp1 = checkpoint(*writer, 1);
    EXPECT_THAT(cp1.committables, SizeIs(2)) << "two rolled files are pending";
    EXPECT_THAT(cp1.writerState, SizeIs(1)) << "the third is in progress";
    s.createCommitter(subtask(0))->commit(cp1.committables);
    EXPECT_THAT(visibleContents(base_), ElementsAre("r00\nr01\nr02\n", "r03\nr04\nr05\n"));

    writeAll(*writer, records(7, 9));  // the in-progress file now has 12 bytes
    Checkpoint cp2 = checkpoint(*writer, 2);
    EXPECT_THAT(cp2.committables, SizeIs(1)) << "a file above the size rolls at the checkpoint";
    EXPECT_THAT(cp2.writerState, IsEmpty());
    s.createCommitter(subtask(0))->commit(cp2.committables);
    EXPECT_THAT(visibleContents(base_),
                ElementsAre("r00\nr01\nr02\n", "r03\nr04\nr05\n", "r06\nr07\nr08\n"));
    EXPECT_THAT(endOfInput(*writer), IsEmpty());
}

TEST_F(FileSinkTest, DefaultPolicyRollsOnRolloverAndInactivityIntervals) {
    FileSink<std::string> s = sink(DefaultRollingPolicy::builder()
                                       .withRolloverInterval(Duration(1000))
                                       .withInactivityInterval(Duration(500))
                                       .build());
    auto writer = s.createPrecommittingWriter(subtask(0));
    clock_.set(0);
    writer->write("a", kNoTimestamp);
    clock_.set(400);
    writer->write("b", kNoTimestamp);
    clock_.set(1000);  // the file was opened at 0: rollover
    writer->write("c", kNoTimestamp);
    clock_.set(1600);  // nothing written since 1000: inactivity
    writer->write("d", kNoTimestamp);
    clock_.set(1700);
    Checkpoint cp1 = checkpoint(*writer, 1);
    EXPECT_THAT(cp1.committables, SizeIs(2));
    clock_.set(2100);  // the checkpoint's flush checks the time limits of every bucket
    Checkpoint cp2 = checkpoint(*writer, 2);
    EXPECT_THAT(cp2.committables, SizeIs(1));
    EXPECT_THAT(cp2.writerState, IsEmpty());
    auto committer = s.createCommitter(subtask(0));
    committer->commit(concat(cp1.committables, cp2.committables));
    EXPECT_THAT(visibleContents(base_), ElementsAre("a\nb\n", "c\n", "d\n"));
}

TEST_F(FileSinkTest, TimeLimitsOfOtherBucketsAreCheckedOncePerBucketCheckInterval) {
    auto s = FileSink<std::string>::forRowFormat(base_)
                 .withBucketAssigner([](const std::string& v, const BucketAssignerContext&) {
                     return v.substr(0, 1);
                 })
                 .withRollingPolicy(DefaultRollingPolicy::builder()
                                        .withInactivityInterval(Duration(100))
                                        .withRolloverInterval(Duration(100'000))
                                        .build())
                 .withBucketCheckInterval(Duration(1000))
                 .withProcessingTimeClock(clock_.function())
                 .build();
    auto writer = s.createPrecommittingWriter(subtask(0));
    writer->write("a1", kNoTimestamp);  // bucket a, idle from now on
    clock_.set(500);
    writer->write("b1", kNoTimestamp);  // before the check interval: a stays open
    EXPECT_THAT(files(base_, true), SizeIs(2));
    clock_.set(1000);
    writer->write("b2", kNoTimestamp);  // the check rolls a and b (both idle >= 100 ms)
    Checkpoint cp = checkpoint(*writer, 1);
    EXPECT_THAT(cp.committables, SizeIs(2));
    s.createCommitter(subtask(0))->commit(concat(cp.committables, endOfInput(*writer)));
    EXPECT_THAT(visibleContents(base_ + "/a"), ElementsAre("a1\n"));
    EXPECT_THAT(visibleContents(base_ + "/b"), ElementsAre("b1\n", "b2\n"));
}

TEST_F(FileSinkTest, OnCheckpointRollingPolicyRollsAtEveryCheckpoint) {
    FileSink<std::string> s = sink(OnCheckpointRollingPolicy::build());
    auto writer = s.createPrecommittingWriter(subtask(0));
    auto committer = s.createCommitter(subtask(0));
    writeAll<std::string>(*writer, {"a", "b"});
    Checkpoint cp1 = checkpoint(*writer, 1);
    EXPECT_THAT(cp1.committables, SizeIs(1));
    EXPECT_THAT(cp1.writerState, IsEmpty()) << "nothing stays open across a checkpoint";
    EXPECT_THAT(files(base_, false), IsEmpty()) << "visible only after the commit";
    committer->commit(cp1.committables);
    EXPECT_THAT(visibleContents(base_), ElementsAre("a\nb\n"));

    Checkpoint empty = checkpoint(*writer, 2);
    EXPECT_THAT(empty.committables, IsEmpty());
    clock_.set(10'000'000);  // time does not roll with this policy
    writeAll<std::string>(*writer, {"c", "d"});
    Checkpoint cp3 = checkpoint(*writer, 3);
    committer->commit(cp3.committables);
    writer->write("e", kNoTimestamp);
    committer->commit(endOfInput(*writer));
    EXPECT_THAT(visibleContents(base_), ElementsAre("a\nb\n", "c\nd\n", "e\n"));
}

// ---- failure and restore -----------------------------------------------------------------------

TEST_F(FileSinkTest, RestoreAfterACrashKeepsEveryRecordOnce) {
    FileSink<std::string> s = sink(maxPartSize(10));
    std::vector<std::string> input = records(0, 14);
    Checkpoint cp1;
    std::set<std::string> namesBefore;
    {
        auto writer = s.createPrecommittingWriter(subtask(0));
        writeAll(*writer, std::vector<std::string>(input.begin(), input.begin() + 7));
        cp1 = checkpoint(*writer, 1);  // r00-r02, r03-r05 pending; r06 in progress
        ASSERT_THAT(cp1.committables, SizeIs(2));
        ASSERT_THAT(cp1.writerState, SizeIs(1));
        // The checkpoint completes but the task fails before the commit; it wrote on (other
        // records than the replay brings: the restore must cut them off, not overwrite them).
        writeAll<std::string>(*writer, {"lost-record-07-long", "lost-record-08"});
        writer->flush(false);
        EXPECT_THAT(files(base_, false), IsEmpty());
        for (const std::string& f : files(base_, true)) namesBefore.insert(f);
    }  // destroyed without close: a crash

    auto writer = s.createPrecommittingWriter(subtask(0, 1, cp1.writerState));
    auto committer = s.createCommitter(subtask(0));
    committer->commit(cp1.committables);  // the restored committables, committed again
    EXPECT_THAT(visibleContents(base_), ElementsAre("r00\nr01\nr02\n", "r03\nr04\nr05\n"));
    // The source replays from the checkpoint.
    writeAll(*writer, std::vector<std::string>(input.begin() + 7, input.end()));
    Checkpoint cp2 = checkpoint(*writer, 2);
    committer->commit(cp2.committables);
    committer->commit(endOfInput(*writer));

    EXPECT_EQ(visibleLines(base_), input) << "every record exactly once";
    std::vector<std::string> visible = files(base_, false);
    ASSERT_THAT(visible, SizeIs(5));
    // The file in progress at the checkpoint was truncated to r06 and resumed.
    std::string resumed;
    for (const std::string& f : visible)
        if (readFile(fs::path(base_) / f).rfind("r06\n", 0) == 0) resumed = f;
    EXPECT_EQ(readFile(fs::path(base_) / resumed), "r06\nr07\nr08\n");
    EXPECT_TRUE(std::any_of(namesBefore.begin(), namesBefore.end(), [&](const std::string& n) {
        return n.rfind("." + resumed + ".inprogress.", 0) == 0;
    })) << "the resumed file keeps its name";
    std::set<std::string> unique(visible.begin(), visible.end());
    EXPECT_EQ(unique.size(), visible.size());
    // What the failed attempt started after the checkpoint stays hidden and unread.
    std::vector<std::string> leftovers = files(base_, true);
    ASSERT_THAT(leftovers, SizeIs(1));
    EXPECT_TRUE(namesBefore.count(leftovers[0])) << leftovers[0];
    EXPECT_EQ(readFile(fs::path(base_) / leftovers[0]), "lost-record-08\n");
    std::vector<std::string> read = readTextFile(base_);
    std::sort(read.begin(), read.end());
    EXPECT_EQ(read, input) << "readTextFile skips the hidden leftover";
}

TEST_F(FileSinkTest, RestoreWithoutCheckpointedFilesStartsFresh) {
    FileSink<std::string> s = sink(OnCheckpointRollingPolicy::build());
    Checkpoint cp1;
    {
        auto writer = s.createPrecommittingWriter(subtask(0));
        writeAll<std::string>(*writer, {"a"});
        cp1 = checkpoint(*writer, 1);
        writeAll<std::string>(*writer, {"lost"});
        writer->flush(false);
    }
    auto writer = s.createPrecommittingWriter(subtask(0, 1, cp1.writerState));
    auto committer = s.createCommitter(subtask(0));
    committer->commit(cp1.committables);
    committer->commit(cp1.committables);
    writeAll<std::string>(*writer, {"b"});
    committer->commit(endOfInput(*writer));
    EXPECT_THAT(visibleLines(base_), ElementsAre("a", "b"));
    EXPECT_THAT(files(base_, true), SizeIs(1)) << "the file of 'lost' stays hidden";
}

TEST_F(FileSinkTest, RecommitIsIdempotent) {
    FileSink<std::string> s = sink(OnCheckpointRollingPolicy::build());
    auto writer = s.createPrecommittingWriter(subtask(0));
    writeAll<std::string>(*writer, {"a"});
    Checkpoint cp1 = checkpoint(*writer, 1);
    writeAll<std::string>(*writer, {"b"});
    Checkpoint cp2 = checkpoint(*writer, 2);
    auto committer = s.createCommitter(subtask(0));
    committer->commit(cp1.committables);
    std::vector<std::string> all = concat(cp1.committables, cp2.committables);
    committer->commit(all);  // cp1 again and cp2 for the first time
    committer->commit(all);
    s.createCommitter(subtask(0))->commit(all);  // a new committer after a restore
    EXPECT_THAT(visibleContents(base_), ElementsAre("a\n", "b\n"));
    EXPECT_THAT(files(base_, true), IsEmpty());
}

TEST_F(FileSinkTest, CommitOfAFileThatIsGoneFailsNamingIt) {
    FileSink<std::string> s = sink(OnCheckpointRollingPolicy::build());
    auto writer = s.createPrecommittingWriter(subtask(0));
    writeAll<std::string>(*writer, {"a"});
    Checkpoint cp1 = checkpoint(*writer, 1);
    std::vector<std::string> pending = files(base_, true);
    ASSERT_THAT(pending, SizeIs(1));
    fs::remove(fs::path(base_) / pending[0]);
    std::string finalName = pending[0].substr(1, pending[0].find(".inprogress.") - 1);
    try {
        s.createCommitter(subtask(0))->commit(cp1.committables);
        FAIL() << "expected an exception";
    } catch (const Exception& e) {
        EXPECT_THAT(e.what(), HasSubstr((fs::path(base_) / finalName).string()));
        EXPECT_THAT(e.what(), HasSubstr(pending[0]));
    }
    EXPECT_THROW(s.createCommitter(subtask(0))->commit({"garbage"}), Exception);
}

TEST_F(FileSinkTest, RestoreOfAMissingInProgressFileFailsNamingIt) {
    FileSink<std::string> s = sink();
    Checkpoint cp1;
    {
        auto writer = s.createPrecommittingWriter(subtask(0));
        writeAll<std::string>(*writer, {"a"});
        cp1 = checkpoint(*writer, 1);
    }
    std::vector<std::string> inProgress = files(base_, true);
    ASSERT_THAT(inProgress, SizeIs(1));
    fs::remove(fs::path(base_) / inProgress[0]);
    try {
        s.createPrecommittingWriter(subtask(0, 1, cp1.writerState));
        FAIL() << "expected an exception";
    } catch (const Exception& e) {
        EXPECT_THAT(e.what(), HasSubstr(inProgress[0]));
        EXPECT_THAT(e.what(), HasSubstr("No such file"));
    }
}

TEST_F(FileSinkTest, RescaledRestoreMergesTheStatesOfSeveralSubtasks) {
    FileSink<std::string> s = sink();
    Checkpoint cp0, cp1;
    {
        auto w0 = s.createPrecommittingWriter(subtask(0, 2));
        auto w1 = s.createPrecommittingWriter(subtask(1, 2));
        writeAll<std::string>(*w0, {"a0", "b0"});
        writeAll<std::string>(*w1, {"a1"});
        cp0 = checkpoint(*w0, 1);
        cp1 = checkpoint(*w1, 1);
        writeAll<std::string>(*w0, {"lost0"});
        writeAll<std::string>(*w1, {"lost1"});
        w0->flush(false);
        w1->flush(false);
    }
    // Parallelism 2 -> 1: both in-progress files of bucket "" go to one writer; one is resumed,
    // the other is rolled and committed with the next checkpoint.
    auto writer =
        s.createPrecommittingWriter(subtask(0, 1, concat(cp0.writerState, cp1.writerState)));
    writeAll<std::string>(*writer, {"c"});
    Checkpoint cp2 = checkpoint(*writer, 2);
    EXPECT_THAT(cp2.committables, SizeIs(1));
    EXPECT_THAT(cp2.writerState, SizeIs(1));
    auto committer = s.createCommitter(subtask(0));
    committer->commit(cp2.committables);
    committer->commit(endOfInput(*writer));
    EXPECT_THAT(visibleLines(base_), ElementsAre("a0", "a1", "b0", "c"));
    EXPECT_THAT(files(base_, true), IsEmpty());
}

// ---- buckets -----------------------------------------------------------------------------------

TEST_F(FileSinkTest, DateTimeBucketAssignerBucketsByTheProcessingTimeHour) {
    auto s = FileSink<std::string>::forRowFormat(base_)
                 .withBucketAssigner(DateTimeBucketAssigner("yyyy-MM-dd--HH",
                                                            DateTimeBucketAssigner::TimeZone::UTC))
                 .withProcessingTimeClock(clock_.function())
                 .build();
    auto writer = s.createPrecommittingWriter(subtask(0));
    clock_.set(1'709'315'999'999);  // 2024-03-01T17:59:59.999Z
    writer->write("x", kNoTimestamp);
    clock_.set(1'709'316'000'000);  // 18:00
    writer->write("y", kNoTimestamp);
    s.createCommitter(subtask(0))->commit(endOfInput(*writer));
    std::vector<std::string> visible = files(base_, false);
    ASSERT_THAT(visible, SizeIs(2));
    EXPECT_EQ(fs::path(visible[0]).parent_path().string(), "2024-03-01--17");
    EXPECT_EQ(fs::path(visible[1]).parent_path().string(), "2024-03-01--18");
    EXPECT_EQ(readFile(fs::path(base_) / visible[0]), "x\n");
    EXPECT_EQ(readFile(fs::path(base_) / visible[1]), "y\n");
}

TEST_F(FileSinkTest, DefaultBucketAssignerUsesLocalTime) {
    auto s = FileSink<std::string>::forRowFormat(base_)
                 .withProcessingTimeClock(clock_.function())
                 .build();
    int64_t t = 1'709'315'999'999;
    clock_.set(t);
    auto writer = s.createPrecommittingWriter(subtask(0));
    writer->write("x", kNoTimestamp);
    s.createCommitter(subtask(0))->commit(endOfInput(*writer));
    std::time_t seconds = t / 1000;
    std::tm tm{};
    localtime_r(&seconds, &tm);
    char expected[32];
    std::strftime(expected, sizeof expected, "%Y-%m-%d--%H", &tm);
    std::vector<std::string> visible = files(base_, false);
    ASSERT_THAT(visible, SizeIs(1));
    EXPECT_EQ(fs::path(visible[0]).parent_path().string(), expected);
}

TEST_F(FileSinkTest, DateTimeBucketAssignerFormatsPatterns) {
    using Zone = DateTimeBucketAssigner::TimeZone;
    int64_t t = 1'709'315'999'087;  // 2024-03-01T17:59:59.087Z
    EXPECT_EQ(DateTimeBucketAssigner("yyyy/MM/dd/HH-mm-ss.SSS", Zone::UTC).format(t),
              "2024/03/01/17-59-59.087");
    EXPECT_EQ(DateTimeBucketAssigner("yy-M-d 'at' H'h''' S", Zone::UTC).format(t),
              "24-3-1 at 17h' 0");
    EXPECT_EQ(DateTimeBucketAssigner("'dt='yyyyMMdd", Zone::UTC).format(0), "dt=19700101");
    EXPECT_EQ(DateTimeBucketAssigner("yyyy-MM-dd HH:mm:ss.SSS", Zone::UTC).format(-1),
              "1969-12-31 23:59:59.999");
    EXPECT_THROW(DateTimeBucketAssigner("yyyy-MMM"), InvalidProgramException);
    EXPECT_THROW(DateTimeBucketAssigner("hh:mm"), InvalidProgramException);
    EXPECT_THROW(DateTimeBucketAssigner("'open"), InvalidProgramException);
}

TEST_F(FileSinkTest, BasePathBucketAssignerWritesIntoTheBasePath) {
    FileSink<std::string> s = sink();
    auto writer = s.createPrecommittingWriter(subtask(0));
    writer->write("a", kNoTimestamp);
    s.createCommitter(subtask(0))->commit(endOfInput(*writer));
    std::vector<std::string> visible = files(base_, false);
    ASSERT_THAT(visible, SizeIs(1));
    EXPECT_EQ(fs::path(visible[0]).parent_path().string(), "");
}

class FirstLetterAssigner final : public BucketAssigner<std::string> {
public:
    std::string getBucketId(const std::string& v, const BucketAssignerContext& c) const override {
        return "letter=" + v.substr(0, 1) + "/ts=" + std::to_string(c.timestamp);
    }
};

TEST_F(FileSinkTest, BucketAssignerSeesTheRecordAndItsTimestamp) {
    auto s = FileSink<std::string>::forRowFormat(base_)
                 .withBucketAssigner(FirstLetterAssigner())
                 .build();
    auto writer = s.createPrecommittingWriter(subtask(0));
    writer->write("apple", 7);
    writer->write("avocado", 7);
    writer->write("banana", 8);
    s.createCommitter(subtask(0))->commit(endOfInput(*writer));
    EXPECT_THAT(visibleContents(base_ + "/letter=a/ts=7"), ElementsAre("apple\navocado\n"));
    EXPECT_THAT(visibleContents(base_ + "/letter=b/ts=8"), ElementsAre("banana\n"));
}

TEST_F(FileSinkTest, BadBucketIdFailsNamingIt) {
    auto s = FileSink<std::string>::forRowFormat(base_)
                 .withBucketAssigner(
                     [](const std::string& v, const BucketAssignerContext&) { return v; })
                 .build();
    auto writer = s.createPrecommittingWriter(subtask(0));
    for (std::string id : {"../escape", "/abs", "a/./b", "a//b"}) {
        try {
            writer->write(id, kNoTimestamp);
            ADD_FAILURE() << "expected an exception for " << id;
        } catch (const Exception& e) {
            EXPECT_THAT(e.what(), HasSubstr("'" + id + "'"));
        }
    }
    EXPECT_FALSE(fs::exists(dir_ / "escape"));
}

// ---- errors and readers ------------------------------------------------------------------------

TEST_F(FileSinkTest, UnwritableBasePathFailsNamingThePath) {
    std::ofstream(dir_ / "blocker") << "a file, not a directory";
    std::string base = (dir_ / "blocker" / "out").string();
    auto s = FileSink<std::string>::forRowFormat(base).build();
    try {
        s.createPrecommittingWriter(subtask(0));
        FAIL() << "expected an exception";
    } catch (const Exception& e) {
        EXPECT_THAT(e.what(), HasSubstr("'" + base + "'"));
        EXPECT_THAT(e.what(), HasSubstr("Not a directory"));
    }
}

TEST_F(FileSinkTest, UnwritableBucketDirectoryFailsNamingIt) {
    if (::geteuid() == 0) GTEST_SKIP() << "root writes into read-only directories";
    fs::create_directories(base_);
    fs::permissions(base_, fs::perms::owner_read | fs::perms::owner_exec);
    auto s = FileSink<std::string>::forRowFormat(base_)
                 .withBucketAssigner(BasePathBucketAssigner())
                 .build();
    auto writer = s.createPrecommittingWriter(subtask(0));
    try {
        writer->write("a", kNoTimestamp);
        ADD_FAILURE() << "expected an exception";
    } catch (const Exception& e) {
        EXPECT_THAT(e.what(), HasSubstr(base_));
        EXPECT_THAT(e.what(), HasSubstr("Permission denied"));
    }
    fs::permissions(base_, fs::perms::owner_all);
}

TEST_F(FileSinkTest, ReadTextFileReadsOnlyCommittedFiles) {
    FileSink<std::string> s = sink(maxPartSize(10));
    auto writer = s.createPrecommittingWriter(subtask(0));
    writeAll(*writer, records(0, 7));
    Checkpoint cp1 = checkpoint(*writer, 1);
    s.createCommitter(subtask(0))->commit(cp1.committables);
    writeAll(*writer, records(7, 11));  // one more pending file and one in progress
    writer->flush(false);
    EXPECT_THAT(files(base_, true), SizeIs(2)) << "the file of cp1, now rolled, and a new one";
    EXPECT_EQ(readTextFile(base_), records(0, 6));
}

}  // namespace
}  // namespace weir
