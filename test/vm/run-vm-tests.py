#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 The librte_vmsg authors
"""The vm suite: real vfio-pci in a QEMU guest, on the project's test card.

The host side of each scenario is the test card (tools/: vmsg-ivshmem-server
and vmsg-card, the device side of this library on QEMU's ivshmem memory); the
guest side is a static test program that drives the card through vfio-pci
with the pcie API (drivers/pcie_amp). QEMU runs under TCG (q35, intel-iommu)
with the Debian cloud kernel (test/vm/vm-assets.sh) and a busybox initramfs
whose /init (test/vm/init.sh) runs a list of scenarios and reports each on
the serial log. One boot runs many scenarios; this script starts the cards,
boots, plays the host's part (a card restart on the guest's cue), then
judges each scenario from the serial log and the cards' logs, and prints
one line per scenario.

Exit 0 when every scenario passed; 77 (skip) when QEMU, busybox or a
kernel cannot be had and CI is not "true"; 1 otherwise.
"""

import argparse
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SKIP = 77

# The guest's PCI functions: fixed slots, so that scenarios name them.
BDF_PLAIN = "0000:00:10.0"  # ivshmem-plain, vmsg-card --shm (polling only)
BDF_BELL = "0000:00:11.0"  # ivshmem-doorbell, vmsg-card --server (MSI-X)
BDF_SPARE = "0000:00:12.0"  # ivshmem-plain left without a driver
BDF_HPLAIN = "0000:00:13.0"  # ivshmem-plain, vmsg-card --placement host (polling only)
BDF_HBELL = "0000:00:14.0"  # ivshmem-doorbell, vmsg-card --placement host (MSI-X)
BDF_E1K = "0000:00:15.0"  # an e1000: a device whose DMA goes through the guest's IOMMU
MEM_SIZE = 4 << 20
# The guest's RAM, shared with the cards (they reach the driver's DMA memory
# in it at guest-physical offsets: q35 puts this much all below the PCI hole).
RAM_MB = 256
VECTORS = 2
LAYOUT_OFFSET = 4096


def log(msg):
    print(msg, flush=True)


class Prereq(Exception):
    """Something the suite needs is missing: a skip, or a failure in CI."""


class Card:
    """One vmsg-card process, restartable; its output goes to one log file."""

    def __init__(self, exe, args, logpath):
        self.exe, self.args, self.logpath = exe, args, logpath
        self.proc = None
        self.starts = 0

    def start(self):
        self.starts += 1
        f = open(self.logpath, "a")
        f.write("=== start %d: %s %s\n" % (self.starts, self.exe, " ".join(self.args)))
        f.flush()
        self.proc = subprocess.Popen([self.exe] + self.args, stdout=f, stderr=subprocess.STDOUT)
        f.close()

    def kill(self, sig=signal.SIGKILL):
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        rc = self.proc.returncode if self.proc is not None else None
        self.proc = None
        return rc

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def late_restart(self, secs=3.0):
        """Killed, its link wiped (layout header and queue heads gone), started secs later."""
        self.kill()
        with open(self.shm, "r+b") as f:
            f.seek(self.offset)
            f.write(bytes(4096))
        threading.Timer(secs, self.start).start()

    def hostile(self, what):
        """Makes the card misbehave once (vmsg-card --hostile): writes what, then SIGUSR1."""
        with open(self.hostile_file, "w") as f:
            f.write(what + "\n")
        if self.alive():
            self.proc.send_signal(signal.SIGUSR1)

    def text(self):
        try:
            with open(self.logpath) as f:
                return f.read()
        except OSError:
            return ""


def wait_for(pred, secs, what):
    end = time.monotonic() + secs
    while time.monotonic() < end:
        if pred():
            return
        time.sleep(0.02)
    raise RuntimeError("timed out waiting for " + what)


# ---------------------------------------------------------------------------
# Prerequisites


