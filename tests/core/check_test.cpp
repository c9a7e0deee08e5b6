#include "weir/core/check.h"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

namespace weir {
namespace {

TEST(Check, FailureThrowsInternalErrorWithPlaceConditionAndMessage) {
    try {
        int shards = 3;
        WEIR_CHECK(shards == 4) << "expected four shards, got " << shards;
        FAIL() << "no exception";
    } catch (const InternalError& e) {
        std::string what = e.what();
        EXPECT_NE(what.find("check_test.cpp"), std::string::npos) << what;
        EXPECT_NE(what.find("shards == 4"), std::string::npos) << what;
        EXPECT_NE(what.find("expected four shards, got 3"), std::string::npos) << what;
    }
}

TEST(Check, PassingCheckDoesNothing) {
    EXPECT_NO_THROW(WEIR_CHECK(1 + 1 == 2) << "never built");
}

/// Checks an invariant in its destructor, as cleanup code does.
struct CheckingGuard {
    bool ok = false;
    ~CheckingGuard() { WEIR_CHECK(ok) << "guard released in a bad state"; }
};

TEST(Check, FailureWhileAnotherExceptionUnwindsIsLoggedAndTheOriginalPropagates) {
    // Throwing from the destructor here would call std::terminate and end the test process.
    try {
        CheckingGuard guard;
        throw std::runtime_error("the original failure");
    } catch (const std::runtime_error& e) {
        EXPECT_STREQ(e.what(), "the original failure");
        return;
    }
    FAIL() << "the original exception was lost";
}

}  // namespace
}  // namespace weir
