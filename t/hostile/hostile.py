#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
#
# t/hostile/hostile.py - hostile clients for t/hostile/hostile.sh. Each
# subcommand plays one attacker against a running efsgw and prints
# "check NAME ok|fail DETAIL" lines that the shell turns into TAP results,
# and "note ..." lines with what it measured. Every loop and every wait is
# bounded; nothing here asserts how fast anything is.
#
#   flood ADDR PID [tls|N] calls the gateway answers itself (an unknown RPC
#                         program), sent without ever reading a reply (over
#                         TLS with "tls", on N connections at once with N):
#                         the gateway's resident memory must stay bounded
#   trickle ADDR          a NULL call sent one byte at a time: closed by the
#                         whole-record deadline before it completes
#   tls-trickle ADDR      a TLS ClientHello sent one byte at a time: closed by
#                         the handshake deadline before it completes
#   hold ADDR N CMD...    hold N idle sockets to the gateway while CMD runs
#   fdstorm ADDR PID LOG  descriptor exhaustion: lower the gateway's
#                         RLIMIT_NOFILE, open a storm of sockets, and check
#                         CPU, log volume, old and new clients
import os
import resource
import select
import socket
import ssl
import struct
import subprocess
import sys
import time

NFS4_PROGRAM = 100003


def check(name, ok, detail=""):
    print("check %s %s %s" % (name, "ok" if ok else "fail", detail), flush=True)
    return ok


def note(msg):
    print("note %s" % msg, flush=True)


def addr(s):
    host, port = s.rsplit(":", 1)
    return host, int(port)


def rpc_call(xid, prog, vers, proc, body=b""):
    """One RPC call record (RFC 5531 §9), AUTH_NONE, with its record mark."""
    msg = struct.pack(">IIIIIIIIII", xid, 0, 2, prog, vers, proc, 0, 0, 0, 0)
    msg += body
    return struct.pack(">I", 0x80000000 | len(msg)) + msg


def vmrss_kib(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def rss_parts(pid):
    out = {}
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith(("RssAnon:", "RssFile:", "RssShmem:")):
                out[line.split(":")[0]] = int(line.split()[1])
    return out


def cpu_ticks(pid):
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])  # utime + stime


def log_lines(path):
    n = 0
    with open(path, "rb") as f:
        for _ in f:
            n += 1
    return n


def recv_reply(sock, timeout):
    """Read one RPC record; returns its body, or None on EOF or timeout."""
    sock.settimeout(timeout)
    buf = b""
    try:
        while len(buf) < 4:
            d = sock.recv(4 - len(buf))
            if not d:
                return None
            buf += d
        n = struct.unpack(">I", buf)[0] & 0x7FFFFFFF
        body = b""
        while len(body) < n:
            d = sock.recv(n - len(body))
            if not d:
                return None
            body += d
        return body
    except (socket.timeout, OSError):
        return None


def null_call_ok(a, timeout=20, sock=None, xid=7):
    """A NULL call gets its reply (on sock, or on a new connection)."""
    own = sock is None
    try:
        if own:
            sock = socket.create_connection(a, timeout=timeout)
        sock.sendall(rpc_call(xid, NFS4_PROGRAM, 4, 0))
        body = recv_reply(sock, timeout)
        return body is not None and len(body) >= 24 and \
            struct.unpack(">II", body[:8]) == (xid, 1)
    except OSError:
        return False
    finally:
        if own and sock is not None:
            sock.close()


def flood_tls(a):
    """A TLS connection that never reads (blocking, 1 s send timeout)."""
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    raw = socket.create_connection(a, timeout=10)
    s = ctx.wrap_socket(raw)
    s.settimeout(1)
    return s


