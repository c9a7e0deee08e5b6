// weir_window_throughput: records/s, window results/s and peak memory of keyed event-time window
// sums in Weir, each next to a hand-written single-threaded C++ loop that computes exactly the
// same window sums in the same run.
//
//   tumbling: source -> keyBy(key) -> window(TumblingEventTimeWindows::of(W)) -> sum<1>() -> sink
//   sliding:  source -> keyBy(key) -> window(SlidingEventTimeWindows::of(W, W/2)) -> sum<1>() ->
//   sink
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
#include <sys/resource.h>
#include <unistd.h>
#if defined(__GLIBC__)
#include <malloc.h>
#endif

#include <algorithm>
#include <atomic>
#include <charconv>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <unordered_map>
#include <utility>
#include <vector>

#include <weir/weir.h>

namespace {

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

    bool tumbling() const { return slideMs == sizeMs; }
    /// Record i's event timestamp; the pipelines compute it from the record's value (== i).
    int64_t timestamp(int64_t i) const { return i / keys * stepMs; }
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
    int64_t results() const { return std::min(keys, records) * windowsPerKey(); }
};

/// What a sink adds to its checksum per window result: the key, the sum, and the result's
/// timestamp (the window's max timestamp, end - 1), so that a result in the wrong window counts.
/// Sums commute, so the checksum does not depend on which subtask saw which result or in what
/// order windows fired.
inline uint64_t fold(const Record& r, int64_t timestamp) {
    return static_cast<uint64_t>(r.second) * kGolden + static_cast<uint64_t>(r.first) * kMix +
           static_cast<uint64_t>(timestamp);
}

struct Checksum {
    uint64_t count = 0;  // window results
    uint64_t sum = 0;
    bool operator==(const Checksum&) const = default;
};

// ---- source ---------------------------------------------------------------------------------

/// Records 0..n-1 as (i % keys, i), one per pollNext like NumberSequenceSource, strided: subtask
/// s of p reads s, s+p, s+2p, ... Each subtask's timestamps then ascend (and advance in step with
/// the other subtasks'), so with a watermark that trails the largest timestamp no record is ever
/// late, at any parallelism: the window operator's watermark is the minimum over its producers.
class StridedRecordSource final : public weir::Source<Record> {
public:
    StridedRecordSource(int64_t n, int64_t keys) : n_(n), keys_(keys) {}
    weir::Boundedness getBoundedness() const override { return weir::Boundedness::BOUNDED; }
    std::unique_ptr<weir::SourceReader<Record>> createReader(
        const weir::SourceReaderContext& ctx) const override {
        return std::make_unique<Reader>(ctx.subtaskIndex, ctx.parallelism, n_, keys_);
    }

private:
    class Reader final : public weir::SourceReader<Record> {
    public:
        Reader(int64_t first, int64_t step, int64_t end, int64_t keys)
            : next_(first), step_(step), end_(end), keys_(keys) {}
        weir::InputStatus pollNext(weir::ReaderOutput<Record>& out) override {
            if (next_ >= end_) return weir::InputStatus::END_OF_INPUT;
            out.collect(Record{next_ % keys_, next_});
            next_ += step_;
            return next_ < end_ ? weir::InputStatus::MORE_AVAILABLE
                                : weir::InputStatus::END_OF_INPUT;
        }

    private:
        int64_t next_;
        int64_t step_;
        int64_t end_;
        int64_t keys_;
    };
    int64_t n_;
    int64_t keys_;
};

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
    const int64_t keys = w.keys, step = w.stepMs;
    // value == i, so this is Workload::timestamp(i).
    return strategy.withTimestampAssigner(
        [keys, step](const Record& r, int64_t) { return r.second / keys * step; });
}

// ---- sink -----------------------------------------------------------------------------------

struct SharedChecksum {
    std::atomic<uint64_t> count{0};
    std::atomic<uint64_t> sum{0};
};

