// Unit tests of the dlc command-line parser (cli/Args.h) and of the shared
// model options (cli/ModelOptions.h): accepted forms, exact error messages.
#include <gtest/gtest.h>

#include "Args.h"
#include "ModelOptions.h"

namespace dlc::cli {
namespace {

ArgParser makeParser() {
  ArgParser p("dlc test", "dlc test [options] MODEL", "A test command.");
  p.flag("--full", "print everything");
  p.option("-o", "OUT", "output file", {"--output"});
  p.option("--passes", "LIST", "passes");
  p.option("--print-after", "PASS", "print after", {}, true);
  declareModelOptions(p, 2);
  return p;
}

std::string usageError(const ArgParser& p, const std::vector<std::string>& args) {
  try {
    p.parse(args);
  } catch (const UsageError& e) {
    return e.what();
  }
  return "(no error)";
}

TEST(ArgParser, ValueForms) {
  ArgParser p = makeParser();
  ParsedArgs a = p.parse({"m.dlcir", "-o", "x", "--passes=a,b", "--full"});
  EXPECT_EQ(a.get("-o"), "x");
  EXPECT_EQ(a.get("--passes"), "a,b");
  EXPECT_TRUE(a.has("--full"));
  EXPECT_EQ(a.positionals(), std::vector<std::string>{"m.dlcir"});

  EXPECT_EQ(p.parse({"--output=y"}).get("-o"), "y");
  EXPECT_EQ(p.parse({"--output", "y"}).get("-o"), "y");
  EXPECT_EQ(p.parse({"-oz"}).get("-o"), "z");
  EXPECT_EQ(p.parse({"-o", "-"}).get("-o"), "-");  // "-" is a value (stdout)
  EXPECT_EQ(p.parse({"-O3"}).get("-O"), "3");
  EXPECT_EQ(p.parse({"-O", "1"}).get("-O"), "1");
  EXPECT_EQ(p.parse({"--opt-level=0"}).get("-O"), "0");
  EXPECT_EQ(p.parse({"-O1", "-O2"}).get("-O"), "2");  // the last wins
}

TEST(ArgParser, RepeatableAndDoubleDash) {
  ArgParser p = makeParser();
  ParsedArgs a = p.parse({"--print-after=a", "--print-after", "b", "--", "--full", "-x"});
  EXPECT_EQ(a.all("--print-after"), (std::vector<std::string>{"a", "b"}));
  EXPECT_FALSE(a.has("--full"));
  EXPECT_EQ(a.positionals(), (std::vector<std::string>{"--full", "-x"}));
}

TEST(ArgParser, Errors) {
  ArgParser p = makeParser();
  EXPECT_EQ(usageError(p, {"--bogus"}),
            "unknown option '--bogus' for 'dlc test' (see 'dlc test --help')");
  EXPECT_EQ(usageError(p, {"--bogus=1"}),
            "unknown option '--bogus' for 'dlc test' (see 'dlc test --help')");
  EXPECT_EQ(usageError(p, {"-Z"}), "unknown option '-Z' for 'dlc test' (see 'dlc test --help')");
  EXPECT_EQ(usageError(p, {"-o"}), "missing value for option '-o' (expected OUT)");
  EXPECT_EQ(usageError(p, {"-o", "--full"}), "missing value for option '-o' (expected OUT)");
  EXPECT_EQ(usageError(p, {"--passes="}), "missing value for option '--passes' (expected LIST)");
  EXPECT_EQ(usageError(p, {"--full=1"}), "option '--full' takes no value (got '--full=1')");
}

TEST(ArgParser, Help) {
  std::string h = makeParser().help();
  EXPECT_EQ(h.rfind("usage: dlc test [options] MODEL\n\nA test command.\n\noptions:\n", 0), 0u) << h;
  EXPECT_NE(h.find("  -o, --output OUT "), std::string::npos) << h;
  EXPECT_NE(h.find("  --passes=LIST "), std::string::npos) << h;
  EXPECT_NE(h.find("print after (repeatable)\n"), std::string::npos) << h;
}

TEST(InputShapes, Forms) {
  using Shapes = std::map<std::string, std::vector<int64_t>>;
  EXPECT_EQ(parseInputShapes("data=1x3x224x224"), (Shapes{{"data", {1, 3, 224, 224}}}));
  EXPECT_EQ(parseInputShapes("a=1x2,b=3"), (Shapes{{"a", {1, 2}}, {"b", {3}}}));
  EXPECT_EQ(parseInputShapes("a:[1,2] b:[3]"), (Shapes{{"a", {1, 2}}, {"b", {3}}}));
  EXPECT_EQ(parseInputShapes("input:0=2x0"), (Shapes{{"input:0", {2, 0}}}));
  EXPECT_EQ(parseInputShapes("input:0:[5]"), (Shapes{{"input:0", {5}}}));
  EXPECT_EQ(parseInputShapes("s=[]"), (Shapes{{"s", {}}}));
}

TEST(InputShapes, Errors) {
  auto err = [](const std::string& text) {
    try {
      parseInputShapes(text);
    } catch (const UsageError& e) {
      return std::string(e.what());
    }
    return std::string("(no error)");
  };
  const std::string ex = " (expected NAME=DIMxDIM..., e.g. data=1x3x224x224,mask=1x128)";
  EXPECT_EQ(err("x=1xax3"), "bad value for --input-shapes: 'x=1xax3' has a bad dimension 'a'" + ex);
  EXPECT_EQ(err("1x3"), "bad value for --input-shapes: '1x3'" + ex);
  EXPECT_EQ(err("=1x3"), "bad value for --input-shapes: '=1x3' has no input name" + ex);
  EXPECT_EQ(err("x="), "bad value for --input-shapes: 'x=' has no shape" + ex);
  EXPECT_EQ(err("x=1x-3"), "bad value for --input-shapes: 'x=1x-3' has a bad dimension '-3'" + ex);
  EXPECT_EQ(err("x=[1,2"), "bad value for --input-shapes: 'x=[1,2' has no closing ']'");
  EXPECT_EQ(err("x=1,x=2"), "bad value for --input-shapes: input 'x' is given twice");
  EXPECT_EQ(err(" , "), "missing value for --input-shapes" + ex);
}

}  // namespace
}  // namespace dlc::cli
