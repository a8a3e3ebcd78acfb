#!/usr/bin/python3
"""Interop with Wireshark's RELOAD dissector (Debian's tshark).

Every sample message the project encodes (tests/support/sample_messages.cpp) is written into
a pcap, framed, in UDP datagrams to port 6084 (write_samples_pcap). tshark must decode each
frame with the field values our own codec reads from the same bytes (the manifest), and with
no malformed packet and no expert item of warning or error severity.

Two Wireshark 4.0 bugs are known and handled explicitly, never silently:
  * IceCandidate.priority is read at the candidate's first byte (packet-reload.c omits
    icecandidate_offset), so priorities are not compared (the manifest leaves them out);
  * the RFC's `none` signer identity (type 3, used by Fetch for values that do not exist)
    is flagged "Unknown identity type"; that item is accepted only on a frame whose
    signature identity type really is 3.

Usage: wireshark_test.py PATH/TO/write_samples_pcap
"""
import collections
import json
import os
import shutil
import subprocess
import sys
import tempfile

KIND5 = 'uat:reload_kindids:"5","XMPP-LOCATION","DICTIONARY"'
PI_WARN = 0x00600000
NONE_IDENTITY_BUG = "Unknown identity type"


def fail(msg):
    print("FAIL:", msg)
    sys.exit(1)


def flatten(node, out):
    """Leaf (field, value) pairs of tshark's JSON in document order; JSON objects are lists
    of pairs so that repeated fields survive."""
    if isinstance(node, list) and node and isinstance(node[0], tuple):
        for key, value in node:
            if isinstance(value, str):
                out.append((key, value))
            else:
                if key == "_ws.expert":
                    out.append(("_ws.expert", value))
                flatten(value, out)
    elif isinstance(node, list):
        for item in node:
            flatten(item, out)


def expert_items(pairs):
    items = []
    for key, value in pairs:
        if key == "_ws.expert":
            fields = dict(p for p in value if isinstance(p[1], str))
            items.append((int(fields.get("_ws.expert.severity", "0")),
                          fields.get("_ws.expert.message", "")))
    return items


def main():
    writer = sys.argv[1]
    tshark = shutil.which("tshark")
    if not tshark:
        fail("tshark is not installed (apt-get install tshark; tools/run-tests does it)")
    with tempfile.TemporaryDirectory() as tmp:
        pcap = os.path.join(tmp, "samples.pcap")
        manifest = os.path.join(tmp, "samples.manifest")
        subprocess.run([writer, pcap, manifest], check=True, stdout=subprocess.DEVNULL)
        env = dict(os.environ, HOME=tmp)  # no personal Wireshark preferences
        run = subprocess.run([tshark, "-r", pcap, "-o", KIND5, "-T", "json"],
                             capture_output=True, text=True, env=env)
        if run.returncode != 0:
            fail("tshark failed: " + run.stderr.strip())
        frames = json.loads(run.stdout, object_pairs_hook=lambda pairs: pairs)
        verbose = subprocess.run([tshark, "-r", pcap, "-o", KIND5, "-V"],
                                 capture_output=True, text=True, env=env).stdout
        expected = collections.defaultdict(lambda: collections.defaultdict(list))
        names = {}
        with open(manifest) as f:
            for line in f:
                frame, field, value = line.rstrip("\n").split("\t", 2)
                if field == "name":
                    names[int(frame)] = value
                else:
                    expected[int(frame)][field].append(value)

    if len(frames) != len(names):
        fail(f"tshark shows {len(frames)} frames, {len(names)} were written")
    if "Malformed Packet" in verbose:
        fail("tshark -V reports a malformed packet")

    problems = []
    checked = 0
    for number, frame in enumerate(frames, 1):
        pairs = []
        flatten(frame, pairs)
        actual = collections.defaultdict(list)
        for key, value in pairs:
            if key != "_ws.expert":
                actual[key].append(value)
        name = names[number]
        if "_ws.malformed" in actual:
            problems.append(f"frame {number} ({name}): malformed")
        for severity, message in expert_items(pairs):
            if severity < PI_WARN:
                continue
            if message == NONE_IDENTITY_BUG and "3" in actual["reload.signature.identity.type"]:
                continue
            problems.append(f"frame {number} ({name}): expert item '{message}'")
        for field, values in expected[number].items():
            checked += len(values)
            if actual.get(field, []) != values:
                problems.append(f"frame {number} ({name}): {field}: tshark shows "
                                f"{actual.get(field, [])}, the codec wrote {values}")
    for p in problems:
        print("FAIL:", p)
    if problems:
        sys.exit(1)
    kinds = sorted(set(n for n in names.values()))
    print(f"ok: {len(frames)} frames ({len(kinds)} kinds of message and ack), "
          f"{checked} field values equal in tshark and the codec")


if __name__ == "__main__":
    main()
