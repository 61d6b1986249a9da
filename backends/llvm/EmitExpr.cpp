// Kernel IR expressions -> LLVM values. Float arithmetic is plain IEEE (no
// fast-math flags, no contraction); Min/Max on floats propagate NaN; float to
// int conversions saturate (llvm.fpto[su]i.sat) so that they are defined for
// every input. Vector loads and stores: a ramp index of stride 1 is one dense
// access, a ramp of constant stride 2..4 dense loads and a shuffle (stridedLoad),
// any other vector index a masked gather/scatter with all lanes on.
#include <llvm/IR/Intrinsics.h>

#include <cmath>
#include <limits>

#include "Emitter.h"
#include "dlc/support/Error.h"

namespace dlc::llvmgen {

using namespace kernel;
using llvm::Value;

namespace {

bool isHalfLike(DType t) { return t == DType::Float16 || t == DType::BFloat16; }

// exp and erf of f32 (scalar or vector) as straight-line arithmetic, so that a
// vector loop stays a vector loop: LLVM lowers llvm.exp.v16f32 and erff to one
// libm call per lane. Both are the Cephes/Eigen single-precision forms.
Value* splatF(llvm::IRBuilder<>& b, llvm::Type* ty, double v) { return llvm::ConstantFP::get(ty, v); }
Value* madd(llvm::IRBuilder<>& b, Value* x, Value* y, Value* z) {  // x * y + z, fused where the target has FMA
  return b.CreateIntrinsic(llvm::Intrinsic::fmuladd, {x->getType()}, {x, y, z});
}
Value* clampF(llvm::IRBuilder<>& b, Value* x, double lo, double hi) {  // NaN stays NaN
  llvm::Type* ty = x->getType();
  x = b.CreateSelect(b.CreateFCmpOLT(x, splatF(b, ty, lo)), splatF(b, ty, lo), x);
  return b.CreateSelect(b.CreateFCmpOGT(x, splatF(b, ty, hi)), splatF(b, ty, hi), x);
}

// exp(x) = 2^n * exp(r), n = round(x / ln 2), r = x - n ln 2 (ln 2 in two
// parts), exp(r) by a degree-6 polynomial (max rel. error ~1e-7). 2^n is applied
// as two exponent-field powers of two, so the result overflows to inf as expf
// does. Below x = -87 the result is 0 (expf's are denormals, < 1.7e-38): an
// arithmetic result that is denormal costs a microcode assist of ~100 cycles
// per lane on x86, and softmax over masked scores lives there.
Value* expF32(llvm::IRBuilder<>& b, Value* x) {
  llvm::Type* ty = x->getType();
  llvm::Type* ity = ty->isVectorTy()
                        ? static_cast<llvm::Type*>(llvm::VectorType::get(b.getInt32Ty(), llvm::cast<llvm::VectorType>(ty)))
                        : b.getInt32Ty();
  auto k = [&](double v) { return splatF(b, ty, v); };
  Value* xc = clampF(b, x, -87.0, 89.0);
  Value* n = b.CreateUnaryIntrinsic(llvm::Intrinsic::floor, madd(b, xc, k(1.44269504088896341), k(0.5)));
  Value* r = madd(b, n, k(-0.693359375), xc);
  r = madd(b, n, k(2.12194440e-4), r);
  Value* y = k(1.9875691500e-4);
  for (double c : {1.3981999507e-3, 8.3334519073e-3, 4.1665795894e-2, 1.6666665459e-1, 5.0000001201e-1})
    y = madd(b, y, r, k(c));
  y = b.CreateFAdd(madd(b, y, b.CreateFMul(r, r), r), k(1.0));
  Value* ni = b.CreateFPToSI(n, ity);
  Value* n1 = b.CreateAShr(ni, llvm::ConstantInt::get(ity, 1));
  Value* n2 = b.CreateSub(ni, n1);
  auto pow2 = [&](Value* e) {
    return b.CreateBitCast(b.CreateShl(b.CreateAdd(e, llvm::ConstantInt::get(ity, 127)), llvm::ConstantInt::get(ity, 23)), ty);
  };
  Value* res = b.CreateFMul(b.CreateFMul(y, pow2(n1)), pow2(n2));
  res = b.CreateSelect(b.CreateFCmpOLT(x, k(-87.0)), k(0.0), res);
  return b.CreateSelect(b.CreateFCmpUNO(x, x), x, res);
}

// erf(x) = x p(x^2) / q(x^2) on x clamped to [-4, 4] (erf is +-1 in f32
// beyond): max abs. error ~4e-7.
Value* erfF32(llvm::IRBuilder<>& b, Value* x) {
  llvm::Type* ty = x->getType();
  auto k = [&](double v) { return splatF(b, ty, v); };
  Value* xc = clampF(b, x, -4.0, 4.0);
  Value* x2 = b.CreateFMul(xc, xc);
  Value* p = k(-2.72614225801306e-10);
  for (double c : {2.77068142495902e-08, -2.10102402082508e-06, -5.69250639462346e-05, -7.34990630326855e-04,
                   -2.95459980854025e-03, -1.60960333262415e-02})
    p = madd(b, x2, p, k(c));
  p = b.CreateFMul(xc, p);
  Value* q = k(-1.45660718464996e-05);
  for (double c : {-2.13374055278905e-04, -1.68282697438203e-03, -7.37332916720468e-03, -1.42647390514189e-02})
    q = madd(b, x2, q, k(c));
  return b.CreateFDiv(p, q);
}

}  // namespace

llvm::Type* Emitter::scalarType(DType t, bool inMemory) {
  switch (t) {
    case DType::Float32: return b_.getFloatTy();
    case DType::Float64: return b_.getDoubleTy();
    case DType::Float16: return b_.getHalfTy();
    case DType::BFloat16: return b_.getBFloatTy();
    case DType::Int8: case DType::UInt8: return b_.getInt8Ty();
    case DType::Int16: case DType::UInt16: return b_.getInt16Ty();
    case DType::Int32: case DType::UInt32: return b_.getInt32Ty();
    case DType::Int64: case DType::UInt64: return b_.getInt64Ty();
    case DType::Bool: return inMemory ? b_.getInt8Ty() : b_.getInt1Ty();
    default: fail("kernel ", kernelName_, ": no LLVM type for dtype ", dtypeName(t));
  }
}

llvm::Type* Emitter::type(const Type& t, bool inMemory) {
  llvm::Type* s = scalarType(t.scalar, inMemory);
  return t.lanes > 1 ? llvm::FixedVectorType::get(s, t.lanes) : s;
}

Value* Emitter::index64(Value* index) {
  llvm::Type* want = b_.getInt64Ty();
  if (auto* vt = llvm::dyn_cast<llvm::FixedVectorType>(index->getType()))
    want = llvm::FixedVectorType::get(want, vt->getNumElements());
  return b_.CreateSExtOrTrunc(index, want);
}

Value* Emitter::bufferBase(const BufferRef& b) {
  auto it = bufs_.find(b.get());
  DLC_CHECK(it != bufs_.end(), "kernel ", kernelName_, ": buffer %", b->name, " is neither a parameter nor allocated here");
  return it->second;
}

// A load of `lanes` elements `stride` apart from `start`, as dense vector
// loads over exactly the elements the gather would span (the last one placed
// to end at the last element, overlapping its neighbour) and one shuffle that
// picks every stride-th element: a few shuffles instead of a gather, which
// targets without a fast gather (AVX2) run an element at a time.
Value* Emitter::stridedLoad(llvm::Type* elem, Value* base, Value* start, int lanes, int stride, llvm::Align align) {
  int span = (lanes - 1) * stride + 1;
  int k = (span + lanes - 1) / lanes;
  auto* vt = llvm::FixedVectorType::get(elem, lanes);
  Value* first = index64(start);
  std::vector<Value*> parts;
  for (int i = 0; i < k; ++i) {
    int64_t off = i + 1 < k ? int64_t{i} * lanes : span - lanes;
    Value* p = b_.CreateInBoundsGEP(elem, base, b_.CreateAdd(first, b_.getInt64(off)));
    parts.push_back(b_.CreateAlignedLoad(vt, p, align));
  }
  // Concatenate pairwise (padding with poison to a power of two).
  while (parts.size() & (parts.size() - 1)) parts.push_back(llvm::PoisonValue::get(parts[0]->getType()));
  while (parts.size() > 1) {
    int w = static_cast<int>(llvm::cast<llvm::FixedVectorType>(parts[0]->getType())->getNumElements());
    std::vector<int> cat(static_cast<size_t>(2 * w));
    for (int i = 0; i < 2 * w; ++i) cat[static_cast<size_t>(i)] = i;
    std::vector<Value*> next;
    for (size_t i = 0; i < parts.size(); i += 2) next.push_back(b_.CreateShuffleVector(parts[i], parts[i + 1], cat));
    parts = std::move(next);
  }
  std::vector<int> pick(static_cast<size_t>(lanes));
  for (int j = 0; j < lanes; ++j) {
    int o = j * stride;
    pick[static_cast<size_t>(j)] = o < (k - 1) * lanes ? o : (k - 1) * lanes + (o - (span - lanes));
  }
  return b_.CreateShuffleVector(parts[0], pick);
}

Value* Emitter::loadExpr(const ExprNode& e) {
  const ExprRef& idx = e.operands[0];
  llvm::Type* elem = scalarType(e.buffer->dtype, true);
  llvm::Align align(dtypeSize(e.buffer->dtype));
  Value* base = bufferBase(e.buffer);
  int lanes = e.type.lanes;
  Value* v;
  int64_t stride = 0;
  if (lanes == 1) {
    v = b_.CreateAlignedLoad(elem, b_.CreateInBoundsGEP(elem, base, index64(expr(idx))), align);
  } else if (idx->kind == ExprKind::Ramp && isConstInt(idx->operands[1], &stride) && stride == 1) {
    Value* p = b_.CreateInBoundsGEP(elem, base, index64(expr(idx->operands[0])));
    v = b_.CreateAlignedLoad(llvm::FixedVectorType::get(elem, lanes), p, align);
  } else if (idx->kind == ExprKind::Ramp && isConstInt(idx->operands[1], &stride) && stride >= 2 && stride <= 4) {
    v = stridedLoad(elem, base, expr(idx->operands[0]), lanes, static_cast<int>(stride), align);
  } else {
    Value* ptrs = b_.CreateInBoundsGEP(elem, base, index64(expr(idx)));
    v = b_.CreateMaskedGather(llvm::FixedVectorType::get(elem, lanes), ptrs, align);
  }
  if (e.buffer->dtype == DType::Bool) v = b_.CreateICmpNE(v, llvm::Constant::getNullValue(v->getType()));
  return v;
}

Value* Emitter::convert(Value* v, const Type& from, const Type& to) {
  if (from == to) return v;
  llvm::Type* t = type(to);
  DType f = from.scalar, d = to.scalar;
  // bf16 converts through f32 with integer code (LLVM 16 cannot select bf16
  // conversions on every target): widening puts the 16 bits on top of an f32;
  // narrowing from f32 rounds to nearest even, NaN stays a (quiet) NaN.
  if (f == DType::BFloat16 || d == DType::BFloat16) {
    Type mid{DType::Float32, from.lanes};
    auto intTy = [&](unsigned bits) -> llvm::Type* {
      llvm::Type* s = b_.getIntNTy(bits);
      return from.lanes > 1 ? llvm::FixedVectorType::get(s, from.lanes) : s;
    };
    auto k32 = [&](uint32_t c) { return llvm::ConstantInt::get(intTy(32), c); };
    if (f == DType::BFloat16) {
      Value* bits = b_.CreateZExt(b_.CreateBitCast(v, intTy(16)), intTy(32));
      Value* w = b_.CreateBitCast(b_.CreateShl(bits, k32(16)), type(mid));
      return convert(w, mid, to);
    }
    if (f != DType::Float32) v = convert(v, from, mid);
    Value* bits = b_.CreateBitCast(v, intTy(32));
    Value* hi = b_.CreateLShr(bits, k32(16));
    Value* rounded = b_.CreateLShr(b_.CreateAdd(bits, b_.CreateAdd(k32(0x7fff), b_.CreateAnd(hi, k32(1)))), k32(16));
    Value* nan = b_.CreateFCmpUNO(v, v);
    Value* r = b_.CreateSelect(nan, b_.CreateOr(hi, k32(0x40)), rounded);
    return b_.CreateBitCast(b_.CreateTrunc(r, intTy(16)), t);
  }
  if (d == DType::Bool) {
    if (isFloat(f)) return b_.CreateFCmpUNE(v, llvm::Constant::getNullValue(v->getType()));
    return b_.CreateICmpNE(v, llvm::Constant::getNullValue(v->getType()));
  }
  if (f == DType::Bool) return isFloat(d) ? b_.CreateUIToFP(v, t) : b_.CreateZExt(v, t);
  if (isInteger(f) && isInteger(d)) return b_.CreateIntCast(v, t, isSigned(f));
  if (isInteger(f)) return isSigned(f) ? b_.CreateSIToFP(v, t) : b_.CreateUIToFP(v, t);
  if (isInteger(d)) {
    auto id = isSigned(d) ? llvm::Intrinsic::fptosi_sat : llvm::Intrinsic::fptoui_sat;
    return b_.CreateIntrinsic(id, {t, v->getType()}, {v});
  }
  // float -> float; f16 <-> bf16 goes through f32.
  if (isHalfLike(f) && isHalfLike(d)) {
    Type mid{DType::Float32, from.lanes};
    return convert(convert(v, from, mid), mid, to);
  }
  return dtypeSize(d) > dtypeSize(f) ? b_.CreateFPExt(v, t) : b_.CreateFPTrunc(v, t);
}

Value* Emitter::binaryOp(const ExprNode& e) {
  Value* a = expr(e.operands[0]);
  Value* b = expr(e.operands[1]);
  DType t = e.operands[0]->type.scalar;
  bool fl = isFloat(t), sg = isSigned(t);
  switch (e.binOp) {
    case BinOp::Add: return fl ? b_.CreateFAdd(a, b) : b_.CreateAdd(a, b);
    case BinOp::Sub: return fl ? b_.CreateFSub(a, b) : b_.CreateSub(a, b);
    case BinOp::Mul: return fl ? b_.CreateFMul(a, b) : b_.CreateMul(a, b);
    case BinOp::Div: return fl ? b_.CreateFDiv(a, b) : sg ? b_.CreateSDiv(a, b) : b_.CreateUDiv(a, b);
    case BinOp::Mod: return fl ? b_.CreateFRem(a, b) : sg ? b_.CreateSRem(a, b) : b_.CreateURem(a, b);
    case BinOp::Min:
    case BinOp::Max: {
      bool mx = e.binOp == BinOp::Max;
      if (!fl) {
        auto id = mx ? (sg ? llvm::Intrinsic::smax : llvm::Intrinsic::umax)
                     : (sg ? llvm::Intrinsic::smin : llvm::Intrinsic::umin);
        return b_.CreateBinaryIntrinsic(id, a, b);
      }
      // NaN in either operand gives NaN: a if a is NaN, else the IEEE choice (b when b is NaN).
      // Against a constant k that is not NaN (ReLU, Clip), `k > v ? k : v` is
      // that already, and one max/min instruction on x86 and AArch64.
      auto constNum = [](const ExprRef& x) {
        const ExprNode* c = x->kind == ExprKind::Broadcast ? x->operands[0].get() : x.get();
        return c->kind == ExprKind::FloatImm && !std::isnan(c->floatValue);
      };
      bool ka = constNum(e.operands[0]), kb = constNum(e.operands[1]);
      if (ka || kb) {
        Value* k = kb ? b : a;
        Value* v = kb ? a : b;
        return b_.CreateSelect(mx ? b_.CreateFCmpOGT(k, v) : b_.CreateFCmpOLT(k, v), k, v);
      }
      Value* pick = mx ? b_.CreateFCmpOGT(a, b) : b_.CreateFCmpOLT(a, b);
      return b_.CreateSelect(b_.CreateFCmpUNO(a, a), a, b_.CreateSelect(pick, a, b));
    }
    case BinOp::EQ: return fl ? b_.CreateFCmpOEQ(a, b) : b_.CreateICmpEQ(a, b);
    case BinOp::NE: return fl ? b_.CreateFCmpUNE(a, b) : b_.CreateICmpNE(a, b);
    case BinOp::LT: return fl ? b_.CreateFCmpOLT(a, b) : sg ? b_.CreateICmpSLT(a, b) : b_.CreateICmpULT(a, b);
    case BinOp::LE: return fl ? b_.CreateFCmpOLE(a, b) : sg ? b_.CreateICmpSLE(a, b) : b_.CreateICmpULE(a, b);
    case BinOp::GT: return fl ? b_.CreateFCmpOGT(a, b) : sg ? b_.CreateICmpSGT(a, b) : b_.CreateICmpUGT(a, b);
    case BinOp::GE: return fl ? b_.CreateFCmpOGE(a, b) : sg ? b_.CreateICmpSGE(a, b) : b_.CreateICmpUGE(a, b);
    case BinOp::And:
    case BinOp::BitAnd: return b_.CreateAnd(a, b);
    case BinOp::Or:
    case BinOp::BitOr: return b_.CreateOr(a, b);
    case BinOp::BitXor: return b_.CreateXor(a, b);
    case BinOp::Shl: return b_.CreateShl(a, b);
    case BinOp::Shr: return sg ? b_.CreateAShr(a, b) : b_.CreateLShr(a, b);
  }
  fail("kernel ", kernelName_, ": unknown binary op");
}

// A libm function of one float argument, per lane for vectors.
Value* Emitter::libmCall(const char* name, Value* x, const Type& t) {
  std::string fn = name;
  if (t.scalar == DType::Float32) fn += "f";
  llvm::Type* s = scalarType(t.scalar);
  llvm::FunctionCallee callee = m_.getOrInsertFunction(fn, llvm::FunctionType::get(s, {s}, false));
  if (auto* f = llvm::dyn_cast<llvm::Function>(callee.getCallee())) {
    f->setDoesNotThrow();
    f->setWillReturn();
    f->setDoesNotAccessMemory();  // errno is never read by generated code
  }
  if (t.lanes == 1) return b_.CreateCall(callee, {x});
  Value* out = llvm::PoisonValue::get(x->getType());
  for (int i = 0; i < t.lanes; ++i) {
    Value* lane = b_.CreateCall(callee, {b_.CreateExtractElement(x, uint64_t(i))});
    out = b_.CreateInsertElement(out, lane, uint64_t(i));
  }
  return out;
}

// x^e on integers: square-and-multiply over every bit of e (straight-line, so
// it vectorizes), wrapping; e < 0 gives 1 for x == 1, +-1 for x == -1, else 0.
Value* Emitter::intPow(Value* x, Value* e, const Type& t) {
  llvm::Type* ty = x->getType();
  unsigned bits = ty->getScalarSizeInBits();
  auto k = [&](int64_t v) { return llvm::ConstantInt::get(ty, static_cast<uint64_t>(v), true); };
  Value* zero = k(0);
  Value* one = k(1);
  Value* res = one;
  Value* base = x;
  Value* rest = e;
  for (unsigned i = 0; i < bits; ++i) {
    Value* bit = b_.CreateICmpNE(b_.CreateAnd(rest, one), zero);
    res = b_.CreateSelect(bit, b_.CreateMul(res, base), res);
    base = b_.CreateMul(base, base);
    rest = b_.CreateLShr(rest, one);
  }
  if (!isSigned(t.scalar)) return res;
  Value* odd = b_.CreateICmpNE(b_.CreateAnd(e, one), zero);
  Value* negOne = k(-1);
  Value* small = b_.CreateSelect(b_.CreateICmpEQ(x, one), one,
                                 b_.CreateSelect(b_.CreateICmpEQ(x, negOne), b_.CreateSelect(odd, negOne, one), zero));
  return b_.CreateSelect(b_.CreateICmpSLT(e, zero), small, res);
}

Value* Emitter::callIntrinsic(const ExprNode& e) {
  Type t = e.operands[0]->type;
  std::vector<Value*> args;
  for (const ExprRef& a : e.operands) args.push_back(expr(a));
  // f16/bf16 math is computed in f32 and rounded back.
  if (isHalfLike(t.scalar) && e.intrinsic != Intrinsic::Abs) {
    Type wide{DType::Float32, t.lanes};
    // The f32 call reads its operands through temporaries bound to the widened values.
    std::vector<Var> temps;
    std::vector<ExprRef> ops;
    for (Value* a : args) {
      temps.push_back(makeVar("arg", wide));
      vars_[temps.back().get()] = convert(a, t, wide);
      ops.push_back(varRef(temps.back()));
    }
    Value* r = callIntrinsic(*call(e.intrinsic, ops));
    for (const Var& v : temps) vars_.erase(v.get());
    return e.type.scalar == DType::Bool ? r : convert(r, wide, t);
  }
  Value* x = args[0];
  llvm::Type* ty = x->getType();
  bool fl = isFloat(t.scalar);
  if (e.intrinsic == Intrinsic::Pow && !fl) return intPow(x, args[1], t);
  if (t.scalar == DType::Float32 && e.intrinsic == Intrinsic::Exp) return expF32(b_, x);
  if (t.scalar == DType::Float32 && e.intrinsic == Intrinsic::Erf) return erfF32(b_, x);
  switch (e.intrinsic) {
    case Intrinsic::Exp: return b_.CreateUnaryIntrinsic(llvm::Intrinsic::exp, x);
    case Intrinsic::Log: return b_.CreateUnaryIntrinsic(llvm::Intrinsic::log, x);
    case Intrinsic::Sqrt: return b_.CreateUnaryIntrinsic(llvm::Intrinsic::sqrt, x);
    case Intrinsic::Rsqrt:
      return b_.CreateFDiv(llvm::ConstantFP::get(ty, 1.0), b_.CreateUnaryIntrinsic(llvm::Intrinsic::sqrt, x));
    case Intrinsic::Sin: return b_.CreateUnaryIntrinsic(llvm::Intrinsic::sin, x);
    case Intrinsic::Cos: return b_.CreateUnaryIntrinsic(llvm::Intrinsic::cos, x);
    case Intrinsic::Floor: return b_.CreateUnaryIntrinsic(llvm::Intrinsic::floor, x);
    case Intrinsic::Ceil: return b_.CreateUnaryIntrinsic(llvm::Intrinsic::ceil, x);
    case Intrinsic::Round: return b_.CreateUnaryIntrinsic(llvm::Intrinsic::roundeven, x);
    case Intrinsic::Pow: return b_.CreateBinaryIntrinsic(llvm::Intrinsic::pow, x, args[1]);
    case Intrinsic::Fma: return b_.CreateIntrinsic(llvm::Intrinsic::fma, {ty}, {x, args[1], args[2]});
    case Intrinsic::Abs:
      if (fl) return b_.CreateUnaryIntrinsic(llvm::Intrinsic::fabs, x);
      if (!isSigned(t.scalar)) return x;
      return b_.CreateBinaryIntrinsic(llvm::Intrinsic::abs, x, b_.getFalse());
    case Intrinsic::Sign: {
      Value* zero = llvm::Constant::getNullValue(ty);
      Value* one = fl ? llvm::ConstantFP::get(ty, 1.0) : llvm::ConstantInt::get(ty, 1);
      if (!fl && !isSigned(t.scalar)) return b_.CreateSelect(b_.CreateICmpNE(x, zero), one, zero);
      Value* neg = fl ? llvm::ConstantFP::get(ty, -1.0) : llvm::ConstantInt::getSigned(ty, -1);
      Value* gt = fl ? b_.CreateFCmpOGT(x, zero) : b_.CreateICmpSGT(x, zero);
      Value* lt = fl ? b_.CreateFCmpOLT(x, zero) : b_.CreateICmpSLT(x, zero);
      // Floats: zeros and NaN come back as they are.
      return b_.CreateSelect(gt, one, b_.CreateSelect(lt, neg, fl ? x : zero));
    }
    case Intrinsic::IsNaN: return b_.CreateFCmpUNO(x, x);
    case Intrinsic::IsInf:
      return b_.CreateFCmpOEQ(b_.CreateUnaryIntrinsic(llvm::Intrinsic::fabs, x),
                              llvm::ConstantFP::get(ty, std::numeric_limits<double>::infinity()));
    default: return libmCall(intrinsicName(e.intrinsic), x, t);
  }
}

Value* Emitter::expr(const ExprRef& e) {
  switch (e->kind) {
    case ExprKind::IntImm:
      return llvm::ConstantInt::get(type(e->type), static_cast<uint64_t>(e->intValue), isSigned(e->type.scalar));
    case ExprKind::FloatImm: return llvm::ConstantFP::get(type(e->type), e->floatValue);
    case ExprKind::Var: {
      auto it = vars_.find(e->var.get());
      DLC_CHECK(it != vars_.end(), "kernel ", kernelName_, ": variable %", e->var->name, " is used outside its scope");
      return it->second;
    }
    case ExprKind::Load: return loadExpr(*e);
    case ExprKind::Binary: return binaryOp(*e);
    case ExprKind::Unary: {
      Value* a = expr(e->operands[0]);
      if (e->unOp == UnOp::Not) return b_.CreateNot(a);
      return isFloat(e->type.scalar) ? b_.CreateFNeg(a) : b_.CreateNeg(a);
    }
    case ExprKind::Select: {
      Value* c = expr(e->operands[0]);
      return b_.CreateSelect(c, expr(e->operands[1]), expr(e->operands[2]));
    }
    case ExprKind::Cast: return convert(expr(e->operands[0]), e->operands[0]->type, e->type);
    case ExprKind::Call: return callIntrinsic(*e);
    case ExprKind::Ramp: {
      int lanes = e->type.lanes;
      Value* base = b_.CreateVectorSplat(lanes, expr(e->operands[0]));
      Value* stride = b_.CreateVectorSplat(lanes, expr(e->operands[1]));
      llvm::Type* s = scalarType(e->type.scalar);
      std::vector<llvm::Constant*> steps;
      for (int i = 0; i < lanes; ++i)
        steps.push_back(s->isFloatingPointTy() ? llvm::ConstantFP::get(s, i) : llvm::ConstantInt::get(s, i));
      Value* iota = llvm::ConstantVector::get(steps);
      if (s->isFloatingPointTy()) return b_.CreateFAdd(base, b_.CreateFMul(iota, stride));
      return b_.CreateAdd(base, b_.CreateMul(iota, stride));
    }
    case ExprKind::Broadcast: return b_.CreateVectorSplat(e->type.lanes, expr(e->operands[0]));
    case ExprKind::Reduce: unsupported("kernel ", kernelName_, ": the LLVM backend does not emit Reduce expressions");
  }
  fail("kernel ", kernelName_, ": unknown expression kind");
}

}  // namespace dlc::llvmgen
