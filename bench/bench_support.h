// Scaffolding shared by the benchmark programs (throughput.cpp, window_throughput.cpp): the
// strided source, the checksum sink, measuring a run (wall and CPU time, peak-RSS growth, load
// from other processes), repeating it, the figures of a table row, and command-line helpers.
// Each program keeps its workload, its pipelines and loops, and the layout of its table.
#pragma once

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
#include <utility>
#include <vector>

#include <weir/weir.h>

namespace weir::bench {

// ---- checksums ------------------------------------------------------------------------------

/// What a run computed: how many results, and the sum of their folds. Sums commute, so the
/// checksum does not depend on which subtask saw which result, only on the multiset of results.
struct Checksum {
    uint64_t count = 0;
    uint64_t sum = 0;
    bool operator==(const Checksum&) const = default;
};

struct SharedChecksum {
    std::atomic<uint64_t> count{0};
    std::atomic<uint64_t> sum{0};
};

// ---- source ---------------------------------------------------------------------------------

/// The records make(0)..make(n-1), one per pollNext like NumberSequenceSource, but strided:
/// subtask s of p reads s, s+p, s+2p, ... so each subtask's indices ascend. `Make` is a copyable
/// callable T(int64_t index).
template <class T, class Make>
class StridedSource final : public weir::Source<T> {
public:
    StridedSource(int64_t n, Make make) : n_(n), make_(std::move(make)) {}
    weir::Boundedness getBoundedness() const override { return weir::Boundedness::BOUNDED; }
    std::unique_ptr<weir::SourceReader<T>> createReader(
        const weir::SourceReaderContext& ctx) const override {
        int64_t first = ctx.subtaskIndex;
        if (ctx.restoredSplits) {  // position: the next index (one split per reader)
            first = n_;
            for (const auto& s : *ctx.restoredSplits)
                first = weir::deserializeFromString<int64_t>(s);
        }
        return std::make_unique<Reader>(first, ctx.parallelism, n_, make_);
    }

private:
    class Reader final : public weir::SourceReader<T> {
    public:
        Reader(int64_t first, int64_t step, int64_t end, Make make)
            : next_(first), step_(step), end_(end), make_(std::move(make)) {}
        weir::InputStatus pollNext(weir::ReaderOutput<T>& out) override {
            if (next_ >= end_) return weir::InputStatus::END_OF_INPUT;
            out.collect(make_(next_));
            next_ += step_;
            return next_ < end_ ? weir::InputStatus::MORE_AVAILABLE
                                : weir::InputStatus::END_OF_INPUT;
        }
        std::vector<std::string> snapshotState(int64_t) override {
            return {weir::serializeToString(next_)};
        }

    private:
        int64_t next_;
        int64_t step_;
        int64_t end_;
        Make make_;
    };
    int64_t n_;
    Make make_;
};

// ---- sink -----------------------------------------------------------------------------------

/// Each writer folds its records into plain locals (no atomics per record) and adds them to the
/// shared totals once, at the end of input. `Fold` is a copyable callable
/// uint64_t(const T& value, int64_t timestamp): what one record adds to the checksum.
template <class T, class Fold>
class ChecksumSink final : public weir::Sink<T> {
public:
    explicit ChecksumSink(std::shared_ptr<SharedChecksum> totals, Fold fold = {})
        : totals_(std::move(totals)), fold_(std::move(fold)) {}
    std::unique_ptr<weir::SinkWriter<T>> createWriter(
        const weir::SinkWriterContext&) const override {
        return std::make_unique<Writer>(totals_, fold_);
    }

private:
    class Writer final : public weir::SinkWriter<T> {
    public:
        Writer(std::shared_ptr<SharedChecksum> totals, Fold fold)
            : totals_(std::move(totals)), fold_(std::move(fold)) {}
        void write(const T& value, int64_t timestamp) override {
            ++count_;
            sum_ += fold_(value, timestamp);
        }
        void flush(bool endOfInput) override {
            if (!endOfInput) return;
            totals_->count.fetch_add(count_);
            totals_->sum.fetch_add(sum_);
            count_ = sum_ = 0;
        }

