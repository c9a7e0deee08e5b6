#pragma once
// Operator state: state of one parallel instance of an operator, not of a key.
//
//   ListState from getListState: on rescaling the lists of all instances are split among the new
//   instances; from getUnionListState: every new instance gets the union of all lists.
//   BroadcastState (a map): the same on every instance, written from the broadcast input only.
//
// Functions that keep operator state implement CheckpointedFunction: initializeState is called
// before open() (isRestored() tells whether the state came from a checkpoint or savepoint), and
// snapshotState before each checkpoint.

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "weir/core/exceptions.h"
#include "weir/core/serializer.h"
#include "weir/functions/operator_state_entry.h"
#include "weir/functions/state.h"

namespace weir {

/// Operator list state: one list per operator instance.
template <class V>
class OperatorListState final : public ListState<V> {
public:
    std::vector<V> get() const override { return values_; }
    void add(const V& v) override { values_.push_back(v); }
    void addAll(const std::vector<V>& vs) override {
        values_.insert(values_.end(), vs.begin(), vs.end());
    }
    void update(const std::vector<V>& vs) override { values_ = vs; }
    void clear() override { values_.clear(); }

    /// Snapshot: one element per list entry.
    void snapshotTo(std::vector<std::string>& out) const {
        for (const auto& v : values_) out.push_back(serializeToString(v));
    }
    void restoreFrom(const std::vector<std::string>& elements) {
        for (const auto& e : elements) values_.push_back(deserializeFromString<V>(e));
    }
    static std::string typeIdentity() { return serializerIdentity<V>(); }

private:
    std::vector<V> values_;
};

template <class K, class V>
class ReadOnlyBroadcastState {
public:
    virtual ~ReadOnlyBroadcastState() = default;
    virtual std::optional<V> get(const K& key) const = 0;
    virtual bool contains(const K& key) const = 0;
    virtual std::vector<std::pair<K, V>> entries() const = 0;
    virtual bool isEmpty() const = 0;
};

template <class K, class V>
class BroadcastState final : public ReadOnlyBroadcastState<K, V> {
public:
    std::optional<V> get(const K& key) const override {
        auto it = map_.find(key);
        return it == map_.end() ? std::nullopt : std::optional<V>(it->second);
    }
    bool contains(const K& key) const override { return map_.count(key) > 0; }
    std::vector<std::pair<K, V>> entries() const override { return {map_.begin(), map_.end()}; }
    bool isEmpty() const override { return map_.empty(); }
    void put(const K& key, const V& value) { map_.insert_or_assign(key, value); }
    void remove(const K& key) { map_.erase(key); }
    void clear() { map_.clear(); }

    /// Snapshot: one element per map entry.
    void snapshotTo(std::vector<std::string>& out) const {
        for (const auto& kv : map_) out.push_back(serializeToString(kv));
    }
    void restoreFrom(const std::vector<std::string>& elements) {
        for (const auto& e : elements) {
            auto kv = deserializeFromString<std::pair<K, V>>(e);
            map_.insert_or_assign(std::move(kv.first), std::move(kv.second));
        }
    }
    static std::string typeIdentity() { return serializerIdentity<std::pair<K, V>>(); }

private:
    std::map<K, V> map_;
};

/// The operator state of one operator subtask: list, union list and broadcast states by name.
class OperatorStateStore {
public:
    OperatorStateStore() = default;
    /// Copies start empty: functions (and their stores) are copied from a prototype per subtask
    /// before anything runs.
    OperatorStateStore(const OperatorStateStore&) {}
    OperatorStateStore& operator=(const OperatorStateStore&) { return *this; }

    template <class V>
    ListState<V>& getListState(const ListStateDescriptor<V>& d) {
        return get<OperatorListState<V>>("list:" + d.name);
    }
    template <class V>
    ListState<V>& getUnionListState(const ListStateDescriptor<V>& d) {
        return get<OperatorListState<V>>("union:" + d.name);
    }
    template <class K, class V>
    BroadcastState<K, V>& getBroadcastState(const MapStateDescriptor<K, V>& d) {
        return get<BroadcastState<K, V>>("broadcast:" + d.name);
    }

