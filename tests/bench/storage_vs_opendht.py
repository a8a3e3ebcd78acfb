#!/usr/bin/python3
"""Store/Fetch against put/get, side by side in one run (issue 5's benchmark).

A 100-node loopback overlay of reload-node processes (real enrollment, real TLS) against a
100-node OpenDHT network of dhtnode processes with its own network id. For each: OPS
operations one at a time from one client (an extra RELOAD peer, storage_bench_client; an
OpenDHT DhtRunner in this process), latency p50/p90/p99, success rate, and the mean memory
of the node processes after the operations: resident (Rss) and proportional (Pss, shared
library pages divided among the processes mapping them). Then the ratios.

Each get follows its put, and so does each Fetch its Store. OpenDHT's get reuses the search
its put left (Dht::search keeps one per InfoHash, with the nodes found); RELOAD's Fetch names
the peer that answered the Store (node/responsible_cache.hpp). RELOAD's Fetches are also
timed once by Resource-ID alone, with nothing remembered, on the row "Fetch by Resource-ID".

Debian 12's dhtnode (2.4.12) cannot bind to one address (it has no -U), so the whole run
happens in a network namespace of its own, where the only interface is loopback: nothing
leaves the machine. Needs root (unshare -n), dhtnode and python3-opendht (installed when
missing).

ROUNDS rounds (default 3) alternate between the two: each round starts a fresh RELOAD
overlay, measures it and takes it down, then does the same with a fresh OpenDHT network, so
that the machine's drift (other work, thermal state) falls on both alike and only one network
runs at a time (with both up at once, the idle reload-nodes' keepalives slowed OpenDHT's put
and get by about a third). Each side first does WARMUP untimed operations (default 100;
caches, searches and allocators settle), then OPS timed ones. Figures are reported per round
and pooled over all rounds. Before each network goes down every one of its node processes is
accounted for: one that exited is reported with its exit status and the last lines of its
log, and the memory figure is the mean of the others (over the rounds).

Usage: storage_vs_opendht.py BUILD_DIR [NODES] [OPS] [ROUNDS] [WARMUP]
"""
import os
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "integration"))
from rig import Rig, wait_for  # noqa: E402

