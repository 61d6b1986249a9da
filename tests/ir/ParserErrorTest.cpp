// Parser errors: exact messages with line and column, and robustness against
// malformed input (no crash, no huge allocation).
#include <gtest/gtest.h>

#include <random>

#include "IrTestUtil.h"
#include "dlc/ir/Parser.h"
#include "dlc/ir/Printer.h"

namespace dlc {
namespace {

// The error message for `text`, or "no error".
std::string errorOf(const std::string& text) {
  try {
    parseModule(text, "t.dlcir");
  } catch (const Error& e) {
    return e.what();
  }
  return "no error";
}

// A module whose main function has the given body lines.
std::string withBody(const std::string& body, const std::string& args = "%x: tensor<2xf32>") {
  return "module @m {\n  func @main(" + args + ") {\n" + body + "  }\n}\n";
}

TEST(ParserError, Syntax) {
  EXPECT_EQ(errorOf(""), "t.dlcir:1:1: expected 'module', found end of input");
  EXPECT_EQ(errorOf("module m {}"), "t.dlcir:1:8: expected module name (@name), found 'm'");
  EXPECT_EQ(errorOf("module @m {"), "t.dlcir:1:12: expected 'func', found end of input");
  EXPECT_EQ(errorOf("module @m {}\nx"), "t.dlcir:2:1: expected end of input after the module");
  EXPECT_EQ(errorOf("module @m {\n  func @main(%x: tensor<2xf32> {\n"),
            "t.dlcir:2:32: expected ',' or ')', found '{'");
  EXPECT_EQ(errorOf(withBody("    %y = Relu(%x : tensor<2xf32>\n    return %y\n")),
            "t.dlcir:3:18: expected ',' or ')', found ':'");
  EXPECT_EQ(errorOf(withBody("    %y = Relu(%x)\n    return %y\n")),
            "t.dlcir:4:5: expected ':' and the result types, found 'return'");
  EXPECT_EQ(errorOf(withBody("    %y = Relu(%x) : tensor<2xf32>\n")),
            "t.dlcir:4:3: expected a statement or 'return', found '}'");
  EXPECT_EQ(errorOf(withBody("    return %x\n    %y = Relu(%x) : tensor<2xf32>\n")),
            "t.dlcir:4:5: expected '}', found '%y'");
  EXPECT_EQ(errorOf(withBody("    %y = Relu(x) : tensor<2xf32>\n    return %y\n")),
            "t.dlcir:3:15: expected a value (%name or none), found 'x'");
  EXPECT_EQ(errorOf("module @m { # }"), "t.dlcir:1:13: unexpected '#'");
  EXPECT_EQ(errorOf("module @m {\x01}"), "t.dlcir:1:12: unexpected byte 0x01");
  EXPECT_EQ(errorOf("module % {}"), "t.dlcir:1:8: expected a name after '%'");
  EXPECT_EQ(errorOf(withBody("    return\n", "%\"\": tensor<f32>")), "t.dlcir:2:14: empty value name");
  EXPECT_EQ(errorOf("module @m {\n  func @main() {\n    return\n  }\n  func @main() {\n"),
            "t.dlcir:5:8: function @main defined twice");
}

TEST(ParserError, Values) {
  EXPECT_EQ(errorOf(withBody("    %y = Relu(%foo) : tensor<2xf32>\n    return %y\n")),
            "t.dlcir:3:15: use of undefined value %foo");
  EXPECT_EQ(errorOf(withBody("    return %nope\n")), "t.dlcir:3:12: use of undefined value %nope");
  EXPECT_EQ(errorOf(withBody("    %x = Relu(%x) : tensor<2xf32>\n    return %x\n")),
            "t.dlcir:3:5: value %x defined twice");
  EXPECT_EQ(errorOf(withBody("    return\n", "%x: tensor<2xf32>, %x: tensor<2xf32>")),
            "t.dlcir:2:33: value %x defined twice");
  EXPECT_EQ(errorOf(withBody("    %a, %a = Dropout(%x) : tensor<2xf32>, tensor<2xbool>\n    return\n")),
            "t.dlcir:3:9: value %a defined twice");
  EXPECT_EQ(errorOf(withBody("    %a, %b = const tensor<f32> [1.0]\n    return\n")),
            "t.dlcir:3:14: a constant defines exactly one value");
  EXPECT_EQ(errorOf(withBody("    %a, %b = Dropout(%x) : tensor<2xf32>\n    return\n")),
            "t.dlcir:3:26: Dropout has 2 results but 1 type is given");
  EXPECT_EQ(errorOf(withBody("    %a = Relu(%x) : tensor<2xf32>, tensor<2xf32>\n    return\n")),
            "t.dlcir:3:36: Relu has 1 result but more types are given");
}

TEST(ParserError, Types) {
  EXPECT_EQ(errorOf(withBody("    return\n", "%x: tensor<2xf33>")), "t.dlcir:2:27: unknown dtype 'f33'");
  EXPECT_EQ(errorOf(withBody("    return\n", "%x: tensor <2xf32>")), "t.dlcir:2:24: expected '<' after 'tensor'");
  EXPECT_EQ(errorOf(withBody("    return\n", "%x: tensor<2x>")),
            "t.dlcir:2:27: expected a dimension or a dtype in the type, found '>'");
  EXPECT_EQ(errorOf(withBody("    return\n", "%x: tensor<2f32>")),
            "t.dlcir:2:26: expected 'x' after a dimension, found 'f'");
  EXPECT_EQ(errorOf(withBody("    return\n", "%x: tensor<f32")),
            "t.dlcir:2:28: expected '>' to close the type, found ')'");
  EXPECT_EQ(errorOf(withBody("    return\n", "%x: tensor<*x2xf32>")),
            "t.dlcir:2:27: expected a dtype in the type, found '2'");
  EXPECT_EQ(errorOf(withBody("    return\n", "%x: tensor<{N")), "t.dlcir:2:25: unterminated dimension symbol");
  EXPECT_EQ(errorOf(withBody("    return\n", "%x: tensor<99999999999999999999xf32>")),
            "t.dlcir:2:25: dimension is too large");
  EXPECT_EQ(errorOf(withBody("    return\n", "%x: tensor<4294967296x4294967296xf32>")),
            "t.dlcir:2:18: tensor dimensions overflow: the product of the extents exceeds 2^63");
  EXPECT_EQ(errorOf(withBody("    return\n", "%x: i32")), "t.dlcir:2:18: expected a type, found 'i32'");
}

TEST(ParserError, Constants) {
  EXPECT_EQ(errorOf(withBody("    %c = const tensor<2xf32> [1.0]\n    return\n")),
            "t.dlcir:3:34: constant data size mismatch: tensor<2xf32> needs 2 elements, got 1");
  EXPECT_EQ(errorOf(withBody("    %c = const tensor<1xf32> [1.0, 2.0]\n    return\n")),
            "t.dlcir:3:36: constant data size mismatch: tensor<1xf32> needs 1 elements, got more");
  EXPECT_EQ(errorOf(withBody("    %c = const tensor<2xf32> 0x0000803F\n    return\n")),
            "t.dlcir:3:30: constant data size mismatch: tensor<2xf32> needs 8 bytes, got 4");
  EXPECT_EQ(errorOf(withBody("    %c = const tensor<2xf32> 0x0000803\n    return\n")),
            "t.dlcir:3:30: hex data has an odd number of digits");
  EXPECT_EQ(errorOf(withBody("    %c = const tensor<?xf32> [1.0]\n    return\n")),
            "t.dlcir:3:16: a constant's type must be static, got tensor<?xf32>");
  EXPECT_EQ(errorOf(withBody("    %c = const tensor<2xu8> [1, 256]\n    return\n")),
            "t.dlcir:3:33: integer 256 is out of range for u8");
  EXPECT_EQ(errorOf(withBody("    %c = const tensor<2xu8> [1, -1]\n    return\n")),
            "t.dlcir:3:33: integer -1 is out of range for u8");
  EXPECT_EQ(errorOf(withBody("    %c = const tensor<1xi8> [-129]\n    return\n")),
            "t.dlcir:3:30: integer -129 is out of range for i8");
  EXPECT_EQ(errorOf(withBody("    %c = const tensor<1xi64> [9223372036854775808]\n    return\n")),
            "t.dlcir:3:31: integer 9223372036854775808 is out of range for i64");
  EXPECT_EQ(errorOf(withBody("    %c = const tensor<1xi32> [1.5]\n    return\n")),
            "t.dlcir:3:31: expected an integer element of i32, found '1.5'");
  EXPECT_EQ(errorOf(withBody("    %c = const tensor<1xf32> [1e39]\n    return\n")),
            "t.dlcir:3:31: number 1e39 is out of range for f32");
  EXPECT_EQ(errorOf(withBody("    %c = const tensor<1xf16> [70000.0]\n    return\n")),
            "t.dlcir:3:31: number 70000.0 is out of range for f16");
  EXPECT_EQ(errorOf(withBody("    %c = const tensor<1xf32> [nan(0x3F800000)]\n    return\n")),
            "t.dlcir:3:35: bits 0x3F800000 are not a NaN of f32");
  EXPECT_EQ(errorOf(withBody("    %c = const tensor<1xf32> [nan(0x7FC0)]\n    return\n")),
            "t.dlcir:3:35: NaN bits of f32 need 8 hex digits, got 4");
  EXPECT_EQ(errorOf(withBody("    %c = const tensor<1xbool> [1]\n    return\n")),
            "t.dlcir:3:32: expected true or false, found '1'");
  EXPECT_EQ(errorOf(withBody("    %c = const tensor<1xf32> -inf\n    return\n")),
            "t.dlcir:3:30: expected constant data ('[' or 0x...), found '-'");
  EXPECT_EQ(errorOf(withBody("    %c = const tensor<1xf32> <elided>\n    return\n")),
            "t.dlcir:3:30: constant elided; print with elision off");
  EXPECT_EQ(errorOf(withBody("    %c = const tensor<1000000000000xf32> [1.0]\n    return\n")),
            "t.dlcir:3:42: constant data size mismatch: tensor<1000000000000xf32> needs 1000000000000 elements");
  EXPECT_EQ(errorOf(withBody("    %c = const tensor<1000000000000xf32> 0x00\n    return\n")),
            "t.dlcir:3:42: constant data size mismatch: tensor<1000000000000xf32> needs 4000000000000 bytes, got 1");
  EXPECT_EQ(errorOf(withBody("    %c = const tensor<2305843009213693952xf64> 0x00\n    return\n")),
            "t.dlcir:3:16: constant tensor<2305843009213693952xf64> is too large");
}

TEST(ParserError, Attributes) {
  auto node = [](const std::string& attrs) {
    return withBody("    %y = Relu(%x) " + attrs + " : tensor<2xf32>\n    return %y\n");
  };
  EXPECT_EQ(errorOf(node("{a = []}")),
            "t.dlcir:3:24: an empty list needs its kind: write ints[], floats[] or strings[]");
  EXPECT_EQ(errorOf(node("{a = [1, \"x\"]}")), "t.dlcir:3:28: expected a number in the list, found '\"x\"'");
  EXPECT_EQ(errorOf(node("{a = [\"x\", 1]}")), "t.dlcir:3:30: expected a string list element, found '1'");
  EXPECT_EQ(errorOf(node("{a = 1, a = 2}")), "t.dlcir:3:27: attribute 'a' given twice");
  EXPECT_EQ(errorOf(node("{a = 99999999999999999999}")),
            "t.dlcir:3:24: integer 99999999999999999999 does not fit in 64 bits");
  EXPECT_EQ(errorOf(node("{a = 1e999}")), "t.dlcir:3:24: number 1e999 is out of range for f64");
  EXPECT_EQ(errorOf(node("{a = -foo}")), "t.dlcir:3:25: expected inf or nan after '-', found 'foo'");
  EXPECT_EQ(errorOf(node("{a = foo}")), "t.dlcir:3:24: expected an attribute value, found 'foo'");
  EXPECT_EQ(errorOf(node("{a = 1 b = 2}")), "t.dlcir:3:26: expected ',' or '}', found 'b'");
  EXPECT_EQ(errorOf(node("{a = \"x\\q\"}")), "t.dlcir:3:26: unknown escape '\\q' in string");
  EXPECT_EQ(errorOf(node("{a = \"abc}")), "t.dlcir:3:24: unterminated string");
  EXPECT_EQ(errorOf(node("{a = 1.5e}")), "t.dlcir:3:24: malformed number: expected digits in the exponent");
  EXPECT_EQ(errorOf(node("{a = 12ab}")), "t.dlcir:3:26: unexpected 'a' after number");
  EXPECT_EQ(errorOf(node("{a = dense<tensor<2xf32> [1.0]>}")),
            "t.dlcir:3:48: constant data size mismatch: tensor<2xf32> needs 2 elements, got 1");
  EXPECT_EQ(errorOf("module @m attributes {a = 1} {}"), "t.dlcir:1:27: expected string metadata value, found '1'");
  EXPECT_EQ(errorOf("module @m attributes {a = \"1\" b = \"2\"} {}"),
            "t.dlcir:1:31: expected ',' or '}', found 'b'");
  EXPECT_EQ(errorOf("module @m attributes {a = \"1\", a = \"2\"} {}"),
            "t.dlcir:1:32: metadata key 'a' given twice");
}

TEST(ParserError, UnreadableFile) {
  try {
    parseModuleFile("/nonexistent/dir/model.dlcir");
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(), "cannot read '/nonexistent/dir/model.dlcir'");
  }
}

TEST(ParserAccepts, CommentsAndLooseSpacing) {
  auto m = parseModule(
      "// a comment\nmodule @m{func @main(%x:tensor<2xf32>){%y=Relu(%x):tensor<2xf32> // trailing\n"
      "return %y}}");
  EXPECT_EQ(printModule(*m),
            "module @m {\n  func @main(%x: tensor<2xf32>) {\n    %y = Relu(%x) : tensor<2xf32>\n"
            "    return %y\n  }\n}\n");
}

TEST(ParserAccepts, IntegersForFloatElementsAndMixedLists) {
  auto m = parseModule(withBody("    %c = const tensor<2xf32> [1, -2]\n    %y = Relu(%x) {a = [1, 2.5]} : "
                                "tensor<2xf32>\n    return %y\n"));
  const Function& f = m->main();
  EXPECT_EQ(f.findValue("c")->constant().data<float>()[1], -2.0f);
  EXPECT_EQ(f.nodes()[0]->attr("a").floats(), (std::vector<double>{1.0, 2.5}));
}

// Mutations of a valid module must give a dlc::Error or parse, never crash.
TEST(ParserRobustness, RandomMutationsNeverCrash) {
  std::string base = test::readFile(test::sourceDir() + "/tests/ir/graphs/attrs.dlcir") +
                     test::readFile(test::sourceDir() + "/tests/ir/graphs/symbolic.dlcir");
  ASSERT_FALSE(base.empty());
  std::mt19937 rng(1234);
  const std::string alphabet = "%@\"{}[]()<>,=:x?*-0123456789.eafnx\\\n tensorconstreturn";
  int parsed = 0, errors = 0;
  for (int iter = 0; iter < 3000; ++iter) {
    std::string s = base;
    int edits = 1 + static_cast<int>(rng() % 4);
    for (int e = 0; e < edits; ++e) {
      size_t pos = rng() % s.size();
      switch (rng() % 3) {
        case 0: s[pos] = alphabet[rng() % alphabet.size()]; break;
        case 1: s.erase(pos, 1 + rng() % 8); break;
        default: s.insert(pos, 1, alphabet[rng() % alphabet.size()]); break;
      }
      if (s.empty()) s.push_back('m');
    }
    try {
      auto m = parseModule(s);
      printModule(*m);
      ++parsed;
    } catch (const Error&) {
      ++errors;
    }
  }
  EXPECT_GT(errors, 0);
  EXPECT_EQ(parsed + errors, 3000);
}

TEST(ParserRobustness, TruncationsNeverCrash) {
  std::string base = test::readFile(test::sourceDir() + "/tests/ir/graphs/dtypes.dlcir");
  ASSERT_FALSE(base.empty());
  // Every proper prefix (short of the final newline) is incomplete.
  for (size_t n = 0; n + 1 < base.size(); n += 3)
    EXPECT_THROW(parseModule(base.substr(0, n)), Error) << n;
}

}  // namespace
}  // namespace dlc
