// Kernel IR statements and kernels -> LLVM functions.
//
// Note on parallel loops. `parallel for (%i = m; %i < m + n; %i++) B` becomes
//
//     caller:  closure = {captured buffers..., captured values..., m}   (a stack struct)
//              env->parallel_for(env->pool, n, body, &closure)
//     body(closure, it):       loads the fields, calls impl(..., m + it)
//     impl(ptr noalias bufs..., values..., %i):  B
//
// where the captures are every buffer and variable B uses that is defined
// outside it. impl is always inlined into body; it exists so that the buffer
// pointers arrive as noalias arguments, as they do in the kernel itself. A
// parallel loop inside a parallel body runs serially. Every kernel is emitted
// the same way: `<name>(buffers, env)` loads its buffer pointers and calls its
// impl, whose parameters carry noalias, alignment and dereferenceable sizes.
#include <llvm/IR/Intrinsics.h>
#include <llvm/IR/Verifier.h>
#include <llvm/Support/raw_ostream.h>

#include <algorithm>
#include <set>

#include "Emitter.h"
#include "dlc/support/Error.h"

namespace dlc::llvmgen {

using namespace kernel;
using llvm::Value;

namespace {

constexpr int64_t kMaxUnroll = 64;

// Buffers and variables a statement uses, in order of first use.
struct Uses {
  std::vector<const Buffer*> buffers;
  std::vector<BufferRef> bufferRefs;
  std::vector<Var> vars;
  std::set<const void*> seen;

