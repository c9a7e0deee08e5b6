#pragma once
// OperatorException: an exception thrown by user code (or an operator), annotated with the
// operator it came from. The task turns it into the job's failure cause.

#include <exception>
#include <string>

#include "weir/core/exceptions.h"

namespace weir {

class OperatorException : public Exception {
public:
    OperatorException(const std::string& operatorName, const std::string& cause)
        : Exception("operator '" + operatorName + "' threw: " + cause),
          operatorName_(operatorName) {}
    const std::string& operatorName() const { return operatorName_; }

private:
    std::string operatorName_;
};

/// Calls f(); an exception that is not yet an OperatorException is rethrown as one naming
/// `operatorName`.
template <class F>
inline void runAttributed(const std::string& operatorName, F&& f) {
    try {
        f();
    } catch (const OperatorException&) {
        throw;
    } catch (const std::exception& e) {
        throw OperatorException(operatorName, e.what());
    } catch (...) {
        throw OperatorException(operatorName,
                                "unknown exception (not derived from std::exception)");
    }
}

}  // namespace weir