def flood(a, pid, tls=False, conns=1, bound_mib=16, max_send_mib=48):
    """
    Send calls for program 200000 (not NFS: the gateway answers
    PROG_UNAVAIL itself) on conns connections and never read. The gateway
    must stop reading each once its queue to that client is full; its RSS
    may not grow by more than bound_mib. Stops when the gateway has not
    taken a byte for 5 s in a row, when max_send_mib went out, or as soon
    as the bound is broken. One connection first has a NULL call
    forwarded, so that the full max-output-queue applies to it; several
    flood before any call of theirs is forwarded (the pre-call limit).
    """
    name = "tls_flood" if tls else "flood" if conns == 1 else \
        "flood_%d_conns" % conns
    base = vmrss_kib(pid)
    note("parts at start %r" % rss_parts(pid))
    socks = []
    if tls:
        s = flood_tls(a)
        null_call_ok(a, sock=s, xid=1)
        s.settimeout(1)
    else:
        for _ in range(conns):
            s = socket.create_connection(a, timeout=10)
            if conns == 1:
                null_call_ok(a, sock=s, xid=1)
            s.setblocking(False)
            socks.append(s)
    chunk = b"".join(rpc_call(i, 200000, 1, 0) for i in range(4096))
    # Whole calls in one TLS record (sendall never splits them).
    tls_chunk = b"".join(rpc_call(i, 200000, 1, 0) for i in range(372))
    offsets = {}
    sent = 0
    stalled = 0.0
    peak = base
    reason = "sent %d MiB" % max_send_mib
    while sent < max_send_mib << 20:
        if tls:
            try:
                sent += s.sendall(tls_chunk) or len(tls_chunk)
                stalled = 0.0
            except (socket.timeout, ssl.SSLWantWriteError):
                stalled += 1
                if stalled >= 5:
                    reason = "the gateway stopped reading"
                    break
                continue
            except OSError as e:
                reason = "send: %s" % e
                break
        else:
            _, w, _ = select.select([], socks, [], 0.5)
            if not w:
                stalled += 0.5
                if stalled >= 5:
                    reason = "the gateway stopped reading"
                    break
                continue
            stalled = 0.0
            try:
                for ws in w:
                    # Go on where the last partial send stopped: every
                    # record must stay whole.
                    off = offsets.get(ws, 0)
                    n = ws.send(chunk[off:])
                    offsets[ws] = (off + n) % len(chunk)
                    sent += n
            except BlockingIOError:
                continue
            except OSError as e:
                reason = "send: %s" % e
                break
        rss = vmrss_kib(pid)
        peak = max(peak, rss)
        if rss - base > bound_mib * 1024:
            reason = "bound broken"
            break
    time.sleep(1)
    rss = vmrss_kib(pid)
    peak = max(peak, rss)
    note("parts now %r" % rss_parts(pid))
    note("%s: %.1f MiB of calls sent (%s); gateway RSS %d KiB at start, "
         "%d KiB now, peak %d KiB" % (name, sent / 1048576.0, reason, base,
                                      rss, peak))
    check(name + "_rss", peak - base <= bound_mib * 1024,
          "RSS grew by %d KiB (bound %d MiB)" % (peak - base, bound_mib))
    if not tls:
        check(name + "_others_served", null_call_ok(a),
              "another client's NULL call is answered during the flood")
    for s in socks or [s]:
        s.close()


def trickle(a, gap=0.5):
    """A NULL call one byte per gap: the gateway must close before the end."""
    rec = rpc_call(1, NFS4_PROGRAM, 4, 0)
    s = socket.create_connection(a, timeout=10)
    closed_at = None
    for i, b in enumerate(rec):
        try:
            s.send(bytes([b]))
        except OSError:
            closed_at = i
            break
        r, _, _ = select.select([s], [], [], gap)
        if r:
            try:
                d = s.recv(64)
            except OSError:
                d = b""
            if not d:
                closed_at = i + 1
                break
            check("trickle_closed", False, "the trickled call was answered")
            return
    if closed_at is None:
        # Whole record sent: give the gateway a bounded time to answer.
        body = recv_reply(s, 10)
        check("trickle_closed", False, "all %d bytes taken%s" % (
            len(rec), ", call answered" if body else ""))
        return
    note("trickle: closed after %d of %d bytes" % (closed_at, len(rec)))
    check("trickle_closed", True, "closed after %d of %d bytes" %
          (closed_at, len(rec)))


def client_hello():
    """A TLS 1.2 ClientHello record padded to about 600 bytes."""
    ciphers = struct.pack(">HHHHH", 0xC02B, 0xC02F, 0xC02C, 0xC030, 0x009E)
    ext = struct.pack(">HH", 0x0015, 512) + b"\0" * 512       # padding
    ext += struct.pack(">HHH", 0x000D, 4, 2) + struct.pack(">H", 0x0403)
    ext += struct.pack(">HHH", 0x000A, 4, 2) + struct.pack(">H", 0x0017)
    body = struct.pack(">H", 0x0303) + os.urandom(32) + b"\0"
    body += struct.pack(">H", len(ciphers)) + ciphers + b"\x01\x00"
    body += struct.pack(">H", len(ext)) + ext
    hs = struct.pack(">B", 1) + struct.pack(">I", len(body))[1:] + body
    return struct.pack(">BHH", 22, 0x0301, len(hs)) + hs


