#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 The librte_vmsg authors
#
# Runs vmsg-bench with small counts and checks its JSON against Google
# Benchmark's format and the ratios object: the keys tools read are there,
# with the types they expect, and the ratios are exactly the two ring names,
# plus transport_rtt_p50_over_ring_pp when transport was measured.
# usage: check-bench-json.py <vmsg-bench> [extra vmsg-bench arguments]
import json
import os
import subprocess
import sys
import tempfile

bench = sys.argv[1]
with tempfile.TemporaryDirectory() as d:
    out = os.path.join(d, "out.json")
    cmd = [bench, "all", "--quick", "--json", out] + sys.argv[2:]
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
    if len(parts) < 4 or parts[0] not in ("limit", "ring", "rte_ring", "transport") or \
            parts[1] not in ("pingpong", "throughput", "get_status", "get_config32"):
        errors.append(f"benchmark name {name!r} is not <mode>/<test>/<elem>/<burst>...")
    for k, t in (("iterations", int), ("real_time", (int, float)), ("cpu_time", (int, float)),
                 ("time_unit", str), ("run_name", str), ("run_type", str)):
        if not isinstance(b.get(k), t):
            errors.append(f"{name}: {k} missing or not {t}")
    if parts[1:2] in (["pingpong"], ["get_status"], ["get_config32"]):
        for k in ("p50_ns", "p99_ns", "p999_ns", "max_ns"):
            if not isinstance(b.get(k), (int, float)):
                errors.append(f"{name}: {k} missing")
        if not b["p50_ns"] <= b["p99_ns"] <= b["p999_ns"] <= b["max_ns"]:
            errors.append(f"{name}: percentiles out of order")
    if parts[1:2] == ["throughput"] and not b.get("items_per_second", 0) > 0:
        errors.append(f"{name}: items_per_second missing")
for must in ("limit/pingpong/64/1", "rte_ring/throughput/64/32"):
    if must not in names:
        errors.append(f"benchmark {must} missing")
if not any(n.startswith("ring/pingpong/64/1/") for n in names):
    errors.append("ring/pingpong/64/1 missing")
ratios = doc.get("ratios", {})
want = {"ring_pp_p50_over_limit", "ring_tput_over_rte_ring"}
if any(n.startswith("transport/") for n in names):
    want.add("transport_rtt_p50_over_ring_pp")
    for must in ("transport/get_status/64/1", "transport/get_config32/64/1"):
        if must not in names:
            errors.append(f"benchmark {must} missing")
if set(ratios) != want:
    errors.append(f"ratios keys {sorted(ratios)}")
elif not all(isinstance(v, (int, float)) and v > 0 for v in ratios.values()):
    errors.append(f"ratios values {ratios}")
for e in errors:
    print("FAIL:", e)
print(f"{len(names)} benchmarks, ratios {ratios}")
sys.exit(1 if errors else 0)
