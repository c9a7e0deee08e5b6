#include "weir/api/stream_execution_environment.h"

#include "graph/pipeline_executor.h"
#include "graph/stream_graph_generator.h"
#include "weir/api/data_stream.h"
#include "weir/connectors/file/text_line_file_source.h"
#include "weir/connectors/socket/socket_text_source.h"

namespace weir {

namespace detail {

std::shared_ptr<Transformation> EnvironmentState::add(
    TransformationKind kind, std::string name, std::vector<std::shared_ptr<Transformation>> inputs,
    std::shared_ptr<const TypeInformationBase> outputType, OperatorFactory factory) {
    auto t = std::make_shared<Transformation>();
    t->id = nextId++;
    t->kind = kind;
    t->name = std::move(name);
    t->inputs = std::move(inputs);
    t->outputType = std::move(outputType);
    t->operatorFactory = std::move(factory);
    transformations.push_back(t);
    return t;
}

void throwBadParallelism(const std::string& name, int32_t p) {
    throw InvalidProgramException("parallelism of '" + name + "' must be at least 1, not " +
                                  std::to_string(p));
}

}  // namespace detail

StreamExecutionEnvironment::StreamExecutionEnvironment(std::shared_ptr<PipelineExecutor> executor,
                                                       Configuration configuration)
    : state_(std::make_shared<detail::EnvironmentState>()) {
    state_->executor = std::move(executor);
    state_->configuration = std::move(configuration);
}

StreamExecutionEnvironment& StreamExecutionEnvironment::setParallelism(int32_t parallelism) {
    if (parallelism < 1) detail::throwBadParallelism("the environment", parallelism);
    state_->configuration.set(options::kParallelism, parallelism);
    return *this;
}

StreamExecutionEnvironment& StreamExecutionEnvironment::setMaxParallelism(int32_t maxParallelism) {
    if (maxParallelism < 1 || maxParallelism > 32768)
        throw InvalidProgramException("max parallelism must be between 1 and 32768, not " +
                                      std::to_string(maxParallelism));
    state_->configuration.set(options::kMaxParallelism, maxParallelism);
    return *this;
}

StreamExecutionEnvironment& StreamExecutionEnvironment::setRuntimeMode(RuntimeExecutionMode mode) {
    state_->configuration.set(options::kRuntimeMode, mode);
    return *this;
}

StreamExecutionEnvironment& StreamExecutionEnvironment::disableOperatorChaining() {
    state_->configuration.set(options::kOperatorChaining, false);
    return *this;
}

StreamExecutionEnvironment& StreamExecutionEnvironment::setBufferTimeout(Duration timeout) {
    state_->configuration.set(options::kBufferTimeout, timeout);
    return *this;
}

DataStream<int64_t> StreamExecutionEnvironment::fromSequence(int64_t from, int64_t to) {
    return fromSource(NumberSequenceSource(from, to), "Sequence Source");
}

DataStream<std::string> StreamExecutionEnvironment::readTextFile(const std::string& path) {
    return fromSource(TextLineFileSource(path), "Text File Source: " + path);
}

DataStream<std::string> StreamExecutionEnvironment::socketTextStream(const std::string& host,
                                                                     int port, char delimiter) {
    return fromSource(SocketTextSource(host, port, delimiter),
                      "Socket Stream: " + host + ":" + std::to_string(port), /*nonParallel=*/true);
}

JobClient StreamExecutionEnvironment::executeAsync(const std::string& jobName) {
    const Configuration& conf = state_->configuration;
    StreamGraphSettings settings;
    settings.jobName =
        !jobName.empty() ? jobName
                         : conf.getOptional(options::kPipelineName).value_or("Weir Streaming Job");
    settings.defaultParallelism = conf.get(options::kParallelism);
    if (settings.defaultParallelism < 1)
        detail::throwBadParallelism("parallelism.default", settings.defaultParallelism);
    settings.maxParallelism = conf.get(options::kMaxParallelism);
    settings.executionMode = conf.get(options::kRuntimeMode);
    settings.chainingEnabled = conf.get(options::kOperatorChaining);
    auto graph = generateStreamGraph(state_->transformations, settings);
    state_->transformations.clear();
    if (!state_->executor)
        throw InvalidProgramException("this environment has no executor to run jobs");
    return JobClient(state_->executor->submit(std::move(graph), conf));
}

JobExecutionResult StreamExecutionEnvironment::execute(const std::string& jobName) {
    return executeAsync(jobName).getJobExecutionResult();
}

}  // namespace weir
