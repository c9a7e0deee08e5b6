#pragma once
// OneInputOperatorHarness: drives one operator by hand — elements, watermarks, processing time —
// and records everything it emits (records with timestamps, watermarks, side outputs), as
// Flink's operator test harnesses do. Processing time is a manual clock.

#include <map>
#include <memory>
#include <queue>
#include <string>
#include <vector>

#include "weir/api/operator_state.h"
#include "weir/api/output_tag.h"
#include "weir/core/key_groups.h"
#include "weir/runtime/output.h"
#include "weir/runtime/state/keyed_state_backend.h"
#include "weir/runtime/stream_operator.h"
#include "weir/runtime/time/processing_time_service.h"

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

template <class IN, class OUT>
class OneInputOperatorHarness {
public:
    /// `keyed`: give the operator a keyed state backend (for operators after keyBy).
    explicit OneInputOperatorHarness(std::unique_ptr<StreamOperator> op, bool keyed = true,
                                     RuntimeExecutionMode mode = RuntimeExecutionMode::STREAMING) {
        operator_ = std::move(op);
        setup_.operatorName = "operator under test";
        setup_.taskInfo.taskName = "harness";
        setup_.executionMode = mode;
        setup_.configuration = &configuration_;
        setup_.processingTimeService = &time_;
        setup_.operatorStateStore = &operatorState_;
        if (keyed) {
            backend_ = std::make_unique<KeyedStateBackend>(KeyGroupRange{0, 128}, 128);
            setup_.keyedStateBackend = backend_.get();
        }
    }
    void open() {
        operator_->setup(setup_, &output_);
        operator_->initializeState();
        operator_->open();
        input_ = dynamic_cast<Input<IN>*>(operator_->input(0));
    }
    void processElement(const IN& value, int64_t timestamp = kNoTimestamp) {
        input_->processElement(value, timestamp);
    }
    void processWatermark(int64_t wm) { operator_->processWatermark(wm, 0); }
    void setProcessingTime(int64_t time) { time_.advanceTo(time); }
    void endInput() {
        operator_->endInput(0);
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
        return backend_->snapshot();
    }
    /// Before open(): restores the key groups of this harness's range from `snapshot`, as a
    /// restarted (possibly rescaled) subtask does.
    void restoreKeyedState(const KeyedStateSnapshot& snapshot) {
        std::vector<KeyGroupSection> sections;
        KeyGroupRange overlap = snapshot.range.intersect(backend_->keyGroupRange());
        for (int32_t g = overlap.start; g < overlap.end; ++g)
            sections.push_back({g, snapshot.section(g)});
        backend_->restore(sections, snapshot.types);
        setup_.restored = true;
    }
    /// The operator state (list, union and broadcast state) as a task snapshots it, after
    /// snapshotKeyedState; and its restore, before open().
    std::vector<OperatorStateEntry> snapshotOperatorState() const { return operatorState_.snapshot(); }
    void restoreOperatorState(std::vector<OperatorStateEntry> entries) {
        operatorState_.restore(std::move(entries));
        setup_.restored = true;
    }

    Configuration& configuration() { return configuration_; }
    CollectingOutput<OUT>& output() { return output_; }
    StreamOperator& op() { return *operator_; }

private:
    Configuration configuration_;
    ManualProcessingTimeService time_;
    std::unique_ptr<KeyedStateBackend> backend_;
    OperatorStateStore operatorState_;
    OperatorSetup setup_;
    CollectingOutput<OUT> output_;
    Input<IN>* input_ = nullptr;
    // Last: the operator (and its timer service) goes before the backend and clock it uses.
    std::unique_ptr<StreamOperator> operator_;
};

}  // namespace weir::testing
