#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 The librte_vmsg authors
#
# vmsg-bench with fewer throughput messages than a burst (--messages 20,
# bursts up to 32): every throughput entry of each mode given still times
# exactly that many messages (the warm-up never takes them), so its rate is
# a number above 0 and its cycles per message finite.
# usage: check-bench-few.py <vmsg-bench> <mode>... (ring, rte-ring)
import json
import math
import os
import subprocess
import sys
import tempfile

MESSAGES = 20
bench, modes = os.path.abspath(sys.argv[1]), sys.argv[2:]
errors = []
with tempfile.TemporaryDirectory() as d:
    for mode in modes:
        out = os.path.join(d, mode + ".json")
        cmd = [bench, mode, "--quick", "--messages", str(MESSAGES), "--samples", "100",
               "--hugepages", "none", "--json", out]
        r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                           timeout=60, cwd=d)
        print(r.stdout)
        if r.returncode != 0:
            errors.append(f"{' '.join(cmd)}: exit {r.returncode}")
            continue
        with open(out) as f:
            entries = [b for b in json.load(f)["benchmarks"] if "/throughput/" in b["name"]]
        if not entries:
            errors.append(f"{mode}: no throughput entry")
        for b in entries:
            cyc = b.get("cycles_per_msg")
            if b.get("iterations") != MESSAGES or not b.get("items_per_second", 0) > 0 or \
                    not isinstance(cyc, (int, float)) or not math.isfinite(cyc):
                errors.append(f"{b['name']}: iterations {b.get('iterations')}, "
                              f"items_per_second {b.get('items_per_second')}, "
                              f"cycles_per_msg {cyc}; expected {MESSAGES} timed messages")
for e in errors:
    print("FAIL:", e)
sys.exit(1 if errors else 0)
