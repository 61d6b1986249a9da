// The artifact module: every kernel, the weights (one 64-byte-aligned constant
// byte array), the encoded plan, the kernel and name tables and the
// DlcArtifactDescriptor, returned by the one exported function
// DLC_ARTIFACT_SYMBOL. The module runs through LLVM's O3 pipeline (new pass
// manager), is written as an object and linked by the spec's compiler driver.
#include <llvm/IR/LegacyPassManager.h>
#include <llvm/IR/Verifier.h>
#include <llvm/Passes/PassBuilder.h>
#include <llvm/Support/FileSystem.h>
#include <llvm/Support/raw_ostream.h>

#include <chrono>
#include <cstdio>
#include <iostream>
#include <cstdlib>
#include <filesystem>
#include <set>
#include <sys/wait.h>
#include <unistd.h>

#include "Emitter.h"
#include "TargetMachine.h"
#include "dlc/kernel/Vectorize.h"
#include "dlc/runtime/KernelAbi.h"
#include "dlc/support/Error.h"

namespace dlc::llvmgen {
namespace {

llvm::GlobalVariable* constantBytes(llvm::Module& m, const std::string& name, const uint8_t* data, uint64_t size,
                                    unsigned align) {
  // Built from the bytes in one piece (weights can be hundreds of MB); an empty
  // array still gets one byte so that its address is a real one.
  static const uint8_t kZero = 0;
  llvm::StringRef bytes(reinterpret_cast<const char*>(size ? data : &kZero), size ? size : 1);
  llvm::Constant* init = llvm::ConstantDataArray::getRaw(bytes, bytes.size(), llvm::Type::getInt8Ty(m.getContext()));
  auto* g = new llvm::GlobalVariable(m, init->getType(), true, llvm::GlobalValue::PrivateLinkage, init, name);
  g->setAlignment(llvm::Align(align));
  return g;
}

llvm::Constant* cString(llvm::Module& m, const std::string& s, const std::string& name) {
  llvm::Constant* init = llvm::ConstantDataArray::getString(m.getContext(), s, true);
  auto* g = new llvm::GlobalVariable(m, init->getType(), true, llvm::GlobalValue::PrivateLinkage, init, name);
  g->setUnnamedAddr(llvm::GlobalValue::UnnamedAddr::Global);
  return g;
}

std::unique_ptr<llvm::Module> buildModule(llvm::LLVMContext& ctx, const ArtifactInput& in, const TargetSpec& spec,
                                          llvm::TargetMachine& tm) {
  DLC_CHECK(in.weightsSize == 0 || in.weights != nullptr, "artifact: weightsSize is ", in.weightsSize,
            " but there are no weights");
  auto m = std::make_unique<llvm::Module>("dlc_artifact", ctx);
  m->setTargetTriple(spec.triple);
  m->setDataLayout(tm.createDataLayout());

  Emitter emitter(*m, spec);
  std::set<std::string> names;
  std::vector<llvm::Constant*> fns, nameStrs;
  for (size_t i = 0; i < in.kernels.size(); ++i) {
    const kernel::Kernel& k = in.kernels[i];
    DLC_CHECK(!k.name.empty(), "artifact: kernel ", i, " has no name");
    DLC_CHECK(names.insert(k.name).second, "artifact: two kernels are named '", k.name, "'");
    kernel::Kernel vk = k;
    vk.body = kernel::vectorizeLoops(k.body);
    fns.push_back(emitter.emitKernel(vk));
    nameStrs.push_back(cString(*m, k.name, "dlc.name." + std::to_string(i)));
  }

  llvm::Type* ptr = llvm::PointerType::get(ctx, 0);
  llvm::Type* i32 = llvm::Type::getInt32Ty(ctx);
  llvm::Type* i64 = llvm::Type::getInt64Ty(ctx);
  auto table = [&](const std::vector<llvm::Constant*>& items, const std::string& name) -> llvm::Constant* {
    auto* ty = llvm::ArrayType::get(ptr, items.size());
    return new llvm::GlobalVariable(*m, ty, true, llvm::GlobalValue::PrivateLinkage,
                                    llvm::ConstantArray::get(ty, items), name);
  };
  llvm::Constant* kernels = table(fns, "dlc.kernels");
  llvm::Constant* kernelNames = table(nameStrs, "dlc.kernel_names");
  llvm::Constant* plan = constantBytes(*m, "dlc.plan", in.plan.data(), in.plan.size(), 8);
  llvm::Constant* weights = constantBytes(*m, "dlc.weights", in.weights, in.weightsSize, 64);

  // DlcArtifactDescriptor, field by field (KernelAbi.h); the natural struct
  // layout matches the C one on both x86-64 and AArch64.
  auto* descTy = llvm::StructType::create(ctx, {i32, i32, ptr, ptr, i32, ptr, ptr, ptr, i64, ptr, i64},
                                          "DlcArtifactDescriptor");
  llvm::Constant* desc = llvm::ConstantStruct::get(
      descTy, {llvm::ConstantInt::get(i32, DLC_ARTIFACT_MAGIC), llvm::ConstantInt::get(i32, DLC_ARTIFACT_FORMAT_VERSION),
               cString(*m, in.dlcVersion, "dlc.version"), cString(*m, in.arch, "dlc.arch"),
               llvm::ConstantInt::get(i32, in.kernels.size()), kernels, kernelNames, plan,
               llvm::ConstantInt::get(i64, in.plan.size()), weights, llvm::ConstantInt::get(i64, in.weightsSize)});
  auto* descVar = new llvm::GlobalVariable(*m, descTy, true, llvm::GlobalValue::PrivateLinkage, desc, "dlc.descriptor");
  descVar->setAlignment(llvm::Align(8));

  auto* getter = llvm::Function::Create(llvm::FunctionType::get(ptr, false), llvm::GlobalValue::ExternalLinkage,
                                        DLC_ARTIFACT_SYMBOL, *m);
  getter->addFnAttr(llvm::Attribute::NoUnwind);
  llvm::IRBuilder<> b(llvm::BasicBlock::Create(ctx, "entry", getter));
  b.CreateRet(descVar);

  std::string err;
  llvm::raw_string_ostream os(err);
  if (llvm::verifyModule(*m, &os)) fail("artifact: internal error, invalid LLVM module: ", os.str());
  return m;
}

void optimize(llvm::Module& m, llvm::TargetMachine& tm) {
  llvm::LoopAnalysisManager lam;
  llvm::FunctionAnalysisManager fam;
  llvm::CGSCCAnalysisManager cgam;
  llvm::ModuleAnalysisManager mam;
  llvm::PipelineTuningOptions pto;
  pto.LoopVectorization = true;
  pto.SLPVectorization = true;
  llvm::PassBuilder pb(&tm, pto);
  pb.registerModuleAnalyses(mam);
  pb.registerCGSCCAnalyses(cgam);
  pb.registerFunctionAnalyses(fam);
  pb.registerLoopAnalyses(lam);
  pb.crossRegisterProxies(lam, fam, cgam, mam);
  llvm::ModulePassManager mpm = pb.buildPerModuleDefaultPipeline(llvm::OptimizationLevel::O3);
  mpm.run(m, mam);
}

std::string shellQuote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

bool onPath(const std::string& program) {
  if (program.find('/') != std::string::npos) return std::filesystem::exists(program);
  const char* path = std::getenv("PATH");
  std::string p = path ? path : "";
  size_t start = 0;
  while (start <= p.size()) {
    size_t end = p.find(':', start);
    if (end == std::string::npos) end = p.size();
    std::string dir = p.substr(start, end - start);
    if (!dir.empty() && ::access((dir + "/" + program).c_str(), X_OK) == 0) return true;
    start = end + 1;
  }
  return false;
}

void link(const TargetSpec& spec, const std::string& obj, const std::string& so) {
  DLC_CHECK(!spec.linker.empty(), "artifact: target '", spec.triple, "' names no linker");
  std::string program = spec.linker.substr(0, spec.linker.find(' '));
  DLC_CHECK(onPath(program), "artifact: the linker '", program, "' for ", spec.triple,
            " was not found on PATH (scripts/setup.sh installs cc and g++-aarch64-linux-gnu)");
  std::string cmd = spec.linker + " -shared -Wl,-z,defs -Wl,-z,noexecstack -o " + shellQuote(so) + " " +
                    shellQuote(obj) + " -lm";
  FILE* pipe = ::popen((cmd + " 2>&1").c_str(), "r");
  DLC_CHECK(pipe, "artifact: could not run `", cmd, "`");
  std::string output;
  char buf[4096];
  while (size_t n = std::fread(buf, 1, sizeof buf, pipe)) output.append(buf, n);
  int status = ::pclose(pipe);
  if (status != 0) {
    int code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    fail("artifact: linking failed: `", cmd, "` exited with status ", code, (output.empty() ? "" : ":\n"), output);
  }
}

}  // namespace

std::string emitLlvmIr(const ArtifactInput& input, const TargetSpec& spec, bool optimizeIr) {
  std::unique_ptr<llvm::TargetMachine> tm = createTargetMachine(spec);
  llvm::LLVMContext ctx;
  std::unique_ptr<llvm::Module> m = buildModule(ctx, input, spec, *tm);
  if (optimizeIr) optimize(*m, *tm);
  std::string text;
  llvm::raw_string_ostream os(text);
  m->print(os, nullptr);
  return os.str();
}

void writeArtifact(const ArtifactInput& input, const TargetSpec& spec, const std::string& soPath) {
  auto t0 = std::chrono::steady_clock::now();
  auto phase = [&](const char* name) {  // --time-passes, as the lowering prints its phases
    auto t1 = std::chrono::steady_clock::now();
    if (input.timePhases)
      std::cerr << "llvm: " << name << " " << std::chrono::duration<double, std::milli>(t1 - t0).count() << " ms\n";
    t0 = t1;
  };
  std::unique_ptr<llvm::TargetMachine> tm = createTargetMachine(spec);
  llvm::LLVMContext ctx;
  std::unique_ptr<llvm::Module> m = buildModule(ctx, input, spec, *tm);
  phase("buildModule");
  optimize(*m, *tm);
  phase("optimize (O3)");

  std::string obj = soPath + ".o";
  {
    std::error_code ec;
    llvm::raw_fd_ostream out(obj, ec, llvm::sys::fs::OF_None);
    DLC_CHECK(!ec, "artifact: cannot write ", obj, ": ", ec.message());
    llvm::legacy::PassManager pm;
    DLC_CHECK(!tm->addPassesToEmitFile(pm, out, nullptr, llvm::CGFT_ObjectFile), "artifact: LLVM cannot emit objects for ",
              spec.triple);
    pm.run(*m);
    out.close();
    DLC_CHECK(!out.has_error(), "artifact: writing ", obj, " failed: ", out.error().message());
  }
  phase("emitObject");
  try {
    link(spec, obj, soPath);
  } catch (...) {
    std::filesystem::remove(obj);
    throw;
  }
  std::filesystem::remove(obj);
  phase("link");
}

}  // namespace dlc::llvmgen
