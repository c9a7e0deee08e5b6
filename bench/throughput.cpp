// weir_throughput: records/s, bytes/s and peak memory of two Weir pipelines, each next to a
// hand-written single-threaded C++ loop that computes exactly the same result in the same run.
//
//   (a) chained:  source -> map(x * 3 + 1) -> filter(keeps half) -> checksum sink
//                 one task per subtask (every operator chained).
//   (b) keyed:    source -> map(x -> (x % keys, x)) -> keyBy(first) -> sum<1>() -> checksum sink
//                 two tasks per subtask, joined by a hash exchange (serialized network buffers);
//                 every input record produces one rolling result.
//
//   weir_throughput                       # (a) 20M records, (b) 10M records, parallelism 1 and 2
//   weir_throughput --quick               # 1M records each, one repetition (CI smoke run)
//   weir_throughput --records 50000000 --repeat 5 --parallelisms 1,2,4 -D key=value
//
// Every run's checksum is compared with its loop's: a difference prints MISMATCH and exits 1.
// bench/README.md explains every column.
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <functional>
#include <memory>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include <weir/weir.h>

#include "bench_support.h"

namespace {

using weir::bench::Checksum;
using weir::bench::Measurement;
using weir::bench::Repeated;

// ---- the workload: one definition shared by the pipelines and the loops -----------------------

using KeyedRecord = std::pair<int64_t, int64_t>;  // (key, value), then (key, rolling sum)

constexpr uint64_t kGolden = 0x9E3779B97F4A7C15ull;

/// (a) map.
inline int64_t scale(int64_t x) {
    return x * 3 + 1;
}
/// (a) filter: keeps exactly half of the mapped records, in a pattern a branch predictor learns
/// (keep, keep, drop, drop), so that the run measures the engine rather than mispredictions.
inline bool keepScaled(int64_t y) {
    return (y & 2) == 0;
}
/// What a sink adds to its checksum per record. Sums commute, so the checksum does not depend on
/// which subtask saw which record, only on the multiset of results.
inline uint64_t fold(int64_t y) {
    return static_cast<uint64_t>(y);
}
inline uint64_t fold(const KeyedRecord& r) {
    return static_cast<uint64_t>(r.second) * kGolden + static_cast<uint64_t>(r.first);
}

/// The sinks' fold (see weir::bench::ChecksumSink); the timestamp does not count.
struct Fold {
    template <class T>
    uint64_t operator()(const T& value, int64_t) const {
        return fold(value);
    }
};

// ---- source and sink ------------------------------------------------------------------------

/// The numbers 0..n-1, strided (weir::bench::StridedSource): subtask s of p reads s, s+p, s+2p,
/// ... With `keys` divisible by p, all records of one key come from one subtask in increasing
/// order, so the rolling sums of (b) are the same at every parallelism and equal the loop's
/// (fromSequence's contiguous ranges would interleave two producers per key).
struct Identity {
    int64_t operator()(int64_t i) const { return i; }
};
using StridedSequenceSource = weir::bench::StridedSource<int64_t, Identity>;

template <class T>
using ChecksumSink = weir::bench::ChecksumSink<T, Fold>;
using weir::bench::SharedChecksum;

// ---- the pipelines and their loops ----------------------------------------------------------

Checksum runChainedPipeline(const weir::Configuration& conf, int32_t parallelism, int64_t n) {
    auto env = weir::StreamExecutionEnvironment::create(conf);
    env.setParallelism(parallelism);
    auto totals = std::make_shared<SharedChecksum>();
    env.fromSource(StridedSequenceSource(n, Identity{}), "sequence")
        .map([](int64_t x) { return scale(x); })
        .filter([](int64_t y) { return keepScaled(y); })
        .sinkTo(ChecksumSink<int64_t>(totals), "checksum");
    env.execute("bench (a) chained");
    return {totals->count.load(), totals->sum.load()};
}

Checksum runChainedLoop(int64_t n) {
    Checksum c;
    for (int64_t x = 0; x < n; ++x) {
        int64_t y = scale(x);
        if (!keepScaled(y)) continue;
        ++c.count;
        c.sum += fold(y);
    }
    return c;
}

Checksum runKeyedPipeline(const weir::Configuration& conf, int32_t parallelism, int64_t n,
                          int64_t keys) {
    auto env = weir::StreamExecutionEnvironment::create(conf);
    env.setParallelism(parallelism);
    auto totals = std::make_shared<SharedChecksum>();
    env.fromSource(StridedSequenceSource(n, Identity{}), "sequence")
        .map([keys](int64_t x) {
            return KeyedRecord{x % keys, x};
        })
        .keyBy([](const KeyedRecord& r) { return r.first; })
        .sum<1>()
        .sinkTo(ChecksumSink<KeyedRecord>(totals), "checksum");
    env.execute("bench (b) keyed");
    return {totals->count.load(), totals->sum.load()};
}

Checksum runKeyedLoop(int64_t n, int64_t keys) {
    Checksum c;
    std::unordered_map<int64_t, int64_t> sums;
    sums.reserve(static_cast<size_t>(keys));
    for (int64_t x = 0; x < n; ++x) {
        int64_t key = x % keys;
        int64_t& sum = sums[key];
        sum += x;
        ++c.count;
        c.sum += fold(KeyedRecord{key, sum});
    }
    return c;
}

// ---- reporting ------------------------------------------------------------------------------

struct Row {
    std::string pipeline;
    std::string engine;  // "loop" or "weir"
    int32_t parallelism = 1;
    int32_t threads = 1;  // busy threads: tasks of the job, or 1 for the loop
    int64_t records = 0;  // input records
    size_t recordBytes = 0;
    Measurement m;
    double baselineRate = 0;  // records/s of the matching loop
};

void printHeader() {
    std::printf("%-9s %-4s %2s %3s %9s %7s %8s %8s %11s %10s %6s %7s %6s %5s %6s  %s\n", "pipeline",
                "run", "p", "thr", "records", "wall s", "Mrec/s", "MB/s", "Mrec/s/core",
                "Mrec/cpu-s", "ratio", "ratio/c", "maxRSS", "dRSS", "others",
                "checksum (count sum)");
}

void printRow(const Row& r, int cores) {
    const weir::bench::RowFigures f = weir::bench::rowFigures(r.m, r.records, r.threads, cores,
                                                              r.engine == "loop", r.baselineRate);
    std::printf(
        "%-9s %-4s %2d %3d %9lld %7.3f %8.2f %8.1f %11.2f %10.2f %6s %7s %6.1f %5s %6s  %llu "
        "%016llx\n",
        r.pipeline.c_str(), r.engine.c_str(), r.parallelism, r.threads,
        static_cast<long long>(r.records), r.m.wallSeconds, f.rate / 1e6,
        f.rate * r.recordBytes / 1e6, f.perCore / 1e6, f.perCpuSecond / 1e6, f.ratio,
        f.ratioPerCore, f.maxRssMiB, f.growth, f.others,
        static_cast<unsigned long long>(r.m.checksum.count),
        static_cast<unsigned long long>(r.m.checksum.sum));
    std::fflush(stdout);
}

// ---- command line ---------------------------------------------------------------------------

struct Options {
    int64_t chainedRecords = 20'000'000;
    int64_t keyedRecords = 10'000'000;
    int64_t keys = 100'000;
    int repeat = 3;
    std::vector<int32_t> parallelisms{1, 2};
    int cores = 0;  // 0: std::thread::hardware_concurrency()
    bool runChained = true;
    bool runKeyed = true;
};

using weir::bench::parseCount;

const char* kUsage =
    "usage: weir_throughput [--quick] [--records N] [--records-chained N] [--records-keyed N]\n"
    "                       [--keys K] [--repeat R] [--parallelisms 1,2] [--cores C]\n"
    "                       [--only chained|keyed] [-D key=value ...]\n";

Options parseOptions(const std::vector<std::string>& args) {
    Options o;
    for (size_t i = 0; i < args.size(); ++i) {
        const std::string& a = args[i];
        auto value = [&]() -> const std::string& {
            if (i + 1 >= args.size()) throw weir::ConfigException(a + " needs a value\n" + kUsage);
            return args[++i];
        };
        if (a == "--quick") {
            o.chainedRecords = o.keyedRecords = 1'000'000;
            o.repeat = 1;
        } else if (a == "--records") {
            o.chainedRecords = o.keyedRecords = parseCount(a, value());
        } else if (a == "--records-chained") {
            o.chainedRecords = parseCount(a, value());
        } else if (a == "--records-keyed") {
            o.keyedRecords = parseCount(a, value());
        } else if (a == "--keys") {
            o.keys = parseCount(a, value());
        } else if (a == "--only") {
            const std::string& which = value();
            if (which != "chained" && which != "keyed")
                throw weir::ConfigException("invalid --only '" + which +
                                            "': expected chained or keyed");
            o.runChained = which == "chained";
            o.runKeyed = which == "keyed";
        } else if (!weir::bench::parseCommonOption(a, value, kUsage, o.repeat, o.parallelisms,
                                                   o.cores)) {
            throw weir::ConfigException("unknown argument '" + a + "'\n" + kUsage);
        }
    }
    for (int32_t p : o.parallelisms)
        if (o.keys % p != 0)
            throw weir::ConfigException("--keys " + std::to_string(o.keys) +
                                        " must be divisible by parallelism " + std::to_string(p) +
                                        " for (b)'s rolling sums to be deterministic");
    o.cores = weir::bench::coresOrHardware(o.cores);
    return o;
}

/// Runs the loop, then the pipeline at every parallelism; false on a checksum mismatch.
bool benchmark(const std::string& name, int64_t records, size_t recordBytes, int tasksPerSubtask,
               const Options& o, const std::function<Checksum()>& loop,
               const std::function<Checksum(int32_t)>& pipeline) {
    auto mismatch = [&](const std::string& what, const Checksum& expected, const Checksum& got) {
        return weir::bench::reportMismatch(name, what, "count", expected, got);
    };
    Repeated baseline = weir::bench::measure(o.repeat, loop);
    printRow(Row{name, "loop", 1, 1, records, recordBytes, baseline.best, 0}, o.cores);
    if (!baseline.stable)
        return mismatch("loop (between repetitions)", baseline.first, baseline.firstDifferent);
    const double baselineRate = records / baseline.best.wallSeconds;
    for (int32_t p : o.parallelisms) {
        const std::string what = "weir p=" + std::to_string(p);
        Repeated run = weir::bench::measure(o.repeat, [&] { return pipeline(p); });
        printRow(
            Row{name, "weir", p, tasksPerSubtask * p, records, recordBytes, run.best, baselineRate},
            o.cores);
        if (!run.stable)
            return mismatch(what + " (between repetitions)", run.first, run.firstDifferent);
        if (!(run.first == baseline.first)) return mismatch(what, baseline.first, run.first);
    }
    return true;
}

}  // namespace

