#!/usr/bin/env python3
"""Checks the `dlc` command line: exit codes, error messages, help texts, and
the output of each subcommand on the example models.

    cli_test.py --dlc PATH --plugin PATH --models DIR CASE

Each CASE is one ctest test (see tests/cli/CMakeLists.txt); `--list` prints
them. A case fails with the command, its exit code and both output streams.
"""
import argparse
import os
import shutil
import subprocess
import sys
import tempfile

CASES = {}


def case(fn):
    CASES[fn.__name__] = fn
    return fn


class Failure(Exception):
    pass


class Result:
    def __init__(self, args, proc):
        self.args = args
        self.rc = proc.returncode
        self.out = proc.stdout
        self.err = proc.stderr

    def describe(self):
        return (f"command: dlc {' '.join(self.args)}\nexit code: {self.rc}\n"
                f"--- stdout ---\n{self.out}--- stderr ---\n{self.err}")


class Ctx:
    def __init__(self, opts):
        self.dlc_path = opts.dlc
        self.plugin = opts.plugin
        self.models = opts.models
        self.tmp = tempfile.mkdtemp(prefix="dlc-cli-test-")
        self.env = dict(os.environ)
        self.env.pop("DLC_PLUGIN_PATH", None)  # only the default plugins

    def model(self, name):
        return os.path.join(self.models, name)

    def path(self, name):
        return os.path.join(self.tmp, name)

    def dlc(self, *args, stdin=None):
        proc = subprocess.run([self.dlc_path, *args], capture_output=True, text=True,
                              env=self.env, input=stdin, timeout=120)
        return Result(list(args), proc)


def check(cond, what, res=None):
    if not cond:
        raise Failure(what + ("\n" + res.describe() if res else ""))


def expect_ok(res):
    check(res.rc == 0, "expected exit code 0", res)
    return res


def expect_error(res, code, *needles):
    """Exit `code` and exactly one line on stderr, `dlc: error: ...`, naming each needle."""
    check(res.rc == code, f"expected exit code {code}", res)
    lines = res.err.splitlines()
    check(len(lines) == 1, "expected exactly one line on stderr", res)
    check(lines[0].startswith("dlc: error: "), "expected 'dlc: error: ' on stderr", res)
    for n in needles:
        check(n in lines[0], f"expected the error to mention {n!r}", res)
    return res


MODEL_OPTIONS = ["--input-shapes", "-O", "--passes", "--print-after-all", "--print-after",
                 "--time-passes", "--verify-each", "--plugin", "--help"]
SUBCOMMAND_OPTIONS = {
    "plugins": ["--plugin", "--help"],
    "inspect": ["--full", "--no-ir"] + MODEL_OPTIONS,
    "compile": ["-o", "--emit", "--target"] + MODEL_OPTIONS,
    "run": ["--target", "--inputs", "--output", "--print", "--seed"] + MODEL_OPTIONS,
}

# ---- help and version ----------------------------------------------------------


@case
def help_top(c):
    for args in (["--help"], ["-h"], ["help"]):
        res = expect_ok(c.dlc(*args))
        check(res.out.startswith("usage: dlc"), "expected a usage line", res)
        for sub in SUBCOMMAND_OPTIONS:
            check(f"\n  {sub} " in res.out, f"expected subcommand {sub} in the help", res)
        check("--plugin=PATH" in res.out, "expected --plugin in the help", res)


@case
def version(c):
    res = expect_ok(c.dlc("--version"))
    check(res.out.startswith("dlc 0."), "expected 'dlc <version>'", res)
    check("plugin ABI 0x" in res.out, "expected the plugin ABI version", res)


@case
def help_subcommands(c):
    for sub, options in SUBCOMMAND_OPTIONS.items():
        for args in ([sub, "--help"], [sub, "-h"], ["help", sub], ["--help", sub]):
            res = expect_ok(c.dlc(*args))
            check(res.out.startswith(f"usage: dlc {sub}"), f"expected the usage of dlc {sub}", res)
            for opt in options:
                check(f"  {opt}" in res.out or f", {opt}" in res.out,
                      f"expected option {opt} in the help of {sub}", res)
            check(res.err == "", "expected nothing on stderr", res)


# ---- command-line misuse: exit code 2 ------------------------------------------