    /// Every registered state (and every restored one that was not registered again).
    std::vector<OperatorStateEntry> snapshot() const {
        std::vector<OperatorStateEntry> out;
        for (const auto& [name, holder] : states_) {
            OperatorStateEntry e{name, modeOf(name), {}, holder->typeIdentity()};
            holder->snapshotTo(e.elements);
            out.push_back(std::move(e));
        }
        for (const auto& [name, entry] : restored_) out.push_back(entry);
        return out;
    }
    /// Names the operator in errors, set by the task.
    void setOwner(std::string operatorDescription) { owner_ = std::move(operatorDescription); }
    /// Loads restored entries (before any state is registered); each goes to its state when the
    /// state is registered.
    void restore(std::vector<OperatorStateEntry> entries) {
        for (auto& e : entries) restored_[e.name] = std::move(e);
    }

private:
    struct Holder {
        virtual ~Holder() = default;
        virtual void snapshotTo(std::vector<std::string>& out) const = 0;
        virtual std::string typeIdentity() const = 0;
        virtual void restoreFrom(const std::vector<std::string>& elements) = 0;
    };
    template <class S>
    struct Typed final : Holder {
        S state;
        void snapshotTo(std::vector<std::string>& out) const override { state.snapshotTo(out); }
        std::string typeIdentity() const override { return S::typeIdentity(); }
        void restoreFrom(const std::vector<std::string>& elements) override {
            state.restoreFrom(elements);
        }
    };
    static OperatorStateMode modeOf(const std::string& name) {
        if (name.rfind("union:", 0) == 0) return OperatorStateMode::kUnion;
        if (name.rfind("broadcast:", 0) == 0) return OperatorStateMode::kBroadcast;
        return OperatorStateMode::kSplitDistribute;
    }
    template <class S>
    S& get(const std::string& name) {
        auto& slot = states_[name];
        if (!slot) {
            slot = std::make_unique<Typed<S>>();
            if (auto it = restored_.find(name); it != restored_.end()) {
                const std::string& recorded = it->second.typeIdentity;
                if (!recorded.empty() && recorded != S::typeIdentity()) {
                    slot.reset();
                    states_.erase(name);
                    throw StateMigrationException(
                        "incompatible state type: operator state '" + name + "' of " + owner_ +
                        " was snapshotted with elements of type '" + recorded +
                        "' but the program declares '" + S::typeIdentity() +
                        "'; restore a snapshot of a compatible program or rename the state");
                }
                slot->restoreFrom(it->second.elements);
                restored_.erase(it);
            }
        }
        auto* typed = dynamic_cast<Typed<S>*>(slot.get());
        if (!typed)
            throw InvalidProgramException("operator state '" + name +
                                          "' was registered with another type");
        return typed->state;
    }
    std::map<std::string, std::unique_ptr<Holder>> states_;
    std::map<std::string, OperatorStateEntry> restored_;
    std::string owner_ = "an operator";
};

class FunctionInitializationContext {
public:
    FunctionInitializationContext(OperatorStateStore& store, bool restored)
        : store_(store), restored_(restored) {}
    /// True when the state was restored from a checkpoint or savepoint.
    bool isRestored() const { return restored_; }
    OperatorStateStore& getOperatorStateStore() { return store_; }

private:
    OperatorStateStore& store_;
    bool restored_;
};

class FunctionSnapshotContext {
public:
    FunctionSnapshotContext(int64_t checkpointId, int64_t timestamp)
        : id_(checkpointId), timestamp_(timestamp) {}
    int64_t getCheckpointId() const { return id_; }
    int64_t getCheckpointTimestamp() const { return timestamp_; }

private:
    int64_t id_;
    int64_t timestamp_;
};

class CheckpointedFunction {
public:
    virtual ~CheckpointedFunction() = default;
    virtual void snapshotState(const FunctionSnapshotContext& context) = 0;
    virtual void initializeState(FunctionInitializationContext& context) = 0;
};

}  // namespace weir
