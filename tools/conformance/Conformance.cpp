// dlc-conformance: runs ONNX backend node tests through dlc.
//
// Each test directory holds model.onnx and test_data_set_*/{input,output}_*.pb.
// A test ends as exactly one of:
//   passed       every output matches within the tolerances
//   failed       wrong values, shapes or dtypes (the largest error is printed)
//   unsupported  dlc cleanly refused the model (dlc::Unsupported), by reason
//   crashed      the test process died (signal, timeout, or an internal error)
// Each test runs in a forked child, so a crash cannot take the runner down.
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstring>
#include <fstream>
#include <iostream>
#include <iomanip>
#include <map>
#include <optional>
#include <regex>
#include <set>
#include <sstream>

#include <boost/filesystem.hpp>

#include "OnnxTensor.h"
#include "dlc/ir/Bind.h"
#include "dlc/plugin/PluginLoader.h"
#include "dlc/plugin/Registry.h"
#include "dlc/support/Error.h"

namespace fs = boost::filesystem;

namespace {

struct Options {
  std::string dir;
  std::string target = "reference";
  std::string filter;
  std::string json;
  std::vector<std::string> plugins;
  double rtol = 1e-3, atol = 1e-7;
  int jobs = 2;
  int timeoutSec = 120;
  double expectPassRate = -1;
  std::string compareWith;  // --compare-with: another target's --json output
  std::string knownGaps;    // --known-gaps: tests allowed to pass there and not here
  bool verbose = false;
};

const char* kUsage =
    "usage: dlc-conformance DIR [--target=NAME] [--filter=REGEX] [--json=FILE]\n"
    "                       [--jobs=N] [--timeout=SECONDS] [--rtol=X] [--atol=X]\n"
    "                       [--expect-pass-rate=FRACTION] [--plugin=PATH]... [--verbose]\n"
    "                       [--compare-with=JSON [--known-gaps=FILE]]\n"
    "\n"
    "Runs the ONNX backend node tests in DIR (one sub-directory per test, each with\n"
    "model.onnx and test_data_set_*/) through dlc on TARGET (default: reference).\n"
    "Each test is passed, failed, unsupported or crashed. Exits 1 if any test failed\n"
    "or crashed, or if the pass rate among plain-tensor tests is below\n"
    "--expect-pass-rate; 2 on a usage error.\n"
    "\n"
    "--compare-with=JSON reads another run's --json output (say the reference\n"
    "target's) and also exits 1 if a test that passed there does not pass here,\n"
    "unless FILE (one test name per line, '#' starts a comment) lists it; a listed\n"
    "test that passes here is an error too, so the list stays current.\n";

[[noreturn]] void usageError(const std::string& msg) {
  std::cerr << "dlc-conformance: error: " << msg << "\n" << kUsage;
  std::exit(2);
}

Options parseArgs(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto val = [&](const std::string& flag) -> std::optional<std::string> {
      if (a.rfind(flag + "=", 0) == 0) return a.substr(flag.size() + 1);
      if (a == flag) {
        if (i + 1 >= argc) usageError("missing value for " + flag);
        return std::string(argv[++i]);
      }
      return std::nullopt;
    };
    auto num = [&](const std::string& flag, const std::string& v) {
      try {
        size_t pos;
        double d = std::stod(v, &pos);
        if (pos != v.size()) throw std::invalid_argument(v);
        return d;
      } catch (const std::exception&) {
        usageError("bad value '" + v + "' for " + flag);
      }
    };
    if (a == "-h" || a == "--help") {
      std::cout << kUsage;
      std::exit(0);
    } else if (auto v = val("--target")) {
      o.target = *v;
    } else if (auto v = val("--filter")) {
      o.filter = *v;
    } else if (auto v = val("--json")) {
      o.json = *v;
    } else if (auto v = val("--plugin")) {
      o.plugins.push_back(*v);
    } else if (auto v = val("--jobs")) {
      o.jobs = static_cast<int>(num("--jobs", *v));
      if (o.jobs < 1) usageError("--jobs must be >= 1");
    } else if (auto v = val("--timeout")) {
      o.timeoutSec = static_cast<int>(num("--timeout", *v));
    } else if (auto v = val("--rtol")) {
      o.rtol = num("--rtol", *v);
    } else if (auto v = val("--atol")) {
      o.atol = num("--atol", *v);
    } else if (auto v = val("--expect-pass-rate")) {
      o.expectPassRate = num("--expect-pass-rate", *v);
    } else if (auto v = val("--compare-with")) {
      o.compareWith = *v;
    } else if (auto v = val("--known-gaps")) {
      o.knownGaps = *v;
    } else if (a == "--verbose" || a == "-v") {
      o.verbose = true;
    } else if (!a.empty() && a[0] == '-') {
      usageError("unknown option '" + a + "'");
    } else if (o.dir.empty()) {
      o.dir = a;
    } else {
      usageError("unexpected argument '" + a + "'");
    }
  }
  if (!o.knownGaps.empty() && o.compareWith.empty()) usageError("--known-gaps needs --compare-with");
  if (o.dir.empty()) usageError("missing test directory");
  if (!fs::is_directory(o.dir)) usageError("'" + o.dir + "' is not a directory");
  return o;
}