@case
def no_subcommand(c):
    res = c.dlc()
    check(res.rc == 2, "expected exit code 2", res)
    check(res.err.rstrip().endswith("dlc: error: no subcommand given"), "expected the error", res)


@case
def unknown_subcommand(c):
    expect_error(c.dlc("frobnicate"), 2, "unknown subcommand 'frobnicate'", "inspect")


@case
def unknown_flag(c):
    m = c.model("mlp.dlcir")
    expect_error(c.dlc("inspect", m, "--bogus"), 2, "unknown option '--bogus'", "dlc inspect")
    expect_error(c.dlc("compile", "--fast=yes", m), 2, "unknown option '--fast'")
    expect_error(c.dlc("run", m, "-Z"), 2, "unknown option '-Z'")
    expect_error(c.dlc("--bogus", "inspect", m), 2, "unknown option '--bogus'")
    expect_error(c.dlc("plugins", "--full"), 2, "unknown option '--full'", "dlc plugins")


@case
def flag_with_value(c):
    expect_error(c.dlc("inspect", c.model("mlp.dlcir"), "--full=yes"), 2,
                 "option '--full' takes no value")


@case
def missing_value(c):
    m = c.model("mlp.dlcir")
    expect_error(c.dlc("compile", m, "-o"), 2, "missing value for option '-o'")
    expect_error(c.dlc("inspect", m, "--passes"), 2, "missing value for option '--passes'")
    expect_error(c.dlc("inspect", m, "--passes="), 2, "missing value for option '--passes'")
    expect_error(c.dlc("inspect", "--input-shapes", "--full", m), 2,
                 "missing value for option '--input-shapes'")
    expect_error(c.dlc("--plugin"), 2, "missing value for option '--plugin'")


@case
def missing_model_argument(c):
    expect_error(c.dlc("inspect"), 2, "missing MODEL")
    expect_error(c.dlc("compile", "-O1"), 2, "missing MODEL")
    m = c.model("mlp.dlcir")
    expect_error(c.dlc("inspect", m, m), 2, "unexpected argument")
    expect_error(c.dlc("plugins", "extra"), 2, "unexpected argument 'extra'")


@case
def missing_model_file(c):
    missing = c.path("no-such-model.dlcir")
    for sub in ("inspect", "compile", "run"):
        expect_error(c.dlc(sub, missing), 2, f"model file '{missing}' not found")
    expect_error(c.dlc("inspect", c.tmp), 2, f"model file '{c.tmp}' is not a regular file")


@case
def missing_plugin_file(c):
    missing = c.path("libnothing.so")
    expect_error(c.dlc("--plugin=" + missing, "plugins"), 2, f"plugin '{missing}' not found")
    expect_error(c.dlc("plugins", "--plugin", missing), 2, f"plugin '{missing}' not found")


@case
def bad_opt_level(c):
    m = c.model("mlp.dlcir")
    for bad in ("-O7", "-O4", "-Ox", "-O12", "--opt-level=9"):
        expect_error(c.dlc("compile", m, bad), 2, "bad optimization level", "-O")
    expect_error(c.dlc("inspect", m, "-O"), 2, "missing value for option '-O'")


@case
def bad_input_shapes(c):
    m = c.model("mlp.dlcir")
    for bad in ("x=1xax3", "1x3", "x=", "=1x3", "x=1x-3", "x=[1,2", "x=1x3,x=1x3", "x=1,,y"):
        expect_error(c.dlc("inspect", m, "--input-shapes", bad), 2, "--input-shapes")


@case
def bad_emit(c):
    expect_error(c.dlc("compile", c.model("mlp.dlcir"), "--emit=obj"), 2,
                 "bad value for --emit: 'obj'")


@case
def bad_passes(c):
    m = c.model("mlp.dlcir")
    expect_error(c.dlc("compile", m, "--passes=dce,,dce"), 2, "empty pass name")
    expect_error(c.dlc("compile", m, "--passes=no-such-pass"), 2, "unknown pass 'no-such-pass'",
                 "--passes")
    expect_error(c.dlc("compile", m, "--passes=dce", "--print-after=nope"), 2,
                 "unknown pass 'nope'", "--print-after")


@case
def bad_seed(c):
    expect_error(c.dlc("run", c.model("mlp.dlcir"), "--seed=-1"), 2, "--seed")


# ---- plugins -------------------------------------------------------------------


