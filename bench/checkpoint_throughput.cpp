// weir_checkpoint_throughput: what checkpoints cost.
//
//   throughput  keyed tumbling event-time window sums (the workload of weir_window_throughput:
//               record i = (i % K, i), timestamp (i / K) ms, 100 ms windows) with checkpoints
//               every second against the same job without checkpoints, in the same run, for
//               each state backend; the ratio is with / without.
//   1M keys     keyBy -> rolling sum over 1 M distinct keys (1 M entries of keyed state); once
//               every record is in, a checkpoint is triggered and its duration and size are
//               reported, for each state backend.
//
//   weir_checkpoint_throughput                       # 10M records, 10k keys, 1M-key state
//   weir_checkpoint_throughput --quick               # CI smoke run: small, one repetition
//   weir_checkpoint_throughput --backends hashmap,rocksdb,rocksdb-incremental --state-keys 1000000
//
// Checkpoints go to the filesystem storage in a temporary directory, deleted at the end. Every
// run's checksum must equal the run without checkpoints (else MISMATCH, exit 1). No timing is
// asserted; bench/README.md records the figures.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include <weir/weir.h>

#include "bench_support.h"

namespace {

using weir::bench::Checksum;
using weir::bench::Measurement;
using Record = std::pair<int64_t, int64_t>;

constexpr uint64_t kGolden = 0x9E3779B97F4A7C15ull;

struct MakeRecord {
    int64_t keys;
    Record operator()(int64_t i) const { return Record{i % keys, i}; }
};
using StridedRecordSource = weir::bench::StridedSource<Record, MakeRecord>;

struct Fold {
    uint64_t operator()(const Record& r, int64_t ts) const {
        return static_cast<uint64_t>(r.second) * kGolden + static_cast<uint64_t>(r.first) +
               static_cast<uint64_t>(ts);
    }
};
using ChecksumSink = weir::bench::ChecksumSink<Record, Fold>;

struct Options {
    int64_t records = 10'000'000;
    int64_t keys = 10'000;
    int64_t stateKeys = 1'000'000;
    int32_t parallelism = 2;
    int repeat = 2;
    std::vector<std::string> backends{"hashmap"};
    weir::Duration interval{1000};
    bool skipWindow = false;
};

/// The configuration of one run: checkpoints every `interval` (or none) with `backend`.
weir::Configuration configFor(const std::string& backend, bool checkpoints, weir::Duration interval,
                              const std::filesystem::path& dir) {
    weir::Configuration conf;
    // "rocksdb-incremental": RocksDB with incremental checkpoints.
    const bool incremental = backend == "rocksdb-incremental";
    conf.set(weir::options::kStateBackend, incremental ? std::string("rocksdb") : backend);
    conf.set(weir::options::kIncrementalCheckpoints, incremental);
    if (checkpoints) {
        conf.set(weir::options::kCheckpointingInterval, interval);
        conf.set(weir::options::kCheckpointsDirectory, dir.string());
    }
    return conf;
}

struct WindowRun {
    Checksum checksum;
    weir::CheckpointStatistics stats;
};

WindowRun runWindowJob(const weir::Configuration& conf, const Options& o) {
    auto env = weir::StreamExecutionEnvironment::create(conf);
    env.setParallelism(o.parallelism);
    auto totals = std::make_shared<weir::bench::SharedChecksum>();
    const int64_t keys = o.keys;
    auto strategy =
        weir::WatermarkStrategy<Record>::forMonotonousTimestamps().withTimestampAssigner(
            [keys](const Record& r, int64_t) { return r.second / keys; });
    env.fromSource(StridedRecordSource(o.records, MakeRecord{o.keys}), strategy, "records")
        .keyBy([](const Record& r) { return r.first; })
        .window(weir::TumblingEventTimeWindows::of(weir::Duration(100)))
        .sum<1>()
        .sinkTo(ChecksumSink(totals), "checksum");
    weir::JobClient client = env.executeAsync("bench checkpointed windows");
    client.getJobExecutionResult();
    return {{totals->count.load(), totals->sum.load()}, client.getCheckpointStatistics()};
}

/// Emits (i, 1) for i < n, then nothing more until cancelled (the state stays in place).
class KeysThenIdle final : public weir::Source<Record> {
public:
    explicit KeysThenIdle(int64_t n) : n_(n) {}
    weir::Boundedness getBoundedness() const override {
        return weir::Boundedness::CONTINUOUS_UNBOUNDED;
    }
    std::unique_ptr<weir::SourceReader<Record>> createReader(
        const weir::SourceReaderContext& ctx) const override {
        return std::make_unique<Reader>(ctx.subtaskIndex, ctx.parallelism, n_);
    }

private:
    struct Reader final : weir::SourceReader<Record> {
        Reader(int64_t first, int64_t step, int64_t n) : next(first), step(step), n(n) {}
        weir::InputStatus pollNext(weir::ReaderOutput<Record>& out) override {
            if (next >= n) return weir::InputStatus::NOTHING_AVAILABLE;
            out.collect(Record{next, 1});
            next += step;
            return weir::InputStatus::MORE_AVAILABLE;
        }
        std::vector<std::string> snapshotState(int64_t) override {
            return {weir::serializeToString(next)};
        }
        int64_t next, step, n;
    };
    int64_t n_;
};

/// Counts records (rolling sums) as they arrive.
class CountingSink final : public weir::Sink<Record> {
public:
    explicit CountingSink(std::shared_ptr<std::atomic<int64_t>> seen) : seen_(std::move(seen)) {}
    std::unique_ptr<weir::SinkWriter<Record>> createWriter(
        const weir::SinkWriterContext&) const override {
        return std::make_unique<Writer>(seen_);
    }

private:
    struct Writer final : weir::SinkWriter<Record> {
        explicit Writer(std::shared_ptr<std::atomic<int64_t>> s) : seen(std::move(s)) {}
        void write(const Record&, int64_t) override {
            seen->fetch_add(1, std::memory_order_relaxed);
        }
        std::shared_ptr<std::atomic<int64_t>> seen;
    };
    std::shared_ptr<std::atomic<int64_t>> seen_;
};

struct StateCheckpoint {
    int64_t durationMs = 0;
    uint64_t bytes = 0;
    double fillSeconds = 0;
};

StateCheckpoint checkpointOfKeyedState(const std::string& backend, const Options& o,
                                       const std::filesystem::path& dir) {
    // Periodic checkpoints far apart: only the triggered one is measured.
    auto env = weir::StreamExecutionEnvironment::create(
        configFor(backend, true, weir::Duration(3'600'000), dir));
    env.setParallelism(o.parallelism);
    auto seen = std::make_shared<std::atomic<int64_t>>(0);
    env.fromSource(KeysThenIdle(o.stateKeys), "keys")
        .keyBy([](const Record& r) { return r.first; })
        .sum<1>()
        .sinkTo(CountingSink(seen), "count");
    auto start = std::chrono::steady_clock::now();
    weir::JobClient client = env.executeAsync("bench keyed state checkpoint");
    while (seen->load() < o.stateKeys) std::this_thread::sleep_for(std::chrono::milliseconds(5));
    double fill = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    client.triggerCheckpoint();
    auto stats = client.getCheckpointStatistics();
    client.cancel();
    try {
        client.getJobExecutionResult();
    } catch (const weir::JobCancellationException&) {
    }
    return {stats.lastDurationMillis, stats.lastStateSize, fill};
}

std::vector<std::string> splitList(const std::string& s) {
    std::vector<std::string> out;
    size_t start = 0;
    while (start <= s.size()) {
        size_t comma = s.find(',', start);
        if (comma == std::string::npos) comma = s.size();
        if (comma > start) out.push_back(s.substr(start, comma - start));
        start = comma + 1;
    }
    return out;
}

}  // namespace

