#!/usr/bin/python3
"""Runs reload-sim over a range of overlay sizes and of churn rates, writes the figures of
every run as CSV, and plots them (gnuplot):

  OUT/hops.csv                one row per size: reload-sim's CSV columns
  OUT/churn.csv               one row per median session time
  OUT/hops_vs_n.png           mean hops (p50 and p99 as a band) against N, with 0.5 log2 N
  OUT/success_vs_session.png  lookup success and maintenance bytes per node per second
                              against the median session time, with Bamboo's published point

The command of every run is printed before it starts, and kept in OUT/commands.txt.

Usage:
  tools/reload-sim/sweep.py [--sim build-sim/tools/reload-sim/reload-sim] [--out sweep-out]
                            [--sizes 300,1000,3000] [--medians 60,120,300,600,1800] ...
  tools/reload-sim/sweep.py --plot-only --out DIR     # plots again from DIR's CSVs

Plots need gnuplot (Debian: apt-get install gnuplot-nox); the script says so and stops
before running anything when it is missing, unless --no-plots.
"""

import argparse
import csv
import os
import shutil
import subprocess
import sys
import tempfile
import threading
from concurrent.futures import ThreadPoolExecutor

LOCK = threading.Lock()

# Rhea, Geels, Roscoe, Kubiatowicz, "Handling Churn in a DHT", USENIX 2004 (UCB/CSD-03-1299):
# Bamboo functions with median sessions of 1.4 minutes using under 900 bytes/s/node of
# maintenance bandwidth, 1,000 nodes on ModelNet.
BAMBOO = (1.4 * 60, 900)

GNUPLOT_MISSING = ("sweep.py: gnuplot not found; install it (Debian 12: apt-get install gnuplot-nox), "
                   "or run with --no-plots for the CSVs alone")


def numbers(text, kind=float):
    return [kind(x) for x in text.split(",") if x.strip()]


def run_one(args, extra, name, log):
    """One reload-sim run; returns its CSV row. Its stderr (--progress lines) goes to
    OUT/NAME.log."""
    csv_path = os.path.join(args.out, name + ".csv")
    cmd = ([] if args.nice is None else ["nice", "-n", str(args.nice)]) + [args.sim] + extra + ["--csv", csv_path]
    line = " ".join(cmd).replace(args.sim, args.sim_shown)
    with LOCK:
        print(line, flush=True)
        log.write(line + "\n")
        log.flush()
    with open(os.path.join(args.out, name + ".log"), "w") as err:
        r = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=err, text=True)
    if r.returncode != 0:
        raise RuntimeError(f"reload-sim failed ({r.returncode}); see {os.path.join(args.out, name + '.log')}")
    with open(csv_path) as f:
        rows = list(csv.DictReader(f))
    os.remove(csv_path)
    return rows[0]