def tls_trickle(a, gap=0.5, max_bytes=120):
    """Trickle a ClientHello: the handshake deadline must close us first."""
    hello = client_hello()[:max_bytes]
    s = socket.create_connection(a, timeout=10)
    closed_at = None
    for i, b in enumerate(hello):
        try:
            s.send(bytes([b]))
        except OSError:
            closed_at = i
            break
        r, _, _ = select.select([s], [], [], gap)
        if r:
            try:
                d = s.recv(4096)
            except OSError:
                d = b""
            if not d:
                closed_at = i + 1
                break
    if closed_at is None:
        check("tls_trickle_closed", False, "still open after %d bytes, one "
              "per %.2f s" % (len(hello), gap))
        return
    note("tls trickle: closed after %d bytes" % closed_at)
    check("tls_trickle_closed", True, "closed after %d bytes" % closed_at)


def raise_nofile(n):
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < n:
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(n, hard), hard))


def hold(a, n, cmd):
    """Hold n idle connections to the gateway while cmd runs."""
    raise_nofile(n + 64)
    socks = []
    for _ in range(n):
        socks.append(socket.create_connection(a, timeout=10))
    time.sleep(1)
    poller = select.poll()
    for s in socks:
        poller.register(s, select.POLLIN)
    alive = n - len(poller.poll(0))
    note("hold: %d of %d idle connections still open" % (alive, n))
    rc = subprocess.call(cmd)
    for s in socks:
        s.close()
    check("hold_cmd", rc == 0, "%s exited %d with %d idle sockets held" %
          (" ".join(cmd[:2]), rc, n))


def fdstorm(a, pid, logpath, storm=200, window=3.0):
    """
    Lower the gateway's descriptor limit to what it uses now, then open a
    storm of connections it cannot accept: the gateway must neither spin
    nor flood its log, must keep serving the connection it already had,
    and must serve new clients once a descriptor is free again (here: the
    descriptor limit is given back).
    """
    old = socket.create_connection(a, timeout=10)
    check("fd_old_before", null_call_ok(a, sock=old, xid=1),
          "the existing client is served before the storm")
    time.sleep(0.5)
    used = len(os.listdir("/proc/%d/fd" % pid))
    # One below: libevent closes a freed socket on the next loop pass, so
    # at exactly "used" one accept in two would still succeed.
    soft, hard = resource.prlimit(pid, resource.RLIMIT_NOFILE)
    resource.prlimit(pid, resource.RLIMIT_NOFILE, (used - 1, hard))
    note("fdstorm: gateway uses %d descriptors; its limit %d lowered to %d" %
         (used, soft, used - 1))
    raise_nofile(storm + 64)
    socks = []
    for _ in range(storm):
        try:
            socks.append(socket.create_connection(a, timeout=5))
        except OSError:
            break
    note("fdstorm: %d storm connections made" % len(socks))
    time.sleep(1)
    t0, l0 = cpu_ticks(pid), log_lines(logpath)
    time.sleep(window)
    t1, l1 = cpu_ticks(pid), log_lines(logpath)
    hz = os.sysconf("SC_CLK_TCK")
    note("fdstorm: over %.0f s the gateway used %d ticks of CPU (%d/s) and "
         "wrote %d log lines" % (window, t1 - t0, hz, l1 - l0))
    check("fd_cpu", t1 - t0 <= hz * window / 4,
          "CPU %d ticks in %.0f s (bound: a quarter of one core)" %
          (t1 - t0, window))
    check("fd_log", l1 - l0 <= 10 * window,
          "%d log lines in %.0f s (bound %d)" % (l1 - l0, window, 10 * window))
    check("fd_old_during", null_call_ok(a, sock=old, xid=2),
          "the existing client is served during the storm")
    for s in socks:
        s.close()
    old.close()
    resource.prlimit(pid, resource.RLIMIT_NOFILE, (soft, hard))
    ok = False
    for _ in range(30):
        if null_call_ok(a, timeout=5):
            ok = True
            break
        time.sleep(1)
    check("fd_new_after", ok, "a new client is served once descriptors free")


def main():
    cmd, args = sys.argv[1], sys.argv[2:]
    if cmd == "flood":
        mode = args[2] if len(args) > 2 else ""
        n = int(mode) if mode.isdigit() else 1
        flood(addr(args[0]), int(args[1]), tls=mode == "tls", conns=n,
              bound_mib=16 if n == 1 else 8)
    elif cmd == "trickle":
        trickle(addr(args[0]))
    elif cmd == "tls-trickle":
        tls_trickle(addr(args[0]))
    elif cmd == "hold":
        hold(addr(args[0]), int(args[1]), args[2:])
    elif cmd == "fdstorm":
        fdstorm(addr(args[0]), int(args[1]), args[2])
    else:
        sys.exit("unknown command %s" % cmd)


if __name__ == "__main__":
    main()
