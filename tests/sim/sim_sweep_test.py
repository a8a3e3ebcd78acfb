#!/usr/bin/python3
"""tools/reload-sim/sweep.py on tiny runs: one CSV row per size and per median session time,
with reload-sim's figures; the PNGs when gnuplot is installed (skipped, and said so, when it
is not: the plots are not part of the CI image).

Usage: sim_sweep_test.py PATH-TO-sweep.py PATH-TO-reload-sim
"""

import csv
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

SWEEP = SIM = None


def rows(path):
    with open(path) as f:
        return list(csv.DictReader(f))


class SweepTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.dir = tempfile.TemporaryDirectory()
        cls.result = subprocess.run([sys.executable, SWEEP, "--quick", "--no-plots", "--nice", "0", "--sim", SIM,
                                     "--out", cls.dir.name], capture_output=True, text=True, timeout=120)

    @classmethod
    def tearDownClass(cls):
        cls.dir.cleanup()

    def test_csv_per_sweep(self):
        self.assertEqual(self.result.returncode, 0, self.result.stderr)
        hops = rows(os.path.join(self.dir.name, "hops.csv"))
        self.assertEqual([r["nodes"] for r in hops], ["30", "60"])
        for r in hops:
            self.assertEqual(r["success_rate"], "1.0000")
            self.assertGreater(float(r["hops_mean"]), 1)
        churn = rows(os.path.join(self.dir.name, "churn.csv"))
        self.assertEqual([r["churn_median_s"] for r in churn], ["30", "120"])
        # Shorter sessions: more departures, more maintenance.
        self.assertGreater(int(churn[0]["crashes"]), int(churn[1]["crashes"]))
        self.assertGreater(float(churn[0]["maintenance_bytes_per_node_s"]),
                           float(churn[1]["maintenance_bytes_per_node_s"]))
        with open(os.path.join(self.dir.name, "commands.txt")) as f:
            self.assertEqual(len(f.read().splitlines()), 4)

    def test_plots(self):
        if shutil.which("gnuplot") is None:
            self.skipTest("gnuplot is not installed (apt-get install gnuplot-nox): plots not checked")
        r = subprocess.run([sys.executable, SWEEP, "--plot-only", "--out", self.dir.name], capture_output=True,
                           text=True, timeout=60)
        self.assertEqual(r.returncode, 0, r.stderr)
        for name in ("hops_vs_n.png", "success_vs_session.png"):
            with open(os.path.join(self.dir.name, name), "rb") as f:
                self.assertEqual(f.read(8), b"\x89PNG\r\n\x1a\n")


if __name__ == "__main__":
    SIM = sys.argv.pop(2)
    SWEEP = sys.argv.pop(1)
    unittest.main(verbosity=2)
