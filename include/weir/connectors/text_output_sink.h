#pragma once
// TextOutputSink (writeAsText): one line per record, the record's printed form. At parallelism 1
// it writes the file `path`; otherwise `path` is a directory holding one file per subtask,
// named "1", "2", ... (as Flink's writeAsText does).

#include <cstdio>
#include <memory>
#include <string>

#include "weir/core/to_string.h"
#include "weir/functions/sink.h"

namespace weir {

enum class WriteMode { NO_OVERWRITE, OVERWRITE };

namespace detail {
/// Opens the output file of one subtask; throws weir::Exception naming the path on failure.
std::FILE* openTextOutput(const std::string& path, WriteMode mode, int32_t subtaskIndex,
                          int32_t parallelism);
void writeOrThrow(std::FILE* file, const std::string& data, const std::string& path);
void closeOrThrow(std::FILE* file, const std::string& path);
}  // namespace detail

template <class T>
class TextOutputSink final : public Sink<T> {
public:
    TextOutputSink(std::string path, WriteMode mode) : path_(std::move(path)), mode_(mode) {}
    std::unique_ptr<SinkWriter<T>> createWriter(const SinkWriterContext& ctx) const override {
        return std::make_unique<Writer>(
            detail::openTextOutput(path_, mode_, ctx.subtaskIndex, ctx.parallelism), path_);
    }

private:
    class Writer final : public SinkWriter<T> {
    public:
        Writer(std::FILE* f, std::string path) : file_(f), path_(std::move(path)) {}
        ~Writer() override {
            if (file_) std::fclose(file_);
        }
        void write(const T& value, int64_t) override {
            line_ = toString(value);
            line_ += '\n';
            detail::writeOrThrow(file_, line_, path_);
        }
        void flush(bool) override { std::fflush(file_); }
        void close() override {
            std::FILE* f = file_;
            file_ = nullptr;
            if (f) detail::closeOrThrow(f, path_);
        }

    private:
        std::FILE* file_;
        std::string path_;
        std::string line_;
    };
    std::string path_;
    WriteMode mode_;
};

}  // namespace weir
