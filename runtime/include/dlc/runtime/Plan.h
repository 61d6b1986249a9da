// The execution plan of a compiled artifact: its buffers, where each lives, and
// the kernel calls in order. The compiler builds a Plan and encodes it with
// encodePlan(); the artifact embeds the bytes; the runtime decodes them with
// decodePlan(), which checks every field (a corrupt plan is an error, not a
// crash). Header-only, standard C++ only: the runtime and the compiler both
// include it and neither pulls the other in.
//
// Encoding (little-endian): "DLCP", u32 version, u64 arena_bytes,
// u32 #buffers { u8 kind, u8 dtype, u32 rank, i64 extents[rank], str name,
// u64 offset, u64 bytes, u32 shape_check }, u32 #steps { u32 kernel, u32 #args, u32 args[] },
// u32 #inputs u32 ids[], u32 #outputs u32 ids[], u32 #kernels f64 flops[] (0 or
// one per kernel); str = u32 length + bytes.
#pragma once

#include <cstdint>
#include <cstring>
#include <stdexcept>
#include <string>
#include <vector>

namespace dlc::runtime {

enum class BufferKind : uint8_t {
  Input = 0,         // supplied by the caller (set_input)
  Output = 1,        // owned by the instance, read with get_output
  Constant = 2,      // in the artifact's weights at `offset`
  Intermediate = 3,  // in the instance's arena at `offset` (reused by liveness)
};

// Element types, numbered as dlc::DType (dlc/ir/DType.h) numbers them.
enum class ElemType : uint8_t {
  Float32 = 1, Float64 = 2, Float16 = 3, BFloat16 = 4, Int8 = 5, Int16 = 6, Int32 = 7, Int64 = 8,
  UInt8 = 9, UInt16 = 10, UInt32 = 11, UInt64 = 12, Bool = 13,
};
size_t elemSize(ElemType t);
const char* elemName(ElemType t);  // "f32", as the text IR writes it

struct PlanBuffer {
  BufferKind kind = BufferKind::Intermediate;
  ElemType dtype = ElemType::Float32;
  std::vector<int64_t> extents;
  std::string name;     // the graph value's name (inputs/outputs are looked up by it)
  uint64_t offset = 0;  // Constant: into weights; Intermediate: into the arena
  uint64_t bytes = 0;   // numel * elemSize
  // For a value whose shape depends on the data (NonZero, Compress, Unique,
  // NonMaxSuppression): the i64[rank] intermediate its kernel writes the shape
  // it computed into. The runtime checks it against `extents` after that step
  // and fails the run on a difference. kNoBuffer for every other value.
  uint32_t shapeCheck = 0xffffffffu;
};
constexpr uint32_t kNoBuffer = 0xffffffffu;

// kCopyStep as `kernel`: copy args[0] to args[1] (same byte size), for an output
// that is an input or a constant, or two outputs that are one value.
constexpr uint32_t kCopyStep = 0xffffffffu;

struct PlanStep {
  uint32_t kernel = 0;         // index into the artifact's kernels
  std::vector<uint32_t> args;  // buffer ids, in the kernel's parameter order
};

struct Plan {
  uint64_t arenaBytes = 0;  // peak intermediate memory (one arena per instance)
  std::vector<PlanBuffer> buffers;
  std::vector<PlanStep> steps;
  std::vector<uint32_t> inputs;   // buffer ids, in the model's input order
  std::vector<uint32_t> outputs;  // buffer ids, in the model's output order
  // Per kernel: the floating-point operations one call does (2 per
  // multiply-add of a conv or matmul; 0 where nobody counted), for profiles.
  // Empty, or one entry per kernel.
  std::vector<double> kernelFlops;
};

constexpr uint32_t kPlanVersion = 3;

// ---- implementation ------------------------------------------------------------

inline size_t elemSize(ElemType t) {
  switch (t) {
    case ElemType::Float64: case ElemType::Int64: case ElemType::UInt64: return 8;
    case ElemType::Float32: case ElemType::Int32: case ElemType::UInt32: return 4;
    case ElemType::Float16: case ElemType::BFloat16: case ElemType::Int16: case ElemType::UInt16: return 2;
    case ElemType::Int8: case ElemType::UInt8: case ElemType::Bool: return 1;
  }
  return 0;
}

inline const char* elemName(ElemType t) {
  switch (t) {
    case ElemType::Float32: return "f32";
    case ElemType::Float64: return "f64";
    case ElemType::Float16: return "f16";
    case ElemType::BFloat16: return "bf16";
    case ElemType::Int8: return "i8";
    case ElemType::Int16: return "i16";
    case ElemType::Int32: return "i32";
    case ElemType::Int64: return "i64";
    case ElemType::UInt8: return "u8";
    case ElemType::UInt16: return "u16";
    case ElemType::UInt32: return "u32";
    case ElemType::UInt64: return "u64";
    case ElemType::Bool: return "bool";
  }
  return "?";
}

namespace detail {
class Writer {
 public:
  template <typename T>
  void put(T v) {
    unsigned char b[sizeof(T)];
    std::memcpy(b, &v, sizeof(T));
    out.insert(out.end(), b, b + sizeof(T));
  }
  void str(const std::string& s) {
    put<uint32_t>(static_cast<uint32_t>(s.size()));
    out.insert(out.end(), s.begin(), s.end());
  }
  std::vector<uint8_t> out;
};

class Reader {
 public:
  Reader(const uint8_t* p, size_t n) : p_(p), n_(n) {}
  template <typename T>
  T get() {
    need(sizeof(T));
    T v;
    std::memcpy(&v, p_ + at_, sizeof(T));
    at_ += sizeof(T);
    return v;
  }
  std::string str() {
    uint32_t len = get<uint32_t>();
    need(len);
    std::string s(reinterpret_cast<const char*>(p_ + at_), len);
    at_ += len;
    return s;
  }
  // A count of items of at least `minBytes` each that must fit in what is left.
  uint32_t count(size_t minBytes) {
    uint32_t c = get<uint32_t>();
    if (minBytes && c > (n_ - at_) / minBytes) throw std::runtime_error("plan: count past the end");
    return c;
  }
  bool done() const { return at_ == n_; }

