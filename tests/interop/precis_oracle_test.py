#!/usr/bin/python3
"""JID preparation (src/xmpp) against PRECIS code nobody here wrote.

Oracles:
  * Debian's python3-precis-i18n: its UsernameCaseMapped and OpaqueString profiles (RFC 8265)
    for the localpart and the resourcepart, plus RFC 7622's two extra rules, which are not
    PRECIS: a localpart never holds any of " & ' / : < > @, and a part has 1023 octets at most;
  * python3-idna (IDNA2008, RFC 5891/5892) for the domainpart, when it is installed.

Several hundred inputs come from a fixed seed: mixed scripts, fullwidth and halfwidth forms,
case, combining marks, ZWJ/ZWNJ, right-to-left text, symbols, spaces, emoji and edge code
points. Each input is prepared by tests/interop/jid_prepare (C++), by the oracle, and compared:
the same refusal, or the same prepared string octet for octet. Whole JIDs check that parsing
splits at the right places and that an error names its part. Every prepared result is
prepared a second time and must come back unchanged (idempotence).

A difference is accepted only when one of the KNOWN_DIFFERENCES below explains it, and the
explanation is itself checked (the input has the property named, and the oracle, corrected for
exactly that, agrees). Everything else fails the test.

Usage: precis_oracle_test.py PATH/TO/jid_prepare
"""
import random
import subprocess
import sys
import unicodedata

SEED = 7622
OCTET_LIMIT = 1023
LOCALPART_FORBIDDEN = set('"&\'/:<>@')


def fail(msg):
    print("FAIL:", msg)
    sys.exit(1)


try:
    import precis_i18n
except ImportError:
    fail("python3-precis-i18n is not installed for /usr/bin/python3 (tools/run-tests installs it)")

try:
    import idna
    import idna.core
except ImportError:
    idna = None

USERNAME = precis_i18n.get_profile("UsernameCaseMapped")
OPAQUE = precis_i18n.get_profile("OpaqueString")

# Code points assigned in Unicode 15.0 (ICU 72) that Python 3.11's unicodedata (Unicode 14.0)
# does not know. precis_i18n takes its Unicode data from unicodedata, so for it they are
# UNASSIGNED and refused; we judge them by their Unicode 15.0 properties. Each has a stand-in
# from Unicode 14 with the same PRECIS class, Bidi class, case and script role, so that the
# oracle can still check everything else about such an input (distinct, so they can be put
# back).
UNICODE_15_STAND_INS = {
    0x0CF3: 0x0903,   # KANNADA SIGN COMBINING ANUSVARA ABOVE RIGHT (Mc, L) ~ DEVANAGARI VISARGA
    0x0ECE: 0x0E31,   # LAO YAMAKKAN (Mn, NSM, ccc 0) ~ THAI MAI HAN-AKAT
    0x11F04: 0x0915,  # KAWI LETTER A (Lo, L) ~ DEVANAGARI KA
    0x1E4D0: 0x0916,  # NAG MUNDARI LETTER O (Lo, L) ~ DEVANAGARI KHA
    0x1F6DC: 0x265A,  # WIRELESS (So, ON) ~ BLACK CHESS KING
    0x1FA75: 0x265B,  # LIGHT BLUE HEART (So, ON) ~ BLACK CHESS QUEEN
    0x31350: 0x4E2D,  # CJK UNIFIED IDEOGRAPH-31350 (Lo, Han) ~ U+4E2D
}
UNICODE_15_ADDITIONS = set(UNICODE_15_STAND_INS)


# ---------------------------------------------------------------------------- the inputs

def pool(*items):
    out = []
    for item in items:
        if isinstance(item, tuple):
            out.extend(chr(c) for c in range(item[0], item[1] + 1))
        else:
            out.append(item)
    return out


