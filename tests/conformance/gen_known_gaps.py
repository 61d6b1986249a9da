#!/usr/bin/env python3
"""Writes known_gaps_cpu.txt from two dlc-conformance --json files: the tests the
reference passes and the CPU target does not, each with the CPU run's reason.

usage: gen_known_gaps.py REFERENCE.json CPU.json > tests/conformance/known_gaps_cpu.txt
"""
import json
import re
import sys


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    ref = {t["name"]: t for t in json.load(open(sys.argv[1]))["tests"]}
    cpu = {t["name"]: t for t in json.load(open(sys.argv[2]))["tests"]}
    gaps = [n for n in sorted(ref) if ref[n]["status"] == "passed" and cpu.get(n, {}).get("status") != "passed"]
    print("# Node tests the reference target passes and the CPU targets (x86, arm) do not yet,")
    print("# with the reason the CPU run gives. conformance.node.{x86,arm} fail on any other gap")
    print("# and on a listed test that passes. Regenerate with gen_known_gaps.py.")
    print(f"# {len(gaps)} tests")
    for n in gaps:
        why = re.sub(r"^\S+model\.onnx: ", "", cpu[n]["detail"]) if n in cpu else "not run"
        print(f"{n}  # {why}")


if __name__ == "__main__":
    main()
