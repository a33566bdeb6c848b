#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 The librte_vmsg authors
#
# Runs vmsg-bench-gbench briefly and checks its JSON: every expected benchmark
# family is there, every registered benchmark ran without error, and each
# reports a positive items_per_second (and bytes_per_second where it sets
# bytes). Exit status 0 when all holds, 1 otherwise.
#
# usage: check_gbench.py VMSG_BENCH_GBENCH [extra benchmark flags...]
import json
import os
import subprocess
import sys
import tempfile

KINDS = (
    "GET_DEVICE_INFO_REQ GET_DEVICE_INFO_RESP GET_DEVICE_FEATURES_REQ "
    "GET_DEVICE_FEATURES_RESP SET_DRIVER_FEATURES_REQ SET_DRIVER_FEATURES_RESP "
    "GET_CONFIG_REQ GET_CONFIG_RESP SET_CONFIG_REQ SET_CONFIG_RESP "
    "GET_DEVICE_STATUS_REQ GET_DEVICE_STATUS_RESP SET_DEVICE_STATUS_REQ "
    "SET_DEVICE_STATUS_RESP GET_VQUEUE_REQ GET_VQUEUE_RESP SET_VQUEUE_REQ "
    "SET_VQUEUE_RESP RESET_VQUEUE_REQ RESET_VQUEUE_RESP GET_SHM_REQ GET_SHM_RESP "
    "EVENT_CONFIG EVENT_AVAIL EVENT_USED BUS_GET_DEVICES_REQ BUS_GET_DEVICES_RESP "
    "BUS_PING_REQ BUS_PING_RESP BUS_EVENT_DEVICE IMPL"
).split()


def expected():
    """Every benchmark the harness must have, by full name."""
    names = set()
    for fam in ("BM_msg_build", "BM_msg_parse"):
        for k in KINDS:
            names.add(f"{fam}/{k}")
    for fam in ("BM_ring_burst", "BM_ring_zc"):
        for fmt in ("compat", "stamped"):
            for esize in (64, 256):
                for burst in (1, 8, 32):
                    names.add(f"{fam}/{fmt}/esize:{esize}/burst:{burst}")
    for ring in ("", "split_io/", "packed/", "packed_io/"):
        for bufs in (1, 2):
            for burst in (1, 8, 32):
                names.add(f"BM_virtq/{ring}burst:{burst}/bufs:{bufs}")
    for length in (64, 1518):
        for burst in (1, 8, 32):
            names.add(f"BM_net_loopback/len:{length}/burst:{burst}")
        for ring in ("split", "split_io", "packed", "packed_io"):
            names.add(f"BM_net_loopback/{ring}/len:{length}/burst:32")
    return names


def main():
    if len(sys.argv) < 2:
        print("usage: check_gbench.py VMSG_BENCH_GBENCH [flags...]", file=sys.stderr)
        return 2
    exe, extra = sys.argv[1], sys.argv[2:]
    listed = subprocess.run([exe, "--benchmark_list_tests=true"], check=True,
                            capture_output=True, text=True).stdout.split()
    fail = []
    for name in sorted(expected() - set(listed)):
        fail.append(f"missing benchmark {name}")

    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "gbench.json")
        subprocess.run([exe, "--benchmark_min_time=0.01", "--benchmark_format=json",
                        f"--benchmark_out={out}", "--benchmark_out_format=json"] + extra,
                       check=True, stdout=subprocess.DEVNULL)
        with open(out, encoding="utf-8") as f:
            doc = json.load(f)

    runs = {}
    for b in doc.get("benchmarks", []):
        if b.get("run_type", "iteration") != "iteration":
            continue
        name = b["name"]
        runs[name] = b
        if b.get("error_occurred"):
            fail.append(f"{name}: error: {b.get('error_message')}")
            continue
        if not b.get("items_per_second", 0) > 0:
            fail.append(f"{name}: items_per_second missing or not positive")
        if name.startswith(("BM_msg_", "BM_ring_burst/", "BM_net_")) and \
                not b.get("bytes_per_second", 0) > 0:
            fail.append(f"{name}: bytes_per_second missing or not positive")
    if not extra:
        for name in listed:
            if name not in runs:
                fail.append(f"{name}: listed but did not run")

    for name in sorted(runs):
        b = runs[name]
        print(f"{name:55s} {b.get('cpu_time', 0):10.1f} {b.get('time_unit', '')}"
              f" {b.get('items_per_second', 0) / 1e6:10.2f} M items/s")
    for msg in fail:
        print("FAIL: " + msg, file=sys.stderr)
    print(f"gbench: {len(runs)} benchmarks ran, {len(fail)} problems")
    return 1 if fail else 0


if __name__ == "__main__":
    sys.exit(main())
