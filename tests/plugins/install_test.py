#!/usr/bin/env python3
"""The SDK end to end: install dlc into a temporary prefix, check the installed
layout, build examples/custom_pass out of tree against it with
find_package(dlc CONFIG), and run its `annotate-macs` pass with the installed
dlc on tests/plugins/data/matmul.dlcir.

usage: install_test.py --cmake CMAKE --build BUILD_DIR --source SOURCE_DIR
                       [--generator Ninja] [--cxx CXX] [--keep]
"""
import argparse
import glob
import os
import re
import shutil
import subprocess
import sys
import tempfile

# The layout an install must have (docs/plugins.md).
REQUIRED = [
    "bin/dlc",
    "lib/libdlc_core.so",
    "lib/libdlc_runtime.so",
    "lib/dlc/plugins/libdlc_cpu.so",
    "include/dlc/runtime/dlc_runtime.h",
    "bin/dlc-run-artifact",
    "lib/dlc/aarch64/bin/dlc-run-artifact",
    "lib/dlc/aarch64/lib/libdlc_runtime.so",
    "lib/dlc/plugins/libdlc_text_frontend.so",
    "include/dlc/plugin/PluginAPI.h",
    "include/dlc/plugin/AbiVersion.h",
    "include/dlc/plugin/Registry.h",
    "include/dlc/ir/IR.h",
    "lib/cmake/dlc/dlcConfig.cmake",
    "lib/cmake/dlc/dlcConfigVersion.cmake",
    "lib/cmake/dlc/dlcTargets.cmake",
    "lib/cmake/dlc/DlcPlugin.cmake",
]
# Test plugins must never be installed.
FORBIDDEN_GLOBS = ["lib/dlc/plugins/libdlc_test_*", "lib/dlc/plugins/libnotaplugin.so",
                   "lib/dlc/plugins/libdlc_cli_test_plugin.so"]

# Expected annotations: the node, its result type, its multiply-accumulates.
EXPECTED_MACS = {"h": 2 * 3 * 5 * 8, "y": 2 * 3 * 4 * 5}


def step(title, cmd, cwd=None, env=None):
    print(f"== {title}: {' '.join(cmd)}", flush=True)
    p = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=540)
    if p.returncode != 0:
        print(p.stdout)
        print(p.stderr)
        raise SystemExit(f"FAIL: {title} exited with status {p.returncode}")
    return p


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--cmake", required=True)
    ap.add_argument("--build", required=True)
    ap.add_argument("--source", required=True)
    ap.add_argument("--generator", default="Ninja")
    ap.add_argument("--cxx", default=None)
    ap.add_argument("--keep", action="store_true", help="keep the temporary directory")
    a = ap.parse_args()
    a.build = os.path.abspath(a.build)
    a.source = os.path.abspath(a.source)

    tmp = tempfile.mkdtemp(prefix="dlc_install_test_")
    try:
        prefix = os.path.join(tmp, "prefix")
        step("install", [a.cmake, "--install", a.build, "--prefix", prefix])

        missing = [f for f in REQUIRED if not os.path.isfile(os.path.join(prefix, f))]
        if missing:
            raise SystemExit(f"FAIL: missing from the install: {', '.join(missing)}")
        stray = [p for g in FORBIDDEN_GLOBS for p in glob.glob(os.path.join(prefix, g))]
        if stray:
            raise SystemExit(f"FAIL: test plugins were installed: {', '.join(stray)}")
        print("layout ok", flush=True)

        env = dict(os.environ)
        env.pop("DLC_PLUGIN_PATH", None)
        bdir = os.path.join(tmp, "b")
        configure = [a.cmake, "-S", os.path.join(a.source, "examples", "custom_pass"), "-B", bdir,
                     "-G", a.generator, f"-DCMAKE_PREFIX_PATH={prefix}", "-DCMAKE_BUILD_TYPE=Release"]
        if a.cxx:
            configure.append(f"-DCMAKE_CXX_COMPILER={a.cxx}")
        step("configure examples/custom_pass", configure, env=env)
        step("build examples/custom_pass", [a.cmake, "--build", bdir], env=env)
        plugin = os.path.join(bdir, "libdlc_custom_pass.so")
        if not os.path.isfile(plugin):
            raise SystemExit(f"FAIL: the example did not produce {plugin}")

        dlc = os.path.join(prefix, "bin", "dlc")
        model = os.path.join(a.source, "tests", "plugins", "data", "matmul.dlcir")
        p = step("run annotate-macs",
                 [dlc, f"--plugin={plugin}", "compile", model, "--passes=annotate-macs",
                  "--print-after=annotate-macs", "-o", os.path.join(tmp, "out.dlcir")],
                 cwd=tmp, env=env)
        printed = p.stdout + p.stderr
        failures = []
        for value, macs in EXPECTED_MACS.items():
            pat = re.compile(r"%" + value + r" = MatMul\([^)]*\) \{macs = (\d+)\}")
            m = pat.search(printed)
            if not m:
                failures.append(f"no `macs = ` on %{value} in the printed IR")
            elif int(m.group(1)) != macs:
                failures.append(f"%{value}: macs = {m.group(1)}, expected {macs}")
        # The written module carries the attribute too, and parses back.
        with open(os.path.join(tmp, "out.dlcir")) as f:
            written = f.read()
        if f"macs = {EXPECTED_MACS['h']}" not in written:
            failures.append("the written module lacks the annotation")
        if failures:
            print(printed)
            raise SystemExit("FAIL: " + "; ".join(failures))

        # The installed dlc lists the plugin and what it registered.
        p = step("list plugins", [dlc, f"--plugin={plugin}", "plugins"], cwd=tmp, env=env)
        if "custom-pass 0.1.0" not in p.stdout or "pass annotate-macs" not in p.stdout:
            print(p.stdout)
            raise SystemExit("FAIL: `dlc plugins` does not list custom-pass and its pass")
        print("ok: annotate-macs ran from the out-of-tree plugin")
        return 0
    finally:
        if a.keep:
            print(f"kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
