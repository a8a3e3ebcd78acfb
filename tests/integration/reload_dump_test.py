#!/usr/bin/python3
"""reload-dump end to end: valid messages as a raw file, as hex, framed, inside pcap and
pcapng captures (UDP, and TCP split across segments); malformed inputs name the byte offset
and exit 1; bad command lines exit 2; garbage never crashes the tool.

Usage: reload_dump_test.py PATH-TO-reload-dump
The bytes are built here with struct, from RFC 6940's layouts, not with the project's codec.
"""

import os
import random
import re
import struct
import subprocess
import sys
import tempfile
import unittest

DUMP = None  # set from argv in main

RELO_TOKEN = 0xD2454C4F
OVERLAY = 0x9AA32B8D  # low 32 bits of SHA-1("overlay.example.org")
TXID = 0x1122334455667788
DEST = bytes.fromhex("fedcba9876543210fedcba9876543210")
PING_REQ = 0x17


def message(code=PING_REQ, body=b"\x00\x00", ttl=100, fragment=0xC0000000, length=None,
            dest=DEST, txid=TXID):
    """A RELOAD message: forwarding header | MessageContents | SecurityBlock (RFC 6940 6.3)."""
    destinations = struct.pack("!BB", 1, len(dest)) + dest  # a Node-ID destination
    # MessageContents: code, body<0..2^32-1>, extensions<0..2^32-1> (empty).
    contents = struct.pack("!HI", code, len(body)) + body + struct.pack("!I", 0)
    # SecurityBlock: no certificates, algorithm {none, anonymous}, identity none (type 3,
    # length 0), empty signature value.
    security = bytes.fromhex("0000" "0000" "03" "0000" "0000")
    total = 38 + len(destinations) + len(contents) + len(security)
    header = struct.pack("!IIHBBIIQIHHH", RELO_TOKEN, OVERLAY, 22, 0x0A, ttl, fragment,
                         total if length is None else length, txid, 0,
                         0, len(destinations), 0)
    assert len(header) == 38
    return header + destinations + contents + security


def framed(msg, sequence=7):
    """FramedMessage data: 128 | sequence(4) | message<0..2^24-1> (RFC 6940 6.6.2)."""
    return struct.pack("!BI", 0x80, sequence) + len(msg).to_bytes(3, "big") + msg


def ack(ack_sequence=7, received=1):
    return struct.pack("!BII", 0x81, ack_sequence, received)


# --- captures ---------------------------------------------------------------------------

def ipv4(src, dst, proto, payload):
    header = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(payload), 1, 0x4000, 64, proto, 0,
                         bytes(map(int, src.split("."))), bytes(map(int, dst.split("."))))
    return header + payload


def ipv6(src, dst, proto, payload):
    import ipaddress
    return (struct.pack("!IHBB", 0x60000000, len(payload), proto, 64)
            + ipaddress.IPv6Address(src).packed + ipaddress.IPv6Address(dst).packed + payload)


def udp(sport, dport, payload):
    return struct.pack("!HHHH", sport, dport, 8 + len(payload), 0) + payload


def tcp(sport, dport, seq, payload=b"", flags=0x18):
    return struct.pack("!HHIIBBHHH", sport, dport, seq, 0, 5 << 4, flags, 65535, 0, 0) + payload


def ethernet(ip_packet, ethertype=0x0800, vlan=None):
    head = b"\x02\x00\x00\x00\x00\x02" + b"\x02\x00\x00\x00\x00\x01"
    if vlan is not None:
        head += struct.pack("!HH", 0x8100, vlan)
    return head + struct.pack("!H", ethertype) + ip_packet


def linux_sll(ip_packet, protocol=0x86DD):
    return struct.pack("!HHH8sH", 0, 772, 0, b"", protocol) + ip_packet


def pcap(frames, linktype=1):
    out = struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, linktype)
    for i, f in enumerate(frames):
        out += struct.pack("<IIII", 1700000000 + i, 0, len(f), len(f)) + f
    return out


