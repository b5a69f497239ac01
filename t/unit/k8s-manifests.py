#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
#
# t/unit/k8s-manifests.py - check contrib/kubernetes/*.yaml offline, with
# no cluster and no schema download: every document parses and has
# apiVersion, kind and metadata.name; kinds use their stable apiVersion;
# selectors match their pod labels; every ConfigMap, Secret and key a pod
# names exists in the manifests (or is one of the Secrets README.md has
# you create); the gateway's ports, probes and Prometheus annotations
# match the admin-address and listener of the efsgw.conf it mounts; every
# file that efsgw.conf names is under one of the container's mounts; the
# sidecar presents a projected service-account token for audience efsgw
# and propagates its mount. Prints "ok: ..." lines; exits 1 on any error.
import os
import re
import sys

import yaml

API = {"Namespace": "v1", "ConfigMap": "v1", "Secret": "v1", "Service": "v1",
       "ServiceAccount": "v1", "DaemonSet": "apps/v1",
       "StatefulSet": "apps/v1", "Deployment": "apps/v1"}
# Made with kubectl from files that are never committed (README.md).
EXTERNAL_SECRETS = {("efsgw", "efsgw-tls"), ("efsgw", "efsgw-keys")}

errors = []


def err(msg):
    errors.append(msg)
    print("FAIL: " + msg)


def ok(msg):
    print("ok: " + msg)


def load(d):
    docs = []
    for name in sorted(os.listdir(d)):
        if not name.endswith(".yaml"):
            continue
        with open(os.path.join(d, name)) as f:
            for i, doc in enumerate(yaml.safe_load_all(f)):
                if doc is None:
                    continue
                where = "%s#%d" % (name, i)
                for field in ("apiVersion", "kind"):
                    if field not in doc:
                        err("%s: no %s" % (where, field))
                md = doc.get("metadata") or {}
                if not md.get("name"):
                    err("%s: no metadata.name" % where)
                kind = doc.get("kind")
                if kind not in API:
                    err("%s: unexpected kind %s" % (where, kind))
                elif doc.get("apiVersion") != API[kind]:
                    err("%s: %s wants apiVersion %s" % (where, kind, API[kind]))
                docs.append((where, doc))
    return docs


def ns(doc):
    return (doc.get("metadata") or {}).get("namespace", "default")


def pod_spec(doc):
    return doc["spec"]["template"]["spec"]


def check_workload(where, doc, objects):
    spec = doc["spec"]
    sel = (spec.get("selector") or {}).get("matchLabels") or {}
    labels = spec["template"]["metadata"].get("labels") or {}
    if not sel or any(labels.get(k) != v for k, v in sel.items()):
        err("%s: selector %s does not match the pod labels %s" % (where, sel, labels))
    ps = pod_spec(doc)
    vols = {v["name"]: v for v in ps.get("volumes", [])}
    for c in ps.get("containers", []):
        if not c.get("image"):
            err("%s: container %s has no image" % (where, c.get("name")))
        for m in c.get("volumeMounts", []):
            if m["name"] not in vols:
                err("%s: %s mounts the undefined volume %s" % (where, c["name"], m["name"]))
    for v in vols.values():
        if "configMap" in v:
            cm = objects.get(("ConfigMap", ns(doc), v["configMap"]["name"]))
            if cm is None:
                err("%s: volume %s: no ConfigMap %s" % (where, v["name"], v["configMap"]["name"]))
                continue
            for item in v["configMap"].get("items", []):
                if item["key"] not in (cm.get("data") or {}):
                    err("%s: ConfigMap %s has no key %s" % (where, v["configMap"]["name"], item["key"]))
        if "secret" in v:
            key = (ns(doc), v["secret"]["secretName"])
            if ("Secret",) + key not in objects and key not in EXTERNAL_SECRETS:
                err("%s: volume %s: no Secret %s" % (where, v["name"], key[1]))
    return ps, vols


def conf_value(conf, keyword):
    for line in conf.splitlines():
        w = line.split("#", 1)[0].split()
        if len(w) == 2 and w[0] == keyword:
            return w[1]
    return None


