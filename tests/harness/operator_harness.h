#pragma once
// Operator harnesses: drive one operator by hand (elements and watermarks of each input,
// processing time, checkpoint barriers, snapshot and restore, also as one subtask of a rescaled
// operator) and record everything it emits (records with timestamps, watermarks, side outputs),
// as Flink's operator test harnesses do. Processing time is a manual clock.
//
// Keyed state is on the heap, or in RocksDB when the environment variable
// WEIR_HARNESS_STATE_BACKEND is "rocksdb" (ctest runs the window suites once more so, with the
// prefix "rocksdb."); RocksDB snapshots are then taken the way tasks take them (deferred, then
// completed).

#include <cstdlib>
#include <map>
#include <memory>
#include <queue>
#include <string>
#include <vector>

#include "weir/core/key_groups.h"
#include "weir/functions/operator_state.h"
#include "weir/functions/output_tag.h"
#include "weir/functions/processing_time_service.h"
#include "weir/runtime/output.h"
#include "weir/runtime/state/keyed_state_backend.h"
#include "weir/runtime/state/rocksdb_store.h"
#include "weir/runtime/stream_operator.h"

namespace weir::testing {

class ManualProcessingTimeService final : public ProcessingTimeService {
public:
    int64_t getCurrentProcessingTime() override { return now_; }
    void registerTimer(int64_t time, std::function<void(int64_t)> callback) override {
        timers_.push({time, seq_++, std::move(callback)});
    }
    /// Moves the clock to `time` and fires every timer due, in order.
    void advanceTo(int64_t time) {
        now_ = time;
        while (!timers_.empty() && timers_.top().time <= now_) {
            auto e = timers_.top();
            timers_.pop();
            e.callback(e.time);
        }
    }

private:
    struct Entry {
        int64_t time;
        uint64_t seq;
        std::function<void(int64_t)> callback;
        bool operator>(const Entry& o) const {
            return time != o.time ? time > o.time : seq > o.seq;
        }
    };
    int64_t now_ = 0;
    uint64_t seq_ = 0;
    std::priority_queue<Entry, std::vector<Entry>, std::greater<>> timers_;
};

/// One element the operator emitted, in order: a record, a watermark or a side-output record.
template <class OUT>
struct Emitted {
    enum Kind { RECORD, WATERMARK, SIDE } kind;
    OUT value{};
    int64_t timestamp = kNoTimestamp;
    std::string tag;
};

template <class OUT>
class CollectingOutput final : public Output<OUT> {
public:
    void collect(const OUT& value, int64_t ts) override {
        log.push_back({Emitted<OUT>::RECORD, value, ts, ""});
    }
    void emitWatermark(int64_t wm) override {
        log.push_back({Emitted<OUT>::WATERMARK, OUT{}, wm, ""});
    }
    void emitWatermarkStatus(bool idle) override { statuses.push_back(idle); }
    void collectSide(const std::string& tag, const void* value, int64_t ts) override {
        sideValues[tag].push_back(
            value);  // pointer valid only during the call: copy via sideCopier
        if (auto it = sideCopiers.find(tag); it != sideCopiers.end()) it->second(value, ts);
        log.push_back({Emitted<OUT>::SIDE, OUT{}, ts, tag});
        sideValues[tag].pop_back();
    }
    std::vector<Emitted<OUT>> log;
    std::vector<bool> statuses;
    std::map<std::string, std::vector<const void*>> sideValues;
    std::map<std::string, std::function<void(const void*, int64_t)>> sideCopiers;
};

/// How a harness places its operator: keyed or not, the runtime mode, and which subtask of how
/// many it is (the keyed backend then owns that subtask's key groups, as after a rescale).
/// True when WEIR_HARNESS_STATE_BACKEND=rocksdb.
inline bool harnessStateInRocksDb() {
    const char* backend = std::getenv("WEIR_HARNESS_STATE_BACKEND");
    return backend != nullptr && std::string(backend) == "rocksdb";
}

struct HarnessOptions {
    bool keyed = true;
    RuntimeExecutionMode mode = RuntimeExecutionMode::STREAMING;
    int32_t subtaskIndex = 0;
    int32_t parallelism = 1;
    int32_t maxParallelism = 128;
    bool rocksDb = harnessStateInRocksDb();
};

/// What a task stores for an operator at a checkpoint barrier: its keyed state (all key groups
/// of its range) and its operator state.
struct HarnessSnapshot {
    KeyedStateSnapshot keyed;
    std::vector<OperatorStateEntry> operatorState;
};

/// Everything but the inputs: setup, watermarks, time, output, snapshots and restores.
template <class OUT>
class OperatorHarnessBase {
public:
    OperatorHarnessBase(std::unique_ptr<StreamOperator> op, HarnessOptions o) : options_(o) {
        operator_ = std::move(op);
        setup_.operatorName = "operator under test";
        setup_.taskInfo.taskName = "harness";
        setup_.taskInfo.subtaskIndex = o.subtaskIndex;
        setup_.taskInfo.parallelism = o.parallelism;
        setup_.taskInfo.maxParallelism = o.maxParallelism;
        setup_.executionMode = o.mode;
        if (o.keyed) {
            backend_ = std::make_unique<KeyedStateBackend>(
                keygroups::rangeForOperatorIndex(o.maxParallelism, o.parallelism, o.subtaskIndex),
                o.maxParallelism);
            if (o.rocksDb) {
                store_ = RocksDbStore::open(RocksDbOptions{});
                backend_->setRocksDbStore(store_.get());
            }
        }
    }
    // Movable until open() (harnesses are made by helper functions); pointers into the harness
    // are handed to the operator only there.
    OperatorHarnessBase(OperatorHarnessBase&&) = default;
    virtual ~OperatorHarnessBase() = default;

