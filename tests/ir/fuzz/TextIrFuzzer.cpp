// libFuzzer target for the text IR parser and printer. For any input: the
// parser either returns a module or throws dlc::Error (never crashes), and a
// parsed module prints to text that parses back and prints identically.
#include <cstdio>
#include <cstdlib>

#include "dlc/ir/Parser.h"
#include "dlc/ir/Printer.h"

extern "C" int LLVMFuzzerTestOneInput(const unsigned char* data, unsigned long size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  std::unique_ptr<dlc::Module> m;
  try {
    m = dlc::parseModule(text, "fuzz");
  } catch (const dlc::Error&) {
    return 0;
  }
  std::string printed = dlc::printModule(*m);
  std::unique_ptr<dlc::Module> again;
  try {
    again = dlc::parseModule(printed, "printed");
  } catch (const dlc::Error& e) {
    std::fprintf(stderr, "printed text does not parse: %s\n%s\n", e.what(), printed.c_str());
    std::abort();
  }
  std::string reprinted = dlc::printModule(*again);
  if (reprinted != printed) {
    std::fprintf(stderr, "printing is not a fixed point:\n%s\n---\n%s\n", printed.c_str(), reprinted.c_str());
    std::abort();
  }
  return 0;
}
