#!/usr/bin/python3
"""The enrollment server as a process, and clients nobody here wrote: openssl makes the CSR,
curl POSTs the form, openssl verifies the certificate. Then the library's client.

Usage: enrollment_test.py RELOAD_ENROLL_SERVER RELOAD_NODE ENROLL_CLIENT
"""
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(__file__))
from rig import Rig  # noqa: E402


def run(cmd, **kw):
    return subprocess.run(cmd, capture_output=True, text=True, **kw)


def main():
    server_bin, node_bin, client_bin = sys.argv[1:4]
    for tool in ("curl", "openssl"):
        if not shutil.which(tool):
            sys.exit(f"FAIL: {tool} is not installed (tools/run-tests installs it)")
    with tempfile.TemporaryDirectory() as work:
        rig = Rig(server_bin, node_bin, work)
        try:
            rig.add_user("alice", "secret", "alice@example.org")
            rig.add_user("bob", "pw")
            dup = run([server_bin, "--users", rig.users, "--add-user", "alice", "--password", "x"])
            assert dup.returncode != 0 and "exists already" in dup.stderr, dup.stderr
            rig.start_server()
            curl = ["curl", "-sS", "--cacert", rig.ca_file]

            # The configuration document, signed, with the CA as root-cert.
            doc = os.path.join(work, "doc.xml")
            r = run(curl + ["-o", doc, "-w", "%{http_code} %{content_type}", rig.url + "/.well-known/reload-config"])
            assert r.stdout == "200 application/p2p-overlay+xml", r.stdout
            text = open(doc).read()
            ca_b64 = "".join(l for l in open(rig.ca_file).read().splitlines() if "CERTIFICATE" not in l)
            assert ca_b64[:60] in text.replace("\n", "").replace(" ", ""), "root-cert is not the CA"
            assert "<signature>" in text and "<kind-signature>" in text

            # openssl req + curl -F
            key, csr = os.path.join(work, "k.pem"), os.path.join(work, "csr.der")
            r = run(["openssl", "req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                     "-keyout", key, "-subj", "/CN=alice", "-outform", "DER", "-out", csr])
            assert r.returncode == 0, r.stderr

            def enroll(user, password, csr_file, nodeids=None, out=None):
                cmd = curl + ["-H", "Accept: application/pkix-cert", "-F", f"username={user}",
                              "-F", f"password={password}", "-F", f"csr=@{csr_file};type=application/pkcs10",
                              "-w", "\n%{http_code} %{content_type}"]
                if nodeids:
                    cmd += ["-F", f"nodeids={nodeids}"]
                if out:
                    cmd += ["-o", out]
                return run(cmd + [rig.url + "/enroll"]).stdout

            der = os.path.join(work, "cert.der")
            assert enroll("alice", "secret", csr, "2", der).strip() == "200 application/pkix-cert"
            pem = os.path.join(work, "cert.pem")
            run(["openssl", "x509", "-inform", "DER", "-in", der, "-out", pem], check=True)
            v = run(["openssl", "verify", "-CAfile", rig.ca_file, pem])
            assert v.returncode == 0 and v.stdout.strip().endswith("OK"), v.stdout + v.stderr
            san = run(["openssl", "x509", "-in", pem, "-noout", "-ext", "subjectAltName"]).stdout
            assert san.count("URI:reload://0110") == 2, san
            assert "@xmpp.reload.test/" in san, san
            assert "email:alice@xmpp.reload.test" in san, san
            assert "XmppAddr::alice@example.org" in san, san
            subj = run(["openssl", "x509", "-in", pem, "-noout", "-subject"]).stdout.strip()
            assert subj in ("subject=", "subject="), subj

            garbage = os.path.join(work, "garbage.der")
            open(garbage, "wb").write(b"this is not a CSR")
            bob_csr = os.path.join(work, "bob.der")
            run(["openssl", "req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                 "-keyout", os.path.join(work, "b.pem"), "-subj", "/CN=bob", "-outform", "DER", "-out", bob_csr],
                check=True)
            cases = [
                (("alice", "wrong", csr), "failed_authentication\n403 text/plain"),
                (("mallory", "secret", csr), "failed_authentication\n403 text/plain"),
                (("alice", "secret", garbage), "bad_CSR\n403 text/plain"),
                (("alice", "secret", bob_csr), "username_not_available\n403 text/plain"),
                (("alice", "secret", csr, "9"), "Node-IDs_not_available\n403 text/plain"),
            ]
            for args, want in cases:
                got = enroll(*args)
                assert got == want, f"{args}: {got!r}"
            # Still serving after every refusal.
            r = run(curl + ["-o", "/dev/null", "-w", "%{http_code}", rig.url + "/.well-known/reload-config"])
            assert r.stdout == "200", r.stdout

            # The library's client: enrolls, then reuses its state without the server.
            state = os.path.join(work, "state")
            r = run([client_bin, rig.url + "/.well-known/reload-config", rig.ca_file, "alice", "secret", state,
                     "alice@example.org"])
            assert r.returncode == 0 and r.stdout.startswith("enrolled "), r.stdout
            node_id = r.stdout.split()[1]
            assert oct(os.stat(os.path.join(state, "node.key")).st_mode & 0o777) == "0o600"
            r = run([client_bin, rig.url + "/.well-known/reload-config", rig.ca_file, "bob", "wrong",
                     os.path.join(work, "s2")])
            assert r.returncode == 1 and "403 failed_authentication" in r.stdout, r.stdout
            # The wrong trust anchor: the client refuses the server.
            r = run([client_bin, rig.url + "/.well-known/reload-config", pem, "bob", "pw", os.path.join(work, "s3")])
            assert r.returncode == 1 and "fetching the configuration" in r.stdout, r.stdout
            rig.close()
            r = run([client_bin, rig.url + "/.well-known/reload-config", rig.ca_file, "alice", "secret", state])
            assert r.stdout.strip() == "loaded " + node_id, r.stdout
            print("enrollment: curl/openssl and the library client enrolled; every refusal had its token")
        finally:
            rig.close()


if __name__ == "__main__":
    main()
