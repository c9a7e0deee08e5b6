#pragma once
// StreamExecutionEnvironment: where a program starts. It records sources and transformations;
// execute() turns them into a job and runs it (on the embedded mini-cluster by default).
//
//   auto env = weir::StreamExecutionEnvironment::create(argc, argv);
//   env.fromElements<std::string>({"a", "b"}).map(...).print();
//   env.execute("my job");
//
// Configuration precedence: conf/config.yaml < command line (-D key=value, -p N) < API calls.

#include <initializer_list>
#include <memory>
#include <string>
#include <vector>

#include "weir/api/checkpoint_config.h"
#include "weir/connectors/collection_source.h"
#include "weir/core/configuration.h"
#include "weir/core/job_client.h"
#include "weir/core/options.h"
#include "weir/functions/source.h"
#include "weir/functions/watermark_strategy.h"
#include "weir/graph/transformation.h"
#include "weir/runtime/operators/source_operator.h"

namespace weir {

class PipelineExecutor;
template <class T>
class DataStream;

namespace detail {

/// What an environment and every stream built from it share.
struct EnvironmentState {
    EnvironmentState() = default;
    EnvironmentState(const EnvironmentState&) = delete;
    EnvironmentState& operator=(const EnvironmentState&) = delete;
    Configuration configuration;
    CheckpointConfig checkpointConfig{configuration};
    std::vector<std::shared_ptr<Transformation>> transformations;
    int32_t nextId = 1;
    std::shared_ptr<PipelineExecutor> executor;

    std::shared_ptr<Transformation> add(TransformationKind kind, std::string name,
                                        std::vector<std::shared_ptr<Transformation>> inputs,
                                        std::shared_ptr<const TypeInformationBase> outputType,
                                        OperatorFactory factory);
};

}  // namespace detail

class StreamExecutionEnvironment {
public:
    /// Runs jobs on the embedded mini-cluster; reads conf/config.yaml (or $WEIR_CONF_DIR) and
    /// the command line (-D key=value, -p N, --parallelism N).
    static StreamExecutionEnvironment create(int argc = 0, const char* const* argv = nullptr);
    static StreamExecutionEnvironment create(const Configuration& configuration);
    /// Flink's name for create().
    static StreamExecutionEnvironment getExecutionEnvironment() { return create(); }

    StreamExecutionEnvironment(std::shared_ptr<PipelineExecutor> executor,
                               Configuration configuration);
    /// Another handle on the same environment (what streams use to execute).
    explicit StreamExecutionEnvironment(std::shared_ptr<detail::EnvironmentState> state)
        : state_(std::move(state)) {}

    // ---- settings --------------------------------------------------------------------------
    StreamExecutionEnvironment& setParallelism(int32_t parallelism);
    int32_t getParallelism() const { return state_->configuration.get(options::kParallelism); }
    StreamExecutionEnvironment& setMaxParallelism(int32_t maxParallelism);
    StreamExecutionEnvironment& setRuntimeMode(RuntimeExecutionMode mode);
    StreamExecutionEnvironment& disableOperatorChaining();
    StreamExecutionEnvironment& setBufferTimeout(Duration timeout);
    /// The classic time characteristic (pipeline.time-characteristic): the time of timeWindow(),
    /// and ingestion-time stamping of sources without a watermark strategy.
    StreamExecutionEnvironment& setStreamTimeCharacteristic(TimeCharacteristic characteristic) {
        state_->configuration.set(options::kTimeCharacteristic, characteristic);
        return *this;
    }
    // ---- checkpoints, state backend, restarts ---------------------------------------------
    /// Checkpoints every `interval` (execution.checkpointing.interval / .mode).
    StreamExecutionEnvironment& enableCheckpointing(
        Duration interval, CheckpointingMode mode = CheckpointingMode::EXACTLY_ONCE) {
        getCheckpointConfig().setCheckpointInterval(interval).setCheckpointingMode(mode);
        return *this;
    }
    CheckpointConfig& getCheckpointConfig() { return state_->checkpointConfig; }
    /// HashMapStateBackend{} or EmbeddedRocksDBStateBackend{incremental}.
    template <class Backend>
    StreamExecutionEnvironment& setStateBackend(const Backend& backend) {
        state_->configuration.set(options::kStateBackend, std::string(Backend::kName));
        state_->configuration.set(options::kIncrementalCheckpoints, backend.incremental);
        return *this;
    }
    StreamExecutionEnvironment& setRestartStrategy(const RestartStrategyConfiguration& strategy) {
        for (const auto& [key, value] : strategy.settings) state_->configuration.set(key, value);
        return *this;
    }
    Configuration& config() { return state_->configuration; }
    const Configuration& getConfiguration() const { return state_->configuration; }
    /// Command-line arguments that were not configuration (for the program's own use).
    const std::vector<std::string>& programArguments() const { return programArguments_; }

    // ---- sources ---------------------------------------------------------------------------
    template <class T>
    DataStream<T> fromElements(std::initializer_list<T> values) {
        return fromCollection(std::vector<T>(values));
    }
    template <class T>
    DataStream<T> fromCollection(std::vector<T> values) {
        return fromSource(CollectionSource<T>(std::move(values)), "Collection Source",
                          /*nonParallel=*/true);
    }
    /// The numbers from..to, both inclusive; parallel.
    DataStream<int64_t> fromSequence(int64_t from, int64_t to);
    /// The lines of a text file, or of every file in a directory (files starting with '.' or
    /// '_' are skipped); files are split among the subtasks.
    DataStream<std::string> readTextFile(const std::string& path);
    /// Lines (or `delimiter`-separated records) read from a TCP server; unbounded, not parallel,
    /// ends when the server closes the connection. Not replayable after a failure.
    DataStream<std::string> socketTextStream(const std::string& host, int port,
                                             char delimiter = '\n');
    /// Any source (`S` derives from Source<T>), with the strategy that gives its records
    /// timestamps and watermarks.
    template <class S>
    DataStream<typename S::OutputType> fromSource(
        S source, WatermarkStrategy<typename S::OutputType> strategy, const std::string& name,
        bool nonParallel = false);
    /// Any source, without watermarks (WatermarkStrategy::noWatermarks()).
    template <class S>
    DataStream<typename S::OutputType> fromSource(S source, const std::string& name,
                                                  bool nonParallel = false) {
        return fromSource(std::move(source),
                          WatermarkStrategy<typename S::OutputType>::noWatermarks(), name,
                          nonParallel);
    }

    // ---- execution -------------------------------------------------------------------------
    /// Runs everything recorded so far and blocks until the job ends. Throws
    /// JobExecutionException with the failing task and cause if the job fails.
    JobExecutionResult execute(const std::string& jobName = "");
    /// Starts the job and returns at once.
    JobClient executeAsync(const std::string& jobName = "");

    std::shared_ptr<detail::EnvironmentState> state() const { return state_; }

private:
    std::shared_ptr<detail::EnvironmentState> state_;
    std::vector<std::string> programArguments_;
};

}  // namespace weir
