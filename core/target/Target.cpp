// Target helpers shared by every target: checking run-time inputs against the
// types a compiled module expects.
#include "dlc/target/Target.h"

#include "dlc/ir/Tensor.h"
#include "dlc/support/Error.h"

namespace dlc {

void checkInputs(const std::vector<std::string>& names, const std::vector<TensorType>& types,
                 const std::vector<Tensor>& inputs) {
  DLC_CHECK(names.size() == types.size(), "checkInputs: ", names.size(), " input names but ",
            types.size(), " input types");
  if (inputs.size() != types.size()) {
    std::string list;
    for (size_t i = 0; i < names.size(); ++i) {
      list += (i ? ", " : "") + names[i] + ": " + types[i].str();
    }
    fail("expected ", types.size(), " input", types.size() == 1 ? "" : "s", " (", list, "), got ",
         inputs.size());
  }

  // Symbol -> (value, the input that fixed it).
  std::map<std::string, std::pair<int64_t, std::string>> bound;
  for (size_t i = 0; i < inputs.size(); ++i) {
    const std::string& name = names[i];
    const TensorType& want = types[i];
    const Tensor& got = inputs[i];
    if (!got.defined()) fail("input '", name, "': expected ", want.str(), ", got no tensor");
    const std::string gotStr = got.type().str();
    if (got.dtype() != want.dtype) fail("input '", name, "': expected ", want.str(), ", got ", gotStr);
    if (!want.ranked) continue;
    if (got.rank() != want.rank()) fail("input '", name, "': expected ", want.str(), ", got ", gotStr);
    for (size_t d = 0; d < want.shape.size(); ++d) {
      const Dim& dim = want.shape[d];
      const int64_t extent = got.dim(static_cast<int64_t>(d));
      if (dim.isStatic()) {
        if (dim.value != extent) fail("input '", name, "': expected ", want.str(), ", got ", gotStr);
        continue;
      }
      if (dim.symbol == "?" || dim.symbol.empty()) continue;  // anonymous: any extent
      auto [it, fresh] = bound.emplace(dim.symbol, std::make_pair(extent, name));
      if (!fresh && it->second.first != extent) {
        fail("input '", name, "': expected ", want.str(), " with ", dim.symbol, " = ", it->second.first,
             " (as in input '", it->second.second, "'), got ", gotStr);
      }
    }
  }
}

}  // namespace dlc