POOLS = {
    "ascii": pool((0x21, 0x7E), " "),
    "latin": pool("é", "ß", "ẞ", "İ", "ı", "Å", "ñ", "Ø", "ǅ", "ǆ", "K", "Å", "Ω", "ﬁ", "ẛ"),
    "greek": pool("Σ", "σ", "ς", "Α", "α", "Ω", "π", "ΐ", "͵", "\u0375"),
    "cyrillic": pool((0x0410, 0x044F), "Ё", "ё"),
    "cased_other": pool("Ա", "ա", "Ꭰ", "ꭰ", "Ა", "ა", "𐐀", "𐐨", "Ⓐ", "ⓐ"),
    "cjk": pool("中", "文", "字", "ひ", "ら", "カ", "タ", "\u30FB", "\u3005", "\u3007", "\u3002"),
    "width": pool((0xFF01, 0xFF5E), (0xFF61, 0xFF9F), "\uFFE0", "\uFFE6", "\u3000"),
    "hangul": pool("한", "글", "\u1100", "\u1161", "\u11A8", "\u3131", "\uFFA1"),
    "combining": pool("\u0301", "\u0308", "\u0323", "\u0307", "\u030A", "\u20DD", "\u0345"),
    "indic": pool("\u0915", "\u0937", "\u094D", "\u0924", "\u0930", "\u0C15", "\u0C4D"),
    "joiners": pool("\u200C", "\u200D", "\u00B7", "l"),
    "arabic": pool("\u0628", "\u062E", "\u0627", "\u0645", "\u064E", "\u0640", (0x0660, 0x0669),
                   (0x06F0, 0x06F9), "\u06FD", "\u0710", "\u0712"),
    "hebrew": pool((0x05D0, 0x05EA), "\u05B0", "\u05F3", "\u05F4"),
    "bidi_controls": pool("\u200E", "\u200F", "\u202A", "\u202E", "\u061C", "\u2066"),
    "symbols": pool("♚", "€", "≠", "©", "™", "½", "¹", "Ⅳ", "ⅳ", "①", "‰", "¿", "—", "«"),
    "emoji": pool("😀", "👍", "\U0001F3FD", "👨", "👩", "👧", "🇩", "🇪", "\uFE0F", "❤"),
    "spaces": pool(" ", "\u00A0", "\u1680", (0x2000, 0x200A), "\u202F", "\u205F", "\u3000",
                   "\t", "\u2028", "\u2029", "\u200B", "\u00AD", "\u2060"),
    "edge": pool("\x00", "\x01", "\x7F", "\x85", "\uFFFE", "\uFFFF", "\uFDD0", "\U0010FFFF",
                 "\uE000", "\uF8FF", "\U000E0001", "\U000E0100", "\u0378", "\U000E0080",
                 "\u2FFF", "\U0001F000"),
}

TEMPLATES = [
    # Case and the sharp s, the sigmas, dotted capital I, Kelvin and Angstrom signs.
    "Juliet", "JULIET", "Fußball", "FUSSBALL", "ẞ", "ΣΑΣ", "σας", "ΟΔΟΣ", "ΣΑΣ ΣΑΣ", "Σa",
    "aΣ", "Σ", "ς", "İstanbul", "KELVIN", "Kevin", "Ångström", "Ωhm", "ǅemal", "ﬁle",
    # Fullwidth and halfwidth forms, ideographic space and stop.
    "Ｊｕｌｉｅｔ", "ＪＵＬＩＥＴ", "ｶﾞｷﾞ", "ﾊﾟｿｺﾝ", "ａ\u3000ｂ", "ｆｏｏ＠ｂａｒ", "ab＂cd",
    # Combining sequences in decomposed form (NFC must compose them).
    "e\u0301", "A\u030Angstrom", "a\u0308\u0301", "\u0301a", "\u1100\u1161\u11A8", "o\u0308\u0304",
    # Contextual rules.
    "col·legi", "a·b", "l·", "·l", "\u0375α", "\u0375a", "א\u05F3", "a\u05F3",
    "カ\u30FBタ", "a\u30FBb", "\u0661\u0662", "\u0661\u06F2", "\u06F1\u06F2",
    "\u0915\u094D\u200D\u0937", "\u0915\u094D\u200C\u0937", "a\u200Db", "a\u200Cb",
    "\u0628\u200C\u062E", "\u0627\u200C\u062E", "\u0628\u064E\u200C\u064E\u062E",
    # Right-to-left.
    "אב", "א1", "1א", "aא", "א-ב", "א-", "\u0627\u0644\u0639\u0631\u0628\u064A\u0629",
    "\u0627\u0661\u0662", "\u0627\u0661" "1", "\u05D0\u05B0", "\u200Fabc", "abc\u202E",
    # Spaces, symbols, emoji, separators.
    "foo bar", " foo", "foo ", "foo\u00A0bar", "foo\u2003bar", "♚", "king♚", "henryⅣ",
    "😀", "👍\U0001F3FD", "👨\u200D👩\u200D👧", "🇩🇪", "❤\uFE0F", "a\tb", "a\u2028b",
    "juliet@example.com", 'a"b', "a&b", "a'b", "a/b", "a:b", "a<b", "a>b", "foo\\20bar",
    # Edge code points.
    "\x00", "a\x7F", "\uFFFE", "\U0010FFFF", "\uE000", "a\u0378", "\U000E0001", "a\u00AD",
    "\u3164", "\uFFA0",
    # New in Unicode 15.0: see UNICODE_15_ADDITIONS.
    "\U0001F6DC", "\U00011F04\U00011F04", "\u0C95\u0CF3", "Nag\U0001E4D0",
]


