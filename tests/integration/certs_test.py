#!/usr/bin/python3
"""certs/: the scripts that make a test CA and node certificates by hand (bash and the openssl
command line) make what the enrollment server makes, in the formats it reads:

  * make-ca.sh writes ca.key (0600) and ca.crt, a CA (basicConstraints cA=TRUE);
  * make-node-cert.sh issues a certificate with an empty subject, one reload:// URI per
    Node-ID, the rfc822Name and the xmppAddr otherName, that openssl verifies against the CA;
  * reload-enroll-server starts on a CA made by make-ca.sh and enrolls with it;
  * make-node-cert.sh issues from the server's --ca-dir too;
  * bad arguments are refused.

Usage: certs_test.py RELOAD_ENROLL_SERVER CERTS_DIR
"""
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile

TEMPLATE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "overlay-config", "local-xmpp.xml")


def run(cmd, **kw):
    return subprocess.run(cmd, capture_output=True, text=True, timeout=60, **kw)


def check(cond, what):
    if not cond:
        raise AssertionError(what)


def text_of(crt):
    return run(["openssl", "x509", "-in", crt, "-noout", "-text"]).stdout


def main():
    server_bin, certs = sys.argv[1:3]
    for tool in ("openssl", "curl", "bash"):
        if not shutil.which(tool):
            sys.exit(f"FAIL: {tool} is not installed (tools/lib/deps.sh installs it)")
    make_ca, make_node = os.path.join(certs, "make-ca.sh"), os.path.join(certs, "make-node-cert.sh")
    with tempfile.TemporaryDirectory() as work:
        ca = os.path.join(work, "ca")
        r = run([make_ca, "-d", ca, "-n", "hand CA"])
        check(r.returncode == 0, r.stderr)
        check(oct(os.stat(os.path.join(ca, "ca.key")).st_mode & 0o777) == "0o600", "ca.key is not 0600")
        t = text_of(os.path.join(ca, "ca.crt"))
        check("CA:TRUE" in t and "Certificate Sign" in t and "CN = hand CA" in t, t)
        check(run([make_ca, "-d", ca]).returncode != 0, "make-ca.sh overwrote a CA")

        ids = ["00112233445566778899aabbccddeeff", "ffeeddccbbaa99887766554433221100"]
        prefix = os.path.join(work, "alice")
        r = run([make_node, "-d", ca, "-o", "xmpp.reload.test", "-u", "alice@xmpp.reload.test",
                 "-x", "alice@example.org", "-i", ids[0], "-i", ids[1].upper(), "-O", prefix])
        check(r.returncode == 0, r.stderr)
        check(r.stdout.split()[-4:] == ["node-id", ids[0], "node-id", ids[1]], r.stdout)
        check(oct(os.stat(prefix + ".key").st_mode & 0o777) == "0o600", "the node key is not 0600")
        v = run(["openssl", "verify", "-CAfile", os.path.join(ca, "ca.crt"), prefix + ".crt"])
        check(v.returncode == 0, v.stdout + v.stderr)
        t = text_of(prefix + ".crt")
        check(re.search(r"Subject: *\n", t), "the subject is not empty")
        for want in (f"URI:reload://0110{ids[0]}@xmpp.reload.test/", f"URI:reload://0110{ids[1]}@xmpp.reload.test/",
                     "email:alice@xmpp.reload.test", "othername: XmppAddr::alice@example.org", "CA:FALSE",
                     "X509v3 Subject Alternative Name: critical"):
            check(want in t, f"{want} not in\n{t}")
        der = run(["openssl", "x509", "-inform", "DER", "-in", prefix + ".der", "-noout", "-fingerprint"]).stdout
        pem = run(["openssl", "x509", "-in", prefix + ".crt", "-noout", "-fingerprint"]).stdout
        check(der == pem and der, "PREFIX.der is not PREFIX.crt")

        # Random Node-IDs of another length, an RSA key.
        r = run([make_node, "-d", ca, "-o", "o.test", "-u", "bob@o.test", "-c", "3", "-l", "20", "-k", "rsa",
                 "-O", os.path.join(work, "bob")])
        check(r.returncode == 0, r.stderr)
        t = text_of(os.path.join(work, "bob.crt"))
        check(len(re.findall(r"URI:reload://0114[0-9a-f]{40}@o\.test/", t)) == 3, t)
        check("Key Encipherment" in t and "rsaEncryption" in t, t)

        for bad in (["-o", "o", "-u", "nobody"], ["-o", "o", "-u", "a@b", "-x", "a@b/c"], ["-o", "o", "-u", "a@b",
                    "-i", "abc"], ["-o", "o", "-u", "a@b", "-i", "00" * 15], ["-o", "o", "-u", "a@b", "-c", "0"],
                    ["-o", "o,x", "-u", "a@b"], ["-u", "a@b"]):
            r = run([make_node, "-d", ca, "-O", os.path.join(work, "bad"), *bad])
            check(r.returncode != 0 and r.stderr, f"{bad} was accepted")

        # The server takes a hand-made CA and issues from it.
        users = os.path.join(work, "users")
        check(run([server_bin, "--users", users, "--add-user", "carol", "--password", "pw"]).returncode == 0, "add")
        p = subprocess.Popen([server_bin, "--config", TEMPLATE, "--listen", "127.0.0.1:0", "--users", users,
                              "--ca-dir", ca], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        try:
            line = p.stdout.readline().strip()
            check(line.startswith("listening on https://127.0.0.1:"), line)
            url = line.split()[-1]
            csr, key = os.path.join(work, "carol.csr"), os.path.join(work, "carol.key")
            run(["openssl", "req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                 "-keyout", key, "-subj", "/CN=carol", "-out", csr]).check_returncode()
            cert = os.path.join(work, "carol.der")
            r = run(["curl", "-sS", "--cacert", os.path.join(ca, "ca.crt"), "-H", "Accept: application/pkix-cert",
                     "-F", "username=carol", "-F", "password=pw", "-F", f"csr=@{csr};type=application/pkcs10",
                     "-o", cert, "-w", "%{http_code}", url + "/enroll"])
            check(r.stdout == "200", r.stdout + r.stderr)
            run(["openssl", "x509", "-inform", "DER", "-in", cert, "-out", cert + ".pem"]).check_returncode()
            v = run(["openssl", "verify", "-CAfile", os.path.join(ca, "ca.crt"), cert + ".pem"])
            check(v.returncode == 0, v.stdout + v.stderr)
        finally:
            p.send_signal(signal.SIGTERM)
            check(p.wait(timeout=10) == 0, "the server did not stop cleanly")
        # ... and the scripts issue from the server's CA directory (it holds signer.* too).
        r = run([make_node, "-d", ca, "-o", "xmpp.reload.test", "-u", "dave@xmpp.reload.test",
                 "-O", os.path.join(work, "dave")])
        check(r.returncode == 0, r.stderr)
        print("certs: make-ca.sh and make-node-cert.sh make what the server makes and reads")


if __name__ == "__main__":
    main()