enum class Status { Passed, Failed, Unsupported, Crashed };
const char* statusName(Status s) {
  switch (s) {
    case Status::Passed: return "passed";
    case Status::Failed: return "failed";
    case Status::Unsupported: return "unsupported";
    case Status::Crashed: return "crashed";
  }
  return "?";
}

struct Result {
  std::string name;
  Status status = Status::Crashed;
  std::string detail;
  bool plain = true;  // only tensor inputs/outputs (counts toward the pass rate)
  double seconds = 0;
};

std::vector<std::string> sortedEntries(const fs::path& dir, const std::string& prefix) {
  std::vector<std::string> out;
  for (const auto& e : fs::directory_iterator(dir)) {
    std::string n = e.path().filename().string();
    if (n.rfind(prefix, 0) == 0) out.push_back(n);
  }
  // input_10 after input_9: sort by the trailing number.
  std::sort(out.begin(), out.end(), [&](const std::string& a, const std::string& b) {
    auto numOf = [&](const std::string& s) {
      size_t p = prefix.size();
      return std::atol(s.c_str() + p);
    };
    long na = numOf(a), nb = numOf(b);
    return na != nb ? na < nb : a < b;
  });
  return out;
}

// Compares one output; returns "" if it matches, else a description.
std::string compareTensors(const dlc::Tensor& want, const dlc::Tensor& got, const Options& o, const std::string& what) {
  using namespace dlc;
  if (want.dtype() != got.dtype())
    return what + ": dtype " + std::string(dtypeName(got.dtype())) + ", expected " + std::string(dtypeName(want.dtype()));
  if (want.extents() != got.extents()) return what + ": shape " + got.type().str() + ", expected " + want.type().str();
  double worst = 0, worstExcess = -1;
  int64_t worstAt = -1;
  bool exact = !isFloat(want.dtype());
  for (int64_t i = 0; i < want.numel(); ++i) {
    if (exact) {
      if (want.getInt64(i) != got.getInt64(i) ||
          (want.dtype() == DType::UInt64 && want.data<uint64_t>()[i] != got.data<uint64_t>()[i])) {
        return what + ": value at index " + std::to_string(i) + " is " + std::to_string(got.getInt64(i)) +
               ", expected " + std::to_string(want.getInt64(i));
      }
      continue;
    }
    double e = want.getDouble(i), g = got.getDouble(i);
    if (std::isnan(e) && std::isnan(g)) continue;
    if (std::isinf(e) && e == g) continue;
    double err = std::fabs(e - g);
    double excess = std::isnan(err) ? INFINITY : err - (o.atol + o.rtol * std::fabs(e));
    if (excess > worstExcess || (std::isnan(g) != std::isnan(e))) {
      worstExcess = std::isnan(g) != std::isnan(e) ? INFINITY : excess;
      worst = err;
      worstAt = i;
    }
  }
  if (worstExcess > 0) {
    std::ostringstream os;
    os << what << ": largest error " << worst << " at index " << worstAt << " (expected "
       << want.getDouble(worstAt) << ", got " << got.getDouble(worstAt) << ")";
    return os.str();
  }
  return "";
}

