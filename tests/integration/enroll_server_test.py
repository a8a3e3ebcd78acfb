#!/usr/bin/python3
"""reload-enroll-server as an operator and a hostile network see it: the command line, a
start on port 0, failed starts, the document's URL and the server certificate's names, PEM
requests, returning users, users added while it runs, bad and oversized requests, slow and
silent clients, the connection limit, concurrent enrollments, restarts on the same CA
directory, a clean stop on SIGTERM and SIGINT, and issue 14's hostile clients (one address
holding connections, idle keep-alive, TCP_NODELAY, the last keep-alive response, password
guessing floods, refusal logging). The server listens on 127.0.0.1; clients that must count
as different addresses connect from 127.0.0.2, 127.0.0.3, ...

Usage: enroll_server_test.py RELOAD_ENROLL_SERVER
"""
import collections
import concurrent.futures
import os
import re
import select
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import threading
import time

TEMPLATE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "overlay-config", "local-xmpp.xml")
OVERLAY = "xmpp.reload.test"


def run(cmd, **kw):
    return subprocess.run(cmd, capture_output=True, text=True, timeout=60, **kw)


def check(cond, what):
    if not cond:
        raise AssertionError(what)


class Server:
    """One server process on 127.0.0.1 port 0; stdout's first line says where."""

    def __init__(self, binary, work, ca_dir=None, extra=()):
        self.work = work
        self.users = os.path.join(work, "users")
        self.ca_dir = ca_dir or os.path.join(work, "ca")
        self.log = open(os.path.join(work, "server.log"), "a")
        self.proc = subprocess.Popen(
            [binary, "--config", TEMPLATE, "--listen", "127.0.0.1:0", "--users", self.users, "--ca-dir", self.ca_dir,
             *extra], stdout=subprocess.PIPE, stderr=self.log, text=True)
        ready, _, _ = select.select([self.proc.stdout], [], [], 30)
        check(ready, "the server did not say where it listens within 30 s")
        line = self.proc.stdout.readline().strip()
        m = re.fullmatch(r"listening on https://127\.0\.0\.1:(\d+)", line)
        check(m, f"unexpected first line {line!r}")
        self.port = int(m.group(1))
        check(self.port != 0, "port 0 was not replaced by the bound port")
        self.url = f"https://127.0.0.1:{self.port}"
        self.ca = os.path.join(self.ca_dir, "ca.crt")

    def curl(self, *args):
        return run(["curl", "-sS", "--max-time", "20", "--cacert", self.ca, *args])

    def get_config(self):
        r = self.curl("-w", "\n%{http_code} %{content_type}", self.url + "/.well-known/reload-config")
        check(r.stdout.endswith("\n200 application/p2p-overlay+xml"), f"GET the document: {r.stdout[-200:]!r} {r.stderr}")
        return r.stdout.rsplit("\n", 1)[0]

    def enroll(self, user, password, csr, csr_type="application/pkcs10", nodeids=None, accept="application/pkix-cert",
               out=None):
        args = ["-F", f"username={user}", "-F", f"password={password}", "-F", f"csr=@{csr};type={csr_type}"]
        if accept:
            args += ["-H", f"Accept: {accept}"]
        if nodeids:
            args += ["-F", f"nodeids={nodeids}"]
        out = out or os.path.join(self.work, "answer.bin")  # a 200 answer is DER, not text
        r = self.curl(*args, "-o", out, "-w", "%{http_code}", self.url + "/enroll")
        body = open(out, "rb").read().decode("utf-8", "replace") if os.path.exists(out) else ""
        return r.stdout, body

    def stop(self, sig=signal.SIGTERM):
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
        try:
            return self.proc.wait(timeout=10)
        finally:
            if self.proc.poll() is None:
                self.proc.kill()
                self.proc.wait()
            self.log.close()


