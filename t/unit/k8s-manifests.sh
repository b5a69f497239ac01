#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
#
# t/unit/k8s-manifests.sh - contrib/kubernetes/ checked offline by
# t/unit/k8s-manifests.py (python3-yaml); SKIPPED loudly without it.
src=${abs_top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
py=/usr/bin/python3
if ! [ -x "$py" ] || ! "$py" -c 'import yaml' 2>/dev/null; then
	echo "SKIPPED: python3-yaml not installed (apt-get install python3-yaml): the Kubernetes manifests were not checked"
	exit 77
fi
exec "$py" "$src/t/unit/k8s-manifests.py" "$src/contrib/kubernetes"
