#pragma once
// DataStream<T>: a stream of T, built by the environment and transformed step by step.
// Methods that add an operator return the new stream; name/uid/setParallelism/... configure the
// operator that produced this stream.

#include <functional>
#include <memory>
#include <string>
#include <type_traits>
#include <vector>

#include "weir/api/stream_execution_environment.h"
#include "weir/connectors/collect_sink.h"
#include "weir/connectors/print_sink.h"
#include "weir/connectors/text_output_sink.h"
#include "weir/functions/function_traits.h"
#include "weir/functions/output_tag.h"
#include "weir/functions/sink.h"
#include "weir/runtime/operators/basic_operators.h"
#include "weir/runtime/operators/process_operators.h"
#include "weir/runtime/operators/sink_operator.h"
#include "weir/runtime/operators/timestamps_and_watermarks_operator.h"

namespace weir {

template <class T, class K>
class KeyedStream;
template <class T1, class T2>
class ConnectedStreams;
template <class T1, class T2, bool IsJoin>
class TwoStreamWindowBuilder;
template <class T>
class BroadcastStream;
template <class T1, class T2, class K>
class BroadcastConnectedStream;

/// The sink end of a stream: configure it like an operator.
template <class T>
class DataStreamSink {
public:
    explicit DataStreamSink(std::shared_ptr<Transformation> t) : transformation_(std::move(t)) {}
    DataStreamSink& name(std::string n) {
        transformation_->name = std::move(n);
        return *this;
    }
    DataStreamSink& uid(std::string u) {
        transformation_->uid = std::move(u);
        return *this;
    }
    DataStreamSink& setParallelism(int32_t p);
    DataStreamSink& disableChaining() {
        transformation_->chaining = ChainingStrategy::NEVER;
        return *this;
    }
    /// Internal: the sink must run with parallelism 1 (collect).
    DataStreamSink& markNonParallel() {
        transformation_->nonParallel = true;
        return *this;
    }

private:
    std::shared_ptr<Transformation> transformation_;
};

template <class T>
class DataStream {
public:
    using ValueType = T;
    DataStream(std::shared_ptr<detail::EnvironmentState> env, std::shared_ptr<Transformation> t)
        : env_(std::move(env)), transformation_(std::move(t)) {}

    // ---- transformations -------------------------------------------------------------------
    template <class F>
    DataStream<detail::MapResult<F, T>> map(F f) {
        using R = detail::MapResult<F, T>;
        return add<R>(TransformationKind::ONE_INPUT, "Map",
                      [f] { return std::make_unique<MapOperator<T, R, F>>(f); });
    }

    /// R is deduced from a `Collector<R>&` parameter (or F::OutputType); give it explicitly for
    /// generic lambdas: `flatMap<std::string>([](const auto& v, auto& out) {...})`.
    template <class R = void, class F>
    auto flatMap(F f) {
        if constexpr (std::is_void_v<R>) {
            return flatMap<typename detail::FlatMapOutput<F>::type>(std::move(f));
        } else {
            return add<R>(TransformationKind::ONE_INPUT, "Flat Map",
                          [f] { return std::make_unique<FlatMapOperator<T, R, F>>(f); });
        }
    }

    template <class F>
    DataStream<T> filter(F f) {
        return add<T>(TransformationKind::ONE_INPUT, "Filter",
                      [f] { return std::make_unique<FilterOperator<T, F>>(f); });
    }

    /// F derives from ProcessFunction<T, OUT>.
    template <class F>
    DataStream<typename F::OutputType> process(F f) {
        using R = typename F::OutputType;
        return add<R>(TransformationKind::ONE_INPUT, "Process",
                      [f] { return std::make_unique<ProcessOperator<T, R, F>>(f); });
    }

    /// Partitions by key: `keyBy([](const Order& o) { return o.user; })` or `keyBy(&Order::user)`.
    template <class F>
    auto keyBy(F keySelector);

