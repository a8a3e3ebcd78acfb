#!/usr/bin/python3
"""Churn without loss in processes (issue 14's proof), a benchmark, not a test: NODES
reload-node processes form a ring through a real enrollment server; a one-shot node stores
VALUES values (NODE-MULTIPLE, its own resources); then half of the nodes are killed with
SIGKILL, one every INTERVAL seconds. The kernel closes a killed process's sockets, so its
peers see the connections end at once; with the word `stop` last the nodes are frozen with
SIGSTOP instead (killed at the end): their sockets stay open and silent, and the peers must
find each failure through the links' 30 s of silence. After the last kill a one-shot node
fetches every value again, round after round, until one round brings back every value byte
for byte; the time from the last kill to that round is the time to the last repair.

    churn_processes.py RELOAD_ENROLL_SERVER RELOAD_NODE [NODES [VALUES [INTERVAL [stop]]]]
"""
import os
import random
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "integration"))
from rig import Rig, wait_for  # noqa: E402

KIND = 4000001
UPDATE_INTERVAL = 10


def one_shot(rig, name, ops, timeout):
    """Runs reload-node once with the given --store/--fetch arguments; (exit code, stdout)."""
    pw = os.path.join(rig.work, name + ".password")
    open(pw, "w").write("pw\n")
    cmd = [rig.node_bin, "--config", rig.template, "--ca-file", rig.ca_file, "--user", name, "--password-file", pw,
           "--state-dir", os.path.join(rig.work, name), "--listen", "127.0.0.1:0",
           "--bootstrap", f"127.0.0.1:{rig.bootstrap_port}", *ops]
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    return r.returncode, r.stdout, r.stderr


def main():
    server_bin, node_bin = sys.argv[1:3]
    nodes = int(sys.argv[3]) if len(sys.argv) > 3 else 100
    values = int(sys.argv[4]) if len(sys.argv) > 4 else 1000
    interval = float(sys.argv[5]) if len(sys.argv) > 5 else 3.0
    freeze = len(sys.argv) > 6 and sys.argv[6] == "stop"
    how = "SIGSTOP (frozen, sockets open)" if freeze else "SIGKILL"
    random.seed(6940)
    with tempfile.TemporaryDirectory() as work:
        rig = Rig(server_bin, node_bin, work, update_interval=UPDATE_INTERVAL)
        rig.add_node_multiple_kinds(((KIND, "SINGLE"),), max_node_multiple=values, max_count=1)
        try:
            names = [f"n{i:03}" for i in range(nodes)]
            for n in names + ["storer", "fetcher"]:
                rig.add_user(n, "pw")
            rig.start_server()
            rig.start_node(names[0], "pw", bootstrap=False)
            wait_for(lambda: rig.status(names[0]).get("state") == "joined", 20, "the first node")
            t0 = time.time()
            for n in names[1:]:
                rig.start_node(n, "pw")
                time.sleep(0.1)
            wait_for(lambda: rig.ring_consistent(names), 300, f"a consistent ring of {nodes}")
            print(f"{nodes} nodes joined; ring consistent {time.time() - t0:.1f} s after the first join")

            expected = {}
            ops = []
            for i in range(values):
                v = f"value-{i}-{random.getrandbits(64):016x}"
                ops += ["--store", f"{KIND}@node-multiple:{i}={v}"]
                expected[i] = v
            ops += ["--lifetime", "3600"]
            t1 = time.time()
            code, out, err = one_shot(rig, "storer", ops, 600)
            assert code == 0, f"the storer failed: {err.strip()}"
            resources = [line.split()[3] for line in out.splitlines() if line.startswith("stored ")]
            assert len(resources) == values, f"{len(resources)} of {values} stores answered"
            by_resource = {r: expected[i] for i, r in enumerate(resources)}
            print(f"{values} values stored by a one-shot node in {time.time() - t1:.1f} s")

            def fetch_round():
                ops = []
                for r in resources:
                    ops += ["--fetch", f"{KIND}@hex:{r}"]
                code, out, err = one_shot(rig, "fetcher", ops, 900)
                assert code in (0, 1), f"the fetcher's command line is wrong: {err.strip()}"
                good = 0
                for line in out.splitlines():
                    f = line.split()
                    if len(f) >= 3 and f[1] in by_resource and f[2] == by_resource[f[1]]:
                        good += 1
                return good, code, err.strip()

            good, code, err = fetch_round()
            print(f"before the kills: {good} of {values} fetched byte for byte")

            victims = random.sample(names[1:], nodes // 2)
            t2 = time.time()
            for v in victims:
                rig.nodes[v][0].send_signal(signal.SIGSTOP if freeze else signal.SIGKILL)
                if not freeze:
                    rig.nodes[v][0].wait(timeout=10)
                time.sleep(interval)
            last_kill = time.time()
            alive = [n for n in names if n not in victims]
            print(f"{len(victims)} nodes stopped with {how}, one every {interval:g} s ({last_kill - t2:.0f} s)")

            rounds = []
            while True:
                good, code, err = fetch_round()
                since = time.time() - last_kill
                rounds.append((since, good, code))
                print(f"  {since:6.1f} s after the last kill: {good} of {values} byte for byte"
                      + (f" (the fetcher stopped: {err})" if code else ""))
                if good == values or since > 900:
                    break
                time.sleep(2)
            print(f"every value fetched again: {rounds[-1][0]:.1f} s after the last kill"
                  f" ({'all' if rounds[-1][1] == values else rounds[-1][1]} of {values} values)")
            try:
                wait_for(lambda: rig.ring_consistent(alive), 300, f"a consistent ring of {len(alive)}")
                print(f"ring of {len(alive)} consistent {time.time() - last_kill:.1f} s after the last kill")
            except AssertionError:
                print(f"ring of {len(alive)} NOT consistent 300 s after the last kill")
            # Links taken out of routing for silence, and those whose acks came back (a peer
            # that was only slow: each such spell reshaped the routing table for nothing).
            quiet = resumed = 0
            for n in alive:
                text = open(rig.nodes[n][2], errors="replace").read()
                quiet += text.count("is quiet: out of routing")
                resumed += text.count("answers again")
            print(f"the {len(alive)} survivors took {quiet} quiet links out of routing; {resumed} came back")
        finally:
            for p in rig.procs:
                if p.poll() is None:
                    p.send_signal(signal.SIGCONT)  # frozen nodes must run to hear SIGTERM
            rig.close()


if __name__ == "__main__":
    main()
