#!/usr/bin/python3
"""XMPP over the overlay against XMPP through a server, side by side in one run (issue 16's
benchmark), on loopback.

reload-xmpp: an overlay of three reload-node peers (DTLS links over ICE, certificates from
the real enrollment server); romeo and juliet are reload_rtt processes, XMPP devices through
the embedding API (libreload-xmpp). juliet echoes; romeo sends one message (its round trip
includes the lookup, the AppAttach and the stream set-up: "first message"), then COUNT more,
one after another, over the direct TLS stream between the two devices.

Prosody (Debian's prosody, one VirtualHost, c2s over STARTTLS, its own self-signed
certificate): romeo and juliet are strophe_rtt processes, ordinary libstrophe clients. juliet
echoes, romeo sends COUNT messages one after another through the server.

Then, with reload-node processes: mercutio's device is online (reload-node --jid); tybalt's
reload-node --jid is started with a line for mercutio already waiting on its standard input;
the time from that process's start to mercutio printing the line ("start to first message").
And the memory of the device processes (VmRSS, and Pss from smaps_rollup) and of Prosody.

Prints p50, p90 and p99 of both round trips and the ratio of the p50s, ROUNDS times
alternating (default 3), then pooled. Needs root only to install prosody when missing.

With --reload-only, only the reload-xmpp round trips, each round's p50 and mean: for
comparing two builds of libreload-xmpp, alternately, in one hour (the ratio to Prosody
moves as much with Prosody's median as with ours).

Usage: xmpp_vs_prosody.py BUILD_DIR [COUNT] [ROUNDS] [--reload-only]
"""
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "integration"))
from rig import Rig, free_port, wait_for  # noqa: E402


def percentile(values, p):
    s = sorted(values)
    return s[min(len(s) - 1, int(round(p / 100 * (len(s) - 1))))]


def figures(values):
    return {"p50": percentile(values, 50), "p90": percentile(values, 90), "p99": percentile(values, 99), "n": len(values)}


def memory_of(pid):
    """(VmRSS, Pss) in KiB."""
    rss = pss = 0
    for line in open(f"/proc/{pid}/status"):
        if line.startswith("VmRSS:"):
            rss = int(line.split()[1])
    try:
        for line in open(f"/proc/{pid}/smaps_rollup"):
            if line.startswith("Pss:"):
                pss = int(line.split()[1])
    except OSError:
        pass
    return rss, pss


class Lines:
    """A process's stdout read on a thread, each line with the monotonic time it arrived."""

    def __init__(self, proc):
        self.proc, self.lines = proc, []
        self.thread = threading.Thread(target=self._read, daemon=True)
        self.thread.start()

    def _read(self):
        for line in self.proc.stdout:
            self.lines.append((time.monotonic(), line.rstrip("\n")))

    def first(self, predicate):
        for t, line in list(self.lines):
            if predicate(line):
                return t, line
        return None

    def wait(self, predicate, timeout, what):
        wait_for(lambda: self.first(predicate) is not None, timeout, what)
        return self.first(predicate)


def ensure_prosody():
    if shutil.which("prosody") and shutil.which("prosodyctl"):
        return
    if os.geteuid() != 0:
        sys.exit("prosody is missing: apt-get install prosody (or run as root)")
    subprocess.run(["apt-get", "install", "-y", "-q", "--no-install-recommends", "prosody"], check=True,
                   stdout=subprocess.DEVNULL, env=dict(os.environ, DEBIAN_FRONTEND="noninteractive"))
    # The package starts a system instance on the standard ports; this benchmark runs its own.
    subprocess.run(["systemctl", "stop", "prosody"], stderr=subprocess.DEVNULL)


