// fuse: groups nodes into kernels by their ops' pattern kinds and records the
// groups as annotations (`fuse.group = N` on every node, `fuse.anchor = 1` on
// the group's anchor or, without one, its last node), so --print-after=fuse
// shows them and the lowering reads them back with readFusionGroups(). The
// rules are in the note at the top of Fuse.cpp. Tests:
// tests/passes/golden/fuse.golden and tests/passes/FuseTest.cpp.
#pragma once

#include <memory>
#include <vector>

#include "dlc/pass/Pass.h"

namespace dlc::passes {

struct FusedGroup {
  std::vector<Node*> nodes;  // topological order
  Node* anchor = nullptr;    // the conv/matmul/reduction/opaque op, if any
  Value* output = nullptr;   // the one value used outside the group (or returned)
};

// The groups the rules give, without changing the function.
std::vector<FusedGroup> computeFusionGroups(const Function& f);
// Writes the annotations for `groups`; returns true if any changed.
bool annotateFusionGroups(Function& f, const std::vector<FusedGroup>& groups);
// The groups recorded by the annotations (a node without one is a group of its
// own), in topological order of their first node.
std::vector<FusedGroup> readFusionGroups(const Function& f);
std::unique_ptr<Pass> createFusePass();

}  // namespace dlc::passes
