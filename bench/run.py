#!/usr/bin/env python3
"""dlc against ONNX Runtime on this machine, side by side, in one run.

For each benchmark model (bench/models.py: seeded random weights) it compiles
the model with dlc for x86, checks dlc's outputs against ONNX Runtime's, then
times both at each thread count: dlc through bench/runner.c (libdlc_runtime
only), ONNX Runtime through bench/ort_runner.py (CPU provider, all graph
optimizations, the same intra-op thread count). Each engine runs in its own
process, so its peak resident memory is measured too. The machine's FMA peak is
measured in the same run (bench/fma_peak.c), and every model's GFLOP/s is
reported as a share of it. For the ResNets, after the timed rounds, `dlc bench
--profile` times each kernel in three runs of about a second (each kernel's
median time, the best of the three runs, as the peak is the best of its runs),
and every convolution kernel's GFLOP/s is reported as a share of the same peak;
the kernels' knobs (`dlc compile --print-kernels`) tell which convs run
Winograd, whose GFLOP/s count the direct conv's FLOPs.

usage: bench/run.py [--models resnet18,resnet50,mobilenetv2,bert-base]
                    [--threads 1,2] [--seconds 5] [--rounds 5] [--out bench/results]
                    [--dlc build/bin/dlc] [--work DIR]

Writes OUT/results.json, OUT/results.svg (latency ratio chart) and
OUT/results.md (the table the README shows).
"""
import argparse
import json
import math
import os
import platform
import shutil
import subprocess
import sys
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)
import models as bench_models  # noqa: E402


def say(msg):
    print(f"bench: {msg}", flush=True)


def die(msg):
    print(f"bench: error: {msg}", file=sys.stderr)
    sys.exit(1)


def run_measured(cmd, env=None):
    """Runs cmd; returns (stdout, peak RSS in MiB). Exits on failure."""
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    out, err = p.communicate()
    # The child is reaped by communicate(); its rusage is in RUSAGE_CHILDREN as a
    # maximum over children, so each measured process is run from a fresh helper.
    if p.returncode != 0:
        die(f"{' '.join(cmd)} failed ({p.returncode}):\n{err.strip()}")
    return out


def peak_rss(cmd, env=None):
    """Runs cmd through a tiny Python wrapper that reports the child's own peak
    RSS (ru_maxrss of that one child), so measurements never mix."""
    wrapper = ("import json,os,resource,subprocess,sys;"
               "p=subprocess.run(sys.argv[1:],capture_output=True,text=True);"
               "r=resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss;"
               "print(json.dumps({'rc':p.returncode,'out':p.stdout,'err':p.stderr,'rss_kib':r}))")
    res = json.loads(run_measured([sys.executable, "-c", wrapper] + cmd, env=env))
    if res["rc"] != 0:
        die(f"{' '.join(cmd)} failed ({res['rc']}):\n{res['err'].strip()}")
    return res["out"], res["rss_kib"] / 1024.0


def build_tools(work, dlc):
    cc = shutil.which("cc") or shutil.which("gcc")
    if not cc:
        die("no C compiler (cc) to build the FMA peak loop and the runner")
    build = os.path.dirname(os.path.dirname(os.path.abspath(dlc)))
    lib = os.path.join(build, "lib")
    if not os.path.exists(os.path.join(lib, "libdlc_runtime.so")):
        die(f"libdlc_runtime.so not found in {lib} (build dlc first: bash scripts/test.sh or cmake --build build)")
    peak = os.path.join(work, "fma_peak")
    runner = os.path.join(work, "runner")
    subprocess.run([cc, "-O2", "-pthread", os.path.join(HERE, "fma_peak.c"), "-o", peak], check=True)
    subprocess.run([cc, "-O2", os.path.join(HERE, "runner.c"), "-I", os.path.join(ROOT, "runtime", "include"),
                    "-L", lib, "-ldlc_runtime", f"-Wl,-rpath,{lib}", "-o", runner], check=True)
    return peak, runner


