#include "graph/job_graph_description.h"

#include <xxhash.h>

#include <cstdio>
#include <nlohmann/json.hpp>
#include <sstream>

namespace weir {

namespace {

const char* kindName(TransformationKind kind) {
    switch (kind) {
        case TransformationKind::SOURCE:
            return "source";
        case TransformationKind::ONE_INPUT:
            return "one-input";
        case TransformationKind::TWO_INPUT:
            return "two-input";
        case TransformationKind::SINK:
            return "sink";
        case TransformationKind::PARTITION:
            return "partition";
        case TransformationKind::UNION:
            return "union";
        case TransformationKind::SIDE_OUTPUT:
            return "side-output";
    }
    return "?";
}

const char* chainingName(ChainingStrategy c) {
    switch (c) {
        case ChainingStrategy::ALWAYS:
            return "always";
        case ChainingStrategy::HEAD:
            return "head";
        case ChainingStrategy::NEVER:
            return "never";
    }
    return "?";
}

std::string typeIdentity(const std::shared_ptr<const TypeInformationBase>& type) {
    return type ? type->identity() : std::string("-");
}

}  // namespace

std::string describeJobGraph(const JobGraph& graph) {
    const StreamGraph& sg = *graph.streamGraph;
    std::ostringstream out;
    out << "job name=" << graph.jobName << " mode=" << static_cast<int>(sg.executionMode)
        << " chaining=" << sg.chainingEnabled << '\n';
    for (const auto& [id, n] : sg.nodes) {
        out << "node " << id << " op=" << n.operatorId << " uid=" << n.uid << " name=" << n.name
            << " kind=" << kindName(n.kind) << " p=" << n.parallelism
            << " maxp=" << n.maxParallelism << " chain=" << chainingName(n.chaining)
            << " group=" << n.slotSharingGroup << " keyed=" << n.keyed << " key=" << n.keyType
            << " bounded=" << static_cast<int>(n.boundedness)
            << " out=" << typeIdentity(n.outputType) << '\n';
    }
    for (size_t e = 0; e < sg.edges.size(); ++e) {
        const StreamEdge& se = sg.edges[e];
        out << "edge " << e << ' ' << se.sourceId << "->" << se.targetId << " in=" << se.inputIndex
            << " part=" << partitionerName(se.partitioner.kind) << " side=" << se.sideOutputTag
            << " type=" << typeIdentity(se.type) << '\n';
    }
    for (const auto& v : graph.vertices) {
        out << "vertex " << v.id << " p=" << v.parallelism << " maxp=" << v.maxParallelism
            << " chain=";
        for (size_t i = 0; i < v.chainedNodes.size(); ++i)
            out << (i ? "," : "") << v.chainedNodes[i];
        out << '\n';
    }
    for (const auto& je : graph.edges)
        out << "job-edge " << je.sourceVertex << "->" << je.targetVertex << " via " << je.streamEdge
            << '\n';
    for (const auto& [key, value] : graph.configuration.entries())
        out << "config " << key << '=' << value << '\n';
    return out.str();
}

std::string jobGraphFingerprint(const std::string& description) {
    char hex[17];
    std::snprintf(
        hex, sizeof hex, "%016llx",
        static_cast<unsigned long long>(XXH64(description.data(), description.size(), 0)));
    return hex;
}

std::string jobGraphMismatch(const std::string& expected, const std::string& actual) {
    if (expected == actual) return {};
    std::istringstream a(expected), b(actual);
    std::string la, lb;
    for (int line = 1;; ++line) {
        bool ha = static_cast<bool>(std::getline(a, la));
        bool hb = static_cast<bool>(std::getline(b, lb));
        if (!ha && !hb) break;
        if (!ha) la = "(nothing)";
        if (!hb) lb = "(nothing)";
        if (!ha || !hb || la != lb)
            return "line " + std::to_string(line) + " of the job graph differs: expected '" + la +
                   "', built '" + lb + "'";
    }
    return "the job graphs differ";
}

std::string executionPlanJson(const StreamGraph& graph) {
    nlohmann::json nodes = nlohmann::json::array();
    for (const auto& [id, n] : graph.nodes) {
        nlohmann::json node;
        node["id"] = id;
        const char* pact = n.kind == TransformationKind::SOURCE ? "Data Source"
                           : n.kind == TransformationKind::SINK ? "Data Sink"
                                                                : "Operator";
        std::string type = n.name;
        if (auto colon = type.find(':'); colon != std::string::npos) type = type.substr(0, colon);
        node["type"] = type;
        node["pact"] = pact;
        node["contents"] = n.name;
        node["parallelism"] = n.parallelism;
        node["operator_id"] = n.operatorId;
        if (!n.inEdges.empty()) {
            nlohmann::json preds = nlohmann::json::array();
            for (int32_t e : n.inEdges) {
                const StreamEdge& se = graph.edges[e];
                nlohmann::json p;
                p["id"] = se.sourceId;
                p["ship_strategy"] = partitionerName(se.partitioner.kind);
                p["side"] = se.inputIndex == 0 ? "first" : "second";
                preds.push_back(std::move(p));
            }
            node["predecessors"] = std::move(preds);
        }
        nodes.push_back(std::move(node));
    }
    nlohmann::json plan;
    plan["name"] = graph.jobName;
    plan["nodes"] = std::move(nodes);
    return plan.dump(2);
}

}  // namespace weir
