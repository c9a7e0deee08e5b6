#pragma once
// The job of the checkpoint integration tests: SequenceSource -> FailingMapper -> keyBy ->
// SequenceChecker (keyed state) -> FileSink, and what checks its output.

#include <atomic>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <thread>

#include "sequence_source.h"
#include "weir/weir.h"

namespace weir::testing {

namespace fs = std::filesystem;

inline constexpr int32_t kKeys = 40;
inline constexpr int64_t kCount = 1500;  // per key: 60k records in all

inline std::atomic<int64_t> gViolations{0};
inline std::atomic<int64_t> gInjected{0};

/// Throws once it has seen `afterRecords` records and `afterCheckpoints` completed checkpoints
/// in this attempt, while failures are left; also at a completed checkpoint once the sources
/// hold back their last records for it (an attempt restored late may have fewer records left).
class FailingMapper final : public RichMapFunction<KeyedSeq, KeyedSeq>, public CheckpointListener {
public:
    FailingMapper(int64_t afterRecords, int64_t afterCheckpoints)
        : afterRecords_(afterRecords), afterCheckpoints_(afterCheckpoints) {}
    KeyedSeq map(const KeyedSeq& v) override {
        // Only subtask 0 fails, so that each failure is one restart.
        if (++records_ >= afterRecords_ && completed_ >= afterCheckpoints_ &&
            getRuntimeContext().getIndexOfThisSubtask() == 0 && gFailuresLeft.fetch_sub(1) > 0) {
            ++gInjected;
            gSourceHolding = false;
            throw std::runtime_error("injected failure");
        }
        return v;
    }
    void notifyCheckpointComplete(int64_t) override {
        ++completed_;
        if (completed_ >= afterCheckpoints_ && gSourceHolding.load() &&
            getRuntimeContext().getIndexOfThisSubtask() == 0 && gFailuresLeft.fetch_sub(1) > 0) {
            ++gInjected;
            gSourceHolding = false;
            throw std::runtime_error("injected failure");
        }
    }

private:
    int64_t afterRecords_;
    int64_t afterCheckpoints_;
    int64_t records_ = 0;
    int64_t completed_ = 0;
};

/// Checks each key's sequence in keyed state and passes every record on as "key,seq". With
/// `ballastBytes`, each key also keeps a string that big in its state (large snapshots).
class SequenceChecker final : public RichFlatMapFunction<KeyedSeq, std::string> {
public:
    explicit SequenceChecker(bool exactlyOnce, size_t ballastBytes = 0,
                             std::chrono::microseconds delay = {})
        : exactlyOnce_(exactlyOnce), ballastBytes_(ballastBytes), delay_(delay) {}
    void open(const OpenContext&) override {
        last_ = &getRuntimeContext().getState(ValueStateDescriptor<int64_t>("last"));
        ballast_ = &getRuntimeContext().getState(ValueStateDescriptor<std::string>("ballast"));
    }
    void flatMap(const KeyedSeq& v, Collector<std::string>& out) override {
        int64_t last = last_->value().value_or(0);
        bool ok = exactlyOnce_ ? v.second == last + 1 : v.second <= last + 1;
        if (!ok) ++gViolations;
        if (v.second > last) last_->update(v.second);
        if (ballastBytes_ && last == 0) ballast_->update(std::string(ballastBytes_, 'b'));
        if (delay_.count() > 0) std::this_thread::sleep_for(delay_);  // a slow consumer
        out.collect(std::to_string(v.first) + "," + std::to_string(v.second));
    }

private:
    bool exactlyOnce_;
    size_t ballastBytes_;
    std::chrono::microseconds delay_;
    ValueState<int64_t>* last_ = nullptr;
    ValueState<std::string>* ballast_ = nullptr;
};

struct RunResult {
    std::map<std::pair<int32_t, int64_t>, int> counts;  // (key, seq) -> occurrences
    CheckpointStatistics stats;
};

inline std::map<std::pair<int32_t, int64_t>, int> readOutput(const fs::path& dir) {
    std::map<std::pair<int32_t, int64_t>, int> counts;
    for (auto it = fs::recursive_directory_iterator(dir); it != fs::recursive_directory_iterator();
         ++it) {
        std::string name = it->path().filename().string();
        if (name[0] == '.' || name[0] == '_') {
            if (it->is_directory()) it.disable_recursion_pending();
            continue;
        }
        if (!it->is_regular_file()) continue;
        std::ifstream in(it->path());
        std::string line;
        while (std::getline(in, line)) {
            auto comma = line.find(',');
            counts[{std::stoi(line.substr(0, comma)), std::stoll(line.substr(comma + 1))}]++;
        }
    }
    return counts;
}

/// Counts of (key, seq) missing from and duplicated in `counts` (every key 1..kCount).
struct OutputCheck {
    int64_t missing = 0;
    int64_t duplicated = 0;
    size_t distinct = 0;
};
inline OutputCheck checkOutput(const std::map<std::pair<int32_t, int64_t>, int>& counts) {
    OutputCheck c;
    for (int32_t k = 0; k < kKeys; ++k)
        for (int64_t s = 1; s <= kCount; ++s) {
            auto it = counts.find({k, s});
            if (it == counts.end())
                ++c.missing;
            else if (it->second > 1)
                ++c.duplicated;
        }
    c.distinct = counts.size();
    return c;
}

struct SequenceJobOptions {
    CheckpointingMode mode = CheckpointingMode::EXACTLY_ONCE;
    int failures = 0;
    int32_t parallelism = 2;
    bool unaligned = false;
    size_t ballastBytes = 0;
    double ratePerMs = 15.0;
    /// Per record in the checker: with enough delay the job runs under backpressure.
    std::chrono::microseconds consumerDelay{0};
    std::string stateBackend = "hashmap";
    bool incremental = false;
};

/// Builds the job on `env`; checkpoints every 50 ms (storage set by the caller), output in
/// `outDir`.
inline void buildSequenceJob(StreamExecutionEnvironment& env, const fs::path& outDir,
                             const SequenceJobOptions& o) {
    gFailuresLeft = o.failures;
    gSourceHolding = false;
    env.config().set(options::kStateBackend, o.stateBackend);
    env.config().set(options::kIncrementalCheckpoints, o.incremental);
    env.setParallelism(o.parallelism);
    env.enableCheckpointing(Duration(50), o.mode);
    env.getCheckpointConfig().enableUnalignedCheckpoints(o.unaligned);
    env.setRestartStrategy(RestartStrategies::fixedDelay(o.failures + 1, Duration(10)));
    bool exactlyOnce = o.mode == CheckpointingMode::EXACTLY_ONCE;
    env.fromSource(SequenceSource(kKeys, kCount, o.ratePerMs), "sequences")
        .uid("sequences")
        .map(FailingMapper(3000, 2))
        .uid("failing-mapper")
        .keyBy([](const KeyedSeq& v) { return v.first; })
        .flatMap<std::string>(SequenceChecker(exactlyOnce, o.ballastBytes, o.consumerDelay))
        .uid("checker")
        .sinkTo(FileSink<std::string>::forRowFormat(outDir.string())
                    .withBucketAssigner(BasePathBucketAssigner())
                    .build())
        .uid("file-sink");
}

}  // namespace weir::testing