def fma_peak(peak_bin, threads):
    """The best of three runs per ISA: on a VM a vCPU descheduled during one
    run would otherwise understate the peak."""
    best = None
    for isa in ("avx2", "avx512"):
        for _ in range(3):
            p = subprocess.run([peak_bin, str(threads), isa], capture_output=True, text=True)
            if p.returncode != 0:
                break
            r = json.loads(p.stdout)
            if not best or r["gflops"] > best["gflops"]:
                best = r
    if not best:
        die("the FMA peak loop did not run (no AVX2+FMA?)")
    return best


def prepare_model(name, work):
    import onnx
    path = os.path.join(work, name + ".onnx")
    npz = os.path.join(work, name + ".inputs.npz")
    binp = os.path.join(work, name + ".inputs.bin")
    model, inputs = bench_models.MODELS[name]()
    if not os.path.exists(path):
        onnx.save(model, path)
    np.savez(npz, **inputs)
    with open(binp, "wb") as f:
        for i in model.graph.input:  # the model's input order, as the runtime expects
            f.write(np.ascontiguousarray(inputs[i.name]).tobytes())
    return path, npz, binp, bench_models.flops(model), inputs


def check_outputs(dlc, so, onnx_path, npz, inputs, work, name):
    import onnxruntime as ort
    out = os.path.join(work, name + ".dlc.npz")
    subprocess.run([dlc, "run", so, "--inputs", npz, "-o", out], check=True, capture_output=True)
    got = dict(np.load(out))
    sess = ort.InferenceSession(onnx_path, providers=["CPUExecutionProvider"])
    worst = 0.0
    for o, ref in zip(sess.get_outputs(), sess.run(None, inputs)):
        g = got[o.name]
        if g.shape != ref.shape:
            die(f"{name}: output {o.name} has shape {g.shape}, ONNX Runtime's is {ref.shape}")
        err = float(np.max(np.abs(g - ref) / (np.abs(ref) + 1e-3)))
        worst = max(worst, err)
        if not np.allclose(g, ref, rtol=1e-3, atol=1e-4):
            die(f"{name}: dlc's output {o.name} differs from ONNX Runtime's (max relative error {err:.3g})")
    return worst


# Models whose convs are profiled against the FMA peak: dense convs, where the
# share of peak measures the kernel (MobileNetV2's depthwise convs are bound by
# memory, not FMAs).
CONV_PROFILE_MODELS = ("resnet18", "resnet50")


def kernel_knobs(stderr):
    """Each kernel's knob values from `dlc compile --print-kernels` (a `// knobs: a=1 b=2` line
    before each `kernel kN_Name ...` line)."""
    knobs, pending = {}, {}
    for line in stderr.splitlines():
        if line.startswith("// knobs:"):
            pending = dict(kv.split("=", 1) for kv in line[len("// knobs:"):].split())
        elif line.startswith("kernel "):
            knobs[line.split()[1]] = {k: int(v) for k, v in pending.items()}
            pending = {}
    return knobs


def profile_convs(dlc, so, npz, threads, one_ms, peak, knobs, rounds=3):
    """dlc bench --profile in `rounds` runs of about a second: each conv kernel's median time in
    its best run (as the FMA peak is the best of its runs), its GFLOP/s and their share of `peak`.
    A Winograd conv's FLOPs are the direct conv's (`winograd` is its m, 0 for a direct conv), so
    its GFLOP/s is an effective rate."""
    reps = repeats_for(1.0, one_ms)
    runs = []
    for _ in range(rounds):
        p = subprocess.run([dlc, "bench", so, "--inputs", npz, "--threads", str(threads), "--repeat", str(reps),
                            "--profile", "--json"], capture_output=True, text=True)
        if p.returncode != 0:
            die(f"dlc bench --profile failed:\n{p.stderr.strip()}")
        runs.append({k["name"]: k for k in json.loads(p.stdout)["kernels"] if "Conv" in k["name"] and k["flops"] > 0})
    convs = []
    for name in runs[0]:
        ms = [r[name]["ms"] for r in runs]
        best = min(ms)
        gflops = runs[0][name]["flops"] / 1e9 / (best / 1e3)
        convs.append({"kernel": name, "ms": best, "ms_rounds": ms, "gflops": gflops, "peak_share": gflops / peak,
                      "winograd": knobs.get(name, {}).get("winograd", 0)})
    return {"repeat": reps, "rounds": rounds, "convs": convs}


