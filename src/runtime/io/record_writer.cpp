#include "weir/runtime/record_writer.h"

#include "runtime/io/result_partition.h"
#include "weir/runtime/partitioner.h"

namespace weir {

int32_t RecordWriter::numberOfChannels() const {
    return partition_->numSubpartitions();
}

RecordWriter::RecordWriter(ResultPartition* partition)
    : partition_(partition), cursors_(partition->cursors()) {}

void RecordWriter::emitThroughPartition(int32_t channel) {
    partition_->emit(channel, scratch_.data(), scratch_.size());
}

void RecordWriter::emitThroughPartition(int32_t channel, const uint8_t* element, size_t size) {
    partition_->emit(channel, element, size);
}

void RecordWriter::broadcastEmit() {
    partition_->broadcast(scratch_.data(), scratch_.size());
}

void RecordWriter::broadcastWatermark(int64_t watermark) {
    uint8_t element[9];
    element[0] = static_cast<uint8_t>(ElementTag::kWatermark);
    std::memcpy(element + 1, &watermark, 8);
    partition_->broadcast(element, sizeof element);
}

void RecordWriter::broadcastWatermarkStatus(bool idle) {
    uint8_t element[2] = {static_cast<uint8_t>(ElementTag::kWatermarkStatus),
                          static_cast<uint8_t>(idle ? 1 : 0)};
    partition_->broadcast(element, sizeof element);
}

const char* partitionerName(PartitionerKind kind) {
    switch (kind) {
        case PartitionerKind::FORWARD:
            return "FORWARD";
        case PartitionerKind::REBALANCE:
            return "REBALANCE";
        case PartitionerKind::RESCALE:
            return "RESCALE";
        case PartitionerKind::SHUFFLE:
            return "SHUFFLE";
        case PartitionerKind::HASH:
            return "HASH";
        case PartitionerKind::BROADCAST:
            return "BROADCAST";
        case PartitionerKind::GLOBAL:
            return "GLOBAL";
    }
    return "?";
}

}  // namespace weir
