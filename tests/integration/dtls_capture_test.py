#!/usr/bin/python3
"""Wireshark reads a DTLS-UDP-SR overlay (issues 15 and 16): a capture of loopback with
SSLKEYLOGFILE set must decode in Debian's tshark as RELOAD framed in DTLS, with no malformed
packet and no expert item of warning or error severity on any DTLS or RELOAD frame.

  - six OverlayNodes forming a ring over ICE (in_process/ice_overlay, the document with
    <no-ice> false): Attach, Ping and Update among the messages;
  - with --demo, a whole run of tools/run-demo (twelve reload-node processes, romeo's and
    juliet's devices chatting): also the XMPP-LOCATION Stores and Fetches, the AppAttaches
    for 5222, and the Leaves at the end. (The XMPP streams themselves run TLS over libnice's
    pseudo-TCP, which Wireshark does not dissect; the RELOAD traffic is all there is to read.)

Capturing needs root (dumpcap on lo); without it the test says it is skipped (exit 77).

Usage: dtls_capture_test.py RELOAD_ENROLL_SERVER ICE_OVERLAY_PROGRAM
       dtls_capture_test.py --demo REPOSITORY BUILD_DIR
"""
import collections
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
PI_WARN = 0x00600000
NODES = 6
# RELOAD message codes (RFC 6940 section 14.8) the ring must have sent over DTLS.
ATTACH_REQ, ATTACH_ANS, UPDATE_REQ, PING_REQ = 3, 4, 19, 23
STORE_REQ, FETCH_REQ, LEAVE_REQ, APP_ATTACH_REQ, APP_ATTACH_ANS = 7, 9, 17, 29, 30


KEEP = None  # (capture, keys), copied beside the test's log when it fails


def fail(msg):
    print("FAIL:", msg)
    if KEEP and os.path.exists(KEEP[0]):
        where = os.path.abspath("dtls-capture-failure")
        os.makedirs(where, exist_ok=True)
        for f in KEEP:
            if os.path.exists(f):
                shutil.copy(f, where)
        print("the capture and the key log are in", where)
    sys.exit(1)


# XEP-0415's Kind, which Wireshark knows only when told its data model (as a node learns it
# from the configuration document).
KIND5 = 'uat:reload_kindids:"5","XMPP-LOCATION","DICTIONARY"'


def tshark(capture, keys, *args):
    r = subprocess.run(["tshark", "-r", capture, "-o", f"tls.keylog_file:{keys}", "-o", KIND5, *args],
                       capture_output=True, text=True, timeout=300)
    if r.returncode != 0:
        fail(f"tshark {' '.join(args)}: {r.stderr.strip()}")
    return r.stdout


def main():
    demo = sys.argv[1] == "--demo"
    server, program = sys.argv[1:3] if not demo else (None, None)
    if os.geteuid() != 0 or not shutil.which("dumpcap") or not shutil.which("tshark"):
        print("skipped: capturing on lo needs root, dumpcap and tshark")
        sys.exit(77)
    with tempfile.TemporaryDirectory() as work:
        capture = os.path.join(work, "overlay.pcapng")
        keys = os.path.join(work, "keys.log")
        global KEEP
        KEEP = (capture, keys)
        dumpcap = subprocess.Popen(["dumpcap", "-q", "-i", "lo", "-f", "udp", "-w", capture],
                                   stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        try:
            # dumpcap says nothing when it starts: wait for its file.
            deadline = time.time() + 10
            while not os.path.exists(capture) and time.time() < deadline:
                time.sleep(0.05)
            if not os.path.exists(capture):
                dumpcap.kill()
                print("skipped: this machine cannot capture on lo: " + dumpcap.stderr.read().decode().strip())
                sys.exit(77)
            env = dict(os.environ, SSLKEYLOGFILE=keys)
            if demo:
                repo, build = sys.argv[2:4]
                env.update(BUILD_DIR=os.path.abspath(build), DEMO_SECONDS="1")
                run = subprocess.run([os.path.join(repo, "tools", "run-demo")], env=env, capture_output=True, text=True,
                                     timeout=300, cwd=repo)
            else:
                run = subprocess.run(["/usr/bin/python3", os.path.join(HERE, "in_process_test.py"), server,
                                      str(NODES), "--ice", program, str(NODES)],
                                     env=env, capture_output=True, text=True, timeout=300)
            time.sleep(0.5)  # the last datagrams reach the capture
        finally:
            dumpcap.send_signal(signal.SIGTERM)
            dumpcap.wait(timeout=10)
        if run.returncode != 0:
            fail(f"the overlay failed (exit status {run.returncode}):\n{run.stdout[-3000:]}{run.stderr[-2000:]}")

        codes = collections.Counter(
            line for line in tshark(capture, keys, "-Y", "dtls && reload", "-T", "fields",
                                    "-e", "reload.message.code").split("\n") if line)
        frames = sum(codes.values())
        print(f"{frames} whole RELOAD messages decoded inside DTLS; by message code: "
              + ", ".join(f"{c}: {n}" for c, n in sorted(codes.items(), key=lambda kv: int(kv[0]))))
        wanted = [(ATTACH_REQ, "AttachReq"), (ATTACH_ANS, "AttachAns"), (UPDATE_REQ, "UpdateReq")]
        if demo:
            wanted += [(STORE_REQ, "StoreReq"), (FETCH_REQ, "FetchReq"), (APP_ATTACH_REQ, "AppAttachReq"),
                       (APP_ATTACH_ANS, "AppAttachAns"), (LEAVE_REQ, "LeaveReq")]
        else:
            wanted += [(PING_REQ, "PingReq")]
        for code, name in wanted:
            if codes[str(code)] == 0:
                fail(f"no {name} decoded inside DTLS")
        malformed = tshark(capture, keys, "-Y", "_ws.malformed").strip()
        if malformed:
            fail("malformed packets:\n" + malformed[:2000])
        warned = tshark(capture, keys, "-Y", f"(dtls || reload || reload-framing) && _ws.expert.severity >= {PI_WARN}",
                        "-T", "fields", "-e", "frame.number", "-e", "_ws.expert.message").strip()
        if warned:
            fail("expert items of warning or error severity:\n" + warned[:2000])
        print("PASS: no malformed packet, no warning on a DTLS or RELOAD frame")


if __name__ == "__main__":
    main()
