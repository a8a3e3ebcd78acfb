#!/usr/bin/python3
"""The installed library, as an embedder uses it (issue 16): `meson install` into a scratch
root, then two programs built out of the tree with nothing but `pkg-config --cflags --libs
reload-xmpp` against what was installed there:

  - game_loop.cpp (C++ API): romeo's game client, a frame loop polling its io_context, sends
    COUNT chat messages to juliet, one per frame, and checks each echo comes back once;
  - echo_bot.c (C ABI, reload.h): juliet's client, answers every message with its echo.

They join an overlay of three reload-node peers on loopback with certificates from the real
enrollment server. Both must print OK; both must stop (Leave) within their deadlines.

Usage: embed_test.py RELOAD_ENROLL_SERVER RELOAD_NODE BUILD_DIR
"""
import glob
import os
import shlex
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "integration"))
from rig import Rig, wait_for  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
COUNT = 20


def run(cmd, **kw):
    r = subprocess.run(cmd, capture_output=True, text=True, **kw)
    if r.returncode != 0:
        sys.exit(f"FAIL: {' '.join(map(shlex.quote, cmd))}: exit {r.returncode}\n{r.stdout}{r.stderr}")
    return r.stdout


def main():
    server_bin, node_bin, build_dir = sys.argv[1:4]
    with tempfile.TemporaryDirectory() as work:
        root = os.path.join(work, "root")
        t0 = time.time()
        run(["meson", "install", "-C", build_dir, "--destdir", root, "--no-rebuild", "--quiet", "--strip"])
        pcs = glob.glob(os.path.join(root, "**", "pkgconfig", "reload-xmpp.pc"), recursive=True)
        assert len(pcs) == 1, f"reload-xmpp.pc installed {len(pcs)} times: {pcs}"
        env = dict(os.environ, PKG_CONFIG_PATH=os.path.dirname(pcs[0]), PKG_CONFIG_SYSROOT_DIR=root)
        flags = shlex.split(run(["pkg-config", "--cflags", "--libs", "reload-xmpp"], env=env))
        print(f"installed in {time.time() - t0:.1f} s; pkg-config --cflags --libs reload-xmpp: {' '.join(flags)}")
        assert all(f.startswith(("-I" + root, "-L" + root, "-l", "-pthread")) or f == "-I/usr/include"
                   for f in flags if f.startswith(("-I", "-L"))), "a flag points outside the installed tree"
        game = os.path.join(work, "game_loop")
        bot = os.path.join(work, "echo_bot")
        t0 = time.time()
        run(["c++", "-std=c++20", "-O1", os.path.join(HERE, "game_loop.cpp"), "-o", game, *flags], env=env)
        run(["cc", "-std=c11", "-Wall", "-Wextra", "-Werror", os.path.join(HERE, "echo_bot.c"), "-o", bot, *flags],
            env=env)
        print(f"game_loop.cpp and echo_bot.c built out of the tree in {time.time() - t0:.1f} s")
        libdir = os.path.dirname(os.path.dirname(pcs[0]))
        run_env = dict(os.environ, LD_LIBRARY_PATH=libdir)

        rig = Rig(server_bin, node_bin, work, update_interval=3)
        rig.use_ice()
        try:
            peers = ["n0", "n1", "n2"]
            for n in peers:
                rig.add_user(n, "pw-" + n)
            rig.add_user("romeo", "pw-romeo", "romeo@montague.lit")
            rig.add_user("juliet", "pw-juliet", "juliet@capulet.lit")
            rig.start_server()
            rig.start_node("n0", "pw-n0", bootstrap=False)
            wait_for(lambda: rig.status("n0").get("state") == "joined", 20, "the first node")
            for n in peers[1:]:
                rig.start_node(n, "pw-" + n)
            wait_for(lambda: rig.ring_consistent(peers), 60, "a consistent ring of 3")
            config_url = rig.url + "/.well-known/reload-config"
            bootstrap = f"127.0.0.1:{rig.bootstrap_port}"
            bot_log = open(os.path.join(work, "echo_bot.log"), "w")
            bot_proc = subprocess.Popen([bot, config_url, rig.ca_file, "juliet", "pw-juliet",
                                         os.path.join(work, "juliet"), bootstrap, "game", str(COUNT)],
                                        stdout=bot_log, stderr=subprocess.STDOUT, env=run_env)
            game_log = os.path.join(work, "game_loop.log")
            game_rc = subprocess.run([game, config_url, rig.ca_file, "romeo", "pw-romeo", os.path.join(work, "romeo"),
                                      bootstrap, "game", "juliet@capulet.lit", str(COUNT)],
                                     stdout=open(game_log, "w"), stderr=subprocess.STDOUT, env=run_env,
                                     timeout=150).returncode
            game_out = open(game_log).read()
            print("--- game_loop (C++ API, romeo) ---")
            print(game_out)
            bot_rc = bot_proc.wait(timeout=60)
            print("--- echo_bot (C ABI, juliet) ---")
            print(open(os.path.join(work, "echo_bot.log")).read())
            if os.environ.get("RIG_KEEP"):
                os.system(f"rm -rf {os.environ['RIG_KEEP']}; cp -r {work} {os.environ['RIG_KEEP']}")
            ok = game_rc == 0 and game_out.rstrip().endswith("OK") and bot_rc == 0
            print("PASS" if ok else f"FAIL: game_loop exit {game_rc}, echo_bot exit {bot_rc}")
            sys.exit(0 if ok else 1)
        finally:
            rig.close()


if __name__ == "__main__":
    main()