def pcapng(frames, linktype=1):
    def block(kind, body):
        body += b"\x00" * (-len(body) % 4)
        size = 12 + len(body)
        return struct.pack("<II", kind, size) + body + struct.pack("<I", size)
    out = block(0x0A0D0D0A, struct.pack("<IHHq", 0x1A2B3C4D, 1, 0, -1))
    out += block(1, struct.pack("<HHI", linktype, 0, 65535))
    for i, f in enumerate(frames):
        out += block(6, struct.pack("<IIIII", 0, 0, i, len(f), len(f)) + f)
    return out


# --- running the tool ---------------------------------------------------------------------

def run(*args, data=None):
    """Runs reload-dump; `data` goes to a temporary file named as the last argument."""
    argv = [DUMP, *args]
    path = None
    if data is not None:
        fd, path = tempfile.mkstemp(prefix="reload-dump-test-")
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        argv.append(path)
    try:
        return subprocess.run(argv, capture_output=True, text=True, timeout=30)
    finally:
        if path:
            os.unlink(path)


class Valid(unittest.TestCase):
    def check_ping_tree(self, out):
        for line in [
            "message (Message, 77 bytes)",
            "header (ForwardingHeader)",
            "overlay: 2594384781 (0x9aa32b8d)",
            "version: 10",
            "ttl: 100",
            "fragment: 0xc0000000 (last fragment, offset 0)",
            "length: 77",
            "transaction_id: 1234605616436508552 (0x1122334455667788)",
            "[0] (NodeId): fedcba9876543210fedcba9876543210",
            "contents (MessageContents)",
            "message_code: ping_req (0x0017)",
            "message_body: <2 bytes> (decoded below)",
            "body (PingReq)",
            "padding: <0 bytes>",
            "security (SecurityBlock)",
            "identity_type: none (3)",
            "signature_value: <0 bytes>",
        ]:
            self.assertIn(line, out)

    def test_raw_file(self):
        r = run(data=message())
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(r.stderr, "")
        self.check_ping_tree(r.stdout)
        # Every field is on a line of its own, "name: value" or "name (Type)".
        for line in r.stdout.splitlines():
            self.assertRegex(line, r"^( {2})*(\[\d+\]|[a-z_]+)( \([^)]*\))?(: .*)?$")

    def test_hex(self):
        h = message().hex()
        spaced = "0x" + " ".join(h[i:i + 8] for i in range(0, len(h), 8))
        coloned = ":".join(h[i:i + 2] for i in range(0, len(h), 2)).upper()
        for text in (h, spaced, coloned, "\n" + spaced + "\n"):
            r = run("--hex", text)
            self.assertEqual(r.returncode, 0, r.stderr)
            self.check_ping_tree(r.stdout)

    def test_stdin(self):
        r = subprocess.run([DUMP, "-"], input=message(), capture_output=True, timeout=30)
        self.assertEqual(r.returncode, 0)
        self.check_ping_tree(r.stdout.decode())

    def test_framed(self):
        r = run(data=framed(message()))
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("frame (FramedData)\n  type: data (128)\n  sequence: 7\n"
                      "  message (Message, 77 bytes)\n    header (ForwardingHeader)\n", r.stdout)
        self.check_ping_tree(r.stdout)

    def test_ack_and_several_frames(self):
        r = run(data=framed(message(), 1) + ack(1, 0x80000000) + framed(message(ttl=5), 2))
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("frame (FramedData at byte 0)", r.stdout)
        self.assertIn("frame (FramedAck at byte 85)\n  type: ack (129)\n  ack_sequence: 1\n"
                      "  received: 2147483648 (0x80000000)\n", r.stdout)
        self.assertIn("frame (FramedData at byte 94)", r.stdout)
        self.assertIn("ttl: 5", r.stdout)

    def test_two_messages_back_to_back(self):
        r = run(data=message() + message(ttl=9))
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("message (Message, 77 bytes at byte 0)", r.stdout)
        self.assertIn("message (Message, 77 bytes at byte 77)", r.stdout)
        self.assertIn("ttl: 9", r.stdout)

    def test_forced_format(self):
        r = run("--format", "raw", data=message())
        self.assertEqual(r.returncode, 0, r.stderr)
        r = run("--format", "framed", data=framed(message()))
        self.assertEqual(r.returncode, 0, r.stderr)
        # A message read as frames: 0xd2 is no frame type.
        r = run("--format", "framed", data=message())
        self.assertEqual(r.returncode, 1)
        self.assertIn("at byte 0 (FramedMessage.type)", r.stderr)

    def test_fragment(self):
        r = run(data=message(fragment=0x80000000))
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("fragment: 0x80000000 (not the last fragment, offset 0)", r.stdout)
        self.assertIn("fragment at offset 0, not the last one: the body is not decoded", r.stdout)
        self.assertNotIn("contents (MessageContents)", r.stdout)

    def test_node_id_length(self):
        long_dest = bytes(range(1, 21))
        r = run(data=message(dest=long_dest))
        self.assertEqual(r.returncode, 1)
        r = run("--node-id-length", "20", data=message(dest=long_dest))
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("[0] (NodeId): " + long_dest.hex(), r.stdout)

    def test_bodies(self):
        r = run(data=message(code=0x18, body=struct.pack("!QQ", 0xABCDEF, 1700000000123)))
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("message_code: ping_ans (0x0018)", r.stdout)
        self.assertIn("    body (PingAns)\n      response_id: 11259375\n"
                      "      time: 1700000000123 (2023-11-14T22:13:20.123Z)\n", r.stdout)
        # An unassigned code is shown, not decoded, and is no error.
        r = run(data=message(code=0x1234, body=b"\x01\x02"))
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("message_code: unknown (0x1234)", r.stdout)
        self.assertIn("message_body: <2 bytes> 0102", r.stdout)
        self.assertIn("body: not decoded, message code 0x1234 is unassigned", r.stdout)
        # A PingReq whose padding runs past its body: the offset is the padding's length field
        # (the body starts at byte 62 of the message, 70 of the frame).
        r = run(data=message(body=b"\x00\x05ab"))
        self.assertEqual(r.returncode, 1)
        self.assertIn("error: truncated at byte 62 (PingReq.padding)", r.stderr)
        self.assertIn("body: does not decode as ping_req", r.stdout)
        self.assertIn("security (SecurityBlock)", r.stdout)  # what follows is still shown
        r = run(data=framed(message(body=b"\x00\x05ab")))
        self.assertIn("error: truncated at byte 70 (PingReq.padding)", r.stderr)

    def test_error_code_and_unknown_enum(self):
        r = run(data=message(code=0xFFFF, body=struct.pack("!HH", 2, 0)))
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("message_code: error (0xffff)", r.stdout)
        msg = bytearray(message())
        msg[-7] = 9  # SignatureAndHashAlgorithm.hash: no such hash algorithm
        r = run(data=bytes(msg))
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("hash: unknown (9)", r.stdout)


