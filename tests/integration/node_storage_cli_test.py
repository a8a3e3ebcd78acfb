#!/usr/bin/python3
"""reload-node's one-shot --store and --fetch against a ring of four reload-node processes on
loopback, with certificates from the real enrollment server.

  * alice stores a CERTIFICATE_BY_USER value (USER-MATCH, ARRAY) at `user` and a
    CERTIFICATE_BY_NODE value (NODE-MATCH, ARRAY) at `node`, joins, leaves, exits 0;
  * alice again, with --index: the value lands at that index;
  * bob (another user) fetches them and sees the same bytes, indices, lifetimes;
  * bob's --store at alice's resource is refused: exit 1, one line naming Error_Forbidden;
  * bad flags exit 1 with one line before the node starts (no status file is written).

A one-shot node joins as a full peer, so when its Node-ID falls just after a stored
Resource-ID it takes that resource over and must receive the data from its successor (the
hand-off of section 10.5). alice and bob are picked from a pool of enrolled users so that
bob, who fetches, takes over at least one of alice's resources when the pool allows it:
his Fetch then reads data that was handed to him while he joined.

Usage: node_storage_cli_test.py RELOAD_ENROLL_SERVER RELOAD_NODE
"""
import datetime
import hashlib
import os
import re
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(__file__))
from rig import Rig, wait_for  # noqa: E402

UPDATE_INTERVAL = 3  # seconds, in the test's configuration document
OVERLAY = "xmpp.reload.test"
RING = [f"r{i}" for i in range(4)]
POOL = [f"user{i}" for i in range(12)]
NOBODY = "nobody-stored-here"


def resource_of(data):
    """CHORD-RELOAD's Resource-ID: the first 16 bytes of SHA-1 (RFC 6940 section 10.2)."""
    return hashlib.sha1(data).hexdigest()[:32]


class OneShot:
    def __init__(self, rig):
        self.rig = rig

    def run(self, user, *flags, timeout=90):
        pw = os.path.join(self.rig.work, user + ".password")
        open(pw, "w").write("pw-" + user + "\n")
        cmd = [self.rig.node_bin, "--config", self.rig.template, "--ca-file", self.rig.ca_file, "--user", user,
               "--password-file", pw, "--state-dir", self.state(user),
               "--bootstrap", f"127.0.0.1:{self.rig.bootstrap_port}", *flags]
        t0 = time.time()
        r = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
        r.seconds = time.time() - t0
        print(f"$ reload-node --user {user} {' '.join(flags)}\n  exit {r.returncode} after {r.seconds:.1f} s")
        for line in r.stdout.splitlines():
            print("  out:", line)
        for line in r.stderr.splitlines():
            print("  err:", line)
        return r

    def state(self, user):
        return os.path.join(self.rig.work, user)

    def enroll(self, user):
        """Enrols `user` and returns its Node-ID. The run names a Kind the overlay lacks: the node
        gets its identity, then refuses the flag before it starts (one of the bad-flag cases)."""
        r = self.run(user, "--fetch", "NO_SUCH_KIND@x", "--log-level", "info", timeout=30)
        assert r.returncode == 1 and r.stdout == "", f"exit {r.returncode}, stdout {r.stdout!r}"
        err = r.stderr.splitlines()
        assert err[-1].startswith("reload-node: --fetch NO_SUCH_KIND@x: the overlay has no Kind"), err[-1]
        assert not os.path.exists(os.path.join(self.state(user), "status")), "the node started"
        m = re.search(r"enrolled: Node-ID ([0-9a-f]{32})", r.stderr)
        assert m, f"no Node-ID in {err}"
        return m.group(1)


def responsible(resource, ids):
    """The peer a Chord ring of `ids` stores `resource` at: the first Node-ID at or after it."""
    ids = sorted(ids)
    return next((i for i in ids if i >= resource), ids[0])


def pick(pool, ring_ids, resources_of, take_over):
    """The first (user, Node-ID) of the pool that, joining the ring, takes over one of its
    resources (take_over) or none of them (not take_over); the first of the pool when none
    does."""
    for user, node_id in pool:
        takes = any(responsible(r, ring_ids + [node_id]) == node_id for r in resources_of(user, node_id))
        if takes == take_over:
            return user, node_id
    return pool[0]


def expect_success(r, lines):
    assert r.returncode == 0, f"exit {r.returncode}: {r.stderr}"
    assert r.stderr == "", f"stderr not empty: {r.stderr!r}"
    out = r.stdout.splitlines()
    assert len(out) == lines, f"expected {lines} result lines, got {out}"
    return out


