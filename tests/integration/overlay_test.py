#!/usr/bin/python3
"""An overlay of reload-node processes on loopback with real certificates from the real
enrollment server: 10 nodes form a ring; SIGTERM on three (they send Leave) and kill -9 on
two more; the rest repair their ring within two update intervals each time.

Usage: overlay_test.py RELOAD_ENROLL_SERVER RELOAD_NODE
"""
import os
import signal
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(__file__))
from rig import Rig, wait_for  # noqa: E402

UPDATE_INTERVAL = 3  # seconds, in the test's configuration document


def main():
    server_bin, node_bin = sys.argv[1:3]
    with tempfile.TemporaryDirectory() as work:
        rig = Rig(server_bin, node_bin, work, update_interval=UPDATE_INTERVAL)
        try:
            names = [f"n{i}" for i in range(10)]
            for n in names:
                rig.add_user(n, "pw-" + n)
            rig.start_server()
            rig.start_node(names[0], "pw-" + names[0], bootstrap=False)
            wait_for(lambda: rig.status(names[0]).get("state") == "joined", 20, "the first node")
            for n in names[1:]:
                rig.start_node(n, "pw-" + n)
                time.sleep(0.2)
            t0 = time.time()
            try:
                wait_for(lambda: rig.ring_consistent(names), 30, "a consistent ring of 10")
            except AssertionError:
                print(rig.describe(names))
                if os.environ.get("RIG_KEEP"):
                    os.system(f"cp -r {work} {os.environ['RIG_KEEP']}")
                raise
            print(f"10 nodes joined; ring consistent after {time.time() - t0:.1f} s")

            alive = list(names)
            for how, sig, count in (("SIGTERM", signal.SIGTERM, 3), ("kill -9", signal.SIGKILL, 2)):
                victims = alive[1:1 + count]
                for v in victims:
                    rig.nodes[v][0].send_signal(sig)
                    alive.remove(v)
                for v in victims:
                    code = rig.nodes[v][0].wait(timeout=10)
                    if sig == signal.SIGTERM:
                        assert code == 0, f"{v} exited {code} after SIGTERM"
                t1 = time.time()
                try:
                    wait_for(lambda: rig.ring_consistent(alive), 2 * UPDATE_INTERVAL, f"repair after {how}")
                except AssertionError:
                    print(rig.describe(alive))
                    if os.environ.get("RIG_KEEP"):
                        os.system(f"cp -r {work} {os.environ['RIG_KEEP']}")
                    raise
                print(f"{how} on {count}: ring of {len(alive)} consistent after {time.time() - t1:.1f} s")
            for v in names[1:4]:
                log = open(rig.nodes[v][2]).read()
                assert "leaving" in log and "stopped" in log, f"{v} did not leave cleanly"
        finally:
            rig.close()


if __name__ == "__main__":
    main()
