// `dlc compile MODEL`: imports a model, runs the pass pipeline (-O2 by default)
// and writes the optimized module as text IR (--emit=ir) or, with --target, the
// target's artifact (--emit=artifact: a shared library for the CPU targets).
#include <fstream>
#include <iostream>

#include "Command.h"
#include "ModelOptions.h"
#include "TargetOptions.h"
#include "dlc/ir/Printer.h"
#include "dlc/support/Error.h"

namespace dlc::cli {

namespace {

constexpr int kDefaultOptLevel = 2;

std::string knownTargets(const Registry& reg) {
  std::string s;
  for (const TargetInfo& t : reg.targets()) s += (s.empty() ? "" : ", ") + t.name;
  return s.empty() ? "no target is registered" : "registered targets: " + s;
}

void writeOutput(const Module& m, const std::string& out) {
  PrintOptions po;
  po.elideConstantsOver = 0;  // exact: the output parses back
  if (out == "-") {
    printModule(m, std::cout, po);
    std::cout.flush();
    return;
  }
  std::ofstream f(out, std::ios::binary);
  DLC_CHECK(f, "cannot open output file '", out, "' for writing");
  printModule(m, f, po);
  f.close();
  DLC_CHECK(!f.fail(), "cannot write output file '", out, "'");
}

int runCompile(const ParsedArgs& args, Session& session) {
  ModelOptions opts = parseModelOptions(args, kDefaultOptLevel, "dlc compile");
  std::string target = args.get("--target", "none");
  std::string emit = args.get("--emit", target == "none" || target == "ir" ? "ir" : "artifact");
  if (emit != "ir" && emit != "artifact")
    throw UsageError("bad value for --emit: '" + emit + "' (expected: ir, artifact)");
  std::string out = args.get("-o", "-");
  CompileOptions co = parseTargetOptions(args, opts.optLevel);
  co.timePhases = opts.passManager.timePasses;
  if (emit == "artifact") {
    if (target == "none" || target == "ir") throw UsageError("--emit=artifact needs a --target (e.g. --target=x86)");
    if (out == "-") throw UsageError("an artifact is a shared library: give its path with -o (e.g. -o model.so)");
  }

  std::unique_ptr<Module> m = loadModel(session, opts);
  optimize(session, *m, opts);

  if (target == "none" || target == "ir") {
    writeOutput(*m, out);
    return 0;
  }
  const TargetInfo* info = session.registry().findTarget(target);
  if (!info) fail("unknown target '", target, "' (", knownTargets(session.registry()), ")");
  if (emit == "artifact") {
    if (!info->writeArtifact)
      fail("target '", target, "' writes no artifact; 'dlc run --target=", target, "' runs a model on it");
    info->writeArtifact(*m, co, out);
    std::cerr << "dlc: wrote " << out << " (target " << target << ")\n";
    return 0;
  }
  // --emit=ir with a target: check the target accepts the module, write the IR.
  DLC_CHECK(info->compile, "target '", target, "' cannot compile");
  std::unique_ptr<Executable> exe = info->compile(*m, co);
  DLC_CHECK(exe != nullptr, "target '", target, "' returned no executable");
  writeOutput(*m, out);
  return 0;
}

}  // namespace

Command compileCommand() {
  Command c;
  c.name = "compile";
  c.summary = "optimize a model and write the optimized IR or a compiled artifact";
  c.usage = "dlc compile [options] MODEL [-o OUT]";
  c.description =
      "Imports MODEL, runs the -O pipeline (-O2 by default) or the passes named by\n"
      "--passes, and writes the optimized module as text IR to OUT (stdout when OUT\n"
      "is '-' or -o is absent). Printed constants are exact, so the output parses\n"
      "back with 'dlc inspect OUT.dlcir'. With --target (x86, arm, ...), compiles the\n"
      "module for that target and writes the artifact to OUT: for CPU targets one\n"
      "shared library holding the kernels, the weights and the execution plan, which\n"
      "'dlc run', 'dlc bench', 'dlc inspect' and the runtime library (libdlc_runtime)\n"
      "load.";
  c.declare = [](ArgParser& p) {
    p.option("-o", "OUT", "output file; '-' for stdout (the default)", {"--output"});
    p.option("--emit", "KIND",
             "what to write: ir (the optimized text IR; the default without --target) or artifact (a shared "
             "library the runtime loads; the default with --target)");
    p.option("--target", "NAME",
             "target to compile for: none (default) or a registered target (see 'dlc plugins'), e.g. x86, arm");
    declareModelOptions(p, kDefaultOptLevel);
    declareTargetOptions(p);
  };
  c.epilog =
      "examples:\n"
      "  dlc compile model.dlcir -O3 -o model.opt.dlcir\n"
      "  dlc compile model.onnx --input-shapes data=1x3x224x224 --time-passes -o -\n"
      "  dlc compile model.dlcir --passes=simplify,dce --print-after=dce -o /dev/null\n"
      "  dlc compile model.onnx --target=x86 -O3 -o model.so\n"
      "  dlc compile model.onnx --target=arm -o model.aarch64.so --print-kernels\n";
  c.run = runCompile;
  return c;
}

}  // namespace dlc::cli