def reload_round(build, work, count):
    rig = Rig(os.path.join(build, "tools/reload-enroll-server/reload-enroll-server"),
              os.path.join(build, "tools/reload-node/reload-node"), work, update_interval=3)
    rig.use_ice()
    rtt = os.path.join(build, "tests/bench/reload_rtt")
    env = dict(os.environ, LD_LIBRARY_PATH=os.path.join(build, "src/api"))
    procs = []
    try:
        for n in ("n0", "n1", "n2"):
            rig.add_user(n, "pw")
        for user, address in (("romeo", "romeo@montague.lit"), ("juliet", "juliet@capulet.lit"),
                              ("mercutio", "mercutio@verona.lit"), ("tybalt", "tybalt@capulet.lit")):
            rig.add_user(user, "pw", address)
        rig.start_server()
        rig.start_node("n0", "pw", bootstrap=False)
        wait_for(lambda: rig.status("n0").get("state") == "joined", 20, "the first node")
        for n in ("n1", "n2"):
            rig.start_node(n, "pw")
        wait_for(lambda: rig.ring_consistent(["n0", "n1", "n2"]), 60, "a ring of 3")
        url = rig.url + "/.well-known/reload-config"
        boot = f"127.0.0.1:{rig.bootstrap_port}"

        def device(user, *mode):
            # ECHO_WRAP: a command line the echo device runs under (e.g. "strace -f -c -o FILE").
            wrap = os.environ.get("ECHO_WRAP", "").split() if mode[0] == "echo" else []
            p = subprocess.Popen([*wrap, rtt, url, rig.ca_file, user, "pw", os.path.join(work, user), boot, "bench", *mode],
                                 stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
            procs.append(p)
            return p, Lines(p)

        juliet, juliet_out = device("juliet", "echo")
        juliet_out.wait(lambda l: l == "ready", 60, "juliet's reload_rtt")
        romeo, romeo_out = device("romeo", "ping", "juliet@capulet.lit", str(count))
        romeo.wait(timeout=120)
        out = [l for _, l in romeo_out.lines]
        if "done" not in out:
            sys.exit("reload_rtt ping failed:\n" + "\n".join(out[-20:]))
        first = float(next(l for l in out if l.startswith("first_us")).split()[1])
        rtts = [float(l.split()[1]) for l in out if l.startswith("rtt_us")]
        echo_memory = memory_of(juliet.pid)

        # reload-node --jid: start to the first message at a device already online.
        mercutio = rig.start_node("mercutio", "pw", extra=["--jid", "mercutio@verona.lit/desk"],
                                  stdin=subprocess.PIPE)
        wait_for(lambda: "XMPP device" in open(rig.nodes["mercutio"][2]).read(), 60, "mercutio's device")
        time.sleep(1.0)  # its location stored (a store takes a few ms; a second is ample)
        pw = os.path.join(work, "tybalt.password")
        open(pw, "w").write("pw\n")
        started = time.monotonic()
        tybalt = subprocess.Popen([rig.node_bin, "--config", rig.template, "--ca-file", rig.ca_file, "--user", "tybalt",
                                   "--password-file", pw, "--state-dir", os.path.join(work, "tybalt"),
                                   "--bootstrap", boot, "--jid", "tybalt@capulet.lit/quick", "--log-level", "warning"],
                                  stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, text=True)
        procs.append(tybalt)
        tybalt.stdin.write("mercutio@verona.lit: a plague o' both your houses\n")
        tybalt.stdin.flush()
        log = rig.nodes["mercutio"][2]
        arrived = None
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if "tybalt@capulet.lit/quick: a plague" in open(log).read():
                arrived = time.monotonic()
                break
            time.sleep(0.002)
        start_to_first = (arrived - started) if arrived else None
        device_memory = memory_of(mercutio.pid)
        # The same process enrolled on its first start; a second start reads its state directory.
        tybalt.terminate()
        tybalt.wait(timeout=10)
        started = time.monotonic()
        tybalt = subprocess.Popen(tybalt.args, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
                                  stderr=subprocess.DEVNULL, text=True)
        procs.append(tybalt)
        tybalt.stdin.write("mercutio@verona.lit: again\n")
        tybalt.stdin.flush()
        again = None
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if "tybalt@capulet.lit/quick: again" in open(log).read():
                again = time.monotonic()
                break
            time.sleep(0.002)
        restart_to_first = (again - started) if again else None
        return {"first_us": first, "rtts": rtts, "echo_memory": echo_memory, "device_memory": device_memory,
                "start_to_first": start_to_first, "restart_to_first": restart_to_first}
    finally:
        for p in procs:
            if p.poll() is None:
                p.terminate()
        for p in procs:
            try:
                p.wait(timeout=10)
            except subprocess.TimeoutExpired:
                p.kill()
        rig.close()


def prosody_round(build, work, count):
    port = free_port()
    d = os.path.join(work, "prosody")
    os.makedirs(os.path.join(d, "data"))
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                    "-keyout", os.path.join(d, "bench.key"), "-out", os.path.join(d, "bench.crt"), "-days", "2",
                    "-subj", "/CN=bench.lit", "-addext", "subjectAltName=DNS:bench.lit"],
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    config = os.path.join(d, "prosody.cfg.lua")
    open(config, "w").write(f"""
pidfile = "{d}/prosody.pid"
data_path = "{d}/data"
certificates = "{d}"
run_as_root = true
log = {{ info = "{d}/prosody.log" }}
c2s_ports = {{ {port} }}
c2s_interfaces = {{ "127.0.0.1" }}
s2s_ports = {{ }}
http_ports = {{ }}
https_ports = {{ }}
modules_enabled = {{ "roster", "saslauth", "tls", "disco", "ping", "carbons" }}
modules_disabled = {{ "s2s", "offline", "posix" }}
authentication = "internal_hashed"
c2s_require_encryption = true
allow_registration = false
ssl = {{ key = "{d}/bench.key", certificate = "{d}/bench.crt" }}
VirtualHost "bench.lit"
""")
    for user in ("romeo", "juliet"):
        subprocess.run(["prosodyctl", "--config", config, "register", user, "bench.lit", "pw"], check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    server = subprocess.Popen(["prosody", "--config", config], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    client = os.path.join(build, "tests/bench/strophe_rtt")
    procs = [server]
    try:
        wait_for(lambda: "Activated service 'c2s'" in (open(f"{d}/prosody.log").read()
                                                       if os.path.exists(f"{d}/prosody.log") else ""),
                 30, "prosody")
        juliet = subprocess.Popen([client, "juliet@bench.lit/bench", "pw", str(port), "echo"], stdout=subprocess.PIPE,
                                  stderr=subprocess.STDOUT, text=True)
        procs.append(juliet)
        Lines(juliet).wait(lambda l: l == "ready", 30, "juliet's libstrophe client")
        romeo = subprocess.run([client, "romeo@bench.lit/bench", "pw", str(port), "ping", "juliet@bench.lit/bench",
                                str(count)], capture_output=True, text=True, timeout=300)
        if "done" not in romeo.stdout:
            sys.exit("strophe_rtt ping failed:\n" + romeo.stdout[-2000:] + romeo.stderr[-2000:])
        rtts = [float(l.split()[1]) for l in romeo.stdout.splitlines() if l.startswith("rtt_us")]
        return {"rtts": rtts[1:], "server_memory": memory_of(server.pid)}  # the first one warms up
    finally:
        for p in procs:
            p.terminate()
        for p in procs:
            p.wait(timeout=10)


def reload_only(build, count, rounds):
    for r in range(rounds):
        with tempfile.TemporaryDirectory() as work:
            rtts = reload_round(build, work, count)["rtts"]
        a = figures(rtts)
        print(f"round {r + 1}: reload-xmpp direct stream p50 {a['p50']:.0f} us p90 {a['p90']:.0f} "
              f"p99 {a['p99']:.0f} mean {statistics.mean(rtts):.1f}")


def main():
    args = [a for a in sys.argv[1:] if a != "--reload-only"]
    build = os.path.abspath(args[0])
    count = int(args[1]) if len(args) > 1 else 1000
    rounds = int(args[2]) if len(args) > 2 else 3
    if "--reload-only" in sys.argv:
        return reload_only(build, count, rounds)
    ensure_prosody()
    pooled_reload, pooled_prosody, firsts, starts, restarts = [], [], [], [], []
    for r in range(rounds):
        with tempfile.TemporaryDirectory() as work:
            rel = reload_round(build, work, count)
        with tempfile.TemporaryDirectory() as work:
            pro = prosody_round(build, work, count)
        a, b = figures(rel["rtts"]), figures(pro["rtts"])
        pooled_reload += rel["rtts"]
        pooled_prosody += pro["rtts"]
        firsts.append(rel["first_us"] / 1000)
        starts.append(rel["start_to_first"])
        restarts.append(rel["restart_to_first"])
        print(f"round {r + 1}: reload-xmpp direct stream p50 {a['p50']:.0f} us p90 {a['p90']:.0f} p99 {a['p99']:.0f}; "
              f"Prosody p50 {b['p50']:.0f} us p90 {b['p90']:.0f} p99 {b['p99']:.0f}; "
              f"p50 ratio {b['p50'] / a['p50']:.2f}")
        print(f"  first message (lookup, AppAttach, stream, echo) {rel['first_us'] / 1000:.1f} ms; "
              f"reload-node --jid start to first message delivered: "
              f"{rel['start_to_first'] * 1000 if rel['start_to_first'] else float('nan'):.0f} ms (enrolling), "
              f"{rel['restart_to_first'] * 1000 if rel['restart_to_first'] else float('nan'):.0f} ms (state directory)")
        print(f"  memory (VmRSS / Pss KiB): reload-node --jid device {rel['device_memory'][0]} / {rel['device_memory'][1]}, "
              f"reload_rtt echo device {rel['echo_memory'][0]} / {rel['echo_memory'][1]}, "
              f"prosody server {pro['server_memory'][0]} / {pro['server_memory'][1]}")
    a, b = figures(pooled_reload), figures(pooled_prosody)
    print(f"pooled over {rounds} rounds of {count}: reload-xmpp p50 {a['p50']:.0f} us p90 {a['p90']:.0f} "
          f"p99 {a['p99']:.0f}; Prosody p50 {b['p50']:.0f} us p90 {b['p90']:.0f} p99 {b['p99']:.0f}; "
          f"Prosody/reload-xmpp p50 {b['p50'] / a['p50']:.2f}, p99 {b['p99'] / a['p99']:.2f}")
    ok_starts = [s for s in starts + restarts if s is not None]
    print(f"start to first message: max {max(ok_starts) * 1000:.0f} ms over {len(ok_starts)} starts"
          if ok_starts else "start to first message: never delivered")
    target = b["p50"] / a["p50"] >= 4 and len(ok_starts) == 2 * rounds and max(ok_starts) < 1.0
    print("targets (p50 under a quarter of Prosody's; first message within 1 s of start):",
          "met" if target else "NOT met")


if __name__ == "__main__":
    main()
