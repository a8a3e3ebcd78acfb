#!/usr/bin/python3
"""reload-node processes across the NAT rig (issue 15), as root: an overlay whose document
does not say <no-ice> and whose link protocol is DTLS, one node on the rig's internet ("pub")
and two behind separate NATs ("left" and "right"). Two rigs, one after the other:

  - srflx: both NATs masquerade (port-restricted), every node has the rig's STUN server;
  - relay: both NATs symmetric, every node has the rig's TURN server only (a symmetric NAT
    gives each destination its own port, so only a relayed candidate can work).

In each, pub and right run as peers answering AppAttaches for application 5222 with an echo
(--app-echo); left joins through pub (a DTLS-UDP-SR-NO-ICE bootstrap link, out through its
NAT), and then AppAttaches to right once (--app-attach): 64 KiB must come back intact. The
links left and right set up to each other with ICE and the AppAttach must use a candidate of
the rig's kind (server-reflexive, or relayed); the set-up times and pair types are printed.
libnice reports a pair's local side by its base, so one end may say "host" for its srflx.

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
XMPP = "5222"
LINK = re.compile(r"^\S+ (\w{8}) DTLS-UDP-SR link to (\w{8}) set up in ([0-9.]+) ms as the (\w+) \((\w+) to (\w+)\)")
APP = re.compile(r"^app-attach (\w{8}) application \d+: stream in ([0-9.]+) ms \((\w+) to (\w+)\)")


def fail(msg, logs=None):
    print("FAIL:", msg)
    for name, path in (logs or {}).items():
        print(f"--- {name} ---")
        print("".join(open(path).readlines()[-40:]))
    sys.exit(1)


def links_in(logs, ids):
    """(node, peer) -> (ms, role, local type, remote type) from the nodes' DTLS-UDP-SR lines."""
    found = {}
    for n, path in logs.items():
        for line in open(path):
            m = LINK.match(line)
            if m and m.group(1) == ids.get(n):
                peer = next((p for p, i in ids.items() if i == m.group(2)), m.group(2))
                found[(n, peer)] = (float(m.group(3)), m.group(4), m.group(5), m.group(6))
    return found


def scenario(name, nat_kind, servers, want, work, node_bin, full_ids):
    ids = {n: i[:8] for n, i in full_ids.items()}
    from nat_rig import NatRig  # noqa: E402 (it refuses to load without root)
    logs = {n: os.path.join(work, f"{name}-{n}.log") for n in ("pub", "right", "left")}
    with NatRig(nats={"n1": nat_kind, "n2": nat_kind}, hosts={"pub": "public", "left": "n1", "right": "n2"},
                tag=f"natov{os.getpid() % 10000}{name[0]}") as nat:
        print(f"== {name}: two {nat_kind} NATs, {' '.join(servers[::2])}")
        print(nat.describe())

        def node(n, *extra, **kw):
            return nat.popen(n, node_bin, "--config", "unused: the state directory has it", "--state-dir",
                             os.path.join(work, n), *servers, *extra, stdout=kw.get("stdout", open(logs[n], "w")),
                             stderr=kw.get("stderr", subprocess.STDOUT), text=True)

        node("pub", "--listen", f"{nat.addresses['pub']}:{PORT}", "--create", "--app-echo", XMPP)
        time.sleep(1)
        node("right", "--listen", f"{nat.addresses['right']}:0", "--bootstrap", f"{nat.addresses['pub']}:{PORT}",
             "--app-echo", XMPP)
        time.sleep(2)
        left = node("left", "--listen", f"{nat.addresses['left']}:0", "--bootstrap", f"{nat.addresses['pub']}:{PORT}",
                    "--app-attach", full_ids["right"], "--log-level", "info",
                    stdout=subprocess.PIPE, stderr=open(logs["left"], "w"))
        try:
            out, _ = left.communicate(timeout=90)
        except subprocess.TimeoutExpired:
            left.kill()
            fail(f"{name}: left's AppAttach run did not end within 90 s", logs)
        if left.returncode != 0:
            fail(f"{name}: left's AppAttach run failed (exit {left.returncode}): {out.strip()}", logs)
        app = APP.match(out.strip())
        if not app:
            fail(f"{name}: no AppAttach result line in left's output: {out.strip()!r}", logs)
        print(f"left -> right: {out.strip()}")
        for n, what in (("left", "AppAttach to"), ("right", "AppAttach from")):
            for line in open(logs[n]):
                if what in line:
                    print(f"  {n}: {what}", line.split(what, 1)[1].strip())

        links = links_in(logs, ids)
        for (a, b), (ms, role, local, remote) in sorted(links.items()):
            print(f"{a} -> {b}: DTLS-UDP-SR over ICE in {ms:.1f} ms as the {role}, {local} to {remote}")
        ends = [links[k] for k in (("left", "right"), ("right", "left")) if k in links]
        if not ends:
            fail(f"{name}: no DTLS-UDP-SR link between the two nodes behind NATs", logs)
        if not any(want in (local, remote) for _, _, local, remote in ends):
            fail(f"{name}: the link between the NATs runs {ends[0][2]} to {ends[0][3]}: no {want} candidate", logs)
        if want not in (app.group(3), app.group(4)):
            fail(f"{name}: the AppAttach stream runs {app.group(3)} to {app.group(4)}: no {want} candidate", logs)
        for n in ("pub", "right"):
            for line in open(logs[n]):
                if "TLS-TCP" in line:
                    fail(f"{name}: {n} logged a TCP link: {line.strip()}", logs)


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
    from nat_rig import STUN_ADDRESS, TURN_ADDRESS, TURN_USER, TURN_PASSWORD  # noqa: E402
    with tempfile.TemporaryDirectory() as work:
        rig = Rig(server_bin, None, work)
        rig.use_ice()
        names = ("pub", "left", "right")
        try:
            for n in names:
                rig.add_user(n, PASSWORD)
            rig.start_server()
            full_ids = {}
            for n in names:
                r = subprocess.run([enroll_bin, rig.url + "/.well-known/reload-config", rig.ca_file, n, PASSWORD,
                                    os.path.join(work, n)], capture_output=True, text=True, timeout=60)
                if r.returncode != 0:
                    fail(f"enrolling {n}: {r.stdout}{r.stderr}")
                full_ids[n] = r.stdout.split()[1]
        finally:
            rig.close()
        turn_password = os.path.join(work, "turn-password")
        open(turn_password, "w").write(TURN_PASSWORD + "\n")
        scenario("srflx", "masquerade", ["--stun", f"{STUN_ADDRESS}:3478"], "srflx", work, node_bin, full_ids)
        scenario("relay", "symmetric", ["--turn", f"{TURN_ADDRESS}:3478", "--turn-user", TURN_USER,
                                        "--turn-password-file", turn_password], "relay", work, node_bin, full_ids)
        print("PASS")


if __name__ == "__main__":
    main()
