// A well-formed test plugin: registers one of each kind (frontend, pass, target,
// op, op attribute) so the tests can check what the registry records.
#include "dlc/ir/OpRegistry.h"
#include "dlc/plugin/PluginAPI.h"
#include "dlc/plugin/Registry.h"

namespace {

class NoopPass : public dlc::Pass {
 public:
  std::string_view name() const override { return "test-pass"; }
  bool run(dlc::Module&, dlc::PassContext&) override { return false; }
};

void registerGood(dlc::Registry& r) {
  dlc::FrontendInfo f;
  f.name = "testfmt";
  f.extensions = {".tfmt", ".TFMT.GZ"};
  f.summary = "test format";
  f.load = [](const std::string& path, const dlc::FrontendOptions&) {
    auto m = std::make_unique<dlc::Module>("from_testfmt");
    m->metadata()["source"] = path;
    m->addFunction("main");
    return m;
  };
  r.addFrontend(std::move(f));

  dlc::PassInfo p;
  p.name = "test-pass";
  p.summary = "does nothing";
  p.create = [] { return std::make_unique<NoopPass>(); };
  r.addPass(std::move(p));

  dlc::TargetInfo t;
  t.name = "test-target";
  t.summary = "a target with no code";
  t.properties["vector_width"] = "8";
  r.addTarget(std::move(t));

  dlc::OpDef op;
  op.name = "DlcTestOp";
  op.summary = "an op added by a plugin";
  op.minInputs = op.maxInputs = 1;
  r.addOp(std::move(op));
  r.attachOpAttr("DlcTestOp", "test.max_rank", int64_t{4});
}

}  // namespace

DLC_DEFINE_PLUGIN("test-good", "1.0.0", registerGood)