class Captures(unittest.TestCase):
    def test_udp_pcap(self):
        frames = [
            ethernet(ipv4("10.0.0.1", "10.0.0.2", 17, udp(40000, 53, b"\x12\x34 not reload"))),
            ethernet(b"\x00" * 28, ethertype=0x0806),
            ethernet(ipv4("10.0.0.1", "10.0.0.2", 17, udp(40000, 6084, framed(message())))),
            ethernet(ipv4("10.0.0.2", "10.0.0.1", 17, udp(6084, 40000, ack()))),
        ]
        r = run(data=pcap(frames))
        self.assertEqual(r.returncode, 0, r.stderr)
        out = r.stdout
        self.assertIn("packet 1  udp 10.0.0.1:40000 -> 10.0.0.2:53  13 bytes: not RELOAD, skipped", out)
        self.assertIn("packet 2  ARP (ethertype 0x0806): not RELOAD, skipped", out)
        self.assertIn("packet 3  udp 10.0.0.1:40000 -> 10.0.0.2:6084  85 bytes\n"
                      "  frame (FramedData)\n", out)
        self.assertIn("packet 4  udp 10.0.0.2:6084 -> 10.0.0.1:40000  9 bytes\n"
                      "  frame (FramedAck)\n", out)
        self.assertIn("      [0] (NodeId): fedcba9876543210fedcba9876543210", out)
        self.assertIn("message_code: ping_req (0x0017)", out)

    def test_udp_raw_in_pcapng_vlan(self):
        frames = [ethernet(ipv4("127.0.0.1", "127.0.0.1", 17, udp(40000, 6084, message())),
                           ethertype=0x0800, vlan=5)]
        r = run(data=pcapng(frames))
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("packet 1  udp 127.0.0.1:40000 -> 127.0.0.1:6084  77 bytes\n"
                      "  message (Message, 77 bytes)\n", r.stdout)
        self.assertIn("ttl: 100", r.stdout)

    def test_ipv6_linux_cooked(self):
        frames = [linux_sll(ipv6("::1", "::1", 17, udp(40000, 6084, framed(message()))))]
        r = run(data=pcap(frames, linktype=113))
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("packet 1  udp [::1]:40000 -> [::1]:6084  85 bytes", r.stdout)
        self.assertIn("message_code: ping_req (0x0017)", r.stdout)

    def tcp_frames(self, segments):
        a, b = "192.168.1.10", "192.168.1.20"
        out = [ethernet(ipv4(a, b, 6, tcp(40001, 6084, 1000, flags=0x02))),
               ethernet(ipv4(b, a, 6, tcp(6084, 40001, 5000, flags=0x12)))]
        for seq, payload in segments:
            out.append(ethernet(ipv4(a, b, 6, tcp(40001, 6084, seq, payload))))
        return out

    def test_tcp_stream_split_across_segments(self):
        stream = framed(message(), 1) + framed(message(ttl=42), 2)
        cut = 50
        segments = [(1001, stream[:cut]), (1001 + cut, stream[cut:])]
        for maker in (pcap, pcapng):
            r = run(data=maker(self.tcp_frames(segments)))
            self.assertEqual(r.returncode, 0, r.stderr)
            out = r.stdout
            self.assertIn("packet 3  tcp 192.168.1.10:40001 -> 192.168.1.20:6084  50 bytes "
                          "(stream bytes 0-49)\n", out)
            self.assertIn("packet 4  tcp 192.168.1.10:40001 -> 192.168.1.20:6084  120 bytes "
                          "(stream bytes 50-169)\n  frame (FramedData at byte 0)\n", out)
            self.assertIn("  frame (FramedData at byte 85)\n", out)
            self.assertEqual(out.count("message_code: ping_req (0x0017)"), 2)
            self.assertIn("ttl: 42", out)

    def test_tcp_out_of_order_and_retransmitted(self):
        stream = framed(message(), 1)
        segments = [(1021, stream[20:]), (1001, stream[:30]), (1001, stream[:30])]
        r = run(data=pcap(self.tcp_frames(segments)))
        self.assertEqual(r.returncode, 0, r.stderr)
        out = r.stdout
        self.assertIn("(out of order, held until the gap is filled)", out)
        self.assertIn("packet 4  tcp 192.168.1.10:40001 -> 192.168.1.20:6084  30 bytes "
                      "(stream bytes 0-84)\n  frame (FramedData at byte 0)", out)
        self.assertIn("packet 5  tcp 192.168.1.10:40001 -> 192.168.1.20:6084  30 bytes "
                      "(retransmission, ignored)", out)
        self.assertEqual(out.count("message_code: ping_req"), 1)

    def test_tcp_raw_messages(self):
        stream = message() + message(ttl=3)
        segments = [(1001, stream[:100]), (1101, stream[100:])]
        r = run(data=pcap(self.tcp_frames(segments)))
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("message (Message, 77 bytes at byte 77)", r.stdout)
        self.assertIn("ttl: 3", r.stdout)

    def test_broken_frame_in_capture(self):
        bad = bytearray(framed(message()))
        bad[8] = 0xD3  # relo_token of the inner message, at byte 8 of the datagram
        frames = [ethernet(ipv4("10.0.0.1", "10.0.0.2", 17, udp(40000, 6084, bytes(bad)))),
                  ethernet(ipv4("10.0.0.1", "10.0.0.2", 17, udp(40000, 6084, framed(message()))))]
        r = run(data=pcap(frames))
        self.assertEqual(r.returncode, 1)
        self.assertIn("error: packet 1: not a RELOAD message (bad relo_token) at byte 8", r.stderr)
        self.assertIn("packet 2  udp", r.stdout)  # the next packet is still shown

    def test_broken_capture_file(self):
        data = pcap([ethernet(ipv4("10.0.0.1", "10.0.0.2", 17, udp(1, 6084, framed(message()))))])
        r = run(data=data[:-10])
        self.assertEqual(r.returncode, 1)
        self.assertIn("error:", r.stderr)


