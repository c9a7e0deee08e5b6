#include "runtime/task/stream_task.h"

#include <filesystem>

#include "core/logging.h"
#include "core/memory/buffer_pool.h"
#include "runtime/checkpoint/checkpoint_metadata.h"
#include "runtime/checkpoint/checkpoint_responder.h"
#include "runtime/checkpoint/snapshot_executor.h"
#include "runtime/state/state_backend_kind.h"
#include "weir/core/options.h"
#include "weir/runtime/checkpoint/checkpointing_options.h"
#include "weir/runtime/operator_exception.h"
#include "weir/runtime/operators/source_operator.h"

namespace weir {

namespace {

/// The output of an operator that has no outgoing edge (sinks, or results nobody reads).
class NoOutput final : public ElementOutput {
public:
    void emitWatermark(int64_t) override {}
    void emitWatermarkStatus(bool) override {}
    void collectSide(const std::string&, const void*, int64_t) override {}
    void collectErased(const void*, int64_t) override {}
};

}  // namespace

StreamTask::StreamTask(TaskDeployment deployment, const Configuration* configuration,
                       CompletionCallback onDone)
    : deployment_(std::move(deployment)),
      configuration_(configuration),
      onDone_(std::move(onDone)) {}

StreamTask::~StreamTask() {
    cancel();
    join();
}

InputGate* StreamTask::createInputGate(int32_t numChannels) {
    gate_ = std::make_unique<InputGate>(numChannels, &signal_);
    return gate_.get();
}

void StreamTask::setInputChannelMapping(std::vector<std::pair<int32_t, int32_t>> channelToInput) {
    channelToInput_ = std::move(channelToInput);
}

void StreamTask::addResultPartition(std::unique_ptr<ResultPartition> partition) {
    partition->pool().addAvailabilityListener(&signal_);
    partition->pool().setUnavailableCounter(&unavailableOutputs_);
    writers_.push_back(std::make_unique<RecordWriter>(partition.get()));
    partitions_.push_back(std::move(partition));
}

void StreamTask::start() {
    thread_ = std::thread([this] { run(); });
}

void StreamTask::cancel() {
    cancelled_.store(true, std::memory_order_release);
    signal_.notify();
    for (auto& p : partitions_) p->pool().cancelAll();
}

void StreamTask::join() {
    if (thread_.joinable()) thread_.join();
}

void StreamTask::buildChain() {
    const auto& ops = deployment_.operators;
    operators_.resize(ops.size());
    for (size_t i = 0; i < ops.size(); ++i) operators_[i] = ops[i].factory();
    keyedStateOf_.assign(ops.size(), nullptr);
    incrementalOf_.assign(ops.size(), nullptr);
    const bool rocksDb = stateBackendKind(*configuration_) == StateBackendKind::kRocksDb;
    size_t numKeyed = 0;
    for (const auto& op : ops) numKeyed += op.keyed ? 1 : 0;
    RocksDbOptions rocksDbOptions;
    if (rocksDb) {
        rocksDbOptions.localDirectory =
            configuration_->getOptional(options::kRocksDbLocalDirectory).value_or("");
        rocksDbOptions.memoryBudgetBytes =
            configuration_->get(options::kRocksDbMemoryPerSlot).bytes() /
            std::max<size_t>(1, numKeyed);
    }
    hooks_.resize(ops.size());
    for (size_t i = 0; i < ops.size(); ++i)
        operatorStores_.push_back(std::make_unique<OperatorStateStore>());

    // Wire back to front: a chaining output needs the operator it feeds to be set up already.
    for (size_t r = ops.size(); r-- > 0;) {
        const auto& spec = ops[r];
        std::vector<ElementOutput*> leaves;
        bool onlyMain = true;
        for (const auto& out : spec.outputs) {
            std::unique_ptr<ElementOutput> leaf =
                out.chained ? out.type->createChainingOutput(operators_[out.chainedOperator].get())
                            : out.type->createRecordWriterOutput(
                                  writers_.at(out.partition).get(), out.partitioner,
                                  deployment_.taskInfo.subtaskIndex, out.consumerMaxParallelism);
            leaf->setSideTag(out.sideOutputTag);
            onlyMain = onlyMain && out.sideOutputTag.empty();
            leaves.push_back(leaf.get());
            outputs_.push_back(std::move(leaf));
        }
        ElementOutput* output;
        if (leaves.size() == 1 && onlyMain) {
            output = leaves[0];
        } else if (spec.outputType) {
            outputs_.push_back(spec.outputType->createBroadcastingOutput(leaves));
            output = outputs_.back().get();
        } else {
            outputs_.push_back(std::make_unique<NoOutput>());
            output = outputs_.back().get();
        }

        OperatorSetup setup;
        setup.operatorName = spec.name;
        setup.operatorId = spec.operatorId;
        setup.taskInfo = deployment_.taskInfo;
        setup.executionMode = deployment_.executionMode;
        setup.configuration = configuration_;
        setup.cancelled = &cancelled_;
        setup.wakeUpTask = [this] { signal_.notify(); };
        setup.processingTimeService = &timers_;
        setup.operatorStateStore = operatorStores_[r].get();
        operatorStores_[r]->setOwner("operator '" + spec.name + "' (id " + spec.operatorId + ")");
        setup.checkpointHooks = &hooks_[r];
        const OperatorRestore* restore =
            r < deployment_.restores.size() ? deployment_.restores[r].get() : nullptr;
        setup.restored = restore && restore->hasState;
        if (spec.keyed) {
            const auto& info = deployment_.taskInfo;
            keyedStates_.push_back(std::make_unique<KeyedStateBackend>(
                keygroups::rangeForOperatorIndex(info.maxParallelism, info.parallelism,
                                                 info.subtaskIndex),
                info.maxParallelism));
            setup.keyedStateBackend = keyedStates_.back().get();
            setup.keyedStateBackend->setOwner("operator '" + spec.name + "' (id " +
                                              spec.operatorId + ")");
            setup.keyedStateBackend->setKeyType(spec.keyType);
            keyedStateOf_[r] = setup.keyedStateBackend;
            if (rocksDb) {
                const KeyGroupRange& range = setup.keyedStateBackend->keyGroupRange();
                bool fromFiles = setup.restored && !restore->incremental.empty();
                rocksDbStores_.push_back(
                    fromFiles ? restoreRocksDb(rocksDbOptions, restore->incremental, range)
                              : RocksDbStore::open(rocksDbOptions));
                setup.keyedStateBackend->setRocksDbStore(rocksDbStores_.back().get());
                if (configuration_->get(options::kIncrementalCheckpoints)) {
                    incrementalOf_[r] = std::make_shared<IncrementalSnapshotter>();
                    if (fromFiles && restore->incremental.size() == 1 &&
                        restore->incremental[0].handle.range.start == range.start &&
                        restore->incremental[0].handle.range.end == range.end)
                        incrementalOf_[r]->seed(restore->incremental[0].handle);
                }
            }
            if (setup.restored)
                setup.keyedStateBackend->restore(restore->keyGroups, restore->keyedTypes);
        }
        if (setup.restored) operatorStores_[r]->restore(restore->operatorState);
        runAttributed(spec.name, [&] { operators_[r]->setup(setup, output); });
    }
    if (ops[0].isSource) source_ = static_cast<SourceOperatorBase*>(operators_[0].get());

    for (const auto& in : deployment_.inputs)
        inputs_.push_back(
            in.type->createNetworkInput(operators_[0].get(), in.inputIndex, in.numChannels));
    if (gate_ && deployment_.checkpointing.responder) {
        InputGate* gate = gate_.get();
        barriers_ = std::make_unique<CheckpointBarrierHandler>(
            gate->numChannels(), deployment_.checkpointing.aligned,
            [gate](int32_t channel, bool blocked) { gate->setBlocked(channel, blocked); });
        if (deployment_.checkpointing.unaligned)
            channelState_ = std::make_unique<ChannelStateRecorder>(gate->numChannels());
    }
}

void StreamTask::run() {
    TaskState state = TaskState::FINISHED;
    std::string error;
    const std::string taskName = deployment_.taskInfo.taskNameWithSubtask();
    auto fail = [&](const std::string& what) {
        if (cancelled_.load()) {
            state = TaskState::CANCELED;
        } else if (state != TaskState::FAILED) {
            state = TaskState::FAILED;
            error = "task '" + taskName + "' failed: " + what;
        }
    };
    try {
        buildChain();
        // Open back to front so that every operator is ready before its input starts to flow.
        for (size_t r = operators_.size(); r-- > 0;) {
            auto& op = operators_[r];
            runAttributed(deployment_.operators[r].name, [&] {
                op->initializeState();
                op->open();
            });
        }
        log::debug("task {} running", taskName);
        if (gate_) gate_->requestPartitions();
        replayChannelState();
        runLoop();
        if (cancelled_.load() && !jobEnded_) state = TaskState::CANCELED;
    } catch (const std::exception& e) {
        fail(e.what());
    } catch (...) {
        fail("unknown exception (not derived from std::exception)");
    }
    for (size_t i = 0; i < operators_.size(); ++i) {
        try {
            if (operators_[i])
                runAttributed(deployment_.operators[i].name, [&] { operators_[i]->close(); });
        } catch (const std::exception& e) {
            fail(e.what());
        }
    }
    log::debug("task {} ended", taskName);
    onDone_(*this, state, error);
}

bool StreamTask::outputsAvailable() const {
    return unavailableOutputs_.load(std::memory_order_acquire) == 0;
}

void StreamTask::flushOutputs() {
    for (auto& p : partitions_)
        if (p->hasUnflushedData()) p->flushAll();
}

namespace {
constexpr int kSourcePollsPerTurn = 512;
constexpr int64_t kSourceRecordsPerTurn = 512;
// Input buffers processed between two sends of held-back producer wake-ups (see BufferPool):
// under backpressure a producer is woken at most this many buffers after one came free.
constexpr int kBuffersPerWakeupFlush = 4;
}  // namespace

void StreamTask::runLoop() {
    const auto bufferTimeout = configuration_->get(options::kBufferTimeout);
    auto lastFlush = std::chrono::steady_clock::now();
    BufferPool::DeferredWakeups deferWakeups;
    int buffersSinceWakeupFlush = 0;
    while (!cancelled_.load(std::memory_order_acquire)) {
        mailbox_.runAll();
        if (jobEnded_) break;
        if (endOfInputReached_) {
            // Finished: answer checkpoint mails with the final state until the job ends.
            BufferPool::flushDeferredWakeups();
            signal_.wait(std::chrono::milliseconds(100));
            continue;
        }
        timers_.fireDue();
        if (!outputsAvailable()) {
            processPriorityEvents();  // unaligned barriers overtake the backpressure
            idleWait(std::chrono::milliseconds(50));
            continue;
        }
        bool worked = false;
        if (source_ && stoppedBySavepoint_ >= 0) {
            flushOutputs();
            idleWait(std::chrono::milliseconds(50));
        } else if (source_) {
            InputStatus status = InputStatus::MORE_AVAILABLE;
            runAttributed(deployment_.operators[0].name, [&] {
                // At most 512 polls or 512 records per turn, so that mails (checkpoint
                // triggers) wait for no more than that.
                const int64_t start = source_->recordsEmitted();
                for (int i = 0; i < kSourcePollsPerTurn && status == InputStatus::MORE_AVAILABLE &&
                                source_->recordsEmitted() - start < kSourceRecordsPerTurn;
                     ++i) {
                    status = source_->emitNext();
                    worked = worked || status != InputStatus::NOTHING_AVAILABLE;
                }
            });
            if (status == InputStatus::END_OF_INPUT) endOfInput();
            if (!worked && !endOfInputReached_) {
                flushOutputs();
                idleWait(std::chrono::milliseconds(10));
            }
        } else {
            worked = processNetworkInput();
            if (worked && ++buffersSinceWakeupFlush == kBuffersPerWakeupFlush) {
                BufferPool::flushDeferredWakeups();
                buffersSinceWakeupFlush = 0;
            }
            if (!worked && !endOfInputReached_) {
                flushOutputs();
                idleWait(std::chrono::milliseconds(100));
            }
        }
        if (bufferTimeout.count() >= 0) {
            auto now = std::chrono::steady_clock::now();
            if (now - lastFlush >= bufferTimeout) {
                flushOutputs();
                lastFlush = now;
            }
        }
    }
}

void StreamTask::idleWait(std::chrono::milliseconds limit) {
    BufferPool::flushDeferredWakeups();  // no producer may wait on this thread while it sleeps
    auto budget = timers_.sleepBudget(limit);
    if (budget.count() > 0) signal_.wait(budget);
}

void StreamTask::resumePendingInput() {
    PendingInput& p = *pendingInput_;
    const int32_t inputPos = channelToInput_.at(p.entry.channel).first;
    const int32_t channel = channelToInput_.at(p.entry.channel).second;
    const Buffer& b = p.entry.buffer;
    runAttributed(deployment_.operators[0].name, [&] {
        p.offset += inputs_[inputPos]->processBuffer(b.data() + p.offset, b.size() - p.offset,
                                                     channel, &unavailableOutputs_);
    });
    if (p.offset == b.size()) pendingInput_.reset();  // the buffer goes back to its pool
}

bool StreamTask::processNetworkInput() {
    // A buffer that stopped between two records for backpressure goes on first.
    if (pendingInput_) {
        resumePendingInput();
        return true;
    }
    auto entry = gate_ ? gate_->poll() : std::nullopt;
    if (!entry) return false;
    if (!entry->event) {
        if (channelState_)
            channelState_->onBuffer(entry->channel, entry->buffer.data(), entry->buffer.size());
        pendingInput_ = PendingInput{std::move(*entry), 0};
        resumePendingInput();
        return true;
    }
    // Plain variables, not a structured binding: the lambdas below capture them.
    const int32_t inputPos = channelToInput_.at(entry->channel).first;
    const int32_t channel = channelToInput_.at(entry->channel).second;
    NetworkInputBase& input = *inputs_[inputPos];
    const RuntimeEvent& event = *entry->event;
    if (event.type == RuntimeEventType::kCheckpointBarrier) {
        if (!barriers_) return true;
        if (event.unaligned) {
            if (channelState_) onUnalignedBarrier(*entry);
            return true;
        }
        std::optional<int64_t> abandoned;
        auto trigger = barriers_->onBarrier(entry->channel, event, abandoned);
        if (abandoned)
            declineCheckpoint(*abandoned, "a barrier of a newer checkpoint arrived first");
        if (trigger) performCheckpoint(*trigger);
        return true;
    }
    if (event.type != RuntimeEventType::kEndOfPartition) return true;
    if (channelState_ && channelState_->active() && channelState_->onChannelDone(entry->channel))
        finishUnalignedCheckpoint();
    if (barriers_) {
        if (auto trigger = barriers_->onEndOfPartition(entry->channel)) performCheckpoint(*trigger);
    }
    suspendedInput_ = suspendedInput_ || event.suspend;
    if (input.endOfPartition(channel)) {
        if (!suspendedInput_)
            runAttributed(deployment_.operators[0].name,
                          [&] { operators_[0]->endInput(input.inputIndex()); });
        if (++finishedInputs_ == static_cast<int32_t>(inputs_.size())) endOfInput(suspendedInput_);
    }
    return true;
}

void StreamTask::endOfInput(bool suspend) {
    if (!suspend) {
        for (size_t i = 0; i < operators_.size(); ++i) {
            runAttributed(deployment_.operators[i].name, [&] {
                if (i > 0) operators_[i]->endInput(0);
                operators_[i]->finish();
            });
        }
    }
    for (auto& p : partitions_) p->finish(suspend);
    endOfInputReached_ = true;
    if (deployment_.checkpointing.responder && !suspend)
        finalSnapshot_ = snapshotOperators(kEndOfInputCheckpointId, currentTimeMillis());
    if (onEndOfInput_) onEndOfInput_(*this);
}

void StreamTask::triggerCheckpoint(const RuntimeEvent& barrier) {
    mailbox_.put([this, barrier] {
        if (!deployment_.checkpointing.responder) return;     // BATCH: no checkpoints
        if (barrier.checkpointId <= lastCheckpoint_) return;  // taken from barriers already
        if (finalSnapshot_) {
            lastCheckpoint_ = barrier.checkpointId;
            upload(barrier.checkpointId, *finalSnapshot_);
            return;
        }
        // A trigger that waited in the mailbox past its checkpoint's abort is dropped.
        auto* responder = deployment_.checkpointing.responder;
        if (!responder || !responder->location(barrier.checkpointId)) return;
        if (!endOfInputReached_ && source_) performCheckpoint(barrier);
    });
}

void StreamTask::notifyCheckpointComplete(int64_t checkpointId) {
    mailbox_.put([this, checkpointId] {
        for (size_t i = 0; i < operators_.size(); ++i)
            runAttributed(deployment_.operators[i].name, [&] {
                if (incrementalOf_[i]) incrementalOf_[i]->confirm(checkpointId);
                operators_[i]->notifyCheckpointComplete(checkpointId);
                for (auto& hook : hooks_[i].complete) hook(checkpointId);
            });
    });
}

void StreamTask::notifyCheckpointAborted(int64_t checkpointId) {
    mailbox_.put([this, checkpointId] {
        if (barriers_) barriers_->abort(checkpointId);
        if (channelState_ && channelState_->active() &&
            channelState_->checkpointId() == checkpointId) {
            // Stop collecting its in-flight data, and let go of its snapshot (a RocksDB
            // snapshot held open would keep old versions from being compacted away).
            channelState_->abort();
            unalignedRaws_.clear();
        }
        if (checkpointId == stoppedBySavepoint_) stoppedBySavepoint_ = -1;  // read on
        for (size_t i = 0; i < operators_.size(); ++i)
            runAttributed(deployment_.operators[i].name, [&] {
                operators_[i]->notifyCheckpointAborted(checkpointId);
                for (auto& hook : hooks_[i].aborted) hook(checkpointId);
            });
    });
}

void StreamTask::endOfJob() {
    mailbox_.put([this] {
        for (size_t i = 0; i < operators_.size(); ++i)
            runAttributed(deployment_.operators[i].name, [&] {
                operators_[i]->notifyCheckpointComplete(kEndOfInputCheckpointId);
                for (auto& hook : hooks_[i].complete) hook(kEndOfInputCheckpointId);
            });
        jobEnded_ = true;
    });
}

void StreamTask::endInputAfterSavepoint(int64_t savepointId) {
    mailbox_.put([this, savepointId] {
        if (stoppedBySavepoint_ == savepointId && !endOfInputReached_) endOfInput(!stopDrains_);
    });
}

void StreamTask::processPriorityEvents() {
    if (!gate_ || !channelState_) return;
    while (auto entry = gate_->pollPriority()) onUnalignedBarrier(*entry);
}

void StreamTask::onUnalignedBarrier(const BufferOrEvent& entry) {
    const RuntimeEvent& barrier = *entry.event;
    const int64_t id = barrier.checkpointId;
    const int32_t c = entry.channel;
    if (channelState_->active() && channelState_->checkpointId() == id) {
        // Barrier n of another channel: what that channel received before it (and the barrier
        // overtook) belongs to the checkpoint; nothing after it does.
        if (!channelState_->channelDone(c)) {
            std::string bytes;
            size_t n = gate_->copyQueuedData(c, bytes, channelState_->copiedAhead(c));
            channelState_->addQueued(c, bytes, n);
        }
        if (channelState_->onChannelDone(c)) finishUnalignedCheckpoint();
        return;
    }
    if (id <= lastCheckpoint_) return;  // taken already
    if (channelState_->active()) {
        declineCheckpoint(channelState_->checkpointId(), "a newer checkpoint started");
        channelState_->abort();
        unalignedRaws_.clear();
    }
    // What the task has received but not processed: the rest of a buffer it stopped in, partial
    // elements, and what the channels have received.
    const int32_t n = gate_->numChannels();
    std::vector<std::string> captured(n);
    std::vector<size_t> skip(n, 0);
    std::vector<bool> done(n, false);
    for (int32_t ch = 0; ch < n; ++ch) {
        const auto& [inputPos, local] = channelToInput_.at(ch);
        const NetworkInputBase& input = *inputs_[inputPos];
        if (input.channelFinished(local)) {
            done[ch] = true;
            continue;
        }
        if (pendingInput_ && pendingInput_->entry.channel == ch) {
            const Buffer& b = pendingInput_->entry.buffer;
            captured[ch].assign(reinterpret_cast<const char*>(b.data()) + pendingInput_->offset,
                                b.size() - pendingInput_->offset);
        } else {
            const auto& partial = input.partialElement(local);
            captured[ch].assign(partial.begin(), partial.end());
        }
        skip[ch] = gate_->copyQueuedData(ch, captured[ch], 0);
    }
    done[c] = true;  // its barrier is here
    unalignedRaws_ = performCheckpoint(barrier, /*upload=*/false);
    channelState_->start(id, std::move(captured), std::move(skip), std::move(done));
    if (channelState_->complete()) finishUnalignedCheckpoint();
}

void StreamTask::finishUnalignedCheckpoint() {
    int64_t id = channelState_->checkpointId();
    auto raws = std::move(unalignedRaws_);
    unalignedRaws_.clear();
    if (raws.empty()) {
        channelState_->abort();
        return;
    }
    raws[0].inputChannelState = channelState_->take();
    upload(id, std::move(raws));
}

void StreamTask::replayChannelState() {
    const OperatorRestore* restore =
        deployment_.restores.empty() ? nullptr : deployment_.restores[0].get();
    if (!restore) return;
    // Output first: it was produced before anything the restored input will produce.
    for (const auto& out : restore->resultSubpartitionState) {
        if (out.partition < 0 || static_cast<size_t>(out.partition) >= partitions_.size() ||
            out.subpartition < 0 ||
            out.subpartition >= partitions_[out.partition]->numSubpartitions())
            throw StateMigrationException(
                "restored in-flight output data names output " + std::to_string(out.partition) +
                " subpartition " + std::to_string(out.subpartition) + ", which this task lacks");
        partitions_[out.partition]->emit(
            out.subpartition, reinterpret_cast<const uint8_t*>(out.bytes.data()), out.bytes.size());
    }
    if (!restore->resultSubpartitionState.empty()) flushOutputs();
    for (const auto& entry : restore->inputChannelState) {
        // Plain variables, not structured bindings: the lambda captures them (clang 14).
        const int32_t channel = entry.first;
        const std::string& bytes = entry.second;
        if (channel < 0 || static_cast<size_t>(channel) >= channelToInput_.size())
            throw StateMigrationException("restored in-flight data names input channel " +
                                          std::to_string(channel) + " of " +
                                          std::to_string(channelToInput_.size()));
        const int32_t inputPos = channelToInput_[channel].first;
        const int32_t local = channelToInput_[channel].second;
        runAttributed(deployment_.operators[0].name, [&] {
            inputs_[inputPos]->processBuffer(reinterpret_cast<const uint8_t*>(bytes.data()),
                                             bytes.size(), local);
        });
    }
}

std::vector<StreamTask::RawOperatorSnapshot> StreamTask::performCheckpoint(
    const RuntimeEvent& barrier, bool uploadNow) {
    const int64_t id = barrier.checkpointId;
    lastCheckpoint_ = std::max(lastCheckpoint_, id);
    const bool stopping = barrier.kind == SnapshotKind::kSavepointSuspend ||
                          barrier.kind == SnapshotKind::kSavepointTerminate;
    if (source_ && stopping) {
        stoppedBySavepoint_ = id;
        stopDrains_ = barrier.kind == SnapshotKind::kSavepointTerminate;
        if (barrier.kind == SnapshotKind::kSavepointTerminate)
            runAttributed(deployment_.operators[0].name, [&] { source_->emitFinalWatermark(); });
    }
    std::vector<RawOperatorSnapshot> raws;
    try {
        for (size_t i = 0; i < operators_.size(); ++i)
            runAttributed(deployment_.operators[i].name,
                          [&] { operators_[i]->prepareSnapshotPreBarrier(id); });
        std::vector<ResultSubpartitionState> overtaken;
        for (size_t p = 0; p < partitions_.size(); ++p) {
            std::vector<std::pair<int32_t, std::string>> bytes;
            partitions_[p]->broadcastEvent(barrier, barrier.unaligned ? &bytes : nullptr);
            for (auto& [sub, data] : bytes)
                overtaken.push_back({static_cast<int32_t>(p), sub, std::move(data)});
        }
        raws = snapshotOperators(id, barrier.timestamp, barrier.kind, /*defer=*/true);
        if (!raws.empty()) raws[0].outputState = std::move(overtaken);
    } catch (const std::exception& e) {
        declineCheckpoint(id, e.what());
        throw;
    }
    if (!uploadNow) return raws;
    upload(id, std::move(raws));
    return {};
}

std::vector<StreamTask::RawOperatorSnapshot> StreamTask::snapshotOperators(int64_t checkpointId,
                                                                           int64_t timestamp,
                                                                           SnapshotKind kind,
                                                                           bool defer) {
    // Incremental RocksDB snapshots for checkpoints into a directory; savepoints (and the final
    // state at the end of input, reused by later checkpoints) are canonical.
    bool incremental = false;
    if (kind == SnapshotKind::kCheckpoint && deployment_.checkpointing.responder) {
        auto location = deployment_.checkpointing.responder->location(checkpointId);
        incremental = location && !location->directory().empty();
    }
    std::vector<RawOperatorSnapshot> raws(operators_.size());
    for (size_t i = 0; i < operators_.size(); ++i) {
        runAttributed(deployment_.operators[i].name, [&] {
            operators_[i]->snapshotState(checkpointId, timestamp);
            for (auto& hook : hooks_[i].snapshot) hook(checkpointId, timestamp);
            RawOperatorSnapshot& raw = raws[i];
            raw.operatorId = deployment_.operators[i].operatorId;
            if (incremental && incrementalOf_[i]) {
                keyedStateOf_[i]->flushWrites();
                raw.native = keyedStateOf_[i]->rocksDbStore()->createNativeSnapshot();
                raw.snapshotter = incrementalOf_[i];
                raw.keyed = keyedStateOf_[i]->snapshot(/*includeStates=*/false);
            } else if (keyedStateOf_[i]) {
                // Deferred: RocksDB states are read on the I/O thread from a RocksDB snapshot
                // taken now, not while the task waits (the final state is read at once: the
                // task has nothing left to do, and later checkpoints reuse it).
                raw.keyed = keyedStateOf_[i]->snapshot(/*includeStates=*/true, defer);
            }
            raw.operatorState = operatorStores_[i]->snapshot();
        });
    }
    return raws;
}

void StreamTask::upload(int64_t checkpointId, std::vector<RawOperatorSnapshot> raws) {
    const auto& cp = deployment_.checkpointing;
    auto location = cp.responder->location(checkpointId);
    if (!location) {  // aborted meanwhile
        for (const auto& raw : raws) {
            std::error_code ec;
            if (raw.native) std::filesystem::remove_all(raw.native->directory, ec);
        }
        return;
    }
    std::string prefix = "-" + std::to_string(deployment_.taskInfo.subtaskIndex);
    bool finished = endOfInputReached_;
    // The job runs on an I/O thread and must not touch the task (it may be gone by then).
    cp.executor->submit([responder = cp.responder, epoch = cp.epoch, taskIndex = cp.taskIndex,
                         taskName = deployment_.taskInfo.taskNameWithSubtask(), checkpointId,
                         location, prefix, finished, raws = std::move(raws)]() mutable {
        std::vector<std::pair<std::string, OperatorSubtaskState>> states;
        try {
            for (auto& raw : raws) {
                if (raw.keyed) raw.keyed->complete();  // reads deferred RocksDB states
                OperatorSubtaskState st;
                st.finished = finished;
                if (raw.native) {
                    auto up = raw.snapshotter->upload(checkpointId, *raw.native, raw.keyed->range,
                                                      *location, raw.operatorId + prefix);
                    st.incrementalKeyed = std::move(up.handle);
                    st.sharedFilesUploaded = up.uploaded;
                    st.sharedFilesReused = up.reused;
                }
                if (raw.keyed) st.keyedTypes = raw.keyed->types;
                if (raw.keyed) {
                    KeyedStateHandle k;
                    k.range = raw.keyed->range;
                    k.offsets = raw.keyed->offsets;
                    k.data = location->persist(raw.operatorId + prefix + "-keyed", raw.keyed->data);
                    st.keyed = std::move(k);
                }
                if (!raw.operatorState.empty())
                    st.operatorState = location->persist(raw.operatorId + prefix + "-operator",
                                                         encodeOperatorState(raw.operatorState));
                if (!raw.inputChannelState.empty())
                    st.inputChannelState =
                        location->persist(raw.operatorId + prefix + "-channels",
                                          serializeToString(raw.inputChannelState));
                if (!raw.outputState.empty())
                    st.resultSubpartitionState = location->persist(
                        raw.operatorId + prefix + "-outputs", serializeToString(raw.outputState));
                states.emplace_back(raw.operatorId, std::move(st));
            }
        } catch (const std::exception& e) {
            responder->decline(epoch, taskIndex, checkpointId,
                               "task '" + taskName + "': " + e.what());
            return;
        }
        responder->acknowledge(epoch, taskIndex, checkpointId, std::move(states));
    });
}

void StreamTask::declineCheckpoint(int64_t checkpointId, const std::string& reason) {
    const auto& cp = deployment_.checkpointing;
    if (cp.responder)
        cp.responder->decline(
            cp.epoch, cp.taskIndex, checkpointId,
            "task '" + deployment_.taskInfo.taskNameWithSubtask() + "': " + reason);
}

}  // namespace weir
