// The binary form of _metadata (magic, version, length, xxh3 checksum, payload) and of operator
// state: round trips, and every way a damaged file must be reported as such, naming the file.

#include "runtime/checkpoint/checkpoint_metadata.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>

#include "runtime/checkpoint/checkpoint_storage.h"
#include "../harness/temp_dir.h"
#include "weir/core/exceptions.h"

#define XXH_INLINE_ALL
#include <xxhash.h>

namespace weir {
namespace {

namespace fs = std::filesystem;

constexpr size_t kHeaderSize = 8 + 4 + 8 + 8;  // magic, version, length, checksum

/// A fresh directory under the system temp directory, removed with everything in it.
using testing::TempDir;

void writeFile(const std::string& path, const std::string& bytes) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

KeyedStateHandle keyedHandle(KeyGroupRange range, StreamStateHandle data) {
    KeyedStateHandle k;
    k.range = range;
    for (int32_t i = 0; i <= range.size(); ++i) k.offsets.push_back(static_cast<uint64_t>(i * 3));
    k.data = std::move(data);
    return k;
}

StreamStateHandle inlineHandle(std::string bytes) {
    StreamStateHandle h;
    h.size = bytes.size();
    h.inlineData = std::move(bytes);
    return h;
}

StreamStateHandle fileHandle(std::string path, uint64_t size) {
    StreamStateHandle h;
    h.path = std::move(path);
    h.size = size;
    return h;
}

/// A checkpoint with every kind of field set: two operators, keyed state inline and in a file,
/// operator state, a finished subtask, a subtask without state.
CompletedCheckpoint sampleCheckpoint() {
    CompletedCheckpoint c;
    c.jobId = "3f2a9c0d1e";
    c.checkpointId = 42;
    c.timestamp = 1'700'000'000'123;
    c.type = CheckpointType::kSavepoint;
    c.stateSize = 123456;
    c.externalPath = "/not/encoded";

    OperatorState& map = c.operators["map-1"];
    map.parallelism = 2;
    map.maxParallelism = 128;
    map.subtasks[0].keyed = keyedHandle({0, 64}, fileHandle("map-1-0-keyed-abc", 192));
    map.subtasks[0].operatorState = inlineHandle(std::string("op\0state", 8));
    map.subtasks[1].keyed = keyedHandle({64, 128}, inlineHandle(std::string(192, 'k')));
    map.subtasks[1].finished = true;
    map.subtasks[1].inputChannelState = inlineHandle("in-flight");
    IncrementalKeyedStateHandle inc;
    inc.range = {0, 64};
    inc.sharedFiles = {{"000012.sst", fileHandle("../shared/map-0-000012.sst-1", 4096)},
                       {"000015.sst", fileHandle("../shared/map-0-000015.sst-2", 512)}};
    inc.privateFiles = {{"CURRENT", fileHandle("map-0-CURRENT-3", 16)}};
    map.subtasks[0].incrementalKeyed = inc;
    map.subtasks[0].keyedTypes = {"Trade{id:int64,symbol:string}",
                                  {{"sum", "value<int64>"}, {"_timers/t", "timers<TimeWindow>"}}};
    map.subtasks[1].keyedTypes = {"Trade{id:int64,symbol:string}", {{"sum", "value<int64>"}}};

    OperatorState& sink = c.operators["sink-2"];
    sink.parallelism = 3;
    sink.maxParallelism = 256;
    sink.subtasks[0].operatorState = fileHandle("/abs/path/sink-op", 77);
    sink.subtasks[2];  // acknowledged without state
    return c;
}

void expectSameHandle(const StreamStateHandle& a, const StreamStateHandle& b) {
    EXPECT_EQ(a.inlineData, b.inlineData);
    EXPECT_EQ(a.path, b.path);
    EXPECT_EQ(a.size, b.size);
}

void expectSameCheckpoint(const CompletedCheckpoint& a, const CompletedCheckpoint& b) {
    EXPECT_EQ(a.jobId, b.jobId);
    EXPECT_EQ(a.checkpointId, b.checkpointId);
    EXPECT_EQ(a.timestamp, b.timestamp);
    EXPECT_EQ(a.type, b.type);
    EXPECT_EQ(a.stateSize, b.stateSize);
    ASSERT_EQ(a.operators.size(), b.operators.size());
    for (const auto& [id, op] : a.operators) {
        SCOPED_TRACE(id);
        ASSERT_TRUE(b.operators.count(id));
        const OperatorState& other = b.operators.at(id);
        EXPECT_EQ(op.parallelism, other.parallelism);
        EXPECT_EQ(op.maxParallelism, other.maxParallelism);
        ASSERT_EQ(op.subtasks.size(), other.subtasks.size());
        for (const auto& [index, st] : op.subtasks) {
            SCOPED_TRACE(index);
            ASSERT_TRUE(other.subtasks.count(index));
            const OperatorSubtaskState& o = other.subtasks.at(index);
            EXPECT_EQ(st.finished, o.finished);
            EXPECT_EQ(st.keyedTypes, o.keyedTypes);
            ASSERT_EQ(st.keyed.has_value(), o.keyed.has_value());
            if (st.keyed) {
                EXPECT_EQ(st.keyed->range, o.keyed->range);
                EXPECT_EQ(st.keyed->offsets, o.keyed->offsets);
                expectSameHandle(st.keyed->data, o.keyed->data);
            }
            ASSERT_EQ(st.operatorState.has_value(), o.operatorState.has_value());
            if (st.operatorState) expectSameHandle(*st.operatorState, *o.operatorState);
            ASSERT_EQ(st.inputChannelState.has_value(), o.inputChannelState.has_value());
            if (st.inputChannelState) expectSameHandle(*st.inputChannelState, *o.inputChannelState);
            ASSERT_EQ(st.incrementalKeyed.has_value(), o.incrementalKeyed.has_value());
            if (st.incrementalKeyed) {
                EXPECT_EQ(st.incrementalKeyed->range, o.incrementalKeyed->range);
                for (auto files : {&IncrementalKeyedStateHandle::sharedFiles,
                                   &IncrementalKeyedStateHandle::privateFiles}) {
                    const auto& x = (*st.incrementalKeyed).*files;
                    const auto& y = (*o.incrementalKeyed).*files;
                    ASSERT_EQ(x.size(), y.size());
                    for (size_t i = 0; i < x.size(); ++i) {
                        EXPECT_EQ(x[i].first, y[i].first);
                        expectSameHandle(x[i].second, y[i].second);
                    }
                }
            }
        }
    }
}

/// Re-frames `payload` with a correct header (length and checksum), as a writer would.
std::string frame(const std::string& payload, uint32_t version = 3) {
    std::string out("WEIRCKPT", 8);
    uint64_t length = payload.size();
    uint64_t checksum = XXH3_64bits(payload.data(), payload.size());
    out.append(reinterpret_cast<const char*>(&version), 4);
    out.append(reinterpret_cast<const char*>(&length), 8);
    out.append(reinterpret_cast<const char*>(&checksum), 8);
    return out + payload;
}

// ---- _metadata ------------------------------------------------------------------------------

TEST(CheckpointMetadata, RoundTripKeepsEveryField) {
    CompletedCheckpoint c = sampleCheckpoint();
    std::string bytes = encodeMetadata(c);
    CompletedCheckpoint back = decodeMetadata(bytes, "mem");
    expectSameCheckpoint(c, back);
    // The location is not part of the file: the loader sets it from where the file was found.
    EXPECT_TRUE(back.externalPath.empty());
}

TEST(CheckpointMetadata, EmptyCheckpointRoundTrips) {
    CompletedCheckpoint c;
    c.jobId = "j";
    c.checkpointId = 1;
    CompletedCheckpoint back = decodeMetadata(encodeMetadata(c), "mem");
    expectSameCheckpoint(c, back);
    EXPECT_EQ(back.type, CheckpointType::kCheckpoint);
}

TEST(CheckpointMetadata, HeaderHasMagicVersionLengthAndChecksum) {
    std::string bytes = encodeMetadata(sampleCheckpoint());
    ASSERT_GT(bytes.size(), kHeaderSize);
    EXPECT_EQ(bytes.substr(0, 8), "WEIRCKPT");
    uint32_t version;
    uint64_t length, checksum;
    std::memcpy(&version, bytes.data() + 8, 4);
    std::memcpy(&length, bytes.data() + 12, 8);
    std::memcpy(&checksum, bytes.data() + 20, 8);
    EXPECT_EQ(version, 3u);
    EXPECT_EQ(length, bytes.size() - kHeaderSize);
    EXPECT_EQ(checksum, XXH3_64bits(bytes.data() + kHeaderSize, length));
}

// The exact bytes of a small checkpoint. If this test fails, the format changed: bump the
// version in checkpoint_metadata.cpp (older files must then be refused as another version, not
// misread) and update the bytes here.
CompletedCheckpoint smallCheckpoint() {
    CompletedCheckpoint c;
    c.jobId = "j";
    c.checkpointId = 2;
    c.timestamp = 3;
    c.stateSize = 1;
    OperatorState& op = c.operators["o"];
    op.parallelism = 1;
    op.maxParallelism = 128;
    op.subtasks[0].operatorState = inlineHandle("x");
    op.subtasks[0].keyedTypes.keyType = "int64";
    op.subtasks[0].keyedTypes.states["s"] = "value<string>";
    return c;
}

// The payload of smallCheckpoint() in version 2 (before in-flight output data was recorded).
const char* const kSmallCheckpointVersion2 =
    "016a" "0200000000000000" "0300000000000000" "00" "01" "01" "016f" "0100000080000000" "01"
    "00000000" "00" "00" "05696e743634" "01" "0173" "0d76616c75653c737472696e673e" "0100017801"
    "00" "00";

TEST(CheckpointMetadata, SmallCheckpointHasThisExactEncodingInVersion3) {
    std::string bytes = encodeMetadata(smallCheckpoint());
    std::string hex;
    for (size_t i = kHeaderSize; i < bytes.size(); ++i) {
        char buf[3];
        std::snprintf(buf, sizeof buf, "%02x", static_cast<unsigned char>(bytes[i]));
        hex += buf;
    }
    EXPECT_EQ(hex,
              "016a"                          // job id "j"
              "0200000000000000"              // checkpoint id
              "0300000000000000"              // timestamp
              "00"                            // type: checkpoint
              "01"                            // state size
              "01"                            // one operator
              "016f"                          // "o"
              "0100000080000000"              // parallelism 1, max parallelism 128
              "01"                            // one subtask
              "00000000"                      // subtask 0
              "00"                            // not finished
              "00"                            // no keyed state
              "05696e743634"                  // key type "int64"
              "01"                            // one keyed state type
              "0173"                          // "s"
              "0d76616c75653c737472696e673e"  // "value<string>"
              "0100017801"                    // operator state: no path, inline "x", size 1
              "00"                            // no in-flight input data
              "00"                            // no in-flight output data (new in version 3)
              "00");                          // no incremental RocksDB state
    EXPECT_EQ(bytes.substr(8, 4), std::string("\x03\0\0\0", 4));
}

TEST(CheckpointMetadata, VersionTwoIsStillRead) {
    std::string payload;
    for (const char* p = kSmallCheckpointVersion2; *p; p += 2)
        payload.push_back(static_cast<char>(std::stoi(std::string(p, 2), nullptr, 16)));
    CompletedCheckpoint c = decodeMetadata(frame(payload, 2), "v2");
    EXPECT_EQ(encodeMetadata(c), encodeMetadata(smallCheckpoint()));
}

TEST(CheckpointMetadata, EncodingIsDeterministic) {
    EXPECT_EQ(encodeMetadata(sampleCheckpoint()), encodeMetadata(sampleCheckpoint()));
}

/// Each corrupt form of _metadata, written to disk and loaded: a CheckpointException whose
/// message names the file and says what is wrong.
struct CorruptMetadata : ::testing::Test {
    TempDir dir;
    std::string file = dir.path + "/_metadata";
    std::string good = encodeMetadata(sampleCheckpoint());

