#!/usr/bin/python3
"""reload-node processes across the NAT rig (issue 15), as root: an overlay whose document
does not say <no-ice>, one node on the rig's internet and two behind separate NATs (one
masquerade, one full-cone), each given the rig's STUN server. The two behind NATs join
through the public one over TLS/TCP; their Attach to each other must run ICE and give a
DTLS-UDP-SR link through a server-reflexive candidate (no host pair can work between two
NATs; libnice reports the local side of a pair by its base, so one side says "host to srflx").
The set-up times and pair types each node logs are printed.

Two masquerade NATs (both port-restricted) do not work yet: the checks fail on both sides
(docs/benchmarks.md, "Attach and AppAttach over ICE through the overlay").

The nodes enroll first, in the root namespace, from a real enrollment server on 127.0.0.1;
in the rig they start from their state directories and contact no server.

Usage: nat_overlay_test.py RELOAD_ENROLL_SERVER RELOAD_NODE ENROLL_CLIENT
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.join(HERE, "..", "..")
sys.path.insert(0, os.path.join(ROOT, "tools", "lib"))
sys.path.insert(0, HERE)
from rig import Rig  # noqa: E402

PASSWORD = "nat-overlay-pw"
PORT = 6084
LINK = re.compile(r"^\S+ (\w{8}) DTLS-UDP-SR link to (\w{8}) set up in ([0-9.]+) ms as the (\w+) \((\w+) to (\w+)\)")


def fail(msg, logs=None):
    print("FAIL:", msg)
    for name, path in (logs or {}).items():
        print(f"--- {name} ---")
        print("".join(open(path).readlines()[-40:]))
    sys.exit(1)


def main():
    server_bin, node_bin, enroll_bin = sys.argv[1:4]
    if os.geteuid() != 0 or not shutil.which("ip") or not shutil.which("turnserver"):
        print("skipped: the NAT rig needs root, iproute2 and coturn")
        sys.exit(77)
    trial = subprocess.run(["ip", "netns", "add", f"nat-overlay-test-{os.getpid()}"], capture_output=True, text=True)
    if trial.returncode != 0:
        print(f"skipped: this machine cannot make network namespaces ({trial.stderr.strip()})")
        sys.exit(77)
    subprocess.run(["ip", "netns", "del", f"nat-overlay-test-{os.getpid()}"], check=True)
    from nat_rig import NatRig, STUN_ADDRESS  # noqa: E402 (it refuses to load without root)
    with tempfile.TemporaryDirectory() as work:
        rig = Rig(server_bin, None, work)
        rig.use_ice()
        names = ("pub", "left", "right")
        try:
            for n in names:
                rig.add_user(n, PASSWORD)
            rig.start_server()
            ids = {}
            for n in names:
                r = subprocess.run([enroll_bin, rig.url + "/.well-known/reload-config", rig.ca_file, n, PASSWORD,
                                    os.path.join(work, n)], capture_output=True, text=True, timeout=60)
                if r.returncode != 0:
                    fail(f"enrolling {n}: {r.stdout}{r.stderr}")
                ids[n] = r.stdout.split()[1][:8]
        finally:
            rig.close()

        logs = {n: os.path.join(work, n + ".log") for n in names}
        with NatRig(nats={"n1": "masquerade", "n2": "full-cone"},
                    hosts={"pub": "public", "left": "n1", "right": "n2"}) as nat:
            print(nat.describe())
            stun = f"{STUN_ADDRESS}:3478"

            def start(n, *extra):
                return nat.popen(n, node_bin, "--config", "unused: the state directory has it", "--state-dir",
                                 os.path.join(work, n), "--stun", stun, *extra,
                                 stdout=open(logs[n], "w"), stderr=subprocess.STDOUT)

            start("pub", "--listen", f"{nat.addresses['pub']}:{PORT}", "--create")
            time.sleep(1)
            for n in ("left", "right"):
                start(n, "--listen", f"{nat.addresses[n]}:0", "--bootstrap", f"{nat.addresses['pub']}:{PORT}")

            links = {}
            deadline = time.time() + 60
            while time.time() < deadline and not (("left", "right") in links or ("right", "left") in links):
                time.sleep(0.5)
                for n in names:
                    for line in open(logs[n]):
                        m = LINK.match(line)
                        if m and m.group(1) == ids[n]:
                            peer = next((p for p, i in ids.items() if i == m.group(2)), m.group(2))
                            links[(n, peer)] = (float(m.group(3)), m.group(4), m.group(5), m.group(6))
            for (a, b), (ms, role, local, remote) in sorted(links.items()):
                print(f"{a} -> {b}: DTLS-UDP-SR over ICE in {ms:.1f} ms as the {role}, {local} to {remote}")
            pair = links.get(("left", "right")) or links.get(("right", "left"))
            if not pair:
                fail("no DTLS-UDP-SR link between the two nodes behind NATs within 60 s", logs)
            ends = [links[k] for k in (("left", "right"), ("right", "left")) if k in links]
            if not any("srflx" in (local, remote) for _, _, local, remote in ends):
                fail(f"the link between the NATs runs {pair[2]} to {pair[3]}: no server-reflexive candidate", logs)
        print("PASS")


if __name__ == "__main__":
    main()
