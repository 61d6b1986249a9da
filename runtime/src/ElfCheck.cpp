// ELF header checks before dlopen (see ElfCheck.h).
#include "ElfCheck.h"

#include <elf.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "Error.h"

namespace dlc::runtime::impl {

namespace {

std::string machineName(unsigned m) {
  switch (m) {
    case EM_X86_64: return "x86_64";
    case EM_AARCH64: return "aarch64";
    case EM_386: return "i386";
    case EM_ARM: return "arm";
    case EM_RISCV: return "riscv";
    case EM_PPC64: return "ppc64";
    case EM_S390: return "s390";
    default: return "machine " + std::to_string(m);
  }
}

#if defined(__x86_64__)
constexpr unsigned kHostMachine = EM_X86_64;
#elif defined(__aarch64__)
constexpr unsigned kHostMachine = EM_AARCH64;
#elif defined(__riscv) && __riscv_xlen == 64
constexpr unsigned kHostMachine = EM_RISCV;
#elif defined(__powerpc64__)
constexpr unsigned kHostMachine = EM_PPC64;
#else
#error "dlc_runtime: unknown host architecture"
#endif

}  // namespace

const char* hostArch() {
  static const std::string name = machineName(kHostMachine);
  return name.c_str();
}

void checkElfHeader(const std::string& path) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) fail(DLC_ERROR_LOAD, "cannot open " + path + ": " + std::strerror(errno));
  unsigned char h[sizeof(Elf64_Ehdr)] = {};
  size_t got = std::fread(h, 1, sizeof h, f);
  std::fclose(f);

  if (got < EI_NIDENT || std::memcmp(h, ELFMAG, SELFMAG) != 0) fail(DLC_ERROR_LOAD, path + " is not an ELF file");
  const int hostClass = sizeof(void*) == 8 ? ELFCLASS64 : ELFCLASS32;
  auto bits = [](int c) { return c == ELFCLASS64 ? std::string("64-bit") : c == ELFCLASS32 ? std::string("32-bit") : "unknown-class"; };
  if (h[EI_CLASS] != hostClass)
    fail(DLC_ERROR_LOAD, path + " is a " + bits(h[EI_CLASS]) + " ELF file, this machine is " + bits(hostClass));
  const int hostData = __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__ ? ELFDATA2LSB : ELFDATA2MSB;
  auto order = [](int d) { return d == ELFDATA2LSB ? "little-endian" : d == ELFDATA2MSB ? "big-endian" : "unknown-endian"; };
  if (h[EI_DATA] != hostData)
    fail(DLC_ERROR_LOAD, path + " is a " + order(h[EI_DATA]) + " ELF file, this machine is " + order(hostData));

  // Class and byte order match ours, so the header reads as our native struct.
  size_t need = hostClass == ELFCLASS64 ? sizeof(Elf64_Ehdr) : sizeof(Elf32_Ehdr);
  if (got < need) fail(DLC_ERROR_LOAD, path + " is not an ELF file (truncated header)");
  uint16_t type, machine;
  std::memcpy(&type, h + offsetof(Elf64_Ehdr, e_type), 2);  // same offsets in Elf32_Ehdr
  std::memcpy(&machine, h + offsetof(Elf64_Ehdr, e_machine), 2);
  if (machine != kHostMachine)
    fail(DLC_ERROR_LOAD, path + " is built for " + machineName(machine) + ", this machine is " + hostArch());
  if (type != ET_DYN) fail(DLC_ERROR_LOAD, path + " is not a shared library (ELF type " + std::to_string(type) + ")");
}

}  // namespace dlc::runtime::impl
