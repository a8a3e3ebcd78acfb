#!/usr/bin/python3
"""reload-enroll-server as an operator and a hostile network see it: the command line, a
start on port 0, failed starts, the document's URL and the server certificate's names, PEM
requests, returning users, users added while it runs, bad and oversized requests, slow and
silent clients, the connection limit, concurrent enrollments, restarts on the same CA
directory, and a clean stop on SIGTERM and SIGINT. Everything on 127.0.0.1.

Usage: enroll_server_test.py RELOAD_ENROLL_SERVER
"""
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


def tls_socket(port):
    ctx = ssl.create_default_context()
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    s = socket.create_connection(("127.0.0.1", port), timeout=10)
    return ctx.wrap_socket(s)


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
        print("enroll-server: command line, failed starts, port 0, limits, timeouts, concurrency and restarts OK")


if __name__ == "__main__":
    main()
