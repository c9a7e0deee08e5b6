#pragma once
// OutputTag<T>: names a side output of type T. Tags are equal when their ids are equal.

#include <string>

#include "weir/core/exceptions.h"

namespace weir {

template <class T>
class OutputTag {
public:
    using Type = T;
    explicit OutputTag(std::string id) : id_(std::move(id)) {
        if (id_.empty()) throw InvalidProgramException("an OutputTag needs a non-empty id");
    }
    const std::string& id() const { return id_; }

private:
    std::string id_;
};

}  // namespace weir
