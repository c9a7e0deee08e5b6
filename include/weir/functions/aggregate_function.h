#pragma once
// AggregateFunction<IN, ACC, OUT>: an incremental aggregation (window aggregate, AggregatingState).

namespace weir {

/// Folds elements into an accumulator: createAccumulator, add, getResult, merge.
template <class IN, class ACC, class OUT>
class AggregateFunction {
public:
    using InputType = IN;
    using AccumulatorType = ACC;
    using OutputType = OUT;
    virtual ~AggregateFunction() = default;
    virtual ACC createAccumulator() = 0;
    virtual ACC add(const IN& value, ACC accumulator) = 0;
    virtual OUT getResult(const ACC& accumulator) = 0;
    virtual ACC merge(ACC a, const ACC& b) = 0;
};

}  // namespace weir
