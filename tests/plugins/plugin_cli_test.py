#!/usr/bin/env python3
"""Plugin failures through the `dlc` binary.

Each case runs `dlc --plugin=<bad plugin> plugins` and checks that dlc fails
with an exit status from 1 to 128 (an error, not a signal or a crash) and prints
exactly one line on stderr naming the plugin file and the cause. Run by ctest, one test per case
(tests/plugins/CMakeLists.txt).

usage: plugin_cli_test.py --dlc DLC --dir PLUGIN_DIR --abi 0x... --wrong-abi 0x...u CASE
"""
import argparse
import os
import subprocess
import sys


def run(dlc, args):
    env = dict(os.environ)
    env.pop("DLC_PLUGIN_PATH", None)
    p = subprocess.run([dlc] + args, capture_output=True, text=True, env=env, timeout=120)
    return p.returncode, p.stdout, p.stderr


def expect_one_line_error(dlc, args, must_contain):
    rc, out, err = run(dlc, args)
    problems = []
    if rc < 0 or rc > 128:
        problems.append(f"dlc died from a signal (exit status {rc})")
    elif rc == 0:
        problems.append("exit status 0, expected an error")
    lines = err.splitlines()
    if len(lines) != 1:
        problems.append(f"stderr has {len(lines)} lines, expected exactly 1")
    for s in must_contain:
        # A tuple lists alternatives: one of them must appear.
        alternatives = s if isinstance(s, tuple) else (s,)
        if not any(alt in err for alt in alternatives):
            problems.append(f"stderr does not contain {' or '.join(map(repr, alternatives))}")
    if problems:
        print(f"command: {' '.join([dlc] + args)}")
        print(f"stdout:\n{out}\nstderr:\n{err}")
        for p in problems:
            print(f"FAIL: {p}")
        return 1
    print(f"ok: {err.strip()}")
    return 0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--dlc", required=True)
    ap.add_argument("--dir", required=True, help="where the test plugins are built")
    ap.add_argument("--abi", required=True, help="this dlc's plugin ABI, e.g. 0x1a2b3c4")
    ap.add_argument("--wrong-abi", required=True, help="the ABI the bad-ABI plugin claims")
    ap.add_argument("case")
    a = ap.parse_args()

    def lib(name):
        return os.path.realpath(os.path.join(a.dir, f"lib{name}.so"))

    abi = hex(int(a.abi, 16))
    wrong = hex(int(a.wrong_abi.rstrip("uU"), 16))
    cases = {
        "missing_file": lambda: expect_one_line_error(
            a.dlc, [f"--plugin={a.dir}/libno_such_plugin.so", "plugins"],
            # dlc checks the file itself before loading (a usage error, status 2);
            # the loader's own wording is "no such file".
            ["libno_such_plugin.so", ("no such file", "not found")]),
        "not_a_library": lambda: expect_one_line_error(
            a.dlc, [f"--plugin={lib('notaplugin')}", "plugins"],
            ["libnotaplugin.so", "not a shared library", "invalid ELF header"]),
        "no_entry_point": lambda: expect_one_line_error(
            a.dlc, [f"--plugin={lib('dlc_test_no_entry')}", "plugins"],
            ["libdlc_test_no_entry.so", "has no entry point 'dlcGetPluginInfo'"]),
        "abi_mismatch": lambda: expect_one_line_error(
            a.dlc, [f"--plugin={lib('dlc_test_bad_abi')}", "plugins"],
            ["libdlc_test_bad_abi.so", f"built for plugin ABI {wrong}", f"this dlc has ABI {abi}"]),
        "cxx_abi_mismatch": lambda: expect_one_line_error(
            a.dlc, [f"--plugin={lib('dlc_test_cxx_abi')}", "plugins"],
            ["libdlc_test_cxx_abi.so", "built with C++ ABI 'itanium/libc++'"]),
        "duplicate_name": lambda: expect_one_line_error(
            a.dlc, [f"--plugin={lib('dlc_test_dup_a')}", f"--plugin={lib('dlc_test_dup_b')}", "plugins"],
            [f"plugin {lib('dlc_test_dup_b')}: pass 'dup-pass' is already registered by {lib('dlc_test_dup_a')}"]),
        "throwing_registration": lambda: expect_one_line_error(
            a.dlc, [f"--plugin={lib('dlc_test_throwing0')}", "plugins"],
            ["libdlc_test_throwing0.so", "registration failed: device 'npu0' not found"]),
        "throwing_std_exception": lambda: expect_one_line_error(
            a.dlc, [f"--plugin={lib('dlc_test_throwing1')}", "plugins"],
            ["libdlc_test_throwing1.so", "registration failed: out of cheese"]),
        "throwing_non_exception": lambda: expect_one_line_error(
            a.dlc, [f"--plugin={lib('dlc_test_throwing2')}", "plugins"],
            ["libdlc_test_throwing2.so", "registration failed: an exception that is not a std::exception"]),
        "plugin_after_subcommand": lambda: expect_one_line_error(
            a.dlc, ["plugins", f"--plugin={lib('dlc_test_bad_abi')}"],
            ["libdlc_test_bad_abi.so", f"built for plugin ABI {wrong}"]),
        "good_plugin_listed": lambda: good_plugin_listed(a.dlc, lib("dlc_test_good")),
    }
    if a.case not in cases:
        print(f"unknown case {a.case!r}; known: {', '.join(sorted(cases))}")
        return 2
    return cases[a.case]()


def good_plugin_listed(dlc, path):
    rc, out, err = run(dlc, [f"--plugin={path}", "plugins"])
    want = ["test-good 1.0.0", f"file: {path}", "frontend testfmt", "pass test-pass", "target test-target"]
    missing = [w for w in want if w not in out]
    if rc != 0 or missing or err:
        print(f"exit status {rc}\nstdout:\n{out}\nstderr:\n{err}\nmissing: {missing}")
        return 1
    print("ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