    void open() {
        setup_.configuration = &configuration_;
        setup_.processingTimeService = &time_;
        setup_.operatorStateStore = &operatorState_;
        setup_.keyedStateBackend = backend_.get();
        operator_->setup(setup_, &output_);
        operator_->initializeState();
        operator_->open();
        bindInputs();
    }
    void processWatermark(int64_t wm, int input = 0) { operator_->processWatermark(wm, input); }
    void processWatermarkStatus(bool idle, int input = 0) {
        operator_->processWatermarkStatus(idle, input);
    }
    void setProcessingTime(int64_t time) { time_.advanceTo(time); }
    void endInput(int numInputs = 1) {
        for (int i = 0; i < numInputs; ++i) operator_->endInput(i);
        operator_->finish();
    }
    void close() { operator_->close(); }

    /// Records emitted on the main output (values only).
    std::vector<OUT> records() const {
        std::vector<OUT> out;
        for (const auto& e : output_.log)
            if (e.kind == Emitted<OUT>::RECORD) out.push_back(e.value);
        return out;
    }
    std::vector<std::pair<OUT, int64_t>> recordsWithTimestamps() const {
        std::vector<std::pair<OUT, int64_t>> out;
        for (const auto& e : output_.log)
            if (e.kind == Emitted<OUT>::RECORD) out.emplace_back(e.value, e.timestamp);
        return out;
    }
    std::vector<int64_t> watermarks() const {
        std::vector<int64_t> out;
        for (const auto& e : output_.log)
            if (e.kind == Emitted<OUT>::WATERMARK) out.push_back(e.timestamp);
        return out;
    }
    /// Collects the side output `tag` (of type X) from now on.
    template <class X>
    std::shared_ptr<std::vector<std::pair<X, int64_t>>> sideOutput(const OutputTag<X>& tag) {
        auto values = std::make_shared<std::vector<std::pair<X, int64_t>>>();
        output_.sideCopiers[tag.routingKey()] = [values](const void* v, int64_t ts) {
            values->emplace_back(*static_cast<const X*>(v), ts);
        };
        return values;
    }
    void clearOutput() { output_.log.clear(); }

    /// A checkpoint of the operator's keyed state (its snapshotState first, as the task does).
    KeyedStateSnapshot snapshotKeyedState(int64_t checkpointId = 1) {
        operator_->prepareSnapshotPreBarrier(checkpointId);
        operator_->snapshotState(checkpointId, 0);
        return keyedSnapshot();
    }
    /// Checkpoint barrier `checkpointId` reaches the operator: what the task does with it
    /// (prepareSnapshotPreBarrier, which may emit, then the snapshot of both kinds of state).
    HarnessSnapshot processBarrier(int64_t checkpointId) {
        HarnessSnapshot s;
        operator_->prepareSnapshotPreBarrier(checkpointId);
        operator_->snapshotState(checkpointId, 0);
        if (backend_) s.keyed = keyedSnapshot();
        s.operatorState = operatorState_.snapshot();
        return s;
    }
    /// Before open(): restores the key groups of this harness's range from `snapshot`, as a
    /// restarted (possibly rescaled) subtask does.
    void restoreKeyedState(const KeyedStateSnapshot& snapshot) {
        restoreKeyedState(std::vector<const KeyedStateSnapshot*>{&snapshot});
    }
    /// The same from the snapshots of every old subtask (a rescale reads the sections of its
    /// key groups from whichever old subtask had them).
    void restoreKeyedState(const std::vector<const KeyedStateSnapshot*>& snapshots) {
        std::vector<KeyGroupSection> sections;
        KeyedStateTypes types;
        for (const auto* snapshot : snapshots) {
            KeyGroupRange overlap = snapshot->range.intersect(backend_->keyGroupRange());
            for (int32_t g = overlap.start; g < overlap.end; ++g)
                sections.push_back({g, snapshot->section(g)});
            types = snapshot->types;
        }
        backend_->restore(sections, types);
        setup_.restored = true;
    }
    /// The operator state (list, union and broadcast state) as a task snapshots it, after
    /// snapshotKeyedState; and its restore, before open().
    std::vector<OperatorStateEntry> snapshotOperatorState() const {
        return operatorState_.snapshot();
    }
    void restoreOperatorState(std::vector<OperatorStateEntry> entries) {
        operatorState_.restore(std::move(entries));
        setup_.restored = true;
    }
    /// Restores what processBarrier() returned (at the same parallelism).
    void restore(const HarnessSnapshot& s) {
        if (backend_) restoreKeyedState(s.keyed);
        restoreOperatorState(s.operatorState);
    }

