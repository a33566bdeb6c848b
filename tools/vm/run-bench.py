#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 The librte_vmsg authors
"""vmsg-bench pcie in a QEMU guest, on the project's test card: one command.

Uses a build tree (it builds nothing): the static vmsg-bench
(apps/vmsg-bench/vmsg-bench-static), the card emulator (tools/vmsg-card)
and the ivshmem server (tools/vmsg-ivshmem-server). It fetches the guest
kernel through test/vm/vm-assets.sh (cached), starts one card emulator per
placement with a loopback virtio-net device on the guest's RAM file, packs
an initramfs with the static bench, boots QEMU (TCG, q35, intel-iommu), runs
`vmsg-bench pcie` on each card, prints the results and writes them as one
JSON file. The guest plumbing is test/vm/run-vm-tests.py's, imported.

Under TCG the figures are functional only: the CPU and the card are
emulated. doc/bench-pcie.md says how to run the same mode on a real card.

--check (the vm suite's test) also requires: every placement asked for in
the JSON, each figure > 0, no BAR read in the HOST placement's timed parts,
and the "functional only" note. Exit 0 when the run (and the checks)
passed; 77 (skip) when QEMU, busybox or a kernel cannot be had and CI is
not "true"; 1 otherwise.
"""

import argparse
import importlib.util
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SRC = os.path.dirname(os.path.dirname(HERE))
SKIP = 77


