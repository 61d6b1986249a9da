// A minimal plugin for the CLI tests: registers one pass, `cli-test-noop`,
// that changes nothing. Built outside lib/dlc/plugins/ so that it is loaded only
// when named with --plugin.
#include "dlc/pass/Pass.h"
#include "dlc/plugin/PluginAPI.h"
#include "dlc/plugin/Registry.h"

namespace {

class NoopPass : public dlc::Pass {
 public:
  std::string_view name() const override { return "cli-test-noop"; }
  bool run(dlc::Module&, dlc::PassContext&) override { return false; }
};

void registerCliTestPlugin(dlc::Registry& registry) {
  dlc::PassInfo info;
  info.name = "cli-test-noop";
  info.summary = "does nothing (CLI test plugin)";
  info.slot = dlc::PipelineSlot::None;
  info.create = [] { return std::make_unique<NoopPass>(); };
  registry.addPass(std::move(info));
}

}  // namespace

DLC_DEFINE_PLUGIN("cli-test", "1.2.3", registerCliTestPlugin)
