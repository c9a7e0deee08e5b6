#pragma once
// eventually(): waits for something a test cannot be told of directly (a running job's
// statistics reaching a value) by polling it. The bound only turns a hang into a failure; it is
// generous so that an overloaded machine never fails a test, and nothing is asserted about how
// long the wait took.

#include <chrono>
#include <functional>
#include <thread>

namespace weir::testing {

inline bool eventually(const std::function<bool()>& condition,
                       std::chrono::seconds bound = std::chrono::seconds(180)) {
    auto deadline = std::chrono::steady_clock::now() + bound;
    while (!condition()) {
        if (std::chrono::steady_clock::now() > deadline) return condition();
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    return true;
}

}  // namespace weir::testing