def check_gateway(where, doc, objects):
    ps, vols = check_workload(where, doc, objects)
    c = ps["containers"][0]
    conf_path = c["args"][c["args"].index("-c") + 1]
    mounts = c.get("volumeMounts", [])
    conf = None
    for m in mounts:
        if m["mountPath"] == conf_path and "configMap" in vols[m["name"]]:
            cm = objects[("ConfigMap", ns(doc), vols[m["name"]]["configMap"]["name"])]
            conf = cm["data"][m.get("subPath", os.path.basename(conf_path))]
    if conf is None:
        err("%s: %s is not mounted from a ConfigMap" % (where, conf_path))
        return
    admin_port = int(conf_value(conf, "admin-address").rsplit(":", 1)[1])
    nfs_port = int(conf_value(conf, "address").rsplit(":", 1)[1])
    ports = {p["containerPort"] for p in c.get("ports", [])}
    if {admin_port, nfs_port} - ports:
        err("%s: containerPorts %s lack the config's %s and %s" % (where, ports, nfs_port, admin_port))
    else:
        ok("ports %d (listener) and %d (admin-address) declared" % (nfs_port, admin_port))
    for probe, path in (("readinessProbe", "/readyz"), ("livenessProbe", "/healthz")):
        hg = (c.get(probe) or {}).get("httpGet") or {}
        if hg.get("path") != path or hg.get("port") != admin_port:
            err("%s: %s must GET %s on %d, has %s" % (where, probe, path, admin_port, hg))
        else:
            ok("%s GET %s on the admin port" % (probe, path))
    ann = doc["spec"]["template"]["metadata"].get("annotations") or {}
    if ann.get("prometheus.io/scrape") != "true" or ann.get("prometheus.io/port") != str(admin_port) \
            or ann.get("prometheus.io/path") != "/metrics":
        err("%s: Prometheus annotations do not point at %d /metrics: %s" % (where, admin_port, ann))
    else:
        ok("Prometheus scrape annotations match the admin port")
    if "hostNetwork" not in ps:
        err("%s: hostNetwork is not stated" % where)
    # Every absolute path efsgw.conf names must be inside a mount.
    # (export is a path on the backend server, not in the pod.)
    paths = re.findall(r"^\s*(?!export\b)[a-z-]+\s+(/\S+)", conf, re.M)
    for p in paths:
        if p.startswith("/dev/"):
            continue
        if not any(p == m["mountPath"] or p.startswith(m["mountPath"].rstrip("/") + "/")
                   for m in mounts):
            err("%s: efsgw.conf names %s, which no volume provides" % (where, p))
    ok("the %d files efsgw.conf names are all mounted" % len(paths))
    sc = c.get("securityContext") or {}
    caps = sc.get("capabilities") or {}
    if caps.get("drop") != ["ALL"] or caps.get("add") != ["NET_BIND_SERVICE"] \
            or sc.get("allowPrivilegeEscalation") is not False:
        err("%s: the gateway must drop every capability but NET_BIND_SERVICE" % where)


def check_sidecar(where, doc, objects):
    ps, vols = check_workload(where, doc, objects)
    token = [v for v in vols.values() if "projected" in v and any(
        s.get("serviceAccountToken", {}).get("audience") == "efsgw"
        for s in v["projected"]["sources"])]
    if not token:
        err("%s: no projected service-account token for audience efsgw" % where)
        return
    path = next(s["serviceAccountToken"]["path"] for s in token[0]["projected"]["sources"]
                if "serviceAccountToken" in s)
    side = [c for c in ps["containers"] if "efsgw-mount" in " ".join(c.get("command", []))]
    if not side:
        err("%s: no container runs efsgw-mount" % where)
        return
    c = side[0]
    mp = [m["mountPath"] for m in c["volumeMounts"] if m["name"] == token[0]["name"]]
    want = "token=%s/%s" % (mp[0], path) if mp else None
    if want is None or want not in " ".join(c["command"]):
        err("%s: efsgw-mount does not read the projected token (%s)" % (where, want))
    else:
        ok("the sidecar mounts with the projected token (%s)" % want)
    props = {(m["name"], m.get("mountPropagation")) for cc in ps["containers"]
             for m in cc.get("volumeMounts", [])}
    if not any(p == "Bidirectional" for _, p in props) or not any(p == "HostToContainer" for _, p in props):
        err("%s: the mount is not propagated from the sidecar to the application" % where)
    else:
        ok("the mount propagates from the sidecar to the application")


def main():
    d = sys.argv[1] if len(sys.argv) > 1 else "contrib/kubernetes"
    docs = load(d)
    objects = {(doc["kind"], ns(doc), doc["metadata"]["name"]): doc for _, doc in docs}
    ok("%d documents parse, with apiVersion, kind and name" % len(docs))
    for where, doc in docs:
        kind = doc["kind"]
        if kind == "DaemonSet":
            check_gateway(where, doc, objects)
        elif kind == "Deployment":
            check_sidecar(where, doc, objects)
        elif kind == "StatefulSet":
            check_workload(where, doc, objects)
            svc = objects.get(("Service", ns(doc), doc["spec"]["serviceName"]))
            if svc is None:
                err("%s: no Service %s" % (where, doc["spec"]["serviceName"]))
            elif svc["spec"]["selector"] != doc["spec"]["template"]["metadata"]["labels"]:
                err("%s: Service %s does not select its pods" % (where, doc["spec"]["serviceName"]))
            else:
                ok("StatefulSet %s has its Service" % doc["metadata"]["name"])
    # The gateway's Redis URL names the StatefulSet's pod when both are here.
    cm = objects.get(("ConfigMap", "efsgw", "efsgw-config"))
    ss = objects.get(("StatefulSet", "efsgw", "efsgw-redis"))
    if cm and ss:
        url = conf_value(cm["data"]["efsgw.conf"], "redis") or ""
        host = "%s-0.%s.%s.svc" % (ss["metadata"]["name"], ss["spec"]["serviceName"], ns(ss))
        if host not in url:
            err("efsgw.conf's redis %s does not name %s" % (url, host))
        else:
            ok("efsgw.conf's redis names the StatefulSet's pod")
    if errors:
        print("%d error(s)" % len(errors))
        return 1
    print("all passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
