#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
#
# t/unit/k8s-manifests.sh - contrib/kubernetes/ checked offline by
# t/unit/k8s-manifests.py (python3-yaml), then the efsgw.conf of the
# efsgw-config ConfigMap checked by `efsgw -t` with stand-ins for the files
# the Secrets and ConfigMaps provide in the pod (paths moved into a temp
# dir; a PEM key instead of the JWKS placeholder). SKIPPED loudly without
# python3-yaml.
set -u
src=${abs_top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
build=${abs_top_builddir:-$PWD}
py=/usr/bin/python3
if ! [ -x "$py" ] || ! "$py" -c 'import yaml' 2>/dev/null; then
	echo "SKIPPED: python3-yaml not installed (apt-get install python3-yaml): the Kubernetes manifests were not checked"
	exit 77
fi
"$py" "$src/t/unit/k8s-manifests.py" "$src/contrib/kubernetes" || exit 1

T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
"$py" - "$src/contrib/kubernetes/efsgw-config.yaml" "$T" <<'PY' || exit 1
import sys, yaml
path, t = sys.argv[1], sys.argv[2]
cm = [d for d in yaml.safe_load_all(open(path))
      if d and d["kind"] == "ConfigMap" and d["metadata"]["name"] == "efsgw-config"][0]
conf = cm["data"]["efsgw.conf"].replace("/etc/efsgw/", t + "/").replace("/var/lib/efsgw", t + "/state")
conf = conf.replace(t + "/jwks/jwks.json", t + "/jwt.pub")
open(t + "/efsgw.conf", "w").write(conf)
for k in ("policy.json", "access-points.json"):
    open(t + "/" + k, "w").write(cm["data"][k])
PY
mkdir -p "$T/policy" "$T/keys" "$T/tls" "$T/secrets" "$T/state"
mv "$T/policy.json" "$T/access-points.json" "$T/policy/"
"$build/ctl/efsgwctl" keys new "$T/keys/fs-0123456789abcdef0.keys" >/dev/null || exit 1
printf 'stand-in\n' >"$T/secrets/redis.password" && chmod 600 "$T/secrets/redis.password"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 1 \
	-subj /CN=fs-0123456789abcdef0.efs.us-east-1.amazonaws.com \
	-keyout "$T/tls/tls.key" -out "$T/tls/tls.crt" 2>/dev/null &&
	openssl ec -in "$T/tls/tls.key" -pubout -out "$T/jwt.pub" 2>/dev/null || exit 1
if "$build/proxy/efsgw" -t -c "$T/efsgw.conf" >"$T/t.out" 2>&1 && ! grep -q "never applies" "$T/t.out"; then
	echo "ok: efsgw -t accepts the ConfigMap's efsgw.conf (and its policy names the file system)"
else
	echo "FAIL: efsgw -t on the ConfigMap's efsgw.conf"; cat "$T/t.out"; exit 1
fi
echo "all passed"
