#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 The librte_vmsg authors
#
# Runs vmsg-bench with small counts and checks its JSON against Google
# Benchmark's format and the ratios object: the keys tools read are there,
# with the types they expect, and the ratios are exactly the two ring names,
# plus transport_rtt_p50_over_ring_pp when transport was measured, and
# the transport/init1000 entry (enumerate and initialise 1000 devices), and
# net_mpps_over_vhost_user when net was measured (a number when DPDK's
# vhost-user reference ran in the same run, else null).
# usage: check-bench-json.py [--mode MODE] <vmsg-bench> [extra vmsg-bench arguments]
#   MODE: all (default), transport or net (then the ring ratios are null:
#   nothing to divide by)
import json
import os
import subprocess
import sys
import tempfile

args = sys.argv[1:]
mode = "all"
if args[:1] == ["--mode"]:
    mode, args = args[1], args[2:]
if mode not in ("all", "transport", "net") or not args:
    sys.exit("usage: check-bench-json.py [--mode all|transport|net] <vmsg-bench> [arguments]")
bench = args[0]
with tempfile.TemporaryDirectory() as d:
    out = os.path.join(d, "out.json")
    cmd = [bench, mode, "--quick", "--json", out] + args[1:]
    r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                       timeout=300)
    print(r.stdout)
    if r.returncode != 0:
        sys.exit(f"{' '.join(cmd)}: exit {r.returncode}")
    with open(out) as f:
        doc = json.load(f)

errors = []
ctx = doc.get("context", {})
for k in ("date", "host_name", "executable", "num_cpus", "mhz_per_cpu",
          "cpu_scaling_enabled", "caches", "library_build_type"):
    if k not in ctx:
        errors.append(f"context.{k} missing")
names = set()
for b in doc.get("benchmarks", []):
    name = b.get("name", "")
    names.add(name)
    parts = name.split("/")
    if len(parts) < 4 or \
            parts[0] not in ("limit", "ring", "rte_ring", "transport", "net", "vhost_user") or \
            parts[1] not in ("pingpong", "throughput", "get_status", "get_config32", "init1000",
                             "pps", "lat"):
        errors.append(f"benchmark name {name!r} is not <mode>/<test>/<elem>/<burst>...")
    for k, t in (("iterations", int), ("real_time", (int, float)), ("cpu_time", (int, float)),
                 ("time_unit", str), ("run_name", str), ("run_type", str)):
        if not isinstance(b.get(k), t):
            errors.append(f"{name}: {k} missing or not {t}")
    if parts[0] in ("net", "vhost_user") and (len(parts) != 5 or parts[4] not in (
            "poll", "event", "split", "split-inorder", "packed-inorder")):
        errors.append(f"{name}: not <mode>/<test>/<frame size>/<burst>/<notify or path>")
    if parts[1:2] in (["pingpong"], ["get_status"], ["get_config32"], ["init1000"], ["lat"]):
        for k in ("p50_ns", "p99_ns", "p999_ns", "max_ns"):
            if not isinstance(b.get(k), (int, float)):
                errors.append(f"{name}: {k} missing")
        if not b["p50_ns"] <= b["p99_ns"] <= b["p999_ns"] <= b["max_ns"]:
            errors.append(f"{name}: percentiles out of order")
    if parts[1:2] in (["throughput"], ["pps"]) and not b.get("items_per_second", 0) > 0:
        errors.append(f"{name}: items_per_second missing")
    if parts[1:2] == ["init1000"]:
        # One iteration per device initialised; times in microseconds.
        if b.get("time_unit") != "us" or b.get("devices") != 1000 or \
                b.get("iterations") != 1000:
            errors.append(f"{name}: time_unit us, devices and iterations 1000 expected")
        for k in ("enumerate_us", "enumerate_again_us", "init_us", "per_device_us",
                  "requests_per_device", "enumerate_requests"):
            if not (isinstance(b.get(k), (int, float)) and b[k] > 0):
                errors.append(f"{name}: {k} missing or not > 0")
        if isinstance(b.get("init_us"), (int, float)) and \
                isinstance(b.get("per_device_us"), (int, float)) and \
                abs(b["init_us"] / 1000 - b["per_device_us"]) > 1e-3 * b["per_device_us"]:
            errors.append(f"{name}: per_device_us is not init_us / 1000")
if mode == "all":
    for must in ("limit/pingpong/64/1", "rte_ring/throughput/64/32"):
        if must not in names:
            errors.append(f"benchmark {must} missing")
    if not any(n.startswith("ring/pingpong/64/1/") for n in names):
        errors.append("ring/pingpong/64/1 missing")
ratios = doc.get("ratios", {})
want = {"ring_pp_p50_over_limit", "ring_tput_over_rte_ring"}
if mode == "transport" or any(n.startswith("transport/") for n in names):
    want.add("transport_rtt_p50_over_ring_pp")
    for must in ("transport/get_status/64/1", "transport/get_config32/64/1",
                 "transport/init1000/64/1"):
        if must not in names:
            errors.append(f"benchmark {must} missing")
net_ratio = "net_mpps_over_vhost_user"
if mode == "net" or any(n.startswith("net/") for n in names):
    want.add(net_ratio)
    for size in (64, 256, 1518):
        for notify in ("poll", "event"):
            for test, burst in (("pps", 32), ("lat", 1)):
                must = f"net/{test}/{size}/{burst}/{notify}"
                if must not in names:
                    errors.append(f"benchmark {must} missing")
    if any(n.startswith("vhost_user/") for n in names):
        if "vhost_user/pps/64/32/split" not in names:
            errors.append("benchmark vhost_user/pps/64/32/split missing")
        if not (isinstance(ratios.get(net_ratio), (int, float)) and ratios[net_ratio] > 0):
            errors.append(f"{net_ratio}: {ratios.get(net_ratio)} with the reference measured")
    else:
        print(f"note: no vhost-user reference in this run (no dpdk-testpmd): {net_ratio} null")
if set(ratios) != want:
    errors.append(f"ratios keys {sorted(ratios)}")
elif mode == "all" and not all(isinstance(v, (int, float)) and v > 0
                               for k, v in ratios.items() if k != net_ratio):
    errors.append(f"ratios values {ratios}")
elif mode in ("transport", "net") and any(v is not None for k, v in ratios.items()
                                          if k != net_ratio):
    errors.append(f"ratios values {ratios}: nothing to divide by in mode {mode}")
for e in errors:
    print("FAIL:", e)
print(f"{len(names)} benchmarks, ratios {ratios}")
sys.exit(1 if errors else 0)