    /// Merges streams of the same type (`union` is a C++ keyword).
    template <class... Streams>
    DataStream<T> union_(const Streams&... others) {
        std::vector<std::shared_ptr<Transformation>> inputs{transformation_,
                                                            others.transformation()...};
        auto t = env_->add(TransformationKind::UNION, "Union", std::move(inputs), typeInfo<T>(),
                           nullptr);
        return DataStream<T>(env_, t);
    }

    template <class U>
    ConnectedStreams<T, U> connect(const DataStream<U>& other);

    /// Window join and co-group with another stream (see joins.h).
    template <class U>
    TwoStreamWindowBuilder<T, U, true> join(const DataStream<U>& other);
    template <class U>
    TwoStreamWindowBuilder<T, U, false> coGroup(const DataStream<U>& other);

    /// Broadcasts this stream to every instance of the operator it is connected to, which keeps
    /// it in the broadcast state of `descriptors` (see broadcast.h).
    template <class... D>
    requires(sizeof...(D) > 0) BroadcastStream<T> broadcast(const D&... descriptors) {
        return BroadcastStream<T>(partition(PartitionerKind::BROADCAST));
    }
    template <class U>
    BroadcastConnectedStream<T, U, void> connect(const BroadcastStream<U>& other);

    /// All elements in windows of one operator with parallelism 1 (see windowed_stream.h).
    template <class A>
    auto windowAll(A assigner);

    /// Gives each record its event timestamp and generates watermarks with `strategy`.
    DataStream<T> assignTimestampsAndWatermarks(WatermarkStrategy<T> strategy) {
        return add<T>(TransformationKind::ONE_INPUT, "Timestamps/Watermarks", [strategy] {
            return std::make_unique<TimestampsAndWatermarksOperator<T>>(strategy);
        });
    }

    // ---- partitioning ----------------------------------------------------------------------
    DataStream<T> rebalance() { return partition(PartitionerKind::REBALANCE); }
    DataStream<T> rescale() { return partition(PartitionerKind::RESCALE); }
    DataStream<T> shuffle() { return partition(PartitionerKind::SHUFFLE); }
    DataStream<T> broadcast() { return partition(PartitionerKind::BROADCAST); }
    DataStream<T> forward() { return partition(PartitionerKind::FORWARD); }
    DataStream<T> global() { return partition(PartitionerKind::GLOBAL); }

    // ---- side outputs ----------------------------------------------------------------------
    /// The records this stream's operator emitted to `tag` (via ctx.output(tag, value)).
    template <class X>
    DataStream<X> getSideOutput(const OutputTag<X>& tag) const {
        auto t = env_->add(TransformationKind::SIDE_OUTPUT, "Side Output " + tag.id(),
                           {transformation_}, typeInfo<X>(), nullptr);
        t->sideOutputTag = tag.routingKey();
        t->sideOutputId = tag.id();
        return DataStream<X>(env_, t);
    }

    // ---- sinks -----------------------------------------------------------------------------
    /// Prints every record to standard output (prefixed with the subtask number when parallel).
    DataStreamSink<T> print(const std::string& identifier = "") {
        return sinkTo(PrintSink<T>(identifier), "Print to Std. Out");
    }
    DataStreamSink<T> printToErr(const std::string& identifier = "") {
        return sinkTo(PrintSink<T>(identifier, true), "Print to Std. Err");
    }
    /// Writes each record's printed form as a line: to the file `path` at parallelism 1, or to
    /// files "1", "2", ... inside the directory `path` otherwise.
    DataStreamSink<T> writeAsText(const std::string& path,
                                  WriteMode mode = WriteMode::NO_OVERWRITE) {
        return sinkTo(TextOutputSink<T>(path, mode), "Text Sink");
    }
    /// Any sink; `S` derives from Sink<T>.
    template <class S>
    DataStreamSink<T> sinkTo(S sink, const std::string& name = "Sink") {
        auto shared = std::make_shared<const S>(std::move(sink));
        auto t = env_->add(TransformationKind::SINK, name, {transformation_}, nullptr, [shared] {
            return std::make_unique<SinkOperator<T>>(
                std::static_pointer_cast<const Sink<T>>(shared));
        });
        t->inputTypes = {serializerIdentity<T>()};
        return DataStreamSink<T>(t);
    }
    /// Runs the job (everything recorded so far) and returns this stream's records.
    std::vector<T> executeAndCollect(const std::string& jobName = "");

