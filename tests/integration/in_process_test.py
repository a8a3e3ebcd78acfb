#!/usr/bin/python3
"""Runs an in-process overlay program (tests/integration/in_process/) against a real
enrollment server: starts the server with users peer00..peerNN and mallory (one password),
then runs PROGRAM CONFIG_URL CA_FILE PASSWORD WORK_DIR [ARGS...] and passes on its output
and exit status.

Usage: in_process_test.py RELOAD_ENROLL_SERVER USERS [--storage-kinds] [--ice] [--xmpp-users] PROGRAM [ARGS...]

--ice sets <no-ice> false in the document: every Attach runs ICE, links are DTLS-UDP-SR.
--xmpp-users adds romeo, juliet (two devices: juliet and juliet-phone), tybalt and mercutio
(three: mercutio, mercutio-tablet, mercutio-watch) with XMPP addresses (XMPP_USERS), and gives
mallory one.
--storage-kinds adds three private NODE-MULTIPLE Kinds to the document: 4000001 (SINGLE),
4000002 (ARRAY) and 4000003 (DICTIONARY), for the storage tests.
"""
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(__file__))
from rig import Rig  # noqa: E402

PASSWORD = "in-process-pw"
UPDATE_INTERVAL = 3  # seconds, in the rig's configuration document
# --xmpp-users: enrollment users whose certificates carry an XMPP address (id-on-xmppAddr);
# mallory's then does too (mallory@evil.lit). A user's second device is an enrollment user of
# its own with the same address, so that no device's certificate holds another's Node-ID (the
# enrollment server gives a returning user the Node-IDs it had, RFC 6940 section 11.3).
XMPP_USERS = (("romeo", "romeo@montague.lit"), ("juliet", "juliet@capulet.lit"),
              ("juliet-phone", "juliet@capulet.lit"), ("tybalt", "tybalt@capulet.lit"),
              ("mercutio", "mercutio@verona.lit"), ("mercutio-tablet", "mercutio@verona.lit"),
              ("mercutio-watch", "mercutio@verona.lit"))

def main():
    server_bin, users, *rest = sys.argv[1:]
    flags = set()
    while rest and rest[0] in ("--storage-kinds", "--ice", "--xmpp-users"):
        flags.add(rest.pop(0))
    storage_kinds = "--storage-kinds" in flags
    program, *extra = rest
    with tempfile.TemporaryDirectory() as work:
        rig = Rig(server_bin, None, work, update_interval=UPDATE_INTERVAL)
        if "--ice" in flags:
            rig.use_ice()
        if storage_kinds:
            rig.add_node_multiple_kinds(((4000001, "SINGLE"), (4000002, "ARRAY"), (4000003, "DICTIONARY")),
                                        max_node_multiple=100, max_count=1000)
        try:
            for i in range(int(users)):
                rig.add_user(f"peer{i:02}", PASSWORD)
            if "--xmpp-users" in flags:
                for user, address in XMPP_USERS:
                    rig.add_user(user, PASSWORD, address)
            rig.add_user("mallory", PASSWORD, "mallory@evil.lit" if "--xmpp-users" in flags else None)
            rig.start_server()
            out = os.path.join(work, "out")
            os.mkdir(out)
            wrap = os.environ.get("RIG_WRAP", "").split()  # e.g. "gdb -batch -ex run -ex bt --args"
            r = subprocess.run([*wrap, program, rig.url + "/.well-known/reload-config", rig.ca_file, PASSWORD, out, *extra],
                               timeout=600)
            if os.environ.get("RIG_KEEP"):
                os.system(f"rm -rf {os.environ['RIG_KEEP']}; cp -r {work} {os.environ['RIG_KEEP']}")
            if r.returncode != 0 and os.path.exists(os.path.join(out, "nodes.log")):
                print("--- last lines of nodes.log ---")
                print("".join(open(os.path.join(out, "nodes.log")).readlines()[-60:]))
            sys.exit(r.returncode)
        finally:
            rig.close()


if __name__ == "__main__":
    main()
