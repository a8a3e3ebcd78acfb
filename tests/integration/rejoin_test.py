#!/usr/bin/python3
"""A peer killed with SIGKILL and started again at once under the same Node-ID (its state
directory) rejoins within seconds, not after its peers' 30 s link failure timeout: reload-node
processes on loopback, DTLS-UDP-SR links over ICE (the links a real kill leaves stale: no
Leave, no close_notify), certificates from the real enrollment server.

Its peers still hold their links to the dead instance. The restarted one's Attach to a peer
holding such a link makes that peer Ping over it; the link goes quiet within its RTO, the
restarted peer's next Attach (its join retries within 1.5 s) finds it so, and the peer links
anew (OverlayNode::drop_link_if_stale).

Usage: rejoin_test.py RELOAD_ENROLL_SERVER RELOAD_NODE
"""
import os
import signal
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(__file__))
from rig import Rig, wait_for  # noqa: E402

NODES = ["n0", "n1", "n2", "n3", "n4"]
LIMIT = int(os.environ.get("REJOIN_LIMIT", "12"))  # seconds: well under the 30 s failure timeout a stale link otherwise holds


def main():
    server_bin, node_bin = sys.argv[1:3]
    with tempfile.TemporaryDirectory() as work:
        rig = Rig(server_bin, node_bin, work, update_interval=3)
        rig.use_ice()
        try:
            for n in NODES:
                rig.add_user(n, "pw-" + n)
            rig.start_server()
            rig.start_node("n0", "pw-n0", bootstrap=False)
            wait_for(lambda: rig.status("n0").get("state") == "joined", 20, "the first node")
            for n in NODES[1:]:
                rig.start_node(n, "pw-" + n)
            wait_for(lambda: rig.ring_consistent(NODES), 60, "a consistent ring of 5")
            for victim in ("n3", "n1"):
                node_id = rig.status(victim)["node"]
                proc = rig.nodes[victim][0]
                proc.send_signal(signal.SIGKILL)
                proc.wait(timeout=10)
                os.remove(os.path.join(rig.nodes[victim][1], "status"))
                t0 = time.time()
                rig.start_node(victim, "pw-" + victim)
                try:
                    wait_for(lambda: rig.ring_consistent(NODES), LIMIT, f"{victim} back in a consistent ring")
                except Exception:
                    print(rig.describe(NODES))
                    print("".join(open(rig.nodes[victim][2]).readlines()[-30:]))
                    raise
                took = time.time() - t0
                assert rig.status(victim)["node"] == node_id, f"{victim} came back with another Node-ID"
                print(f"{victim} killed with SIGKILL and started again: the ring was whole again {took:.1f} s later")
                if os.environ.get("REJOIN_SHOW"):
                    print("".join(open(rig.nodes[victim][2]).readlines()[:60]))
            print("PASS")
        finally:
            rig.close()


if __name__ == "__main__":
    main()