int main(int argc, char** argv) {
    try {
        // The environment takes weir's own flags (-D key=value, -p N) and leaves ours.
        auto cli = weir::StreamExecutionEnvironment::create(argc, argv);
        const Options o = parseOptions(cli.programArguments());
        const weir::Configuration conf = cli.getConfiguration();

        std::printf(
            "weir_throughput: best of %d run(s); %d core(s); (a) %lld records, (b) %lld records "
            "over %lld keys\n",
            o.repeat, o.cores, static_cast<long long>(o.chainedRecords),
            static_cast<long long>(o.keyedRecords), static_cast<long long>(o.keys));
        std::printf(
            "bytes = input records x serialized record size: (a) int64 = 8 B, (b) "
            "pair<int64,int64> = 16 B\n");
        std::printf(
            "Mrec/s/core = Mrec/s / min(busy threads, cores); ratio = weir Mrec/s / loop Mrec/s; "
            "ratio/c = weir Mrec/s/core / loop Mrec/s\n");
        std::printf("load average (1 min) before: %s\n\n", weir::bench::loadAverage().c_str());
        printHeader();

        bool ok = true;
        if (o.runChained) {
            ok = benchmark(
                "a-chained", o.chainedRecords, sizeof(int64_t), 1, o,
                [&] { return runChainedLoop(o.chainedRecords); },
                [&](int32_t p) { return runChainedPipeline(conf, p, o.chainedRecords); });
        }
        if (ok && o.runKeyed) {
            ok = benchmark(
                "b-keyed", o.keyedRecords, 2 * sizeof(int64_t), 2, o,
                [&] { return runKeyedLoop(o.keyedRecords, o.keys); },
                [&](int32_t p) { return runKeyedPipeline(conf, p, o.keyedRecords, o.keys); });
        }
        std::printf("\nload average (1 min) after: %s\n", weir::bench::loadAverage().c_str());
        return ok ? 0 : 1;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "weir_throughput: %s\n", e.what());
        return 2;
    }
}
