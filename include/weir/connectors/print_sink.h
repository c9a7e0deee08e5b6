#pragma once
// PrintSink: writes each record's printed form (weir::toString) to standard output (or error),
// one line per record. With parallelism above 1 each line starts with the subtask number
// ("2> "), and with an identifier with it ("id:2> "), as in Flink.

#include <cstdio>
#include <memory>
#include <string>

#include "weir/core/to_string.h"
#include "weir/functions/sink.h"

namespace weir {

namespace detail {
/// Writes one line atomically (no interleaving with other subtasks' lines).
void writeLine(std::FILE* stream, const std::string& line);
}  // namespace detail

template <class T>
class PrintSink final : public Sink<T> {
public:
    explicit PrintSink(std::string identifier = "", bool toStderr = false)
        : identifier_(std::move(identifier)), stderr_(toStderr) {}
    std::unique_ptr<SinkWriter<T>> createWriter(const SinkWriterContext& ctx) const override {
        std::string prefix = identifier_;
        if (ctx.parallelism > 1)
            prefix += (prefix.empty() ? "" : ":") + std::to_string(ctx.subtaskIndex + 1);
        if (!prefix.empty()) prefix += "> ";
        return std::make_unique<Writer>(std::move(prefix), stderr_ ? stderr : stdout);
    }

private:
    class Writer final : public SinkWriter<T> {
    public:
        Writer(std::string prefix, std::FILE* stream)
            : prefix_(std::move(prefix)), stream_(stream) {}
        void write(const T& value, int64_t) override {
            line_.assign(prefix_);
            line_ += toString(value);
            line_ += '\n';
            detail::writeLine(stream_, line_);
        }
        void flush(bool) override { std::fflush(stream_); }

    private:
        std::string prefix_;
        std::FILE* stream_;
        std::string line_;
    };
    std::string identifier_;
    bool stderr_;
};

}  // namespace weir
