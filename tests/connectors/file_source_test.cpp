#include "weir/connectors/file/text_line_file_source.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "weir/connectors/index_range_splits.h"
#include "weir/core/exceptions.h"

namespace weir {
namespace {

namespace fs = std::filesystem;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

class CollectingOutput final : public ReaderOutput<std::string> {
public:
    void collect(const std::string& value) override { values.push_back(value); }
    void collect(const std::string& value, int64_t) override { values.push_back(value); }
    std::vector<std::string> values;
};

/// The lines subtask `index` of `parallelism` reads, polling until END_OF_INPUT.
std::vector<std::string> readSubtask(const std::string& path, int32_t index, int32_t parallelism) {
    TextLineFileSource source(path);
    SourceReaderContext context;
    context.subtaskIndex = index;
    context.parallelism = parallelism;
    auto reader = source.createReader(context);
    reader->start();
    CollectingOutput out;
    for (int polls = 0;; ++polls) {
        size_t before = out.values.size();
        InputStatus status = reader->pollNext(out);
        EXPECT_LE(out.values.size(), before + kRecordsPerPoll)
            << "pollNext emits at most kRecordsPerPoll lines";
        if (status == InputStatus::END_OF_INPUT) break;
        EXPECT_EQ(status, InputStatus::MORE_AVAILABLE);
        if (polls > 10'000'000) {
            ADD_FAILURE() << "reader did not end";
            break;
        }
    }
    EXPECT_EQ(reader->pollNext(out), InputStatus::END_OF_INPUT) << "end of input is final";
    reader->close();
    return out.values;
}

/// All subtasks' lines, subtask 0 first. Splits are contiguous and ordered, so for one file this
/// is the file's lines in order.
std::vector<std::string> readAll(const std::string& path, int32_t parallelism) {
    std::vector<std::string> all;
    for (int32_t i = 0; i < parallelism; ++i) {
        std::vector<std::string> part = readSubtask(path, i, parallelism);
        all.insert(all.end(), part.begin(), part.end());
    }
    return all;
}

/// What the source must read from `content`: split at '\n', no line after a final '\n', and a
/// '\r' before '\n' dropped.
std::vector<std::string> expectedLines(const std::string& content) {
    std::vector<std::string> lines;
    size_t start = 0;
    while (start < content.size()) {
        size_t nl = content.find('\n', start);
        if (nl == std::string::npos) {
            lines.push_back(content.substr(start));
            break;
        }
        std::string line = content.substr(start, nl - start);
        if (!line.empty() && line.back() == '\r') line.pop_back();
        lines.push_back(line);
        start = nl + 1;
    }
    return lines;
}

class TextLineFileSourceTest : public ::testing::Test {
protected:
    void SetUp() override {
        std::string pattern = (fs::path(::testing::TempDir()) / "weir_file_source_XXXXXX").string();
        ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
        dir_ = pattern;
    }
    void TearDown() override {
        std::error_code ec;
        fs::remove_all(dir_, ec);
    }

    std::string write(const std::string& name, const std::string& content) {
        fs::path p = dir_ / name;
        fs::create_directories(p.parent_path());
        std::ofstream(p, std::ios::binary) << content;
        return p.string();
    }