@case
def plugin_before_and_after_subcommand(c):
    for args in (["--plugin=" + c.plugin, "plugins"], ["plugins", "--plugin=" + c.plugin],
                 ["--plugin", c.plugin, "plugins"], ["plugins", "--plugin", c.plugin]):
        res = expect_ok(c.dlc(*args))
        check("  cli-test 1.2.3\n" in res.out, "expected the plugin's name and version", res)
        check(f"    file: {c.plugin}\n" in res.out or
              f"file: {os.path.realpath(c.plugin)}\n" in res.out,
              "expected the plugin's file", res)
        check("      pass cli-test-noop\n" in res.out, "expected what it registered", res)
        check("  cli-test-noop " in res.out.split("\npasses (")[1],
              "expected the pass in the list of passes", res)


@case
def plugins_lists_builtins(c):
    res = expect_ok(c.dlc("plugins"))
    check(res.out.startswith("plugins ("), "expected the plugin list", res)
    for section in ("\nfrontends (", "\npasses (", "\ntargets ("):
        check(section in res.out, f"expected section {section.strip()}", res)
    frontends = res.out.split("\nfrontends (")[1].split("\npasses (")[0]
    check(".dlcir" in frontends, "expected the text IR frontend (.dlcir)", res)
    check("cli-test" not in res.out, "the test plugin must load only when named", res)


@case
def plugin_used_by_passes(c):
    m = c.model("mlp.dlcir")
    expect_error(c.dlc("compile", m, "--passes=cli-test-noop", "-o", os.devnull), 2,
                 "unknown pass 'cli-test-noop'")
    expect_ok(c.dlc("compile", m, "--passes=cli-test-noop", "--plugin=" + c.plugin, "-o",
                    os.devnull))
    expect_ok(c.dlc("--plugin=" + c.plugin, "compile", m, "--passes=cli-test-noop", "-o",
                    os.devnull))


@case
def example_model_up_to_date(c):
    with open(c.model("mlp.dlcir")) as f:
        check(f.read() == mlp_module(c).text(),
              "examples/models/mlp.dlcir differs from what make_mlp.py writes")


# ---- inspect -------------------------------------------------------------------

# examples/models/mlp.dlcir, as written (-O0).
MLP_STATS = """\
statistics of @main:
  inputs (1):
    %x: tensor<4x8xf32>
  outputs (1):
    %y: tensor<4x4xf32>
  nodes: 11
  constants: 7
  weight bytes: 272
  ops (8 distinct):
    Add:      3
    MatMul:   2
    Identity: 1
    Mul:      1
    Relu:     1
    Sigmoid:  1
    Sub:      1
    Tanh:     1
"""


@case
def inspect_statistics(c):
    res = expect_ok(c.dlc("inspect", c.model("mlp.dlcir")))
    check(res.out.endswith(MLP_STATS), "expected these statistics:\n" + MLP_STATS, res)
    check("func @main" in res.out or "@main" in res.out.split("statistics of")[0],
          "expected the IR before the statistics", res)
    res = expect_ok(c.dlc("inspect", "--no-ir", c.model("mlp.dlcir")))
    check(res.out == MLP_STATS, "expected only the statistics", res)


@case
def inspect_elides_constants(c):
    res = expect_ok(c.dlc("inspect", c.model("mlp.dlcir")))
    check("<elided>" in res.out, "expected the 8x4 weight to be elided", res)
    res = expect_ok(c.dlc("inspect", "--full", c.model("mlp.dlcir")))
    check("<elided>" not in res.out, "expected no elided constant with --full", res)


@case
def inspect_input_shapes(c):
    m = c.model("mlp.dlcir")
    for shapes in ("x=4x8", "x:[4,8]"):
        res = expect_ok(c.dlc("inspect", "--no-ir", m, "--input-shapes", shapes))
        check("    %x: tensor<4x8xf32>\n" in res.out, "expected the input type", res)
    expect_error(c.dlc("inspect", m, "--input-shapes", "nosuch=1x2"), 1, "'nosuch'")
    expect_error(c.dlc("inspect", m, "--input-shapes", "x=4x9"), 1, "'x'")