def make_csr(work, name, subject, pem=False):
    key, csr = os.path.join(work, name + ".key"), os.path.join(work, name + (".pem" if pem else ".der"))
    r = run(["openssl", "req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", key,
             "-subj", subject, "-outform", "PEM" if pem else "DER", "-out", csr])
    check(r.returncode == 0, r.stderr)
    return csr


def node_ids(der_file):
    pem = der_file + ".pem"
    run(["openssl", "x509", "-inform", "DER", "-in", der_file, "-out", pem]).check_returncode()
    san = run(["openssl", "x509", "-in", pem, "-noout", "-ext", "subjectAltName"]).stdout
    return re.findall(r"URI:reload://0110([0-9a-f]{32})@" + re.escape(OVERLAY) + "/", san)


# Made once: create_default_context() reads the system's CA store, 30 ms each time.
UNVERIFIED = ssl.create_default_context()
UNVERIFIED.check_hostname = False
UNVERIFIED.verify_mode = ssl.CERT_NONE


def tls_socket(port, source="127.0.0.1"):
    """A TLS connection from `source`: every 127.x.y.z is loopback on Linux, so clients on
    127.0.0.2, 127.0.0.3, ... are different addresses to the server."""
    s = socket.create_connection(("127.0.0.1", port), timeout=10, source_address=(source, 0))
    return UNVERIFIED.wrap_socket(s)


DOC_GET = b"GET /.well-known/reload-config HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
DOC_GET_CLOSE = b"GET /.well-known/reload-config HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"


def read_response(sock):
    """(status, headers with lower-case names, body) of one response with a Content-Length."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        if not chunk:
            raise ConnectionError(f"closed before the end of the header: {data!r}")
        data += chunk
    head, body = data.split(b"\r\n\r\n", 1)
    lines = head.decode("latin-1").split("\r\n")
    headers = {k.strip().lower(): v.strip() for k, v in (line.split(":", 1) for line in lines[1:])}
    while len(body) < int(headers.get("content-length", "0")):
        chunk = sock.recv(65536)
        if not chunk:
            raise ConnectionError("closed in the body")
        body += chunk
    return int(lines[0].split()[1]), headers, body


def enroll_request(user, password, csr=b"x"):
    """A POST /enroll; with the default CSR it fails at the password check or after it."""
    boundary = "b0undary"
    body = b"".join(f"--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n{extra}\r\n".encode()
                    + value + b"\r\n"
                    for name, value, extra in (("username", user.encode(), ""), ("password", password.encode(), ""),
                                               ("csr", csr, "Content-Type: application/pkcs10\r\n")))
    body += f"--{boundary}--\r\n".encode()
    return (f"POST /enroll HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: application/pkix-cert\r\n"
            f"Content-Type: multipart/form-data; boundary={boundary}\r\nContent-Length: {len(body)}\r\n\r\n"
            ).encode() + body


def timed_get(port, source):
    """Seconds for a GET of the document on a new connection, to the server's close."""
    start = time.time()
    t = tls_socket(port, source)
    t.sendall(DOC_GET_CLOSE)
    status, _, _ = read_response(t)
    check(status == 200, f"GET from {source}: {status}")
    check(closed_within(t, 5), "no close after Connection: close")
    return time.time() - start


def closed_within(sock, seconds):
    """Whether the peer closes `sock` within `seconds` (reading whatever it sends)."""
    sock.settimeout(seconds)
    end = time.time() + seconds
    try:
        while time.time() < end:
            if not sock.recv(4096):
                return True
    except (ConnectionResetError, ssl.SSLError, OSError) as e:
        return not isinstance(e, socket.timeout)
    return False