    // ---- configuring the operator that produced this stream --------------------------------
    DataStream& name(std::string n) {
        transformation_->name = std::move(n);
        return *this;
    }
    DataStream& uid(std::string u) {
        transformation_->uid = std::move(u);
        return *this;
    }
    DataStream& setParallelism(int32_t p);
    DataStream& setMaxParallelism(int32_t p) {
        transformation_->maxParallelism = p;
        return *this;
    }
    DataStream& disableChaining() {
        transformation_->chaining = ChainingStrategy::NEVER;
        return *this;
    }
    DataStream& startNewChain() {
        transformation_->chaining = ChainingStrategy::HEAD;
        return *this;
    }
    DataStream& slotSharingGroup(std::string group) {
        transformation_->slotSharingGroup = std::move(group);
        return *this;
    }

    const std::shared_ptr<Transformation>& transformation() const { return transformation_; }
    const std::shared_ptr<detail::EnvironmentState>& environment() const { return env_; }

protected:
    template <class R>
    DataStream<R> add(TransformationKind kind, std::string name, OperatorFactory factory) {
        auto t =
            env_->add(kind, std::move(name), {transformation_}, typeInfo<R>(), std::move(factory));
        t->inputTypes = {serializerIdentity<T>()};
        return DataStream<R>(env_, t);
    }
    DataStream<T> partition(PartitionerKind kind) {
        auto t = env_->add(TransformationKind::PARTITION, partitionerName(kind), {transformation_},
                           typeInfo<T>(), nullptr);
        t->partitioner.kind = kind;
        return DataStream<T>(env_, t);
    }

    std::shared_ptr<detail::EnvironmentState> env_;
    std::shared_ptr<Transformation> transformation_;
};

namespace detail {
[[noreturn]] void throwBadParallelism(const std::string& name, int32_t p);
}

template <class T>
DataStream<T>& DataStream<T>::setParallelism(int32_t p) {
    if (p < 1) detail::throwBadParallelism(transformation_->name, p);
    if (!transformation_->isPhysical())
        throw InvalidProgramException("setParallelism() applies to an operator, not to '" +
                                      transformation_->name + "'");
    if (transformation_->nonParallel && p != 1)
        throw InvalidProgramException("operator '" + transformation_->name +
                                      "' is not parallel: its parallelism must be 1");
    transformation_->parallelism = p;
    return *this;
}

template <class T>
DataStreamSink<T>& DataStreamSink<T>::setParallelism(int32_t p) {
    if (p < 1) detail::throwBadParallelism(transformation_->name, p);
    if (transformation_->nonParallel && p != 1)
        throw InvalidProgramException("sink '" + transformation_->name +
                                      "' is not parallel: its parallelism must be 1");
    transformation_->parallelism = p;
    return *this;
}

template <class T>
std::vector<T> DataStream<T>::executeAndCollect(const std::string& jobName) {
    CollectSink<T> sink;
    auto buffer = sink.buffer();
    sinkTo(std::move(sink), "Collect Sink").markNonParallel();
    StreamExecutionEnvironment(env_).execute(jobName);
    std::lock_guard lock(buffer->mutex);
    return std::move(buffer->values);
}

template <class S>
DataStream<typename S::OutputType> StreamExecutionEnvironment::fromSource(
    S source, WatermarkStrategy<typename S::OutputType> strategy, const std::string& name,
    bool nonParallel) {
    using T = typename S::OutputType;
    auto shared = std::make_shared<const S>(std::move(source));
    auto t = state_->add(TransformationKind::SOURCE, name, {}, typeInfo<T>(), [shared, strategy] {
        return std::make_unique<SourceOperator<T>>(
            std::static_pointer_cast<const Source<T>>(shared), strategy);
    });
    t->boundedness = shared->getBoundedness();
    t->nonParallel = nonParallel;
    t->chaining = ChainingStrategy::HEAD;
    return DataStream<T>(state_, t);
}

}  // namespace weir
