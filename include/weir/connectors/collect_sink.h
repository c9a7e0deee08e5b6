#pragma once
// CollectSink: gathers a job's results in memory for executeAndCollect() (tests and small jobs
// on the embedded mini-cluster).

#include <memory>
#include <mutex>
#include <vector>

#include "weir/functions/sink.h"

namespace weir {

template <class T>
class CollectSink final : public Sink<T> {
public:
    struct Buffer {
        std::mutex mutex;
        std::vector<T> values;
    };
    CollectSink() : buffer_(std::make_shared<Buffer>()) {}
    std::shared_ptr<Buffer> buffer() const { return buffer_; }

    std::unique_ptr<SinkWriter<T>> createWriter(const SinkWriterContext&) const override {
        return std::make_unique<Writer>(buffer_);
    }

private:
    class Writer final : public SinkWriter<T> {
    public:
        explicit Writer(std::shared_ptr<Buffer> b) : buffer_(std::move(b)) {}
        void write(const T& value, int64_t) override { local_.push_back(value); }
        void flush(bool) override {
            std::lock_guard lock(buffer_->mutex);
            for (auto& v : local_) buffer_->values.push_back(std::move(v));
            local_.clear();
        }

    private:
        std::shared_ptr<Buffer> buffer_;
        std::vector<T> local_;
    };
    std::shared_ptr<Buffer> buffer_;
};

}  // namespace weir