// Tests that need other treatment than the suite's default tolerances. A
// disputed test still runs; if its values differ from the suite's, it ends as
// unsupported with the reason below instead of failed, since the suite's data
// contradicts the ONNX operator definition (ONNX Runtime disagrees with it too).
struct TestOverride {
  const char* pattern;   // regex on the test name
  double atol;           // < 0: keep the default
  const char* disputed;  // non-null: why the suite's expected data is wrong
};
const TestOverride kOverrides[] = {
    // The expected zeros are float32 round-off (1.9e-7) of data rounded before the
    // inverse transform; dlc transforms in double and gets 3e-15.
    {"^test_dft_inverse", 1e-6, nullptr},
    {"^test_qlinearmatmul_[23]D_int8_",
     -1, "suite data disputed: expected int8 outputs wrap around where the spec saturates"},
};

const TestOverride* overrideFor(const std::string& name) {
  for (const TestOverride& t : kOverrides)
    if (std::regex_search(name, std::regex(t.pattern))) return &t;
  return nullptr;
}

// Reinterprets uint16 tensors as bfloat16 where the model declares bfloat16.
void retagBFloat16(std::vector<dlc::Tensor>& ts, const std::vector<dlc::DType>& want) {
  using namespace dlc;
  for (size_t i = 0; i < ts.size() && i < want.size(); ++i) {
    if (ts[i].dtype() != DType::UInt16 || want[i] != DType::BFloat16) continue;
    Tensor t(DType::BFloat16, ts[i].extents());
    if (t.byteSize()) std::memcpy(t.rawData(), ts[i].rawData(), t.byteSize());
    ts[i] = std::move(t);
  }
}

std::string joined(const std::vector<std::string>& names) {
  std::string s;
  for (const std::string& n : names) s += (s.empty() ? "" : ", ") + n;
  return s;
}

