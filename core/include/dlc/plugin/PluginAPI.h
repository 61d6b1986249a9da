/* The plugin entry point, in plain C.
 *
 * Every dlc plugin is a shared library exporting
 *
 *     extern "C" const DlcPluginInfo* dlcGetPluginInfo(void);
 *
 * The loader reads `abi_version` first and refuses the plugin, naming both
 * versions, unless it equals DLC_PLUGIN_ABI_VERSION (a hash of the installed SDK
 * headers, so any header change bumps it). It then compares `cxx_abi` (compiler
 * family and standard-library ABI the plugin was built with), because what the
 * registration callback receives is C++ (dlc::Registry and the IR).
 *
 * Use DLC_DEFINE_PLUGIN(name, version, fn) from a C++ source to define it.
 */
#ifndef DLC_PLUGIN_PLUGINAPI_H
#define DLC_PLUGIN_PLUGINAPI_H

#include <stdint.h>

#include "dlc/plugin/AbiVersion.h" /* generated: DLC_PLUGIN_ABI_VERSION */

#ifdef __cplusplus
extern "C" {
#endif

/* Opaque in C; dlc::Registry in C++. */
typedef struct DlcRegistry DlcRegistry;

typedef struct DlcPluginInfo {
  uint32_t abi_version;   /* must be first: read before anything else */
  const char* name;       /* unique plugin name */
  const char* version;    /* the plugin's own version string */
  const char* cxx_abi;    /* DLC_CXX_ABI of the plugin's build */
  void (*register_fn)(DlcRegistry* registry); /* may throw dlc::Error */
} DlcPluginInfo;

typedef const DlcPluginInfo* (*DlcGetPluginInfoFn)(void);

#ifdef __cplusplus
}
#endif

/* The compiler family and C++ standard-library ABI, as a string. The library's
 * ABI macros are defined by its headers, so include one before testing them:
 * without it, a plugin including this header first would record "unknown". */
#ifdef __cplusplus
#include <cstddef>
#endif
#if defined(__clang__)
#define DLC_CXX_COMPILER "clang"
#elif defined(__GNUC__)
#define DLC_CXX_COMPILER "gcc"
#else
#define DLC_CXX_COMPILER "unknown"
#endif
#if defined(_GLIBCXX_USE_CXX11_ABI) && _GLIBCXX_USE_CXX11_ABI
#define DLC_CXX_STDLIB "libstdc++-cxx11"
#elif defined(__GLIBCXX__)
#define DLC_CXX_STDLIB "libstdc++-old"
#elif defined(_LIBCPP_VERSION)
#define DLC_CXX_STDLIB "libc++"
#else
#define DLC_CXX_STDLIB "unknown"
#endif
/* clang and gcc share the Itanium C++ ABI with libstdc++, so the stdlib is what matters. */
#define DLC_CXX_ABI "itanium/" DLC_CXX_STDLIB

#ifdef __cplusplus
namespace dlc { class Registry; }
#define DLC_DEFINE_PLUGIN(NAME, VERSION, REGISTER_FN)                                  \
  static void dlcPluginRegisterThunk(DlcRegistry* r) {                                 \
    REGISTER_FN(*reinterpret_cast<::dlc::Registry*>(r));                              \
  }                                                                                    \
  extern "C" __attribute__((visibility("default"))) const DlcPluginInfo* dlcGetPluginInfo(void) { \
    static const DlcPluginInfo info = {DLC_PLUGIN_ABI_VERSION, NAME, VERSION, DLC_CXX_ABI, \
                                       &dlcPluginRegisterThunk};                       \
    return &info;                                                                      \
  }
#endif

#endif /* DLC_PLUGIN_PLUGINAPI_H */
