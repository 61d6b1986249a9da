// Reads a file's ELF header before the runtime dlopens it, so that a file for
// another machine fails with both architectures named ("m.so is built for
// aarch64, this machine is x86_64") instead of dlopen's terse text.
#pragma once

#include <string>

namespace dlc::runtime::impl {

// The architecture this runtime was built for: "x86_64", "aarch64", ...
const char* hostArch();

// Throws Error(DLC_ERROR_LOAD) unless `path` is a readable ELF shared object of
// this machine's class, byte order and e_machine.
void checkElfHeader(const std::string& path);

}  // namespace dlc::runtime::impl