    Configuration& configuration() { return configuration_; }
    CollectingOutput<OUT>& output() { return output_; }
    StreamOperator& op() { return *operator_; }
    KeyGroupRange keyGroupRange() const { return backend_->keyGroupRange(); }

protected:
    virtual void bindInputs() = 0;
    /// As a task takes it: RocksDB states read from a RocksDB snapshot after the synchronous part.
    KeyedStateSnapshot keyedSnapshot() {
        KeyedStateSnapshot s = backend_->snapshot(/*includeStates=*/true, /*defer=*/true);
        s.complete();
        return s;
    }

    HarnessOptions options_;
    Configuration configuration_;
    ManualProcessingTimeService time_;
    std::unique_ptr<RocksDbStore> store_;  // before the backend: its states use the store
    std::unique_ptr<KeyedStateBackend> backend_;
    OperatorStateStore operatorState_;
    OperatorSetup setup_;
    CollectingOutput<OUT> output_;
    // Last: the operator (and its timer service) goes before the backend and clock it uses.
    std::unique_ptr<StreamOperator> operator_;
};

template <class IN, class OUT>
class OneInputOperatorHarness final : public OperatorHarnessBase<OUT> {
public:
    /// `keyed`: give the operator a keyed state backend (for operators after keyBy).
    explicit OneInputOperatorHarness(std::unique_ptr<StreamOperator> op, bool keyed = true,
                                     RuntimeExecutionMode mode = RuntimeExecutionMode::STREAMING)
        : OperatorHarnessBase<OUT>(std::move(op), HarnessOptions{keyed, mode}) {}
    OneInputOperatorHarness(std::unique_ptr<StreamOperator> op, HarnessOptions options)
        : OperatorHarnessBase<OUT>(std::move(op), options) {}

    void processElement(const IN& value, int64_t timestamp = kNoTimestamp) {
        input_->processElement(value, timestamp);
    }

private:
    void bindInputs() override { input_ = dynamic_cast<Input<IN>*>(this->operator_->input(0)); }
    Input<IN>* input_ = nullptr;
};

/// Drives a two-input operator (connect, co-process, joins, broadcast process): elements and
/// watermarks of each input, and everything of the base.
template <class IN1, class IN2, class OUT>
class TwoInputOperatorHarness final : public OperatorHarnessBase<OUT> {
public:
    explicit TwoInputOperatorHarness(std::unique_ptr<StreamOperator> op,
                                     HarnessOptions options = {})
        : OperatorHarnessBase<OUT>(std::move(op), options) {}

    void processElement1(const IN1& value, int64_t timestamp = kNoTimestamp) {
        first_->processElement(value, timestamp);
    }
    void processElement2(const IN2& value, int64_t timestamp = kNoTimestamp) {
        second_->processElement(value, timestamp);
    }
    void processWatermark1(int64_t wm) { this->processWatermark(wm, 0); }
    void processWatermark2(int64_t wm) { this->processWatermark(wm, 1); }
    void endInput() { OperatorHarnessBase<OUT>::endInput(2); }

private:
    void bindInputs() override {
        first_ = dynamic_cast<Input<IN1>*>(this->operator_->input(0));
        second_ = dynamic_cast<Input<IN2>*>(this->operator_->input(1));
    }
    Input<IN1>* first_ = nullptr;
    Input<IN2>* second_ = nullptr;
};

}  // namespace weir::testing
