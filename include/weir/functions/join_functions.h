#pragma once
// Functions for joining two streams.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "weir/functions/functions.h"

namespace weir {

/// Window join: one result per pair of elements with equal keys in the same window.
template <class IN1, class IN2, class OUT>
class JoinFunction : public RichFunction {
public:
    using OutputType = OUT;
    virtual OUT join(const IN1& first, const IN2& second) = 0;
};

/// Window join with any number of results per pair.
template <class IN1, class IN2, class OUT>
class FlatJoinFunction : public RichFunction {
public:
    using OutputType = OUT;
    virtual void join(const IN1& first, const IN2& second, Collector<OUT>& out) = 0;
};

/// Window co-group: all elements of both sides with equal keys in the same window (either side
/// may be empty).
template <class IN1, class IN2, class OUT>
class CoGroupFunction : public RichFunction {
public:
    using OutputType = OUT;
    virtual void coGroup(const std::vector<IN1>& first, const std::vector<IN2>& second,
                         Collector<OUT>& out) = 0;
};

/// Interval join: a pair of elements with equal keys whose timestamps are within the bounds.
template <class IN1, class IN2, class OUT>
class ProcessJoinFunction : public RichFunction {
public:
    using OutputType = OUT;
    class Context {
    public:
        virtual ~Context() = default;
        virtual int64_t getLeftTimestamp() const = 0;
        virtual int64_t getRightTimestamp() const = 0;
        /// The result's timestamp: the larger of the two.
        virtual int64_t getTimestamp() const = 0;
        template <class X>
        void output(const OutputTag<X>& tag, const X& value) {
            outputErased(tag.routingKey(), &value);
        }

    protected:
        virtual void outputErased(const std::string& tagId, const void* value) = 0;
    };
    virtual void processElement(const IN1& left, const IN2& right, Context& ctx,
                                Collector<OUT>& out) = 0;
};

}  // namespace weir
