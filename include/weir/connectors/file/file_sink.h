#pragma once
// FileSink: exactly-once part files in bucket directories (Flink's FileSink, row format).
//
//   auto sink = weir::FileSink<std::string>::forRowFormat("/data/out")
//                   .withRollingPolicy(weir::DefaultRollingPolicy::builder()
//                                          .withMaxPartSize(weir::MemorySize::ofMebiBytes(64))
//                                          .build())
//                   .withOutputFileConfig(
//                       weir::OutputFileConfig::builder().withPartSuffix(".txt").build())
//                   .build();
//   stream.sinkTo(sink, "File Sink");
//
// Each record goes to a bucket (a directory below the base path, see bucket_assigner.h) and is
// appended, encoded, to the bucket's in-progress part file of the subtask. A part file goes
// through three states, all in the bucket directory:
//   in-progress  .<prefix>-<writer uuid>-<subtask>-<counter><suffix>.inprogress.<file uuid>
//                open and being written; hidden (the name starts with '.').
//   pending      the same file after it was rolled (closed and fsynced); still hidden. Pending
//                files become committables at the next checkpoint (prepareCommit).
//   finished     <prefix>-<writer uuid>-<subtask>-<counter><suffix>: the committer renames the
//                pending file to this name (atomically) once the checkpoint has completed.
// Readers that skip names starting with '.' or '_' (readTextFile does) see finished files only.
//
// When a part file rolls is up to the RollingPolicy (rolling_policy.h): the default policy rolls
// by size, age and inactivity and keeps a file open across checkpoints; the writer state of a
// checkpoint then records each in-progress file with its length, and a restore truncates the file
// to that length and keeps appending to it. OnCheckpointRollingPolicy rolls at every checkpoint.
// At the end of input (flush(true)) every in-progress file is rolled, so everything becomes
// visible with the final commit. Without checkpoints (and before the end of input) nothing
// becomes visible.
//
// Every writer instance has its own random uuid, so names never repeat after a restore. Files
// that a failed attempt started after its last completed checkpoint stay hidden in the bucket
// directories (as in Flink); they are never committed and may be deleted once no job writes to
// the directory.
//
// I/O failures throw weir::Exception naming the file and the system's error text. The writer and
// the committer run on the sink's task thread. Only local (POSIX) file systems are supported.

#include <concepts>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "weir/connectors/file/bucket_assigner.h"
#include "weir/connectors/file/rolling_policy.h"
#include "weir/core/exceptions.h"
#include "weir/core/time.h"
#include "weir/core/to_string.h"
#include "weir/functions/sink.h"

namespace weir {

/// The part file names: "<prefix>-<uuid>-<subtask>-<counter><suffix>". Defaults: prefix "part",
/// suffix "" (as Flink's).
class OutputFileConfig {
public:
    class Builder {
    public:
        Builder& withPartPrefix(std::string prefix) {
            prefix_ = std::move(prefix);
            return *this;
        }
        Builder& withPartSuffix(std::string suffix) {
            suffix_ = std::move(suffix);
            return *this;
        }
        /// Throws InvalidProgramException when the prefix is empty or either contains '/'.
        OutputFileConfig build() const;

    private:
        std::string prefix_ = "part";
        std::string suffix_;
    };

    OutputFileConfig() = default;
    static Builder builder() { return Builder(); }
    const std::string& getPartPrefix() const { return prefix_; }
    const std::string& getPartSuffix() const { return suffix_; }

private:
    OutputFileConfig(std::string prefix, std::string suffix)
        : prefix_(std::move(prefix)), suffix_(std::move(suffix)) {}
    std::string prefix_ = "part";
    std::string suffix_;
};

/// The default row encoder: the record's printed form (weir::toString) and "\n".
/// An encoder appends one record's bytes to `out` (and only appends).
template <class T>
class SimpleStringEncoder {
public:
    void encode(const T& value, std::string& out) const {
        if constexpr (std::is_convertible_v<const T&, std::string_view>) {
            out.append(std::string_view(value));
        } else {
            out += toString(value);
        }
        out += '\n';
    }
};

namespace detail {

/// What every writer of one FileSink shares.
struct FileSinkSettings {
    std::string basePath;
    std::shared_ptr<const RollingPolicy> rollingPolicy;
    OutputFileConfig outputFileConfig;
    Duration bucketCheckInterval{60'000};
    /// Processing time in ms; empty means weir::currentTimeMillis.
    std::function<int64_t()> clock;
};

/// The file handling of one subtask's writer: buckets, part files, rolling, state. Not a
/// template; FileSink<T>::Writer only encodes and picks buckets.
class FileSinkBuckets {
public:
    /// Creates the base path and resumes the in-progress files of context.restoredState.
    FileSinkBuckets(FileSinkSettings settings, const SinkWriterContext& context);
    ~FileSinkBuckets();
    FileSinkBuckets(const FileSinkBuckets&) = delete;
    FileSinkBuckets& operator=(const FileSinkBuckets&) = delete;

