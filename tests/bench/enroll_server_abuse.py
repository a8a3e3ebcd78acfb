#!/usr/bin/python3
"""reload-enroll-server under the load issue 14 names: what a GET of the configuration document
costs over new connections, and what it costs while a password-guessing flood runs.

  1. GET /.well-known/reload-config, one at a time, each on a new TLS connection, for SECONDS:
     requests per second and the latency p50/p90.
     The same with curl (one process, 200 URLs, Connection: close), the client of issue 14.
  2. The same GETs (from 127.0.0.9) while FLOODERS connections (two on each of 127.0.0.2,
     .3, ...) POST wrong passwords to /enroll as fast as the server answers (an attacker
     ignores Retry-After): GET latency p50/p90, and the flood's answers by status.

A benchmark prints figures; it never fails on a slow machine (DESIGN.md, Testing). Extra
arguments after SECONDS go to the server (e.g. --failed-logins-per-minute 1000000 to see the
flood without the per-address limit).

Usage: enroll_server_abuse.py RELOAD_ENROLL_SERVER [SECONDS] [FLOODERS] [SERVER FLAGS...]
"""
import collections
import os
import re
import select
import socket
import ssl
import statistics
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
TEMPLATE = os.path.join(HERE, "..", "..", "overlay-config", "local-xmpp.xml")
DOC = "/.well-known/reload-config"


def start_server(binary, work, extra):
    users = os.path.join(work, "users")
    subprocess.run([binary, "--users", users, "--add-user", "alice", "--password", "secret"], check=True,
                   capture_output=True)
    proc = subprocess.Popen([binary, "--config", TEMPLATE, "--listen", "127.0.0.1:0", "--users", users, "--ca-dir",
                             os.path.join(work, "ca"), *extra], stdout=subprocess.PIPE,
                            stderr=open(os.path.join(work, "server.log"), "w"), text=True)
    if not select.select([proc.stdout], [], [], 30)[0]:
        sys.exit("the server did not start")
    port = int(re.fullmatch(r"listening on https://127\.0\.0\.1:(\d+)", proc.stdout.readline().strip()).group(1))
    return proc, port


def tls_context(work):
    ctx = ssl.create_default_context(cafile=os.path.join(work, "ca", "ca.crt"))
    ctx.check_hostname = False
    return ctx


def exchange(ctx, port, request, source="127.0.0.1", sock=None):
    """One request on `sock` (a new connection when None); returns (status, socket or None)."""
    if sock is None:
        raw = socket.create_connection(("127.0.0.1", port), timeout=30, source_address=(source, 0))
        sock = ctx.wrap_socket(raw)
    sock.sendall(request)
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        if not chunk:
            raise ConnectionError("closed before the header")
        data += chunk
    head, body = data.split(b"\r\n\r\n", 1)
    length = int(re.search(rb"(?i)content-length: *(\d+)", head).group(1))
    while len(body) < length:
        chunk = sock.recv(65536)
        if not chunk:
            raise ConnectionError("closed in the body")
        body += chunk
    if re.search(rb"(?i)\r\nconnection: *close", head):
        # A request is over when the server has closed (close_notify, FIN): that is what a
        # client reading to the end sees, and where Nagle's algorithm held bytes back.
        while sock.recv(65536):
            pass
        sock.close()
        sock = None
    return int(head.split(b" ", 2)[1]), sock


def get_request(close=True):
    return f"GET {DOC} HTTP/1.1\r\nHost: 127.0.0.1\r\n{'Connection: close' if close else ''}\r\n\r\n".encode()


def guess_request(n):
    boundary = "b0undary"
    parts = [("username", "alice", None), ("password", f"guess-{n}", None), ("csr", "x", "application/pkcs10")]
    body = "".join(f"--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n"
                   + (f"Content-Type: {ctype}\r\n" if ctype else "") + f"\r\n{value}\r\n"
                   for name, value, ctype in parts) + f"--{boundary}--\r\n"
    return (f"POST /enroll HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: application/pkix-cert\r\n"
            f"Content-Type: multipart/form-data; boundary={boundary}\r\nContent-Length: {len(body)}\r\n\r\n{body}"
            ).encode()


def timed_gets(ctx, port, seconds, source="127.0.0.1"):
    times, end = [], time.monotonic() + seconds
    while time.monotonic() < end:
        t0 = time.monotonic()
        status, _ = exchange(ctx, port, get_request(), source)
        times.append(time.monotonic() - t0)
        if status != 200:
            raise RuntimeError(f"GET answered {status}")
    return times


def curl_gets(work, port, count=200):
    """Requests per second of one curl process fetching the document `count` times."""
    url = f"https://127.0.0.1:{port}{DOC}"
    start = time.monotonic()
    r = subprocess.run(["curl", "-sS", "--cacert", os.path.join(work, "ca", "ca.crt"), "-H", "Connection: close",
                        "-w", "%{http_code} %{time_total}\n", *["-o", "/dev/null", url] * count],
                       capture_output=True, text=True, timeout=120)
    rows = [line.split() for line in r.stdout.splitlines()]
    if len(rows) != count or any(code != "200" for code, _ in rows):
        raise RuntimeError(f"curl: {r.stdout[-200:]} {r.stderr[-200:]}")
    return count / (time.monotonic() - start)


def quantile(xs, q):
    return sorted(xs)[min(len(xs) - 1, int(q * len(xs)))]


def flood(ctx, port, source, stop, answers):
    sock, n = None, 0
    while not stop.is_set():
        try:
            status, sock = exchange(ctx, port, guess_request(n), source, sock)
            answers[status] += 1
        except (OSError, ConnectionError):
            answers["closed"] += 1
            sock = None
        n += 1


def main():
    binary = sys.argv[1]
    seconds = float(sys.argv[2]) if len(sys.argv) > 2 else 5
    flooders = int(sys.argv[3]) if len(sys.argv) > 3 else 8
    with tempfile.TemporaryDirectory() as work:
        proc, port = start_server(binary, work, sys.argv[4:])
        try:
            ctx = tls_context(work)
            timed_gets(ctx, port, 0.5)  # warm up
            t = timed_gets(ctx, port, seconds)
            print(f"GET over new connections: {len(t) / sum(t):.0f} requests/s, "
                  f"p50 {quantile(t, 0.5) * 1000:.1f} ms, p90 {quantile(t, 0.9) * 1000:.1f} ms ({len(t)} requests)")
            print(f"curl GET over new connections: {curl_gets(work, port):.0f} requests/s (200 requests)")
            stop, answers = threading.Event(), collections.Counter()
            threads = [threading.Thread(target=flood, args=(ctx, port, f"127.0.0.{2 + i // 2}", stop, answers))
                       for i in range(flooders)]
            for th in threads:
                th.start()
            time.sleep(1)  # let the flood fill the server's queue
            t = timed_gets(ctx, port, seconds, "127.0.0.9")
            stop.set()
            for th in threads:
                th.join()
            print(f"GET during a guessing flood of {flooders} connections: p50 {quantile(t, 0.5) * 1000:.1f} ms, "
                  f"p90 {quantile(t, 0.9) * 1000:.1f} ms ({len(t)} requests); flood answers "
                  + ", ".join(f"{k}: {v}" for k, v in sorted(answers.items(), key=str)))
        finally:
            proc.terminate()
            proc.wait(timeout=10)


if __name__ == "__main__":
    main()
