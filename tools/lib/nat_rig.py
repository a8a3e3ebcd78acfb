"""The NAT rig: overlays across network namespaces and NATs, for operators and tests.

What it builds (root only), every name prefixed with this rig's own tag so that two rigs and
the machine's own interfaces never meet:

  - an "internet" namespace holding a bridge on 203.0.113.0/24 (TEST-NET-3, documentation
    addresses: nothing outside the rig answers them, and nothing is routed off the machine);
  - a STUN/TURN namespace on that bridge where coturn listens, STUN on one address and TURN on
    another (ICE-NOTES.md; but note: whenever an agent has a STUN server and a TURN server,
    on one address or two, libnice 0.1.21 drops the STUN server's Binding response, "Incorrectly
    multiplexed STUN message ignored", and gathering waits 2 s: give agents TURN only, whose
    allocation yields the server-reflexive candidate too);
  - NAT routers, one namespace each, with a WAN address on the bridge and a LAN bridge of
    their own (10.N.0.0/24), of a kind:
      masquerade  iptables MASQUERADE: one public port per inside address and port for every
                  destination (endpoint-independent mapping), replies only from where the
                  packet went (address- and port-dependent filtering: a port-restricted cone);
      full-cone   masquerade, and every inbound UDP packet to the WAN address forwarded to
                  the one host behind it (endpoint-independent filtering; one host only);
      symmetric   MASQUERADE --random-fully: a new public port for every destination
                  (endpoint-dependent mapping), so server-reflexive candidates do not work and
                  only TURN relays do;
  - hosts, one namespace each, on the internet bridge ("public") or behind a NAT.

Everything is removed on exit, after Ctrl-C too (namespaces take their interfaces, bridges,
iptables rules and processes' sockets with them; the processes the rig started are killed;
coturn's log, /tmp/TAG-coturn.log, stays only when RIG_KEEP_LOGS is set).

Two details make relayed and server-reflexive paths work, and each once broke them:
  - The STUN/TURN namespace has a default route (via 203.0.113.1, the internet namespace's
    bridge, which forwards nothing: what goes there vanishes, as packets to private addresses
    vanish on the real internet). Without it, the first check libnice relays to a peer's
    private host candidate (10.N.0.x) made coturn's sendto fail with ENETUNREACH, and coturn
    4.6.1 then marks the relay socket "to be closed" (udp_send fails with anything but
    EAGAIN, ENOBUFS, ECONNRESET or ECONNREFUSED): that allocation relayed nothing more, no
    Data indication and no Send indication, and was torn down; libnice's next requests on the
    same 5-tuple met a fresh session ("438 Wrong nonce", then "400 Bad Request"). ICE through
    two symmetric NATs failed for that alone.
  - Each NAT drops unsolicited packets to its WAN address in filter INPUT, before conntrack
    confirms them (home routers drop them too). Otherwise each one left an [UNREPLIED] entry
    (peer:port -> wan:port), and when the host behind then sent to that peer from that port,
    MASQUERADE found the reply tuple taken and gave the packet another public port: the two
    agents behind two masquerade NATs, whose first checks cross, each saw the other's checks
    come from an unexpected port, and never met (srflx to srflx).
coturn runs with `-c /dev/null`: Debian's /etc/turnserver.conf sets
no-stun-backward-compatibility, and libnice 0.1.21's server-reflexive discovery sends RFC
3489-style Binding requests, which coturn then ignores (gathering waits 2 s for nothing).
"""
import atexit
import ipaddress
import os
import signal
import subprocess
import sys
import time

INTERNET = ipaddress.ip_network("203.0.113.0/24")
STUN_ADDRESS = "203.0.113.2"
TURN_ADDRESS = "203.0.113.3"
TURN_USER, TURN_PASSWORD, TURN_REALM = "rig", "rig-password", "rig.example.org"
NAT_KINDS = ("masquerade", "full-cone", "symmetric")


def sh(*args, ns=None, check=True, **kw):
    cmd = (["ip", "netns", "exec", ns] if ns else []) + [str(a) for a in args]
    return subprocess.run(cmd, check=check, capture_output=True, text=True, **kw)