def prerequisites(args):
    qemu = shutil.which("qemu-system-x86_64")
    if qemu is None:
        raise Prereq("qemu-system-x86_64 not found (apt-get install qemu-system-x86)")
    busybox = None
    for b in ("/bin/busybox", "/usr/bin/busybox"):
        if os.path.exists(b):
            busybox = b
            break
    if busybox is None:
        raise Prereq("busybox not found (apt-get install busybox-static)")
    # A dynamically linked busybox cannot run in the initramfs.
    if b"ld-linux" in open(busybox, "rb").read(65536):
        raise Prereq(busybox + " is not static (apt-get install busybox-static)")
    r = subprocess.run(
        [os.path.join(HERE, "vm-assets.sh"), args.cache],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    sys.stderr.write(r.stderr)
    if r.returncode == SKIP:
        raise Prereq("no guest kernel: " + r.stderr.strip().splitlines()[-1])
    if r.returncode != 0:
        raise RuntimeError("test/vm/vm-assets.sh failed")
    return qemu, busybox, r.stdout.strip()


# ---------------------------------------------------------------------------
# The initramfs


def shared_libs(prog):
    """The shared objects a dynamically linked program loads (ldd), loader included."""
    out = subprocess.run(["ldd", prog], stdout=subprocess.PIPE, text=True, check=True).stdout
    libs = []
    for line in out.splitlines():
        w = line.split()
        if "=>" in w and len(w) > w.index("=>") + 1 and w[w.index("=>") + 1].startswith("/"):
            libs.append(w[w.index("=>") + 1])
        elif w and w[0].startswith("/"):
            libs.append(w[0])
    return libs


def make_initrd(path, busybox, kdir, programs, scenarios, bind, libs=()):
    """libs: shared objects, into /vm/lib (the loader at its own path)."""
    root = tempfile.mkdtemp(prefix="initrd.", dir=os.path.dirname(path))
    try:
        for d in ("bin", "vm", "vm/lib", "proc", "sys", "dev", "tmp"):
            os.makedirs(os.path.join(root, d))
        for lib in libs:
            base = os.path.basename(lib)
            if base.startswith("ld-linux"):
                os.makedirs(os.path.join(root, os.path.dirname(lib).lstrip("/")), exist_ok=True)
                shutil.copy(lib, os.path.join(root, lib.lstrip("/")))
            else:
                shutil.copy(lib, os.path.join(root, "vm", "lib", base))
        shutil.copy(busybox, os.path.join(root, "bin", "busybox"))
        shutil.copy(os.path.join(HERE, "init.sh"), os.path.join(root, "init"))
        os.chmod(os.path.join(root, "init"), 0o755)
        for ko in os.listdir(kdir):
            if ko.endswith(".ko"):
                shutil.copy(os.path.join(kdir, ko), os.path.join(root, "vm", ko))
        for p in programs:
            shutil.copy(p, os.path.join(root, "vm", os.path.basename(p)))
        with open(os.path.join(root, "vm", "scenarios"), "w") as f:
            for s in scenarios:
                f.write("%s %d %s\n" % (s["name"], s["secs"], s["cmd"]))
        with open(os.path.join(root, "vm", "bind"), "w") as f:
            f.write("\n".join(bind) + "\n")
        files = subprocess.run(
            ["find", "."], cwd=root, stdout=subprocess.PIPE, check=True, text=True
        ).stdout
        with open(path, "wb") as out:
            cpio = subprocess.Popen(
                [busybox, "cpio", "-o", "-H", "newc"],
                cwd=root,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
            )
            gz = subprocess.Popen(["gzip", "-1"], stdin=cpio.stdout, stdout=out)
            cpio.stdout.close()
            cpio.stdin.write(files.encode())
            cpio.stdin.close()
            if cpio.wait() != 0 or gz.wait() != 0:
                raise RuntimeError("packing the initramfs failed")
    finally:
        shutil.rmtree(root)


# ---------------------------------------------------------------------------
# One boot


def boot(args, env, name, boot_def, ctx):
    """Boots once, runs boot_def's scenarios.

    Returns the serial log text and, per scenario with a card, where the
    card's log stood when the scenario started and ended (its slice).
    """
    work = env["work"]
    serial = os.path.join(work, name + ".serial.log")
    initrd = os.path.join(work, name + ".initrd.gz")
    make_initrd(initrd, env["busybox"], env["kdir"], env["programs"], boot_def["scenarios"],
                boot_def["bind"], env.get("libs", ()))
    # Debian's kernel turns the Intel IOMMU on by default (INTEL_IOMMU_DEFAULT_ON_INTGPU_OFF):
    # leaving intel_iommu=on out is not enough to have none; say off.
    # no_timer_check: under TCG on a loaded host the kernel's check of the
    # timer through the interrupt-remapped IO-APIC can fail and panic the boot.
    append = "console=ttyS0 panic=-1 quiet no_timer_check " + (
        "intel_iommu=on" if boot_def["iommu"] else "intel_iommu=off")
    # The guest's RAM is a shared file: the cards read the driver's DMA memory in it.
    cmd = [
        env["qemu"], "-machine", "q35,memory-backend=ram", "-accel", "tcg", "-cpu", "max",
        "-smp", "1", "-m", "%d" % RAM_MB,
        "-object", "memory-backend-file,id=ram,size=%dM,mem-path=%s,share=on"
        % (RAM_MB, env["ram"]),
        "-nographic", "-no-reboot", "-nodefaults", "-serial", "file:" + serial,
        "-device", "intel-iommu,intremap=on",
        "-kernel", os.path.join(env["kdir"], "vmlinuz"), "-initrd", initrd,
        "-append", append,
    ]  # fmt: skip
    cmd += boot_def["devices"]
    log("vm: boot %s: %d scenarios, kernel command line: %s" %
        (name, len(boot_def["scenarios"]), append))
    with open(os.path.join(work, name + ".qemu.log"), "w") as qlog:
        qlog.write(" ".join(cmd) + "\n")
        qlog.flush()
        t0 = time.monotonic()
        qemu = subprocess.Popen(cmd, stdout=qlog, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL)
        seen = 0
        text = ""
        marks = {}
        cardof = {s["name"]: ctx[s["card"]] for s in boot_def["scenarios"] if "card" in s}
        deadline = t0 + boot_def["secs"]
        try:
            while True:
                try:
                    with open(serial, errors="replace") as f:
                        text = f.read()
                except OSError:
                    text = ""
                for m in re.finditer(r"^VMTEST (\S+) (START|EXIT)", text, re.M):
                    n, what = m.group(1), m.group(2)
                    if n in cardof and (n not in marks or (what == "EXIT" and
                                                           marks[n][1] is None)):
                        at = len(cardof[n].text())
                        marks[n] = (at, None) if what == "START" else (marks[n][0], at)
                # The host's part: act on each cue once, in order.
                for m in re.finditer(r"^\S+\| VMSYNC (\S+)", text[seen:], re.M):
                    hook = boot_def.get("cues", {}).get(m.group(1))
                    log("vm: %s: guest cue %s" % (name, m.group(1)))
                    if hook is not None:
                        hook()
                    seen += m.end()
                    break
                else:
                    if qemu.poll() is not None:
                        break
                    if time.monotonic() > deadline:
                        log("vm: boot %s: no end after %d s: QEMU killed" %
                            (name, boot_def["secs"]))
                        qemu.kill()
                        qemu.wait()
                        break
                    time.sleep(0.05)
        finally:
            if qemu.poll() is None:
                qemu.kill()
                qemu.wait()
        with open(serial, errors="replace") as f:
            text = f.read()
        log("vm: boot %s: %.1f s, QEMU exit %d" % (name, time.monotonic() - t0, qemu.returncode))
    time.sleep(0.1)  # the cards' last lines
    for n, c in cardof.items():
        a, z = marks.get(n, (0, None))
        marks[n] = (a, z if z is not None else len(c.text()))
    return text, marks


def scenario_output(text, name):
    """(exit code or None, output lines) of one scenario in the serial log."""
    lines = [l[len(name) + 2:] for l in text.splitlines() if l.startswith(name + "| ")]
    m = re.search(r"^VMTEST %s EXIT (\d+)" % re.escape(name), text, re.M)
    return (int(m.group(1)) if m else None), lines


def judge(text, s, ctx):
    """'' when scenario s passed, else why not."""
    rc, out = scenario_output(text, s["name"])
    if rc is None:
        return "no result in the serial log (the guest hung or crashed?)"
    if rc == 124 or rc == 143:
        return "timed out in the guest after %d s" % s["secs"]
    want = s.get("rc", 0)
    if want == "nonzero":
        if rc == 0:
            return "exit 0, and an error was expected"
    elif rc != want:
        tail = "; ".join(out[-3:])
        return "exit %d (want %d): %s" % (rc, want, tail)
    joined = "\n".join(out)
    for pat in s.get("expect", []):
        if re.search(pat, joined, re.M) is None:
            return "no line matches /%s/" % pat
    check = s.get("check")
    return check(out, ctx) if check is not None else ""


# ---------------------------------------------------------------------------
# Scenarios


def scenarios_vfio_bind():
    """Harness self-check: both cards' functions are bound to vfio-pci in an IOMMU group."""
    cmd = ("for b in %s %s; do g=$(readlink /sys/bus/pci/devices/$b/iommu_group) || exit 1; "
           "d=$(readlink /sys/bus/pci/devices/$b/driver) || exit 1; "
           "test -c /dev/vfio/${g##*/} || exit 1; "
           "echo $b ${d##*/} group ${g##*/}; done" % (BDF_PLAIN, BDF_BELL))
    return [{
        "name": "vfio-bind", "secs": 10, "cmd": cmd,
        "expect": [BDF_PLAIN + " vfio-pci group", BDF_BELL + " vfio-pci group"],
        "what": "the ivshmem functions bound to vfio-pci, each in an IOMMU group (harness check)",
    }]


def scenarios_traffic(guest, plain, bell):
    """The scenarios of one driver program against the two cards.

    guest: the program; plain / bell: its arguments that open the polling
    card (ivshmem-plain) and the doorbell card (ivshmem-doorbell).
    """
    ok = r"^vm-guest: ok$"
    return [{
        "name": "poll", "secs": 60, "card": "card_poll", "rounds": 1,
        "cmd": "%s %s --notify poll --count 10000" % (guest, plain),
        "expect": [ok, r"EVENT_AVAIL sent 0, EVENT_USED received 0"],
        "what": "polling only: bring-up and 10^4 frames each way, no event, no doorbell",
    }, {
        # Rounds of 500: each one's start and end make the driver wait on
        # the card's interrupt; within a round it mostly finds work.
        "name": "msix", "secs": 90, "card": "card_bell", "rounds": 20,
        "cmd": "%s %s --notify event --count 500 --rounds 20 --expect-irq" % (guest, bell),
        "expect": [ok],
        "what": "MSI-X and doorbells: 20 rounds of 500 frames each way in event mode, "
                "doorbells and interrupts counted",
    }, {
        "name": "traffic", "secs": 120, "card": "card_poll", "rounds": 1,
        "cmd": "%s %s --notify poll --count 100000 --seed 7 --timeout 110" % (guest, plain),
        "expect": [ok, r"round 7: 100000 frames each way checked byte by byte"],
        "what": "10^5 virtio-net frames each way, each checked byte by byte at both ends",
    }, {
        "name": "reopen", "secs": 60, "card": "card_bell", "rounds": 2,
        "cmd": ("%s %s --notify event --count 2000 --seed 11 && "
                "%s %s --notify event --count 2000 --seed 12" % (guest, bell, guest, bell)),
        "expect": [r"round 11: 2000 frames", r"round 12: 2000 frames"],
        "what": "the program exits and a new one opens the card again (close/open path)",
    }, {
        "name": "card-restart", "secs": 90, "card": "card_bell", "rounds": 1,
        "cmd": ("%s %s --notify event --count 20000 --seed 21 --cue card-restart"
                % (guest, bell)),
        "expect": [ok, r"recovered from [1-9]"],
        "cue": ("card-restart", "card_bell", None),
        "what": "the card emulator SIGKILLed and restarted under the running driver, which recovers",
    }]


def late_opens(out, ctx):
    """pmd-late: the card without its layout for 3 s was not opened again and again."""
    n = sum(1 for l in out if "has not written its layout" in l)
    return "" if n <= 2 else "the card was opened %d times without its layout" % n


def quiet_release(out, ctx):
    """pmd-unbind, fwd-unbind: the card given back was not opened while it was on no driver."""
    n = sum(1 for l in out if "not vfio-pci" in l)
    return "" if n == 0 else "%d opens of the card while it was on no driver" % n


def nomem_once(out, ctx):
    """pmd-zc-starve: the card was opened once without memory for its DMA, not again until the
    held mbufs that kept the rest were freed (each open resets the card)."""
    n = sum(1 for l in out if "no hugepages for" in l and "DMA memory" in l)
    return "" if n == 1 else "%d opens of the card without memory for its DMA, want 1" % n


def nomem_backoff(out, ctx):
    """pmd-starve: the opens without memory for the card's DMA back off (200 ms, doubled): a
    handful in the 3 s without it, not one every 200 ms."""
    n = sum(1 for l in out if "no hugepages for" in l and "DMA memory" in l)
    return "" if 2 <= n <= 6 else "%d opens of the card without memory for its DMA in 3 s, " \
        "want 2 to 6" % n


def scenarios_pmd(pmd):
    """A DPDK application on the cards: the ethdev API over net_vmsg's bus=pcie."""
    ok = r"^vm-pmd: ok$"
    return [{
        "name": "pmd-poll", "secs": 60, "card": "card_poll", "rounds": 1,
        "cmd": "%s --card %s --notify poll --count 2000 --seed 31 --timeout 50" % (pmd, BDF_PLAIN),
        "expect": [ok, r"round 31: 2000 frames each way checked byte by byte"],
        "what": "a DPDK application (ethdev API only) on the card through net_vmsg bus=pcie: "
                "2000 frames each way, every byte checked",
    }, {
        "name": "pmd-event", "secs": 60, "card": "card_bell", "rounds": 1,
        "cmd": "%s --card %s --notify event --count 2000 --seed 32 --timeout 50" % (pmd, BDF_BELL),
        "expect": [ok, r"round 32: 2000 frames each way", r"events sent [1-9]"],
        "what": "the same on the doorbell card with notify=event: EVENT_AVAIL sent through "
                "its doorbell, MSI-X armed",
    }, {
        "name": "pmd-restart", "secs": 90, "card": "card_poll", "rounds": 1,
        "cmd": ("%s --card %s --notify poll --count 4000 --seed 33 --timeout 80 "
                "--cue pmd-restart" % (pmd, BDF_PLAIN)),
        "expect": [ok, r"recovered from [1-9] card restart"],
        "cue": ("pmd-restart", "card_poll", None),
        "what": "the card SIGKILLed and restarted under the running DPDK application: the "
                "port's link goes down, net_vmsg opens the card again, the round starts over",
    }, {
        "name": "pmd-stall", "secs": 90, "card": "card_poll", "rounds": 1,
        "cmd": ("%s --card %s --notify poll --count 4000 --seed 36 --timeout 80 "
                "--peer-timeout 300 --cue pmd-stall" % (pmd, BDF_PLAIN)),
        "expect": [ok, r"recovered from [1-9] card restart",
                   r"net_vmsg: librte_vmsg: bus: nothing from the peer for \d+ ms: peer lost"],
        "cue": ("pmd-stall", "card_poll", "stall"),
        "what": "the card hangs for 1.5 s (alive, its queue head RUN) under the running DPDK "
                "application with peer_timeout=300: the bus keepalive takes it for lost, the "
                "link goes down, and comes back when the card polls again",
    }, {
        "name": "pmd-late", "secs": 90, "card": "card_poll", "rounds": 1,
        "cmd": ("%s --card %s --notify poll --count 4000 --seed 37 --timeout 80 "
                "--cue pmd-late" % (pmd, BDF_PLAIN)),
        "expect": [ok, r"recovered from [1-9] card restart"],
        "check": late_opens,
        "cue": ("pmd-late", "card_poll", "late"),
        "what": "the card killed and its link wiped under the running DPDK application, then "
                "started 3 s later: the port waits in one open of the card for its layout "
                "(no reset and error line five times a second), and the round completes",
    }, {
        "name": "pmd-zc", "secs": 60, "card": "card_poll", "rounds": 1,
        "cmd": "%s --card %s --notify poll --count 2000 --seed 41 --timeout 50 --zerocopy "
               "--qsize 32" % (pmd, BDF_PLAIN),
        "expect": [ok, r"round 41: 2000 frames each way checked byte by byte",
                   r"rx_zero_copy_packets [1-9]"],
        "what": "zerocopy=1 on the card: the port's receive mbufs lie in the card's DMA memory "
                "(the card writes the frames into them), every byte checked",
    }, {
        "name": "pmd-zc-restart", "secs": 90, "card": "card_poll", "rounds": 1,
        "cmd": ("%s --card %s --notify poll --count 4000 --seed 42 --timeout 80 --zerocopy "
                "--qsize 32 --cue pmd-zc-restart --hold" % (pmd, BDF_PLAIN)),
        "expect": [ok, r"recovered from [1-9] card restart",
                   r"held \d+ zero-copy mbufs across the card's restart, their bytes intact",
                   r"rx_zero_copy_packets [1-9]"],
        "cue": ("pmd-zc-restart", "card_poll", None),
        "what": "zerocopy=1, the card SIGKILLed and restarted while the application holds "
                "received mbufs: the port closes the card but keeps its DMA memory (out of "
                "the card's reach) until they are back, opens the card again with new memory, "
                "and the held frames read unchanged",
    }, {
        "name": "pmd-zc-starve", "secs": 90, "card": "card_poll", "rounds": 1,
        "cmd": ("%s --card %s --notify poll --count 4000 --seed 43 --timeout 80 --zerocopy "
                "--qsize 32 --cue pmd-zc-starve --hold --starve" % (pmd, BDF_PLAIN)),
        "expect": [ok, r"recovered from 1 card restart",
                   r"starve: took the guest's [1-9]\d* free hugepages",
                   r"held \d+ zero-copy mbufs across the card's restart, their bytes intact "
                   r"\(freed 2 s after the card went away\)",
                   r"no memory for the card's DMA while 1 pool\(s\) of zero-copy mbufs the "
                   r"application holds keep the memory of an earlier open"],
        "check": nomem_once,
        "cue": ("pmd-zc-starve", "card_poll", None),
        "what": "as pmd-zc-restart with no hugepage free besides the held mbufs' memory: the "
                "card's next open finds none for its DMA, and the port opens it again only "
                "once the held mbufs are freed (2 s later), not every 200 ms (each open "
                "resets the card)",
    }, {
        "name": "pmd-starve", "secs": 90, "card": "card_poll", "rounds": 1,
        "cmd": ("%s --card %s --notify poll --count 4000 --seed 44 --timeout 80 "
                "--cue pmd-starve --starve" % (pmd, BDF_PLAIN)),
        "expect": [ok, r"recovered from 1 card restart",
                   r"starve: took the guest's [1-9]\d* free hugepages",
                   r"starve: gave the \d+ hugepages back 3 s after the card went away",
                   r"no memory for the card's DMA: opening it again in 1600 ms"],
        "check": nomem_backoff,
        "cue": ("pmd-starve", "card_poll", None),
        "what": "the card restarted while the guest has no hugepage free: the port's opens, "
                "which find no memory for the card's DMA, back off from 200 ms (each open "
                "resets the card), and it opens the card once the memory is back (3 s later)",
    }, {
        "name": "pmd-unbind", "secs": 90, "card": "card_poll", "rounds": 1,
        "cmd": ("%s --card %s --notify poll --count 4000 --seed 38 --timeout 80 "
                "--cue pmd-unbind --unbind" % (pmd, BDF_PLAIN)),
        "expect": [ok, r"recovered from 1 card restart",
                   r"unbind: the kernel had the card back in \d+ ms",
                   r"unbind: bound to vfio-pci again",
                   r"librte_vmsg: pcie_amp: %s: the kernel wants the device back" % BDF_PLAIN,
                   r"the kernel asked for the card back .*: closing it; opening it again once "
                   r"it is bound to vfio-pci",
                   r"card %s is bound to vfio-pci again: opening it" % BDF_PLAIN],
        "check": quiet_release,
        "what": "the card unbound from vfio-pci under the running DPDK application (the VFIO "
                "REQ notifier): the port closes it, which the unbind waits for, opens it "
                "again once it is bound to vfio-pci again (not before, and quietly), and the "
                "round completes",
    }, {
        "name": "pmd-not-bound", "secs": 20, "rc": "nonzero",
        "cmd": "%s --card %s --count 10" % (pmd, BDF_SPARE),
        "expect": [r"net_vmsg: librte_vmsg: pcie_amp: " + BDF_SPARE +
                   r": bound to no driver, not vfio-pci: bind it with",
                   r"opening the card " + BDF_SPARE, r"vm-pmd: FAIL: no net_vmsg port"],
        "what": "a function not bound to vfio-pci: the probe of the net_vmsg port fails, with "
                "the library's line that says how to bind it (routed into DPDK's log)",
    }]


def fwd_run(fwd, pmd, file, last, first=None, between=""):
    """Shell: vmsg-fwd between a pcie: port on the card and a file port, vm-pmd rounds through
    it ((count, seed, timeout) each): the first, if given, then the between commands and a wait
    for the pcie: port's second link up; then the last; vmsg-fwd stopped, its output shown."""
    rnd = "%s --vdev net_vmsg0,file=%s,role=driver --count %d --seed %d --timeout %d"
    cmd = ("%s --hugepages none --port vmsg:file=%s --port pcie:%s,iova=pa --stats-period 0 "
           "--idle-sleep 200 --retries 1000000 >/tmp/fwd.out 2>&1 & f=$!; " % (fwd, file, BDF_PLAIN))
    if first is not None:
        cmd += (rnd % ((pmd, file) + first) +
                " || { kill -INT $f; wait $f; cat /tmp/fwd.out; exit 1; }; " + between +
                "for i in $(seq 200); do [ $(grep -c 'link up (driver' /tmp/fwd.out) -ge 2 ] "
                "&& break; sleep 0.1; done; ")
    return cmd + (rnd % ((pmd, file) + last) +
                  "; rc=$?; kill -INT $f; wait $f; frc=$?; cat /tmp/fwd.out; "
                  "echo \"vmsg-fwd exit $frc\"; exit $rc")


def scenarios_fwd(pmd, fwd):
    """vmsg-fwd's pcie: port: forwarding between the card and a file port vm-pmd drives."""
    cmd = fwd_run(fwd, pmd, "/tmp/fwd0", (1000, 35, 50))
    # The card taken from vfio-pci and given back under a running vmsg-fwd,
    # between two rounds through it: the second once the pcie: port is up again.
    ucmd = fwd_run(fwd, pmd, "/tmp/fwd1", (1000, 40, 40), (300, 39, 30),
                   "echo %s >/sys/bus/pci/devices/%s/driver/unbind; echo \"unbind exit $?\"; "
                   "test -e /sys/bus/pci/devices/%s/driver && echo 'still bound'; sleep 1; "
                   "echo %s >/sys/bus/pci/drivers_probe; " % ((BDF_PLAIN,) * 4))
    # The card killed, its link wiped and started 3 s later under a running
    # vmsg-fwd, between two rounds through it.
    lcmd = fwd_run(fwd, pmd, "/tmp/fwd2", (1000, 44, 40), (300, 43, 30),
                   "echo 'VMSYNC fwd-late'; ")
    return [{
        "name": "fwd-late", "secs": 90, "card": "card_poll", "rounds": 2,
        "cmd": lcmd,
        "expect": [r"^vm-pmd: ok$", r"round 44: 1000 frames each way checked byte by byte",
                   r"^vmsg-fwd exit 0$", r"port 1: the device went away; attaching again"],
        "check": late_opens,
        "cue": ("fwd-late", "card_poll", "late"),
        "what": "the card killed and its link wiped under a running vmsg-fwd, then started 3 s "
                "later: the pcie: port waits in one open of the card (in a thread of its own) "
                "for its layout, no reset and error line five times a second, and a round "
                "through it passes",
    }, {
        "name": "fwd-unbind", "secs": 90, "card": "card_poll", "rounds": 2,
        "cmd": ucmd,
        "expect": [r"^vm-pmd: ok$", r"round 40: 1000 frames each way checked byte by byte",
                   r"^unbind exit 0$", r"^vmsg-fwd exit 0$",
                   r"port 1: the kernel asked for the card back .*: closing it; opening it "
                   r"again once it is bound to vfio-pci",
                   r"port 1: card %s is bound to vfio-pci again: opening it" % BDF_PLAIN],
        "check": quiet_release,
        "what": "the card unbound from vfio-pci under a running vmsg-fwd and bound again: "
                "the pcie: port closes it, which the unbind waits for, opens it again once "
                "it is back on vfio-pci (quietly until then), and a round through it passes",
    }, {
        "name": "fwd-pcie", "secs": 60, "card": "card_poll", "rounds": 1,
        "cmd": cmd,
        "expect": [r"^vm-pmd: ok$", r"round 35: 1000 frames each way checked byte by byte",
                   r"^vmsg-fwd exit 0$"],
        "what": "vmsg-fwd with a pcie: port on the card and a file port a DPDK application "
                "drives: the card's round forwarded both ways, every byte checked, a clean exit",
    }]


def scenarios_host(guest):
    """The HOST placement (the link in the guest's DMA memory) and hostile cards."""
    ok = r"^vm-guest: ok$"
    hp = "--pcie %s --placement host" % BDF_HPLAIN
    hb = "--pcie %s --placement host" % BDF_HBELL
    # ARCHITECTURE.md §2.7: after the open (IVPosition, once), not one BAR read.
    zero = r"BAR0 reads 1, BAR2 reads 0, BAR2 writes [1-9]\d*, address published [1-9]"
    recovered = r"recovered from [1-9]"
    return [{
        "name": "host-poll", "secs": 90, "card": "card_hpoll", "rounds": 1,
        "cmd": "%s %s --notify poll --count 20000 --seed 31" % (guest, hp),
        "expect": [ok, r"round 31: 20000 frames each way checked byte by byte",
                   r"EVENT_AVAIL sent 0, EVENT_USED received 0", zero],
        "what": "HOST placement, polling only: the link in the guest's DMA memory, its "
                "address in the card's mailbox; 2*10^4 frames each way checked, "
                "no BAR read on the data path",
    }, {
        "name": "host-msix", "secs": 90, "card": "card_hbell", "rounds": 10,
        "cmd": "%s %s --notify event --count 500 --rounds 10 --expect-irq" % (guest, hb),
        "expect": [ok, zero],
        "what": "HOST placement with MSI-X and doorbells: 10 rounds of 500 frames each way, "
                "no BAR read on the data path",
    }, {
        "name": "host-reopen", "secs": 60, "card": "card_hbell", "rounds": 2,
        "cmd": ("%s %s --notify event --count 2000 --seed 35 && "
                "%s %s --notify event --count 2000 --seed 36" % (guest, hb, guest, hb)),
        "expect": [r"round 35: 2000 frames", r"round 36: 2000 frames"],
        "what": "HOST placement: the program exits (its address taken back) and a new one "
                "publishes its own",
    }, {
        "name": "host-restart", "secs": 90, "card": "card_hbell", "rounds": 1,
        "cmd": ("%s %s --notify event --count 20000 --seed 41 --cue host-restart"
                % (guest, hb)),
        "expect": [ok, recovered],
        "cue": ("host-restart", "card_hbell", None),
        "what": "HOST placement: the card emulator SIGKILLed and restarted under the running "
                "driver takes the address again; the driver recovers",
    }] + [hostile(guest, *h) for h in (
        ("index", "card_bell", "--pcie %s --notify event" % BDF_BELL, r"link breaks [1-9]",
         "a hostile card (BAR placement): its producer index out of range; the driver "
         "breaks the link, no crash, the link recovers, traffic checked after"),
        ("layout", "card_poll", "--pcie %s --notify poll" % BDF_PLAIN, r"link breaks [1-9]",
         "a hostile card (BAR placement): garbage in the layout header it wrote, then "
         "its handshake again; the driver refuses the header, recovers"),
        ("used", "card_hpoll", hp + " --notify poll", r"queue breaks [1-9]",
         "a hostile card (HOST placement): the receive queue's used index far ahead; "
         "the driver breaks that queue only, resets the device, traffic checked after"),
        ("status", "card_hbell", hb + " --notify event", r"link breaks [1-9]",
         "a hostile card (HOST placement): a state that cannot be in its queue head; "
         "the link breaks, the address is published again, the link recovers"),
    )]


def hostile(guest, what, card, opener, detected, desc):
    """A round of 4000 frames in which the card misbehaves once (vmsg-card --hostile)."""
    seed = {"index": 51, "layout": 52, "used": 53, "status": 54}[what]
    return {
        "name": "hostile-" + what, "secs": 90, "card": card, "rounds": 1,
        "cmd": "%s %s --count 4000 --seed %d --cue hostile-%s" % (guest, opener, seed, what),
        "expect": [r"^vm-guest: ok$", r"recovered from [1-9]", detected],
        "cue": ("hostile-" + what, card, what),
        "what": desc,
    }


def iommu_fault_at_lure(out, ctx):
    """The fault the guest kernel logged is at the address of the unmapped ring."""
    text = "\n".join(out)
    lure = re.search(r"ring at physical address (0x[0-9a-f]+)", text)
    fault = re.search(r"Request device \[00:15\.0\] fault addr (0x[0-9a-f]+)", text)
    if not lure or not fault:
        return "no lure or no fault line"
    if int(lure.group(1), 16) != int(fault.group(1), 16):
        return "the fault is at %s, the unmapped ring at %s" % (fault.group(1), lure.group(1))
    return ""


def scenarios_iommu(guest):
    """The IOMMU refuses a DMA outside what the driver mapped (a real DMA: QEMU's e1000)."""
    return [{
        "name": "iommu-refuses", "secs": 30,
        "cmd": ("%s --iommu-check %s; rc=$?; dmesg | grep 'DMAR' | grep -i fault | head -2; "
                "exit $rc" % (guest, BDF_E1K)),
        "expect": [r"^vm-guest: mapped: the device's DMA through the IOMMU wrote the "
                   r"descriptor back",
                   r"stays untouched: the IOMMU refused the DMA",
                   r"DMAR: \[DMA Read.*\] Request device \[00:15\.0\] fault addr",
                   r"^vm-guest: ok$"],
        "check": iommu_fault_at_lure,
        "what": "a device's DMA to memory never mapped for it is refused by the IOMMU (the "
                "guest kernel logs the fault) and the memory stays untouched, while its DMA "
                "to mapped memory lands",
    }]


def scenarios_vfio_probe(guest):
    """drivers/pcie_amp's VFIO layer alone on both cards, below its card layer."""
    return [{
        "name": "vfio-probe", "secs": 30,
        "cmd": ("%s --vfio-probe %s && %s --vfio-probe %s --msix 2"
                % (guest, BDF_PLAIN, guest, BDF_BELL)),
        "expect": [BDF_PLAIN + r": .* 0 MSI-X vectors, .*BAR0 256 B, BAR1 0 B, BAR2 %d B"
                   % MEM_SIZE,
                   BDF_BELL + r": .* 2 MSI-X vectors, .*BAR0 256 B, BAR1 4096 B, BAR2 %d B"
                   % MEM_SIZE,
                   r"the card's v1 layout is seen through the BAR2 mapping",
                   r"2 MSI-X vectors armed to eventfds and disarmed"],
        "what": "the VFIO layer: open, regions, BAR2 maps the card's memory (its layout "
                "magic), 2 MSI-X vectors armed",
    }]


def scenarios_errors(guest, opener):
    """The one-line errors of a card that cannot be opened (opener: --pcie or --vfio-probe)."""
    return [{
        "name": "not-bound", "secs": 20, "rc": "nonzero",
        "cmd": "%s %s %s" % (guest, opener, BDF_SPARE),
        "expect": [BDF_SPARE + r": bound to no driver, not vfio-pci: bind it with"],
        "what": "a function not bound to vfio-pci: the named one-line error, exit non-zero",
    }]


def scenarios_no_iommu(guest, opener):
    return [{
        "name": "no-iommu", "secs": 20, "rc": "nonzero",
        "cmd": "%s %s %s" % (guest, opener, BDF_PLAIN),
        "expect": [BDF_PLAIN + r": no IOMMU group .*intel_iommu=on"],
        "what": "a guest booted without the IOMMU (intel_iommu=off): the named one-line "
                "error, exit non-zero",
    }]


def check_card(s, ctx, slice_text):
    """The card's side of a scenario: its rounds in the scenario's time, all ok."""
    if "card" not in s:
        return ""
    bad = [l for l in slice_text.splitlines() if "FAILED" in l]
    if bad:
        return "the card: " + bad[0]
    n = len(re.findall(r"^vmsg-card: round \d+: .*: ok$", slice_text, re.M))
    if n < s["rounds"]:
        return "the card logged %d good rounds, want %d" % (n, s["rounds"])
    return ""


def run_host(args, ctx, scenarios):
    """Host mode: each scenario's driver program runs here; the same judging."""
    results = []
    for s in scenarios:
        card = ctx.get(s.get("card"))
        mark = len(card.text()) if card else 0
        log("vm: host: %s: %s" % (s["name"], s["cmd"]))
        p = subprocess.Popen(["sh", "-c", s["cmd"]], stdout=subprocess.PIPE,
                             stderr=subprocess.STDOUT, text=True)
        out = []
        t0 = time.monotonic()
        for line in p.stdout:
            out.append(line.rstrip("\n"))
            cue = s.get("cue")
            if cue and line.startswith("VMSYNC " + cue[0]):
                c = ctx[cue[1]]
                if cue[2] == "late":
                    c.late_restart()
                elif cue[2] is not None:
                    c.hostile(cue[2])
                else:
                    c.kill()
                    c.start()
        try:
            rc = p.wait(timeout=max(1, s["secs"] - (time.monotonic() - t0)))
        except subprocess.TimeoutExpired:
            p.kill()
            rc = 124
        time.sleep(0.1)  # the card's last line
        text = "\n".join("%s| %s" % (s["name"], l) for l in out)
        text += "\nVMTEST %s EXIT %d\n" % (s["name"], rc)
        why = judge(text, s, ctx) or (check_card(s, ctx, card.text()[mark:]) if card else "")
        if why:
            log("\n".join(out[-10:]))
        results.append((s["name"], why, s["what"]))
    return results


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--server", required=True, help="vmsg-ivshmem-server")
    ap.add_argument("--card", required=True, help="vmsg-card")
    ap.add_argument("--guest", help="the static vm-guest, with drivers/pcie_amp")
    ap.add_argument("--host-guest",
                    help="host mode: no VM; this vm-guest-host drives the cards directly")
    ap.add_argument("--pmd", help="vm-pmd: a DPDK application on the card through net_vmsg "
                    "(dynamically linked; its libraries go into the guest)")
    ap.add_argument("--fwd", help="vmsg-fwd, to run with a pcie: port in the guest (needs --pmd)")
    ap.add_argument("--pcie-scenarios", action="store_true",
                    help="in the VM, also the scenarios through the pcie API (needs --guest)")
    ap.add_argument("--work", required=True, help="working directory (wiped)")
    ap.add_argument("--cache", default=os.environ.get("VMSG_VM_CACHE") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "librte_vmsg", "vm"),
        help="where the guest kernel is cached (env VMSG_VM_CACHE)")
    ap.add_argument("--only", action="append", default=[], help="run only these scenarios")
    args = ap.parse_args()
    ci = os.environ.get("CI") == "true"
    t_all = time.monotonic()
    if args.pcie_scenarios and not args.guest:
        ap.error("--pcie-scenarios needs --guest (a build with drivers/pcie_amp)")

    env = None
    if not args.host_guest:
        try:
            qemu, busybox, kdir = prerequisites(args)
        except Prereq as e:
            if ci:
                log("vm: FAIL: CI=true and a prerequisite is missing: %s" % e)
                return 1
            log("vm: SKIP: %s" % e)
            return SKIP
        env = {"qemu": qemu, "busybox": busybox, "kdir": kdir, "work": args.work,
               "programs": [args.guest] if args.guest else []}
        # Dynamically linked programs: their shared objects come along.
        libs = []
        for p in (args.pmd, args.fwd):
            if p:
                env["programs"].append(p)
                libs += [lib for lib in shared_libs(p) if lib not in libs]
        env["libs"] = libs

    shutil.rmtree(args.work, ignore_errors=True)
    os.makedirs(args.work)
    # Unix socket paths are short (108 bytes): keep them in /tmp.
    sockdir = tempfile.mkdtemp(prefix="vmsg-vm.")
    shm_plain = "/dev/shm/vmsg-vm-%d-plain" % os.getpid()
    shm_spare = "/dev/shm/vmsg-vm-%d-spare" % os.getpid()
    shm_hplain = "/dev/shm/vmsg-vm-%d-hplain" % os.getpid()
    ram = "/dev/shm/vmsg-vm-%d-ram" % os.getpid()
    files = [shm_plain, shm_spare, shm_hplain, ram]
    procs = []
    cards = []
    results = []
    try:
        for p in (shm_plain, shm_spare, shm_hplain):
            with open(p, "wb") as f:
                f.truncate(MEM_SIZE)
        if env is not None:
            # The guest's RAM: QEMU's memory backend, which the cards map first.
            with open(ram, "wb") as f:
                f.truncate(RAM_MB << 20)
            env["ram"] = ram
        qsock = os.path.join(sockdir, "qemu.sock")
        csock = os.path.join(sockdir, "card.sock")
        slog = open(os.path.join(args.work, "server.log"), "w")
        server = subprocess.Popen([args.server, "--socket", qsock, "--card-socket", csock,
                                   "--size", str(MEM_SIZE), "--vectors", str(VECTORS),
                                   "--verbose"], stdout=slog, stderr=subprocess.STDOUT)
        procs.append(server)
        wait_for(lambda: os.path.exists(csock) or server.poll() is not None, 10,
                 "the ivshmem server")
        if server.poll() is not None:
            raise RuntimeError("vmsg-ivshmem-server exited %d" % server.returncode)
        # In the VM the driver's DMA memory is in the guest's RAM (IOVA = PA).
        gram = ["--guest-ram", ram] if env is not None else []

        def card(name, a):
            c = Card(args.card, a + gram + ["--verbose", "--hostile",
                                            os.path.join(args.work, name + ".hostile")],
                     os.path.join(args.work, name + ".log"))
            c.hostile_file = os.path.join(args.work, name + ".hostile")
            if "--shm" in a:
                c.shm = a[a.index("--shm") + 1]
                c.offset = int(a[a.index("--offset") + 1]) if "--offset" in a else 0
            return c
        card_poll = card("card-plain", ["--shm", shm_plain, "--offset", str(LAYOUT_OFFSET),
                                        "--notify", "poll"])
        card_bell = card("card-doorbell", ["--server", csock, "--offset", str(LAYOUT_OFFSET),
                                           "--notify", "event"])
        cards = [card_poll, card_bell]
        ctx = {"card_poll": card_poll, "card_bell": card_bell}
        if env is not None:
            # The HOST placement's cards: a second plain function, a second doorbell one.
            qsock2 = os.path.join(sockdir, "qemu2.sock")
            csock2 = os.path.join(sockdir, "card2.sock")
            slog2 = open(os.path.join(args.work, "server2.log"), "w")
            server2 = subprocess.Popen([args.server, "--socket", qsock2, "--card-socket",
                                        csock2, "--size", str(MEM_SIZE), "--vectors",
                                        str(VECTORS), "--verbose"],
                                       stdout=slog2, stderr=subprocess.STDOUT)
            procs.append(server2)
            wait_for(lambda: os.path.exists(csock2) or server2.poll() is not None, 10,
                     "the second ivshmem server")
            # Split rings: its hostile "used" act writes a split ring's used index.
            ctx["card_hpoll"] = card("card-host-plain", ["--shm", shm_hplain, "--placement",
                                                         "host", "--notify", "poll",
                                                         "--ring", "split"])
            ctx["card_hbell"] = card("card-host-doorbell", ["--server", csock2, "--placement",
                                                            "host", "--notify", "event"])
            ctx["shm_hplain"] = shm_hplain
            ctx["qsock2"] = qsock2
            cards += [ctx["card_hpoll"], ctx["card_hbell"]]
        for c in cards:
            c.start()

        if args.host_guest:
            scen = scenarios_traffic(args.host_guest, "--shm " + shm_plain, "--ivshmem " + qsock)
            if args.only:
                scen = [s for s in scen if s["name"] in args.only]
            results = run_host(args, ctx, scen)
        else:
            results = run_vm(args, env, ctx, shm_plain, shm_spare, qsock)
        for c in cards:
            if not c.alive():
                results.append(("cards", "%s: the card exited on its own" % c.logpath,
                                "the cards live through every scenario"))
        # The end: each card and the server stop cleanly on SIGTERM (a
        # sanitizer build reports its findings in the exit status).
        for c in cards:
            rc = c.kill(signal.SIGTERM)
            if rc != 0:
                results.append(("cards", "%s: exit %s on SIGTERM" % (c.logpath, rc),
                                "the cards stop cleanly"))
        server.terminate()
        if server.wait() != 0:
            results.append(("server", "exit %d on SIGTERM" % server.returncode,
                            "the ivshmem server stops cleanly"))
    finally:
        for c in cards:
            c.kill(signal.SIGTERM)
        for p in procs:
            if p.poll() is None:
                p.terminate()
                p.wait()
        for p in files:
            if os.path.exists(p):
                os.unlink(p)
        shutil.rmtree(sockdir, ignore_errors=True)

    bad = [r for r in results if r[1]]
    log("")
    for name, why, what in results:
        log("vm: %-14s %s  %s%s" % (name, "FAIL" if why else "PASS", what,
                                    (": " + why) if why else ""))
    log("vm: %d scenarios, %d failed, %.1f s; logs in %s" %
        (len(results), len(bad), time.monotonic() - t_all, args.work))
    return 1 if bad or not results else 0


