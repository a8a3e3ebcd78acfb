"""A local test rig: an enrollment server and reload-node processes on 127.0.0.1.

Shared by the integration tests; every process is stopped when the rig closes, and every
port is picked free by the kernel first.
"""
import os
import signal
import socket
import subprocess
import time

TEMPLATE = os.path.join(os.path.dirname(__file__), "..", "..", "overlay-config", "local-xmpp.xml")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(pred, timeout, what):
    end = time.time() + timeout
    while time.time() < end:
        if pred():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


class Rig:
    def __init__(self, server_bin, node_bin, work, update_interval=None):
        self.server_bin, self.node_bin, self.work = server_bin, node_bin, work
        self.procs = []
        self.nodes = {}
        self.https_port = free_port()
        self.bootstrap_port = free_port()
        text = open(TEMPLATE).read()
        text = text.replace("https://127.0.0.1:8443/enroll", f"https://127.0.0.1:{self.https_port}/enroll")
        text = text.replace('port="6084"', f'port="{self.bootstrap_port}"')
        if update_interval:
            text = text.replace("<chord:chord-update-interval>60<", f"<chord:chord-update-interval>{update_interval}<")
        self.template = os.path.join(work, "overlay.xml")
        open(self.template, "w").write(text)
        self.users = os.path.join(work, "users")
        self.ca_dir = os.path.join(work, "ca")

    def use_ice(self):
        """The document without <no-ice>, its overlay-link-protocol DTLS: Attaches run ICE and
        links are DTLS-UDP-SR, bootstrap links DTLS-UDP-SR-NO-ICE."""
        text = open(self.template).read().replace("<no-ice>true</no-ice>", "<no-ice>false</no-ice>")
        text = text.replace("<overlay-link-protocol>TLS</overlay-link-protocol>",
                            "<overlay-link-protocol>DTLS</overlay-link-protocol>")
        open(self.template, "w").write(text)

    def add_node_multiple_kinds(self, kinds, max_node_multiple, max_count):
        """Adds private NODE-MULTIPLE Kinds ((kind_id, data model) pairs) to the document."""
        blocks = "".join(f"""
      <kind-block>
        <kind id="{kind_id}">
          <data-model>{model}</data-model>
          <access-control>NODE-MULTIPLE</access-control>
          <max-node-multiple>{max_node_multiple}</max-node-multiple>
          <max-count>{max_count}</max-count>
          <max-size>1024</max-size>
        </kind>
      </kind-block>""" for kind_id, model in kinds)
        text = open(self.template).read().replace("    </required-kinds>", blocks + "\n    </required-kinds>")
        open(self.template, "w").write(text)

    def add_user(self, name, password, jid=None):
        cmd = [self.server_bin, "--users", self.users, "--add-user", name, "--password", password]
        if jid:
            cmd += ["--xmpp-address", jid]
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)

    def start_server(self):
        self.server_log = os.path.join(self.work, "server.log")
        p = subprocess.Popen([self.server_bin, "--config", self.template, "--listen", f"127.0.0.1:{self.https_port}",
                              "--users", self.users, "--ca-dir", self.ca_dir],
                             stdout=open(self.server_log, "w"), stderr=subprocess.STDOUT)
        self.procs.append(p)
        self.server = p
        wait_for(lambda: "listening on" in open(self.server_log).read(), 20, "the enrollment server")
        self.url = f"https://127.0.0.1:{self.https_port}"
        self.ca_file = os.path.join(self.ca_dir, "ca.crt")

    def start_node(self, name, password, bootstrap=True, extra=(), stdin=None):
        pw = os.path.join(self.work, name + ".password")
        open(pw, "w").write(password + "\n")
        state = os.path.join(self.work, name)
        listen = f"127.0.0.1:{self.bootstrap_port}" if not bootstrap else "127.0.0.1:0"
        cmd = [self.node_bin, "--config", self.template, "--ca-file", self.ca_file, "--user", name,
               "--password-file", pw, "--state-dir", state, "--listen", listen]
        if bootstrap:
            cmd += ["--bootstrap", f"127.0.0.1:{self.bootstrap_port}"]
        cmd += list(extra)
        log = os.path.join(self.work, name + ".log")
        p = subprocess.Popen(cmd, stdout=open(log, "w"), stderr=subprocess.STDOUT, stdin=stdin, text=True)
        self.procs.append(p)
        self.nodes[name] = (p, state, log)
        return p

    def status(self, name):
        try:
            f = open(os.path.join(self.nodes[name][1], "status")).read().split()
        except OSError:
            return {}
        return dict(zip(f[::2], f[1::2]))

    def ring_consistent(self, names):
        rows = [self.status(n) for n in names]
        if any(r.get("state") != "joined" for r in rows):
            return False
        ids = sorted(r["node"] for r in rows)
        n = len(ids)
        for r in rows:
            k = ids.index(r["node"])
            if r["succ"] != ids[(k + 1) % n] or r["pred"] != ids[(k - 1) % n]:
                return False
        return True

    def describe(self, names):
        """The nodes' status lines, for a failure message."""
        return "\n".join(f"  {n}: {' '.join(f'{k}={v[:8]}' for k, v in self.status(n).items())}" for n in names)

    def close(self):
        for p in self.procs:
            if p.poll() is None:
                p.send_signal(signal.SIGTERM)
        for p in self.procs:
            try:
                p.wait(timeout=10)
            except subprocess.TimeoutExpired:
                p.kill()
