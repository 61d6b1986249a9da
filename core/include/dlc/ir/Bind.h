// Binding arguments to values: a model whose shapes depend on the values of
// some inputs (a Reshape's shape, a reduction's axes, Resize's sizes, TopK's K)
// is specialized by turning those inputs into constants, after which its types
// can become static. Targets that need static shapes (the CPU targets) compile
// the specialized function; the bound inputs are no longer inputs.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "dlc/ir/IR.h"

namespace dlc {

// Whether input `index` of `op` acts as an attribute: it determines the
// output's shape or how the op computes (shapes, axes, sizes, counts, window
// lengths), rather than being data the op transforms.
bool isShapeOperand(const std::string& op, size_t index);

// The arguments of `f` that some node consumes as a shape operand, directly or
// through the nodes that compute the operand (not through Shape and Size, which
// read only their input's type), in argument order.
std::vector<std::string> shapeOperandArguments(const Function& f);

// Turns the named arguments into constants holding the given tensors, then
// re-infers the types of the function's nodes. Throws naming the argument when
// a name is not an argument or a tensor does not match the argument's type.
void bindArguments(Function& f, const std::map<std::string, Tensor>& values);

}  // namespace dlc