NETWORK_ID = 5222
DHT_FIRST_PORT = 20000
def ensure_tools():
    missing = [p for p in ("dhtnode", "python3-opendht")
               if subprocess.run(["dpkg-query", "-W", "-f=${Status}", p], capture_output=True, text=True).stdout
               != "install ok installed"]
    if missing:
        subprocess.run(["apt-get", "install", "-y", "-q", "--no-install-recommends", *missing], check=True,
                       env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"})


def rss_kib(pid):
    """Resident memory (VmRSS) and its proportional share (Pss: shared pages divided among
    the processes that map them), in KiB."""
    rss = pss = 0
    for line in open(f"/proc/{pid}/smaps_rollup"):
        if line.startswith("Rss:"):
            rss = int(line.split()[1])
        elif line.startswith("Pss:"):
            pss = int(line.split()[1])
    return rss, pss


def quantiles(ms):
    ms = sorted(ms)
    q = lambda p: ms[min(len(ms) - 1, int(p * len(ms)))] if ms else float("nan")  # noqa: E731
    return q(0.5), q(0.9), q(0.99)


class ReloadSide:
    """NODES reload-node processes in one ring, and a storage_bench_client per round."""

    def __init__(self, build, nodes, ops, warmup, work):
        self.build, self.ops, self.warmup, self.work = build, ops, warmup, work
        server = os.path.join(build, "tools/reload-enroll-server/reload-enroll-server")
        node_bin = os.path.join(build, "tools/reload-node/reload-node")
        self.client = os.path.join(build, "tests/bench/storage_bench_client")
        self.rig = Rig(server, node_bin, work, update_interval=30)
        # As many NODE-MULTIPLE indexes as the client stores values: a holder checks a Store
        # by hashing the storer's Node-ID with every index up to the one that matches.
        self.rig.add_node_multiple_kinds(((4000001, "SINGLE"),), max_node_multiple=ops + warmup, max_count=1)
        self.names = [f"n{i:03}" for i in range(nodes)]
        for n in self.names + ["bench"]:
            self.rig.add_user(n, "pw")
        self.rig.start_server()
        self.rig.start_node(self.names[0], "pw", bootstrap=False)
        wait_for(lambda: self.rig.status(self.names[0]).get("state") == "joined", 30, "the first node")
        for n in self.names[1:]:
            self.rig.start_node(n, "pw")
            time.sleep(0.1)
        t0 = time.time()
        wait_for(lambda: self.rig.ring_consistent(self.names), 300, f"a consistent ring of {nodes}")
        print(f"reload: {nodes} reload-node processes, ring consistent {time.time() - t0:.1f} s after the last start",
              flush=True)

    def round(self, k):
        rig = self.rig
        r = subprocess.run([self.client, rig.url + "/.well-known/reload-config", rig.ca_file, "bench", "pw",
                            os.path.join(self.work, "bench"), f"127.0.0.1:{rig.bootstrap_port}", str(self.ops),
                            str(self.warmup), "0"],
                           capture_output=True, text=True, timeout=1200)
        if r.returncode != 0:
            raise SystemExit(f"storage_bench_client failed: {r.stderr.strip()}")
        out = {}
        for line in r.stdout.splitlines():
            f = line.split()
            kv = dict(x.split("=", 1) for x in f[2:])
            out[f[1]] = [float(x) for x in kv["samples"].split(",") if x]
        return out

    def account(self):
        """(mean Rss, mean Pss) of the live node processes, and a line per process that exited."""
        lost, mem = [], []
        for n in self.names:
            p, _, log = self.rig.nodes[n]
            if p.poll() is None:
                mem.append(rss_kib(p.pid))
            else:
                tail = open(log, errors="replace").read().strip().splitlines()[-3:]
                lost.append(f"reload-node {n} exited with status {p.returncode}: " + " | ".join(tail))
        return mean_memory(mem), lost

    def close(self):
        self.rig.close()


class OpenDhtSide:
    """NODES dhtnode processes (network NETWORK_ID) and a DhtRunner in this process."""

    def __init__(self, nodes, ops, warmup, work):
        import opendht as dht
        self.dht, self.ops, self.warmup = dht, ops, warmup
        self.procs, self.logs = [], []
        # UDP ports of their own below the ephemeral range: in this private namespace nothing
        # else binds UDP, where free_port() (a TCP port free a moment ago) could hand two
        # dhtnodes the same port and one exited with "Can't bind socket".
        ports = [DHT_FIRST_PORT + i for i in range(nodes)]
        self.bootstrap_port = ports[0]
        for i, port in enumerate(ports):
            cmd = ["dhtnode", "-s", "-n", str(NETWORK_ID), "-p", str(port)]
            if i:
                cmd += ["-b", f"127.0.0.1:{ports[0]}"]
            log = os.path.join(work, f"dhtnode-{i:03}.log")
            self.logs.append(log)
            self.procs.append(subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=open(log, "w"),
                                               stderr=subprocess.STDOUT))
            time.sleep(0.05)
        time.sleep(10)  # let the routing tables fill
        print(f"opendht: {nodes} dhtnode processes, 10 s to settle", flush=True)

    def round(self, k):
        """A fresh DhtRunner each round: a runner keeps a search per key it used, and one that
        carried on from round to round got slower each time (get p50 5.6, 13.9, 25.1 ms)."""
        import random
        dht = self.dht
        config = dht.DhtConfig()
        config.setNetwork(NETWORK_ID)
        self.runner = dht.DhtRunner()
        self.runner.run(port=DHT_FIRST_PORT - 1 - k, config=config)
        self.runner.bootstrap("127.0.0.1", str(self.bootstrap_port))
        time.sleep(5)
        rnd = random.Random(7 + k)
        first = k * (self.ops + self.warmup)
        keys = [dht.InfoHash.get(f"bench-{first + i}") for i in range(self.ops + self.warmup)]
        values = [bytes(rnd.getrandbits(8) for _ in range(100)) for _ in keys]

        def put_range(a, b):
            ms = []
            for key, v in zip(keys[a:b], values[a:b]):
                t0 = time.perf_counter()
                if self.runner.put(key, dht.Value(v)):
                    ms.append((time.perf_counter() - t0) * 1000)
            return ms

        def get_range(a, b):
            ms = []
            for key, v in zip(keys[a:b], values[a:b]):
                t0 = time.perf_counter()
                got = self.runner.get(key)
                if any(bytes(x.data) == v for x in got):
                    ms.append((time.perf_counter() - t0) * 1000)
            return ms

        put_range(0, self.warmup)
        get_range(0, self.warmup)
        total = self.warmup + self.ops
        out = {"store": put_range(self.warmup, total), "fetch": get_range(self.warmup, total)}
        self.runner.join()
        return out

    def account(self):
        lost, mem = [], []
        for i, p in enumerate(self.procs):
            if p.poll() is None:
                mem.append(rss_kib(p.pid))
            else:
                tail = open(self.logs[i], errors="replace").read().strip().splitlines()[-3:]
                lost.append(f"dhtnode {i} exited with status {p.returncode}: " + (" | ".join(tail) or "(no output)"))
        return mean_memory(mem), lost

    def close(self):
        for p in self.procs:
            p.terminate()
        for p in self.procs:
            try:
                p.wait(timeout=10)
            except subprocess.TimeoutExpired:
                p.kill()


def mean_memory(mem):
    if not mem:
        return (float("nan"), float("nan"))
    return (statistics.mean(m[0] for m in mem), statistics.mean(m[1] for m in mem))


def measure(start, k, mems, lost):
    """Starts a side's network in a fresh directory, runs round k, accounts for its processes
    (their memory into `mems`, the ones that exited into `lost`) and takes it down."""
    with tempfile.TemporaryDirectory() as work:
        side = start(work)
        try:
            out = side.round(k)
            mem, gone = side.account()
            mems.append(mem)
            lost += gone
            return out
        finally:
            side.close()


