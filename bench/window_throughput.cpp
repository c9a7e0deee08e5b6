// weir_window_throughput: records/s, window results/s and peak memory of keyed event-time window
// sums in Weir, each next to a hand-written single-threaded C++ loop that computes exactly the
// same window sums in the same run.
//
//   tumbling: source -> keyBy(key) -> window(TumblingEventTimeWindows::of(W)) -> sum<1>() -> sink
//   sliding:  source -> keyBy(key) -> window(SlidingEventTimeWindows::of(W, W/2)) -> sum<1>() ->
//   sink
//   session (--only session): source -> keyBy(key) -> window(EventTimeSessionWindows::withGap(G))
//   -> sum<1>() -> sink, over input with a pause of G ms after every W ms of event time
//
// Record i (0 <= i < N) is (key i % K, value i) with event timestamp (i / K) * step: the records
// come in rounds of K, one per key, and every round is one step later than the last, so every
// (key, window) gets W / step records. Two tasks per subtask: source, and window + sink, joined
// by a hash exchange.
//
//   weir_window_throughput                       # 10M records, 10k keys, 100 ms windows, p = 1 and
//   2 weir_window_throughput --quick               # 1M records, 1k keys, one repetition (CI smoke
//   run) weir_window_throughput --records 50000000 --keys 100000 --window-ms 1000 --watermarks
//   per-event
//
// Every run's checksum is compared with its loop's: a difference prints MISMATCH and exits 1.
// bench/README.md explains every column.
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <functional>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include <weir/weir.h>

#include "bench_support.h"

namespace {

using weir::bench::Checksum;  // count: window results
using weir::bench::Measurement;
using weir::bench::Repeated;

// ---- the workload: one definition shared by the pipelines and the loops -----------------------

using Record = std::pair<int64_t, int64_t>;  // (key, value) in, (key, window sum) out

constexpr uint64_t kGolden = 0x9E3779B97F4A7C15ull;
constexpr uint64_t kMix = 0xC2B2AE3D27D4EB4Full;

struct Workload {
    int64_t records = 0;  // N
    int64_t keys = 0;     // K
    int64_t stepMs = 1;   // event time between two rounds of K records
    int64_t sizeMs = 0;   // window size
    int64_t slideMs = 0;  // == sizeMs: tumbling
    int64_t gapMs = 0;    // > 0: session windows of this gap; sizeMs is then a session's length