int main(int argc, char** argv) {
    Options o;
    for (int i = 1; i < argc; ++i) {
        std::string a = argv[i];
        auto next = [&]() -> std::string {
            if (i + 1 >= argc) {
                std::fprintf(stderr, "%s needs a value\n", a.c_str());
                std::exit(2);
            }
            return argv[++i];
        };
        if (a == "--quick") {
            o.records = 1'000'000;
            o.keys = 1'000;
            o.stateKeys = 50'000;
            o.repeat = 1;
            o.interval = weir::Duration(200);
        } else if (a == "--records") {
            o.records = weir::bench::parseCount(a, next());
        } else if (a == "--keys") {
            o.keys = weir::bench::parseCount(a, next());
        } else if (a == "--state-keys") {
            o.stateKeys = weir::bench::parseCount(a, next());
        } else if (a == "--repeat") {
            o.repeat = static_cast<int>(weir::bench::parseCount(a, next()));
        } else if (a == "--backends") {
            o.backends = splitList(next());
        } else if (a == "--skip-window") {
            o.skipWindow = true;
        } else {
            std::fprintf(stderr,
                         "usage: weir_checkpoint_throughput [--quick] [--records N] [--keys K]\n"
                         "         [--state-keys S] [--repeat R]\n"
                         "         [--backends hashmap,rocksdb,rocksdb-incremental]\n");
            return 2;
        }
    }
    namespace fs = std::filesystem;
    fs::path dir = fs::temp_directory_path() / ("weir-bench-ckpt-" + std::to_string(::getpid()));
    fs::create_directories(dir);
    int status = 0;

    std::printf(
        "keyed tumbling window sums, %lld records, %lld keys, p=%d, checkpoints every %lld ms\n",
        static_cast<long long>(o.records), static_cast<long long>(o.keys), o.parallelism,
        static_cast<long long>(o.interval.count()));
    std::printf("%-8s %-12s %8s %10s %7s %6s %8s %10s\n", "backend", "checkpoints", "wall s",
                "Mrec/s", "ratio", "#ckpt", "last ms", "last bytes");
    for (const auto& backend : o.backends) {
        for (int r = 0; r < o.repeat && !o.skipWindow; ++r) {
            WindowRun base;
            Measurement without = weir::bench::measureOnce([&] {
                base = runWindowJob(configFor(backend, false, o.interval, dir), o);
                return base.checksum;
            });
            WindowRun with;
            Measurement withCk = weir::bench::measureOnce([&] {
                with = runWindowJob(configFor(backend, true, o.interval, dir), o);
                return with.checksum;
            });
            if (!(with.checksum == base.checksum)) {
                std::printf("MISMATCH: %s with checkpoints computed another result\n",
                            backend.c_str());
                status = 1;
            }
            double rateWithout = static_cast<double>(o.records) / without.wallSeconds;
            double rateWith = static_cast<double>(o.records) / withCk.wallSeconds;
            std::printf("%-8s %-12s %8.3f %10.2f %7s %6s %8s %10s\n", backend.c_str(), "none",
                        without.wallSeconds, rateWithout / 1e6, "1.000", "-", "-", "-");
            std::string every = "every " + std::to_string(o.interval.count()) + "ms";
            std::printf("%-8s %-12s %8.3f %10.2f %7.3f %6lld %8lld %10llu\n", backend.c_str(),
                        every.c_str(), withCk.wallSeconds, rateWith / 1e6, rateWith / rateWithout,
                        static_cast<long long>(with.stats.numCompleted),
                        static_cast<long long>(with.stats.lastDurationMillis),
                        static_cast<unsigned long long>(with.stats.lastStateSize));
            std::fflush(stdout);
        }
    }

    std::printf("\ncheckpoint of %lld keys of keyed state (rolling sums), p=%d\n",
                static_cast<long long>(o.stateKeys), o.parallelism);
    std::printf("%-8s %10s %12s %12s %12s\n", "backend", "fill s", "duration ms", "size bytes",
                "bytes/key");
    for (const auto& backend : o.backends) {
        StateCheckpoint c = checkpointOfKeyedState(backend, o, dir);
        std::printf("%-8s %10.3f %12lld %12llu %12.1f\n", backend.c_str(), c.fillSeconds,
                    static_cast<long long>(c.durationMs), static_cast<unsigned long long>(c.bytes),
                    static_cast<double>(c.bytes) / static_cast<double>(o.stateKeys));
        std::fflush(stdout);
    }
    fs::remove_all(dir);
    return status;
}
