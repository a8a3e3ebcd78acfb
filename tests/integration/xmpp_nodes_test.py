#!/usr/bin/python3
"""reload-node as XMPP devices (--jid), as processes on loopback with certificates from the
real enrollment server, on an overlay whose links are DTLS-UDP-SR over ICE: three plain
peers, romeo with one device and juliet with two (enrollment users juliet and juliet-phone,
one XMPP address).

  - juliet's two devices open a stream to each other (XEP-0415 section 6.1);
  - a line "juliet@capulet.lit: ..." on romeo's standard input reaches both of juliet's
    devices, each printing it once with romeo's full JID;
  - juliet's answer from her balcony reaches romeo, and her phone prints it as a sent carbon;
  - a message to a user with no location comes back "! undeliverable", a line without
    "to-jid: " gets "! expected", and a --jid that is not the certificate's is refused with
    one line before the node starts;
  - SIGTERM: every device removes its location and leaves; exit 0.

Usage: xmpp_nodes_test.py RELOAD_ENROLL_SERVER RELOAD_NODE
"""
import os
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(__file__))
from rig import Rig, wait_for  # noqa: E402

DEVICES = (("juliet", "juliet@capulet.lit", "juliet@capulet.lit/balcony"),
           ("juliet-phone", "juliet@capulet.lit", "juliet@capulet.lit/phone"),
           ("romeo", "romeo@montague.lit", "romeo@montague.lit/verona"))


def log_of(rig, name):
    return open(rig.nodes[name][2]).read()


def lines(rig, name, text):
    return [line for line in log_of(rig, name).splitlines() if text in line]


def main():
    server_bin, node_bin = sys.argv[1:3]
    with tempfile.TemporaryDirectory() as work:
        rig = Rig(server_bin, node_bin, work, update_interval=3)
        rig.use_ice()
        try:
            peers = ["n0", "n1", "n2"]
            for n in peers:
                rig.add_user(n, "pw-" + n)
            for user, bare, _ in DEVICES:
                rig.add_user(user, "pw-" + user, bare)
            rig.start_server()
            rig.start_node("n0", "pw-n0", bootstrap=False)
            wait_for(lambda: rig.status("n0").get("state") == "joined", 20, "the first node")
            for n in peers[1:]:
                rig.start_node(n, "pw-" + n)

            # A --jid that is not the certificate's: one line, before the node starts.
            romeo_pw = os.path.join(work, "romeo-wrong.password")
            open(romeo_pw, "w").write("pw-romeo\n")
            wrong = subprocess.run([node_bin, "--config", rig.template, "--ca-file", rig.ca_file, "--user", "romeo",
                                    "--password-file", romeo_pw, "--state-dir", os.path.join(work, "romeo-wrong"),
                                    "--jid", "juliet@capulet.lit/x"], capture_output=True, text=True, timeout=60)
            complaint = wrong.stderr.strip()
            assert wrong.returncode == 1 and "--jid" in complaint and "romeo@montague.lit" in complaint \
                and len(complaint.splitlines()) == 1, f"a --jid of another user: exit {wrong.returncode}, {complaint!r}"
            print(f"a --jid of another user: {complaint}")

            for user, _, full in DEVICES:
                rig.start_node(user, "pw-" + user, extra=["--jid", full], stdin=subprocess.PIPE)
            names = peers + [d[0] for d in DEVICES]
            wait_for(lambda: rig.ring_consistent(names), 60, "a consistent ring of 6")
            t0 = time.time()
            wait_for(lambda: lines(rig, "juliet-phone", "stream") and lines(rig, "juliet", "stream"), 30,
                     "a stream between juliet's two devices")
            print(f"juliet's devices linked {time.time() - t0:.1f} s after the ring settled")

            def say(name, line):
                rig.nodes[name][0].stdin.write(line + "\n")
                rig.nodes[name][0].stdin.flush()

            t1 = time.time()
            say("romeo", "juliet@capulet.lit: wherefore art thou")
            got = "romeo@montague.lit/verona: wherefore art thou"
            wait_for(lambda: lines(rig, "juliet", got) and lines(rig, "juliet-phone", got), 30,
                     "romeo's message on both of juliet's devices")
            print(f"romeo -> juliet: on both devices {1000 * (time.time() - t1):.0f} ms after the line was written")
            say("juliet", "romeo@montague.lit: by any other word")
            wait_for(lambda: lines(rig, "romeo", "juliet@capulet.lit/balcony: by any other word")
                     and lines(rig, "juliet-phone", "(sent to romeo@montague.lit) by any other word"), 30,
                     "juliet's answer at romeo and its carbon on her phone")
            say("romeo", "nobody@verona.lit: anyone?")
            say("romeo", "no colon here")
            wait_for(lambda: lines(rig, "romeo", "! undeliverable to nobody@verona.lit")
                     and lines(rig, "romeo", "! expected 'to-jid: text'"), 30, "the two complaints")
            time.sleep(1)  # a duplicate would be here by now
            for name, text in (("juliet", got), ("juliet-phone", got),
                               ("romeo", "juliet@capulet.lit/balcony: by any other word"),
                               ("juliet-phone", "(sent to romeo@montague.lit) by any other word")):
                count = len(lines(rig, name, text))
                assert count == 1, f"{name} printed '{text}' {count} times"
            print("each message printed exactly once on every device; undeliverable and bad lines reported")

            for user, _, _ in DEVICES:
                rig.nodes[user][0].send_signal(signal.SIGTERM)
            for user, _, _ in DEVICES:
                code = rig.nodes[user][0].wait(timeout=20)
                assert code == 0, f"{user} exited {code} after SIGTERM"
            print("PASS")
        except AssertionError:
            for user, _, _ in DEVICES:
                if user in rig.nodes:
                    print(f"--- {user} ---")
                    print("".join(log_of(rig, user).splitlines(True)[-25:]))
            raise
        finally:
            rig.close()


if __name__ == "__main__":
    main()
