// A shared library that is not a dlc plugin: it exports a function, but not
// dlcGetPluginInfo.
extern "C" __attribute__((visibility("default"))) int dlcSomethingElse(void) { return 42; }
