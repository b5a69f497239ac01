#!/bin/bash
# efsgw - the Redis password stays out of the logs: a password in the
# redis URL is logged as "***", and redis-password-file gives it without
# writing it in the config at all (the file must not be readable by
# others; -t refuses a bad one with the reason).
#
# SPDX-License-Identifier: Apache-2.0
set -u
B=${abs_top_builddir:-$(pwd)}
EFSGW="$B/proxy/efsgw"
T=$(mktemp -d)
pid=
cleanup() {
	if [ -n "$pid" ]; then kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; fi
	rm -rf "$T"
}
trap cleanup EXIT
fail=0
say() { echo "$*"; }
bad() { echo "FAIL: $*"; fail=1; }

# A closed loopback port for Redis: efsgw logs the URL before connecting.
freeport() { /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
rport=$(freeport)
lport=$(freeport)
conf() {	# conf NAME REDIS-LINES...
	local name=$1; shift
	mkdir -p "$T/state-$name"
	{
		echo "user root"	# start-up and logs are tested, not privileges
		echo "state-dir $T/state-$name"
		echo "audit-log none"
		echo "admin-address none"
		printf '%s\n' "$@"
		echo "filesystem fs-0123456789abcdef0 {"
		echo "	backend 127.0.0.1:9"
		echo "}"
		echo "listener main {"
		echo "	address 127.0.0.1:$lport"
		echo "}"
	} >"$T/$name.conf"
}

# run_and_grep NAME: start efsgw -f, wait (bounded) for the QoS line, stop it.
run_log() {
	local name=$1 i
	"$EFSGW" -f -c "$T/$name.conf" >"$T/$name.log" 2>&1 &
	pid=$!
	for i in $(seq 100); do
		grep -q "QoS shared through\|redis" "$T/$name.log" && break
		sleep 0.1
	done
	kill "$pid"; wait "$pid" 2>/dev/null; pid=
}

conf inline "redis redis://:S3cretInline@127.0.0.1:$rport/0"
run_log inline
if grep -q "S3cretInline" "$T/inline.log"; then
	bad "the inline Redis password is in the log"; cat "$T/inline.log"
elif ! grep -q "redis://:\*\*\*@127.0.0.1:$rport/0" "$T/inline.log"; then
	bad "no redacted Redis URL in the log"; cat "$T/inline.log"
else
	say "ok: inline password logged as ***"
fi

printf 'S3cretFromFile\n' >"$T/redis.pw"
chmod 600 "$T/redis.pw"
conf file "redis redis://127.0.0.1:$rport/0" "redis-password-file $T/redis.pw"
if "$EFSGW" -t -c "$T/file.conf" >"$T/t.out" 2>&1; then
	say "ok: efsgw -t accepts redis-password-file"
else
	bad "efsgw -t refuses redis-password-file"; cat "$T/t.out"
fi
"$EFSGW" -T -c "$T/file.conf" >"$T/T.out" 2>&1
if grep -q S3cretFromFile "$T/T.out" || ! grep -q "^redis-password-file" "$T/T.out"; then
	bad "efsgw -T shows the password or drops the keyword"; cat "$T/T.out"
else
	say "ok: efsgw -T names the file, not the password"
fi
run_log file
if grep -q "S3cretFromFile" "$T/file.log" || ! grep -q "redis://:\*\*\*@127.0.0.1:$rport/0" "$T/file.log"; then
	bad "password file: wrong log"; cat "$T/file.log"
else
	say "ok: password from the file, logged as ***"
fi

chmod 644 "$T/redis.pw"
if "$EFSGW" -t -c "$T/file.conf" >"$T/t.out" 2>&1 || ! grep -q "redis.pw.*readable by others" "$T/t.out"; then
	bad "a world-readable password file is accepted"; cat "$T/t.out"
else
	say "ok: world-readable password file refused"
fi
chmod 600 "$T/redis.pw"
conf both "redis redis://:x@127.0.0.1:$rport/0" "redis-password-file $T/redis.pw"
if "$EFSGW" -t -c "$T/both.conf" >"$T/t.out" 2>&1; then
	bad "a password in both the URL and a file is accepted"
else
	say "ok: password in both places refused: $(head -1 "$T/t.out")"
fi
printf 'a/b@c\n' >"$T/odd.pw"; chmod 600 "$T/odd.pw"
conf odd "redis redis://127.0.0.1:$rport/0" "redis-password-file $T/odd.pw"
if "$EFSGW" -t -c "$T/odd.conf" >"$T/t.out" 2>&1; then
	bad "a password with / and @ is accepted (the URL would not parse)"
else
	say "ok: password with / or @ refused"
fi

[ "$fail" = 0 ] && echo "all passed"
exit "$fail"
