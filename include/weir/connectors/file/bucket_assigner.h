#pragma once
// Bucket assigners of the FileSink: the bucket of a record is a directory below the sink's base
// path ("" is the base path itself; "a/b" nests). Each bucket has its own part files.
//
// FileSink::withBucketAssigner accepts
//   - a class derived from BucketAssigner<T> (sees the record),
//   - a class with `std::string getBucketId(const BucketAssignerContext&) const` that ignores the
//     record, like DateTimeBucketAssigner and BasePathBucketAssigner,
//   - a function `std::string(const T&, const BucketAssignerContext&)`.
// A bucket id must be a relative path without "." or ".." components; the writer throws
// weir::Exception naming the id otherwise. Assigners run on the sink's task thread.

#include <cstdint>
#include <string>
#include <vector>

#include "weir/core/time.h"

namespace weir {

struct BucketAssignerContext {
    /// The processing time (ms since the epoch) of the sink's clock when the record is written.
    int64_t currentProcessingTime = 0;
    /// The record's event timestamp, or kNoTimestamp when it has none.
    int64_t timestamp = kNoTimestamp;
};

template <class T>
class BucketAssigner {
public:
    virtual ~BucketAssigner() = default;
    virtual std::string getBucketId(const T& element,
                                    const BucketAssignerContext& context) const = 0;
};

/// Buckets by the processing time at which a record is written, formatted with a
/// java.time.DateTimeFormatter-style pattern (Flink's default assigner). The default
/// "yyyy-MM-dd--HH" makes hourly buckets such as "2024-03-01--17", in the local time zone.
/// Pattern letters: y (year; "yy" two digits), M (month), d (day), H (hour 0-23), m (minute),
/// s (second), S (fraction of a second, up to 3 digits); a repeated letter pads with zeros to
/// that width. Text inside '...' is literal ('' is a quote); other non-letters are literal.
class DateTimeBucketAssigner {
public:
    enum class TimeZone { LOCAL, UTC };
    static constexpr const char* kDefaultFormat = "yyyy-MM-dd--HH";

    /// Throws InvalidProgramException naming the pattern when it uses an unsupported letter.
    explicit DateTimeBucketAssigner(std::string formatString = kDefaultFormat,
                                    TimeZone zone = TimeZone::LOCAL);

    std::string getBucketId(const BucketAssignerContext& context) const;
    /// The bucket id of a processing time (ms since the epoch).
    std::string format(int64_t epochMillis) const;
    const std::string& formatString() const { return formatString_; }

private:
    struct Field {
        char letter;  // 0 for literal text
        int width;
        std::string literal;
    };
    std::string formatString_;
    TimeZone zone_;
    std::vector<Field> fields_;
};

/// Writes every record straight into the base path (bucket id "").
class BasePathBucketAssigner {
public:
    std::string getBucketId(const BucketAssignerContext&) const { return {}; }
};

}  // namespace weir