// Runs one test in the current (child) process. Writes "<status>\t<plain>\t<detail>".
std::string runOne(const dlc::Registry& reg, const fs::path& testDir, const Options& o) {
  using namespace dlc;
  bool plain = true;
  auto line = [&](Status s, const std::string& d) {
    std::string detail = d;
    std::replace(detail.begin(), detail.end(), '\n', ' ');
    std::replace(detail.begin(), detail.end(), '\t', ' ');
    return std::string(statusName(s)) + "\t" + (plain ? "1" : "0") + "\t" + detail;
  };
  try {
    std::unique_ptr<Module> m;
    try {
      m = reg.loadModel((testDir / "model.onnx").string());
    } catch (const Unsupported& e) {
      std::string w = e.what();
      if (w.find("sequence types") != std::string::npos || w.find("map types") != std::string::npos ||
          w.find("optional types") != std::string::npos || w.find("string") != std::string::npos ||
          w.find("domain 'ai.onnx.preview.training'") != std::string::npos)
        plain = false;
      return line(Status::Unsupported, w);
    }
    // The suite stores bfloat16 data as uint16 bits; the model's types say what they are.
    std::vector<DType> argTypes, outTypes;
    for (const Value* v : m->main().arguments()) argTypes.push_back(v->type().dtype);
    for (const Value* v : m->main().outputs()) outTypes.push_back(v->type().dtype);
    const TargetInfo& target = reg.target(o.target);
    // A target with static shapes gets the inputs that act as shape operands
    // bound to each data set's values (the model is specialized per set).
    std::vector<std::string> bound;
    if (target.staticShapes) bound = shapeOperandArguments(m->main());
    std::unique_ptr<Executable> exe;
    if (bound.empty()) exe = target.compile(*m, CompileOptions{});
    const TestOverride* over = overrideFor(testDir.filename().string());
    Options tol = o;
    if (over && over->atol >= 0) tol.atol = std::max(o.atol, over->atol);
    auto sets = sortedEntries(testDir, "test_data_set_");
    if (sets.empty()) return line(Status::Failed, "no test_data_set_* directories");
    for (const std::string& set : sets) {
      fs::path sd = testDir / set;
      std::vector<Tensor> inputs, expected;
      for (const std::string& f : sortedEntries(sd, "input_")) inputs.push_back(dlc::onnx::readTensorProtoFile((sd / f).string()));
      for (const std::string& f : sortedEntries(sd, "output_")) expected.push_back(dlc::onnx::readTensorProtoFile((sd / f).string()));
      retagBFloat16(inputs, argTypes);
      retagBFloat16(expected, outTypes);
      if (!bound.empty()) {
        std::unique_ptr<Module> specialized = m->clone();
        std::map<std::string, Tensor> values;
        std::vector<Tensor> rest;
        const auto& args = m->main().arguments();
        for (size_t i = 0; i < args.size() && i < inputs.size(); ++i) {
          if (std::find(bound.begin(), bound.end(), args[i]->name()) != bound.end())
            values[args[i]->name()] = inputs[i];
          else
            rest.push_back(inputs[i]);
        }
        if (values.size() != bound.size() || inputs.size() != args.size())
          return line(Status::Failed, set + ": " + std::to_string(inputs.size()) + " inputs, the model has " +
                                          std::to_string(args.size()));
        bindArguments(specialized->main(), values);
        exe = target.compile(*specialized, CompileOptions{});
        inputs = std::move(rest);
      }
      std::vector<Tensor> got = exe->run(inputs);
      if (got.size() != expected.size())
        return line(Status::Failed, set + ": " + std::to_string(got.size()) + " outputs, expected " +
                                        std::to_string(expected.size()));
      for (size_t k = 0; k < got.size(); ++k) {
        std::string err = compareTensors(expected[k], got[k], tol, set + " output " + std::to_string(k));
        if (err.empty()) continue;
        if (over && over->disputed) return line(Status::Unsupported, std::string(over->disputed) + " (" + err + ")");
        return line(Status::Failed, err);
      }
    }
    return line(Status::Passed, bound.empty() ? "" : "bound shape operands: " + joined(bound));
  } catch (const Unsupported& e) {
    return line(Status::Unsupported, e.what());
  } catch (const std::exception& e) {
    return line(Status::Crashed, std::string("error: ") + e.what());
  }
}

struct Child {
  pid_t pid;
  int fd;
  size_t index;
  std::string out;
  std::chrono::steady_clock::time_point start;
};

// Short reason for grouping unsupported tests.
std::string reasonKey(const std::string& detail) {
  static const std::regex opRe(R"(\[([A-Za-z0-9_.]+)(?: \(opset \d+\))?(?: node '[^']*')?(?::[^\]]*)?\])");
  std::smatch mm;
  std::string d = detail;
  std::set<std::string> ops;
  for (auto it = std::sregex_iterator(d.begin(), d.end(), opRe); it != std::sregex_iterator(); ++it) ops.insert((*it)[1]);
  if (!ops.empty()) {
    std::string k = "op ";
    for (const auto& op : ops) k += (k.size() > 3 ? "," : "") + op;
    return k;
  }
  for (const char* key : {"sequence types", "optional types", "map types", "string", "unsupported data type FLOAT8",
                          "unsupported data type", "subgraph", "suite data disputed"}) {
    if (d.find(key) != std::string::npos) {
      size_t p = d.find(key);
      return d.substr(p, std::min<size_t>(d.size() - p, 64));
    }
  }
  size_t colon = d.rfind(": ");
  return colon == std::string::npos ? d.substr(0, 60) : d.substr(colon + 2, 60);
}

}  // namespace