@case
def inspect_bad_model(c):
    bad = c.path("bad.dlcir")
    with open(bad, "w") as f:
        f.write("this is not dlc text IR\n")
    res = expect_error(c.dlc("inspect", bad), 1, "bad.dlcir")
    unknown = c.path("model.xyz")
    with open(unknown, "w") as f:
        f.write("\n")
    expect_error(c.dlc("inspect", unknown), 1, "model.xyz")


# ---- compile -------------------------------------------------------------------


@case
def compile_optimizes(c):
    out = c.path("mlp.opt.dlcir")
    res = expect_ok(c.dlc("compile", c.model("mlp.dlcir"), "-o", out))
    check(res.out == "", "expected nothing on stdout with -o FILE", res)
    check(os.path.getsize(out) > 0, "expected the output file")
    after = expect_ok(c.dlc("inspect", "--no-ir", out))
    nodes = int(after.out.split("  nodes: ")[1].split("\n")[0])
    check(nodes < 11, f"expected -O2 to remove nodes (11 before, {nodes} after)", after)
    # stdout by default and with -o -
    for args in ([], ["-o", "-"]):
        res = expect_ok(c.dlc("compile", c.model("mlp.dlcir"), *args))
        with open(out) as f:
            check(res.out == f.read(), "expected the same IR on stdout as in the file", res)


def dump_headers(err):
    """The header line printed before each IR dump (the line before `module @...`)."""
    lines = [l for l in err.splitlines() if l.strip()]
    return [lines[i - 1] if i else "" for i, l in enumerate(lines) if l.startswith("module @")]


@case
def compile_keeps_semantics(c):
    import numpy as np
    x = np.random.default_rng(5).standard_normal((4, 8)).astype(np.float32)
    inp = c.path("in.npz")
    np.savez(inp, x=x)
    want = mlp_module(c).reference(x)
    for level in ("-O0", "-O1", "-O2", "-O3"):
        opt, out = c.path(f"mlp{level}.dlcir"), c.path(f"out{level}.npz")
        expect_ok(c.dlc("compile", c.model("mlp.dlcir"), level, "--verify-each", "-o", opt))
        expect_ok(c.dlc("run", opt, "-O0", "--inputs", inp, "-o", out))
        got = np.load(out)["y"]
        check(np.allclose(got, want, rtol=1e-5, atol=1e-6),
              f"outputs after compile {level} differ from numpy:\n{got}\n{want}")


@case
def compile_print_after(c):
    res = expect_ok(c.dlc("compile", c.model("mlp.dlcir"), "--passes=simplify,dce",
                          "--print-after=dce", "-o", os.devnull))
    headers = dump_headers(res.err)
    check(len(headers) == 1, f"expected one IR dump, got {len(headers)}", res)
    check("dce" in headers[0] and "after" in headers[0].lower(),
          "expected a dump header naming dce", res)
    res = expect_ok(c.dlc("compile", c.model("mlp.dlcir"), "--passes=simplify,dce",
                          "--print-after-all", "-o", os.devnull))
    headers = dump_headers(res.err)
    check(len(headers) == 2, f"expected two IR dumps, got {len(headers)}", res)
    check("simplify" in headers[0] and "dce" in headers[1],
          "expected a dump header after simplify, then after dce", res)
    check("<elided>" in res.err, "expected the dumps to elide the large constant", res)


@case
def compile_time_passes(c):
    res = expect_ok(c.dlc("compile", c.model("mlp.dlcir"), "--passes=simplify,dce",
                          "--time-passes", "-o", os.devnull))
    lines = res.err.splitlines()
    check(any("simplify" in l for l in lines) and any("dce" in l for l in lines),
          "expected a timing row per pass", res)
    check(any("total" in l.lower() for l in lines), "expected a total row", res)
    check(res.out == "", "expected the table on stderr, not stdout", res)
    res = expect_ok(c.dlc("compile", c.model("mlp.dlcir"), "--passes=simplify,dce", "-o", os.devnull))
    check(res.err == "", "expected no timing table without --time-passes", res)


@case
def compile_verify_each(c):
    expect_ok(c.dlc("compile", c.model("mlp.dlcir"), "-O3", "--verify-each", "-o", os.devnull))


@case
def compile_unknown_target(c):
    expect_error(c.dlc("compile", c.model("mlp.dlcir"), "--target=mychip", "-o", os.devnull), 1,
                 "unknown target 'mychip' (registered targets: ")