class Attacker(threading.Thread):
    """Keeps `count` connections open from `source`, reopening each one the server closes:
    half never start TLS (idle sockets), half are a slow loris (TLS, then a request header
    that grows by one byte a second and never ends)."""

    def __init__(self, port, source, count):
        super().__init__(daemon=True)
        self.port, self.source, self.count = port, source, count
        self.stop = threading.Event()

    def open_one(self, n):
        try:
            if n % 2:
                s = socket.create_connection(("127.0.0.1", self.port), timeout=2, source_address=(self.source, 0))
            else:
                s = tls_socket(self.port, self.source)
                s.sendall(b"GET /.well-known/reload-config HTTP/1.1\r\nHost: x\r\nX-Loris: ")
            s.setblocking(False)
            return s
        except OSError:
            return None  # refused at once: try again next round

    @staticmethod
    def alive(s):
        try:
            return s.recv(4096) != b""
        except (ssl.SSLWantReadError, BlockingIOError):
            return True
        except OSError:
            return False

    def run(self):
        held, n, last_byte = [], 0, time.time()
        while not self.stop.is_set():
            kept = [h for h in held if self.alive(h)]
            for h in set(held) - set(kept):
                h.close()
            held = kept
            while len(held) < self.count and not self.stop.is_set():
                s = self.open_one(n)
                n += 1
                if s is None:
                    break
                held.append(s)
            if time.time() - last_byte >= 1:
                last_byte = time.time()
                for h in held:
                    try:
                        if isinstance(h, ssl.SSLSocket):
                            h.send(b"a")
                    except (OSError, ssl.SSLWantWriteError):
                        pass
            time.sleep(0.2)
        for h in held:
            h.close()


def one_address_cannot_lock_out_others(s):
    """One address holding idle sockets and slow-loris requests, reopening what is cut off,
    for longer than a request may take (10 s): clients elsewhere are still served."""
    attacker = Attacker(s.port, "127.0.0.2", 70)
    attacker.start()
    try:
        time.sleep(1)
        served = []
        end = time.time() + 11
        while time.time() < end:
            try:
                timed_get(s.port, "127.0.0.3")
                served.append(True)
            except (OSError, ConnectionError, AssertionError):
                served.append(False)
            time.sleep(0.5)
    finally:
        attacker.stop.set()
        attacker.join()
    check(all(served), f"{served.count(False)} of {len(served)} GETs failed while 127.0.0.2 held connections")
    log = open(os.path.join(s.work, "server.log")).read()
    check(re.search(r"127\.0\.0\.2:\d+ refused: over the share of 8 connections per address", log),
          "the attacker was never refused")


def idle_keep_alive_is_closed(s):
    """An idle keep-alive connection is closed after --idle-timeout (5 s), not after the
    10 s a request may take."""
    t = tls_socket(s.port, "127.0.0.4")
    t.sendall(DOC_GET)
    check(read_response(t)[0] == 200, "GET on a keep-alive connection")
    start = time.time()
    check(closed_within(t, 9), "an idle keep-alive connection was not closed")
    idle = time.time() - start
    check(4 < idle < 7, f"an idle keep-alive connection was closed after {idle:.1f} s, not about 5 s")


def no_nagle_delay(s):
    """TCP_NODELAY: a GET on a new connection is not held up by Nagle's algorithm waiting
    for the client's delayed ACK (40 ms on Linux) before the close_notify goes out."""
    timed_get(s.port, "127.0.0.5")
    times = sorted(timed_get(s.port, "127.0.0.5") for _ in range(11))
    check(times[5] < 0.03, f"GET over a new connection takes {times[5] * 1000:.0f} ms at the median")


def last_keep_alive_response_says_close(s):
    """The hundredth response on a connection is its last and says so."""
    t = tls_socket(s.port, "127.0.0.6")
    for i in range(1, 101):
        t.sendall(DOC_GET)
        status, headers, _ = read_response(t)
        check(status == 200, f"keep-alive request {i}: {status}")
        says_close = headers.get("connection", "").lower() == "close"
        check(says_close == (i == 100), f"response {i} of 100: Connection {headers.get('connection')!r}")
    check(closed_within(t, 5), "the connection stayed open after its last response")