class Malformed(unittest.TestCase):
    def expect_error(self, r, offset, field=None):
        self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
        errors = [l for l in r.stderr.splitlines() if l.startswith("error: ")]
        self.assertEqual(len(errors), 1, r.stderr)
        self.assertIn(f"at byte {offset}", errors[0])
        if field:
            self.assertIn(field, errors[0])

    def test_truncated(self):
        full = message()
        # Cut inside the header: the error names the field that starts at `offset`.
        for n, (offset, field) in {3: (0, "relo_token"), 10: (10, "version"),
                                   25: (20, "transaction_id"),
                                   43: (38, "destination_list")}.items():
            with self.subTest(n=n):
                r = run(data=full[:n])
                self.expect_error(r, offset, field)
                self.assertTrue(r.stdout.startswith(f"message (Message, {n} bytes)"), r.stdout)
        # Cut after the header: its length field (byte 16) disagrees with the input.
        for n in (56, 60, 70, 76):
            with self.subTest(n=n):
                r = run(data=full[:n])
                self.expect_error(r, 16, "ForwardingHeader.length")
                self.assertIn(f"the header's length says 77 bytes, the input has {n}", r.stdout)
        # The same cuts with a length field that agrees: the error is where the bytes ran out.
        for n, (offset, field) in {60: (58, "message_body"),
                                   70: (70, "SignatureAndHashAlgorithm"),
                                   76: (75, "signature_value")}.items():
            with self.subTest(n=n, honest_length=True):
                self.expect_error(run(data=message(length=n)[:n]), offset, field)
                self.expect_error(run(data=framed(message(length=n)[:n])), 8 + offset, field)

    def test_truncated_shows_what_decoded(self):
        r = run(data=message(length=60)[:60])
        self.expect_error(r, 58)
        self.assertIn("header (ForwardingHeader)", r.stdout)
        self.assertIn("[0] (NodeId): fedcba9876543210fedcba9876543210", r.stdout)
        self.assertNotIn("contents (MessageContents)", r.stdout)
        r = run(data=message(length=70)[:70])
        self.expect_error(r, 70)
        self.assertIn("message_code: ping_req (0x0017)", r.stdout)
        self.assertNotIn("security (SecurityBlock)", r.stdout)
        r = run(data=message()[:43])
        self.assertIn("header (ForwardingHeader, incomplete)", r.stdout)
        self.assertIn("transaction_id: 1234605616436508552", r.stdout)

    def test_truncated_framed(self):
        frame = framed(message())
        r = run(data=frame[:60])  # the frame's length says 77, only 52 follow it
        self.expect_error(r, 5, "FramedMessage.message")
        self.assertIn("message (Message, 77 bytes announced, 52 bytes present)", r.stdout)
        r = run(data=framed(message()[:43]))  # an honest frame around a cut message
        self.expect_error(r, 8 + 38, "destination_list")
        r = run(data=framed(message()[:60]))
        self.expect_error(r, 8 + 16, "ForwardingHeader.length")

    def test_bad_token(self):
        msg = bytearray(message())
        msg[1] = 0x00
        self.expect_error(run(data=bytes(msg)), 0, "relo_token")
        self.expect_error(run(data=framed(bytes(msg))), 8, "relo_token")
        self.expect_error(run("--hex", bytes(msg).hex()), 0, "relo_token")

    def test_wrong_length(self):
        for length in (76, 78, 1000):
            with self.subTest(length=length):
                r = run(data=message(length=length))
                self.expect_error(r, 16, "ForwardingHeader.length")
                self.assertIn("length: %d" % length, r.stdout)
        r = run(data=framed(message(length=78)))
        self.expect_error(r, 8 + 16, "ForwardingHeader.length")

    def test_other_faults(self):
        msg = bytearray(message())
        msg[10] = 0x01  # draft-era version
        self.expect_error(run(data=bytes(msg)), 10, "version")
        self.expect_error(run(data=message() + b"\x00"), 16)  # length now disagrees
        self.expect_error(run("--max-message-size", "50", data=message()), 0, "max-message-size")

    def test_empty_input(self):
        r = run(data=b"")
        self.assertEqual(r.returncode, 1)
        self.assertIn("error:", r.stderr)


