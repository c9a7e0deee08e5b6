#include "core/time/clock.h"

#include "weir/core/time.h"

namespace weir {

namespace {
class SystemClock final : public Clock {
public:
    TimePoint now() const override { return std::chrono::steady_clock::now(); }
    int64_t currentTimeMillis() const override { return weir::currentTimeMillis(); }
};
}  // namespace

Clock& Clock::system() {
    static SystemClock clock;
    return clock;
}

}  // namespace weir