    fs::path dir_;
};

TEST_F(TextLineFileSourceTest, EveryLineIsReadOnceAcrossSubtasks) {
    std::string content;
    std::mt19937 random(42);
    for (int i = 0; i < 500; ++i) content += std::string(random() % 40, 'a' + i % 26) + "\n";
    std::string path = write("lines.txt", content);
    for (int32_t p = 1; p <= 4; ++p) EXPECT_EQ(readAll(path, p), expectedLines(content)) << p;
    EXPECT_EQ(readAll(path, 13), expectedLines(content));
}

TEST_F(TextLineFileSourceTest, EmitsABatchOfLinesPerPollAndResumesAfterOneExactly) {
    std::string content;
    for (int i = 0; i < 200; ++i) content += "line " + std::to_string(i) + "\n";
    std::string path = write("batch.txt", content);
    TextLineFileSource source(path);
    SourceReaderContext context;
    auto reader = source.createReader(context);
    reader->start();
    CollectingOutput out;
    EXPECT_EQ(reader->pollNext(out), InputStatus::MORE_AVAILABLE);
    ASSERT_EQ(out.values.size(), static_cast<size_t>(kRecordsPerPoll));
    std::vector<std::string> position = reader->snapshotState(1);
    reader->close();

    SourceReaderContext restored;
    restored.restoredSplits = position;
    auto resumed = source.createReader(restored);
    resumed->start();
    while (resumed->pollNext(out) != InputStatus::END_OF_INPUT) {
    }
    EXPECT_EQ(out.values, expectedLines(content));  // nothing skipped, nothing twice
}

TEST_F(TextLineFileSourceTest, MatchesReferenceSplitOnRandomSmallFiles) {
    // Short files over a tiny alphabet put '\n' and '\r' on and around every split point.
    std::mt19937 random(7);
    const char alphabet[] = {'a', 'b', '\n', '\n', '\r'};
    for (int round = 0; round < 300; ++round) {
        std::string content;
        size_t length = random() % 24;
        for (size_t i = 0; i < length; ++i) content += alphabet[random() % sizeof(alphabet)];
        std::string path = write("random.txt", content);
        for (int32_t p = 1; p <= 6; ++p)
            ASSERT_EQ(readAll(path, p), expectedLines(content))
                << "parallelism " << p << ", content '" << content << "'";
    }
}

TEST_F(TextLineFileSourceTest, LinesLongerThanTheReadChunkAndTheSplit) {
    std::string content = std::string(200'000, 'x') + "\nshort\n" + std::string(70'000, 'y') +
                          "\r\n\n" + std::string(65'536, 'z');
    std::string path = write("long.txt", content);
    for (int32_t p = 1; p <= 4; ++p) EXPECT_EQ(readAll(path, p), expectedLines(content)) << p;
    EXPECT_EQ(readAll(path, 64), expectedLines(content));
}

TEST_F(TextLineFileSourceTest, CarriageReturnBeforeNewlineIsDropped) {
    std::string path = write("crlf.txt", "one\r\ntwo\r\nthree\n");
    for (int32_t p = 1; p <= 4; ++p)
        EXPECT_THAT(readAll(path, p), ElementsAre("one", "two", "three"));
}

TEST_F(TextLineFileSourceTest, FinalLineWithoutNewlineIsRead) {
    std::string path = write("tail.txt", "first\nlast");
    for (int32_t p = 1; p <= 4; ++p) EXPECT_THAT(readAll(path, p), ElementsAre("first", "last"));
}

TEST_F(TextLineFileSourceTest, EmptyLinesAreRecords) {
    std::string path = write("empty_lines.txt", "\n\na\n\n");
    for (int32_t p = 1; p <= 4; ++p) EXPECT_THAT(readAll(path, p), ElementsAre("", "", "a", ""));
}

TEST_F(TextLineFileSourceTest, EmptyFileHasNoLines) {
    std::string path = write("empty.txt", "");
    for (int32_t p = 1; p <= 4; ++p) EXPECT_THAT(readAll(path, p), IsEmpty());
}

TEST_F(TextLineFileSourceTest, DirectoryIsReadRecursivelyInPathOrderSkippingHiddenFiles) {
    write("b.txt", "b1\nb2\n");
    write("a/x.txt", "ax1\nax2");
    write("c/d/e.txt", "cde\n");
    write(".hidden", "hidden\n");
    write("_SUCCESS", "success\n");
    write(".staging/f.txt", "staging\n");
    write("_temporary/g.txt", "temporary\n");
    write("c/.part.crc", "crc\n");
    for (int32_t p = 1; p <= 4; ++p) {
        std::vector<std::string> all;
        // Subtask i reads its range of every file, so order across subtasks is not file order.
        for (int32_t i = 0; i < p; ++i) {
            std::vector<std::string> part = readSubtask(dir_.string(), i, p);
            all.insert(all.end(), part.begin(), part.end());
        }
        std::sort(all.begin(), all.end());
        EXPECT_THAT(all, ElementsAre("ax1", "ax2", "b1", "b2", "cde")) << p;
    }
    EXPECT_THAT(readSubtask(dir_.string(), 0, 1), ElementsAre("ax1", "ax2", "b1", "b2", "cde"));
}

TEST_F(TextLineFileSourceTest, EmptyDirectoryHasNoLines) {
    EXPECT_THAT(readAll(dir_.string(), 2), IsEmpty());
}

TEST_F(TextLineFileSourceTest, MissingPathFailsNamingThePath) {
    std::string missing = (dir_ / "no_such_file.txt").string();
    TextLineFileSource source(missing);
    EXPECT_EQ(source.getBoundedness(), Boundedness::BOUNDED);
    try {
        source.createReader(SourceReaderContext{});
        FAIL() << "createReader did not throw";
    } catch (const Exception& e) {
        EXPECT_THAT(e.what(), HasSubstr(missing));
        EXPECT_THAT(e.what(), HasSubstr("No such file or directory"));
    }
}

TEST_F(TextLineFileSourceTest, FileRemovedBeforeReadingFailsNamingThePath) {
    std::string path = write("gone.txt", "x\n");
    TextLineFileSource source(path);
    auto reader = source.createReader(SourceReaderContext{});
    fs::remove(path);
    CollectingOutput out;
    try {
        reader->pollNext(out);
        FAIL() << "pollNext did not throw";
    } catch (const Exception& e) {
        EXPECT_THAT(e.what(), HasSubstr(path));
        EXPECT_THAT(e.what(), HasSubstr("No such file or directory"));
    }
}

TEST_F(TextLineFileSourceTest, UnreadableFileFailsNamingThePath) {
    if (::geteuid() == 0) GTEST_SKIP() << "root reads files without permission";
    std::string path = write("secret.txt", "x\n");
    ::chmod(path.c_str(), 0);
    TextLineFileSource source(path);
    try {
        auto reader = source.createReader(SourceReaderContext{});
        CollectingOutput out;
        reader->pollNext(out);
        FAIL() << "reading an unreadable file did not throw";
    } catch (const Exception& e) {
        EXPECT_THAT(e.what(), HasSubstr(path));
        EXPECT_THAT(e.what(), HasSubstr("Permission denied"));
    }
}

}  // namespace
}  // namespace weir