    bool tumbling() const { return gapMs == 0 && slideMs == sizeMs; }
    bool session() const { return gapMs > 0; }
    /// Rounds of K records per session: sizeMs of event time.
    int64_t roundsPerSession() const { return std::max<int64_t>(1, sizeMs / stepMs); }
    /// Record i's event timestamp; the pipelines compute it from the record's value (== i).
    /// Session input pauses gapMs after every session, so the next round starts a new session of
    /// every key (its distance to the session's last record is stepMs + gapMs > gapMs).
    int64_t timestamp(int64_t i) const {
        int64_t round = i / keys;
        return round * stepMs + (session() ? round / roundsPerSession() * gapMs : 0);
    }
    /// Windows (and window results) per key over the whole input.
    int64_t windowsPerKey() const {
        int64_t last = timestamp(records - 1);
        // Window starts are multiples of the slide; the first window holding timestamp 0 starts
        // at the largest multiple of the slide that is > -size.
        int64_t first = -((sizeMs - 1) / slideMs) * slideMs;
        return (last - last % slideMs - first) / slideMs + 1;
    }
    /// Window results over the whole input, when N is a multiple of K (every key has a record at
    /// every timestamp) and size >= step (no window falls between two timestamps).
    int64_t results() const {
        if (session()) {
            int64_t rounds = (records + keys - 1) / keys;
            return std::min(keys, records) *
                   ((rounds + roundsPerSession() - 1) / roundsPerSession());
        }
        return std::min(keys, records) * windowsPerKey();
    }
};

/// What a sink adds to its checksum per window result: the key, the sum, and the result's
/// timestamp (the window's max timestamp, end - 1), so that a result in the wrong window counts.
/// Sums commute, so the checksum does not depend on which subtask saw which result or in what
/// order windows fired.
inline uint64_t fold(const Record& r, int64_t timestamp) {
    return static_cast<uint64_t>(r.second) * kGolden + static_cast<uint64_t>(r.first) * kMix +
           static_cast<uint64_t>(timestamp);
}

/// The sinks' fold (see weir::bench::ChecksumSink).
struct Fold {
    uint64_t operator()(const Record& r, int64_t timestamp) const { return fold(r, timestamp); }
};

// ---- source ---------------------------------------------------------------------------------

/// Records 0..n-1 as (i % keys, i), strided (weir::bench::StridedSource): subtask s of p reads
/// s, s+p, s+2p, ... Each subtask's timestamps then ascend (and advance in step with the other
/// subtasks'), so with a watermark that trails the largest timestamp no record is ever late, at
/// any parallelism: the window operator's watermark is the minimum over its producers.
struct MakeRecord {
    int64_t keys;
    Record operator()(int64_t i) const { return Record{i % keys, i}; }
};
using StridedRecordSource = weir::bench::StridedSource<Record, MakeRecord>;

/// Emits (timestamp - 1) as soon as a record with a larger timestamp arrives: the watermark of
/// forMonotonousTimestamps, but after every round instead of every auto-watermark-interval, so
/// that when windows fire (and how much state is open) does not depend on the wall clock.
class PerEventAscendingWatermarks final : public weir::WatermarkGenerator<Record> {
public:
    void onEvent(const Record&, int64_t timestamp, weir::WatermarkOutput& out) override {
        if (timestamp - 1 <= emitted_) return;
        emitted_ = timestamp - 1;
        out.emitWatermark(emitted_);
    }
    void onPeriodicEmit(weir::WatermarkOutput&) override {}

private:
    int64_t emitted_ = weir::kMinWatermark;
};

enum class WatermarkMode { PERIODIC, PER_EVENT };

weir::WatermarkStrategy<Record> watermarkStrategy(const Workload& w, WatermarkMode mode) {
    auto strategy = mode == WatermarkMode::PERIODIC
                        ? weir::WatermarkStrategy<Record>::forMonotonousTimestamps()
                        : weir::WatermarkStrategy<Record>::forGenerator(
                              [] { return std::make_unique<PerEventAscendingWatermarks>(); });
    // value == i, so this is Workload::timestamp(i).
    return strategy.withTimestampAssigner(
        [w](const Record& r, int64_t) { return w.timestamp(r.second); });
}

// ---- sink -----------------------------------------------------------------------------------

/// Folds every window result (weir::bench::ChecksumSink).
using ChecksumSink = weir::bench::ChecksumSink<Record, Fold>;
using weir::bench::SharedChecksum;

// ---- the pipelines and their loops ----------------------------------------------------------

Checksum runWindowPipeline(const weir::Configuration& conf, int32_t parallelism, const Workload& w,
                           WatermarkMode mode) {
    auto env = weir::StreamExecutionEnvironment::create(conf);
    env.setParallelism(parallelism);
    auto totals = std::make_shared<SharedChecksum>();
    auto keyed = env.fromSource(StridedRecordSource(w.records, MakeRecord{w.keys}),
                                watermarkStrategy(w, mode), "records")
                     .keyBy([](const Record& r) { return r.first; });
    const weir::Duration size(w.sizeMs), slide(w.slideMs), gap(w.gapMs);
    auto sums = w.session() ? keyed.window(weir::EventTimeSessionWindows::withGap(gap)).sum<1>()
                : w.tumbling()
                    ? keyed.window(weir::TumblingEventTimeWindows::of(size)).sum<1>()
                    : keyed.window(weir::SlidingEventTimeWindows::of(size, slide)).sum<1>();
    sums.sinkTo(ChecksumSink(totals), "checksum");
    env.execute(w.session()    ? "bench window session"
                : w.tumbling() ? "bench window tumbling"
                               : "bench window sliding");
    return {totals->count.load(), totals->sum.load()};
}

struct WindowKey {
    int64_t key;
    int64_t start;
    bool operator==(const WindowKey&) const = default;
};
struct WindowKeyHash {
    size_t operator()(const WindowKey& w) const {
        uint64_t h = static_cast<uint64_t>(w.key) * kGolden ^ static_cast<uint64_t>(w.start);
        return static_cast<size_t>(h ^ (h >> 32));
    }
};

/// What a programmer would write by hand: one hash map from (key, window start) to the running
/// sum. The watermark trails the largest timestamp by 1 ms, as forMonotonousTimestamps' does;
/// when it reaches the end of the oldest open window, one pass over the map emits and removes
/// every window it closed. The end of input closes the rest.
Checksum runWindowLoop(const Workload& w) {
    Checksum c;
    const int64_t size = w.sizeMs, slide = w.slideMs;
    std::unordered_map<WindowKey, int64_t, WindowKeyHash> sums;
    sums.reserve(static_cast<size_t>(w.keys * ((size + slide - 1) / slide + 1)));
    int64_t nextEnd = std::numeric_limits<int64_t>::max();  // the smallest end of an open window
    auto fire = [&](int64_t watermark) {
        nextEnd = std::numeric_limits<int64_t>::max();
        for (auto it = sums.begin(); it != sums.end();) {
            int64_t end = it->first.start + size;
            if (end - 1 <= watermark) {
                ++c.count;
                c.sum += fold(Record{it->first.key, it->second}, end - 1);
                it = sums.erase(it);
            } else {
                nextEnd = std::min(nextEnd, end);
                ++it;
            }
        }
    };
    for (int64_t i = 0; i < w.records; ++i) {
        const int64_t key = i % w.keys, ts = w.timestamp(i);
        // The watermark ts - 1 reached the max timestamp (end - 1) of the oldest open window.
        if (ts >= nextEnd) fire(ts - 1);
        for (int64_t start = ts - ts % slide; start > ts - size; start -= slide) {
            sums[WindowKey{key, start}] += i;
            nextEnd = std::min(nextEnd, start + size);
        }
    }
    fire(weir::kMaxWatermark);
    return c;
}

/// Session windows by hand: per key the open session's last timestamp and sum. A record more
/// than a gap after its key's last one closes the session (its result's timestamp is the
/// session window's max timestamp, last + gap - 1); the end of input closes the rest. Results
/// are folded in another order than the pipeline's, which the checksum does not see.
Checksum runSessionLoop(const Workload& w) {
    struct Open {
        int64_t last = 0;
        int64_t sum = 0;
        bool open = false;
    };
    Checksum c;
    std::vector<Open> sessions(static_cast<size_t>(w.keys));
    auto close = [&](int64_t key, const Open& s) {
        ++c.count;
        c.sum += fold(Record{key, s.sum}, s.last + w.gapMs - 1);
    };
    for (int64_t i = 0; i < w.records; ++i) {
        const int64_t key = i % w.keys, ts = w.timestamp(i);
        Open& s = sessions[static_cast<size_t>(key)];
        if (s.open && ts >= s.last + w.gapMs) {
            close(key, s);
            s.open = false;
        }
        if (!s.open) s = Open{ts, 0, true};
        s.last = std::max(s.last, ts);
        s.sum += i;
    }
    for (int64_t key = 0; key < w.keys; ++key)
        if (sessions[static_cast<size_t>(key)].open) close(key, sessions[static_cast<size_t>(key)]);
    return c;
}

// ---- reporting ------------------------------------------------------------------------------

struct Row {
    std::string pipeline;
    std::string engine;  // "loop" or "weir"
    int32_t parallelism = 1;
    int32_t threads = 1;  // busy threads: tasks of the job, or 1 for the loop
    int64_t records = 0;  // input records
    Measurement m;
    double baselineRate = 0;  // records/s of the matching loop
};

void printHeader() {
    std::printf("%-8s %-4s %2s %3s %9s %8s %7s %8s %11s %10s %7s %6s %7s %6s %5s %6s  %s\n",
                "pipeline", "run", "p", "thr", "records", "results", "wall s", "Mrec/s",
                "Mrec/s/core", "Mrec/cpu-s", "Mres/s", "ratio", "ratio/c", "maxRSS", "dRSS",
                "others", "checksum (results sum)");
}

/// Prints a row; returns its records/s per core.
double printRow(const Row& r, int cores) {
    const weir::bench::RowFigures f = weir::bench::rowFigures(r.m, r.records, r.threads, cores,
                                                              r.engine == "loop", r.baselineRate);
    double resultRate = static_cast<double>(r.m.checksum.count) / r.m.wallSeconds;
    std::printf(
        "%-8s %-4s %2d %3d %9lld %8llu %7.3f %8.2f %11.2f %10.2f %7.3f %6s %7s %6.1f %5s %6s  "
        "%llu %016llx\n",
        r.pipeline.c_str(), r.engine.c_str(), r.parallelism, r.threads,
        static_cast<long long>(r.records), static_cast<unsigned long long>(r.m.checksum.count),
        r.m.wallSeconds, f.rate / 1e6, f.perCore / 1e6, f.perCpuSecond / 1e6, resultRate / 1e6,
        f.ratio, f.ratioPerCore, f.maxRssMiB, f.growth, f.others,
        static_cast<unsigned long long>(r.m.checksum.count),
        static_cast<unsigned long long>(r.m.checksum.sum));
    std::fflush(stdout);
    return f.perCore;
}

// ---- command line ---------------------------------------------------------------------------

struct Options {
    int64_t records = 10'000'000;
    std::optional<int64_t> keys;  // default 10000, or 1000 with --quick
    int64_t stepMs = 1;
    int64_t windowMs = 100;
    std::optional<int64_t> slideMs;  // of the sliding pipeline; default windowMs / 2
    int64_t gapMs = 10;              // of the session pipeline
    WatermarkMode watermarks = WatermarkMode::PERIODIC;
    int repeat = 3;
    std::vector<int32_t> parallelisms{1, 2};
    int cores = 0;  // 0: std::thread::hardware_concurrency()
    bool runTumbling = true;
    bool runSliding = true;
    bool runSession = false;  // --only session
};

using weir::bench::parseCount;

const char* kUsage =
    "usage: weir_window_throughput [--quick] [--records N] [--keys K] [--window-ms W]\n"
    "                              [--slide-ms S] [--step-ms T] [--watermarks periodic|per-event]\n"
    "                              [--repeat R] [--parallelisms 1,2] [--cores C]\n"
    "                              [--only tumbling|sliding|session] [--gap-ms G]\n"
    "                              [-D key=value ...]\n";

Options parseOptions(const std::vector<std::string>& args) {
    Options o;
    bool quick = false;
    for (size_t i = 0; i < args.size(); ++i) {
        const std::string& a = args[i];
        auto value = [&]() -> const std::string& {
            if (i + 1 >= args.size()) throw weir::ConfigException(a + " needs a value\n" + kUsage);
            return args[++i];
        };
        if (a == "--quick") {
            quick = true;
            o.records = 1'000'000;
            o.repeat = 1;
        } else if (a == "--records") {
            o.records = parseCount(a, value());
        } else if (a == "--keys") {
            o.keys = parseCount(a, value());
        } else if (a == "--window-ms") {
            o.windowMs = parseCount(a, value());
        } else if (a == "--slide-ms") {
            o.slideMs = parseCount(a, value());
        } else if (a == "--gap-ms") {
            o.gapMs = parseCount(a, value());
        } else if (a == "--step-ms") {
            o.stepMs = parseCount(a, value());
        } else if (a == "--watermarks") {
            const std::string& which = value();
            if (which != "periodic" && which != "per-event")
                throw weir::ConfigException("invalid --watermarks '" + which +
                                            "': expected periodic or per-event");
            o.watermarks = which == "periodic" ? WatermarkMode::PERIODIC : WatermarkMode::PER_EVENT;
        } else if (a == "--only") {
            const std::string& which = value();
            if (which != "tumbling" && which != "sliding" && which != "session")
                throw weir::ConfigException("invalid --only '" + which +
                                            "': expected tumbling, sliding or session");
            o.runTumbling = which == "tumbling";
            o.runSliding = which == "sliding";
            o.runSession = which == "session";
        } else if (!weir::bench::parseCommonOption(a, value, kUsage, o.repeat, o.parallelisms,
                                                   o.cores)) {
            throw weir::ConfigException("unknown argument '" + a + "'\n" + kUsage);
        }
    }
    // --quick keeps the shape of the default run (1000 rounds of K records, 10 tumbling windows
    // per key) with a tenth of the records, so that windows fire before the end of input too.
    if (!o.keys) o.keys = quick ? 1'000 : 10'000;
    if (!o.slideMs) o.slideMs = std::max<int64_t>(1, o.windowMs / 2);
    if (*o.slideMs > o.windowMs)
        throw weir::ConfigException("--slide-ms must not exceed --window-ms");
    o.cores = weir::bench::coresOrHardware(o.cores);
    return o;
}

/// Runs the loop, then the pipeline at every parallelism; false on a checksum mismatch. Collects
/// the Weir rows' records/s per core in `perCore` (by parallelism).
bool benchmark(const std::string& name, const Workload& w, const Options& o,
               std::vector<std::pair<int32_t, double>>& perCore,
               const std::function<Checksum(int32_t)>& pipeline) {
    auto mismatch = [&](const std::string& what, const Checksum& expected, const Checksum& got) {
        return weir::bench::reportMismatch(name, what, "results", expected, got);
    };
    Repeated baseline = weir::bench::measure(
        o.repeat, [&] { return w.session() ? runSessionLoop(w) : runWindowLoop(w); });
    printRow(Row{name, "loop", 1, 1, w.records, baseline.best, 0}, o.cores);
    if (!baseline.stable)
        return mismatch("loop (between repetitions)", baseline.first, baseline.firstDifferent);
    // results() is exact when every key has a record at every timestamp and no window falls
    // between two timestamps.
    if (w.records % w.keys == 0 && w.sizeMs >= w.stepMs &&
        baseline.first.count != static_cast<uint64_t>(w.results()))
        return mismatch("loop (results expected from the workload)",
                        Checksum{static_cast<uint64_t>(w.results()), baseline.first.sum},
                        baseline.first);
    const double baselineRate = w.records / baseline.best.wallSeconds;
    for (int32_t p : o.parallelisms) {
        const std::string what = "weir p=" + std::to_string(p);
        Repeated run = weir::bench::measure(o.repeat, [&] { return pipeline(p); });
        perCore.emplace_back(
            p, printRow(Row{name, "weir", p, 2 * p, w.records, run.best, baselineRate}, o.cores));
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

        Workload tumbling{o.records, *o.keys, o.stepMs, o.windowMs, o.windowMs};
        Workload sliding{o.records, *o.keys, o.stepMs, o.windowMs, *o.slideMs};
        Workload session{o.records, *o.keys, o.stepMs, o.windowMs, o.windowMs, o.gapMs};

        std::printf(
            "weir_window_throughput: best of %d run(s); %d core(s); %lld records over %lld keys, "
            "timestamp = (i / keys) * %lld ms (%lld ms of event time)\n",
            o.repeat, o.cores, static_cast<long long>(o.records),
            static_cast<long long>(tumbling.keys), static_cast<long long>(o.stepMs),
            static_cast<long long>(tumbling.timestamp(o.records - 1) + 1));
        std::printf(
            "tumbling %lld ms, sliding %lld ms every %lld ms: %lld records per key and window; "
            "watermarks: %s\n",
            static_cast<long long>(o.windowMs), static_cast<long long>(o.windowMs),
            static_cast<long long>(*o.slideMs),
            static_cast<long long>((o.windowMs + o.stepMs - 1) / o.stepMs),
            o.watermarks == WatermarkMode::PERIODIC
                ? "forMonotonousTimestamps (every pipeline.auto-watermark-interval)"
                : "per event (timestamp - 1 at every new timestamp)");
        std::printf(
            "Mrec/s/core = Mrec/s / min(busy threads, cores); Mres/s = window results/s; "
            "ratio = weir Mrec/s / loop Mrec/s; ratio/c = weir Mrec/s/core / loop Mrec/s\n");
        std::printf("load average (1 min) before: %s\n\n", weir::bench::loadAverage().c_str());
        printHeader();

        bool ok = true;
        std::vector<std::pair<int32_t, double>> tumblingPerCore, slidingPerCore, sessionPerCore;
        if (o.runTumbling) {
            ok = benchmark("tumbling", tumbling, o, tumblingPerCore, [&](int32_t p) {
                return runWindowPipeline(conf, p, tumbling, o.watermarks);
            });
        }
        if (ok && o.runSliding) {
            ok = benchmark("sliding", sliding, o, slidingPerCore, [&](int32_t p) {
                return runWindowPipeline(conf, p, sliding, o.watermarks);
            });
        }
        if (ok && o.runSession) {
            std::printf("session: gap %lld ms, a pause of %lld ms after every %lld ms\n",
                        static_cast<long long>(o.gapMs), static_cast<long long>(o.gapMs),
                        static_cast<long long>(o.windowMs));
            ok = benchmark("session", session, o, sessionPerCore, [&](int32_t p) {
                return runWindowPipeline(conf, p, session, o.watermarks);
            });
        }
        std::printf("\nload average (1 min) after: %s\n", weir::bench::loadAverage().c_str());
        if (ok && !tumblingPerCore.empty()) {
            std::printf("target: tumbling >= 5 Mrec/s per core:");
            for (auto [p, perCore] : tumblingPerCore)
                std::printf(" p=%d %.2f (%s)", p, perCore / 1e6,
                            perCore >= 5e6 ? "met" : "not met");
            std::printf("\n");
        }
        return ok ? 0 : 1;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "weir_window_throughput: %s\n", e.what());
        return 2;
    }
}