def random_string(rng):
    names = rng.sample(sorted(POOLS), rng.choice([1, 1, 2, 3]))
    return "".join(rng.choice(POOLS[rng.choice(names)]) for _ in range(rng.randint(1, 8)))


def edge_lengths():
    return ["a" * OCTET_LIMIT, "a" * (OCTET_LIMIT + 1), "\u00E4" * 511 + "a", "\u00E4" * 512,
            "\uFF41" * OCTET_LIMIT, "e\u0301" * 511, "\U0001F600" * 256, "\U0001F600" * 255 + "abc"]


def inputs(rng, count):
    out = list(TEMPLATES) + edge_lengths()
    while len(out) < count:
        out.append(random_string(rng))
    return out


# ---------------------------------------------------------------------------- the oracles

def oracle_profile(profile, s, forbidden=()):
    """('ok', prepared) or ('err', reason)."""
    try:
        prepared = profile.enforce(s)
    except UnicodeEncodeError as e:
        return ("err", e.reason)
    if any(c in forbidden for c in prepared):
        return ("err", "RFC 7622 localpart character")
    if len(prepared.encode("utf-8")) > OCTET_LIMIT:
        return ("err", "longer than 1023 octets")
    return ("ok", prepared)


def oracle_localpart(s):
    return oracle_profile(USERNAME, s, LOCALPART_FORBIDDEN)


def oracle_resourcepart(s):
    return oracle_profile(OPAQUE, s)


def width_map(s):
    """Decomposition_Type Wide or Narrow to the decomposition mapping (RFC 8265 3.3.1)."""
    out = []
    for c in s:
        d = unicodedata.decomposition(c)
        if d.startswith("<wide>") or d.startswith("<narrow>"):
            out.append("".join(chr(int(h, 16)) for h in d.split()[1:]))
        else:
            out.append(c)
    return "".join(out)


def oracle_domainpart(s):
    """RFC 7622 3.2: the mappings of RFC 5895 (width, lowercase with Σ as in our localpart,
    NFC, full stops), then python3-idna for the IDNA2008 label rules."""
    mapped = unicodedata.normalize("NFC", width_map(s).replace("Σ", "σ").lower())
    for sep in "\u3002\uFF0E\uFF61":
        mapped = mapped.replace(sep, ".")
    if mapped.endswith("."):
        mapped = mapped[:-1]
    if not mapped:
        return ("err", "empty")
    labels = []
    try:
        for label in mapped.split("."):
            if not label:
                return ("err", "empty label")
            labels.append(idna.decode(idna.encode(label, uts46=False)))
    except (idna.IDNAError, UnicodeError) as e:
        return ("err", str(e))
    out = ".".join(labels)
    if len(out.encode("utf-8")) > OCTET_LIMIT:
        return ("err", "longer than 1023 octets")
    return ("ok", out)


# ---------------------------------------------------------------------------- known differences

def contains_unicode_15(s):
    return any(ord(c) in UNICODE_15_ADDITIONS for c in s)


def final_sigma_explains(oracle, s, ours):
    """precis_i18n lowercases with Python's str.lower(), which applies Unicode's context-
    dependent Final_Sigma mapping ("ΣΑΣ" -> "σας"). We map every Σ to σ, as RFC 8265 section
    3.5 describes ("the PRECIS mapping rules do not account for the special status of ς") and
    as Go's x/text/secure/precis does: a letter's preparation does not depend on its
    neighbours. Corrected for exactly that, precis_i18n must agree."""
    return "Σ" in s and oracle(s.replace("Σ", "σ")) == ours


def unicode_15_explains(oracle, s, ours):
    """precis_i18n refuses code points new in Unicode 15.0 as unassigned (see
    UNICODE_15_STAND_INS). Explained when the oracle, given the input with stand-ins in their
    place, agrees with us once the stand-ins are put back."""
    expected = oracle(s)
    if not contains_unicode_15(s) or expected[0] != "err" or "unassigned" not in expected[1]:
        return False
    stand_ins = {chr(new): chr(old) for old, new in UNICODE_15_STAND_INS.items()}
    if any(c in stand_ins for c in s):
        return False  # putting back would be ambiguous
    substituted = oracle("".join(chr(UNICODE_15_STAND_INS.get(ord(c), ord(c))) for c in s))
    if substituted[0] == "err":
        return ours[0] == "err"
    return ours == ("ok", "".join(stand_ins.get(c, c) for c in substituted[1]))


