#pragma once
// TypeInformation: what the compiled runtime needs to know about a record type to wire a job:
// its name and how to build the typed pieces (outputs, inputs) for it. The graph carries one per
// edge; typeInfo<T>() gives the shared instance for T.

#include <memory>
#include <string>
#include <vector>

#include "weir/runtime/chain_outputs.h"
#include "weir/runtime/network_input.h"

namespace weir {

class TypeInformationBase {
public:
    virtual ~TypeInformationBase() = default;
    virtual std::string name() const = 0;
    /// serializerIdentity<T>(): what edges and snapshots record of the type.
    virtual std::string identity() const = 0;
    virtual std::unique_ptr<ElementOutput> createChainingOutput(StreamOperator* next) const = 0;
    virtual std::unique_ptr<ElementOutput> createRecordWriterOutput(
        RecordWriter* writer, const PartitionerSpec& spec, int32_t subtaskIndex,
        int32_t consumerMaxParallelism) const = 0;
    virtual std::unique_ptr<ElementOutput> createBroadcastingOutput(
        std::vector<ElementOutput*> outputs) const = 0;
    virtual std::unique_ptr<NetworkInputBase> createNetworkInput(StreamOperator* op, int inputIndex,
                                                                 int numChannels) const = 0;
};

template <class T>
class TypeInformation final : public TypeInformationBase {
public:
    std::string name() const override { return Serializer<T>::name(); }
    std::string identity() const override { return serializerIdentity<T>(); }
    std::unique_ptr<ElementOutput> createChainingOutput(StreamOperator* next) const override {
        return std::make_unique<ChainingOutput<T>>(next);
    }
    std::unique_ptr<ElementOutput> createRecordWriterOutput(RecordWriter* writer,
                                                            const PartitionerSpec& spec,
                                                            int32_t subtaskIndex,
                                                            int32_t maxParallelism) const override {
        return std::make_unique<RecordWriterOutput<T>>(writer, spec, subtaskIndex, maxParallelism);
    }
    std::unique_ptr<ElementOutput> createBroadcastingOutput(
        std::vector<ElementOutput*> outputs) const override {
        return std::make_unique<BroadcastingOutput<T>>(std::move(outputs));
    }
    std::unique_ptr<NetworkInputBase> createNetworkInput(StreamOperator* op, int inputIndex,
                                                         int numChannels) const override {
        return std::make_unique<NetworkInput<T>>(op, inputIndex, numChannels);
    }
};

template <class T>
std::shared_ptr<const TypeInformationBase> typeInfo() {
    static const std::shared_ptr<const TypeInformationBase> instance =
        std::make_shared<TypeInformation<T>>();
    return instance;
}

}  // namespace weir
