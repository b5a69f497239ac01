#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
#
# docs/config-keywords.py - regenerate the keyword tables of
# docs/configuration.md from `efsgw --help-config`, which is the truth:
# the daemon prints it from the same table its parser uses. The tables sit
# between the BEGIN/END markers in configuration.md and are grouped by
# purpose with the GROUPS list below; a keyword that no group names makes
# this script fail, so a new keyword cannot be left out of the manual.
#
# It also writes the KEYWORDS section of the man page man/efsgw.conf.5
# (mdoc), between the same kind of markers.
#
#   docs/config-keywords.py BUILD/proxy/efsgw [docs/configuration.md [man/efsgw.conf.5]]
#   docs/config-keywords.py --check BUILD/proxy/efsgw   (exit 1 if stale)
import os
import re
import subprocess
import sys

SECTIONS = {
    "top level:": "global",
    "filesystem fs-ID { ... }:": "filesystem",
    "listener NAME { ... }:": "listener",
}

# (title, [(section, keyword), ...]) in the order the manual presents them.
GROUPS = [
    ("Mount targets (listener blocks)", [
        ("listener", "address"), ("listener", "filesystem"),
        ("listener", "grants"), ("listener", "access-point"),
        ("listener", "tls"), ("listener", "tls-cert"), ("listener", "tls-key"),
    ]),
    ("Backend: the NFS server behind a file system", [
        ("filesystem", "backend"), ("filesystem", "export"),
        ("filesystem", "reserved-port"), ("global", "connect-timeout"),
        ("global", "probe-interval"),
    ]),
    ("TLS", [
        ("filesystem", "tls-cert"), ("filesystem", "tls-key"),
        ("global", "handshake-timeout"),
    ]),
    ("Identities and ARNs", [
        ("global", "region"), ("global", "account"),
        ("global", "identity-jwt-keys"), ("global", "identity-jwt-hs256-secret"),
        ("global", "identity-jwt-issuer"), ("global", "identity-jwt-require-cnf"),
        ("global", "identity-audience"), ("global", "identity-credentials"),
        ("global", "identity-client-ca"), ("global", "identity-clock-skew"),
    ]),
    ("Authorization and confinement", [
        ("filesystem", "policy"), ("filesystem", "access-points"),
        ("filesystem", "anon-uid"), ("filesystem", "anon-gid"),
        ("filesystem", "share-deny"),
    ]),
    ("Sealed handles and state", [
        ("filesystem", "handle-keys"), ("global", "state-dir"),
    ]),
    ("QoS: throughput and performance modes", [
        ("filesystem", "qos"), ("filesystem", "throughput-mode"),
        ("filesystem", "provisioned-throughput"),
        ("filesystem", "performance-mode"), ("filesystem", "storage-size"),
        ("filesystem", "storage-refresh"), ("filesystem", "qos-baseline-min"),
        ("filesystem", "qos-burst-min"), ("filesystem", "qos-credit-cap-min"),
        ("filesystem", "qos-read-iops"), ("filesystem", "qos-write-iops"),
        ("filesystem", "qos-client-max"), ("global", "redis"),
        ("global", "redis-password-file"), ("global", "gateway-id"),
    ]),
    ("Lifecycle tiering (efsgw recalls, efsgw-tier moves; see tiering.md)", [
        ("filesystem", "lifecycle"), ("filesystem", "tier-ia"),
        ("filesystem", "tier-archive"), ("filesystem", "tier-registry"),
        ("filesystem", "tier-min-size"),
        ("filesystem", "tier-archive-compress"),
    ]),
    ("Connection limits and timeouts", [
        ("global", "max-connections"), ("global", "max-preauth-connections"),
        ("global", "max-calls-in-flight"),
        ("global", "max-output-queue"), ("global", "max-record-size"), ("global", "max-record-size-preauth"),
        ("global", "record-timeout"), ("global", "idle-timeout"),
        ("global", "drain-timeout"),
    ]),
    ("Privileges", [
        ("global", "user"), ("global", "group"),
    ]),
    ("Logging, audit and monitoring", [
        ("global", "log-level"), ("global", "audit-log"),
        ("global", "admin-address"), ("global", "capture-dir"),
    ]),
]