@case
def compile_unwritable_output(c):
    out = os.path.join(c.tmp, "no-such-dir", "out.dlcir")
    expect_error(c.dlc("compile", c.model("mlp.dlcir"), "-o", out), 1, out)


# ---- run -----------------------------------------------------------------------


def mlp_module(c):
    """examples/models/make_mlp.py, which wrote mlp.dlcir and computes it in numpy."""
    sys.path.insert(0, c.models)
    import make_mlp
    return make_mlp


@case
def run_random_inputs(c):
    res = expect_ok(c.dlc("run", c.model("mlp.dlcir"), "--target=reference"))
    check("no --inputs given; using random inputs (seed 0)" in res.err, "expected the note", res)
    check(res.out.startswith("outputs (1):\n  y: tensor<4x4xf32>\n"), "expected the summary", res)
    again = expect_ok(c.dlc("run", c.model("mlp.dlcir"), "--target=reference"))
    check(again.out == res.out, "expected the same outputs for the same seed", again)
    other = expect_ok(c.dlc("run", c.model("mlp.dlcir"), "--target=reference", "--seed=7"))
    check(other.out != res.out, "expected other outputs for another seed", other)


@case
def run_npz(c):
    import numpy as np
    rng = np.random.default_rng(3)
    x = rng.standard_normal((4, 8)).astype(np.float32)
    inp, out = c.path("in.npz"), c.path("out.npz")
    np.savez(inp, x=x)
    res = expect_ok(c.dlc("run", c.model("mlp.dlcir"), "--target=reference", "--inputs", inp,
                          "--output", out))
    check(res.out == "", "expected no summary with --output and no --print", res)
    got = np.load(out)
    check(list(got.keys()) == ["y"], f"expected one output 'y', got {list(got.keys())}")
    want = mlp_module(c).reference(x)
    check(got["y"].shape == want.shape and np.allclose(got["y"], want, rtol=1e-5, atol=1e-6),
          f"outputs differ from numpy:\n{got['y']}\n{want}")
    res = expect_ok(c.dlc("run", c.model("mlp.dlcir"), "--inputs", inp, "--output", out,
                          "--print"))
    check("  y: tensor<4x4xf32>\n" in res.out, "expected the summary with --print", res)


@case
def run_errors(c):
    m = c.model("mlp.dlcir")
    expect_error(c.dlc("run", m, "--target=mychip"), 1, "mychip")
    expect_error(c.dlc("run", m, "--inputs", c.path("none.npz")), 2, "none.npz", "not found")
    import numpy as np
    wrong = c.path("wrong.npz")
    np.savez(wrong, z=np.zeros((4, 8), np.float32))
    expect_error(c.dlc("run", m, "--inputs", wrong), 1, "'z'")


@case
def run_data_dependent_shape(c):
    """A NonZero compiled for x86 for its declared shape: right data runs, other data is refused."""
    import numpy as np
    m = c.path("nonzero.dlcir")
    with open(m, "w") as f:
        f.write("module @nz {\n  func @main(%x: tensor<2x2xf32>) {\n"
                "    %idx = NonZero(%x) : tensor<2x3xi64>\n    return %idx\n  }\n}\n")
    three, two, out = c.path("three.npz"), c.path("two.npz"), c.path("nz_out.npz")
    np.savez(three, x=np.array([[1, 0], [2, 3]], np.float32))
    np.savez(two, x=np.array([[1, 0], [0, 3]], np.float32))
    expect_ok(c.dlc("run", m, "--target=x86", "--inputs", three, "-o", out))
    got = np.load(out)["idx"]
    check(got.tolist() == [[0, 1, 1], [0, 0, 1]], f"expected the indices of the non-zeros, got {got.tolist()}")
    expect_error(c.dlc("run", m, "--target=x86", "--inputs", two), 1, "'idx'", "i64[2x2]",
                 "compiled for i64[2x3]")


# ---- bench -----------------------------------------------------------------------


