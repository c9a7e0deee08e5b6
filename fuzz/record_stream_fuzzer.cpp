// Fuzzes the reader of network buffers: arbitrary bytes, cut into up to three buffers of one
// channel, must either decode or raise SerializationException — never crash, hang or read out
// of bounds.
#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>

#include "weir/runtime/network_input.h"

namespace {

class Sink final : public weir::StreamOperator,
                   public weir::Input<std::pair<std::string, int64_t>> {
public:
    weir::InputBase* input(int) override { return this; }
    void processElement(const std::pair<std::string, int64_t>& v, int64_t) override {
        bytes += v.first.size();
    }
    void processWatermark(int64_t, int) override {}
    size_t bytes = 0;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size < 2) return 0;
    size_t cut1 = data[0] % (size - 1);
    size_t cut2 = cut1 + data[1] % (size - 1 - cut1 + 1);
    data += 2;
    size -= 2;
    cut1 = std::min(cut1, size);
    cut2 = std::min(std::max(cut2, cut1), size);
    Sink sink;
    weir::NetworkInput<std::pair<std::string, int64_t>> input(&sink, 0, 2);
    try {
        input.processBuffer(data, cut1, 0);
        input.processBuffer(data + cut1, cut2 - cut1, 0);
        input.processBuffer(data + cut2, size - cut2, 0);
        input.endOfPartition(0);
        input.endOfPartition(1);
    } catch (const weir::SerializationException&) {
    }
    return 0;
}