    int64_t now() const;
    /// The write buffer of the bucket's in-progress file (rolled first if the policy says so, and
    /// opened if there is none). The caller appends one record and then calls endWrite.
    std::string& beginWrite(std::string_view bucketId, int64_t now);
    void endWrite(int64_t now);

    void flush(bool endOfInput);
    std::vector<std::string> prepareCommit();
    std::vector<std::string> snapshotState(int64_t checkpointId);
    void close();

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

/// Renames pending part files to their final names; idempotent.
class FileSinkCommitter final : public Committer {
public:
    void commit(const std::vector<std::string>& committables) override;
};

}  // namespace detail

template <class T>
class FileSink final : public TwoPhaseCommittingSink<T> {
public:
    /// Appends one record's bytes to the output.
    using Encoder = std::function<void(const T&, std::string&)>;
    using BucketIdFunction = std::function<std::string(const T&, const BucketAssignerContext&)>;

    class RowFormatBuilder {
    public:
        /// A BucketAssigner<T>, a class with getBucketId(const BucketAssignerContext&), or a
        /// function (const T&, const BucketAssignerContext&) -> std::string. Default:
        /// DateTimeBucketAssigner() (hourly buckets "yyyy-MM-dd--HH", local time).
        template <class A>
        RowFormatBuilder& withBucketAssigner(A assigner) {
            if constexpr (std::is_base_of_v<BucketAssigner<T>, A>) {
                assigner_ = [a = std::move(assigner)](const T& v, const BucketAssignerContext& c) {
                    return a.getBucketId(v, c);
                };
            } else if constexpr (requires(const A& a, const BucketAssignerContext& c) {
                                     { a.getBucketId(c) } -> std::convertible_to<std::string>;
                                 }) {
                assigner_ = [a = std::move(assigner)](const T&, const BucketAssignerContext& c) {
                    return std::string(a.getBucketId(c));
                };
            } else {
                static_assert(std::is_invocable_r_v<std::string, const A&, const T&,
                                                    const BucketAssignerContext&>,
                              "withBucketAssigner takes a BucketAssigner<T>, a class with "
                              "getBucketId(const BucketAssignerContext&), or a function "
                              "(const T&, const BucketAssignerContext&) -> std::string");
                assigner_ = std::move(assigner);
            }
            return *this;
        }
        /// A class derived from RollingPolicy. Default: DefaultRollingPolicy::builder().build().
        template <class P>
        RowFormatBuilder& withRollingPolicy(P policy) {
            static_assert(std::is_base_of_v<RollingPolicy, P>,
                          "withRollingPolicy takes a class derived from weir::RollingPolicy");
            settings_.rollingPolicy = std::make_shared<const P>(std::move(policy));
            return *this;
        }
        RowFormatBuilder& withOutputFileConfig(OutputFileConfig config) {
            settings_.outputFileConfig = std::move(config);
            return *this;
        }
        /// How often, at most, a writer checks every bucket's part file against the rolling
        /// policy's time limits while records arrive (default 60 s, as Flink's). Checkpoints
        /// check every bucket too.
        RowFormatBuilder& withBucketCheckInterval(Duration interval) {
            settings_.bucketCheckInterval = interval;
            return *this;
        }
        /// The processing-time clock (ms since the epoch) of the rolling policy and the bucket
        /// assigner; for tests. Default: the system clock. Called on the writers' task threads.
        RowFormatBuilder& withProcessingTimeClock(std::function<int64_t()> clock) {
            settings_.clock = std::move(clock);
            return *this;
        }
        /// Throws InvalidProgramException when the base path is empty or the bucket check
        /// interval is not positive.
        FileSink build() const {
            if (settings_.basePath.empty())
                throw InvalidProgramException("FileSink: the base path is empty");
            if (settings_.bucketCheckInterval.count() <= 0)
                throw InvalidProgramException(
                    "FileSink: the bucket check interval must be "
                    "positive, got " +
                    formatDuration(settings_.bucketCheckInterval));
            return FileSink(settings_, encoder_, assigner_);
        }

