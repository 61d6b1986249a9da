// `dlc compile MODEL`: imports a model, runs the pass pipeline (-O2 by default)
// and writes the optimized module as text IR (--emit=ir, the only artifact kind
// so far). A --target other than none/ir must be registered by a plugin; the
// module is then compiled for it, which checks the target accepts it.
#include <fstream>
#include <iostream>

#include "Command.h"
#include "ModelOptions.h"
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
  std::string emit = args.get("--emit", "ir");
  if (emit != "ir") throw UsageError("bad value for --emit: '" + emit + "' (expected: ir)");
  std::string target = args.get("--target", "none");
  std::string out = args.get("-o", "-");

  std::unique_ptr<Module> m = loadModel(session, opts);
  optimize(session, *m, opts);

  if (target != "none" && target != "ir") {
    const TargetInfo* info = session.registry().findTarget(target);
    if (!info || !info->compile) {
      fail("target '", target, "' cannot compile yet (", knownTargets(session.registry()),
           "); use --target=none to write the optimized IR");
    }
    CompileOptions co;
    co.optLevel = opts.optLevel;
    std::unique_ptr<Executable> exe = info->compile(*m, co);
    DLC_CHECK(exe != nullptr, "target '", target, "' returned no executable");
    std::cerr << "dlc: note: target '" << target
              << "' compiled the module; it writes no artifact yet, so the output is the "
                 "optimized IR (use 'dlc run' to execute it)\n";
  }
  writeOutput(*m, out);
  return 0;
}

}  // namespace

Command compileCommand() {
  Command c;
  c.name = "compile";
  c.summary = "optimize a model and write the result (text IR for now)";
  c.usage = "dlc compile [options] MODEL [-o OUT]";
  c.description =
      "Imports MODEL, runs the -O pipeline (-O2 by default) or the passes named by\n"
      "--passes, and writes the optimized module as text IR to OUT (stdout when OUT\n"
      "is '-' or -o is absent). Printed constants are exact, so the output parses\n"
      "back with 'dlc inspect OUT.dlcir'.";
  c.declare = [](ArgParser& p) {
    p.option("-o", "OUT", "output file; '-' for stdout (the default)", {"--output"});
    p.option("--emit", "KIND", "what to write: ir (the optimized text IR; the default)");
    p.option("--target", "NAME",
             "target to compile for: none (default) or a registered target (see 'dlc plugins')");
    declareModelOptions(p, kDefaultOptLevel);
  };
  c.epilog =
      "examples:\n"
      "  dlc compile model.dlcir -O3 -o model.opt.dlcir\n"
      "  dlc compile model.onnx --input-shapes data=1x3x224x224 --time-passes -o -\n"
      "  dlc compile model.dlcir --passes=simplify,dce --print-after=dce -o /dev/null\n";
  c.run = runCompile;
  return c;
}

}  // namespace dlc::cli
