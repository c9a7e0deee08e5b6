#pragma once
// Outputs: where an operator puts what it produces. Output<T>::collect(value, timestamp) is the
// per-record path; watermarks and watermark statuses follow the same path so that order is kept.
//
// Concrete outputs (runtime/chain_outputs.h): ChainingOutput (a direct call into the next
// operator of the chain), RecordWriterOutput (serialized into network buffers) and
// BroadcastingOutput (several of those). An output built for a side-output edge carries the tag's
// id and takes only collectSide calls for that tag.

#include <cstdint>
#include <string>

#include "weir/core/time.h"

namespace weir {

class ElementOutput {
public:
    virtual ~ElementOutput() = default;
    virtual void emitWatermark(int64_t watermark) = 0;
    virtual void emitWatermarkStatus(bool idle) = 0;
    /// Emits `value` (pointing at an object of the side output's type) to outputs of `tagId`.
    virtual void collectSide(const std::string& tagId, const void* value, int64_t timestamp) = 0;
    /// The main-output collect, type-erased (value points at the output's element type).
    virtual void collectErased(const void* value, int64_t timestamp) = 0;
    /// The side-output tag this output belongs to; empty for the main output.
    const std::string& sideTag() const { return sideTag_; }
    void setSideTag(std::string tag) { sideTag_ = std::move(tag); }

private:
    std::string sideTag_;
};

template <class T>
class Output : public ElementOutput {
public:
    virtual void collect(const T& value, int64_t timestamp) = 0;
    void collect(const T& value) { collect(value, kNoTimestamp); }
    void collectErased(const void* value, int64_t timestamp) override {
        collect(*static_cast<const T*>(value), timestamp);
    }
};

}  // namespace weir