def expect_one_line_failure(r, *words):
    assert r.returncode == 1, f"exit {r.returncode}, expected 1"
    assert r.stdout == "", f"stdout not empty: {r.stdout!r}"
    err = r.stderr.splitlines()
    assert len(err) == 1 and err[0].startswith("reload-node: "), f"expected one error line, got {err}"
    for w in words:
        assert w in err[0], f"{w!r} not in {err[0]!r}"
    return err[0]


STORED = re.compile(r"^stored (\S+) at ([0-9a-f]{32}) generation (\d+) replicas (\S+)$")
FETCHED = re.compile(r"^(\S+) ([0-9a-f]{32}) index (\d+) (.+) stored (\S+) lifetime (\d+)$")


def check_stored(line, kind, resource):
    m = STORED.match(line)
    assert m, f"not a store line: {line!r}"
    assert m.group(1) == kind and m.group(2) == resource, f"{line!r}: expected {kind} at {resource}"
    replicas = m.group(4).split(",")
    assert len(replicas) == 2 and all(re.fullmatch("[0-9a-f]{32}", x) for x in replicas), \
        f"{line!r}: expected two replicas in a ring of five"
    return int(m.group(3))


def parse_fetched(lines):
    """(kind, resource, index) -> (value text, storage time, lifetime)."""
    out = {}
    for line in lines:
        m = FETCHED.match(line)
        assert m, f"not a fetch line: {line!r}"
        t = datetime.datetime.strptime(m.group(5), "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=datetime.timezone.utc)
        out[(m.group(1), m.group(2), int(m.group(3)))] = (m.group(4), t, int(m.group(6)))
    return out


def bad_flags(shot):
    """Each refused before the node starts: one line, exit 1, no status file, quickly."""
    cases = [
        (["--store", "CERTIFICATE_BY_USER@hex:zz=v"], ["--store", "hex"]),
        (["--store", "CERTIFICATE_BY_USER@user"], ["KIND@RESOURCE=VALUE"]),
        (["--fetch", "NO_SUCH_KIND@user"], ["NO_SUCH_KIND", "CERTIFICATE_BY_USER"]),
        (["--store", "XMPP-LOCATION@name:carol=v"], ["DICTIONARY", "--key"]),
        (["--store", "XMPP-LOCATION@user=v", "--key", "k"], ["no XMPP address"]),
        (["--store", "CERTIFICATE_BY_USER@user=v", "--key", "k"], ["--key", "DICTIONARY"]),
        (["--store", "CERTIFICATE_BY_USER@user=v", "--lifetime", "0"], ["--lifetime"]),
        (["--index", "3"], ["--index", "--store"]),
        (["--stun", "stun.example.org"], ["--stun", "ADDR:PORT"]),
        (["--turn", "192.0.2.3:3478"], ["--turn", "--turn-user", "--turn-password-file"]),
        (["--turn-user", "u"], ["--turn-user", "--turn"]),
        (["--ice-address", "nowhere"], ["--ice-address"]),
    ]
    for flags, words in cases:
        r = shot.run("carol", *flags, timeout=30)
        expect_one_line_failure(r, *words)
        assert not os.path.exists(os.path.join(shot.state("carol"), "status")), "the node started"
        assert r.seconds < 10, f"took {r.seconds:.1f} s: did it join?"


def main():
    server_bin, node_bin = sys.argv[1:3]
    with tempfile.TemporaryDirectory() as work:
        rig = Rig(server_bin, node_bin, work, update_interval=UPDATE_INTERVAL)
        try:
            for n in RING + POOL + ["carol"]:
                rig.add_user(n, "pw-" + n)
            rig.start_server()
            rig.start_node(RING[0], "pw-" + RING[0], bootstrap=False)
            wait_for(lambda: rig.status(RING[0]).get("state") == "joined", 20, "the first node")
            for n in RING[1:]:
                rig.start_node(n, "pw-" + n)
                time.sleep(0.2)
            wait_for(lambda: rig.ring_consistent(RING), 30, "a consistent ring of 4")
            shot = OneShot(rig)

            bad_flags(shot)

            # alice and bob: see the module's comment for why they are picked.
            ring_ids = [rig.status(n)["node"] for n in RING]
            pool = [(u, shot.enroll(u)) for u in POOL]
            alice, alice_id = pick(pool, ring_ids, lambda u, i: [resource_of(f"{u}@{OVERLAY}".encode()),
                                                                  resource_of(bytes.fromhex(i))], take_over=False)
            user_res = resource_of(f"{alice}@{OVERLAY}".encode())
            node_res = resource_of(bytes.fromhex(alice_id))
            bob, bob_id = pick([p for p in pool if p[0] != alice], ring_ids, lambda u, i: [user_res, node_res],
                               take_over=True)
            takes = [r for r in (user_res, node_res) if responsible(r, ring_ids + [bob_id]) == bob_id]
            print(f"alice is {alice} ({alice_id}), bob is {bob} ({bob_id}); bob takes over {len(takes)} of her resources")

            # alice stores at her own user and node resources.
            t_before = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(seconds=2)
            user_value, node_value = "alice's certificate, or so", "hex:00ff10e2"
            r = shot.run(alice, "--store", f"CERTIFICATE_BY_USER@user={user_value}",
                         "--store", f"CERTIFICATE_BY_NODE@node={node_value}", "--lifetime", "600")
            lines = expect_success(r, 2)
            check_stored(lines[0], "CERTIFICATE_BY_USER", user_res)
            check_stored(lines[1], "CERTIFICATE_BY_NODE", node_res)
            status = open(os.path.join(shot.state(alice), "status")).read()
            assert status.startswith(f"node {alice_id}") and "stopped" in status, f"alice did not leave: {status}"

            # alice again (same identity): an explicit index, then her own fetch sees both entries.
            r = shot.run(alice, "--store", "CERTIFICATE_BY_USER@user=second", "--index", "5",
                         "--fetch", "CERTIFICATE_BY_USER@user")
            lines = expect_success(r, 3)
            check_stored(lines[0], "CERTIFICATE_BY_USER", user_res)
            own = parse_fetched(lines[1:])
            assert set(own) == {("CERTIFICATE_BY_USER", user_res, 0), ("CERTIFICATE_BY_USER", user_res, 5)}, own

            # bob fetches them by name and by hex: the same bytes.
            r = shot.run(bob, "--fetch", f"CERTIFICATE_BY_USER@name:{alice}@{OVERLAY}",
                         "--fetch", f"CERTIFICATE_BY_NODE@hex:{node_res}",
                         "--fetch", f"CERTIFICATE_BY_USER@{NOBODY}")
            lines = expect_success(r, 4)
            assert lines[3] == f"CERTIFICATE_BY_USER {resource_of(NOBODY.encode())} none", lines[3]
            got = parse_fetched(lines[:3])
            expected = {("CERTIFICATE_BY_USER", user_res, 0): (user_value, 600),
                        ("CERTIFICATE_BY_USER", user_res, 5): ("second", 86400),
                        ("CERTIFICATE_BY_NODE", node_res, 0): (node_value, 600)}
            assert set(got) == set(expected), f"fetched {sorted(got)}, expected {sorted(expected)}"
            now = datetime.datetime.now(datetime.timezone.utc)
            for k, (value, lifetime) in expected.items():
                # A fetched lifetime is what is left of it (the storing peer lowers it).
                assert got[k][0] == value and lifetime - 120 < got[k][2] <= lifetime, \
                    f"{k}: got {got[k]}, expected {value!r} with at most {lifetime} s left"
                assert t_before <= got[k][1] <= now, f"{k}: storage time {got[k][1]} is not from this test"

            # bob may not write at alice's resource (USER-MATCH), nor at hers by NODE-MATCH.
            r = shot.run(bob, "--store", f"CERTIFICATE_BY_USER@name:{alice}@{OVERLAY}=evil")
            expect_one_line_failure(r, "Error_Forbidden", "CERTIFICATE_BY_USER", user_res)
            r = shot.run(bob, "--store", f"CERTIFICATE_BY_NODE@hex:{node_res}=evil", "--index", "0")
            expect_one_line_failure(r, "Error_Forbidden", "NODE-MATCH")
            r = shot.run(bob, "--fetch", f"CERTIFICATE_BY_USER@name:{alice}@{OVERLAY}",
                         "--fetch", f"CERTIFICATE_BY_NODE@hex:{node_res}")
            after = parse_fetched(expect_success(r, 3))
            assert {k: v[:2] for k, v in after.items()} == {k: v[:2] for k, v in got.items()}, \
                f"alice's values changed after refused stores: {after}"

            for n in RING:
                assert rig.nodes[n][0].poll() is None, f"ring node {n} died"
            # Every one-shot node sent Leave: the ring is the four again.
            wait_for(lambda: rig.ring_consistent(RING), 2 * UPDATE_INTERVAL, "the ring of 4 after the one-shot runs")
            print("one-shot store and fetch: ok")
        finally:
            rig.close()


if __name__ == "__main__":
    main()