def get_does_not_wait_behind_password_checks(s):
    """A GET does not wait behind password checks: eight addresses guess alice's password
    as fast as they are answered, and the document is still served at once."""
    stop, answers = threading.Event(), collections.Counter()

    def guess(source):
        t = tls_socket(s.port, source)
        n = 0
        while not stop.is_set():
            t.sendall(enroll_request("alice", f"guess{n}"))
            answers[read_response(t)[0]] += 1
            n += 1
        t.close()
    flood = [threading.Thread(target=guess, args=(f"127.0.0.{20 + i}",)) for i in range(8)]
    for f in flood:
        f.start()
    try:
        time.sleep(0.5)
        times = sorted(timed_get(s.port, "127.0.0.7") for _ in range(9))
    finally:
        stop.set()
        for f in flood:
            f.join()
    check(answers[403] >= 8, f"the flood's guesses were not checked: {answers}")
    check(times[4] < 0.15, f"a GET during a guessing flood takes {times[4] * 1000:.0f} ms at the median")


def password_checks_waiting_are_bounded(s):
    """At most 16 password checks wait: 24 sent at once (3 addresses, 8 connections each)
    get 403 for those checked and 503 with Retry-After for the others, at once."""
    conns = [tls_socket(s.port, f"127.0.0.{30 + i // 8}") for i in range(24)]
    for i, t in enumerate(conns):
        t.sendall(enroll_request("alice", f"wrong{i}"))
    results = [read_response(t) for t in conns]
    for t in conns:
        t.close()
    codes = collections.Counter(status for status, _, _ in results)
    check(codes[503] >= 1 and codes[403] >= 1 and codes[403] + codes[503] == 24, f"24 checks at once: {codes}")
    check(all(h.get("retry-after", "").isdigit() for status, h, _ in results if status == 503),
          "a 503 without Retry-After")


def failed_guesses_are_limited_per_address(s):
    """Failed guesses per address: ten, then 429 with Retry-After, even for the right
    password; another address enrolls meanwhile."""
    csr = make_csr(s.work, "alice-limit", "/CN=alice")
    t = tls_socket(s.port, "127.0.0.8")
    statuses = []
    while 429 not in statuses and len(statuses) < 14:  # a slow machine may earn a token back meanwhile
        t.sendall(enroll_request("alice", f"nope{len(statuses)}"))
        status, headers, body = read_response(t)
        statuses.append(status)
    check(statuses[:10] == [403] * 10 and statuses[-1] == 429, f"wrong passwords: {statuses}")
    check(int(headers.get("retry-after", "0")) >= 1, f"429 without Retry-After: {headers}")
    t.sendall(enroll_request("alice", "secret", open(csr, "rb").read()))  # at once: no time to earn a token
    status, headers, _ = read_response(t)
    check(status == 429, f"the right password from a guessing address: {status}")
    t.close()
    r = s.curl("--interface", "127.0.0.9", "-F", "username=alice", "-F", "password=secret", "-F",
               f"csr=@{csr};type=application/pkcs10", "-H", "Accept: application/pkix-cert", "-o", "/dev/null",
               "-w", "%{http_code}", s.url + "/enroll")
    check(r.stdout == "200", f"alice from another address: {r.stdout}")


def refusals_are_logged_in_summary(s):
    """Refused connections do not write a line each: 300 over the per-address share make
    a line at once and a summary a second later."""
    log_file = os.path.join(s.work, "server.log")
    time.sleep(1.5)  # earlier tests' refusals are summed up by now: what follows is this test's
    log_start = os.path.getsize(log_file)
    held = [socket.create_connection(("127.0.0.1", s.port), timeout=10, source_address=("127.0.0.10", 0))
            for _ in range(8)]
    time.sleep(0.3)
    refused = [socket.create_connection(("127.0.0.1", s.port), timeout=10, source_address=("127.0.0.10", 0))
               for _ in range(300)]
    deadline = time.time() + 5
    closed = sum(closed_within(r, max(0.1, deadline - time.time())) for r in refused)
    time.sleep(1.5)
    for h in held + refused:
        h.close()
    with open(log_file) as f:
        f.seek(log_start)
        lines = [line for line in f if "refused" in line]
    check(len(lines) <= 3, f"{len(lines)} log lines for {closed} refusals:\n" + "".join(lines[:5]))
    check(closed == 300, f"{300 - closed} connections over the per-address share were served")
    counted = sum(int(m.group(1)) if m else 1 for m in (re.search(r"refused (\d+) more", line) for line in lines))
    check(counted == 300, f"the log counts {counted} refusals, not 300:\n" + "".join(lines))
    check("over the share of 8 connections per address" in lines[0], lines[0])