// The tests --compare-with's run passed, read from its JSON (the format this
// runner writes: one object per test with "name" then "status").
std::set<std::string> passedIn(const std::string& path) {
  std::ifstream in(path);
  if (!in) usageError("cannot read --compare-with file '" + path + "'");
  std::stringstream ss;
  ss << in.rdbuf();
  std::string text = ss.str();
  static const std::regex entry(R"re(\{"name": "([^"]+)", "status": "([a-z]+)")re");
  std::set<std::string> passed;
  size_t entries = 0;
  for (auto it = std::sregex_iterator(text.begin(), text.end(), entry); it != std::sregex_iterator(); ++it) {
    ++entries;
    if ((*it)[2] == "passed") passed.insert((*it)[1]);
  }
  if (entries == 0) usageError("'" + path + "' holds no test results (is it a dlc-conformance --json file?)");
  return passed;
}

std::map<std::string, std::string> readKnownGaps(const std::string& path) {
  std::map<std::string, std::string> gaps;  // name -> reason
  if (path.empty()) return gaps;
  std::ifstream in(path);
  if (!in) usageError("cannot read --known-gaps file '" + path + "'");
  std::string line;
  while (std::getline(in, line)) {
    size_t hash = line.find('#');
    std::string reason = hash == std::string::npos ? "" : line.substr(hash + 1);
    std::string name = line.substr(0, hash);
    name.erase(0, name.find_first_not_of(" \t"));
    name.erase(name.find_last_not_of(" \t\r") + 1);
    if (!name.empty()) gaps[name] = reason;
  }
  return gaps;
}

// Whether every test that passed in the other run passes here (known gaps
// aside), and every known gap still fails here. Prints what differs.
bool compareWith(const Options& o, const std::vector<Result>& results) {
  std::set<std::string> theirs = passedIn(o.compareWith);
  std::map<std::string, std::string> gaps = readKnownGaps(o.knownGaps);
  std::vector<std::string> missing, stale;
  int gapCount = 0;
  for (const Result& r : results) {
    bool passedThere = theirs.count(r.name) != 0, gap = gaps.count(r.name) != 0;
    bool passedHere = r.status == Status::Passed;
    if (passedThere && !passedHere && !gap) missing.push_back(r.name + " (" + statusName(r.status) + ": " + r.detail + ")");
    if (gap && passedHere) stale.push_back(r.name);
    gapCount += gap && passedThere && !passedHere;
  }
  std::cout << "compared with " << o.compareWith << ": " << missing.size()
            << " tests passed there and not here (not known gaps), " << gapCount << " known gaps\n";
  for (const std::string& m : missing) std::cout << "  not passed here: " << m << "\n";
  for (const std::string& m : stale) std::cout << "  listed as a known gap but passes: " << m << "\n";
  return missing.empty() && stale.empty();
}

int main(int argc, char** argv) {
  Options o = parseArgs(argc, argv);
  dlc::Registry reg;
  try {
    dlc::PluginLoader loader(reg);
    loader.loadAll(o.plugins);
    reg.target(o.target);  // fail early on an unknown target
    reg.frontendForFile("model.onnx");
  } catch (const std::exception& e) {
    std::cerr << "dlc-conformance: error: " << e.what() << "\n";
    return 2;
  }
  std::regex filter;
  try {
    filter = std::regex(o.filter.empty() ? ".*" : o.filter);
  } catch (const std::regex_error& e) {
    usageError("bad --filter regex: " + std::string(e.what()));
  }
  std::vector<std::string> tests;
  for (const auto& e : fs::directory_iterator(o.dir)) {
    if (!fs::is_regular_file(e.path() / "model.onnx")) continue;
    std::string n = e.path().filename().string();
    if (std::regex_search(n, filter)) tests.push_back(n);
  }
  std::sort(tests.begin(), tests.end());
  if (tests.empty()) {
    std::cerr << "dlc-conformance: error: no tests in '" << o.dir << "' match the filter\n";
    return 2;
  }

  std::vector<Result> results(tests.size());
  std::vector<Child> running;
  size_t next = 0;
  std::cout.setf(std::ios::unitbuf);
  auto finish = [&](Child& c, int status) {
    Result& r = results[c.index];
    r.name = tests[c.index];
    r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - c.start).count();
    if (WIFSIGNALED(status)) {
      r.status = Status::Crashed;
      r.detail = std::string("killed by signal ") + strsignal(WTERMSIG(status));
    } else {
      std::istringstream ss(c.out);
      std::string st, plain, detail;
      std::getline(ss, st, '\t');
      std::getline(ss, plain, '\t');
      std::getline(ss, detail);
      r.plain = plain != "0";
      r.detail = detail;
      if (st == "passed") r.status = Status::Passed;
      else if (st == "failed") r.status = Status::Failed;
      else if (st == "unsupported") r.status = Status::Unsupported;
      else {
        r.status = Status::Crashed;
        if (r.detail.empty()) r.detail = "exited with status " + std::to_string(WEXITSTATUS(status)) + " and no result";
      }
    }
    if (r.status != Status::Passed || o.verbose) {
      std::cout << std::string(statusName(r.status)) << " " << r.name;
      if (!r.detail.empty()) std::cout << ": " << r.detail.substr(0, 400);
      std::cout << "\n";
    }
  };
  while (next < tests.size() || !running.empty()) {
    while (next < tests.size() && static_cast<int>(running.size()) < o.jobs) {
      int fds[2];
      if (pipe(fds) != 0) {
        perror("pipe");
        return 1;
      }
      pid_t pid = fork();
      if (pid == 0) {
        close(fds[0]);
        std::string res = runOne(reg, fs::path(o.dir) / tests[next], o);
        (void)!write(fds[1], res.data(), res.size());
        close(fds[1]);
        _exit(0);
      }
      close(fds[1]);
      running.push_back({pid, fds[0], next, "", std::chrono::steady_clock::now()});
      ++next;
    }
    std::vector<pollfd> pfds;
    for (const Child& c : running) pfds.push_back({c.fd, POLLIN, 0});
    poll(pfds.data(), pfds.size(), 200);
    for (size_t i = 0; i < running.size();) {
      Child& c = running[i];
      char buf[4096];
      bool eof = false;
      if (pfds.size() > i && (pfds[i].revents & (POLLIN | POLLHUP))) {
        ssize_t n = read(c.fd, buf, sizeof buf);
        if (n > 0) c.out.append(buf, static_cast<size_t>(n));
        else eof = true;
      }
      double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - c.start).count();
      if (!eof && elapsed > o.timeoutSec) {
        kill(c.pid, SIGKILL);
        int st;
        waitpid(c.pid, &st, 0);
        close(c.fd);
        Result& r = results[c.index];
        r.name = tests[c.index];
        r.status = Status::Crashed;
        r.detail = "timed out after " + std::to_string(o.timeoutSec) + " s";
        r.seconds = elapsed;
        std::cout << "crashed " << r.name << ": " << r.detail << "\n";
        pfds.erase(pfds.begin() + static_cast<long>(i));
        running.erase(running.begin() + static_cast<long>(i));
        continue;
      }
      if (eof) {
        int st;
        waitpid(c.pid, &st, 0);
        close(c.fd);
        finish(c, st);
        pfds.erase(pfds.begin() + static_cast<long>(i));
        running.erase(running.begin() + static_cast<long>(i));
        continue;
      }
      ++i;
    }
  }

  std::map<Status, int> counts;
  int plainTotal = 0, plainPassed = 0;
  std::map<std::string, int> reasons, nonPlainReasons;
  for (const Result& r : results) {
    counts[r.status]++;
    if (r.plain) {
      ++plainTotal;
      if (r.status == Status::Passed) ++plainPassed;
    }
    if (r.status == Status::Unsupported) (r.plain ? reasons : nonPlainReasons)[reasonKey(r.detail)]++;
  }
  std::vector<std::pair<int, std::string>> byCount;
  for (const auto& [k, v] : reasons) byCount.push_back({v, k});
  std::sort(byCount.rbegin(), byCount.rend());
  if (!byCount.empty()) {
    std::cout << "\nUnsupported among plain-tensor tests, by reason:\n";
    for (const auto& [v, k] : byCount) std::cout << "  " << v << "  " << k << "\n";
  }
  if (!nonPlainReasons.empty()) {
    std::cout << "Unsupported tests with non-tensor types or training ops (outside the pass rate):\n";
    for (const auto& [k, v] : nonPlainReasons) std::cout << "  " << v << "  " << k << "\n";
  }
  double rate = plainTotal ? static_cast<double>(plainPassed) / plainTotal : 0.0;
  std::cout << "\ntarget " << o.target << ": " << tests.size() << " tests; plain-tensor tests: " << plainTotal
            << ", passed " << plainPassed << " (" << std::fixed << std::setprecision(1) << 100.0 * rate << "%)\n";
  std::cout << counts[Status::Unsupported] << " unsupported, " << counts[Status::Crashed] << " crashed\n";
  std::cout << counts[Status::Passed] << " passed, " << counts[Status::Failed] << " failed\n";
  int boundPassed = 0;
  for (const Result& r : results) boundPassed += r.status == Status::Passed && r.detail.rfind("bound ", 0) == 0;
  if (boundPassed)
    std::cout << boundPassed << " of the passed tests ran with their shape-operand inputs bound to the test's values\n";

  if (!o.json.empty()) {
    std::ofstream js(o.json);
    auto esc = [](const std::string& s) {
      std::string r;
      for (char ch : s) {
        if (ch == '"' || ch == '\\') r += '\\';
        if (static_cast<unsigned char>(ch) < 0x20) continue;
        r += ch;
      }
      return r;
    };
    js << "{\"target\": \"" << esc(o.target) << "\", \"passed\": " << counts[Status::Passed]
       << ", \"failed\": " << counts[Status::Failed] << ", \"unsupported\": " << counts[Status::Unsupported]
       << ", \"crashed\": " << counts[Status::Crashed] << ", \"plain_total\": " << plainTotal
       << ", \"plain_passed\": " << plainPassed << ", \"tests\": [";
    for (size_t i = 0; i < results.size(); ++i) {
      const Result& r = results[i];
      js << (i ? ", " : "") << "{\"name\": \"" << esc(r.name) << "\", \"status\": \"" << statusName(r.status)
         << "\", \"plain\": " << (r.plain ? "true" : "false") << ", \"seconds\": " << r.seconds
         << ", \"detail\": \"" << esc(r.detail) << "\"}";
    }
    js << "]}\n";
    if (!js) std::cerr << "dlc-conformance: error: cannot write " << o.json << "\n";
  }
  bool ok = counts[Status::Failed] == 0 && counts[Status::Crashed] == 0;
  if (o.expectPassRate >= 0 && rate < o.expectPassRate) {
    std::cerr << "dlc-conformance: pass rate " << 100.0 * rate << "% is below the expected "
              << 100.0 * o.expectPassRate << "%\n";
    ok = false;
  }
  if (!o.compareWith.empty() && !compareWith(o, results)) ok = false;
  return ok ? 0 : 1;
}