/// Each writer folds its window results into plain locals (no atomics per record) and adds them
/// to the shared totals once, at the end of input.
class ChecksumSink final : public weir::Sink<Record> {
public:
    explicit ChecksumSink(std::shared_ptr<SharedChecksum> totals) : totals_(std::move(totals)) {}
    std::unique_ptr<weir::SinkWriter<Record>> createWriter(
        const weir::SinkWriterContext&) const override {
        return std::make_unique<Writer>(totals_);
    }

private:
    class Writer final : public weir::SinkWriter<Record> {
    public:
        explicit Writer(std::shared_ptr<SharedChecksum> totals) : totals_(std::move(totals)) {}
        void write(const Record& value, int64_t timestamp) override {
            ++count_;
            sum_ += fold(value, timestamp);
        }
        void flush(bool endOfInput) override {
            if (!endOfInput) return;
            totals_->count.fetch_add(count_);
            totals_->sum.fetch_add(sum_);
            count_ = sum_ = 0;
        }

    private:
        std::shared_ptr<SharedChecksum> totals_;
        uint64_t count_ = 0;
        uint64_t sum_ = 0;
    };
    std::shared_ptr<SharedChecksum> totals_;
};

// ---- the pipelines and their loops ----------------------------------------------------------

Checksum runWindowPipeline(const weir::Configuration& conf, int32_t parallelism, const Workload& w,
                           WatermarkMode mode) {
    auto env = weir::StreamExecutionEnvironment::create(conf);
    env.setParallelism(parallelism);
    auto totals = std::make_shared<SharedChecksum>();
    auto keyed = env.fromSource(StridedRecordSource(w.records, w.keys), watermarkStrategy(w, mode),
                                "records")
                     .keyBy([](const Record& r) { return r.first; });
    const weir::Duration size(w.sizeMs), slide(w.slideMs);
    auto sums = w.tumbling()
                    ? keyed.window(weir::TumblingEventTimeWindows::of(size)).sum<1>()
                    : keyed.window(weir::SlidingEventTimeWindows::of(size, slide)).sum<1>();
    sums.sinkTo(ChecksumSink(totals), "checksum");
    env.execute(w.tumbling() ? "bench window tumbling" : "bench window sliding");
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

// ---- measuring ------------------------------------------------------------------------------

/// A /proc/self/status field in KiB (VmRSS, VmHWM), or -1.
int64_t procStatusKiB(const std::string& field) {
    std::ifstream in("/proc/self/status");
    std::string line;
    while (std::getline(in, line)) {
        if (line.rfind(field + ":", 0) != 0) continue;
        return std::strtoll(line.c_str() + field.size() + 1, nullptr, 10);
    }
    return -1;
}

/// Resets VmHWM to the current RSS (Linux >= 4.0), so that it shows the peak of the next run.
bool resetPeakRss() {
    std::ofstream out("/proc/self/clear_refs");
    out << "5";
    out.flush();
    return static_cast<bool>(out);
}

double cpuSeconds() {
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    auto sec = [](const timeval& t) { return static_cast<double>(t.tv_sec) + t.tv_usec * 1e-6; };
    return sec(u.ru_utime) + sec(u.ru_stime);
}

int64_t maxRssKiB() {
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    return u.ru_maxrss;  // KiB on Linux
}

struct Measurement {
    Checksum checksum;
    double wallSeconds = 0;
    double cpuSeconds = 0;
    int64_t rssGrowthKiB = -1;  // peak RSS during the run minus RSS before it
    double otherCores = -1;     // cores other processes (and the hypervisor) kept busy meanwhile
};

/// CPU seconds the whole machine spent busy (user, nice, system, irq, softirq, steal) since boot,
/// from /proc/stat, or -1.
double machineBusySeconds() {
    std::ifstream in("/proc/stat");
    std::string cpu;
    uint64_t user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0;
    if (!(in >> cpu >> user >> nice >> system >> idle >> iowait >> irq >> softirq >> steal) ||
        cpu != "cpu")
        return -1;
    return static_cast<double>(user + nice + system + irq + softirq + steal) / sysconf(_SC_CLK_TCK);
}

/// The 1-minute load average: other processes competing for the cores skew every figure.
std::string loadAverage() {
    std::ifstream in("/proc/loadavg");
    std::string oneMinute;
    in >> oneMinute;
    return oneMinute.empty() ? "?" : oneMinute;
}

Measurement measureOnce(const std::function<Checksum()>& run) {
#if defined(__GLIBC__)
    malloc_trim(0);  // give the previous run's freed heap back, so that its reuse is not hidden
#endif
    int64_t rssBefore = procStatusKiB("VmRSS");
    bool hwmReset = resetPeakRss();
    double cpu0 = cpuSeconds();
    double busy0 = machineBusySeconds();
    auto t0 = std::chrono::steady_clock::now();
    Measurement m;
    m.checksum = run();
    auto t1 = std::chrono::steady_clock::now();
    m.cpuSeconds = cpuSeconds() - cpu0;
    m.wallSeconds = std::chrono::duration<double>(t1 - t0).count();
    double busy1 = machineBusySeconds();
    // /proc/stat counts in clock ticks (10 ms): meaningful for runs of a few tenths of a second.
    if (busy0 >= 0 && busy1 >= 0)
        m.otherCores = std::max(0.0, (busy1 - busy0 - m.cpuSeconds) / m.wallSeconds);
    int64_t hwm = procStatusKiB("VmHWM");
    // Without the reset VmHWM is the process-lifetime peak, which says nothing about this run.
    // The kernel updates both counters lazily (by up to a few pages per thread): clamp at 0.
    if (rssBefore >= 0 && hwm >= 0 && hwmReset)
        m.rssGrowthKiB = std::max<int64_t>(0, hwm - rssBefore);
    return m;
}

struct Repeated {
    Measurement best;         // the run with the shortest wall time
    Checksum first;           // the first run's checksum
    bool stable = true;       // every run had the first run's checksum
    Checksum firstDifferent;  // else the first one that did not
};

Repeated measure(int repeat, const std::function<Checksum()>& run) {
    Repeated r;
    for (int i = 0; i < repeat; ++i) {
        Measurement m = measureOnce(run);
        if (i == 0) {
            r.best = m;
            r.first = m.checksum;
            continue;
        }
        if (r.stable && !(m.checksum == r.first)) {
            r.stable = false;
            r.firstDifferent = m.checksum;
        }
        if (m.wallSeconds < r.best.wallSeconds) r.best = m;
    }
    return r;
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
    double rate = r.records / r.m.wallSeconds;
    int busy = std::min(r.threads, cores);
    double perCore = rate / busy;
    double perCpuSecond = r.m.cpuSeconds > 0 ? r.records / r.m.cpuSeconds : 0;
    double resultRate = static_cast<double>(r.m.checksum.count) / r.m.wallSeconds;
    char ratio[16] = "-", ratioPerCore[16] = "-";
    if (r.engine != "loop" && r.baselineRate > 0) {
        std::snprintf(ratio, sizeof ratio, "%.1f%%", 100.0 * rate / r.baselineRate);
        std::snprintf(ratioPerCore, sizeof ratioPerCore, "%.1f%%",
                      100.0 * perCore / r.baselineRate);
    }
    char growth[16] = "-";
    if (r.m.rssGrowthKiB >= 0)
        std::snprintf(growth, sizeof growth, "%.1f", r.m.rssGrowthKiB / 1024.0);
    char others[16] = "-";
    if (r.m.otherCores >= 0) std::snprintf(others, sizeof others, "%.2f", r.m.otherCores);
    std::printf(
        "%-8s %-4s %2d %3d %9lld %8llu %7.3f %8.2f %11.2f %10.2f %7.3f %6s %7s %6.1f %5s %6s  "
        "%llu %016llx\n",
        r.pipeline.c_str(), r.engine.c_str(), r.parallelism, r.threads,
        static_cast<long long>(r.records), static_cast<unsigned long long>(r.m.checksum.count),
        r.m.wallSeconds, rate / 1e6, perCore / 1e6, perCpuSecond / 1e6, resultRate / 1e6, ratio,
        ratioPerCore, maxRssKiB() / 1024.0, growth, others,
        static_cast<unsigned long long>(r.m.checksum.count),
        static_cast<unsigned long long>(r.m.checksum.sum));
    std::fflush(stdout);
    return perCore;
}

// ---- command line ---------------------------------------------------------------------------

struct Options {
    int64_t records = 10'000'000;
    std::optional<int64_t> keys;  // default 10000, or 1000 with --quick
    int64_t stepMs = 1;
    int64_t windowMs = 100;
    std::optional<int64_t> slideMs;  // of the sliding pipeline; default windowMs / 2
    WatermarkMode watermarks = WatermarkMode::PERIODIC;
    int repeat = 3;
    std::vector<int32_t> parallelisms{1, 2};
    int cores = 0;  // 0: std::thread::hardware_concurrency()
    bool runTumbling = true;
    bool runSliding = true;
};

int64_t parseCount(const std::string& flag, const std::string& text) {
    int64_t v = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (ec != std::errc() || end != text.data() + text.size() || v < 1)
        throw weir::ConfigException("invalid " + flag + " '" + text +
                                    "': expected a positive integer");
    return v;
}

const char* kUsage =
    "usage: weir_window_throughput [--quick] [--records N] [--keys K] [--window-ms W]\n"
    "                              [--slide-ms S] [--step-ms T] [--watermarks periodic|per-event]\n"
    "                              [--repeat R] [--parallelisms 1,2] [--cores C]\n"
    "                              [--only tumbling|sliding] [-D key=value ...]\n";

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
        } else if (a == "--step-ms") {
            o.stepMs = parseCount(a, value());
        } else if (a == "--watermarks") {
            const std::string& which = value();
            if (which != "periodic" && which != "per-event")
                throw weir::ConfigException("invalid --watermarks '" + which +
                                            "': expected periodic or per-event");
            o.watermarks = which == "periodic" ? WatermarkMode::PERIODIC : WatermarkMode::PER_EVENT;
        } else if (a == "--repeat") {
            o.repeat = static_cast<int>(parseCount(a, value()));
        } else if (a == "--cores") {
            o.cores = static_cast<int>(parseCount(a, value()));
        } else if (a == "--only") {
            const std::string& which = value();
            if (which != "tumbling" && which != "sliding")
                throw weir::ConfigException("invalid --only '" + which +
                                            "': expected tumbling or sliding");
            o.runTumbling = which == "tumbling";
            o.runSliding = which == "sliding";
        } else if (a == "--parallelisms") {
            o.parallelisms.clear();
            std::string list = value();
            for (size_t start = 0; start <= list.size();) {
                size_t comma = std::min(list.find(',', start), list.size());
                o.parallelisms.push_back(
                    static_cast<int32_t>(parseCount(a, list.substr(start, comma - start))));
                start = comma + 1;
            }
        } else if (a == "--help" || a == "-h") {
            std::fputs(kUsage, stdout);
            std::exit(0);
        } else {
            throw weir::ConfigException("unknown argument '" + a + "'\n" + kUsage);
        }
    }
    // --quick keeps the shape of the default run (1000 rounds of K records, 10 tumbling windows
    // per key) with a tenth of the records, so that windows fire before the end of input too.
    if (!o.keys) o.keys = quick ? 1'000 : 10'000;
    if (!o.slideMs) o.slideMs = std::max<int64_t>(1, o.windowMs / 2);
    if (*o.slideMs > o.windowMs)
        throw weir::ConfigException("--slide-ms must not exceed --window-ms");
    if (o.cores == 0) o.cores = std::max(1u, std::thread::hardware_concurrency());
    return o;
}