def set_sysctl(ns, key, value):
    # Through /proc rather than sysctl(8), which a minimal Debian image lacks (procps).
    sh("sh", "-c", f"echo {value} > /proc/sys/{key}", ns=ns)


class NatRig:
    """with NatRig(nats={"a": "masquerade"}, hosts={"h1": "a", "h2": "public"}) as rig: ..."""

    def __init__(self, nats=None, hosts=None, turn=True, tag=None):
        if os.geteuid() != 0:
            raise SystemExit("nat-rig: needs root (network namespaces and iptables)")
        self.tag = tag or f"rig{os.getpid() % 100000}"
        self.nats = dict(nats or {})
        self.hosts = dict(hosts or {})
        for name, kind in self.nats.items():
            if kind not in NAT_KINDS:
                raise SystemExit(f"nat-rig: NAT {name}: unknown kind {kind} (one of {', '.join(NAT_KINDS)})")
        for name, where in self.hosts.items():
            if where != "public" and where not in self.nats:
                raise SystemExit(f"nat-rig: host {name} is behind {where}, which is no NAT of this rig")
        for name, kind in self.nats.items():
            behind = [h for h, w in self.hosts.items() if w == name]
            if kind == "full-cone" and len(behind) > 1:
                raise SystemExit(f"nat-rig: full-cone NAT {name} forwards to one host; {len(behind)} are behind it")
        self.turn = turn
        self.namespaces = []
        self.processes = []
        self.addresses = {}   # host -> its own address
        self.public = {}      # host or NAT -> its address on the internet bridge
        self._veths = 0
        self._closed = False

    # -- building -------------------------------------------------------------------------
    def ns(self, name):
        return f"{self.tag}-{name}"

    def _add_ns(self, name):
        full = self.ns(name)
        subprocess.run(["ip", "netns", "add", full], check=True)
        self.namespaces.append(full)
        # IPv4 only: no link-local IPv6 addresses whose candidates ICE would try in vain.
        set_sysctl(full, "net/ipv6/conf/all/disable_ipv6", 1)
        set_sysctl(full, "net/ipv6/conf/default/disable_ipv6", 1)
        sh("ip", "link", "set", "lo", "up", ns=full)
        return full

    def _veth(self, a_ns, a_name, b_ns, b_name):
        # Made in the first namespace, so that no interface ever appears in the machine's own.
        tmp = f"{self.tag[:6]}v{self._veths}"
        self._veths += 1
        sh("ip", "link", "add", a_name, "type", "veth", "peer", "name", tmp, ns=a_ns)
        sh("ip", "link", "set", tmp, "netns", b_ns, ns=a_ns)
        sh("ip", "link", "set", tmp, "name", b_name, ns=b_ns)
        sh("ip", "link", "set", a_name, "up", ns=a_ns)
        sh("ip", "link", "set", b_name, "up", ns=b_ns)

    def _bridge(self, ns, name, address=None):
        sh("ip", "link", "add", name, "type", "bridge", ns=ns)
        sh("ip", "link", "set", name, "up", ns=ns)
        if address:
            sh("ip", "addr", "add", address, "dev", name, ns=ns)

    def _on_internet(self, name, ns, address, port_name):
        self._veth(ns, "wan", self.inet, port_name)
        sh("ip", "link", "set", port_name, "master", "br0", ns=self.inet)
        sh("ip", "addr", "add", f"{address}/24", "dev", "wan", ns=ns)
        self.public[name] = address

    def __enter__(self):
        atexit.register(self.close)
        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, lambda s, f: (self.close(), sys.exit(128 + s)))
        try:
            self._build()
        except BaseException:
            self.close()
            raise
        return self

    def _build(self):
        self.inet = self._add_ns("internet")
        self._bridge(self.inet, "br0")
        stun_ns = self._add_ns("stun")
        self._on_internet("stun", stun_ns, STUN_ADDRESS, "p-stun")
        sh("ip", "addr", "add", f"{TURN_ADDRESS}/24", "dev", "wan", ns=stun_ns)
        # A default route for coturn into a router that forwards nothing (ip_forward stays 0
        # in the internet namespace, which drops such packets without an ICMP error): relaying
        # to a private address (a peer's host candidate) must lose the packet quietly. With
        # no route, sendto fails with ENETUNREACH and coturn closes the relay socket for good.
        sh("ip", "addr", "add", f"{INTERNET[1]}/24", "dev", "br0", ns=self.inet)
        sh("ip", "route", "add", "default", "via", str(INTERNET[1]), ns=stun_ns)
        next_public = 10
        for i, (name, kind) in enumerate(sorted(self.nats.items()), start=1):
            ns = self._add_ns(f"nat-{name}")
            self._on_internet(name, ns, str(INTERNET[next_public]), f"p-nat{i}")
            next_public += 1
            self._bridge(ns, "lan", f"10.{i}.0.1/24")
            set_sysctl(ns, "net/ipv4/ip_forward", 1)
            masquerade = ["iptables", "-t", "nat", "-A", "POSTROUTING", "-o", "wan", "-j", "MASQUERADE"]
            if kind == "symmetric":
                masquerade.append("--random-fully")
            sh(*masquerade, ns=ns)
            # Unsolicited packets to the WAN address are dropped before conntrack confirms them,
            # as a home router's firewall drops them. Otherwise each leaves an [UNREPLIED] entry
            # (peer:port -> wan:port) that the inside host's own packet to that peer then clashes
            # with, and MASQUERADE moves it to a new public port: agents behind two masquerade
            # NATs, whose first checks cross, never meet. (Full-cone DNATs UDP before INPUT.)
            sh("iptables", "-A", "INPUT", "-i", "wan", "-m", "conntrack", "--ctstate", "NEW", "-j", "DROP", ns=ns)
            self.nats[name] = (kind, i)
        for name, where in sorted(self.hosts.items()):
            ns = self._add_ns(f"host-{name}")
            if where == "public":
                address = str(INTERNET[next_public])
                next_public += 1
                self._on_internet(name, ns, address, f"p-{name}"[:15])
            else:
                kind, i = self.nats[where]
                nat_ns = self.ns(f"nat-{where}")
                count = sum(1 for a in self.addresses.values() if a.startswith(f"10.{i}.0."))
                address = f"10.{i}.0.{10 + count}"
                self._veth(ns, "eth0", nat_ns, f"l-{name}"[:15])
                sh("ip", "link", "set", f"l-{name}"[:15], "master", "lan", ns=nat_ns)
                sh("ip", "addr", "add", f"{address}/24", "dev", "eth0", ns=ns)
                sh("ip", "route", "add", "default", "via", f"10.{i}.0.1", ns=ns)
                if kind == "full-cone":
                    sh("iptables", "-t", "nat", "-A", "PREROUTING", "-i", "wan", "-p", "udp", "-j", "DNAT",
                       "--to-destination", address, ns=nat_ns)
            self.addresses[name] = address
        if self.turn:
            self._start_coturn(stun_ns)

    def _start_coturn(self, ns):
        log = f"/tmp/{self.tag}-coturn.log"
        # Two servers in one process would answer on both addresses; two processes keep STUN
        # and TURN apart. No TLS listeners, no CLI, nothing but the rig's own addresses.
        # -c /dev/null: not the machine's /etc/turnserver.conf, whose Debian default turns off
        # the RFC 3489 Binding answers libnice's server-reflexive discovery needs.
        common = ["turnserver", "-c", "/dev/null", "--no-cli", "--no-tls", "--no-dtls", "--log-file", "stdout", "--verbose",
                  "--realm", TURN_REALM, "--no-software-attribute"]
        stun = common + ["--listening-ip", STUN_ADDRESS, "--relay-ip", STUN_ADDRESS, "--stun-only",
                         "--pidfile", f"/tmp/{self.tag}-stun.pid"]
        turn = common + ["--listening-ip", TURN_ADDRESS, "--relay-ip", TURN_ADDRESS, "--lt-cred-mech",
                         "--user", f"{TURN_USER}:{TURN_PASSWORD}", "--no-tcp-relay", "--allowed-peer-ip",
                         "0.0.0.0-255.255.255.255", "--pidfile", f"/tmp/{self.tag}-turn.pid",
                         "--min-port", "49152", "--max-port", "49999"]
        self.coturn_log = log
        with open(log, "w") as out:
            for cmd in (stun, turn):
                self.processes.append(subprocess.Popen(["ip", "netns", "exec", ns] + cmd, stdout=out,
                                                       stderr=subprocess.STDOUT))
        # coturn answers once it has bound its sockets.
        deadline = time.time() + 10
        while time.time() < deadline:
            listening = sh("ss", "-uln", ns=ns).stdout
            if f"{STUN_ADDRESS}:3478" in listening and f"{TURN_ADDRESS}:3478" in listening:
                return
            time.sleep(0.05)
        raise SystemExit(f"nat-rig: coturn did not start (log: {log})")

    # -- using ---------------------------------------------------------------------------
    def run(self, host, *cmd, **kw):
        """Runs a command in a host's namespace (or a NAT's, "nat-NAME"; or "internet", "stun")."""
        name = host if host.startswith(("nat-", "internet", "stun")) else f"host-{host}"
        return subprocess.run(["ip", "netns", "exec", self.ns(name)] + list(cmd), **kw)

    def popen(self, host, *cmd, **kw):
        p = subprocess.Popen(["ip", "netns", "exec", self.ns(f"host-{host}")] + list(cmd), **kw)
        self.processes.append(p)
        return p

    def environment(self):
        """What a command run by the rig learns of it (RIG_* variables)."""
        env = {"RIG_STUN": f"{STUN_ADDRESS}:3478", "RIG_TURN": f"{TURN_ADDRESS}:3478",
               "RIG_TURN_USER": TURN_USER, "RIG_TURN_PASSWORD": TURN_PASSWORD}
        for host, address in self.addresses.items():
            env[f"RIG_HOST_{host}"] = self.ns(f"host-{host}")
            env[f"RIG_ADDRESS_{host}"] = address
        return env

    def describe(self):
        lines = [f"nat-rig {self.tag}: internet 203.0.113.0/24 in namespace {self.ns('internet')}",
                 f"  STUN {STUN_ADDRESS}:3478 and TURN {TURN_ADDRESS}:3478 (user {TURN_USER}, password "
                 f"{TURN_PASSWORD}) in {self.ns('stun')}" if self.turn else "  no STUN/TURN server"]
        for name, (kind, i) in sorted(self.nats.items()):
            lines.append(f"  NAT {name} ({kind}): public {self.public[name]}, inside 10.{i}.0.0/24,"
                         f" namespace {self.ns('nat-' + name)}")
        for name, where in sorted(self.hosts.items()):
            lines.append(f"  host {name}: {self.addresses[name]}"
                         f" ({'public' if where == 'public' else 'behind ' + where}),"
                         f" run in it: ip netns exec {self.ns('host-' + name)} COMMAND")
        return "\n".join(lines)

    # -- tearing down ------------------------------------------------------------------------
    def close(self):
        if self._closed:
            return
        self._closed = True
        for p in self.processes:
            if p.poll() is None:
                p.terminate()
        for p in self.processes:
            try:
                p.wait(timeout=5)
            except subprocess.TimeoutExpired:
                p.kill()
        # Anything still running in a namespace (started by hand with ip netns exec) goes too.
        for ns in reversed(self.namespaces):
            pids = subprocess.run(["ip", "netns", "pids", ns], capture_output=True, text=True).stdout.split()
            for pid in pids:
                try:
                    os.kill(int(pid), signal.SIGKILL)
                except ProcessLookupError:
                    pass
            subprocess.run(["ip", "netns", "del", ns], capture_output=True)
        self.namespaces.clear()
        for f in (getattr(self, "coturn_log", None), f"/tmp/{self.tag}-stun.pid", f"/tmp/{self.tag}-turn.pid"):
            if f and os.path.exists(f) and not os.environ.get("RIG_KEEP_LOGS"):
                os.remove(f)

    def __exit__(self, *exc):
        self.close()
