#pragma once
// DiscardingSink: drops every record (benchmarks, and jobs run for their side effects).

#include <memory>

#include "weir/functions/sink.h"

namespace weir {

template <class T>
class DiscardingSink final : public Sink<T> {
public:
    std::unique_ptr<SinkWriter<T>> createWriter(const SinkWriterContext&) const override {
        return std::make_unique<Writer>();
    }

private:
    struct Writer final : SinkWriter<T> {
        void write(const T&, int64_t) override {}
    };
};

}  // namespace weir
