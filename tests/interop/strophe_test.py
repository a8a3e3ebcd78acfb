#!/usr/bin/python3
"""XMPP streams (src/xmpp, StreamAcceptor) against libstrophe, an XMPP client library nobody
here wrote.

tests/interop/stream_peer (C++) makes an overlay CA and certificates with Node-IDs and
id-on-xmppAddr (reload@example.org for itself, strophe@example.org for the other end), writes
the CA and the client's certificate and key to a temporary directory, listens on 127.0.0.1
and prints its port. tests/interop/strophe_peer (C, libstrophe) then opens a raw stream over
direct TLS (no STARTTLS, no SASL: XEP-0415 section 6.1) with that client certificate.

Checked: libstrophe's TLS came up and its JID is the certificate's xmppAddr; our end saw the
peer's bare JID from the certificate and no ALPN; our message reached libstrophe; libstrophe's
answer reached us; the stream ended cleanly (closing tags both ways, RFC 6120 section 4.4).

Usage: strophe_test.py PATH/TO/stream_peer PATH/TO/strophe_peer
       (strophe_peer is the word 'missing' when meson found no libstrophe: the test fails)
"""
import subprocess
import sys
import tempfile

OUR_JID = "reload@example.org"
THEIR_JID = "strophe@example.org"
TO_STROPHE = "hello from reload-xmpp"
TO_US = "hello back from libstrophe"


def fail(msg, *outputs):
    print("FAIL:", msg)
    for name, text in outputs:
        print(f"--- {name} ---")
        print(text)
    sys.exit(1)


def main():
    if len(sys.argv) != 3:
        fail("usage: strophe_test.py STREAM_PEER STROPHE_PEER")
    stream_peer, strophe_peer = sys.argv[1], sys.argv[2]
    if strophe_peer == "missing":
        fail("libstrophe is missing: apt-get install libstrophe-dev, then reconfigure "
             "(meson setup --reconfigure) so that tests/interop/strophe_peer is built")

    with tempfile.TemporaryDirectory(prefix="strophe-interop-") as tmp:
        ours = subprocess.Popen([stream_peer, tmp, "20"], stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True)
        try:
            first = ours.stdout.readline().split()
            if len(first) != 2 or first[0] != "port":
                ours.kill()
                out, err = ours.communicate()
                fail(f"stream_peer did not print its port: {first}", ("stream_peer", out + err))
            port = first[1]
            try:
                theirs = subprocess.run([strophe_peer, port, tmp, OUR_JID], capture_output=True,
                                        text=True, timeout=30)
            except subprocess.TimeoutExpired:
                ours.kill()
                fail("strophe_peer did not finish in 30 s")
            try:
                out, err = ours.communicate(timeout=30)
            except subprocess.TimeoutExpired:
                ours.kill()
                out, err = ours.communicate()
                fail("stream_peer did not finish in 30 s", ("stream_peer", out + err),
                     ("strophe_peer", theirs.stdout + theirs.stderr))
        finally:
            if ours.poll() is None:
                ours.kill()

    ours_lines = [" ".join(first)] + out.splitlines()
    theirs_lines = theirs.stdout.splitlines()
    outputs = (("stream_peer", "\n".join(ours_lines) + err),
               ("strophe_peer", theirs.stdout + theirs.stderr))
    print("stream_peer (ours):\n  " + "\n  ".join(ours_lines))
    print("strophe_peer (libstrophe):\n  " + "\n  ".join(theirs_lines))

    expect_theirs = ["secured", f"from {THEIR_JID}", "open", f"received {TO_STROPHE}"]
    for line in expect_theirs:
        if line not in theirs_lines:
            fail(f"libstrophe did not print '{line}'", *outputs)
    if not any(l.startswith("disconnected error=0 stream_error=no") for l in theirs_lines):
        fail("libstrophe's stream did not end cleanly", *outputs)
    if theirs.returncode != 0:
        fail(f"strophe_peer exited with {theirs.returncode}", *outputs)

    expect_ours = [f"open {THEIR_JID} alpn=none", f"received {TO_US}", "closed clean -", "done"]
    for line in expect_ours:
        if line not in ours_lines:
            fail(f"stream_peer did not print '{line}'", *outputs)
    if any(l.startswith("refused") for l in ours_lines):
        fail("our acceptor refused a connection", *outputs)
    if ours.returncode != 0:
        fail(f"stream_peer exited with {ours.returncode}", *outputs)
    print("PASS: messages both ways between libstrophe and StreamAcceptor over direct TLS")


main()