HOSTILE = [one_address_cannot_lock_out_others, idle_keep_alive_is_closed, no_nagle_delay,
           last_keep_alive_response_says_close, get_does_not_wait_behind_password_checks,
           password_checks_waiting_are_bounded, failed_guesses_are_limited_per_address,
           refusals_are_logged_in_summary]


def hostile_clients(binary, work):
    """Issue 14: the server probed as an attacker would, with its default limits (64
    connections, 8 per address, 10 s per request, 5 s idle, 16 password checks waiting, 10
    failed logins a minute per address), one test after another on one server. Each
    attacker and each client measured has a loopback address of its own."""
    s = Server(binary, work)
    try:
        for test in HOSTILE:
            test(s)
    finally:
        code = s.stop(signal.SIGTERM)
    check(code == 0, f"SIGTERM: exit status {code}")


def main():
    binary = sys.argv[1]
    for tool in ("curl", "openssl"):
        if not shutil.which(tool):
            sys.exit(f"FAIL: {tool} is not installed (tools/lib/deps.sh installs it)")
    with tempfile.TemporaryDirectory() as work:
        # The command line.
        r = run([binary, "--help"])
        check(r.returncode == 0 and "--add-user" in r.stdout and "NAME PASSWORD-HASH" in r.stdout, r.stdout)
        users = os.path.join(work, "users")
        for name, pw, jid in (("alice", "secret", "alice@example.org"), ("bob", "pw", None)):
            cmd = [binary, "--users", users, "--add-user", name, "--password", pw]
            r = run(cmd + (["--xmpp-address", jid] if jid else []))
            check(r.returncode == 0, r.stderr)
        check(oct(os.stat(users).st_mode & 0o777) == "0o600", "the users file is not 0600")

        # Failed starts: one line saying what and why, exit status 1.
        def failed_start(args, want):
            r = run([binary, *args])
            check(r.returncode == 1, f"{args}: exit {r.returncode}")
            lines = r.stderr.strip().splitlines()
            check(len(lines) == 1 and lines[0].startswith("reload-enroll-server: ") and want in lines[0],
                  f"{args}: {r.stderr!r}")
        ca_dir = os.path.join(work, "ca")
        base = ["--users", users, "--ca-dir", ca_dir]
        failed_start(["--config", "/nonexistent.xml", "--listen", "127.0.0.1:0", *base], "/nonexistent.xml")
        failed_start(["--config", TEMPLATE, "--listen", "localhost:0", *base], "expected ADDR:PORT")
        failed_start(["--config", TEMPLATE, *base], "--listen is required")
        failed_start(["--config", TEMPLATE, "--listen", "0.0.0.0:0", *base], "--public-url")
        failed_start(["--users", users, "--add-user", "alice", "--password", "x"], "exists already")
        failed_start(["--users", users, "--add-user", "bad name", "--password", "x"], "not a valid user name")
        failed_start(["--users", users, "--add-user", "carol", "--password", "x", "--xmpp-address", "c@d/e"],
                     "not a bare JID")
        bad_users = os.path.join(work, "bad-users")
        open(bad_users, "w").write("# ok\nalice not-a-hash\n")
        failed_start(["--config", TEMPLATE, "--listen", "127.0.0.1:0", "--users", bad_users, "--ca-dir", ca_dir],
                     bad_users + ":2:")
        check(not os.path.exists(os.path.join(ca_dir, "ca.key")), "a failed start left a CA behind")

        s = Server(binary, work, extra=("--io-timeout", "2", "--max-connections", "4"))
        try:
            # The document names this very server, and its root-cert is the CA.
            doc = s.get_config()
            check(f"<enrollment-server>{s.url}/enroll</enrollment-server>" in doc, "the document's enrollment-server")
            check(doc.count("<enrollment-server>") == 1, "one enrollment-server")
            ca_b64 = "".join(l for l in open(s.ca).read().splitlines() if "CERTIFICATE" not in l)
            check(ca_b64 in doc.replace("\n", "").replace(" ", ""), "the root-cert is not the CA")
            # A second server on the same CA directory is refused while this one runs.
            failed_start(["--config", TEMPLATE, "--listen", "127.0.0.1:0", *base], "another reload-enroll-server")

            # The server's certificate names the overlay and the address (RFC 6940 11.3).
            r = run(["openssl", "s_client", "-connect", f"127.0.0.1:{s.port}", "-CAfile", s.ca, "-verify_return_error",
                     "-verify_ip", "127.0.0.1"], input="")
            check("Verify return code: 0 (ok)" in r.stdout, r.stdout[-500:])
            cert_pem = re.search(r"-----BEGIN CERTIFICATE-----.*?-----END CERTIFICATE-----", r.stdout, re.S).group(0)
            san = run(["openssl", "x509", "-noout", "-ext", "subjectAltName"], input=cert_pem).stdout
            check(f"DNS:{OVERLAY}" in san and "IP Address:127.0.0.1" in san, san)

            # PEM requests; a returning user gets the same Node-IDs.
            pem_csr = make_csr(work, "alice-pem", "/CN=alice", pem=True)
            der_csr = make_csr(work, "alice", "/CN=alice@" + OVERLAY)
            first, second = os.path.join(work, "1.der"), os.path.join(work, "2.der")
            check(s.enroll("alice", "secret", pem_csr, nodeids="2", out=first)[0] == "200", "PEM request")
            check(s.enroll("alice", "secret", der_csr, nodeids="2", out=second)[0] == "200", "returning user")
            ids = node_ids(first)
            check(len(ids) == 2 and node_ids(second) == ids, f"{ids} vs {node_ids(second)}")

            # Users added while it runs can enroll at once.
            r = run([binary, "--users", users, "--add-user", "carol", "--password", "pw3"])
            check(r.returncode == 0, r.stderr)
            carol = make_csr(work, "carol", "/CN=carol")
            check(s.enroll("carol", "pw3", carol)[0] == "200", "a user added while the server runs")

            # Refusals that are not the RFC's tokens.
            code, body = s.enroll("alice", "secret", der_csr, accept=None)  # curl sends Accept: */*
            check(code == "406" and body == "the Accept header must list application/pkix-cert (RFC 6940 section "
                  "11.3)\n", f"no Accept: {code} {body!r}")
            check(s.enroll("alice", "secret", der_csr, csr_type="text/plain") == ("403", "bad_CSR"), "csr type")
            big = os.path.join(work, "big")
            open(big, "wb").write(os.urandom(100 * 1024))
            check(s.enroll("alice", "secret", big)[0] == "413", "a body over the limit")
            r = s.curl("-w", "%{http_code}", "-o", "/dev/null", "-X", "POST", "-H", "Accept: application/pkix-cert",
                       "-H", "Content-Type: application/x-www-form-urlencoded", "--data", "username=alice",
                       s.url + "/enroll")
            check(r.stdout == "400", f"urlencoded: {r.stdout}")
            r = s.curl("-w", "%{http_code}", "-o", "/dev/null", s.url + "/nothing")
            check(r.stdout == "404", r.stdout)
            r = s.curl("-w", "%{http_code}", "-o", "/dev/null", "-H", "X-Big: " + "x" * 10000, s.url + "/")
            check(r.stdout == "413", f"oversized headers: {r.stdout}")

            # Malformed HTTP gets a 400 and the connection is closed.
            t = tls_socket(s.port)
            t.sendall(b"THIS IS NOT HTTP\r\n\r\n")
            answer = t.recv(4096)
            check(answer.startswith(b"HTTP/1.1 400"), answer)
            t.close()

            # Slow and silent clients are cut off after --io-timeout (2 s).
            slow = tls_socket(s.port)
            slow.sendall(b"GET /.well-known/reload-config HTTP/1.1\r\nHost: x\r\n")  # never finished
            silent = socket.create_connection(("127.0.0.1", s.port), timeout=10)  # never says hello
            trickle = tls_socket(s.port)
            start = time.time()
            for chunk in (b"GET /.well-known/", b"reload-config HTTP/1.1\r\n", b"Host: x\r\n"):
                trickle.sendall(chunk)  # a byte now and then does not extend the deadline
                time.sleep(0.7)
            check(closed_within(slow, 6), "a slow client was not cut off")
            check(closed_within(silent, 6), "a silent client was not cut off")
            check(closed_within(trickle, 6), "a trickling client was not cut off")
            check(time.time() - start < 8, "cut off too late")

            # At most four connections: a fifth is closed at once; room again afterwards.
            held = [socket.create_connection(("127.0.0.1", s.port), timeout=10) for _ in range(4)]
            time.sleep(0.3)
            r = s.curl("-o", "/dev/null", "-w", "%{http_code}", s.url + "/.well-known/reload-config")
            check(r.stdout != "200", "a fifth connection was served")
            for h in held:
                h.close()
            time.sleep(0.5)
            s.get_config()

            # Concurrent enrollments of different users: all served, no Node-ID twice.
            names = [f"user{i}" for i in range(4)]
            for n in names:
                check(run([binary, "--users", users, "--add-user", n, "--password", "pw-" + n]).returncode == 0, n)

            def enroll_one(n):
                out = os.path.join(work, n + ".der")
                code, body = s.enroll(n, "pw-" + n, make_csr(work, n, "/CN=" + n), nodeids="3", out=out)
                return code, node_ids(out) if code == "200" else body
            with concurrent.futures.ThreadPoolExecutor(4) as pool:
                results = list(pool.map(enroll_one, names))
            check(all(code == "200" for code, _ in results), results)
            every = [i for _, ids3 in results for i in ids3] + ids
            check(len(every) == 14 and len(set(every)) == 14, "a Node-ID was issued twice")
            s.get_config()  # still serving
        finally:
            code = s.stop(signal.SIGTERM)
        check(code == 0, f"SIGTERM: exit status {code}")
        log = open(os.path.join(work, "server.log")).read()
        check("POST /enroll -> 200" in log and "-> 413" in log and "stopped" in log, log[-2000:])

        # A restart on the same CA directory: the same CA and signer, the same Node-IDs.
        ca_before = open(os.path.join(ca_dir, "ca.crt")).read()
        signer_before = open(os.path.join(ca_dir, "signer.crt")).read()
        s = Server(binary, work)
        try:
            check(open(s.ca).read() == ca_before, "the CA changed on restart")
            check(open(os.path.join(ca_dir, "signer.crt")).read() == signer_before, "the signer changed on restart")
            again = os.path.join(work, "3.der")
            check(s.enroll("alice", "secret", der_csr, nodeids="2", out=again)[0] == "200", "after restart")
            check(node_ids(again) == ids, "Node-IDs changed across a restart")
        finally:
            code = s.stop(signal.SIGINT)
        check(code == 0, f"SIGINT: exit status {code}")

        hostile_clients(binary, work)
        print("enroll-server: command line, failed starts, port 0, limits, timeouts, concurrency, restarts and "
              "hostile clients OK")


if __name__ == "__main__":
    main()
