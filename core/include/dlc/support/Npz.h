// Reads and writes NumPy .npy and .npz (uncompressed or deflate-free stored zip)
// files as named dlc tensors, as tvmc does for --inputs/--output.
#pragma once

#include <map>
#include <string>

#include "dlc/ir/Tensor.h"

namespace dlc {

// Keys are array names without the ".npy" suffix, in file order.
std::vector<std::pair<std::string, Tensor>> readNpz(const std::string& path);
void writeNpz(const std::string& path, const std::vector<std::pair<std::string, Tensor>>& arrays);

Tensor readNpy(const std::string& bytes, const std::string& what);
std::string writeNpy(const Tensor& t);

}  // namespace dlc
