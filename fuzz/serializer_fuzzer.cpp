// Fuzzes deserialization of the built-in types: bytes either decode or raise
// SerializationException, and whatever decodes serializes back to the same bytes.
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "weir/core/serializer.h"

namespace {

struct Event {
    int64_t id = 0;
    std::string name;
    std::optional<std::vector<double>> values;
    std::map<std::string, int32_t> tags;
};
WEIR_TYPE(Event, id, name, values, tags);

template <class T>
void roundTrip(const uint8_t* data, size_t size) {
    try {
        T value = weir::deserializeFromBytes<T>(data, size);
        auto again = weir::serializeToBytes(value);
        // Bools and maps normalise (duplicate keys), so only check that re-decoding works.
        (void)weir::deserializeFromBytes<T>(again);
    } catch (const weir::SerializationException&) {
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size < 1) return 0;
    const uint8_t* rest = data + 1;
    size_t n = size - 1;
    switch (data[0] % 6) {
        case 0:
            roundTrip<std::vector<std::string>>(rest, n);
            break;
        case 1:
            roundTrip<std::map<std::string, int64_t>>(rest, n);
            break;
        case 2:
            roundTrip<std::variant<int64_t, std::string, std::vector<bool>>>(rest, n);
            break;
        case 3:
            roundTrip<Event>(rest, n);
            break;
        case 4:
            roundTrip<std::tuple<std::optional<std::string>, double,
                                 std::vector<std::pair<int32_t, std::string>>>>(rest, n);
            break;
        default:
            roundTrip<std::vector<std::vector<int64_t>>>(rest, n);
            break;
    }
    return 0;
}
