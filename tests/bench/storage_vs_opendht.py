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

Usage: storage_vs_opendht.py BUILD_DIR [NODES] [OPS]
"""
import os
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "integration"))
from rig import Rig, wait_for, free_port  # noqa: E402

NETWORK_ID = 5222
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


def run_reload(build, nodes, ops, work):
    server = os.path.join(build, "tools/reload-enroll-server/reload-enroll-server")
    node_bin = os.path.join(build, "tools/reload-node/reload-node")
    client = os.path.join(build, "tests/bench/storage_bench_client")
    rig = Rig(server, node_bin, work, update_interval=30)
    # As many NODE-MULTIPLE indexes as the client stores values: a holder checks a Store by
    # hashing the storer's Node-ID with every index up to the one that matches.
    rig.add_node_multiple_kinds(((4000001, "SINGLE"),), max_node_multiple=ops, max_count=1)
    names = [f"n{i:03}" for i in range(nodes)]
    try:
        for n in names + ["bench"]:
            rig.add_user(n, "pw")
        rig.start_server()
        rig.start_node(names[0], "pw", bootstrap=False)
        wait_for(lambda: rig.status(names[0]).get("state") == "joined", 30, "the first node")
        for n in names[1:]:
            rig.start_node(n, "pw")
            time.sleep(0.1)
        t0 = time.time()
        wait_for(lambda: rig.ring_consistent(names), 300, f"a consistent ring of {nodes}")
        print(f"reload: {nodes} reload-node processes, ring consistent {time.time() - t0:.1f} s after the last start")
        r = subprocess.run([client, rig.url + "/.well-known/reload-config", rig.ca_file, "bench", "pw",
                            os.path.join(work, "bench"), f"127.0.0.1:{rig.bootstrap_port}", str(ops)],
                           capture_output=True, text=True, timeout=1200)
        if r.returncode != 0:
            raise SystemExit(f"storage_bench_client failed: {r.stderr.strip()}")
        out = {}
        for line in r.stdout.splitlines():
            f = line.split()
            kv = dict(x.split("=") for x in f[2:])
            out[f[1]] = (int(kv["ok"]), float(kv["p50_ms"]), float(kv["p90_ms"]), float(kv["p99_ms"]))
        mem = [rss_kib(rig.nodes[n][0].pid) for n in names]
        return out, (statistics.mean(m[0] for m in mem), statistics.mean(m[1] for m in mem))
    finally:
        rig.close()


def run_opendht(nodes, ops):
    import opendht as dht
    procs = []
    ports = [free_port() for _ in range(nodes)]
    try:
        for i, port in enumerate(ports):
            cmd = ["dhtnode", "-s", "-n", str(NETWORK_ID), "-p", str(port)]
            if i:
                cmd += ["-b", f"127.0.0.1:{ports[0]}"]
            procs.append(subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                          stderr=subprocess.DEVNULL))
            time.sleep(0.05)
        time.sleep(10)  # let the routing tables fill
        config = dht.DhtConfig()
        config.setNetwork(NETWORK_ID)
        runner = dht.DhtRunner()
        runner.run(port=free_port(), config=config)
        runner.bootstrap("127.0.0.1", str(ports[0]))
        time.sleep(5)
        import random
        rnd = random.Random(7)
        keys = [dht.InfoHash.get(f"bench-{i}") for i in range(ops)]
        values = [bytes(rnd.getrandbits(8) for _ in range(100)) for _ in range(ops)]
        put_ms, get_ms = [], []
        for k, v in zip(keys, values):
            t0 = time.perf_counter()
            ok = runner.put(k, dht.Value(v))
            if ok:
                put_ms.append((time.perf_counter() - t0) * 1000)
        for k, v in zip(keys, values):
            t0 = time.perf_counter()
            got = runner.get(k)
            if any(bytes(x.data) == v for x in got):
                get_ms.append((time.perf_counter() - t0) * 1000)
        dead = [p for p in procs if p.poll() is not None]
        if dead:
            codes = sorted({p.returncode for p in dead})
            print(f"opendht: {len(dead)} of {nodes} dhtnode processes exited during the run (exit codes {codes}); "
                  "memory is the mean of the others")
        mem = [rss_kib(p.pid) for p in procs if p.poll() is None]
        runner.join()
        return ({"store": (len(put_ms), *quantiles(put_ms)), "fetch": (len(get_ms), *quantiles(get_ms))},
                (statistics.mean(m[0] for m in mem), statistics.mean(m[1] for m in mem)))
    finally:
        for p in procs:
            p.terminate()
        for p in procs:
            try:
                p.wait(timeout=10)
            except subprocess.TimeoutExpired:
                p.kill()


def main():
    if os.environ.get("IN_BENCH_NETNS") != "1":
        ensure_tools()
        os.execvp("unshare", ["unshare", "-n", "env", "IN_BENCH_NETNS=1", sys.executable, *sys.argv])
    subprocess.run(["ip", "link", "set", "lo", "up"], check=True)
    build = sys.argv[1]
    nodes = int(sys.argv[2]) if len(sys.argv) > 2 else 100
    ops = int(sys.argv[3]) if len(sys.argv) > 3 else 500
    with tempfile.TemporaryDirectory() as work:
        reload_ops, reload_rss = run_reload(build, nodes, ops, work)
    dht_ops, dht_rss = run_opendht(nodes, ops)
    print(f"\n{nodes} nodes each, {ops} operations one at a time, 100-byte values, loopback in a private namespace")
    print(f"{'':24}{'ok':>10}{'p50 ms':>10}{'p90 ms':>10}{'p99 ms':>10}")
    for name, (ok, p50, p90, p99) in (("RELOAD Store", reload_ops["store"]), ("OpenDHT put", dht_ops["store"]),
                                      ("RELOAD Fetch", reload_ops["fetch"]), ("OpenDHT get", dht_ops["fetch"]),
                                      ("Fetch by Resource-ID", reload_ops["fetch-by-resource"])):
        print(f"{name:24}{ok:>6}/{ops:<3}{p50:>10.3f}{p90:>10.3f}{p99:>10.3f}")
    print(f"{'memory per node process':24} RSS: RELOAD {reload_rss[0] / 1024:.1f} MiB, dhtnode {dht_rss[0] / 1024:.1f} MiB;"
          f" PSS: RELOAD {reload_rss[1] / 1024:.1f} MiB, dhtnode {dht_rss[1] / 1024:.1f} MiB")
    rf, df, rr = reload_ops["fetch"], dht_ops["fetch"], reload_ops["fetch-by-resource"]
    print(f"ratios RELOAD/OpenDHT: fetch p50 {rf[1] / df[1]:.3f} (target < 0.333; by Resource-ID alone "
          f"{rr[1] / df[1]:.3f}), fetch p99 {rf[3] / df[3]:.3f} (target < 1; by Resource-ID alone {rr[3] / df[3]:.3f}), "
          f"store p50 {reload_ops['store'][1] / dht_ops['store'][1]:.3f}, RSS {reload_rss[0] / dht_rss[0]:.3f} "
          f"(target < 1), PSS {reload_rss[1] / dht_rss[1]:.3f}; success {rf[0]}/{ops}, {rr[0]}/{ops} and {reload_ops['store'][0]}/{ops} (target 100%)")


if __name__ == "__main__":
    main()