    /// Loads the directory with `bytes` as its _metadata and returns the exception's message.
    std::string loadFailure(const std::string& bytes) {
        writeFile(file, bytes);
        try {
            loadCompletedCheckpoint(dir.path);
        } catch (const CheckpointException& e) {
            return e.what();
        }
        ADD_FAILURE() << "loading corrupt metadata did not throw CheckpointException";
        return "";
    }
};

TEST_F(CorruptMetadata, EmptyFile) {
    std::string message = loadFailure("");
    EXPECT_NE(message.find(file), std::string::npos) << message;
    EXPECT_NE(message.find("empty"), std::string::npos) << message;
}

TEST_F(CorruptMetadata, WrongMagic) {
    std::string bytes = good;
    bytes[0] = 'X';
    std::string message = loadFailure(bytes);
    EXPECT_NE(message.find(file), std::string::npos) << message;
    EXPECT_NE(message.find("not a Weir checkpoint metadata file"), std::string::npos) << message;
}

TEST_F(CorruptMetadata, NotMetadataAtAll) {
    std::string message = loadFailure("{\"some\": \"json\", \"that is\": \"long enough\"}");
    EXPECT_NE(message.find(file), std::string::npos) << message;
    EXPECT_NE(message.find("not a Weir checkpoint metadata file"), std::string::npos) << message;
}

TEST_F(CorruptMetadata, TruncatedPayload) {
    std::string message = loadFailure(good.substr(0, good.size() - 5));
    EXPECT_NE(message.find(file), std::string::npos) << message;
    EXPECT_NE(message.find("truncated"), std::string::npos) << message;
}

TEST_F(CorruptMetadata, TruncatedHeader) {
    std::string message = loadFailure(good.substr(0, kHeaderSize - 3));
    EXPECT_NE(message.find(file), std::string::npos) << message;
}

TEST_F(CorruptMetadata, FlippedPayloadByteFailsTheChecksum) {
    for (size_t at : {kHeaderSize, kHeaderSize + 7, good.size() / 2, good.size() - 1}) {
        SCOPED_TRACE(at);
        std::string bytes = good;
        bytes[at] = static_cast<char>(bytes[at] ^ 0x01);
        std::string message = loadFailure(bytes);
        EXPECT_NE(message.find(file), std::string::npos) << message;
        EXPECT_NE(message.find("checksum"), std::string::npos) << message;
    }
}

TEST_F(CorruptMetadata, FlippedChecksumByte) {
    std::string bytes = good;
    bytes[20] = static_cast<char>(bytes[20] ^ 0x80);
    std::string message = loadFailure(bytes);
    EXPECT_NE(message.find(file), std::string::npos) << message;
    EXPECT_NE(message.find("checksum"), std::string::npos) << message;
}

TEST_F(CorruptMetadata, OtherFormatVersion) {
    std::string bytes = good;
    uint32_t version = 4;
    std::memcpy(bytes.data() + 8, &version, 4);
    std::string message = loadFailure(bytes);
    EXPECT_NE(message.find(file), std::string::npos) << message;
    EXPECT_NE(message.find("version 4"), std::string::npos) << message;
}

TEST_F(CorruptMetadata, VersionOneWithoutStateTypesIsRefusedWithTheReason) {
    std::string bytes = good;
    uint32_t version = 1;
    std::memcpy(bytes.data() + 8, &version, 4);
    std::string message = loadFailure(bytes);
    EXPECT_NE(message.find(file), std::string::npos) << message;
    EXPECT_NE(message.find("format version 1"), std::string::npos) << message;
    EXPECT_NE(message.find("state types"), std::string::npos) << message;
}

TEST_F(CorruptMetadata, TrailingBytesAfterTheFile) {
    std::string message = loadFailure(good + "xyz");
    EXPECT_NE(message.find(file), std::string::npos) << message;
}

TEST_F(CorruptMetadata, TrailingBytesInsideAChecksummedPayload) {
    std::string payload = good.substr(kHeaderSize) + "!";
    std::string message = loadFailure(frame(payload));
    EXPECT_NE(message.find(file), std::string::npos) << message;
    EXPECT_NE(message.find("trailing"), std::string::npos) << message;
}

TEST_F(CorruptMetadata, TruncatedButChecksummedPayload) {
    std::string payload = good.substr(kHeaderSize);
    std::string message = loadFailure(frame(payload.substr(0, payload.size() - 4)));
    EXPECT_NE(message.find(file), std::string::npos) << message;
}

TEST_F(CorruptMetadata, UnknownCheckpointType) {
    CompletedCheckpoint c = sampleCheckpoint();
    c.type = static_cast<CheckpointType>(7);
    std::string message = loadFailure(encodeMetadata(c));
    EXPECT_NE(message.find(file), std::string::npos) << message;
    EXPECT_NE(message.find("unknown checkpoint type 7"), std::string::npos) << message;
}

TEST_F(CorruptMetadata, InconsistentKeyGroupIndex) {
    CompletedCheckpoint c = sampleCheckpoint();
    c.operators["map-1"].subtasks[0].keyed->offsets.pop_back();
    std::string message = loadFailure(encodeMetadata(c));
    EXPECT_NE(message.find(file), std::string::npos) << message;
    EXPECT_NE(message.find("map-1"), std::string::npos) << message;
}

TEST(CheckpointMetadata, DecodeNamesTheSourceItWasGiven) {
    try {
        decodeMetadata("", "s3://bucket/chk-9/_metadata");
        FAIL() << "no exception";
    } catch (const CheckpointException& e) {
        EXPECT_NE(std::string(e.what()).find("s3://bucket/chk-9/_metadata"), std::string::npos)
            << e.what();
    }
}

// ---- operator state -------------------------------------------------------------------------

TEST(OperatorStateCodec, RoundTripKeepsNamesModesAndElements) {
    std::vector<OperatorStateEntry> entries = {
        {"list:offsets",
         OperatorStateMode::kSplitDistribute,
         {"a", std::string("\0b", 2), ""},
         "int64"},
        {"union:watermarks", OperatorStateMode::kUnion, {"1", "2"}},
        {"broadcast:rules", OperatorStateMode::kBroadcast, {std::string(100000, 'r')}},
        {"list:empty", OperatorStateMode::kSplitDistribute, {}},
    };
    auto back = decodeOperatorState(encodeOperatorState(entries));
    ASSERT_EQ(back.size(), entries.size());
    for (size_t i = 0; i < entries.size(); ++i) {
        EXPECT_EQ(back[i].name, entries[i].name);
        EXPECT_EQ(back[i].mode, entries[i].mode);
        EXPECT_EQ(back[i].elements, entries[i].elements);
        EXPECT_EQ(back[i].typeIdentity, entries[i].typeIdentity);
    }
}

TEST(OperatorStateCodec, NoEntries) {
    EXPECT_TRUE(decodeOperatorState(encodeOperatorState({})).empty());
}

TEST(OperatorStateCodec, UnknownModeIsASerializationError) {
    std::string bytes = encodeOperatorState({{"x", OperatorStateMode::kUnion, {}}});
    // count(1) name(len 1, 'x') mode
    ASSERT_EQ(bytes[3], static_cast<char>(OperatorStateMode::kUnion));
    bytes[3] = 9;
    EXPECT_THROW(decodeOperatorState(bytes), SerializationException);
}

TEST(OperatorStateCodec, TruncatedOrTrailingBytesAreSerializationErrors) {
    std::string bytes =
        encodeOperatorState({{"list:x", OperatorStateMode::kSplitDistribute, {"abc", "def"}}});
    EXPECT_THROW(decodeOperatorState(bytes.substr(0, bytes.size() - 1)), SerializationException);
    EXPECT_THROW(decodeOperatorState(bytes + "z"), SerializationException);
    EXPECT_THROW(decodeOperatorState(""), SerializationException);
}

TEST(OperatorStateCodec, HugeCountDoesNotAllocateWithoutBound) {
    std::string bytes("\xff\xff\xff\xff\x0f", 5);  // varint count 2^32-1, nothing follows
    EXPECT_THROW(decodeOperatorState(bytes), SerializationException);
}

}  // namespace
}  // namespace weir

namespace weir {
namespace {

// Found by checkpoint_fuzzer: a key group range whose size overflows an int was decoded.
TEST(CheckpointMetadata, KeyGroupRangesOutsideTheValidKeyGroupsAreRejected) {
    for (KeyGroupRange bad :
         {KeyGroupRange{-2130705919, 386007298}, KeyGroupRange{5, 2}, KeyGroupRange{0, 40000}}) {
        CompletedCheckpoint c;
        KeyedStateHandle k;
        k.range = bad;
        c.operators["o"].subtasks[0].keyed = k;
        EXPECT_THROW(decodeMetadata(encodeMetadata(c), "x/_metadata"), CheckpointException);
    }
}

}  // namespace
}  // namespace weir