    private:
        std::shared_ptr<SharedChecksum> totals_;
        Fold fold_;
        uint64_t count_ = 0;
        uint64_t sum_ = 0;
    };
    std::shared_ptr<SharedChecksum> totals_;
    Fold fold_;
};

// ---- measuring ------------------------------------------------------------------------------

/// A /proc/self/status field in KiB (VmRSS, VmHWM), or -1.
inline int64_t procStatusKiB(const std::string& field) {
    std::ifstream in("/proc/self/status");
    std::string line;
    while (std::getline(in, line)) {
        if (line.rfind(field + ":", 0) != 0) continue;
        return std::strtoll(line.c_str() + field.size() + 1, nullptr, 10);
    }
    return -1;
}

/// Resets VmHWM to the current RSS (Linux >= 4.0), so that it shows the peak of the next run.
inline bool resetPeakRss() {
    std::ofstream out("/proc/self/clear_refs");
    out << "5";
    out.flush();
    return static_cast<bool>(out);
}

/// User + system CPU seconds of this process so far.
inline double cpuSeconds() {
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    auto sec = [](const timeval& t) { return static_cast<double>(t.tv_sec) + t.tv_usec * 1e-6; };
    return sec(u.ru_utime) + sec(u.ru_stime);
}

/// This process's lifetime peak RSS in KiB.
inline int64_t maxRssKiB() {
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    return u.ru_maxrss;  // KiB on Linux
}

/// CPU seconds the whole machine spent busy (user, nice, system, irq, softirq, steal) since boot,
/// from /proc/stat, or -1.
inline double machineBusySeconds() {
    std::ifstream in("/proc/stat");
    std::string cpu;
    uint64_t user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0;
    if (!(in >> cpu >> user >> nice >> system >> idle >> iowait >> irq >> softirq >> steal) ||
        cpu != "cpu")
        return -1;
    return static_cast<double>(user + nice + system + irq + softirq + steal) / sysconf(_SC_CLK_TCK);
}

/// The 1-minute load average: other processes competing for the cores skew every figure.
inline std::string loadAverage() {
    std::ifstream in("/proc/loadavg");
    std::string oneMinute;
    in >> oneMinute;
    return oneMinute.empty() ? "?" : oneMinute;
}

struct Measurement {
    Checksum checksum;
    double wallSeconds = 0;
    double cpuSeconds = 0;
    int64_t rssGrowthKiB = -1;  // peak RSS during the run minus RSS before it
    double otherCores = -1;     // cores other processes (and the hypervisor) kept busy meanwhile
};

/// Runs `run` once and measures it.
inline Measurement measureOnce(const std::function<Checksum()>& run) {
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

/// Runs `run` `repeat` times; keeps the fastest run and checks that every checksum agrees.
inline Repeated measure(int repeat, const std::function<Checksum()>& run) {
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

/// The figures every table row shows, whatever its layout. The text fields hold "-" when the
/// figure does not apply (ratios of a loop row) or is unknown.
struct RowFigures {
    double rate = 0;              // input records per wall second
    double perCore = 0;           // rate / min(busy threads, cores)
    double perCpuSecond = 0;      // input records per CPU second, or 0
    double maxRssMiB = 0;         // the process-lifetime peak RSS
    char ratio[16] = "-";         // rate / baselineRate
    char ratioPerCore[16] = "-";  // perCore / baselineRate
    char growth[16] = "-";        // Measurement::rssGrowthKiB in MiB
    char others[16] = "-";        // Measurement::otherCores
};

/// `baselineRate` is the records/s of the matching loop; 0 (or a loop row) leaves the ratios "-".
inline RowFigures rowFigures(const Measurement& m, int64_t records, int32_t threads, int cores,
                             bool isLoop, double baselineRate) {
    RowFigures f;
    f.rate = records / m.wallSeconds;
    int busy = std::min(threads, cores);
    f.perCore = f.rate / busy;
    f.perCpuSecond = m.cpuSeconds > 0 ? records / m.cpuSeconds : 0;
    f.maxRssMiB = maxRssKiB() / 1024.0;
    if (!isLoop && baselineRate > 0) {
        std::snprintf(f.ratio, sizeof f.ratio, "%.1f%%", 100.0 * f.rate / baselineRate);
        std::snprintf(f.ratioPerCore, sizeof f.ratioPerCore, "%.1f%%",
                      100.0 * f.perCore / baselineRate);
    }
    if (m.rssGrowthKiB >= 0)
        std::snprintf(f.growth, sizeof f.growth, "%.1f", m.rssGrowthKiB / 1024.0);
    if (m.otherCores >= 0) std::snprintf(f.others, sizeof f.others, "%.2f", m.otherCores);
    return f;
}

/// Prints "MISMATCH <name> <what>: expected <noun> N sum S, got <noun> N sum S" and returns false.
inline bool reportMismatch(const std::string& name, const std::string& what, const char* noun,
                           const Checksum& expected, const Checksum& got) {
    std::printf("MISMATCH %s %s: expected %s %llu sum %016llx, got %s %llu sum %016llx\n",
                name.c_str(), what.c_str(), noun, static_cast<unsigned long long>(expected.count),
                static_cast<unsigned long long>(expected.sum), noun,
                static_cast<unsigned long long>(got.count),
                static_cast<unsigned long long>(got.sum));
    return false;
}

// ---- command line ---------------------------------------------------------------------------

/// `text` as a positive integer; ConfigException naming `flag` otherwise.
inline int64_t parseCount(const std::string& flag, const std::string& text) {
    int64_t v = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (ec != std::errc() || end != text.data() + text.size() || v < 1)
        throw weir::ConfigException("invalid " + flag + " '" + text +
                                    "': expected a positive integer");
    return v;
}

/// A comma-separated list of positive integers ("1,2,4").
inline std::vector<int32_t> parseParallelisms(const std::string& flag, const std::string& list) {
    std::vector<int32_t> parallelisms;
    for (size_t start = 0; start <= list.size();) {
        size_t comma = std::min(list.find(',', start), list.size());
        parallelisms.push_back(
            static_cast<int32_t>(parseCount(flag, list.substr(start, comma - start))));
        start = comma + 1;
    }
    return parallelisms;
}

/// Handles the options both programs take: --repeat R, --parallelisms 1,2, --cores C, and
/// --help / -h (prints `usage` and exits 0). `value()` returns the option's value (and throws when
/// there is none). Returns false, having read nothing, for any other argument.
template <class Value>
bool parseCommonOption(const std::string& a, Value&& value, const char* usage, int& repeat,
                       std::vector<int32_t>& parallelisms, int& cores) {
    if (a == "--repeat") {
        repeat = static_cast<int>(parseCount(a, value()));
    } else if (a == "--cores") {
        cores = static_cast<int>(parseCount(a, value()));
    } else if (a == "--parallelisms") {
        parallelisms = parseParallelisms(a, value());
    } else if (a == "--help" || a == "-h") {
        std::fputs(usage, stdout);
        std::exit(0);
    } else {
        return false;
    }
    return true;
}

/// `cores` if set (> 0), else std::thread::hardware_concurrency() (at least 1).
inline int coresOrHardware(int cores) {
    return cores > 0 ? cores : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
}

}  // namespace weir::bench
