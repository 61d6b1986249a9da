// Golden IR tests: every tests/passes/golden/*.golden file holds cases (format
// in docs/passes.md); each case's input module is parsed, run through its
// passes with verify-each on, printed, and compared with the expected text, or,
// for `// EXPECT-ERROR:` cases, the error message is compared.
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "Passes.h"
#include "dlc/ir/Parser.h"
#include "dlc/ir/Printer.h"
#include "dlc/pass/PassManager.h"
#include "dlc/support/Error.h"

namespace dlc {
namespace {

namespace fs = std::filesystem;

struct GoldenCase {
  std::string file;  // file stem, e.g. "dce"
  int line = 0;      // where the case starts
  std::string label;
  std::string passes;
  std::string input;
  std::string expected;   // printed module
  std::string errorText;  // for EXPECT-ERROR cases
  bool expectError = false;
  std::string formatError;  // a malformed case
};

std::string sourceDir() {
  if (const char* d = std::getenv("DLC_SOURCE_DIR")) return d;
  return DLC_TEST_SOURCE_DIR;
}

bool startsWith(const std::string& s, const std::string& p) { return s.rfind(p, 0) == 0; }

std::string trim(const std::string& s) {
  size_t b = s.find_first_not_of(" \t\r"), e = s.find_last_not_of(" \t\r");
  return b == std::string::npos ? "" : s.substr(b, e - b + 1);
}

GoldenCase parseCase(const std::string& file, int firstLine, const std::vector<std::string>& lines) {
  GoldenCase c;
  c.file = file;
  c.line = firstLine;
  enum { Input, Expect } part = Input;
  for (const std::string& l : lines) {
    if (part == Input) {
      if (startsWith(l, "// CASE:")) c.label = trim(l.substr(8));
      else if (startsWith(l, "// PASSES:")) c.passes = trim(l.substr(10));
      else if (startsWith(l, "// EXPECT-ERROR:")) {
        c.expectError = true;
        c.errorText = trim(l.substr(16));
      } else if (trim(l) == "// EXPECT:") part = Expect;
      else c.input += l + "\n";
    } else {
      if (l == "//") c.expected += "\n";
      else if (startsWith(l, "// ")) c.expected += l.substr(3) + "\n";
      else if (!trim(l).empty()) c.formatError = "expected line without '// ' prefix: " + l;
    }
  }
  if (c.label.empty()) c.formatError = "case without '// CASE:'";
  if (!c.expectError && part != Expect) c.formatError = "case without '// EXPECT:' or '// EXPECT-ERROR:'";
  return c;
}

std::vector<GoldenCase> loadCases() {
  std::vector<GoldenCase> cases;
  fs::path dir = fs::path(sourceDir()) / "tests" / "passes" / "golden";
  if (!fs::exists(dir)) return cases;
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(dir))
    if (e.is_regular_file() && e.path().extension() == ".golden") files.push_back(e.path());
  std::sort(files.begin(), files.end());
  for (const fs::path& p : files) {
    std::ifstream in(p);
    std::vector<std::string> lines;
    int start = 1, lineNo = 0;
    std::string l;
    auto flush = [&] {
      bool any = std::any_of(lines.begin(), lines.end(), [](const std::string& s) { return !trim(s).empty(); });
      if (any) cases.push_back(parseCase(p.stem().string(), start, lines));
      lines.clear();
    };
    while (std::getline(in, l)) {
      ++lineNo;
      if (trim(l) == "// -----") {
        flush();
        start = lineNo + 1;
      } else {
        lines.push_back(l);
      }
    }
    flush();
  }
  return cases;
}

// A line-by-line comparison: `-` expected, `+` actual.
std::string diff(const std::string& expected, const std::string& actual) {
  auto split = [](const std::string& s) {
    std::vector<std::string> v;
    std::istringstream is(s);
    for (std::string l; std::getline(is, l);) v.push_back(l);
    return v;
  };
  std::vector<std::string> e = split(expected), a = split(actual);
  std::ostringstream os;
  size_t n = std::max(e.size(), a.size());
  for (size_t i = 0; i < n; ++i) {
    const std::string* el = i < e.size() ? &e[i] : nullptr;
    const std::string* al = i < a.size() ? &a[i] : nullptr;
    if (el && al && *el == *al) {
      os << "  " << *el << "\n";
      continue;
    }
    if (el) os << "- " << *el << "\n";
    if (al) os << "+ " << *al << "\n";
  }
  return os.str();
}

void PrintTo(const GoldenCase& c, std::ostream* os) { *os << c.file << ".golden:" << c.line; }

class Golden : public ::testing::TestWithParam<GoldenCase> {};

TEST_P(Golden, Case) {
  const GoldenCase& c = GetParam();
  SCOPED_TRACE(c.file + ".golden:" + std::to_string(c.line) + ": " + c.label);
  ASSERT_EQ(c.formatError, "");
  PassRegistry registry;
  passes::registerBuiltinPasses(registry);
  PassManagerOptions opts;
  opts.verifyEach = true;
  PassManager pm(registry, opts);
  PassContext ctx;
  try {
    std::unique_ptr<Module> m = parseModule(c.input, c.file + ".golden");
    pm.addPasses(c.passes);
    pm.run(*m, ctx);
    ASSERT_FALSE(c.expectError) << "expected the error: " << c.errorText;
    std::string actual = printModule(*m);
    EXPECT_TRUE(actual == c.expected) << "output differs (- expected, + actual):\n" << diff(c.expected, actual);
  } catch (const Error& e) {
    ASSERT_TRUE(c.expectError) << "unexpected error: " << e.what();
    EXPECT_EQ(std::string(e.what()), c.errorText);
  }
}

std::string caseName(const ::testing::TestParamInfo<GoldenCase>& info) {
  std::string name = info.param.file + "_" + std::to_string(info.param.line);
  for (char& ch : name)
    if (!isalnum(static_cast<unsigned char>(ch))) ch = '_';
  return name;
}

INSTANTIATE_TEST_SUITE_P(Passes, Golden, ::testing::ValuesIn(loadCases()), caseName);

TEST(GoldenFiles, EveryPassHasCases) {
  std::vector<GoldenCase> cases = loadCases();
  for (const PassInfo& p : passes::builtinPasses()) {
    bool found = std::any_of(cases.begin(), cases.end(), [&](const GoldenCase& c) { return c.file == p.name; });
    EXPECT_TRUE(found) << "no golden file tests/passes/golden/" << p.name << ".golden";
  }
}

}  // namespace
}  // namespace dlc
