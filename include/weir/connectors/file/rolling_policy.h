#pragma once
// Rolling policies of the FileSink: when a bucket's in-progress part file is closed (it becomes
// pending and is made visible by the next checkpoint's commit) and a new one is started.
//
// The writer asks the policy at three moments:
//   - shouldRollOnEvent: before a record is written to the bucket's in-progress file;
//   - shouldRollOnProcessingTime: before a record is written to the bucket, for every bucket at
//     most once per bucket check interval while records arrive, and for every bucket at each
//     checkpoint (flush). A writer has no timers: a bucket that receives no records is checked at
//     the next checkpoint or record, not exactly when its interval ends;
//   - shouldRollOnCheckpoint: at each checkpoint (prepareCommit), after the flush.
// At the end of input every in-progress file is rolled whatever the policy says.
//
// Unlike Flink's RollingPolicy<IN, BucketID>, a policy does not see the record: it decides on the
// part file's size and times only. Policies are immutable and shared by the subtasks' writers.

#include <cstdint>
#include <string>
#include <string_view>

#include "weir/core/memory_size.h"
#include "weir/core/time.h"

namespace weir {

/// What a rolling policy knows about an in-progress part file.
struct PartFileInfo {
    std::string_view bucketId;
    /// Processing time (ms) at which the file was opened (kept across a restore).
    int64_t creationTime = 0;
    /// Processing time (ms) of the last record written to it (the restore time after a restore).
    int64_t lastUpdateTime = 0;
    /// Bytes written so far, including bytes still buffered in the writer.
    uint64_t size = 0;
};

class RollingPolicy {
public:
    virtual ~RollingPolicy() = default;
    virtual bool shouldRollOnCheckpoint(const PartFileInfo& partFile) const = 0;
    virtual bool shouldRollOnEvent(const PartFileInfo& partFile) const = 0;
    virtual bool shouldRollOnProcessingTime(const PartFileInfo& partFile,
                                            int64_t currentTime) const = 0;
};

/// The default policy of row formats (as Flink's): rolls a part file when it is larger than the
/// maximum part size (checked before each record and at checkpoints, so a file exceeds the size
/// by at most one record), when it has been open for the rollover interval, or when nothing was
/// written to it for the inactivity interval. A checkpoint alone does not roll: the in-progress
/// file is recorded with its length and resumed after a restore.
class DefaultRollingPolicy final : public RollingPolicy {
public:
    static constexpr Duration kDefaultRolloverInterval = Duration(60'000);
    static constexpr Duration kDefaultInactivityInterval = Duration(60'000);
    static constexpr MemorySize kDefaultMaxPartSize = MemorySize::ofMebiBytes(128);

    class Builder {
    public:
        /// The longest time a part file stays open (default 60 s).
        Builder& withRolloverInterval(Duration interval) {
            rolloverInterval_ = interval;
            return *this;
        }
        /// Rolls a part file that received no record for this long (default 60 s).
        Builder& withInactivityInterval(Duration interval) {
            inactivityInterval_ = interval;
            return *this;
        }
        /// Rolls a part file larger than this (default 128 MiB).
        Builder& withMaxPartSize(MemorySize size) {
            maxPartSize_ = size;
            return *this;
        }
        /// Throws InvalidProgramException when an interval is not positive or the size is 0.
        DefaultRollingPolicy build() const;

    private:
        Duration rolloverInterval_ = kDefaultRolloverInterval;
        Duration inactivityInterval_ = kDefaultInactivityInterval;
        MemorySize maxPartSize_ = kDefaultMaxPartSize;
    };

    static Builder builder() { return Builder(); }

    bool shouldRollOnCheckpoint(const PartFileInfo& f) const override {
        return f.size > maxPartSize_.bytes();
    }
    bool shouldRollOnEvent(const PartFileInfo& f) const override {
        return f.size > maxPartSize_.bytes();
    }
    bool shouldRollOnProcessingTime(const PartFileInfo& f, int64_t now) const override {
        return now - f.creationTime >= rolloverInterval_.count() ||
               now - f.lastUpdateTime >= inactivityInterval_.count();
    }

    Duration getRolloverInterval() const { return rolloverInterval_; }
    Duration getInactivityInterval() const { return inactivityInterval_; }
    MemorySize getMaxPartSize() const { return maxPartSize_; }

private:
    DefaultRollingPolicy(Duration rollover, Duration inactivity, MemorySize maxPartSize)
        : rolloverInterval_(rollover), inactivityInterval_(inactivity), maxPartSize_(maxPartSize) {}

    Duration rolloverInterval_;
    Duration inactivityInterval_;
    MemorySize maxPartSize_;
};

/// Rolls at every checkpoint and never otherwise: each checkpoint's records end up in their own
/// part files, and no writer state is needed to resume a file after a restore.
class OnCheckpointRollingPolicy final : public RollingPolicy {
public:
    static OnCheckpointRollingPolicy build() { return OnCheckpointRollingPolicy(); }

    bool shouldRollOnCheckpoint(const PartFileInfo&) const override { return true; }
    bool shouldRollOnEvent(const PartFileInfo&) const override { return false; }
    bool shouldRollOnProcessingTime(const PartFileInfo&, int64_t) const override { return false; }
};

}  // namespace weir