def write_rows(path, rows):
    fields = []
    for r in rows:
        fields += [k for k in r if k not in fields]
    with open(path, "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=fields, restval="")
        w.writeheader()
        w.writerows(rows)


def read_rows(path):
    with open(path) as f:
        return list(csv.DictReader(f))


def plot(out):
    """hops_vs_n.png and success_vs_session.png from OUT's CSVs, through gnuplot."""
    hops_csv, churn_csv = os.path.join(out, "hops.csv"), os.path.join(out, "churn.csv")
    hops = read_rows(hops_csv) if os.path.exists(hops_csv) else []
    churn = read_rows(churn_csv) if os.path.exists(churn_csv) else []
    hops_dat = os.path.join(out, "hops.dat")
    with open(hops_dat, "w") as f:
        f.write("# nodes hops_mean hops_p50 hops_p99 half_log2_n\n")
        for r in hops:
            f.write(f"{r['nodes']} {r['hops_mean']} {r['hops_p50']} {r['hops_p99']} {r['half_log2_n']}\n")
    churn_dat = os.path.join(out, "churn.dat")
    with open(churn_dat, "w") as f:
        f.write("# median_session_s success_rate maintenance_bytes_per_node_s\n")
        for r in churn:
            f.write(f"{r['churn_median_s']} {r['success_rate']} {r['maintenance_bytes_per_node_s']}\n")
    nodes = churn[0].get("nodes", "?") if churn else "?"
    hops_script = f"""
set terminal pngcairo size 900,600 font ",11"
set output '{os.path.join(out, "hops_vs_n.png")}'
set title "reload-sim: hops of a lookup against the overlay's size (Chord, real messages)"
set xlabel "nodes N"
set ylabel "hops"
set yrange [0:*]
set logscale x
set key top left
set grid
plot '{hops_dat}' using 1:3:4 with filledcurves lc rgb "#d0e0f0" title "p50 to p99", \\
     '{hops_dat}' using 1:2 with linespoints lw 2 pt 7 lc rgb "#1f4e99" title "mean", \\
     '{hops_dat}' using 1:5 with lines dt 2 lw 2 lc rgb "#aa3333" title "0.5 log2 N"
"""
    churn_script = f"""
set terminal pngcairo size 900,600 font ",11"
set output '{os.path.join(out, "success_vs_session.png")}'
set title "reload-sim: lookups and maintenance under churn ({nodes} nodes, exponential sessions)"
set xlabel "median session time (s)"
set ylabel "lookup success (correct / finished)"
set y2label "maintenance bytes per node per second"
set ytics nomirror
set y2tics
set yrange [0:1.05]
set y2range [0:*]
set logscale x
set key bottom right
set grid
set label 1 "Bamboo: < 900 B/s/node at 1.4 min (Rhea et al. 2004)" at first {BAMBOO[0]}, second {BAMBOO[1]} offset 1,1
plot '{churn_dat}' using 1:2 axes x1y1 with linespoints lw 2 pt 7 lc rgb "#1f4e99" title "success", \\
     '{churn_dat}' using 1:3 axes x1y2 with linespoints lw 2 pt 5 lc rgb "#2a8a2a" title "maintenance B/node/s", \\
     '-' using 1:2 axes x1y2 with points pt 9 ps 2 lc rgb "#aa3333" title "Bamboo, 1,000 nodes"
{BAMBOO[0]} {BAMBOO[1]}
e
"""
    script = (hops_script if hops else "") + (churn_script if churn else "")
    r = subprocess.run(["gnuplot"], input=script, capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit(f"sweep.py: gnuplot failed: {r.stderr.strip()}")
    pngs = (["hops_vs_n.png"] if hops else []) + (["success_vs_session.png"] if churn else [])
    print("wrote " + " and ".join(os.path.join(out, p) for p in pngs))


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--sim", default="build-sim/tools/reload-sim/reload-sim", help="the reload-sim binary")
    p.add_argument("--out", default="sweep-out", help="directory for the CSVs and PNGs")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--sizes", default="300,1000,3000", help="N of the hops sweep, comma-separated; empty: none")
    p.add_argument("--size-join-rate", type=float, default=5, help="joins per second in the hops sweep")
    p.add_argument("--size-settle", type=float, default=30, help="seconds after the last join in the hops sweep")
    p.add_argument("--progress", type=float, default=0, help="reload-sim --progress for the hops sweep (OUT/size-N.log)")
    p.add_argument("--jobs", type=int, default=1, help="runs at once (largest first)")
    p.add_argument("--medians", default="60,120,300,600,1800",
                   help="median session times (s) of the churn sweep; empty: no churn sweep")
    p.add_argument("--churn-nodes", type=int, default=1000)
    p.add_argument("--churn-join-rate", type=float, default=20)
    p.add_argument("--churn-measure", type=float, default=600, help="window of each churn run, s")
    p.add_argument("--leave-fraction", type=float, default=0)
    p.add_argument("--values", type=int, default=0, help="values stored in the churn runs (values lost reported)")
    p.add_argument("--nice", type=int, default=10, help="niceness of the runs (the machine is shared)")
    p.add_argument("--quick", action="store_true", help="tiny runs: a check of the script, not figures")
    p.add_argument("--no-plots", action="store_true", help="CSVs only")
    p.add_argument("--plot-only", action="store_true", help="plot OUT's CSVs again, run nothing")
    args = p.parse_args()

    if not args.no_plots and shutil.which("gnuplot") is None:
        sys.exit(GNUPLOT_MISSING)
    if args.plot_only:
        plot(args.out)
        return
    if not os.access(args.sim, os.X_OK):
        sys.exit(f"sweep.py: {args.sim} is not an executable reload-sim (meson setup build-sim -Dsimulator=true; "
                 f"ninja -C build-sim tools/reload-sim/reload-sim)")
    if args.quick:
        args.sizes, args.medians, args.churn_nodes, args.churn_measure = "30,60", "30,120", 40, 60
    os.makedirs(args.out, exist_ok=True)
    # A copy of the binary: a rebuild during a long sweep must not change the runs after it.
    frozen = tempfile.TemporaryDirectory()
    args.sim_shown = args.sim
    args.sim = shutil.copy2(args.sim, os.path.join(frozen.name, "reload-sim"))
    sizes, medians = numbers(args.sizes, int), numbers(args.medians)
    jobs = []  # (kind, key, extra), largest first: with --jobs > 1 the longest run starts at once
    for n in sorted(sizes, reverse=True):
        extra = ["--nodes", str(n), "--join-rate", f"{args.size_join_rate:g}", "--seed", str(args.seed)]
        extra += ["--settle", "10", "--measure", "10"] if args.quick else ["--settle", f"{args.size_settle:g}"]
        if args.progress:
            extra += ["--progress", f"{args.progress:g}"]
        jobs.append(("size", n, extra))
    for m in medians:
        extra = ["--nodes", str(args.churn_nodes), "--join-rate", f"{args.churn_join_rate:g}",
                 "--seed", str(args.seed), "--measure", f"{args.churn_measure:g}",
                 "--churn-median", f"{m:g}", "--leave-fraction", f"{args.leave_fraction:g}"]
        if args.quick:
            extra += ["--settle", "10"]
        if args.values:
            extra += ["--values", str(args.values), "--lookups", "fetch"]
        jobs.append(("median", m, extra))
    with open(os.path.join(args.out, "commands.txt"), "w") as log, ThreadPoolExecutor(args.jobs) as pool:
        futures = [(kind, key, pool.submit(run_one, args, extra, f"{kind}-{key:g}", log)) for kind, key, extra in jobs]
        try:
            results = [(kind, key, f.result()) for kind, key, f in futures]
        except RuntimeError as e:
            sys.exit(f"sweep.py: {e}")
    hops = [row for kind, key, row in sorted(r for r in results if r[0] == "size")]
    churn = []
    for kind, key, row in sorted(r for r in results if r[0] == "median"):
        churn.append({"churn_median_s": f"{key:g}", **row})
    written = []
    if hops:
        write_rows(os.path.join(args.out, "hops.csv"), hops)
        written.append("hops.csv")
    if churn:
        write_rows(os.path.join(args.out, "churn.csv"), churn)
        written.append("churn.csv")
    print("wrote " + " and ".join(os.path.join(args.out, w) for w in written))
    if not args.no_plots:
        plot(args.out)

if __name__ == "__main__":
    main()