# What SIGHUP does to a keyword beyond what --help-config says.
RELOAD_NOTES = {
    ("filesystem", "lifecycle"): "restart (efsgw); each efsgw-tier start",
    ("filesystem", "tier-ia"): "restart (efsgw); each efsgw-tier start",
    ("filesystem", "tier-archive"): "restart (efsgw); each efsgw-tier start",
    ("filesystem", "tier-registry"): "restart (efsgw); each efsgw-tier start",
    ("filesystem", "tier-min-size"): "each efsgw-tier start",
    ("filesystem", "tier-archive-compress"): "restart (efsgw); each efsgw-tier start",
    ("global", "redis"): "restart (a running file system keeps its Redis link)",
    ("global", "redis-password-file"): "restart (read with redis)",
    ("filesystem", "performance-mode"): "never (fixed once served)",
    ("filesystem", "handle-keys"): "SIGHUP (new connections)",
    ("listener", "tls"): "SIGHUP (new connections)",
    ("listener", "tls-cert"): "SIGHUP (new connections)",
    ("listener", "tls-key"): "SIGHUP (new connections)",
    ("filesystem", "tls-cert"): "SIGHUP (new connections)",
    ("filesystem", "tls-key"): "SIGHUP (new connections)",
    ("filesystem", "access-points"): "SIGHUP (new connections)",
    ("filesystem", "backend"): "SIGHUP (new connections)",
    ("filesystem", "export"): "SIGHUP (new connections)",
    ("filesystem", "policy"): "SIGHUP or file change (live connections too)",
    ("listener", "grants"): "SIGHUP (live connections too)",
    ("listener", "access-point"): "SIGHUP (live clients it no longer fits lose their grants)",
    ("filesystem", "qos"): "SIGHUP (new connections)",
    ("global", "gateway-id"): "restart",
    ("filesystem", "qos-baseline-min"): "restart",
    ("filesystem", "qos-burst-min"): "restart",
    ("filesystem", "qos-credit-cap-min"): "restart",
    ("filesystem", "qos-read-iops"): "restart",
    ("filesystem", "qos-write-iops"): "restart",
    ("filesystem", "qos-client-max"): "restart",
    ("global", "max-record-size"): "SIGHUP (new connections)",
    ("global", "max-output-queue"): "SIGHUP (new connections)",
    ("global", "max-preauth-connections"): "SIGHUP",
    ("global", "max-record-size-preauth"): "SIGHUP (new connections)",
    ("global", "record-timeout"): "SIGHUP (new connections)",
    ("global", "idle-timeout"): "SIGHUP (new connections)",
    ("global", "max-calls-in-flight"): "SIGHUP (new connections)",
    ("global", "identity-jwt-keys"): "SIGHUP (new connections)",
    ("global", "identity-jwt-issuer"): "SIGHUP (new connections)",
    ("global", "identity-jwt-require-cnf"): "SIGHUP (new connections)",
    ("global", "identity-jwt-hs256-secret"): "SIGHUP (new connections)",
    ("global", "identity-audience"): "SIGHUP (new connections)",
    ("global", "identity-credentials"): "SIGHUP (new connections)",
    ("global", "identity-client-ca"): "SIGHUP (new connections)",
    ("global", "identity-clock-skew"): "SIGHUP (new connections)",
}

ITEM = re.compile(r"^  (\S+)\s+(\S+)\s+(?:\[(\d+)\.\.(\d+)\]\s+)?"
                  r"default (.*?)(, restart to change)?$")
BEGIN = "<!-- BEGIN keywords: generated by docs/config-keywords.py from efsgw --help-config; do not edit -->"
END = "<!-- END keywords -->"