def repeats_for(seconds, one_ms):
    return int(min(500, max(10, math.ceil(seconds * 1e3 / max(one_ms, 1e-3)))))


def measure(name, dlc, runner, so, onnx_path, npz, binp, threads, seconds, rounds):
    """Times dlc and ORT in `rounds` alternating rounds (dlc, ORT, then ORT, dlc, ...), each a
    fresh process, so a burst of load from elsewhere on the machine hits both engines alike.
    min: the lowest over all rounds; median: the median of the rounds' medians; peak RSS:
    the highest of the rounds'."""
    # A short probe sizes the repeat count so each engine's rounds take about `seconds` in all.
    probe, _ = peak_rss([runner, so, binp, str(threads), "1", "3"])
    reps = max(5, repeats_for(seconds, json.loads(probe)["latency_ms"]["median"]) // rounds)
    dlc_cmd = [runner, so, binp, str(threads), "3", str(reps)]
    ort_cmd = [sys.executable, os.path.join(HERE, "ort_runner.py"), onnx_path, npz, str(threads), "3", str(reps)]
    got = {"dlc": [], "ort": []}
    for i in range(rounds):
        order = [("dlc", dlc_cmd), ("ort", ort_cmd)]
        for key, cmd in (order if i % 2 == 0 else order[::-1]):
            out, rss = peak_rss(cmd)
            got[key].append((json.loads(out)["latency_ms"], rss))

    def summary(runs):
        medians = sorted(r[0]["median"] for r in runs)
        n = len(medians)
        median = medians[n // 2] if n % 2 else (medians[n // 2 - 1] + medians[n // 2]) / 2
        return {"min": min(r[0]["min"] for r in runs), "median": median,
                "mean": sum(r[0]["mean"] for r in runs) / n, "round_medians": [r[0]["median"] for r in runs],
                "peak_rss_mib": max(r[1] for r in runs)}

    return {"repeat": reps, "rounds": rounds, "dlc": summary(got["dlc"]), "ort": summary(got["ort"])}


def svg_chart(results, path):
    """Bars of dlc/ORT median latency ratio per model and thread count (below 1: dlc faster)."""
    rows = [(r["model"], t["threads"], t["ratio_median"]) for r in results["models"] for t in r["runs"]]
    w, bar, gap, left, top = 760, 22, 10, 170, 40
    h = top + len(rows) * (bar + gap) + 40
    vmax = max([1.5] + [x for _, _, x in rows]) * 1.05
    sx = (w - left - 40) / vmax
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" font-family="sans-serif" font-size="12">',
             f'<text x="{left}" y="20" font-size="14">dlc latency / ONNX Runtime latency (median; lower is better)</text>']
    for i, (m, t, x) in enumerate(rows):
        y = top + i * (bar + gap)
        color = "#2a7" if x <= 1.0 else "#d54"
        parts.append(f'<text x="{left - 8}" y="{y + bar * 0.7}" text-anchor="end">{m}, {t} thread{"s" if t > 1 else ""}</text>')
        parts.append(f'<rect x="{left}" y="{y}" width="{x * sx:.1f}" height="{bar}" fill="{color}"/>')
        parts.append(f'<text x="{left + x * sx + 4:.1f}" y="{y + bar * 0.7}">{x:.2f}</text>')
    x1 = left + sx
    parts.append(f'<line x1="{x1:.1f}" y1="{top - 6}" x2="{x1:.1f}" y2="{h - 30}" stroke="#333" stroke-dasharray="4,3"/>')
    parts.append(f'<text x="{x1:.1f}" y="{h - 14}" text-anchor="middle">1.0</text></svg>')
    with open(path, "w") as f:
        f.write("\n".join(parts) + "\n")


def markdown(results):
    lines = ["| model | threads | dlc min / median ms | ORT min / median ms | dlc / ORT | dlc GFLOP/s (% of peak) "
             "| ORT GFLOP/s (% of peak) | peak RSS dlc / ORT MiB |",
             "|---|---|---|---|---|---|---|---|"]
    for r in results["models"]:
        for t in r["runs"]:
            d, o = t["dlc"], t["ort"]
            lines.append(f"| {r['model']} | {t['threads']} | {d['min']:.2f} / {d['median']:.2f} | "
                         f"{o['min']:.2f} / {o['median']:.2f} | **{t['ratio_median']:.2f}** | "
                         f"{d['gflops']:.1f} ({100 * d['peak_share']:.0f}%) | {o['gflops']:.1f} ({100 * o['peak_share']:.0f}%) | "
                         f"{d['peak_rss_mib']:.0f} / {o['peak_rss_mib']:.0f} |")
    conv_lines = []
    for r in results["models"]:
        for t in r["runs"]:
            convs = t.get("dlc_profile", {}).get("convs", [])
            if not convs:
                continue
            direct = [c for c in convs if not c.get("winograd")]
            wino = [c for c in convs if c.get("winograd")]
            row = f"| {r['model']} | {t['threads']} | {len(convs)} |"
            if direct:
                low = min(direct, key=lambda c: c["peak_share"])
                n75 = sum(c["peak_share"] >= 0.75 for c in direct)
                row += f" {n75} of {len(direct)} | {100 * low['peak_share']:.0f}% ({low['kernel']}) |"
            else:
                row += " none | - |"
            if wino:
                lo = min(wino, key=lambda c: c["peak_share"])
                hi = max(wino, key=lambda c: c["peak_share"])
                row += (f" {len(wino)}: {100 * lo['peak_share']:.0f}% ({lo['kernel']}) to "
                        f"{100 * hi['peak_share']:.0f}% ({hi['kernel']}) |")
            else:
                row += " none |"
            conv_lines.append(row)
    peaks = ", ".join(f"{p['threads']} thread{'s' if p['threads'] > 1 else ''}: {p['gflops']:.1f} GFLOP/s ({p['isa']})"
                      for p in results["fma_peak"])
    lines.append("")
    lines.append(f"Measured FMA peak: {peaks}. ORT's process includes the Python interpreter with numpy and "
                 f"onnxruntime imported ({results['ort_baseline_rss_mib']:.0f} MiB on its own).")
    if conv_lines:
        lines += ["", "dlc's convolution kernels (`dlc bench --profile`, each kernel's median time, best of three "
                  "runs) against the same FMA peak. A Winograd conv (the 3x3 stride-1 convs of the larger "
                  "images, F(4x4, 3x3) or F(2x2, 3x3)) does 2.25-4x fewer multiply-adds than the direct conv; "
                  "its rate counts the direct conv's FLOPs, an effective rate, and can exceed 100%.", "",
                  "| model | threads | convs | direct convs at >= 75% of peak | lowest direct | "
                  "Winograd convs, effective share of peak |", "|---|---|---|---|---|---|"]
        lines += conv_lines
    return "\n".join(lines) + "\n"


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--models", default=",".join(bench_models.MODELS))
    ap.add_argument("--threads", default="1,2")
    ap.add_argument("--seconds", type=float, default=5.0, help="target time per engine and thread count")
    ap.add_argument("--rounds", type=int, default=5, help="alternating dlc/ORT rounds per measurement")
    ap.add_argument("--out", default=os.path.join(HERE, "results"))
    ap.add_argument("--dlc", default=os.path.join(ROOT, "build", "bin", "dlc"))
    ap.add_argument("--work", default=os.path.join(os.environ.get("TMPDIR", "/tmp"), "dlc-bench"))
    args = ap.parse_args()
    names = [m for m in args.models.split(",") if m]
    for m in names:
        if m not in bench_models.MODELS:
            die(f"unknown model '{m}' (known: {', '.join(bench_models.MODELS)})")
    try:
        threads = [int(t) for t in args.threads.split(",")]
    except ValueError:
        die(f"bad --threads '{args.threads}' (want e.g. 1,2)")
    if args.rounds < 1:
        die(f"bad --rounds {args.rounds} (want 1 or more)")
    if not os.access(args.dlc, os.X_OK):
        die(f"{args.dlc} not found: build dlc first (bash scripts/test.sh, or cmake --build build)")
    os.makedirs(args.work, exist_ok=True)
    os.makedirs(args.out, exist_ok=True)
    peak_bin, runner = build_tools(args.work, args.dlc)

    import onnxruntime
    results = {"machine": {"cpu": cpu_name(), "cores": os.cpu_count(), "platform": platform.platform()},
               "onnxruntime": onnxruntime.__version__, "date": time.strftime("%Y-%m-%d %H:%M:%S"),
               "fma_peak": [], "models": []}
    for t in threads:
        p = fma_peak(peak_bin, t)
        results["fma_peak"].append(p)
        say(f"FMA peak, {t} thread(s): {p['gflops']:.1f} GFLOP/s ({p['isa']})")
    peak_of = {p["threads"]: p["gflops"] for p in results["fma_peak"]}
    _, base = peak_rss([sys.executable, os.path.join(HERE, "ort_runner.py"), "--baseline"])
    results["ort_baseline_rss_mib"] = base

    for name in names:
        say(f"{name}: building the model")
        onnx_path, npz, binp, flops, inputs = prepare_model(name, args.work)
        so = os.path.join(args.work, name + ".so")
        t0 = time.time()
        p = subprocess.run([args.dlc, "compile", onnx_path, "--target=x86", "-O3", "-o", so],
                           capture_output=True, text=True)
        if p.returncode != 0:
            die(f"{name}: dlc compile failed:\n{p.stderr.strip()}")
        compile_s = time.time() - t0
        # The kernels' knob values (which convs run Winograd), from a second, untimed compile.
        p = subprocess.run([args.dlc, "compile", onnx_path, "--target=x86", "-O3", "-o",
                            os.path.join(args.work, name + ".kernels.so"), "--print-kernels"],
                           capture_output=True, text=True)
        if p.returncode != 0:
            die(f"{name}: dlc compile --print-kernels failed:\n{p.stderr.strip()}")
        knobs = kernel_knobs(p.stderr)
        err = check_outputs(args.dlc, so, onnx_path, npz, inputs, args.work, name)
        say(f"{name}: {flops / 1e9:.2f} GFLOP, compiled in {compile_s:.1f} s, outputs match ONNX Runtime "
            f"(max relative error {err:.2g})")
        entry = {"model": name, "gflop": flops / 1e9, "compile_seconds": compile_s, "max_rel_error": err, "runs": []}
        for t in threads:
            r = measure(name, args.dlc, runner, so, onnx_path, npz, binp, t, args.seconds, args.rounds)
            for k in ("dlc", "ort"):
                r[k]["gflops"] = flops / 1e9 / (r[k]["median"] / 1e3)
                r[k]["peak_share"] = r[k]["gflops"] / peak_of[t]
            r["threads"] = t
            r["ratio_median"] = r["dlc"]["median"] / r["ort"]["median"]
            r["ratio_min"] = r["dlc"]["min"] / r["ort"]["min"]
            if name in CONV_PROFILE_MODELS:
                r["dlc_profile"] = profile_convs(args.dlc, so, npz, t, r["dlc"]["median"], peak_of[t], knobs)
            entry["runs"].append(r)
            say(f"{name}, {t} thread(s): dlc {r['dlc']['median']:.2f} ms, ORT {r['ort']['median']:.2f} ms, "
                f"dlc/ORT {r['ratio_median']:.2f}; peak RSS dlc {r['dlc']['peak_rss_mib']:.0f} MiB, "
                f"ORT {r['ort']['peak_rss_mib']:.0f} MiB ({r['rounds']} rounds of {r['repeat']} runs each)")
        results["models"].append(entry)

    with open(os.path.join(args.out, "results.json"), "w") as f:
        json.dump(results, f, indent=1)
    svg_chart(results, os.path.join(args.out, "results.svg"))
    md = markdown(results)
    with open(os.path.join(args.out, "results.md"), "w") as f:
        f.write(md)
    print()
    print(md)
    say(f"wrote {args.out}/results.json, results.svg, results.md")


def cpu_name():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor()


if __name__ == "__main__":
    main()
