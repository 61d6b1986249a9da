// Build-time generator for the runtime tests' artifacts (see tiny_model.c):
//
//   dlc_rt_plan_gen plan <variant> <out.inc>   the tiny model's plan, encoded with
//       Plan.h, as a C array: tiny | truncated (last bytes cut) | badbuffer (a step
//       names buffer 99) | hugearena (a 1 TiB arena)
//   dlc_rt_plan_gen file <kind> <out>          a file that must fail before dlopen or
//       in it: foreign (an ELF header for another machine) | elf32 | notelf | broken
//       (this machine's ELF header, then nothing)
#include <elf.h>

#include <cstdio>
#include <cstring>
#include <fstream>
#include <string>
#include <vector>

#include "dlc/runtime/Plan.h"

using namespace dlc::runtime;

namespace {

PlanBuffer buf(BufferKind kind, ElemType t, std::vector<int64_t> extents, std::string name, uint64_t offset) {
  PlanBuffer b;
  b.kind = kind;
  b.dtype = t;
  b.extents = std::move(extents);
  b.name = std::move(name);
  b.offset = offset;
  uint64_t n = 1;
  for (int64_t e : b.extents) n *= static_cast<uint64_t>(e);
  b.bytes = n * elemSize(t);
  return b;
}

Plan tinyPlan() {
  using K = BufferKind;
  const auto f32 = ElemType::Float32, i32 = ElemType::Int32;
  Plan p;
  p.arenaBytes = 128;
  p.buffers = {
      buf(K::Input, f32, {2, 3}, "x", 0),             // 0
      buf(K::Input, f32, {2, 3}, "y", 0),             // 1
      buf(K::Constant, f32, {2, 3}, "w", 0),          // 2
      buf(K::Intermediate, f32, {2, 3}, "t", 0),      // 3
      buf(K::Intermediate, f32, {2, 3}, "u", 64),     // 4
      buf(K::Output, f32, {2, 3}, "z", 0),            // 5
      buf(K::Output, f32, {2, 3}, "x_copy", 0),       // 6
      buf(K::Input, i32, {4}, "idx", 0),              // 7
      buf(K::Constant, i32, {4}, "k", 32),            // 8
      buf(K::Output, i32, {4}, "scaled", 0),          // 9
  };
  p.steps = {{0, {0, 1, 3}}, {1, {3, 4}}, {2, {4, 2, 5}}, {kCopyStep, {0, 6}}, {3, {7, 8, 9}}};
  p.inputs = {0, 1, 7};
  p.outputs = {5, 6, 9};
  return p;
}

bool writeFile(const std::string& path, const std::vector<uint8_t>& bytes) {
  std::ofstream out(path, std::ios::binary);
  out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
  return static_cast<bool>(out);
}

bool writeInc(const std::string& path, const std::vector<uint8_t>& bytes) {
  std::string s = "/* Written by dlc_rt_plan_gen: an encoded dlc::runtime::Plan. */\n"
                  "static const unsigned char dlc_test_plan[] = {";
  for (size_t i = 0; i < bytes.size(); ++i) {
    s += i % 16 ? " " : "\n  ";
    s += std::to_string(bytes[i]);
    s += ',';
  }
  s += "\n};\n";
  return writeFile(path, std::vector<uint8_t>(s.begin(), s.end()));
}

// A 64-byte ELF header of the given class and machine, with nothing after it.
std::vector<uint8_t> elfHeader(unsigned char cls, uint16_t machine) {
  Elf64_Ehdr h;
  std::memset(&h, 0, sizeof h);
  std::memcpy(h.e_ident, ELFMAG, SELFMAG);
  h.e_ident[EI_CLASS] = cls;
  h.e_ident[EI_DATA] = ELFDATA2LSB;
  h.e_ident[EI_VERSION] = EV_CURRENT;
  h.e_type = ET_DYN;
  h.e_machine = machine;
  h.e_version = EV_CURRENT;
  h.e_ehsize = sizeof h;
  std::vector<uint8_t> out(sizeof h);
  std::memcpy(out.data(), &h, sizeof h);
  return out;
}

#if defined(__aarch64__)
constexpr uint16_t kHost = EM_AARCH64, kForeign = EM_X86_64;
#else
constexpr uint16_t kHost = EM_X86_64, kForeign = EM_AARCH64;
#endif

}  // namespace

int main(int argc, char** argv) {
  if (argc != 4) {
    std::fprintf(stderr, "usage: dlc_rt_plan_gen plan|file VARIANT OUT\n");
    return 2;
  }
  std::string mode = argv[1], variant = argv[2], out = argv[3];
  bool ok = false;
  if (mode == "plan") {
    Plan p = tinyPlan();
    if (variant == "badbuffer") p.steps[2].args[1] = 99;
    if (variant == "hugearena") p.arenaBytes = uint64_t{1} << 40;
    std::vector<uint8_t> bytes = encodePlan(p);
    // The last 4 bytes are the (empty) kernel FLOP table's count: the cut lands in the outputs.
    if (variant == "truncated") bytes.resize(bytes.size() - 4 - 3);
    if (variant != "tiny" && variant != "badbuffer" && variant != "hugearena" && variant != "truncated") {
      std::fprintf(stderr, "dlc_rt_plan_gen: unknown plan variant '%s'\n", variant.c_str());
      return 2;
    }
    ok = writeInc(out, bytes);
  } else if (mode == "file") {
    if (variant == "foreign") ok = writeFile(out, elfHeader(ELFCLASS64, kForeign));
    else if (variant == "elf32") ok = writeFile(out, elfHeader(ELFCLASS32, kHost));
    else if (variant == "broken") ok = writeFile(out, elfHeader(ELFCLASS64, kHost));
    else if (variant == "notelf") ok = writeFile(out, std::vector<uint8_t>{'n', 'o', 't', ' ', 'a', 'n', ' ', 'E', 'L', 'F', '\n'});
    else {
      std::fprintf(stderr, "dlc_rt_plan_gen: unknown file kind '%s'\n", variant.c_str());
      return 2;
    }
  }
  if (!ok) {
    std::fprintf(stderr, "dlc_rt_plan_gen: cannot write %s\n", out.c_str());
    return 1;
  }
  return 0;
}