def row(name, samples, ops):
    p50, p90, p99 = quantiles(samples)
    return f"{name:24}{len(samples):>6}/{ops:<5}{p50:>10.3f}{p90:>10.3f}{p99:>10.3f}"


def main():
    if os.environ.get("IN_BENCH_NETNS") != "1":
        ensure_tools()
        os.execvp("unshare", ["unshare", "-n", "env", "IN_BENCH_NETNS=1", sys.executable, *sys.argv])
    subprocess.run(["ip", "link", "set", "lo", "up"], check=True)
    build = sys.argv[1]
    nodes = int(sys.argv[2]) if len(sys.argv) > 2 else 100
    ops = int(sys.argv[3]) if len(sys.argv) > 3 else 500
    rounds = int(sys.argv[4]) if len(sys.argv) > 4 else 3
    warmup = int(sys.argv[5]) if len(sys.argv) > 5 else 100
    pooled = {k: [] for k in ("reload store", "reload fetch", "reload fetch-by-resource", "dht store", "dht fetch")}
    per_round, reload_mems, dht_mems, lost = [], [], [], []
    for k in range(rounds):
        r = measure(lambda work: ReloadSide(build, nodes, ops, warmup, work), k, reload_mems, lost)
        d = measure(lambda work: OpenDhtSide(nodes, ops, warmup, work), k, dht_mems, lost)
        for name, samples in (("reload store", r["store"]), ("reload fetch", r["fetch"]),
                              ("reload fetch-by-resource", r["fetch-by-resource"]),
                              ("dht store", d["store"]), ("dht fetch", d["fetch"])):
            pooled[name] += samples
        q = {name: quantiles(s)[0] for name, s in (("rs", r["store"]), ("rf", r["fetch"]), ("rr", r["fetch-by-resource"]),
                                                   ("ds", d["store"]), ("df", d["fetch"]))}
        ok = min(len(r["store"]), len(r["fetch"]), len(d["store"]), len(d["fetch"]))
        per_round.append((q, ok))
        print(f"round {k + 1}: p50 ms: RELOAD Store {q['rs']:.3f}, put {q['ds']:.3f} (ratio {q['rs'] / q['ds']:.3f});"
              f" Fetch {q['rf']:.3f}, by Resource-ID {q['rr']:.3f}, get {q['df']:.3f}"
              f" (ratio {q['rf'] / q['df']:.3f}); fewest successes {ok}/{ops}", flush=True)
    reload_mem = mean_memory(reload_mems)
    dht_mem = mean_memory(dht_mems)
    reload_lost = [x for x in lost if x.startswith("reload-node")]
    dht_lost = [x for x in lost if x.startswith("dhtnode")]
    n = rounds * ops
    print(f"\n{nodes} nodes each, {rounds} rounds of {warmup} untimed and {ops} timed operations one at a time,"
          f" 100-byte values, loopback in a private namespace; pooled over the rounds:")
    print(f"{'':24}{'ok':>12}{'p50 ms':>10}{'p90 ms':>10}{'p99 ms':>10}")
    for label, key in (("RELOAD Store", "reload store"), ("OpenDHT put", "dht store"), ("RELOAD Fetch", "reload fetch"),
                       ("OpenDHT get", "dht fetch"), ("Fetch by Resource-ID", "reload fetch-by-resource")):
        print(row(label, pooled[key], n))
    print(f"{'memory per node process':24} RSS: RELOAD {reload_mem[0] / 1024:.1f} MiB, dhtnode {dht_mem[0] / 1024:.1f} MiB;"
          f" PSS: RELOAD {reload_mem[1] / 1024:.1f} MiB, dhtnode {dht_mem[1] / 1024:.1f} MiB")
    for line in reload_lost + dht_lost:
        print("LOST " + line)
    if not reload_lost and not dht_lost:
        print(f"every process accounted for: all {nodes} reload-node and all {nodes} dhtnode processes ran to the end")
    P = {k: quantiles(v) for k, v in pooled.items()}
    fetch_met = sum(1 for q, _ in per_round if q["rf"] / q["df"] < 1 / 3)
    store_met = sum(1 for q, _ in per_round if q["rs"] / q["ds"] < 1 / 2)
    print(f"ratios RELOAD/OpenDHT, pooled: fetch p50 {P['reload fetch'][0] / P['dht fetch'][0]:.3f} (target < 0.333;"
          f" met in {fetch_met} of {rounds} rounds; by Resource-ID alone"
          f" {P['reload fetch-by-resource'][0] / P['dht fetch'][0]:.3f}), fetch p99"
          f" {P['reload fetch'][2] / P['dht fetch'][2]:.3f} (target < 1), store p50"
          f" {P['reload store'][0] / P['dht store'][0]:.3f} (target < 0.5; met in {store_met} of {rounds} rounds),"
          f" RSS {reload_mem[0] / dht_mem[0]:.3f} (target < 1); success {len(pooled['reload fetch'])}/{n} fetches,"
          f" {len(pooled['reload store'])}/{n} stores (target 100%)")


if __name__ == "__main__":
    main()
