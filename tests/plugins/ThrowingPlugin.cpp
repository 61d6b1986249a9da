// A plugin whose registration registers a few things and then throws. Built
// three times: DLC_TEST_THROW_KIND 0 throws dlc::Error, 1 a std::exception, 2 an
// int. After the failure nothing it registered may remain.
#include <stdexcept>

#include "dlc/plugin/PluginAPI.h"
#include "dlc/plugin/Registry.h"
#include "dlc/support/Error.h"

namespace {

void registerThrowing(dlc::Registry& r) {
  dlc::PassInfo p;
  p.name = "throwing-pass";
  p.create = [] { return std::unique_ptr<dlc::Pass>(); };
  r.addPass(std::move(p));

  dlc::FrontendInfo f;
  f.name = "throwfmt";
  f.extensions = {".thr"};
  f.load = [](const std::string&, const dlc::FrontendOptions&) { return std::make_unique<dlc::Module>(); };
  r.addFrontend(std::move(f));

  dlc::TargetInfo t;
  t.name = "throw-target";
  r.addTarget(std::move(t));

#if DLC_TEST_THROW_KIND == 0
  dlc::fail("device 'npu0' not found");
#elif DLC_TEST_THROW_KIND == 1
  throw std::runtime_error("out of cheese");
#else
  throw 7;
#endif
}

}  // namespace

DLC_DEFINE_PLUGIN("test-throwing", "0.0.1", registerThrowing)
