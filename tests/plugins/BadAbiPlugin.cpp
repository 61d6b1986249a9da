// A plugin whose descriptor claims another plugin ABI version (written by hand,
// as an old plugin would have it). The loader must refuse it naming both.
#include "dlc/plugin/PluginAPI.h"

static_assert(DLC_TEST_WRONG_ABI != DLC_PLUGIN_ABI_VERSION, "the wrong ABI must differ");

static void neverCalled(DlcRegistry*) { __builtin_trap(); }

extern "C" __attribute__((visibility("default"))) const DlcPluginInfo* dlcGetPluginInfo(void) {
  static const DlcPluginInfo info = {DLC_TEST_WRONG_ABI, "test-bad-abi", "0.0.1", DLC_CXX_ABI,
                                     &neverCalled};
  return &info;
}
