#pragma once
// Event time: how records get their timestamps and how watermarks are generated.
//
//   WatermarkStrategy<Event>::forBoundedOutOfOrderness(2s)
//       .withTimestampAssigner([](const Event& e, int64_t) { return e.ts; })
//       .withIdleness(1min)
//
// A WatermarkGenerator sees every event (onEvent) and is asked periodically for a watermark
// (onPeriodicEmit, every pipeline.auto-watermark-interval; 0 turns periodic calls off). It may
// emit from either. A watermark W says no more events with timestamp <= W will come.

#include <algorithm>
#include <cstdint>
#include <functional>
#include <memory>

#include "weir/core/exceptions.h"
#include "weir/core/time.h"

namespace weir {

class WatermarkOutput {
public:
    virtual ~WatermarkOutput() = default;
    /// Emits a watermark; one that does not advance is ignored. Ends idleness.
    virtual void emitWatermark(int64_t watermark) = 0;
    /// This input is idle: downstream operators stop waiting for its watermarks.
    virtual void markIdle() = 0;
    virtual void markActive() = 0;
};

template <class T>
class WatermarkGenerator {
public:
    virtual ~WatermarkGenerator() = default;
    virtual void onEvent(const T& event, int64_t timestamp, WatermarkOutput& output) = 0;
    virtual void onPeriodicEmit(WatermarkOutput& output) = 0;
};

/// Emits (maximum timestamp seen - outOfOrderness - 1) periodically.
template <class T>
class BoundedOutOfOrdernessWatermarks final : public WatermarkGenerator<T> {
public:
    explicit BoundedOutOfOrdernessWatermarks(Duration outOfOrderness)
        : delay_(outOfOrderness.count()), maxTimestamp_(kMinWatermark + delay_ + 1) {
        if (delay_ < 0)
            throw InvalidProgramException("maximum out-of-orderness must not be negative");
    }
    void onEvent(const T&, int64_t timestamp, WatermarkOutput&) override {
        maxTimestamp_ = std::max(maxTimestamp_, timestamp);
    }
    void onPeriodicEmit(WatermarkOutput& output) override {
        output.emitWatermark(maxTimestamp_ - delay_ - 1);
    }

private:
    int64_t delay_;
    int64_t maxTimestamp_;
};

/// Emits no watermarks (processing-time programs, or event time driven only by end of input).
template <class T>
class NoWatermarksGenerator final : public WatermarkGenerator<T> {
public:
    void onEvent(const T&, int64_t, WatermarkOutput&) override {}
    void onPeriodicEmit(WatermarkOutput&) override {}
};

/// Marks the output idle when no event arrived for `timeout` (processing time), checked at each
/// periodic emit; the first event after that makes it active again.
template <class T>
class WatermarksWithIdleness final : public WatermarkGenerator<T> {
public:
    WatermarksWithIdleness(std::unique_ptr<WatermarkGenerator<T>> inner, Duration timeout,
                           std::function<int64_t()> clock)
        : inner_(std::move(inner)), timeout_(timeout.count()), clock_(std::move(clock)) {}
    void onEvent(const T& event, int64_t timestamp, WatermarkOutput& output) override {
        inner_->onEvent(event, timestamp, output);
        lastActivity_ = -1;
        if (idle_) {
            idle_ = false;
            output.markActive();
        }
    }
    void onPeriodicEmit(WatermarkOutput& output) override {
        int64_t now = clock_();
        if (lastActivity_ < 0) lastActivity_ = now;
        if (!idle_ && now - lastActivity_ >= timeout_) {
            idle_ = true;
            output.markIdle();
        }
        if (!idle_) inner_->onPeriodicEmit(output);
    }

private:
    std::unique_ptr<WatermarkGenerator<T>> inner_;
    int64_t timeout_;
    std::function<int64_t()> clock_;
    int64_t lastActivity_ = -1;  // -1: activity since the last check
    bool idle_ = false;
};

/// Timestamps records with the wall-clock time at which they enter the job (ingestion time),
/// never going backwards. Use with forMonotonousTimestamps():
///   WatermarkStrategy<T>::forMonotonousTimestamps().withTimestampAssigner(IngestionTimeAssigner<T>())
template <class T>
struct IngestionTimeAssigner {
    mutable int64_t last = kMinWatermark;
    int64_t operator()(const T&, int64_t) const {
        last = std::max(last, currentTimeMillis());
        return last;
    }
};

template <class T>
class WatermarkStrategy {
public:
    using GeneratorFactory = std::function<std::unique_ptr<WatermarkGenerator<T>>()>;
    using TimestampAssigner = std::function<int64_t(const T& event, int64_t recordTimestamp)>;

    static WatermarkStrategy forBoundedOutOfOrderness(Duration maxOutOfOrderness) {
        if (maxOutOfOrderness.count() < 0)
            throw InvalidProgramException("maximum out-of-orderness must not be negative");
        return WatermarkStrategy([maxOutOfOrderness] {
            return std::make_unique<BoundedOutOfOrdernessWatermarks<T>>(maxOutOfOrderness);
        });
    }
    /// Timestamps ascend: the watermark is the maximum timestamp seen - 1.
    static WatermarkStrategy forMonotonousTimestamps() {
        return forBoundedOutOfOrderness(Duration(0));
    }
    /// Ingestion time: each record's timestamp is the time it entered the job.
    static WatermarkStrategy forIngestionTime() {
        return forMonotonousTimestamps().withTimestampAssigner(IngestionTimeAssigner<T>());
    }
    static WatermarkStrategy noWatermarks() {
        return WatermarkStrategy([] { return std::make_unique<NoWatermarksGenerator<T>>(); });
    }
    /// A custom generator: `factory()` returns a std::unique_ptr<WatermarkGenerator<T>>.
    template <class F>
    static WatermarkStrategy forGenerator(F factory) {
        return WatermarkStrategy(GeneratorFactory(std::move(factory)));
    }

    WatermarkStrategy withTimestampAssigner(TimestampAssigner assigner) const {
        WatermarkStrategy copy = *this;
        copy.assigner_ = std::move(assigner);
        return copy;
    }
    WatermarkStrategy withIdleness(Duration timeout) const {
        if (timeout.count() <= 0)
            throw InvalidProgramException("idleness timeout must be positive");
        WatermarkStrategy copy = *this;
        copy.idleness_ = timeout;
        return copy;
    }

    /// A fresh generator for one subtask; `clock` gives processing time (for idleness).
    std::unique_ptr<WatermarkGenerator<T>> createGenerator(std::function<int64_t()> clock) const {
        auto generator = factory_();
        if (idleness_.count() > 0)
            return std::make_unique<WatermarksWithIdleness<T>>(std::move(generator), idleness_,
                                                               std::move(clock));
        return generator;
    }
    /// The event's timestamp: the assigner's, else the timestamp the record came with.
    int64_t extractTimestamp(const T& event, int64_t recordTimestamp) const {
        return assigner_ ? assigner_(event, recordTimestamp) : recordTimestamp;
    }
    bool hasTimestampAssigner() const { return static_cast<bool>(assigner_); }

private:
    explicit WatermarkStrategy(GeneratorFactory f) : factory_(std::move(f)) {}
    GeneratorFactory factory_;
    TimestampAssigner assigner_;
    Duration idleness_{0};
};

}  // namespace weir