 private:
  void need(size_t k) {
    if (k > n_ - at_) throw std::runtime_error("plan: truncated");
  }
  const uint8_t* p_;
  size_t n_, at_ = 0;
};
}  // namespace detail

inline std::vector<uint8_t> encodePlan(const Plan& plan) {
  detail::Writer w;
  w.out = {'D', 'L', 'C', 'P'};
  w.put<uint32_t>(kPlanVersion);
  w.put<uint64_t>(plan.arenaBytes);
  w.put<uint32_t>(static_cast<uint32_t>(plan.buffers.size()));
  for (const PlanBuffer& b : plan.buffers) {
    w.put<uint8_t>(static_cast<uint8_t>(b.kind));
    w.put<uint8_t>(static_cast<uint8_t>(b.dtype));
    w.put<uint32_t>(static_cast<uint32_t>(b.extents.size()));
    for (int64_t e : b.extents) w.put<int64_t>(e);
    w.str(b.name);
    w.put<uint64_t>(b.offset);
    w.put<uint64_t>(b.bytes);
    w.put<uint32_t>(b.shapeCheck);
  }
  w.put<uint32_t>(static_cast<uint32_t>(plan.steps.size()));
  for (const PlanStep& s : plan.steps) {
    w.put<uint32_t>(s.kernel);
    w.put<uint32_t>(static_cast<uint32_t>(s.args.size()));
    for (uint32_t a : s.args) w.put<uint32_t>(a);
  }
  for (const auto* ids : {&plan.inputs, &plan.outputs}) {
    w.put<uint32_t>(static_cast<uint32_t>(ids->size()));
    for (uint32_t id : *ids) w.put<uint32_t>(id);
  }
  w.put<uint32_t>(static_cast<uint32_t>(plan.kernelFlops.size()));
  for (double f : plan.kernelFlops) w.put<double>(f);
  return std::move(w.out);
}

// Decodes and validates: buffer ids in range, kinds and dtypes known, byte sizes
// equal to numel * elemSize without overflow, constants inside `weightsSize`,
// intermediates inside the arena, kernels below `numKernels`. Throws
// std::runtime_error("plan: ...") naming what is wrong.
inline Plan decodePlan(const uint8_t* data, size_t size, size_t numKernels, uint64_t weightsSize) {
  auto bad = [](const std::string& m) { throw std::runtime_error("plan: " + m); };
  if (size < 8 || std::memcmp(data, "DLCP", 4) != 0) bad("bad magic");
  detail::Reader r(data + 4, size - 4);
  uint32_t version = r.get<uint32_t>();
  if (version != kPlanVersion)
    bad("version " + std::to_string(version) + ", this runtime reads version " + std::to_string(kPlanVersion));
  Plan p;
  p.arenaBytes = r.get<uint64_t>();
  uint32_t nb = r.count(30);
  p.buffers.resize(nb);
  for (uint32_t i = 0; i < nb; ++i) {
    PlanBuffer& b = p.buffers[i];
    uint8_t kind = r.get<uint8_t>(), dt = r.get<uint8_t>();
    if (kind > 3) bad("buffer " + std::to_string(i) + " has unknown kind " + std::to_string(kind));
    if (dt < 1 || dt > 13) bad("buffer " + std::to_string(i) + " has unknown dtype " + std::to_string(dt));
    b.kind = static_cast<BufferKind>(kind);
    b.dtype = static_cast<ElemType>(dt);
    uint32_t rank = r.count(8);
    uint64_t numel = 1;
    for (uint32_t k = 0; k < rank; ++k) {
      int64_t e = r.get<int64_t>();
      if (e < 0) bad("buffer " + std::to_string(i) + " has a negative extent");
      if (e != 0 && numel > (uint64_t{1} << 48) / static_cast<uint64_t>(e)) bad("buffer " + std::to_string(i) + " is too large");
      numel *= static_cast<uint64_t>(e);
      b.extents.push_back(e);
    }
    b.name = r.str();
    b.offset = r.get<uint64_t>();
    b.bytes = r.get<uint64_t>();
    b.shapeCheck = r.get<uint32_t>();
    if (b.bytes != numel * elemSize(b.dtype)) bad("buffer '" + b.name + "' has a byte size that does not match its shape");
    uint64_t limit = b.kind == BufferKind::Constant ? weightsSize : b.kind == BufferKind::Intermediate ? p.arenaBytes : 0;
    if ((b.kind == BufferKind::Constant || b.kind == BufferKind::Intermediate) &&
        (b.offset > limit || b.bytes > limit - b.offset))
      bad("buffer '" + b.name + "' lies outside its " + (b.kind == BufferKind::Constant ? "weights" : "arena"));
  }
  for (uint32_t i = 0; i < nb; ++i) {
    uint32_t sc = p.buffers[i].shapeCheck;
    if (sc == kNoBuffer) continue;
    const PlanBuffer& s = p.buffers[sc < nb ? sc : i];
    if (sc >= nb || s.kind != BufferKind::Intermediate || s.dtype != ElemType::Int64 || s.extents.size() != 1 ||
        s.extents[0] != static_cast<int64_t>(p.buffers[i].extents.size()))
      bad("buffer '" + p.buffers[i].name + "' has a bad shape check");
  }
  uint32_t ns = r.count(8);
  p.steps.resize(ns);
  for (uint32_t i = 0; i < ns; ++i) {
    PlanStep& s = p.steps[i];
    s.kernel = r.get<uint32_t>();
    if (s.kernel != kCopyStep && s.kernel >= numKernels) bad("step " + std::to_string(i) + " calls a missing kernel");
    uint32_t na = r.count(4);
    for (uint32_t k = 0; k < na; ++k) {
      uint32_t a = r.get<uint32_t>();
      if (a >= nb) bad("step " + std::to_string(i) + " names a missing buffer");
      s.args.push_back(a);
    }
    if (s.kernel == kCopyStep &&
        (s.args.size() != 2 || p.buffers[s.args[0]].bytes != p.buffers[s.args[1]].bytes))
      bad("step " + std::to_string(i) + " is a bad copy");
  }
  for (auto* ids : {&p.inputs, &p.outputs}) {
    uint32_t n = r.count(4);
    for (uint32_t k = 0; k < n; ++k) {
      uint32_t id = r.get<uint32_t>();
      if (id >= nb) bad("an input or output names a missing buffer");
      ids->push_back(id);
    }
  }
  uint32_t nf = r.count(8);
  if (nf != 0 && nf != numKernels) bad("has " + std::to_string(nf) + " kernel FLOP counts for " + std::to_string(numKernels) + " kernels");
  for (uint32_t k = 0; k < nf; ++k) {
    double f = r.get<double>();
    if (!(f >= 0)) bad("kernel " + std::to_string(k) + " has a bad FLOP count");
    p.kernelFlops.push_back(f);
  }
  if (!r.done()) bad("trailing bytes");
  return p;
}

}  // namespace dlc::runtime