/// Runs the loop, then the pipeline at every parallelism; false on a checksum mismatch. Collects
/// the Weir rows' records/s per core in `perCore` (by parallelism).
bool benchmark(const std::string& name, const Workload& w, const Options& o,
               std::vector<std::pair<int32_t, double>>& perCore,
               const std::function<Checksum(int32_t)>& pipeline) {
    auto mismatch = [&](const std::string& what, const Checksum& expected, const Checksum& got) {
        std::printf(
            "MISMATCH %s %s: expected results %llu sum %016llx, got results %llu sum %016llx\n",
            name.c_str(), what.c_str(), static_cast<unsigned long long>(expected.count),
            static_cast<unsigned long long>(expected.sum),
            static_cast<unsigned long long>(got.count), static_cast<unsigned long long>(got.sum));
        return false;
    };
    Repeated baseline = measure(o.repeat, [&] { return runWindowLoop(w); });
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
        Repeated run = measure(o.repeat, [&] { return pipeline(p); });
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
        std::printf("load average (1 min) before: %s\n\n", loadAverage().c_str());
        printHeader();

        bool ok = true;
        std::vector<std::pair<int32_t, double>> tumblingPerCore, slidingPerCore;
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
        std::printf("\nload average (1 min) after: %s\n", loadAverage().c_str());
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
