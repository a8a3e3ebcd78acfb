#!/usr/bin/python3
"""The NAT rig (tools/nat-rig) and ICE across it (as root; only the rig's own namespaces and
addresses are contacted):

  - behind each kind of NAT, STUN sees the NAT's public address; masquerade keeps one public
    port for two destinations (endpoint-independent mapping), symmetric does not;
  - two libnice agents (ice_probe) on hosts behind different NATs, their offers relayed
    through this script as an Attach would carry them, connect through server-reflexive
    candidates: behind a masquerade NAT to a public host, to one behind a full-cone NAT, and
    to one behind another masquerade NAT; and through two symmetric NATs, where only a TURN
    relay can work, through a relayed candidate.
  - every namespace the rig made is gone afterwards, after a SIGINT to tools/nat-rig too.

Usage: nat_rig_test.py ICE_PROBE
"""
import os
import re
import signal
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.join(HERE, "..", "..")
sys.path.insert(0, os.path.join(ROOT, "tools", "lib"))
from nat_rig import NatRig, STUN_ADDRESS, TURN_ADDRESS, TURN_USER, TURN_PASSWORD  # noqa: E402

failures = []


def check(ok, what):
    print(("ok   " if ok else "FAIL ") + what, flush=True)
    if not ok:
        failures.append(what)


def rig_namespaces(tag):
    out = subprocess.run(["ip", "netns", "list"], capture_output=True, text=True).stdout
    return [line.split()[0] for line in out.splitlines() if line.startswith(tag + "-")]


# Run in a host's namespace: one UDP socket sends an RFC 5389 Binding request to each server
# given and prints the XOR-MAPPED-ADDRESS each saw, "address:port" a line ("-" for no answer).
# One socket, so that a NAT's mapping for two destinations can be compared.
BINDING_PROBE = r"""
import os, socket, struct, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(2)
for server in sys.argv[1:]:
    tid = os.urandom(12)
    s.sendto(struct.pack("!HHI", 1, 0, 0x2112A442) + tid, (server, 3478))
    try:
        data, _ = s.recvfrom(2048)
    except OSError:
        print("-"); continue
    i, seen = 20, "-"
    while i + 4 <= len(data):
        kind, length = struct.unpack("!HH", data[i:i + 4])
        if kind == 0x0020:
            port = struct.unpack("!H", data[i + 6:i + 8])[0] ^ 0x2112
            addr = struct.unpack("!I", data[i + 8:i + 12])[0] ^ 0x2112A442
            seen = f"{socket.inet_ntoa(struct.pack('!I', addr))}:{port}"
        i += 4 + length + (-length % 4)
    print(seen)
"""


def mapped(rig, host, *servers):
    """What STUN at each server sees of one socket of `host`: [(address, port) or None]."""
    out = rig.run(host, "/usr/bin/python3", "-c", BINDING_PROBE, *servers, capture_output=True, text=True,
                  timeout=20).stdout.split()
    return [None if o == "-" else (o.rsplit(":", 1)[0], int(o.rsplit(":", 1)[1])) for o in out]