def conv_matmul_module(c):
    """A Conv (1x2x6x6, 3 filters of 2x3x3: 2*3*4*4*2*3*3 = 1728 FLOP) feeding a
    Relu, and a batched MatMul (2x3x4 by 4x5: 2*2*3*5*4 = 240 FLOP)."""
    m = c.path("convmm.dlcir")
    w = ", ".join(f"{(i % 7 - 3) / 8}" for i in range(54))
    b = ", ".join(f"{(i % 5 - 2) / 4}" for i in range(20))
    with open(m, "w") as f:
        f.write("module @convmm {\n"
                "  func @main(%x: tensor<1x2x6x6xf32>, %a: tensor<2x3x4xf32>) {\n"
                f"    %w = const tensor<3x2x3x3xf32> [{w}]\n"
                f"    %b = const tensor<4x5xf32> [{b}]\n"
                "    %c = Conv(%x, %w) {kernel_shape = [3, 3]} : tensor<1x3x4x4xf32>\n"
                "    %y = Relu(%c) : tensor<1x3x4x4xf32>\n"
                "    %z = MatMul(%a, %b) : tensor<2x3x5xf32>\n"
                "    return %y, %z\n  }\n}\n")
    return m


@case
def bench_profile_flops(c):
    """--profile prints each kernel's FLOP count and GFLOP/s; --json carries them per kernel."""
    import json
    m = conv_matmul_module(c)
    res = expect_ok(c.dlc("bench", m, "--target=x86", "--repeat", "3", "--warmup", "1", "--profile"))
    rows = [l for l in res.out.splitlines() if l.startswith("  ")]
    conv = [l for l in rows if "Conv" in l]
    mm = [l for l in rows if "MatMul" in l]
    check(len(conv) == 1 and len(mm) == 1, "expected one Conv and one MatMul kernel row", res)
    check("0.0000 GFLOP" in conv[0] and "GFLOP/s" in conv[0] and "GB/s" in conv[0],
          "expected GFLOP and GFLOP/s on the Conv row", res)
    res = expect_ok(c.dlc("bench", m, "--target=x86", "--repeat", "3", "--warmup", "1", "--profile", "--json"))
    got = json.loads(res.out)
    by = {k["name"]: k for k in got["kernels"]}
    convs = [k for n, k in by.items() if "Conv" in n]
    mms = [k for n, k in by.items() if "MatMul" in n]
    check(len(convs) == 1 and convs[0]["flops"] == 1728, f"expected a Conv kernel of 1728 FLOP: {by}", res)
    check(len(mms) == 1 and mms[0]["flops"] == 240, f"expected a MatMul kernel of 240 FLOP: {by}", res)
    for k in got["kernels"]:
        for key in ("ms", "share", "flops", "gflops", "bytes", "gbytes_per_s"):
            check(key in k, f"expected {key!r} in every kernel entry: {k}", res)
        check(k["gflops"] >= 0 and k["bytes"] > 0, f"expected a rate and a byte count: {k}", res)
    check(convs[0]["gflops"] > 0, "expected the Conv's GFLOP/s", res)
    res = expect_ok(c.dlc("bench", m, "--target=x86", "--repeat", "2", "--json"))
    check("kernels" not in json.loads(res.out), "expected no kernels without --profile", res)


def compile_with_knobs(c, module, cfg, out):
    """dlc compile MODULE --target=x86 with `cfg` (JSON text) as its --schedule-config."""
    path = c.path("knobs.json")
    with open(path, "w") as f:
        f.write(cfg)
    return c.dlc("compile", module, "--target=x86", "-o", c.path(out), f"--schedule-config={path}")


@case
def schedule_config_knobs_no_kernel_reads(c):
    """A knob no kernel reads is reported: without a group prefix a warning (the
    config may be meant for other kernels), for a group that does not exist or
    lacks the knob an error."""
    m = conv_matmul_module(c)

    def compile_with(cfg):
        return compile_with_knobs(c, m, cfg, "k.so")

    res = expect_ok(compile_with('{"tile_coo": 4}'))
    check("dlc: warning: schedule config: no kernel reads the knob 'tile_coo', so it has no effect" in res.err,
          "expected a warning naming the knob", res)
    check("tile_co," in res.err.split("the kernels read:")[1], "expected the knobs the kernels read", res)
    res = expect_ok(compile_with('{"tile_co": 4}'))
    check("warning" not in res.err, "expected no warning for a knob the conv reads", res)
    expect_error(compile_with('{"group99.tile_co": 4}'), 1, "'group99.tile_co' names no kernel group",
                 "group0 to group1")
    expect_error(compile_with('{"group1.tile_co": 4}'), 1, "group1 has no knob 'tile_co'", "it reads:")


