// `dlc inspect MODEL`: imports a model (optionally running passes, -O0 by
// default) and prints its IR and statistics: inputs and outputs with their
// types, node and constant counts, weight bytes, and the count of each op.
#include <algorithm>
#include <iostream>
#include <set>
#include <map>

#include "Command.h"
#include "ArtifactExecutable.h"
#include "ModelOptions.h"
#include "TargetOptions.h"
#include "dlc/ir/Printer.h"

namespace dlc::cli {

namespace {

constexpr int kDefaultOptLevel = 0;

void printStatistics(const Function& f, std::ostream& os) {
  os << "statistics of @" << f.name() << ":\n";
  os << "  inputs (" << f.arguments().size() << "):\n";
  for (const Value* v : f.arguments()) os << "    %" << v->name() << ": " << v->type().str() << "\n";
  os << "  outputs (" << f.outputs().size() << "):\n";
  for (const Value* v : f.outputs()) {
    os << "    %" << (v ? v->name() : "<null>") << ": " << (v ? v->type().str() : "?") << "\n";
  }

  uint64_t weightBytes = 0;
  for (const Value* c : f.constants()) weightBytes += c->constant().byteSize();
  os << "  nodes: " << f.numNodes() << "\n";
  os << "  constants: " << f.constants().size() << "\n";
  os << "  weight bytes: " << weightBytes << "\n";
  // Kernels, when the fuse pass has grouped the nodes (fuse.group annotations).
  std::set<int64_t> groups;
  size_t loose = 0;
  for (const Node* n : f.nodes()) {
    auto it = n->attrs().find("fuse.group");
    if (it != n->attrs().end() && it->second.kind() == AttrKind::Int)
      groups.insert(it->second.i());
    else
      ++loose;
  }
  if (!groups.empty()) os << "  kernels: " << groups.size() + loose << " (fused groups)\n";

  std::map<std::string, size_t> counts;
  for (const Node* n : f.nodes()) ++counts[n->op()];
  std::vector<std::pair<std::string, size_t>> ops(counts.begin(), counts.end());
  // Most frequent first; ties by name.
  std::stable_sort(ops.begin(), ops.end(),
                   [](const auto& a, const auto& b) { return a.second > b.second; });
  os << "  ops (" << ops.size() << " distinct):\n";
  size_t width = 0;
  for (const auto& [op, n] : ops) width = std::max(width, op.size());
  for (const auto& [op, n] : ops) {
    os << "    " << op << ":" << std::string(width - op.size() + 1, ' ') << n << "\n";
  }
}

int runInspect(const ParsedArgs& args, Session& session) {
  ModelOptions opts = parseModelOptions(args, kDefaultOptLevel, "dlc inspect");
  bool full = args.has("--full");
  bool printIr = !args.has("--no-ir");
  opts.passManager.elideConstantsOver = full ? 0 : 16;

  if (isArtifact(opts.modelPath)) {
    cpu::ArtifactExecutable exe(opts.modelPath, 1);
    cpu::ArtifactFacts facts = exe.facts();
    std::cout << "artifact " << opts.modelPath << " (" << facts.arch << ", written by dlc " << facts.dlcVersion
              << ")\n";
    std::vector<std::string> in = exe.inputNames(), out = exe.outputNames();
    std::vector<TensorType> types = exe.inputTypes();
    std::cout << "  inputs (" << in.size() << "):\n";
    for (size_t i = 0; i < in.size(); ++i) std::cout << "    %" << in[i] << ": " << types[i].str() << "\n";
    std::cout << "  outputs (" << out.size() << "):";
    for (const std::string& o : out) std::cout << " %" << o;
    std::cout << "\n  kernels: " << facts.numKernels << "\n  steps: " << facts.numSteps
              << "\n  weights bytes: " << facts.weightsBytes << "\n  peak activation bytes: " << facts.arenaBytes
              << "\n  output bytes: " << facts.outputBytes << "\n";
    return 0;
  }
  std::unique_ptr<Module> m = loadModel(session, opts);
  optimize(session, *m, opts);

  if (printIr) {
    PrintOptions po;
    po.elideConstantsOver = full ? 0 : 16;
    printModule(*m, std::cout, po);
    std::cout << "\n";
  }
  bool first = true;
  for (const auto& f : m->functions()) {
    if (!first) std::cout << "\n";
    first = false;
    printStatistics(*f, std::cout);
  }
  return 0;
}

}  // namespace

Command inspectCommand() {
  Command c;
  c.name = "inspect";
  c.summary = "print a model's IR and statistics (ops, nodes, constants, inputs, outputs)";
  c.usage = "dlc inspect [options] MODEL";
  c.description =
      "Imports MODEL with the frontend registered for its extension (.dlcir text IR,\n"
      ".onnx, or one a plugin adds), optionally runs passes (-O0 by default), then\n"
      "prints the IR and, per function, its inputs and outputs with their types, the\n"
      "number of nodes and constants, the total weight bytes and the count of each op.\n"
      "Constants of more than 16 elements are printed as <elided> unless --full.";
  c.declare = [](ArgParser& p) {
    p.flag("--full", "print every constant in full (the output then parses back)");
    p.flag("--no-ir", "print only the statistics");
    declareModelOptions(p, kDefaultOptLevel);
  };
  c.run = runInspect;
  return c;
}

}  // namespace dlc::cli
