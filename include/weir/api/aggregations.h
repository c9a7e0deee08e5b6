#pragma once
// The built-in keyed aggregations as reduce functions over one field: sum, min, max keep the
// other fields of the first element of the key; minBy and maxBy return the whole element with
// the smallest / largest field (the first one on ties).

#include <algorithm>
#include <tuple>
#include <utility>

namespace weir::detail {

/// Field access through a member pointer (`&Order::amount`).
template <class P>
struct PointerField {
    P member;
    template <class T>
    auto& get(T& v) const {
        return v.*member;
    }
};

enum class AggregationKind { SUM, MIN, MAX, MIN_BY, MAX_BY };

template <class T, class Field>
struct FieldAggregation {
    AggregationKind kind;
    Field field;
    T operator()(const T& acc, const T& next) const {
        switch (kind) {
            case AggregationKind::SUM: {
                T r = acc;
                field.get(r) = field.get(acc) + field.get(next);
                return r;
            }
            case AggregationKind::MIN: {
                T r = acc;
                field.get(r) = std::min(field.get(acc), field.get(next));
                return r;
            }
            case AggregationKind::MAX: {
                T r = acc;
                field.get(r) = std::max(field.get(acc), field.get(next));
                return r;
            }
            case AggregationKind::MIN_BY:
                return field.get(next) < field.get(acc) ? next : acc;
            case AggregationKind::MAX_BY:
                return field.get(acc) < field.get(next) ? next : acc;
        }
        return acc;
    }
};

template <class T, size_t N>
struct TupleField {
    auto& get(T& v) const { return std::get<N>(v); }
    const auto& get(const T& v) const { return std::get<N>(v); }
};

/// The stream element itself (a stream of numbers).
template <class T>
struct WholeValue {
    T& get(T& v) const { return v; }
    const T& get(const T& v) const { return v; }
};

}  // namespace weir::detail