def load_vm_suite():
    """test/vm/run-vm-tests.py as a module: prerequisites, initramfs, boot, Card."""
    path = os.path.join(SRC, "test", "vm", "run-vm-tests.py")
    # No __pycache__ written into the source tree beside it.
    sys.dont_write_bytecode = True
    spec = importlib.util.spec_from_file_location("vmsg_vm_suite", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


vm = load_vm_suite()

# The cards' functions in the guest, one per placement and notify mode.
SLOT = {("bar", "poll"): 0x10, ("host", "poll"): 0x11, ("bar", "event"): 0x12,
        ("host", "event"): 0x13}
BEGIN, END = "VMBENCH-JSON-BEGIN", "VMBENCH-JSON-END"


def log(msg):
    print(msg, flush=True)


def build_paths(build):
    p = {
        "bench": os.path.join(build, "apps", "vmsg-bench", "vmsg-bench-static"),
        "card": os.path.join(build, "tools", "vmsg-card"),
        "server": os.path.join(build, "tools", "vmsg-ivshmem-server"),
    }
    for k, f in p.items():
        if not os.access(f, os.X_OK):
            why = (" (built only with drivers/pcie_amp and without sanitizers)"
                   if k == "bench" else "")
            raise SystemExit("run-bench: %s: not in the build tree%s; build it first "
                             "(ninja -C %s)" % (f, why, build))
    return p


def bench_json(text, name):
    """The JSON the guest printed between the markers of scenario name, or None."""
    _, out = vm.scenario_output(text, name)
    try:
        a, z = out.index(BEGIN), out.index(END)
    except ValueError:
        return None
    try:
        return json.loads("\n".join(out[a + 1:z]))
    except ValueError:
        return None


def summary(results):
    """One line per measurement, then the functional-only note."""
    log("")
    log("%-6s %-6s %-5s %5s %10s %10s %10s %10s %9s %9s %7s" %
        ("place", "notify", "test", "size", "p50_ns", "p99_ns", "p99.9_ns", "pps", "BAR rd/it",
         "BAR wr/it", "bells"))
    note = None
    for _, doc in results:
        ctx = doc.get("context", {})
        if ctx.get("functional_only"):
            note = ctx.get("functional_only_why")
        for b in doc.get("benchmarks", []):
            ping = b["name"].split("/")[1] == "ping"
            log("%-6s %-6s %-5s %5d %10s %10s %10s %10s %9.2f %9.2f %7d" % (
                b.get("placement"), b.get("notify"), b["name"].split("/")[1], b["elem_size"],
                "%.0f" % b["p50_ns"] if ping else "-", "%.0f" % b["p99_ns"] if ping else "-",
                "%.0f" % b["p999_ns"] if ping else "-",
                "-" if ping else "%.0f" % b["items_per_second"],
                b["bar_reads_per_iter"], b["bar_writes_per_iter"], b["doorbells"]))
    if note:
        log("NOTE: QEMU TCG (%s): these figures are functional only, not a measure of "
            "speed" % note)


def check(results, combos):
    """--check: what the vm suite requires of the run; a list of failures."""
    bad = []
    seen = dict(results)
    for p, n in combos:
        doc = seen.get((p, n))
        if doc is None:
            bad.append("%s placement, %s: no JSON" % (p, n))
            continue
        ctx = doc.get("context", {})
        pc = ctx.get("pcie", {})
        if pc.get("placement") != p or pc.get("notify") != n:
            bad.append("%s placement, %s: the JSON says %s" % (p, n, pc))
        if not ctx.get("functional_only") or not ctx.get("functional_only_why"):
            bad.append("%s placement: no 'functional only' note under TCG" % p)
        names = [b["name"] for b in doc.get("benchmarks", [])]
        for want in ("pcie/ping/64/1/", "pcie/pps/64/32/", "pcie/pps/1518/32/"):
            if not any(n.startswith(want) for n in names):
                bad.append("%s placement: no %s... entry" % (p, want))
        for b in doc.get("benchmarks", []):
            ping = "/ping/" in b["name"]
            figs = ["p50_ns", "p99_ns", "p999_ns"] if ping else ["items_per_second", "tx_pps",
                                                                 "rx_pps"]
            for k in figs + ["iterations"]:
                v = b.get(k)
                if not isinstance(v, (int, float)) or not v > 0:
                    bad.append("%s: %s = %r, not > 0" % (b["name"], k, v))
            if p == "host" and b.get("bar_reads") != 0:
                bad.append("%s: %r BAR reads in the HOST placement (want 0)" %
                           (b["name"], b.get("bar_reads")))
    return bad


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--build", default="build", help="the meson build tree (default ./build)")
    ap.add_argument("--placement", choices=["bar", "host", "both"], default="both",
                    help="which card placement(s) to measure (default both)")
    ap.add_argument("--notify", choices=["poll", "event", "both"], default="poll",
                    help="polling only (default), doorbells and MSI-X, or both (a card "
                         "for each)")
    ap.add_argument("--samples", default="2000", help="PING round trips per run (default 2000)")
    ap.add_argument("--messages", default="50000",
                    help="vmsg-bench --messages: a tenth of it are packets per pps run "
                         "(default 50000)")
    ap.add_argument("--repeat", default="1", help="runs per measurement (default 1)")
    ap.add_argument("--json", help="write the results of every placement here "
                                   "(default WORK/vmsg-bench-pcie.json)")
    ap.add_argument("--work", default=None,
                    help="working directory, wiped (default BUILD/tools/vm/run-bench)")
    ap.add_argument("--cache", default=os.environ.get("VMSG_VM_CACHE") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "librte_vmsg", "vm"),
        help="where the guest kernel is cached (env VMSG_VM_CACHE)")
    ap.add_argument("--check", action="store_true",
                    help="also check the results (the vm suite's test): both placements, "
                         "figures > 0, 0 BAR reads in HOST, the functional-only note")
    ap.add_argument("--card-idle-us", default="50",
                    help="vmsg-card --idle-us of the polling cards: their nap after a "
                         "thousand idle turns (default 50; 0 spins, which makes the polling "
                         "round trip shorter and keeps a host CPU busy per card)")
    ap.add_argument("--timeout", type=int, default=240, help="bound of the boot, s")
    args = ap.parse_args()
    t_all = time.monotonic()
    ci = os.environ.get("CI") == "true"
    build = os.path.abspath(args.build)
    exe = build_paths(build)
    work = os.path.abspath(args.work or os.path.join(build, "tools", "vm", "run-bench"))
    out_json = args.json or os.path.join(work, "vmsg-bench-pcie.json")
    placements = ["bar", "host"] if args.placement == "both" else [args.placement]
    notifies = ["poll", "event"] if args.notify == "both" else [args.notify]
    combos = [(p, n) for n in notifies for p in placements]

    try:
        qemu, busybox, kdir = vm.prerequisites(args)
    except vm.Prereq as e:
        if ci:
            log("run-bench: FAIL: CI=true and a prerequisite is missing: %s" % e)
            return 1
        log("run-bench: SKIP: %s" % e)
        return SKIP

    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    sockdir = tempfile.mkdtemp(prefix="vmsg-bench-vm.")
    ram = "/dev/shm/vmsg-bench-vm-%d-ram" % os.getpid()
    files = [ram]
    procs, cards, devices, scenarios = [], [], [], []
    results = []
    rc = 1
    try:
        with open(ram, "wb") as f:
            f.truncate(vm.RAM_MB << 20)
        env = {"qemu": qemu, "busybox": busybox, "kdir": kdir, "work": work, "ram": ram,
               "programs": [exe["bench"]]}
        for p, n in combos:
            slot = SLOT[(p, n)]
            tag = "%s-%s" % (p, n)
            bdf = "0000:00:%02x.0" % slot
            common = ["--notify", n, "--backend", "loopback", "--guest-ram", ram,
                      "--placement", p, "--idle-us", args.card_idle_us, "--verbose"]
            if n == "event":
                # ivshmem-doorbell: a server per card (the card is its peer 0).
                qsock = os.path.join(sockdir, "q-%s.sock" % tag)
                csock = os.path.join(sockdir, "c-%s.sock" % tag)
                slog = open(os.path.join(work, "server-%s.log" % tag), "w")
                srv = subprocess.Popen([exe["server"], "--socket", qsock, "--card-socket", csock,
                                        "--size", str(vm.MEM_SIZE), "--vectors",
                                        str(vm.VECTORS)], stdout=slog, stderr=subprocess.STDOUT)
                slog.close()
                procs.append(srv)
                vm.wait_for(lambda: os.path.exists(csock) or srv.poll() is not None, 10,
                            "the ivshmem server")
                if srv.poll() is not None:
                    raise RuntimeError("vmsg-ivshmem-server exited %d" % srv.returncode)
                cargs = ["--server", csock] + common
                devices += ["-chardev", "socket,path=%s,id=ivs-%s" % (qsock, tag),
                            "-device", "ivshmem-doorbell,chardev=ivs-%s,vectors=%d,addr=0x%x"
                            % (tag, vm.VECTORS, slot)]
            else:
                shm = "/dev/shm/vmsg-bench-vm-%d-%s" % (os.getpid(), tag)
                files.append(shm)
                with open(shm, "wb") as f:
                    f.truncate(vm.MEM_SIZE)
                cargs = ["--shm", shm] + common
                devices += ["-object", "memory-backend-file,id=m-%s,mem-path=%s,size=%d,share=on"
                            % (tag, shm, vm.MEM_SIZE),
                            "-device", "ivshmem-plain,memdev=m-%s,addr=0x%x" % (tag, slot)]
            if p == "bar":
                cargs += ["--offset", str(vm.LAYOUT_OFFSET)]
            card = vm.Card(exe["card"], cargs, os.path.join(work, "card-%s.log" % tag))
            cards.append(card)
            card.start()
            name = "bench-" + tag
            guest_json = "/tmp/%s.json" % name
            cmd = ("/vm/vmsg-bench-static pcie --pcie %s --placement %s --notify %s --tcg "
                   "--samples %s --messages %s --repeat %s --json %s && echo %s && cat %s && "
                   "echo %s" % (bdf, p, n, args.samples, args.messages, args.repeat,
                                guest_json, BEGIN, guest_json, END))
            scenarios.append({"name": name, "secs": max(20, (args.timeout - 20) // len(combos)),
                              "cmd": cmd, "placement": p, "notify": n, "bdf": bdf})
        boot_def = {"iommu": True, "secs": args.timeout, "devices": devices,
                    "bind": [s["bdf"] for s in scenarios], "scenarios": scenarios, "cues": {}}
        for attempt in (1, 2):
            text, _ = vm.boot(args, env, "bench", boot_def, {})
            # An emulated kernel on a loaded host may panic at boot (its timer
            # check under TCG): boot once more, the cards are still there.
            if "Kernel panic" not in text or "VMTEST " in text or attempt == 2:
                break
            log("run-bench: the guest kernel panicked while booting: booting again")
        failed = False
        for s in scenarios:
            code, out = vm.scenario_output(text, s["name"])
            log("--- %s (guest output):" % s["name"])
            in_json = False
            for line in out:
                if line == BEGIN:
                    in_json = True
                if not in_json:
                    log("  " + line)
                if line == END:
                    in_json = False
            doc = bench_json(text, s["name"])
            if code != 0 or doc is None:
                log("run-bench: %s: exit %s%s" % (s["name"], code,
                                                  ", no JSON" if doc is None else ""))
                failed = True
                continue
            results.append(((s["placement"], s["notify"]), doc))
        for c in cards:
            if not c.alive():
                log("run-bench: %s: the card exited on its own" % c.logpath)
                failed = True
        if results:
            merged = {"context": dict(results[0][1].get("context", {})),
                      "benchmarks": [b for _, d in results for b in d.get("benchmarks", [])],
                      "ratios": results[0][1].get("ratios", {})}
            # One card per placement and notify mode: the context names them all.
            merged["context"].pop("pcie", None)
            merged["context"]["cards"] = [d.get("context", {}).get("pcie") for _, d in results]
            merged["context"]["placements"] = ["%s-%s" % pn for pn, _ in results]
            merged["context"]["launcher"] = "tools/vm/run-bench.py (QEMU TCG guest)"
            with open(out_json, "w") as f:
                json.dump(merged, f, indent=2)
            summary(results)
            log("run-bench: wrote %s" % out_json)
        if args.check:
            bad = check(results, combos)
            for b in bad:
                log("run-bench: CHECK FAILED: %s" % b)
            failed = failed or bool(bad)
            if not bad:
                log("run-bench: checks passed: %s, figures > 0, 0 BAR reads in HOST, "
                    "functional-only note" % ", ".join("%s-%s" % c for c in combos))
        rc = 1 if failed else 0
        if failed:
            log("--- the end of %s:" % os.path.join(work, "bench.serial.log"))
            log("\n".join(text.splitlines()[-30:]))
    finally:
        for c in cards:
            c.kill(signal.SIGTERM)
        for p in procs:
            if p.poll() is None:
                p.terminate()
                p.wait()
        for f in files:
            if os.path.exists(f):
                os.unlink(f)
        shutil.rmtree(sockdir, ignore_errors=True)
    log("run-bench: %s, %.1f s; logs in %s" % ("ok" if rc == 0 else "FAILED",
                                               time.monotonic() - t_all, work))
    return rc


if __name__ == "__main__":
    sys.exit(main())