  void buffer(const BufferRef& b) {
    if (seen.insert(b.get()).second) {
      buffers.push_back(b.get());
      bufferRefs.push_back(b);
    }
  }
  void expr(const ExprRef& e) {
    if (!e) return;
    if (e->kind == ExprKind::Var && seen.insert(e->var.get()).second) vars.push_back(e->var);
    if (e->kind == ExprKind::Load) buffer(e->buffer);
    for (const ExprRef& o : e->operands) expr(o);
  }
  void stmt(const StmtRef& s) {
    if (!s) return;
    if (s->kind == StmtKind::Store || s->kind == StmtKind::Prefetch) buffer(s->buffer);
    for (const ExprRef& e : {s->min, s->extent, s->index, s->value, s->cond}) expr(e);
    stmt(s->body);
    stmt(s->otherwise);
    for (const StmtRef& c : s->seq) stmt(c);
  }
};

// Marks the buffer-pointer parameters [0, bufs.size()) of f.
void markBufferParams(llvm::LLVMContext& ctx, llvm::Function* f, const std::vector<BufferRef>& bufs) {
  for (unsigned i = 0; i < bufs.size(); ++i) {
    f->addParamAttr(i, llvm::Attribute::NoAlias);
    f->addParamAttr(i, llvm::Attribute::getWithAlignment(ctx, llvm::Align(dtypeSize(bufs[i]->dtype))));
    uint64_t bytes = static_cast<uint64_t>(bufs[i]->size) * dtypeSize(bufs[i]->dtype);
    if (bytes) f->addParamAttr(i, llvm::Attribute::getWithDereferenceableBytes(ctx, bytes));
  }
}

}  // namespace

Emitter::Emitter(llvm::Module& m, const TargetSpec& spec) : m_(m), ctx_(m.getContext()), b_(ctx_), spec_(spec) {}

void Emitter::addTargetAttrs(llvm::Function* f) {
  if (!spec_.cpu.empty()) f->addFnAttr("target-cpu", spec_.cpu);
  if (!spec_.features.empty()) f->addFnAttr("target-features", spec_.features);
  f->addFnAttr("min-legal-vector-width", std::to_string(spec_.vectorBits));
  f->addFnAttr("prefer-vector-width", std::to_string(spec_.vectorBits));
  f->addFnAttr(llvm::Attribute::NoUnwind);
}

llvm::Function* Emitter::newFunction(const std::string& name, llvm::FunctionType* ty) {
  DLC_CHECK(!m_.getFunction(name), "kernel ", kernelName_, ": a function named '", name, "' already exists");
  auto* f = llvm::Function::Create(ty, llvm::Function::InternalLinkage, name, m_);
  addTargetAttrs(f);
  return f;
}

llvm::AllocaInst* Emitter::entryAlloca(llvm::Type* ty, unsigned align) {
  llvm::Function* f = b_.GetInsertBlock()->getParent();
  llvm::IRBuilder<> eb(&f->getEntryBlock(), f->getEntryBlock().begin());
  llvm::AllocaInst* a = eb.CreateAlloca(ty);
  a->setAlignment(llvm::Align(align));
  return a;
}

llvm::Function* Emitter::emitKernel(const Kernel& k) {
  kernelName_ = k.name;
  outlined_ = 0;
  inParallel_ = false;
  vars_.clear();
  bufs_.clear();
  DLC_CHECK(k.body != nullptr, "kernel ", k.name, ": no body");
  llvm::Type* ptr = b_.getPtrTy();

  // impl(ptr noalias p0, ..., ptr env)
  std::vector<llvm::Type*> implParams(k.params.size() + 1, ptr);
  llvm::Function* impl =
      newFunction("dlc.kernel." + k.name + ".impl", llvm::FunctionType::get(b_.getVoidTy(), implParams, false));
  impl->addFnAttr(llvm::Attribute::AlwaysInline);
  markBufferParams(ctx_, impl, k.params);
  b_.SetInsertPoint(llvm::BasicBlock::Create(ctx_, "entry", impl));
  for (size_t i = 0; i < k.params.size(); ++i) {
    DLC_CHECK(k.params[i]->scope == MemScope::Global, "kernel ", k.name, ": parameter %", k.params[i]->name,
              " is not a global buffer");
    DLC_CHECK(bufs_.emplace(k.params[i].get(), impl->getArg(i)).second, "kernel ", k.name, ": parameter %",
              k.params[i]->name, " is listed twice");
    impl->getArg(i)->setName(k.params[i]->name);
  }
  env_ = impl->getArg(k.params.size());
  env_->setName("env");
  stmt(k.body);
  b_.CreateRetVoid();

  // The ABI entry: void name(void* const* buffers, const DlcKernelEnv* env)
  llvm::Function* entry = newFunction("dlc.kernel." + k.name, llvm::FunctionType::get(b_.getVoidTy(), {ptr, ptr}, false));
  b_.SetInsertPoint(llvm::BasicBlock::Create(ctx_, "entry", entry));
  std::vector<Value*> args;
  for (size_t i = 0; i < k.params.size(); ++i) {
    Value* slot = b_.CreateConstInBoundsGEP1_64(ptr, entry->getArg(0), i);
    args.push_back(b_.CreateAlignedLoad(ptr, slot, llvm::Align(8), k.params[i]->name));
  }
  args.push_back(entry->getArg(1));
  b_.CreateCall(impl, args);
  b_.CreateRetVoid();

  std::string err;
  llvm::raw_string_ostream os(err);
  for (llvm::Function* f : {impl, entry})
    if (llvm::verifyFunction(*f, &os)) fail("kernel ", k.name, ": internal error, invalid LLVM IR: ", os.str());
  return entry;
}

void Emitter::stmt(const StmtRef& s) {
  if (!s) return;
  switch (s->kind) {
    case StmtKind::Seq:
      for (const StmtRef& c : s->seq) stmt(c);
      return;
    case StmtKind::For: forStmt(*s); return;
    case StmtKind::Store: storeStmt(*s); return;
    case StmtKind::Prefetch: prefetchStmt(*s); return;
    case StmtKind::Allocate: allocateStmt(*s); return;
    case StmtKind::IfThenElse: ifStmt(*s); return;
    case StmtKind::LetStmt: {
      vars_[s->var.get()] = expr(s->value);
      stmt(s->body);
      vars_.erase(s->var.get());
      return;
    }
  }
}

void Emitter::forStmt(const StmtNode& s) {
  int64_t extent = 0;
  switch (s.loopKind) {
    case LoopKind::Parallel:
      if (!inParallel_) return parallelLoop(s);
      return serialLoop(s, false);
    case LoopKind::Unrolled:
      if (isConstInt(s.extent, &extent) && extent <= kMaxUnroll) {
        Value* min = expr(s.min);
        for (int64_t i = 0; i < extent; ++i) {
          vars_[s.var.get()] = b_.CreateAdd(min, llvm::ConstantInt::get(min->getType(), i), "", false, true);
          stmt(s.body);
        }
        vars_.erase(s.var.get());
        return;
      }
      return serialLoop(s, true);
    default:  // serial; vectorized loops left serial by the vectorizer; GPU loops run serially on a CPU
      return serialLoop(s, false);
  }
}

void Emitter::serialLoop(const StmtNode& s, bool unrollHint) {
  Value* min = expr(s.min);
  Value* end = b_.CreateAdd(min, expr(s.extent), s.var->name + ".end", false, true);
  llvm::Function* f = b_.GetInsertBlock()->getParent();
  llvm::BasicBlock* pre = b_.GetInsertBlock();
  auto* loop = llvm::BasicBlock::Create(ctx_, s.var->name + ".loop", f);
  auto* exit = llvm::BasicBlock::Create(ctx_, s.var->name + ".exit", f);
  b_.CreateCondBr(b_.CreateICmpSLT(min, end), loop, exit);
  b_.SetInsertPoint(loop);
  llvm::PHINode* iv = b_.CreatePHI(min->getType(), 2, s.var->name);
  iv->addIncoming(min, pre);
  vars_[s.var.get()] = iv;
  stmt(s.body);
  vars_.erase(s.var.get());
  Value* next = b_.CreateAdd(iv, llvm::ConstantInt::get(iv->getType(), 1), s.var->name + ".next", false, true);
  iv->addIncoming(next, b_.GetInsertBlock());
  llvm::BranchInst* br = b_.CreateCondBr(b_.CreateICmpSLT(next, end), loop, exit);
  if (unrollHint) {
    llvm::Metadata* enable = llvm::MDNode::get(ctx_, {llvm::MDString::get(ctx_, "llvm.loop.unroll.enable")});
    llvm::MDNode* id = llvm::MDNode::getDistinct(ctx_, {nullptr, enable});
    id->replaceOperandWith(0, id);
    br->setMetadata(llvm::LLVMContext::MD_loop, id);
  }
  b_.SetInsertPoint(exit);
}

void Emitter::parallelLoop(const StmtNode& s) {
  Uses uses;
  uses.stmt(s.body);
  std::vector<BufferRef> bufs;
  std::vector<Var> vals;
  for (const BufferRef& b : uses.bufferRefs)
    if (bufs_.count(b.get())) bufs.push_back(b);
  for (const Var& v : uses.vars)
    if (vars_.count(v.get())) vals.push_back(v);

  llvm::Type* ptr = b_.getPtrTy();
  llvm::Type* ivTy = type(s.var->type);
  std::vector<llvm::Type*> fields(bufs.size(), ptr);
  for (const Var& v : vals) fields.push_back(vars_[v.get()]->getType());
  fields.push_back(ivTy);  // the loop's min
  llvm::StructType* closureTy = llvm::StructType::get(ctx_, fields);

  // In the caller: fill the closure and call env->parallel_for.
  Value* min = expr(s.min);
  Value* n = b_.CreateSExtOrTrunc(expr(s.extent), b_.getInt64Ty());
  unsigned closureAlign = std::max<unsigned>(16, m_.getDataLayout().getPrefTypeAlign(closureTy).value());
  llvm::AllocaInst* closure = entryAlloca(closureTy, closureAlign);
  for (size_t i = 0; i < fields.size(); ++i) {
    Value* v = i < bufs.size() ? bufs_[bufs[i].get()] : i < fields.size() - 1 ? vars_[vals[i - bufs.size()].get()] : min;
    b_.CreateStore(v, b_.CreateStructGEP(closureTy, closure, i));
  }
  std::string base = "dlc.kernel." + kernelName_ + ".par" + std::to_string(outlined_++);
  llvm::Function* body =
      newFunction(base, llvm::FunctionType::get(b_.getVoidTy(), {ptr, b_.getInt64Ty()}, false));
  llvm::StructType* envTy = llvm::StructType::get(ctx_, {ptr, ptr});
  Value* pf = b_.CreateAlignedLoad(ptr, b_.CreateStructGEP(envTy, env_, 0), llvm::Align(8), "parallel_for");
  Value* pool = b_.CreateAlignedLoad(ptr, b_.CreateStructGEP(envTy, env_, 1), llvm::Align(8), "pool");
  llvm::FunctionType* pfTy = llvm::FunctionType::get(b_.getVoidTy(), {ptr, b_.getInt64Ty(), ptr, ptr}, false);
  b_.CreateCall(pfTy, pf, {pool, n, body, closure});
  llvm::IRBuilderBase::InsertPoint after = b_.saveIP();

  // impl(bufs..., vals..., iv): the loop body.
  std::vector<llvm::Type*> implParams(fields.begin(), fields.end());
  llvm::Function* impl = newFunction(base + ".impl", llvm::FunctionType::get(b_.getVoidTy(), implParams, false));
  impl->addFnAttr(llvm::Attribute::AlwaysInline);
  markBufferParams(ctx_, impl, bufs);

  // body(closure, it): unpack and call impl with iv = min + it.
  b_.SetInsertPoint(llvm::BasicBlock::Create(ctx_, "entry", body));
  std::vector<Value*> args;
  for (size_t i = 0; i < fields.size(); ++i)
    args.push_back(b_.CreateLoad(fields[i], b_.CreateStructGEP(closureTy, body->getArg(0), i)));
  args.back() = b_.CreateAdd(args.back(), b_.CreateSExtOrTrunc(body->getArg(1), ivTy), s.var->name, false, true);
  b_.CreateCall(impl, args);
  b_.CreateRetVoid();

  // Emit the loop body into impl with its own scope.
  auto savedVars = std::move(vars_);
  auto savedBufs = std::move(bufs_);
  vars_.clear();
  bufs_.clear();
  b_.SetInsertPoint(llvm::BasicBlock::Create(ctx_, "entry", impl));
  for (size_t i = 0; i < bufs.size(); ++i) {
    bufs_[bufs[i].get()] = impl->getArg(i);
    impl->getArg(i)->setName(bufs[i]->name);
  }
  for (size_t i = 0; i < vals.size(); ++i) {
    vars_[vals[i].get()] = impl->getArg(bufs.size() + i);
    impl->getArg(bufs.size() + i)->setName(vals[i]->name);
  }
  vars_[s.var.get()] = impl->getArg(fields.size() - 1);
  impl->getArg(fields.size() - 1)->setName(s.var->name);
  inParallel_ = true;
  stmt(s.body);
  inParallel_ = false;
  b_.CreateRetVoid();
  vars_ = std::move(savedVars);
  bufs_ = std::move(savedBufs);
  b_.restoreIP(after);
}

// llvm.prefetch(address, read, high locality, data cache). The address is a
// plain (not inbounds) GEP: a prefetch may point past the buffer.
void Emitter::prefetchStmt(const StmtNode& s) {
  llvm::Type* elem = scalarType(s.buffer->dtype, true);
  Value* p = b_.CreateGEP(elem, bufferBase(s.buffer), index64(expr(s.index)));
  llvm::Function* f = llvm::Intrinsic::getDeclaration(b_.GetInsertBlock()->getModule(), llvm::Intrinsic::prefetch,
                                                      {p->getType()});
  b_.CreateCall(f, {p, b_.getInt32(0), b_.getInt32(3), b_.getInt32(1)});
}

void Emitter::storeStmt(const StmtNode& s) {
  llvm::Type* elem = scalarType(s.buffer->dtype, true);
  llvm::Align align(dtypeSize(s.buffer->dtype));
  Value* base = bufferBase(s.buffer);
  Value* v = expr(s.value);
  if (s.buffer->dtype == DType::Bool) v = b_.CreateZExt(v, type(s.value->type, true));
  int64_t stride = 0;
  if (!s.index->type.isVector()) {
    b_.CreateAlignedStore(v, b_.CreateInBoundsGEP(elem, base, index64(expr(s.index))), align);
  } else if (s.index->kind == ExprKind::Ramp && isConstInt(s.index->operands[1], &stride) && stride == 1) {
    b_.CreateAlignedStore(v, b_.CreateInBoundsGEP(elem, base, index64(expr(s.index->operands[0]))), align);
  } else {
    b_.CreateMaskedScatter(v, b_.CreateInBoundsGEP(elem, base, index64(expr(s.index))), align);
  }
}

void Emitter::allocateStmt(const StmtNode& s) {
  DLC_CHECK(s.buffer->size > 0, "kernel ", kernelName_, ": allocation %", s.buffer->name, " has no elements");
  llvm::Type* elem = scalarType(s.buffer->dtype, true);
  llvm::AllocaInst* a = entryAlloca(llvm::ArrayType::get(elem, s.buffer->size), 64);
  a->setName(s.buffer->name);
  bufs_[s.buffer.get()] = a;
  stmt(s.body);
  bufs_.erase(s.buffer.get());
}

void Emitter::ifStmt(const StmtNode& s) {
  DLC_CHECK(!s.cond->type.isVector(), "kernel ", kernelName_, ": if on a vector condition");
  Value* c = expr(s.cond);
  llvm::Function* f = b_.GetInsertBlock()->getParent();
  auto* then = llvm::BasicBlock::Create(ctx_, "then", f);
  auto* otherwise = s.otherwise ? llvm::BasicBlock::Create(ctx_, "else", f) : nullptr;
  auto* done = llvm::BasicBlock::Create(ctx_, "endif", f);
  b_.CreateCondBr(c, then, otherwise ? otherwise : done);
  b_.SetInsertPoint(then);
  stmt(s.body);
  b_.CreateBr(done);
  if (otherwise) {
    b_.SetInsertPoint(otherwise);
    stmt(s.otherwise);
    b_.CreateBr(done);
  }
  b_.SetInsertPoint(done);
}

}  // namespace dlc::llvmgen