def idna_bidi_per_label_explains(oracle, s, ours):
    """python3-idna checks the Bidi Rule label by label, and only on labels with right-to-left
    text. RFC 5893 section 2 applies it to every label of a domain that has such a label
    ("א.123.example": "123" starts with a European number), and so do we. Explained: our
    Bidi Rule refusal of a domain with a right-to-left label and a label that breaks the rule
    when checked as RFC 5893 says."""
    if ours[0] != "err" or "Bidi Rule" not in ours[1]:
        return False
    labels = [l for l in unicodedata.normalize("NFC", width_map(s).lower()).split(".") if l]

    def breaks_rule(label):
        try:
            return not idna.core.check_bidi(label, check_ltr=True)
        except idna.IDNABidiError:
            return True
    has_rtl = any(unicodedata.bidirectional(c) in ("R", "AL", "AN") for l in labels for c in l)
    return has_rtl and any(breaks_rule(l) for l in labels)


KNOWN_DIFFERENCES = {
    "localpart": [("final sigma", final_sigma_explains), ("Unicode 15.0", unicode_15_explains)],
    "resourcepart": [("Unicode 15.0", unicode_15_explains)],
    "domainpart": [("Unicode 15.0", unicode_15_explains),
                   ("Bidi Rule on every label", idna_bidi_per_label_explains)],
}


# ---------------------------------------------------------------------------- the C++ side

class Prepare:
    def __init__(self, tool):
        self.tool = tool

    def run(self, requests):
        """requests: list of (what, bytes). Returns one parsed answer per request."""
        text = "".join(f"{what} {data.hex()}\n" for what, data in requests)
        done = subprocess.run([self.tool], input=text, capture_output=True, text=True,
                              timeout=120, check=False)
        if done.returncode != 0:
            fail(f"{self.tool} exited {done.returncode}: {done.stderr}")
        lines = done.stdout.splitlines()
        if len(lines) != len(requests):
            fail(f"{len(requests)} requests but {len(lines)} answers")
        return [parse_answer(line) for line in lines]


def parse_answer(line):
    kind, _, rest = line.partition(" ")
    if kind == "err":
        return ("err", rest)
    if kind != "ok":
        fail(f"unexpected answer {line!r}")
    fields = rest.split(" ")
    decode = lambda h: None if h == "-" else bytes.fromhex(h).decode("utf-8", "backslashreplace")
    if len(fields) == 1:
        return ("ok", decode(fields[0]))
    return ("ok", tuple(decode(f) for f in fields))


def same(ours, expected):
    """Both refuse (the reasons are worded differently), or both give the same string."""
    if ours[0] == "err" and expected[0] == "err":
        return True
    return ours == expected


# ---------------------------------------------------------------------------- the comparisons

def compare(prepare, what, oracle, samples):
    answers = prepare.run([(what, s.encode("utf-8")) for s in samples])
    explained, unexplained, agree = {}, [], 0
    for s, ours in zip(samples, answers):
        expected = oracle(s)
        if same(ours, expected):
            agree += 1
            continue
        reason = next((name for name, explains in KNOWN_DIFFERENCES[what]
                       if explains(oracle, s, ours)), None)
        if reason:
            explained[reason] = explained.get(reason, 0) + 1
        else:
            unexplained.append((s, ours, expected))

    # Idempotence: what we prepared, prepared again, is unchanged.
    prepared = [ours[1] for ours in answers if ours[0] == "ok"]
    again = prepare.run([(what, p.encode("utf-8")) for p in prepared])
    unstable = [(p, a) for p, a in zip(prepared, again) if a != ("ok", p)]

    summary = ", ".join(f"{n} {r}" for r, n in sorted(explained.items())) or "none"
    print(f"{what}: {len(samples)} inputs, {agree} agree, "
          f"{sum(explained.values())} differ for known reasons ({summary}), "
          f"{len(unexplained)} unexplained; {len(prepared)} results re-prepared, "
          f"{len(unstable)} changed")
    for s, ours, expected in unexplained[:20]:
        print(f"  DIFF {s!r} [{' '.join(f'U+{ord(c):04X}' for c in s[:12])}]: "
              f"ours {ours!r}, oracle {expected!r}")
    for p, a in unstable[:20]:
        print(f"  NOT IDEMPOTENT {p!r} -> {a!r}")
    return not unexplained and not unstable


