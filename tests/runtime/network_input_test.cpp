#include "weir/runtime/network_input.h"

#include <gtest/gtest.h>

#include "capture_operator.h"
#include "weir/runtime/record_writer.h"

namespace weir {
namespace {

using testing::CaptureOperator;

std::vector<uint8_t> recordBytes(const std::string& value, int64_t ts = kNoTimestamp) {
    ByteWriter w;
    size_t at = detail::beginRecord(w, ts);
    Serializer<std::string>::serialize(value, w);
    detail::endRecord(w, at);
    return w.release();
}

std::vector<uint8_t> watermarkBytes(int64_t wm) {
    std::vector<uint8_t> b(9);
    b[0] = static_cast<uint8_t>(ElementTag::kWatermark);
    std::memcpy(b.data() + 1, &wm, 8);
    return b;
}

TEST(NetworkInput, ReadsRecordsAndTimestampsInOrder) {
    CaptureOperator<std::string> op;
    NetworkInput<std::string> input(&op, 0, 1);
    std::vector<uint8_t> buf;
    for (auto& part : {recordBytes("a"), recordBytes("bb", 42), recordBytes("")})
        buf.insert(buf.end(), part.begin(), part.end());
    input.processBuffer(buf.data(), buf.size(), 0);
    EXPECT_EQ(op.values, (std::vector<std::string>{"a", "bb", ""}));
    EXPECT_EQ(op.timestamps, (std::vector<int64_t>{kNoTimestamp, 42, kNoTimestamp}));
}

TEST(NetworkInput, ReassemblesElementsSpanningBuffersAtEveryCutPoint) {
    std::vector<uint8_t> stream;
    for (auto& part : {recordBytes("hello", 1), watermarkBytes(5),
                       recordBytes(std::string(300, 'x')), recordBytes("z")})
        stream.insert(stream.end(), part.begin(), part.end());
    for (size_t cut1 = 0; cut1 <= stream.size(); ++cut1) {
        for (size_t cut2 = cut1; cut2 <= stream.size(); cut2 += 7) {
            CaptureOperator<std::string> op;
            NetworkInput<std::string> input(&op, 0, 1);
            input.processBuffer(stream.data(), cut1, 0);
            input.processBuffer(stream.data() + cut1, cut2 - cut1, 0);
            input.processBuffer(stream.data() + cut2, stream.size() - cut2, 0);
            ASSERT_EQ(op.values.size(), 3u) << cut1 << "," << cut2;
            EXPECT_EQ(op.values[0], "hello");
            EXPECT_EQ(op.values[1], std::string(300, 'x'));
            EXPECT_EQ(op.values[2], "z");
            EXPECT_EQ(op.watermarks, (std::vector<int64_t>{5}));
        }
    }
}

TEST(NetworkInput, SpanningStateIsPerChannel) {
    CaptureOperator<std::string> op;
    NetworkInput<std::string> input(&op, 0, 2);
    auto a = recordBytes("from-a");
    auto b = recordBytes("from-b");
    input.processBuffer(a.data(), 3, 0);
    input.processBuffer(b.data(), 4, 1);
    input.processBuffer(a.data() + 3, a.size() - 3, 0);
    input.processBuffer(b.data() + 4, b.size() - 4, 1);
    EXPECT_EQ(op.values, (std::vector<std::string>{"from-a", "from-b"}));
}

TEST(NetworkInput, WatermarkIsTheMinimumOverChannelsAndNeverGoesBack) {
    CaptureOperator<std::string> op;
    NetworkInput<std::string> input(&op, 0, 2);
    auto send = [&](int ch, int64_t wm) {
        auto b = watermarkBytes(wm);
        input.processBuffer(b.data(), b.size(), ch);
    };
    send(0, 10);
    EXPECT_TRUE(op.watermarks.empty());  // channel 1 has not said anything yet
    send(1, 5);
    send(1, 20);
    send(0, 8);  // goes back on channel 0: ignored
    send(0, 30);
    EXPECT_EQ(op.watermarks, (std::vector<int64_t>{5, 10, 20}));
}

TEST(NetworkInput, FinishedChannelNoLongerHoldsBackTheWatermark) {
    CaptureOperator<std::string> op;
    NetworkInput<std::string> input(&op, 0, 2);
    auto b = watermarkBytes(100);
    input.processBuffer(b.data(), b.size(), 0);
    EXPECT_FALSE(input.endOfPartition(1));
    EXPECT_EQ(op.watermarks, (std::vector<int64_t>{100}));
    EXPECT_TRUE(input.endOfPartition(0));
}

TEST(NetworkInput, IdleChannelIsExcludedFromTheMinimum) {
    CaptureOperator<std::string> op;
    NetworkInput<std::string> input(&op, 0, 2);
    auto wm = watermarkBytes(50);
    input.processBuffer(wm.data(), wm.size(), 0);
    uint8_t idle[2] = {static_cast<uint8_t>(ElementTag::kWatermarkStatus), 1};
    input.processBuffer(idle, 2, 1);
    EXPECT_EQ(op.watermarks, (std::vector<int64_t>{50}));
    input.processBuffer(idle, 2, 0);
    EXPECT_EQ(op.statuses, (std::vector<bool>{true}));
}

TEST(NetworkInput, WhenEveryChannelIsIdleTheLargestWatermarkIsFlushed) {
    CaptureOperator<std::string> op;
    NetworkInput<std::string> input(&op, 0, 2);
    auto w1 = watermarkBytes(100);
    auto w2 = watermarkBytes(300);
    input.processBuffer(w1.data(), w1.size(), 0);
    input.processBuffer(w2.data(), w2.size(), 1);
    EXPECT_EQ(op.watermarks, (std::vector<int64_t>{100}));
    uint8_t idle[2] = {static_cast<uint8_t>(ElementTag::kWatermarkStatus), 1};
    input.processBuffer(idle, 2, 1);  // channel 1 idle: channel 0 alone holds the minimum
    input.processBuffer(idle, 2, 0);  // all idle: flush the maximum, 300
    EXPECT_EQ(op.watermarks, (std::vector<int64_t>{100, 300}));
    EXPECT_EQ(op.statuses, (std::vector<bool>{true}));
}

TEST(NetworkInput, CorruptTagIsASerializationError) {
    CaptureOperator<std::string> op;
    NetworkInput<std::string> input(&op, 0, 1);
    uint8_t junk[4] = {99, 0, 0, 0};
    EXPECT_THROW(input.processBuffer(junk, 4, 0), SerializationException);
}

TEST(NetworkInput, RecordLengthNearFourGigabytesDoesNotWrapAround) {
    // Found by the fuzzer: header length 0xFFFFFFFF once wrapped to a 4-byte element.
    CaptureOperator<std::string> op;
    NetworkInput<std::string> input(&op, 0, 1);
    uint8_t header[9] = {
        static_cast<uint8_t>(ElementTag::kRecordWithTime), 0xff, 0xff, 0xff, 0xff, 1, 2, 3, 4};
    EXPECT_THROW(input.processBuffer(header, sizeof header, 0),
                 SerializationException);  // over the limit
    EXPECT_TRUE(op.values.empty());
}

TEST(NetworkInput, EndingInsideAnElementIsAnError) {
    CaptureOperator<std::string> op;
    NetworkInput<std::string> input(&op, 0, 1);
    auto a = recordBytes("abc");
    input.processBuffer(a.data(), 4, 0);
    EXPECT_THROW(input.endOfPartition(0), SerializationException);
}

TEST(NetworkInput, RecordWithWrongTypeIsReported) {
    CaptureOperator<int32_t> op;
    NetworkInput<int32_t> input(&op, 0, 1);
    auto a = recordBytes("abcdefgh");  // string payload read as int32: bytes left over
    EXPECT_THROW(input.processBuffer(a.data(), a.size(), 0), SerializationException);
}

}  // namespace
}  // namespace weir
