// Private to the LLVM backend: the Kernel IR -> LLVM IR emitter. One Emitter
// writes the kernels of one module; expressions are in EmitExpr.cpp,
// statements, kernels and parallel-loop outlining in EmitStmt.cpp.
#pragma once

#include <llvm/IR/IRBuilder.h>
#include <llvm/IR/Module.h>

#include <unordered_map>

#include "LlvmCodegen.h"

namespace dlc::llvmgen {

class Emitter {
 public:
  Emitter(llvm::Module& m, const TargetSpec& spec);
  // Defines `void <name>(void* const* buffers, const DlcKernelEnv* env)` (with
  // LLVM name "dlc.kernel.<name>", internal) and returns it. The body must be
  // vectorized already (kernel::vectorizeLoops).
  llvm::Function* emitKernel(const kernel::Kernel& k);

 private:
  // Types. Bool is i1 as a value and i8 in memory.
  llvm::Type* scalarType(DType t, bool inMemory = false);
  llvm::Type* type(const kernel::Type& t, bool inMemory = false);
  void addTargetAttrs(llvm::Function* f);
  llvm::Function* newFunction(const std::string& name, llvm::FunctionType* ty);

  // Expressions (EmitExpr.cpp).
  llvm::Value* expr(const kernel::ExprRef& e);
  llvm::Value* binaryOp(const kernel::ExprNode& e);
  llvm::Value* convert(llvm::Value* v, const kernel::Type& from, const kernel::Type& to);
  llvm::Value* intPow(llvm::Value* x, llvm::Value* e, const kernel::Type& t);
  llvm::Value* callIntrinsic(const kernel::ExprNode& e);
  llvm::Value* libmCall(const char* name, llvm::Value* x, const kernel::Type& t);
  llvm::Value* loadExpr(const kernel::ExprNode& e);
  llvm::Value* stridedLoad(llvm::Type* elem, llvm::Value* base, llvm::Value* start, int lanes, int stride, llvm::Align align);
  llvm::Value* index64(llvm::Value* index);
  llvm::Value* bufferBase(const kernel::BufferRef& b);

  // Statements (EmitStmt.cpp).
  void stmt(const kernel::StmtRef& s);
  void forStmt(const kernel::StmtNode& s);
  void serialLoop(const kernel::StmtNode& s, bool unrollHint);
  void parallelLoop(const kernel::StmtNode& s);
  void storeStmt(const kernel::StmtNode& s);
  void prefetchStmt(const kernel::StmtNode& s);
  void allocateStmt(const kernel::StmtNode& s);
  void ifStmt(const kernel::StmtNode& s);
  llvm::AllocaInst* entryAlloca(llvm::Type* ty, unsigned align);

  llvm::Module& m_;
  llvm::LLVMContext& ctx_;
  llvm::IRBuilder<> b_;
  TargetSpec spec_;
  std::string kernelName_;
  int outlined_ = 0;
  bool inParallel_ = false;
  llvm::Value* env_ = nullptr;
  std::unordered_map<const kernel::VarNode*, llvm::Value*> vars_;
  std::unordered_map<const kernel::Buffer*, llvm::Value*> bufs_;
};

}  // namespace dlc::llvmgen