def ice_pair(rig, probe, a, b, turn):
    """Runs ice_probe on hosts a (controlling) and b, relays their offers; their outputs."""
    servers = ["-", f"{TURN_ADDRESS}:3478", TURN_USER, TURN_PASSWORD] if turn else [f"{STUN_ADDRESS}:3478"]
    procs = [rig.popen(h, probe, role, *servers, stdin=subprocess.PIPE,
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for h, role in ((a, "controlling"), (b, "controlled"))]
    offers = [p.stdout.readline().strip() for p in procs]
    for p, offer in zip(procs, reversed(offers)):
        p.stdin.write(offer + "\n")
        p.stdin.flush()
    outs = []
    for p in procs:
        try:
            out, err = p.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            p.kill()
            out, err = p.communicate()
        outs.append((p.returncode, out, err))
    return offers, outs


def ready_types(out):
    m = re.search(r"READY local=(\w+) remote=(\w+)", out)
    return (m.group(1), m.group(2)) if m else None


def main():
    if os.geteuid() != 0:
        print("nat_rig_test: needs root (network namespaces); skipped")
        return 77
    trial = subprocess.run(["ip", "netns", "add", f"nat-rig-test-{os.getpid()}"], capture_output=True, text=True)
    if trial.returncode != 0:
        print(f"nat_rig_test: this machine cannot make network namespaces ({trial.stderr.strip()}); skipped")
        return 77
    subprocess.run(["ip", "netns", "del", f"nat-rig-test-{os.getpid()}"], check=True)
    probe = os.path.abspath(sys.argv[1])
    nats = {"a": "masquerade", "b": "masquerade", "c": "full-cone", "s1": "symmetric", "s2": "symmetric"}
    hosts = {"alice": "a", "bob": "b", "carol": "c", "sam": "s1", "sue": "s2", "pub": "public"}
    with NatRig(nats, hosts) as rig:
        tag = rig.tag
        print(rig.describe(), flush=True)
        check(len(rig_namespaces(tag)) == 2 + len(nats) + len(hosts), "one namespace per part of the rig")

        to_stun, to_turn = mapped(rig, "alice", STUN_ADDRESS, TURN_ADDRESS)
        check(to_stun is not None and to_stun[0] == rig.public["a"],
              f"behind masquerade NAT a, STUN sees its public address ({to_stun})")
        check(to_stun is not None and to_stun == to_turn,
              f"masquerade maps one socket to one public port for two destinations ({to_stun}, {to_turn})")
        to_stun, to_turn = mapped(rig, "sam", STUN_ADDRESS, TURN_ADDRESS)
        check(to_stun is not None and to_stun[0] == rig.public["s1"],
              f"behind symmetric NAT s1, STUN sees its public address ({to_stun})")
        check(to_stun is not None and to_turn is not None and to_stun[1] != to_turn[1],
              f"symmetric maps one socket to a new port for each destination ({to_stun}, {to_turn})")
        seen = mapped(rig, "pub", STUN_ADDRESS)[0]
        check(seen is not None and seen[0] == rig.addresses["pub"], f"a public host is seen as itself ({seen})")

        # host covers peer-reflexive too: a public peer learns alice's mapped address from her checks.
        # Server-reflexive candidates from the STUN server, then from a TURN allocation.
        for a, b, turn, want in (("alice", "pub", False, {"srflx", "host"}),
                                 ("alice", "carol", False, {"srflx"}),
                                 ("alice", "carol", True, {"srflx"}),
                                 ("alice", "bob", False, {"srflx"}),
                                 ("sam", "sue", True, {"relay"})):
            t0 = time.time()
            offers, outs = ice_pair(rig, probe, a, b, turn)
            took = time.time() - t0
            types = [ready_types(out) for _, out, _ in outs]
            ok = all(rc == 0 for rc, _, _ in outs) and all("GOT hello" in out for _, out, _ in outs)
            check(ok, f"ICE between {a} ({hosts[a]}) and {b} ({hosts[b]}) connects and carries a datagram each way"
                      f" in {took:.2f} s; pairs {types}")
            if not ok:
                for rc, out, err in outs:
                    print(f"   rc {rc}: {out.strip()} | {err.strip()}")
                continue
            used = {t for pair in types for t in pair}
            check(bool(used & want) and ("relay" in want or "relay" not in used),
                  f"  ... through {sorted(want)} candidates (used: {sorted(used)})")

    check(rig_namespaces(tag) == [], "every namespace is gone after the rig closes")

    # tools/nat-rig removes what it made when interrupted.
    p = subprocess.Popen([os.path.join(ROOT, "tools", "nat-rig"), "--nat", "x=masquerade", "--host", "h=x"],
                         stdout=subprocess.PIPE, text=True)
    tag = None
    deadline = time.time() + 30
    for line in p.stdout:
        m = re.match(r"nat-rig (\S+):", line)
        if m:
            tag = m.group(1)
        if line.startswith("up;") or time.time() > deadline:
            break
    check(tag is not None and len(rig_namespaces(tag)) > 0, "tools/nat-rig builds a rig and says so")
    p.send_signal(signal.SIGINT)
    p.wait(timeout=30)
    check(tag is not None and rig_namespaces(tag) == [], "after Ctrl-C, tools/nat-rig leaves no namespace behind")

    print(f"{len(failures)} failure(s)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
