// State assignment: which key-group sections and operator state elements each subtask restores,
// at the checkpoint's parallelism and at others.

#include "runtime/checkpoint/state_assignment.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "runtime/checkpoint/checkpoint_metadata.h"
#include "runtime/checkpoint/checkpoint_storage.h"
#include "../harness/temp_dir.h"
#include "weir/core/exceptions.h"
#include "weir/core/key_hash.h"
#include "weir/core/serializer.h"
#include "weir/runtime/state/heap_state.h"

namespace weir {
namespace {

namespace fs = std::filesystem;

using testing::TempDir;

constexpr int32_t kMaxParallelism = 8;

/// Keyed state of a subtask owning `range` whose section of key group g is "<g>:" repeated
/// g % 3 times (so some sections are empty).
KeyedStateHandle syntheticKeyed(KeyGroupRange range) {
    KeyedStateHandle k;
    k.range = range;
    std::string data;
    for (int32_t g = range.start; g < range.end; ++g) {
        k.offsets.push_back(data.size());
        for (int i = 0; i < g % 3; ++i) data += std::to_string(g) + ":";
    }
    k.offsets.push_back(data.size());
    k.data.inlineData = data;
    k.data.size = data.size();
    return k;
}

std::string expectedSection(int32_t g) {
    std::string s;
    for (int i = 0; i < g % 3; ++i) s += std::to_string(g) + ":";
    return s;
}

/// A checkpoint of operator "op" at `parallelism` with synthetic keyed state in every subtask.
CompletedCheckpoint keyedCheckpoint(int32_t parallelism, int32_t maxParallelism = kMaxParallelism) {
    CompletedCheckpoint c;
    c.checkpointId = 1;
    OperatorState& op = c.operators["op"];
    op.parallelism = parallelism;
    op.maxParallelism = maxParallelism;
    for (int32_t i = 0; i < parallelism; ++i)
        op.subtasks[i].keyed =
            syntheticKeyed(keygroups::rangeForOperatorIndex(maxParallelism, parallelism, i));
    return c;
}

OperatorRestore assign(const CompletedCheckpoint& c, int32_t index, int32_t parallelism,
                       int32_t maxParallelism = kMaxParallelism) {
    return assignOperatorState(
        c, "op", index, parallelism, maxParallelism,
        keygroups::rangeForOperatorIndex(maxParallelism, parallelism, index));
}

StreamStateHandle inlineOperatorState(const std::vector<OperatorStateEntry>& entries) {
    StreamStateHandle h;
    h.inlineData = encodeOperatorState(entries);
    h.size = h.inlineData.size();
    return h;
}

/// A checkpoint of "op" whose subtask i has the given operator state entries.
CompletedCheckpoint operatorStateCheckpoint(
    const std::vector<std::vector<OperatorStateEntry>>& perSubtask) {
    CompletedCheckpoint c;
    OperatorState& op = c.operators["op"];
    op.parallelism = static_cast<int32_t>(perSubtask.size());
    op.maxParallelism = 128;
    for (size_t i = 0; i < perSubtask.size(); ++i)
        op.subtasks[static_cast<int32_t>(i)].operatorState = inlineOperatorState(perSubtask[i]);
    return c;
}

const OperatorStateEntry* find(const OperatorRestore& r, const std::string& name) {
    for (const auto& e : r.operatorState)
        if (e.name == name) return &e;
    return nullptr;
}

using Elements = std::vector<std::string>;

// ---- keyed state ------------------------------------------------------------------------------

TEST(StateAssignment, OperatorWithoutStateInTheCheckpointStartsEmpty) {
    CompletedCheckpoint c = keyedCheckpoint(2);
    OperatorRestore r = assignOperatorState(c, "new-operator", 0, 2, kMaxParallelism, {0, 4});
    EXPECT_FALSE(r.hasState);
    EXPECT_TRUE(r.keyGroups.empty());
    EXPECT_TRUE(r.operatorState.empty());
}

TEST(StateAssignment, SameParallelismGetsExactlyItsOwnKeyGroups) {
    CompletedCheckpoint c = keyedCheckpoint(2);
    OperatorRestore r = assign(c, 1, 2);
    EXPECT_TRUE(r.hasState);
    ASSERT_EQ(r.keyGroups.size(), 4u);
    for (size_t i = 0; i < 4; ++i) {
        EXPECT_EQ(r.keyGroups[i].keyGroup, static_cast<int32_t>(4 + i));
        EXPECT_EQ(r.keyGroups[i].bytes, expectedSection(4 + static_cast<int32_t>(i)));
    }
    EXPECT_EQ(r.blobs.size(), 1u);  // only the old subtask 1 was read
}

TEST(StateAssignment, ScaleOutReadsTheSectionsFromEveryOverlappingOldSubtask) {
    CompletedCheckpoint c = keyedCheckpoint(2);  // [0,4) [4,8)
    OperatorRestore r = assign(c, 1, 3);         // [3,6)
    ASSERT_EQ(r.keyGroups.size(), 3u);
    std::map<int32_t, std::string> got;
    for (const auto& s : r.keyGroups) got[s.keyGroup] = std::string(s.bytes);
    EXPECT_EQ(got, (std::map<int32_t, std::string>{
                       {3, expectedSection(3)}, {4, expectedSection(4)}, {5, expectedSection(5)}}));
    EXPECT_EQ(r.blobs.size(), 2u);
}

TEST(StateAssignment, ScaleInMergesTheSectionsOfSeveralOldSubtasks) {
    CompletedCheckpoint c = keyedCheckpoint(3);
    OperatorRestore r = assign(c, 0, 1);
    ASSERT_EQ(r.keyGroups.size(), static_cast<size_t>(kMaxParallelism));
    for (const auto& s : r.keyGroups) EXPECT_EQ(s.bytes, expectedSection(s.keyGroup));
    EXPECT_EQ(r.blobs.size(), 3u);
}

TEST(StateAssignment, EveryKeyGroupGoesToExactlyOneNewSubtaskAtAnyParallelism) {
    for (int32_t oldP = 1; oldP <= kMaxParallelism; ++oldP) {
        CompletedCheckpoint c = keyedCheckpoint(oldP);
        for (int32_t newP = 1; newP <= kMaxParallelism; ++newP) {
            SCOPED_TRACE(std::to_string(oldP) + " -> " + std::to_string(newP));
            std::map<int32_t, int> seen;
            for (int32_t i = 0; i < newP; ++i) {
                KeyGroupRange range = keygroups::rangeForOperatorIndex(kMaxParallelism, newP, i);
                for (const auto& s : assign(c, i, newP).keyGroups) {
                    EXPECT_TRUE(range.contains(s.keyGroup)) << s.keyGroup;
                    EXPECT_EQ(s.bytes, expectedSection(s.keyGroup));
                    ++seen[s.keyGroup];
                }
            }
            ASSERT_EQ(seen.size(), static_cast<size_t>(kMaxParallelism));
            for (const auto& [g, n] : seen) EXPECT_EQ(n, 1) << "key group " << g;
        }
    }
}

TEST(StateAssignment, SectionsStayValidAfterTheCheckpointIsGone) {
    OperatorRestore r;
    {
        CompletedCheckpoint c = keyedCheckpoint(1);
        r = assign(c, 0, 1);
    }
    for (const auto& s : r.keyGroups) EXPECT_EQ(s.bytes, expectedSection(s.keyGroup));
}

TEST(StateAssignment, OtherMaxParallelismIsAStateMigrationError) {
    CompletedCheckpoint c = keyedCheckpoint(2, 8);
    try {
        assignOperatorState(c, "op", 0, 2, 16, {0, 8});
        FAIL() << "no exception";
    } catch (const StateMigrationException& e) {
        std::string m = e.what();
        EXPECT_NE(m.find("op"), std::string::npos) << m;
        EXPECT_NE(m.find("8"), std::string::npos) << m;
        EXPECT_NE(m.find("16"), std::string::npos) << m;
        EXPECT_NE(m.find("max parallelism"), std::string::npos) << m;
    }
}

TEST(StateAssignment, OtherMaxParallelismIsFineWithoutKeyedState) {
    CompletedCheckpoint c =
        operatorStateCheckpoint({{{"list:x", OperatorStateMode::kSplitDistribute, {"a"}}}});
    c.operators["op"].maxParallelism = 8;
    OperatorRestore r = assignOperatorState(c, "op", 0, 1, 128, {0, 128});
    ASSERT_NE(find(r, "list:x"), nullptr);
    EXPECT_EQ(find(r, "list:x")->elements, Elements{"a"});
}

TEST(StateAssignment, OffsetsOutsideTheBlobAreACheckpointError) {
    CompletedCheckpoint c = keyedCheckpoint(1);
    auto& k = *c.operators["op"].subtasks[0].keyed;
    k.offsets[3] = k.data.size + 100;
    try {
        assign(c, 0, 1);
        FAIL() << "no exception";
    } catch (const CheckpointException& e) {
        std::string m = e.what();
        EXPECT_NE(m.find("op"), std::string::npos) << m;
        EXPECT_NE(m.find("key group 2"), std::string::npos) << m;
    }
}

TEST(StateAssignment, KeyedStateFilesAreReadRelativeToTheCheckpointDirectory) {
    TempDir tmp;
    CompletedCheckpoint c = keyedCheckpoint(2);
    CheckpointStorageLocation loc(tmp.path + "/chk-1", 1, 0);
    for (auto& [index, st] : c.operators["op"].subtasks)
        st.keyed->data = loc.persist("op-" + std::to_string(index), st.keyed->data.inlineData);
    ASSERT_TRUE(c.operators["op"].subtasks[0].keyed->data.isFile());
    loc.writeMetadata(encodeMetadata(c));

    CompletedCheckpoint loaded = loadCompletedCheckpoint(tmp.path + "/chk-1");
    OperatorRestore r = assign(loaded, 0, 1);
    ASSERT_EQ(r.keyGroups.size(), static_cast<size_t>(kMaxParallelism));
    for (const auto& s : r.keyGroups) EXPECT_EQ(s.bytes, expectedSection(s.keyGroup));

    // A missing file is a CheckpointException naming it.
    std::string missing =
        tmp.path + "/chk-1/" + loaded.operators["op"].subtasks[1].keyed->data.path;
    fs::remove(missing);
    try {
        assign(loaded, 0, 1);
        FAIL() << "no exception";
    } catch (const CheckpointException& e) {
        EXPECT_NE(std::string(e.what()).find(missing), std::string::npos) << e.what();
    }
    // A subtask that needs only the other file still restores.
    EXPECT_EQ(assign(loaded, 0, 2).keyGroups.size(), 4u);
}

TEST(StateAssignment, RealBackendSnapshotsRestoreEveryKeyOnItsNewOwner) {
    constexpr int32_t kMax = 16;
    // Two old subtasks count the keys they own.
    CompletedCheckpoint c;
    OperatorState& op = c.operators["op"];
    op.parallelism = 2;
    op.maxParallelism = kMax;
    std::map<std::string, int64_t> expected;
    for (int32_t i = 0; i < 2; ++i) {
        KeyedStateBackend backend(keygroups::rangeForOperatorIndex(kMax, 2, i), kMax);
        auto& count = backend.getOrCreateState<HeapValueState<int64_t>>(
            "count", [&] { return std::make_unique<HeapValueState<int64_t>>(backend); });
        for (int k = 0; k < 50; ++k) {
            std::string key = "key-" + std::to_string(k);
            int32_t g = keygroups::assignToKeyGroup(keyHash(key), kMax);
            if (!backend.keyGroupRange().contains(g)) continue;
            backend.setCurrentKey(key);
            count.update(k * 10);
            expected[key] = k * 10;
        }
        KeyedStateSnapshot snap = backend.snapshot();
        KeyedStateHandle h;
        h.range = snap.range;
        h.offsets = snap.offsets;
        h.data.inlineData = snap.data;
        h.data.size = snap.data.size();
        op.subtasks[i].keyed = h;
    }
    ASSERT_EQ(expected.size(), 50u);

    // Three new subtasks: each key restores on the subtask that owns its group, and only there.
    std::map<std::string, int> restoredOn;
    for (int32_t i = 0; i < 3; ++i) {
        KeyGroupRange range = keygroups::rangeForOperatorIndex(kMax, 3, i);
        OperatorRestore r = assignOperatorState(c, "op", i, 3, kMax, range);
        KeyedStateBackend backend(range, kMax);
        backend.restore(r.keyGroups);
        auto& count = backend.getOrCreateState<HeapValueState<int64_t>>(
            "count", [&] { return std::make_unique<HeapValueState<int64_t>>(backend); });
        for (const auto& [key, value] : expected) {
            int32_t g = keygroups::assignToKeyGroup(keyHash(key), kMax);
            if (!range.contains(g)) continue;
            backend.setCurrentKey(key);
            EXPECT_EQ(count.value(), value) << key;
            ++restoredOn[key];
        }
        backend.forEachStateOf(
            "count", [&](std::string_view, int32_t g) { EXPECT_TRUE(range.contains(g)) << g; });
    }
    EXPECT_EQ(restoredOn.size(), expected.size());
}

// ---- operator state ---------------------------------------------------------------------------

TEST(StateAssignment, ListStateAtTheSameParallelismKeepsEachSubtasksOwnList) {
    CompletedCheckpoint c = operatorStateCheckpoint({
        {{"list:offsets", OperatorStateMode::kSplitDistribute, {"a", "b"}}},
        {{"list:offsets", OperatorStateMode::kSplitDistribute, {"c"}}},
        {{"list:offsets", OperatorStateMode::kSplitDistribute, {}}},
    });
    std::vector<Elements> got;
    for (int32_t i = 0; i < 3; ++i) {
        OperatorRestore r = assign(c, i, 3);
        ASSERT_EQ(r.operatorState.size(), 1u);
        EXPECT_EQ(r.operatorState[0].mode, OperatorStateMode::kSplitDistribute);
        got.push_back(r.operatorState[0].elements);
    }
    EXPECT_EQ(got, (std::vector<Elements>{{"a", "b"}, {"c"}, {}}));
}

TEST(StateAssignment, ListStateAtAnotherParallelismIsConcatenatedAndCutIntoContiguousShares) {
    CompletedCheckpoint c = operatorStateCheckpoint({
        {{"list:x", OperatorStateMode::kSplitDistribute, {"a", "b", "c"}}},
        {{"list:x", OperatorStateMode::kSplitDistribute, {"d", "e"}}},
    });
    std::vector<Elements> got;
    for (int32_t i = 0; i < 3; ++i) got.push_back(find(assign(c, i, 3), "list:x")->elements);
    EXPECT_EQ(got, (std::vector<Elements>{{"a"}, {"b", "c"}, {"d", "e"}}));

    EXPECT_EQ(find(assign(c, 0, 1), "list:x")->elements, (Elements{"a", "b", "c", "d", "e"}));

    // At any parallelism the shares together are every element once, in order.
    for (int32_t p = 1; p <= 7; ++p) {
        Elements all;
        for (int32_t i = 0; i < p; ++i) {
            OperatorRestore r = assign(c, i, p);
            const auto* e = find(r, "list:x");
            ASSERT_NE(e, nullptr);
            all.insert(all.end(), e->elements.begin(), e->elements.end());
        }
        EXPECT_EQ(all, (Elements{"a", "b", "c", "d", "e"})) << p;
    }
}

TEST(StateAssignment, ListStateOfOnlySomeOldSubtasksIsStillDistributed) {
    CompletedCheckpoint c = operatorStateCheckpoint({
        {},
        {{"list:x", OperatorStateMode::kSplitDistribute, {"p", "q", "r", "s"}}},
    });
    EXPECT_EQ(find(assign(c, 0, 2), "list:x")->elements, Elements{});
    EXPECT_EQ(find(assign(c, 1, 2), "list:x")->elements, (Elements{"p", "q", "r", "s"}));
    EXPECT_EQ(find(assign(c, 0, 4), "list:x")->elements, Elements{"p"});
    EXPECT_EQ(find(assign(c, 3, 4), "list:x")->elements, Elements{"s"});
}

TEST(StateAssignment, UnionStateGivesEverySubtaskEveryElement) {
    CompletedCheckpoint c = operatorStateCheckpoint({
        {{"union:w", OperatorStateMode::kUnion, {"0a", "0b"}}},
        {{"union:w", OperatorStateMode::kUnion, {"1a"}}},
    });
    for (int32_t p : {1, 2, 3}) {
        for (int32_t i = 0; i < p; ++i) {
            OperatorRestore r = assign(c, i, p);
            const auto* e = find(r, "union:w");
            ASSERT_NE(e, nullptr);
            EXPECT_EQ(e->mode, OperatorStateMode::kUnion);
            EXPECT_EQ(e->elements, (Elements{"0a", "0b", "1a"})) << p << "/" << i;
        }
    }
}

TEST(StateAssignment, BroadcastStateGivesEverySubtaskOneCopy) {
    Elements rules = {"rule-1", "rule-2"};
    CompletedCheckpoint c = operatorStateCheckpoint({
        {{"broadcast:rules", OperatorStateMode::kBroadcast, rules}},
        {{"broadcast:rules", OperatorStateMode::kBroadcast, rules}},
    });
    for (int32_t p : {1, 2, 5}) {
        for (int32_t i = 0; i < p; ++i) {
            OperatorRestore r = assign(c, i, p);
            const auto* e = find(r, "broadcast:rules");
            ASSERT_NE(e, nullptr);
            EXPECT_EQ(e->mode, OperatorStateMode::kBroadcast);
            EXPECT_EQ(e->elements, rules) << p << "/" << i;  // not one copy per old subtask
        }
    }
}

TEST(StateAssignment, SeveralStatesOfOneOperatorAreAssignedByName) {
    CompletedCheckpoint c = operatorStateCheckpoint({
        {{"list:a", OperatorStateMode::kSplitDistribute, {"a0"}},
         {"union:b", OperatorStateMode::kUnion, {"b0"}}},
        {{"list:a", OperatorStateMode::kSplitDistribute, {"a1"}},
         {"union:b", OperatorStateMode::kUnion, {"b1"}},
         {"broadcast:c", OperatorStateMode::kBroadcast, {"c"}}},
    });
    OperatorRestore r = assign(c, 0, 1);
    ASSERT_EQ(r.operatorState.size(), 3u);
    EXPECT_EQ(find(r, "list:a")->elements, (Elements{"a0", "a1"}));
    EXPECT_EQ(find(r, "union:b")->elements, (Elements{"b0", "b1"}));
    EXPECT_EQ(find(r, "broadcast:c")->elements, Elements{"c"});
}

TEST(StateAssignment, CorruptOperatorStateNamesTheOperatorAndSubtask) {
    CompletedCheckpoint c = operatorStateCheckpoint({
        {{"list:a", OperatorStateMode::kSplitDistribute, {"x"}}},
        {{"list:a", OperatorStateMode::kSplitDistribute, {"y"}}},
    });
    auto& h = *c.operators["op"].subtasks[1].operatorState;
    h.inlineData.pop_back();
    h.size = h.inlineData.size();
    try {
        assign(c, 0, 2);
        FAIL() << "no exception";
    } catch (const CheckpointException& e) {
        std::string m = e.what();
        EXPECT_NE(m.find("operator op"), std::string::npos) << m;
        EXPECT_NE(m.find("subtask 1"), std::string::npos) << m;
    }
}

TEST(StateAssignment, OperatorStateFromFiles) {
    TempDir tmp;
    CompletedCheckpoint c = operatorStateCheckpoint({
        {{"union:u", OperatorStateMode::kUnion, {std::string(64, 'u')}}},
    });
    CheckpointStorageLocation loc(tmp.path, 1, 0);
    auto& st = c.operators["op"].subtasks[0];
    st.operatorState = loc.persist("op-operator", st.operatorState->inlineData);
    ASSERT_TRUE(st.operatorState->isFile());
    c.externalPath = tmp.path;
    EXPECT_EQ(find(assign(c, 0, 4), "union:u")->elements, Elements{std::string(64, 'u')});
}

// ---- in-flight data of unaligned checkpoints ----------------------------------------------------

using ChannelData = std::vector<std::pair<int32_t, std::string>>;

CompletedCheckpoint inFlightCheckpoint() {
    CompletedCheckpoint c;
    OperatorState& op = c.operators["op"];
    op.parallelism = 2;
    op.maxParallelism = 128;
    for (int32_t i = 0; i < 2; ++i) {
        StreamStateHandle h;
        h.inlineData = serializeToString(
            ChannelData{{0, "s" + std::to_string(i) + "c0"}, {1, "s" + std::to_string(i) + "c1"}});
        h.size = h.inlineData.size();
        op.subtasks[i].inputChannelState = h;
    }
    return c;
}

TEST(StateAssignment, InFlightDataGoesBackToTheSubtaskThatRecordedIt) {
    CompletedCheckpoint c = inFlightCheckpoint();
    EXPECT_EQ(assignOperatorState(c, "op", 1, 2, 128, {64, 128}).inputChannelState,
              (ChannelData{{0, "s1c0"}, {1, "s1c1"}}));
    EXPECT_EQ(assignOperatorState(c, "op", 0, 2, 128, {0, 64}).inputChannelState,
              (ChannelData{{0, "s0c0"}, {1, "s0c1"}}));
}

TEST(StateAssignment, InFlightDataDoesNotRestoreAtAnotherParallelism) {
    CompletedCheckpoint c = inFlightCheckpoint();
    try {
        assignOperatorState(c, "op", 0, 3, 128, {0, 43});
        FAIL() << "no exception";
    } catch (const StateMigrationException& e) {
        std::string m = e.what();
        EXPECT_NE(m.find("op"), std::string::npos) << m;
        EXPECT_NE(m.find("savepoint"), std::string::npos) << m;
    }
}

TEST(StateAssignment, CorruptInFlightDataNamesTheOperatorAndSubtask) {
    CompletedCheckpoint c = inFlightCheckpoint();
    auto& h = *c.operators["op"].subtasks[1].inputChannelState;
    h.inlineData += "junk";
    h.size = h.inlineData.size();
    EXPECT_NO_THROW(assignOperatorState(c, "op", 0, 2, 128, {0, 64}));  // not ours
    try {
        assignOperatorState(c, "op", 1, 2, 128, {64, 128});
        FAIL() << "no exception";
    } catch (const CheckpointException& e) {
        std::string m = e.what();
        EXPECT_NE(m.find("operator op"), std::string::npos) << m;
        EXPECT_NE(m.find("subtask 1"), std::string::npos) << m;
    }
}

}  // namespace
}  // namespace weir