def run_vm(args, env, ctx, shm_plain, shm_spare, qsock):
    guest = "/vm/vm-guest"
    # The errors through the public open once it works; through the VFIO layer until then.
    opener = "--pcie" if args.pcie_scenarios else "--vfio-probe"
    main_scen = scenarios_vfio_bind()
    if args.guest:
        main_scen += scenarios_vfio_probe(guest)
    if args.pcie_scenarios:
        main_scen += scenarios_traffic(guest, "--pcie " + BDF_PLAIN, "--pcie " + BDF_BELL)
        main_scen += scenarios_host(guest)
        main_scen += scenarios_iommu(guest)
    if args.guest:
        main_scen += scenarios_errors(guest, opener)
    if args.pmd:
        main_scen += scenarios_pmd("LD_LIBRARY_PATH=/vm/lib /vm/" + os.path.basename(args.pmd))
    if args.pmd and args.fwd:
        main_scen += scenarios_fwd("LD_LIBRARY_PATH=/vm/lib /vm/" + os.path.basename(args.pmd),
                                   "LD_LIBRARY_PATH=/vm/lib /vm/" + os.path.basename(args.fwd))

    def act(cue):
        def hook():
            card = ctx[cue[1]]
            if cue[2] == "late":
                card.late_restart()
            elif cue[2] is not None:
                card.hostile(cue[2])  # misbehave once
            else:
                card.kill()
                card.start()
        return hook

    main_boot = {
        "iommu": True,
        "secs": 240,  # with the second boot's 60 s, inside meson's 360 s
        "bind": [BDF_PLAIN, BDF_BELL, BDF_HPLAIN, BDF_HBELL, BDF_E1K],
        "devices": [
            "-object", "memory-backend-file,id=plain,mem-path=%s,size=%d,share=on"
            % (shm_plain, MEM_SIZE),
            "-device", "ivshmem-plain,memdev=plain,addr=0x10",
            "-chardev", "socket,path=%s,id=ivs" % qsock,
            "-device", "ivshmem-doorbell,chardev=ivs,vectors=%d,addr=0x11" % VECTORS,
            "-object", "memory-backend-file,id=spare,mem-path=%s,size=%d,share=on"
            % (shm_spare, MEM_SIZE),
            "-device", "ivshmem-plain,memdev=spare,addr=0x12",
            "-object", "memory-backend-file,id=hplain,mem-path=%s,size=%d,share=on"
            % (ctx["shm_hplain"], MEM_SIZE),
            "-device", "ivshmem-plain,memdev=hplain,addr=0x13",
            "-chardev", "socket,path=%s,id=ivs2" % ctx["qsock2"],
            "-device", "ivshmem-doorbell,chardev=ivs2,vectors=%d,addr=0x14" % VECTORS,
            "-device", "e1000,addr=0x15",
        ],
        "scenarios": main_scen,
        "cues": {s["cue"][0]: act(s["cue"]) for s in main_scen if "cue" in s},
    }
    boots = [("main", main_boot)]
    if args.guest:
        boots.append(("no-iommu", {
            "iommu": False,
            "secs": 60,
            "bind": [BDF_PLAIN],
            "devices": [
                "-object", "memory-backend-file,id=plain,mem-path=%s,size=%d,share=on"
                % (shm_spare, MEM_SIZE),
                "-device", "ivshmem-plain,memdev=plain,addr=0x10",
            ],
            "scenarios": scenarios_no_iommu(guest, opener),
        }))
    results = []
    for bname, b in boots:
        if args.only:
            b["scenarios"] = [s for s in b["scenarios"] if s["name"] in args.only]
        if not b["scenarios"]:
            continue
        text, marks = boot(args, env, bname, b, ctx)
        for s in b["scenarios"]:
            why = judge(text, s, ctx)
            if not why and "card" in s:
                a, z = marks.get(s["name"], (0, 0))
                why = check_card(s, ctx, ctx[s["card"]].text()[a:z])
            results.append((s["name"], why, s["what"]))
        if any(r[1] for r in results):
            p = os.path.join(args.work, bname + ".serial.log")
            log("--- the end of %s:" % p)
            log("\n".join(text.splitlines()[-40:]))
    return results


if __name__ == "__main__":
    sys.exit(main())
