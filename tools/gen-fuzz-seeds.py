#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 The librte_vmsg authors
#
# Writes the seed corpora of the stateful fuzz targets (test/fuzz/corpus/
# <target>/, one folder per target): short scripts in each target's input
# language (described at the top of test/fuzz/fuzz_<target>.c) that reach
# the interesting states, connected links, programmed queues, requests in
# flight, from which libFuzzer mutates. The frames come from the codec seed
# corpus (gen-fuzz-corpus.py's tables), imported from there, so that the two
# generators cannot disagree. Everything is a pure function of this file: the
# same bytes on every run.
#
# usage: gen-fuzz-seeds.py [--check] [ROOT]
#   ROOT defaults to test/fuzz/corpus of this checkout. --check writes
#   nothing and fails if a target's folder differs from what this script
#   generates.

import argparse
import os
import struct
import sys


def u8(*v):
    return bytes(v)


def u16(*v):
    return struct.pack("<%dH" % len(v), *v)


def u32(*v):
    return struct.pack("<%dI" % len(v), *v)


# ---------------------------------------------------------------- fuzz_link
# step opcodes (low 3 bits), end bit 3, argument bits 7:4
L_W16, L_W32, L_POLL, L_PROD, L_CONS, L_BURST, L_DEAD, L_RESTART = range(8)


def l_op(op, end=0, arg=0):
    return u8(op | end << 3 | arg << 4)


def link_handshake():
    s = b""
    for _ in range(3):
        s += l_op(L_POLL, 0) + l_op(L_POLL, 1)
    return s


def link_traffic():
    s = b""
    for end in (0, 1):
        s += l_op(L_PROD, end, 2) + u8(3)
        s += l_op(L_CONS, 1 - end, 3) + u8(2)
        s += l_op(L_BURST, end, 1)
        s += l_op(L_BURST, 1 - end, 3)
    return s


def link_seeds():
    seeds = {}
    for v0 in (0, 1):
        for role in (0, 1):
            fmts = (0,) if v0 else (0, 1)
            for fmt in fmts:
                for dw in (0,) if v0 else (0, 1):
                    cfg = v0 | role << 1 | fmt << 2 | dw << 3 | 2 << 4
                    name = "%s_%s_%s%s" % ("v0" if v0 else "v1",
                                           "drv" if role else "dev",
                                           "stamped" if fmt else "compat",
                                           "_drvwrites" if dw else "")
                    head = u8(cfg, 0) + u16(0)
                    seeds[name] = head + link_handshake() + link_traffic()
    # The peer breaks an index, then restarts; the other end recovers.
    base = u8(2 << 4, 1) + u16(0) + link_handshake() + link_traffic()
    seeds["v1_dev_bad_tail"] = (base + l_op(L_W16, 0) + u16(64 + 4) + u16(0xFFFF) +
                                l_op(L_CONS, 1, 1) + u8(1) + l_op(L_POLL, 1) +
                                l_op(L_RESTART, 0) + link_handshake() + link_traffic())
    seeds["v1_dev_peer_dead"] = (base + l_op(L_DEAD, 1) + link_handshake() +
                                 l_op(L_DEAD, 1, 1) + link_handshake() + link_traffic())
    # A header the reader refuses (version 2).
    seeds["v1_bad_version"] = u8(2 << 4, 0) + u16(5) + u8(0, 0, 0, 0, 3) + link_handshake()
    seeds["v0_bad_index"] = (u8(1 | 2 << 4, 0) + u16(0) + link_handshake() + link_traffic() +
                             l_op(L_W32, 1) + u16(0) + u32(1000) + l_op(L_CONS, 1, 1) +
                             u8(1) + l_op(L_DEAD, 1, 1) +
                             link_handshake() + link_traffic())
    return seeds


TARGETS = {
    "link": link_seeds,
}


def generate():
    out = {}
    for target, fn in TARGETS.items():
        for name, data in fn().items():
            out[(target, name + ".bin")] = data
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--check", action="store_true")
    ap.add_argument("root", nargs="?",
                    default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "..",
                                         "test", "fuzz", "corpus"))
    args = ap.parse_args()
    files = generate()
    bad = 0
    for target in TARGETS:
        d = os.path.join(args.root, target)
        want = {n: b for (t, n), b in files.items() if t == target}
        have = set(os.listdir(d)) if os.path.isdir(d) else set()
        if args.check:
            for n in sorted(have | set(want)):
                p = os.path.join(d, n)
                if n not in want or n not in have or open(p, "rb").read() != want[n]:
                    print("%s: differs from what %s writes" % (p, sys.argv[0]))
                    bad += 1
            continue
        os.makedirs(d, exist_ok=True)
        for n in have - set(want):
            os.unlink(os.path.join(d, n))
        for n, b in want.items():
            with open(os.path.join(d, n), "wb") as f:
                f.write(b)
    if bad:
        print("run tools/gen-fuzz-seeds.py to regenerate")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
