// A plugin with the right ABI version but another C++ ABI string (as if built
// against libc++). The loader must refuse it before calling it.
#include "dlc/plugin/PluginAPI.h"

static void neverCalled(DlcRegistry*) { __builtin_trap(); }

extern "C" __attribute__((visibility("default"))) const DlcPluginInfo* dlcGetPluginInfo(void) {
  static const DlcPluginInfo info = {DLC_PLUGIN_ABI_VERSION, "test-cxx-abi", "0.0.1", "itanium/libc++",
                                     &neverCalled};
  return &info;
}