@case
def schedule_config_bad_winograd(c):
    """The Winograd knob takes 0, 2 or 4; another value is an error naming the
    conv and the values it takes. The module's 3x3 conv reads a blocked value
    (a 1x1 conv's result), so the x86 Winograd path reads the knob."""
    m = c.path("wino.dlcir")
    w1 = ", ".join(f"{(i % 9 - 4) / 16}" for i in range(16 * 16))
    w3 = ", ".join(f"{(i % 11 - 5) / 32}" for i in range(16 * 16 * 9))
    with open(m, "w") as f:
        f.write("module @wino {\n"
                "  func @main(%x: tensor<1x16x12x12xf32>) {\n"
                f"    %w1 = const tensor<16x16x1x1xf32> [{w1}]\n"
                f"    %w3 = const tensor<16x16x3x3xf32> [{w3}]\n"
                "    %a = Conv(%x, %w1) {kernel_shape = [1, 1]} : tensor<1x16x12x12xf32>\n"
                "    %y = Conv(%a, %w3) {kernel_shape = [3, 3], pads = [1, 1, 1, 1]} : tensor<1x16x12x12xf32>\n"
                "    return %y\n  }\n}\n")

    def compile_with(cfg):
        return compile_with_knobs(c, m, cfg, "w.so")

    res = expect_ok(compile_with('{"winograd": 2}'))
    check("warning" not in res.err, "expected the 3x3 conv to read the knob", res)
    expect_error(compile_with('{"winograd": 3}'), 1, "knob 'winograd'", "is 3", "want 0", "2 or 4")


# ---- ONNX (registered only when the ONNX frontend is built) -----------------------


def onnx_model(c):
    """examples/models/make_onnx_mlp.py builds mlp.onnx (batch dim N) and inputs."""
    make = os.path.join(c.models, "make_onnx_mlp.py")
    proc = subprocess.run([sys.executable, make, "build", c.tmp], capture_output=True, text=True)
    check(proc.returncode == 0, "make_onnx_mlp.py build failed:\n" + proc.stderr)
    return c.path("mlp.onnx"), c.path("mlp_inputs.npz"), make


@case
def onnx_run_matches_onnxruntime(c):
    model, inputs, make = onnx_model(c)
    out = c.path("out.npz")
    expect_ok(c.dlc("run", model, "--inputs", inputs, "-o", out))
    proc = subprocess.run([sys.executable, make, "check", c.tmp, out], capture_output=True,
                          text=True)
    check(proc.returncode == 0, "dlc differs from ONNX Runtime:\n" + proc.stdout + proc.stderr)


@case
def onnx_input_shapes(c):
    model, _, _ = onnx_model(c)
    res = expect_ok(c.dlc("inspect", "--no-ir", model))
    check("    %x: tensor<{N}x8xf32>\n" in res.out, "expected the symbolic batch dim", res)
    check("  nodes: 6\n  constants: 4\n  weight bytes: 848\n" in res.out,
          "expected 6 nodes, 4 constants of 848 bytes", res)
    res = expect_ok(c.dlc("inspect", "--no-ir", model, "--input-shapes", "x=3x8"))
    check("    %x: tensor<3x8xf32>\n" in res.out and "    %probs: tensor<3x4xf32>\n" in res.out,
          "expected the fixed input and the inferred output shape", res)
    expect_error(c.dlc("run", model), 1, "input 'x' has a dynamic shape", "--input-shapes")
    res = expect_ok(c.dlc("run", model, "--input-shapes", "x:[3,8]"))
    check(res.out.startswith("outputs (1):\n  probs: tensor<3x4xf32>\n"), "expected the summary", res)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--dlc")
    ap.add_argument("--plugin")
    ap.add_argument("--models")
    ap.add_argument("--list", action="store_true")
    ap.add_argument("case", nargs="?")
    opts = ap.parse_args()
    if opts.list:
        print("\n".join(CASES))
        return 0
    if opts.case not in CASES:
        print(f"unknown case {opts.case!r}; known: {', '.join(CASES)}", file=sys.stderr)
        return 2
    ctx = Ctx(opts)
    try:
        CASES[opts.case](ctx)
    except Failure as e:
        print(f"FAIL {opts.case}: {e}", file=sys.stderr)
        return 1
    finally:
        shutil.rmtree(ctx.tmp, ignore_errors=True)
    print(f"PASS {opts.case}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
