#pragma once
// Partitioners: which downstream subtask(s) a record goes to.
//
//   FORWARD    to the one subtask it is paired with (same parallelism, pointwise)
//   REBALANCE  round robin over all downstream subtasks
//   RESCALE    round robin over the subtasks of its pointwise group
//   SHUFFLE    uniformly random
//   HASH       by key group: keyBy; the subtask that owns the record's key group
//   BROADCAST  to every downstream subtask
//   GLOBAL     to subtask 0
// The descriptor lives in the graph; RecordWriterOutput<T> turns it into a channel choice.

#include <cstdint>
#include <memory>
#include <string>

namespace weir {

enum class PartitionerKind { FORWARD, REBALANCE, RESCALE, SHUFFLE, HASH, BROADCAST, GLOBAL };

const char* partitionerName(PartitionerKind kind);

/// Pointwise partitioners connect each producer to a subset of consumers.
inline bool isPointwise(PartitionerKind kind) {
    return kind == PartitionerKind::FORWARD || kind == PartitionerKind::RESCALE;
}

class KeyGroupSelectorBase {
public:
    virtual ~KeyGroupSelectorBase() = default;
};

/// Computes a record's key group (keyBy).
template <class T>
class KeyGroupSelector : public KeyGroupSelectorBase {
public:
    virtual int32_t keyGroupOf(const T& value, int32_t maxParallelism) const = 0;
};

struct PartitionerSpec {
    PartitionerKind kind = PartitionerKind::FORWARD;
    /// For HASH: extracts the key group.
    std::shared_ptr<const KeyGroupSelectorBase> keyGroupSelector;
};

}  // namespace weir
