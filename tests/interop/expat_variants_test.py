#!/usr/bin/python3
"""The XML stream parser against the other expat of Debian 12 (issue: the build once broke
on an unchanged image). Debian 12's image carries expat 2.5.0-1+deb12u1, without reparse
deferral; its later updates (u2 onwards) backport it, and with it a split tag is held back.
The unit suite runs against the installed expat; this builds the parser's unit test against
the variant apt offers when it differs, extracted beside the build (apt-get download, no
install, linked statically), and checks:
  1. built as meson would (detecting XML_SetReparseDeferralEnabled), it passes;
  2. built with the detection forced off on a deferral-capable expat, the split-token test
     FAILS: the test can tell the two apart, so its passing means something.
Exit 77 (meson: skipped, reported as such) when the installed expat already is apt's
candidate, since the image's original cannot be downloaded any more.

    expat_variants_test.py SOURCE_ROOT WORK_DIR CXX [CXX ARGS...]
"""
import glob
import os
import shutil
import subprocess
import sys

SPLIT_TEST = "each stanza is reported as soon as its last byte arrives"
SOURCES = ["peer_stream.cpp", "stream_error.cpp", "stream_header.cpp", "xml_element.cpp",
           "xml_stream_parser.cpp", "xml_writer.cpp"]


def run(cmd, **kw):
    return subprocess.run(cmd, check=True, text=True, capture_output=True, **kw).stdout


def version(field, package):
    out = run(["apt-cache", "policy", package])
    for line in out.splitlines():
        if line.strip().startswith(field + ":"):
            return line.split(":", 1)[1].strip()
    return ""


def fetch(work, candidate):
    root = os.path.join(work, "expat-" + candidate)
    if os.path.exists(os.path.join(root, "usr/include/expat.h")):
        return root
    os.makedirs(root, exist_ok=True)
    debs = os.path.join(work, "debs")
    os.makedirs(debs, exist_ok=True)
    os.chmod(debs, 0o777)  # apt's _apt user writes the download
    run(["apt-get", "download", f"libexpat1-dev={candidate}"], cwd=debs)
    for deb in glob.glob(os.path.join(debs, f"*{candidate.replace(':', '%3a')}*.deb")):
        run(["dpkg", "-x", deb, root])
    return root


def build(src, work, cxx, expat_root, detected, name):
    # The static library: the test binary then cannot pick up the installed shared one.
    lib = glob.glob(os.path.join(expat_root, "usr/lib/*/libexpat.a"))[0]
    exe = os.path.join(work, name)
    files = [os.path.join(src, "src/xmpp", s) for s in SOURCES]
    files += [os.path.join(src, "tests/unit/xmpp/xml_stream_parser_test.cpp"),
              os.path.join(src, "tests/support/doctest_main.cpp")]
    cmd = cxx + ["-std=c++20", "-O1", f"-DRELOAD_EXPAT_HAS_REPARSE_DEFERRAL={1 if detected else 0}",
                 "-isystem", os.path.join(expat_root, "usr/include"),
                 "-I", os.path.join(src, "src"), "-I", os.path.join(src, "include"),
                 "-I", os.path.join(src, "tests/unit/xmpp"), "-I", os.path.join(src, "tests/support"),
                 *files, "-o", exe, lib, "-lfmt"]
    run(cmd)
    return exe


def main():
    if len(sys.argv) < 4:
        sys.exit(__doc__)
    src, work, cxx = sys.argv[1], sys.argv[2], sys.argv[3:]
    os.makedirs(work, exist_ok=True)
    installed = version("Installed", "libexpat1-dev")
    candidate = version("Candidate", "libexpat1-dev")
    print(f"installed expat: {installed}; apt's candidate: {candidate}")
    if not candidate or candidate == installed:
        print("SKIP: the installed expat is apt's candidate; no other variant can be fetched")
        sys.exit(77)
    root = fetch(work, candidate)
    header = open(os.path.join(root, "usr/include/expat.h")).read()
    has_deferral = "XML_SetReparseDeferralEnabled" in header
    print(f"{candidate}: reparse deferral {'present' if has_deferral else 'absent'}")

    exe = build(src, work, cxx, root, has_deferral, "parser_test_detected")
    r = subprocess.run([exe], text=True, capture_output=True)
    print(r.stdout[-2000:], r.stderr[-2000:])
    if r.returncode != 0:
        sys.exit(f"FAIL: the parser's unit test fails against expat {candidate}")
    print(f"ok: the parser's unit test passes against expat {candidate}")

    if has_deferral:
        exe = build(src, work, cxx, root, False, "parser_test_undetected")
        r = subprocess.run([exe, f"--test-case={SPLIT_TEST}"], text=True, capture_output=True)
        if r.returncode == 0:
            sys.exit("FAIL: with reparse deferral left on, the split-token test still passes: it cannot "
                     "tell the builds apart")
        print("ok: with reparse deferral left on, the split-token test fails, as it must")
    shutil.rmtree(os.path.join(work, "debs"), ignore_errors=True)


if __name__ == "__main__":
    main()
