#include "runtime/checkpoint/state_assignment.h"

#include <algorithm>
#include <map>

#include "runtime/checkpoint/checkpoint_metadata.h"
#include "runtime/checkpoint/checkpoint_storage.h"
#include "weir/core/exceptions.h"
#include "weir/core/serializer.h"

namespace weir {

OperatorRestore assignOperatorState(const CompletedCheckpoint& checkpoint,
                                    const std::string& operatorId, int32_t subtaskIndex,
                                    int32_t parallelism, int32_t maxParallelism,
                                    const KeyGroupRange& range) {
    OperatorRestore out;
    auto it = checkpoint.operators.find(operatorId);
    if (it == checkpoint.operators.end()) return out;
    const OperatorState& op = it->second;
    out.hasState = true;
    const std::string& base = checkpoint.externalPath;

    // Recorded types: every old subtask ran the same program, so they agree; subtasks without
    // keys of some state simply do not list it.
    for (const auto& [index, st] : op.subtasks) {
        if (out.keyedTypes.keyType.empty()) out.keyedTypes.keyType = st.keyedTypes.keyType;
        for (const auto& [name, type] : st.keyedTypes.states)
            out.keyedTypes.states.emplace(name, type);
    }

    // Incremental RocksDB state: the old instances that had some of our key groups.
    for (const auto& [index, st] : op.subtasks) {
        if (!st.incrementalKeyed) continue;
        if (op.maxParallelism != maxParallelism)
            throw StateMigrationException(
                "operator " + operatorId + " was checkpointed with max parallelism " +
                std::to_string(op.maxParallelism) + " but runs with " +
                std::to_string(maxParallelism) +
                "; keyed state restores only with the same max parallelism");
        const auto& inc = *st.incrementalKeyed;
        if (std::max(inc.range.start, range.start) < std::min(inc.range.end, range.end))
            out.incremental.push_back({inc, base});
    }

    // Keyed state: the sections of our key groups, from every old subtask that owned some.
    for (const auto& [index, st] : op.subtasks) {
        if (!st.keyed) continue;
        if (op.maxParallelism != maxParallelism)
            throw StateMigrationException(
                "operator " + operatorId + " was checkpointed with max parallelism " +
                std::to_string(op.maxParallelism) + " but runs with " +
                std::to_string(maxParallelism) +
                "; keyed state restores only with the same max parallelism (set "
                "pipeline.max-parallelism or setMaxParallelism)");
        const KeyedStateHandle& k = *st.keyed;
        int32_t from = std::max(k.range.start, range.start);
        int32_t to = std::min(k.range.end, range.end);
        if (from >= to) continue;
        auto blob = std::make_shared<const std::string>(readStateHandle(k.data, base));
        for (int32_t kg = from; kg < to; ++kg) {
            size_t i = static_cast<size_t>(kg - k.range.start);
            uint64_t begin = k.offsets[i], end = k.offsets[i + 1];
            if (begin > end || end > blob->size())
                throw CheckpointException("corrupt keyed state of operator " + operatorId +
                                          ": key group " + std::to_string(kg) +
                                          " lies outside its file");
            out.keyGroups.push_back({kg, std::string_view(*blob).substr(begin, end - begin)});
        }
        out.blobs.push_back(std::move(blob));
    }

    // In-flight data of an unaligned checkpoint: only where it was (same parallelism).
    for (const auto& [index, st] : op.subtasks) {
        if (!st.inputChannelState && !st.resultSubpartitionState) continue;
        if (op.parallelism != parallelism)
            throw StateMigrationException(
                "operator " + operatorId +
                " has in-flight data from an unaligned checkpoint at "
                "parallelism " +
                std::to_string(op.parallelism) +
                ", which restores only at that parallelism; to rescale, restore from a "
                "savepoint (savepoints are always aligned)");
        if (index != subtaskIndex) continue;
        if (st.resultSubpartitionState) {
            std::string bytes = readStateHandle(*st.resultSubpartitionState, base);
            try {
                out.resultSubpartitionState =
                    deserializeFromString<std::vector<ResultSubpartitionState>>(bytes);
            } catch (const SerializationException& e) {
                throw CheckpointException("corrupt in-flight output data of operator " +
                                          operatorId + " subtask " + std::to_string(index) + ": " +
                                          e.what());
            }
        }
        if (!st.inputChannelState) continue;
        std::string bytes = readStateHandle(*st.inputChannelState, base);
        try {
            out.inputChannelState =
                deserializeFromString<std::vector<std::pair<int32_t, std::string>>>(bytes);
        } catch (const SerializationException& e) {
            throw CheckpointException("corrupt in-flight data of operator " + operatorId +
                                      " subtask " + std::to_string(index) + ": " + e.what());
        }
    }

    // Operator state, by name, from every old subtask in order.
    std::map<std::string, std::vector<std::pair<int32_t, OperatorStateEntry>>> byName;
    for (const auto& [index, st] : op.subtasks) {
        if (!st.operatorState) continue;
        std::string bytes = readStateHandle(*st.operatorState, base);
        std::vector<OperatorStateEntry> entries;
        try {
            entries = decodeOperatorState(bytes);
        } catch (const SerializationException& e) {
            throw CheckpointException("corrupt operator state of operator " + operatorId +
                                      " subtask " + std::to_string(index) + ": " + e.what());
        }
        for (auto& e : entries) byName[e.name].emplace_back(index, std::move(e));
    }
    bool sameParallelism = op.parallelism == parallelism;
    for (auto& [name, parts] : byName) {
        OperatorStateEntry merged{
            name, parts.front().second.mode, {}, parts.front().second.typeIdentity};
        switch (merged.mode) {
            case OperatorStateMode::kBroadcast:
                merged.elements = parts.front().second.elements;
                break;
            case OperatorStateMode::kUnion:
                for (auto& [index, e] : parts)
                    for (auto& el : e.elements) merged.elements.push_back(el);
                break;
            case OperatorStateMode::kSplitDistribute:
                if (sameParallelism) {
                    for (auto& [index, e] : parts)
                        if (index == subtaskIndex) merged.elements = e.elements;
                } else {
                    std::vector<std::string*> all;
                    for (auto& [index, e] : parts)
                        for (auto& el : e.elements) all.push_back(&el);
                    size_t n = all.size(), p = static_cast<size_t>(parallelism);
                    size_t begin = n * static_cast<size_t>(subtaskIndex) / p;
                    size_t end = n * static_cast<size_t>(subtaskIndex + 1) / p;
                    for (size_t i = begin; i < end; ++i) merged.elements.push_back(*all[i]);
                }
                break;
        }
        out.operatorState.push_back(std::move(merged));
    }
    return out;
}

}  // namespace weir