def compare_ill_formed(prepare):
    """Bytes that are not UTF-8 are refused by every part."""
    bad = [b"\xC0\xAF", b"\xED\xA0\x80", b"\xF4\x90\x80\x80", b"a\xC3", b"\x80", b"\xFF"]
    requests = [(what, b) for what in ("localpart", "resourcepart", "domainpart") for b in bad]
    answers = prepare.run(requests)
    wrong = [(r, a) for r, a in zip(requests, answers)
             if a != ("err", f"{r[0]}: not well-formed UTF-8")]
    print(f"ill-formed UTF-8: {len(requests)} inputs, {len(wrong)} not refused as such")
    for r, a in wrong:
        print(f"  WRONG {r!r}: {a!r}")
    return not wrong


def compare_jids(prepare, rng, locals_, resources):
    """Whole JIDs: split at the first '/', then the first '@'; errors name their part."""
    domains = ["example.com", "Example.COM.", "ｅｘａｍｐｌｅ．ｃｏｍ", "[::1]", "xn--bcher-kva.example"]
    cases = []
    for _ in range(400):
        local = rng.choice(locals_ + [None])
        resource = rng.choice(resources + [None])
        if local is not None and ("@" in local or "/" in local):
            continue  # such a localpart would be split differently; covered by the unit tests
        cases.append((local, rng.choice(domains), resource))
    texts = [((l + "@") if l is not None else "") + d + (("/" + r) if r is not None else "")
             for l, d, r in cases]
    answers = prepare.run([("jid", t.encode("utf-8")) for t in texts])
    domain_of = {"example.com": "example.com", "Example.COM.": "example.com",
                 "ｅｘａｍｐｌｅ．ｃｏｍ": "example.com", "[::1]": "[::1]",
                 "xn--bcher-kva.example": "bücher.example"}
    def part_expectation(oracle, s):
        """The oracle's answer for one part, corrected for the known differences that the
        part-wise comparison above has shown; None to leave the case to that comparison."""
        if s is None:
            return ("ok", None)
        if contains_unicode_15(s):
            return None
        return oracle(s)

    def sigma_corrected_localpart(s):
        return oracle_localpart(s.replace("Σ", "σ"))

    bad = []
    skipped = 0
    for (local, domain, resource), text, ours in zip(cases, texts, answers):
        lp = part_expectation(sigma_corrected_localpart, local)
        rp = part_expectation(oracle_resourcepart, resource)
        if lp is None or rp is None:
            skipped += 1  # compared part by part above, with its known difference
            continue
        if lp[0] == "err":
            good = ours[0] == "err" and ours[1].startswith("localpart: ")
        elif rp[0] == "err":
            good = ours[0] == "err" and ours[1].startswith("resourcepart: ")
        else:
            good = ours == ("ok", (lp[1], domain_of[domain], rp[1]))
        if not good:
            bad.append((text, ours, lp, rp))
    print(f"jid: {len(texts)} whole JIDs ({skipped} left to the part-wise known differences), "
          f"{len(bad)} split or named wrongly")
    for b in bad[:20]:
        print("  WRONG", repr(b))
    return not bad


def main():
    if len(sys.argv) != 2:
        fail("usage: precis_oracle_test.py PATH/TO/jid_prepare")
    prepare = Prepare(sys.argv[1])
    rng = random.Random(SEED)
    print(f"precis_i18n {getattr(precis_i18n, '__version__', '?')} on Unicode "
          f"{unicodedata.unidata_version}; seed {SEED}")

    locals_ = inputs(rng, 700)
    resources = inputs(rng, 700)
    ok = compare(prepare, "localpart", oracle_localpart, locals_)
    ok &= compare(prepare, "resourcepart", oracle_resourcepart, resources)
    ok &= compare_ill_formed(prepare)
    ok &= compare_jids(prepare, rng, locals_, resources)

    if idna is None:
        print("SKIPPED domainpart oracle: python3-idna is not installed")
    else:
        labels = [s for s in inputs(rng, 400) if "." not in s]
        domains = [a + "." + b for a, b in zip(labels[0::2], labels[1::2])]
        domains += ["example.com", "Example.COM.", "bücher.example", "xn--bcher-kva.example",
                    "ex_ample.com", "-a.com", "ab--c.com", "xn--abc.com", "a..b", ".", "",
                    "\u05D0.123.example", "1\u05D0.example", "\u05D0\u05D1.example",
                    "ｅｘ\u3002com", "fußball.de", "ΣΑΣ.gr", "a\u200Db.com", "\u0915\u094D\u200D\u0937.in",
                    "l·l.cat", "a·b.cat", "\u0661\u0662.eg", "\u0661\u06F2.eg"]
        ok &= compare(prepare, "domainpart", oracle_domainpart, domains)

    if not ok:
        fail("differences without a known reason (see above)")
    print("PASS")


if __name__ == "__main__":
    main()
