#pragma once
// SinkOperator: hands every record to the subtask's SinkWriter; flushes it before each checkpoint
// and at end of input.
//
// Two-phase commit (TwoPhaseCommittingSink): at each checkpoint the writer pre-commits
// (prepareCommit) and the committables are kept, with the checkpoint's id, in the operator state
// "sink-committables"; when the checkpoint completes, the committables of it and of every
// earlier checkpoint are committed. A restored operator commits the restored committables again
// (committers are idempotent) before it writes anything. At the end of input the last
// transaction is pre-committed and committed once the whole job has finished.

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "weir/functions/operator_state.h"
#include "weir/functions/sink.h"
#include "weir/runtime/stream_operator.h"

namespace weir {

template <class T>
class SinkOperator final : public StreamOperator, public Input<T> {
public:
    explicit SinkOperator(std::shared_ptr<const Sink<T>> sink)
        : sink_(std::move(sink)),
          twoPhase_(dynamic_cast<const TwoPhaseCommittingSink<T>*>(sink_.get())) {}

    InputBase* input(int) override { return this; }
    void open() override {
        SinkWriterContext ctx;
        ctx.subtaskIndex = setup_.taskInfo.subtaskIndex;
        ctx.parallelism = setup_.taskInfo.parallelism;
        ctx.configuration = setup_.configuration;
        ctx.restored = setup_.restored;
        auto* store = setup_.operatorStateStore;
        if (ctx.restored && store) ctx.restoredState = writerState().get();
        if (!twoPhase_) {
            writer_ = sink_->createWriter(ctx);
            return;
        }
        auto writer = twoPhase_->createPrecommittingWriter(ctx);
        precommitting_ = writer.get();
        writer_ = std::move(writer);
        committer_ = twoPhase_->createCommitter(ctx);
        if (ctx.restored && store) {
            // Commit again what the restored checkpoint had pre-committed: it may or may not
            // have been committed before the failure.
            std::vector<std::string> committables;
            for (auto& [id, c] : committableState().get()) committables.push_back(std::move(c));
            if (!committables.empty()) committer_->commit(committables);
            committableState().clear();
        }
    }
    void processElement(const T& value, int64_t timestamp) override {
        writer_->write(value, timestamp);
    }
    void finish() override {
        writer_->flush(true);
        if (precommitting_) addPending(kEndOfInputCheckpointId, precommitting_->prepareCommit());
        finished_ = true;
    }
    void prepareSnapshotPreBarrier(int64_t) override {
        if (!finished_) writer_->flush(false);
    }
    void snapshotState(int64_t checkpointId, int64_t) override {
        if (precommitting_ && !finished_) addPending(checkpointId, precommitting_->prepareCommit());
        if (!setup_.operatorStateStore) return;
        writerState().update(writer_->snapshotState(checkpointId));
        if (precommitting_) committableState().update(pending_);
    }
    void notifyCheckpointComplete(int64_t checkpointId) override {
        if (!committer_) return;
        std::vector<std::string> ready;
        std::vector<std::pair<int64_t, std::string>> rest;
        for (auto& p : pending_) {
            if (p.first <= checkpointId)
                ready.push_back(std::move(p.second));
            else
                rest.push_back(std::move(p));
        }
        pending_ = std::move(rest);
        if (!ready.empty()) committer_->commit(ready);
    }
    void endInput(int) override {}
    void close() override {
        if (writer_) writer_->close();
    }

protected:
    void onWatermark(int64_t) override {}

private:
    void addPending(int64_t checkpointId, std::vector<std::string> committables) {
        for (auto& c : committables) pending_.emplace_back(checkpointId, std::move(c));
    }
    ListState<std::string>& writerState() {
        return setup_.operatorStateStore->getListState(
            ListStateDescriptor<std::string>("sink-writer-state"));
    }
    ListState<std::pair<int64_t, std::string>>& committableState() {
        return setup_.operatorStateStore->getListState(
            ListStateDescriptor<std::pair<int64_t, std::string>>("sink-committables"));
    }

    std::shared_ptr<const Sink<T>> sink_;
    const TwoPhaseCommittingSink<T>* twoPhase_;
    std::unique_ptr<SinkWriter<T>> writer_;
    PrecommittingSinkWriter<T>* precommitting_ = nullptr;
    std::unique_ptr<Committer> committer_;
    /// Pre-committed, not yet committed: (checkpoint id, committable).
    std::vector<std::pair<int64_t, std::string>> pending_;
    bool finished_ = false;
};

}  // namespace weir
