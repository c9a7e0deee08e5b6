#pragma once
// The concrete outputs an operator chain is wired with (see output.h).

#include <random>
#include <string>
#include <vector>

#include "weir/core/key_groups.h"
#include "weir/core/serializer.h"
#include "weir/runtime/operator_exception.h"
#include "weir/runtime/output.h"
#include "weir/runtime/partitioner.h"
#include "weir/runtime/record_writer.h"
#include "weir/runtime/stream_operator.h"

namespace weir {

/// Hands records to the next operator of the chain by a direct call.
template <class T>
class ChainingOutput final : public Output<T> {
public:
    explicit ChainingOutput(StreamOperator* next) : nextOperator_(next) {
        next_ = dynamic_cast<Input<T>*>(next->input(0));
        WEIR_CHECK(next_ != nullptr) << "chained operator '" << next->setupInfo().operatorName
                                     << "' does not take " << Serializer<T>::name();
    }
    void collect(const T& value, int64_t timestamp) override {
        try {
            next_->processElement(value, timestamp);
        } catch (const OperatorException&) {
            throw;
        } catch (const std::exception& e) {
            throw OperatorException(nextOperator_->setupInfo().operatorName, e.what());
        } catch (...) {
            throw OperatorException(nextOperator_->setupInfo().operatorName,
                                    "unknown exception (not derived from std::exception)");
        }
    }
    void collectSide(const std::string& tagId, const void* value, int64_t timestamp) override {
        if (!this->sideTag().empty() && tagId == this->sideTag())
            collect(*static_cast<const T*>(value), timestamp);
    }
    void emitWatermark(int64_t watermark) override {
        runAttributed(nextOperator_->setupInfo().operatorName,
                      [&] { nextOperator_->processWatermark(watermark, 0); });
    }
    void emitWatermarkStatus(bool idle) override { nextOperator_->processWatermarkStatus(idle, 0); }

private:
    StreamOperator* nextOperator_;
    Input<T>* next_;
};

/// Serializes records into a result partition, choosing channels with the edge's partitioner.
template <class T>
class RecordWriterOutput final : public Output<T> {
public:
    RecordWriterOutput(RecordWriter* writer, PartitionerSpec spec, int32_t subtaskIndex,
                       int32_t consumerMaxParallelism)
        : writer_(writer),
          kind_(spec.kind),
          channels_(writer->numberOfChannels()),
          maxParallelism_(consumerMaxParallelism),
          random_(static_cast<uint32_t>(subtaskIndex) * 7919u + 17u) {
        if (kind_ == PartitionerKind::HASH) {
            keyGroups_ = dynamic_cast<const KeyGroupSelector<T>*>(spec.keyGroupSelector.get());
            WEIR_CHECK(keyGroups_ != nullptr)
                << "keyBy selector does not take " << Serializer<T>::name();
            keepAlive_ = spec.keyGroupSelector;
        }
        // Rebalancing starts at a different channel in each producer so that they do not all
        // pile onto channel 0.
        next_ =
            channels_ > 0 ? static_cast<int32_t>(random_() % static_cast<uint32_t>(channels_)) : 0;
    }

    void collect(const T& value, int64_t timestamp) override {
        if constexpr (FixedSerializedSize<T>::value > 0) {
            // Fixed-size records are put together on the stack and copied into the channel's
            // buffer with moves of a known size.
            if (kind_ != PartitionerKind::BROADCAST) {
                int32_t channel = nextChannel(value);
                if (timestamp != kNoTimestamp)
                    emitFixedRecord<true>(value, timestamp, channel);
                else
                    emitFixedRecord<false>(value, timestamp, channel);
                return;
            }
        }
        ByteWriter& out = writer_->scratch();
        size_t lengthAt = detail::beginRecord(out, timestamp);
        Serializer<T>::serialize(value, out);
        detail::endRecord(out, lengthAt);
        if (kind_ == PartitionerKind::BROADCAST)
            writer_->broadcastEmit();
        else
            writer_->emit(nextChannel(value));
    }
    void collectSide(const std::string& tagId, const void* value, int64_t timestamp) override {
        if (!this->sideTag().empty() && tagId == this->sideTag())
            collect(*static_cast<const T*>(value), timestamp);
    }
    void emitWatermark(int64_t watermark) override { writer_->broadcastWatermark(watermark); }
    void emitWatermarkStatus(bool idle) override { writer_->broadcastWatermarkStatus(idle); }

private:
    /// The channel of `value` (every partitioner but broadcast).
    int32_t nextChannel(const T& value) {
        switch (kind_) {
            case PartitionerKind::REBALANCE:
            case PartitionerKind::RESCALE: {
                int32_t channel = next_;
                if (++next_ == channels_) next_ = 0;
                return channel;
            }
            case PartitionerKind::SHUFFLE:
                return static_cast<int32_t>(random_() % static_cast<uint32_t>(channels_));
            case PartitionerKind::HASH:
                return keygroups::operatorIndexForKeyGroup(
                    maxParallelism_, channels_, keyGroups_->keyGroupOf(value, maxParallelism_));
            case PartitionerKind::FORWARD:
            case PartitionerKind::GLOBAL:
            case PartitionerKind::BROADCAST:
                break;
        }
        return 0;
    }
    template <bool kWithTime>
    void emitFixedRecord(const T& value, int64_t timestamp, int32_t channel) {
        constexpr uint32_t kPayload = (kWithTime ? 8 : 0) + FixedSerializedSize<T>::value;
        constexpr size_t kTotal = kRecordHeaderSize + kPayload;
        uint8_t element[kTotal];
        element[0] =
            static_cast<uint8_t>(kWithTime ? ElementTag::kRecordWithTime : ElementTag::kRecord);
        std::memcpy(element + 1, &kPayload, 4);
        if constexpr (kWithTime) std::memcpy(element + kRecordHeaderSize, &timestamp, 8);
        writeFixedSerialized(value, element + kTotal - FixedSerializedSize<T>::value);
        writer_->template emitBytes<kTotal>(channel, element);
    }

    RecordWriter* writer_;
    PartitionerKind kind_;
    int32_t channels_;
    int32_t maxParallelism_;
    int32_t next_ = 0;
    std::minstd_rand random_;
    const KeyGroupSelector<T>* keyGroups_ = nullptr;
    std::shared_ptr<const KeyGroupSelectorBase> keepAlive_;
};

/// Fans one operator's output out to several outputs: main records to every main output, side
/// records to the outputs of their tag, watermarks to all.
template <class T>
class BroadcastingOutput final : public Output<T> {
public:
    explicit BroadcastingOutput(std::vector<ElementOutput*> outputs) {
        for (auto* o : outputs) {
            if (o->sideTag().empty())
                main_.push_back(static_cast<Output<T>*>(o));
            else
                side_.push_back(o);
            all_.push_back(o);
        }
    }
    void collect(const T& value, int64_t timestamp) override {
        for (auto* o : main_) o->collect(value, timestamp);
    }
    void collectSide(const std::string& tagId, const void* value, int64_t timestamp) override {
        for (auto* o : side_) o->collectSide(tagId, value, timestamp);
    }
    void emitWatermark(int64_t watermark) override {
        for (auto* o : all_) o->emitWatermark(watermark);
    }
    void emitWatermarkStatus(bool idle) override {
        for (auto* o : all_) o->emitWatermarkStatus(idle);
    }

private:
    std::vector<Output<T>*> main_;
    std::vector<ElementOutput*> side_;
    std::vector<ElementOutput*> all_;
};

}  // namespace weir
