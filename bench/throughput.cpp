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
#include <memory>
#include <string>
#include <thread>
#include <unordered_map>
#include <utility>
#include <vector>

#include <weir/weir.h>

namespace {

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

struct Checksum {
    uint64_t count = 0;
    uint64_t sum = 0;
    bool operator==(const Checksum&) const = default;
};

// ---- source ---------------------------------------------------------------------------------

/// The numbers 0..n-1, one per pollNext like NumberSequenceSource, but strided: subtask s of p
/// reads s, s+p, s+2p, ... With `keys` divisible by p, all records of one key come from one
/// subtask in increasing order, so the rolling sums of (b) are the same at every parallelism and
/// equal the loop's (fromSequence's contiguous ranges would interleave two producers per key).
class StridedSequenceSource final : public weir::Source<int64_t> {
public:
    explicit StridedSequenceSource(int64_t n) : n_(n) {}
    weir::Boundedness getBoundedness() const override { return weir::Boundedness::BOUNDED; }
    std::unique_ptr<weir::SourceReader<int64_t>> createReader(
        const weir::SourceReaderContext& ctx) const override {
        return std::make_unique<Reader>(ctx.subtaskIndex, ctx.parallelism, n_);
    }

private:
    class Reader final : public weir::SourceReader<int64_t> {
    public:
        Reader(int64_t first, int64_t step, int64_t end) : next_(first), step_(step), end_(end) {}
        weir::InputStatus pollNext(weir::ReaderOutput<int64_t>& out) override {
            if (next_ >= end_) return weir::InputStatus::END_OF_INPUT;
            out.collect(next_);
            next_ += step_;
            return next_ < end_ ? weir::InputStatus::MORE_AVAILABLE
                                : weir::InputStatus::END_OF_INPUT;
        }

    private:
        int64_t next_;
        int64_t step_;
        int64_t end_;
    };
    int64_t n_;
};

// ---- sink -----------------------------------------------------------------------------------

struct SharedChecksum {
    std::atomic<uint64_t> count{0};
    std::atomic<uint64_t> sum{0};
};

/// Each writer folds its records into plain locals (no atomics per record) and adds them to the
/// shared totals once, at the end of input.
template <class T>
class ChecksumSink final : public weir::Sink<T> {
public:
    explicit ChecksumSink(std::shared_ptr<SharedChecksum> totals) : totals_(std::move(totals)) {}
    std::unique_ptr<weir::SinkWriter<T>> createWriter(
        const weir::SinkWriterContext&) const override {
        return std::make_unique<Writer>(totals_);
    }

private:
    class Writer final : public weir::SinkWriter<T> {
    public:
        explicit Writer(std::shared_ptr<SharedChecksum> totals) : totals_(std::move(totals)) {}
        void write(const T& value, int64_t) override {
            ++count_;
            sum_ += fold(value);
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

Checksum runChainedPipeline(const weir::Configuration& conf, int32_t parallelism, int64_t n) {
    auto env = weir::StreamExecutionEnvironment::create(conf);
    env.setParallelism(parallelism);
    auto totals = std::make_shared<SharedChecksum>();
    env.fromSource(StridedSequenceSource(n), "sequence")
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
    env.fromSource(StridedSequenceSource(n), "sequence")
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
    double rate = r.records / r.m.wallSeconds;
    int busy = std::min(r.threads, cores);
    double perCore = rate / busy;
    double perCpuSecond = r.m.cpuSeconds > 0 ? r.records / r.m.cpuSeconds : 0;
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
        "%-9s %-4s %2d %3d %9lld %7.3f %8.2f %8.1f %11.2f %10.2f %6s %7s %6.1f %5s %6s  %llu "
        "%016llx\n",
        r.pipeline.c_str(), r.engine.c_str(), r.parallelism, r.threads,
        static_cast<long long>(r.records), r.m.wallSeconds, rate / 1e6, rate * r.recordBytes / 1e6,
        perCore / 1e6, perCpuSecond / 1e6, ratio, ratioPerCore, maxRssKiB() / 1024.0, growth,
        others, static_cast<unsigned long long>(r.m.checksum.count),
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

int64_t parseCount(const std::string& flag, const std::string& text) {
    int64_t v = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (ec != std::errc() || end != text.data() + text.size() || v < 1)
        throw weir::ConfigException("invalid " + flag + " '" + text +
                                    "': expected a positive integer");
    return v;
}

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
        } else if (a == "--repeat") {
            o.repeat = static_cast<int>(parseCount(a, value()));
        } else if (a == "--cores") {
            o.cores = static_cast<int>(parseCount(a, value()));
        } else if (a == "--only") {
            const std::string& which = value();
            if (which != "chained" && which != "keyed")
                throw weir::ConfigException("invalid --only '" + which +
                                            "': expected chained or keyed");
            o.runChained = which == "chained";
            o.runKeyed = which == "keyed";
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
    for (int32_t p : o.parallelisms)
        if (o.keys % p != 0)
            throw weir::ConfigException("--keys " + std::to_string(o.keys) +
                                        " must be divisible by parallelism " + std::to_string(p) +
                                        " for (b)'s rolling sums to be deterministic");
    if (o.cores == 0) o.cores = std::max(1u, std::thread::hardware_concurrency());
    return o;
}

/// Runs the loop, then the pipeline at every parallelism; false on a checksum mismatch.
bool benchmark(const std::string& name, int64_t records, size_t recordBytes, int tasksPerSubtask,
               const Options& o, const std::function<Checksum()>& loop,
               const std::function<Checksum(int32_t)>& pipeline) {
    auto mismatch = [&](const std::string& what, const Checksum& expected, const Checksum& got) {
        std::printf("MISMATCH %s %s: expected count %llu sum %016llx, got count %llu sum %016llx\n",
                    name.c_str(), what.c_str(), static_cast<unsigned long long>(expected.count),
                    static_cast<unsigned long long>(expected.sum),
                    static_cast<unsigned long long>(got.count),
                    static_cast<unsigned long long>(got.sum));
        return false;
    };
    Repeated baseline = measure(o.repeat, loop);
    printRow(Row{name, "loop", 1, 1, records, recordBytes, baseline.best, 0}, o.cores);
    if (!baseline.stable)
        return mismatch("loop (between repetitions)", baseline.first, baseline.firstDifferent);
    const double baselineRate = records / baseline.best.wallSeconds;
    for (int32_t p : o.parallelisms) {
        const std::string what = "weir p=" + std::to_string(p);
        Repeated run = measure(o.repeat, [&] { return pipeline(p); });
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
        std::printf("load average (1 min) before: %s\n\n", loadAverage().c_str());
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
        std::printf("\nload average (1 min) after: %s\n", loadAverage().c_str());
        return ok ? 0 : 1;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "weir_throughput: %s\n", e.what());
        return 2;
    }
}