class CommandLine(unittest.TestCase):
    def one_line(self, r, code):
        self.assertEqual(r.returncode, code, r.stderr)
        self.assertEqual(r.stdout, "")
        self.assertEqual(len(r.stderr.strip().splitlines()), 1, r.stderr)

    def test_missing_file(self):
        r = run("/nonexistent/reload-dump-input.bin")
        self.one_line(r, 1)
        self.assertIn("No such file", r.stderr)

    def test_bad_usage(self):
        for args in (["--no-such-option"], ["--format", "xml", "x"], ["--node-id-length", "15"],
                     ["--node-id-length", "abc"], ["--kind", "5:tree"], ["--kind", "five"],
                     ["--hex", "zz"], ["--hex", "abc"], ["--hex", "00", "file"], ["a", "b"]):
            with self.subTest(args=args):
                self.one_line(run(*args), 2)

    def test_help(self):
        r = run("--help")
        self.assertEqual(r.returncode, 0)
        for option in ("--hex", "--format", "--node-id-length", "--kind", "--max-message-size"):
            self.assertIn(option, r.stdout)

    def test_kind_option(self):
        r = run("--kind", "99:array", "--kind", "0x64:dictionary", data=message())
        self.assertEqual(r.returncode, 0, r.stderr)


class Garbage(unittest.TestCase):
    """Whatever the input, the tool ends with 0 or 1, never by a signal."""

    def check(self, data, *args):
        r = subprocess.run([DUMP, *args, "-"], input=data, capture_output=True, timeout=30)
        self.assertIn(r.returncode, (0, 1), f"input {data[:64].hex()}... args {args}")

    def test_random_bytes(self):
        rng = random.Random(6940)
        prefixes = [b"", b"\x80", b"\x81", struct.pack("!I", RELO_TOKEN),
                    struct.pack("<I", 0xA1B2C3D4), bytes.fromhex("0a0d0d0a")]
        for i in range(120):
            data = rng.choice(prefixes) + rng.randbytes(rng.choice([1, 5, 9, 37, 80, 300]))
            self.check(data)

    def test_mutated_messages(self):
        rng = random.Random(6084)
        valid = [message(), framed(message()),
                 pcap([ethernet(ipv4("10.0.0.1", "10.0.0.2", 17, udp(1, 6084, framed(message()))))]),
                 pcap(Captures().tcp_frames([(1001, framed(message()) * 2)]))]
        for i in range(160):
            data = bytearray(rng.choice(valid))
            for _ in range(rng.randint(1, 4)):
                data[rng.randrange(len(data))] = rng.randrange(256)
            if rng.random() < 0.3:
                data = data[:rng.randrange(len(data))]
            self.check(bytes(data), "--format", "auto")


def main():
    global DUMP
    if len(sys.argv) < 2:
        sys.exit("usage: reload_dump_test.py PATH-TO-reload-dump [unittest args]")
    DUMP = os.path.abspath(sys.argv.pop(1))
    unittest.main(verbosity=2)


if __name__ == "__main__":
    main()
