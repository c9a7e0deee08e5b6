#pragma once
// OperatorStateEntry: one named operator state of one subtask as it goes into a snapshot (its
// elements serialized), and how its elements are redistributed on restore.

#include <cstdint>
#include <string>
#include <vector>

namespace weir {

/// How operator state elements are redistributed on restore at another parallelism.
enum class OperatorStateMode : uint8_t {
    /// ListState: the elements of all subtasks are concatenated and split among the new ones.
    kSplitDistribute = 0,
    /// Union ListState: every new subtask gets every element.
    kUnion = 1,
    /// BroadcastState: identical on every subtask; each new subtask gets one copy.
    kBroadcast = 2,
};

struct OperatorStateEntry {
    std::string name;
    OperatorStateMode mode = OperatorStateMode::kSplitDistribute;
    std::vector<std::string> elements;
    /// The identity of the elements' serializer ("Trade{...}", "pair<string,int64>"); empty
    /// when not recorded.
    std::string typeIdentity = {};
};

}  // namespace weir