    private:
        friend class FileSink;
        RowFormatBuilder(std::string basePath, Encoder encoder) : encoder_(std::move(encoder)) {
            settings_.basePath = std::move(basePath);
            settings_.rollingPolicy = std::make_shared<const DefaultRollingPolicy>(
                DefaultRollingPolicy::builder().build());
            withBucketAssigner(DateTimeBucketAssigner());
        }
        detail::FileSinkSettings settings_;
        Encoder encoder_;
        BucketIdFunction assigner_;
    };

    /// Writes records as rows, each encoded by `encoder`: a class with
    /// `encode(const T&, std::string& out) const` or a function (const T&, std::string&) that
    /// appends the record's bytes to `out`.
    template <class E = SimpleStringEncoder<T>>
    static RowFormatBuilder forRowFormat(std::string basePath, E encoder = E()) {
        if constexpr (requires(const E& e, const T& v, std::string& out) { e.encode(v, out); }) {
            return RowFormatBuilder(
                std::move(basePath),
                [e = std::move(encoder)](const T& v, std::string& out) { e.encode(v, out); });
        } else {
            static_assert(std::is_invocable_v<const E&, const T&, std::string&>,
                          "forRowFormat takes an encoder with encode(const T&, std::string&) or "
                          "a function (const T&, std::string&)");
            return RowFormatBuilder(std::move(basePath), Encoder(std::move(encoder)));
        }
    }

    const std::string& basePath() const { return settings_.basePath; }

    std::unique_ptr<PrecommittingSinkWriter<T>> createPrecommittingWriter(
        const SinkWriterContext& context) const override {
        return std::make_unique<Writer>(*this, context);
    }
    std::unique_ptr<Committer> createCommitter(const SinkWriterContext&) const override {
        return std::make_unique<detail::FileSinkCommitter>();
    }

private:
    FileSink(detail::FileSinkSettings settings, Encoder encoder, BucketIdFunction assigner)
        : settings_(std::move(settings)),
          encoder_(std::move(encoder)),
          assigner_(std::move(assigner)) {}

    class Writer final : public PrecommittingSinkWriter<T> {
    public:
        Writer(const FileSink& sink, const SinkWriterContext& context)
            : encoder_(sink.encoder_),
              assigner_(sink.assigner_),
              buckets_(sink.settings_, context) {}

        void write(const T& value, int64_t timestamp) override {
            BucketAssignerContext context{buckets_.now(), timestamp};
            std::string& out =
                buckets_.beginWrite(assigner_(value, context), context.currentProcessingTime);
            size_t before = out.size();
            try {
                encoder_(value, out);
            } catch (...) {
                out.resize(before);  // no partial record in the file
                throw;
            }
            buckets_.endWrite(context.currentProcessingTime);
        }
        void flush(bool endOfInput) override { buckets_.flush(endOfInput); }
        std::vector<std::string> prepareCommit() override { return buckets_.prepareCommit(); }
        std::vector<std::string> snapshotState(int64_t checkpointId) override {
            return buckets_.snapshotState(checkpointId);
        }
        void close() override { buckets_.close(); }

    private:
        Encoder encoder_;
        BucketIdFunction assigner_;
        detail::FileSinkBuckets buckets_;
    };

    detail::FileSinkSettings settings_;
    Encoder encoder_;
    BucketIdFunction assigner_;
};

}  // namespace weir