def parse(text):
    items, section, last = {}, None, None
    for line in text.splitlines():
        if line in SECTIONS:
            section = SECTIONS[line]
            continue
        m = ITEM.match(line)
        if m:
            name, typ, lo, hi, default, restart = m.groups()
            last = (section, name)
            items[last] = {"type": typ, "range": (lo, hi) if lo else None,
                           "default": default, "restart": bool(restart),
                           "help": ""}
        elif line.startswith("      ") and last is not None:
            items[last]["help"] += (" " if items[last]["help"] else "") + line.strip()
        elif line.strip():
            sys.exit("config-keywords: cannot read --help-config line: %r" % line)
    return items


def cell(s):
    return s.replace("|", "\\|")


def render(items):
    seen, out = set(), []
    for title, keys in GROUPS:
        out += ["", "#### " + title, "",
                "| keyword | in | value | default | reload | meaning |",
                "| --- | --- | --- | --- | --- | --- |"]
        for key in keys:
            if key not in items:
                sys.exit("config-keywords: %s %s is in GROUPS but efsgw does "
                         "not know it" % key)
            it = items[key]
            seen.add(key)
            value = it["type"]
            if it["range"]:
                value += " %s..%s" % it["range"]
            reload = "restart" if it["restart"] else "SIGHUP"
            reload = RELOAD_NOTES.get(key, reload)
            out.append("| `%s` | %s | %s | %s | %s | %s |" % (
                key[1], key[0], cell(value), cell(it["default"]), reload,
                cell(it["help"])))
    missing = sorted(set(items) - seen)
    if missing:
        sys.exit("config-keywords: add these keywords to GROUPS: %s" %
                 ", ".join("%s %s" % k for k in missing))
    return "\n".join(out[1:])


MAN_BEGIN = ".\\\" BEGIN keywords: generated by docs/config-keywords.py from efsgw --help-config; do not edit"
MAN_END = ".\\\" END keywords"
SECTION_TEXT = {"global": "top level", "filesystem": "in a filesystem block",
                "listener": "in a listener block"}


def roff(s):
    """Escape text for an mdoc text line."""
    s = s.replace("\\", "\\e")
    if s[:1] in (".", "'"):
        s = "\\&" + s
    return s


def render_man(items):
    out = []
    for title, keys in GROUPS:
        out += [".Ss " + roff(title), ".Bl -tag -width Ds"]
        for key in keys:
            it = items[key]
            value = it["type"]
            out.append(".It Ic %s Ar %s" % (key[1], value))
            out.append(roff(it["help"][:1].upper() + it["help"][1:] + "."))
            facts = [SECTION_TEXT[key[0]]]
            if it["range"]:
                facts.append("%s to %s" % it["range"])
            facts.append("default %s" % it["default"])
            reload = "restart" if it["restart"] else "SIGHUP"
            facts.append("reload: " + RELOAD_NOTES.get(key, reload))
            out.append(roff("(" + "; ".join(facts) + ")"))
        out.append(".El")
    return "\n".join(out)


def splice(path, begin, end, body, check, efsgw):
    with open(path) as f:
        old = f.read()
    a, b = old.find(begin), old.find(end)
    if a < 0 or b < a:
        sys.exit("config-keywords: %s has no BEGIN/END keyword markers" % path)
    new = old[:a] + begin + "\n" + body + "\n" + old[b:]
    if check:
        if new != old:
            sys.exit("config-keywords: %s is stale; run docs/config-keywords.py %s"
                     % (path, efsgw))
        return
    if new != old:
        with open(path, "w") as f:
            f.write(new)


def main(argv):
    check = argv[:1] == ["--check"]
    if check:
        argv = argv[1:]
    if not argv:
        sys.exit(__doc__ if __doc__ else "usage: config-keywords.py [--check] EFSGW [DOC]")
    efsgw = argv[0]
    doc = argv[1] if len(argv) > 1 else os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "configuration.md")
    text = subprocess.run([efsgw, "--help-config"], capture_output=True,
                          text=True, check=True, timeout=30).stdout
    items = parse(text)
    table = render(items)
    man = argv[2] if len(argv) > 2 else os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "..", "man", "efsgw.conf.5")
    splice(doc, BEGIN, END, table, check, efsgw)
    splice(man, MAN_BEGIN, MAN_END, render_man(items), check, efsgw)
    return 0

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
