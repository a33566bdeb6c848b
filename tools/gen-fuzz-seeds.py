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


# ------------------------------------------------- the codec's seed frames
def codec_frames():
    """name -> frame, from tools/gen-fuzz-corpus.py (v2 and pre-v2 tables)."""
    import importlib.util
    here = os.path.dirname(os.path.abspath(__file__))
    spec = importlib.util.spec_from_file_location("gen_fuzz_corpus",
                                                  os.path.join(here, "gen-fuzz-corpus.py"))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    v2 = {n[:-4]: b for n, b in mod.generate().items()}
    pre = {n[:-4]: b for n, b in mod.generate_prev2().items()}
    return v2, pre, mod


def frame_with(mod, type_, msg_id, payload=b"", dev=1, token=0x77):
    return mod.HDR.pack(type_, msg_id, dev, token, mod.HDR_SIZE + len(payload)) + payload


# -------------------------------------------------------- fuzz_dev_transport
def dt_frame(f, in_place=0):
    return u8(0 | in_place << 2) + u16(len(f)) + f


def dev_transport_seeds():
    v2, pre, mod = codec_frames()
    R = mod.REQ

    def init(max_msg):
        s = b""
        s += dt_frame(v2["get_device_info_req"])
        s += dt_frame(v2["get_device_features_req"])
        s += dt_frame(frame_with(mod, R, mod.SET_DRIVER_FEATURES, u32(0, 2, 0x30000000, 0x101)))
        s += dt_frame(frame_with(mod, R, mod.SET_DEVICE_STATUS, u32(0x0B)))
        s += dt_frame(frame_with(mod, R, mod.GET_VQUEUE, u32(0)))
        s += dt_frame(frame_with(mod, R, mod.SET_VQUEUE, u32(0, 1, 64, 0) +
                                 struct.pack("<3Q", 0x1000, 0x2000, 0x3000)))
        s += dt_frame(frame_with(mod, R, mod.SET_DEVICE_STATUS, u32(0x0F)))
        s += dt_frame(frame_with(mod, R, mod.EVENT_AVAIL, u32(0, 0x80000001)))
        s += dt_frame(frame_with(mod, R, mod.GET_CONFIG, u32(0, max_msg - 24)), 1)
        s += dt_frame(frame_with(mod, R, mod.GET_CONFIG, u32(250, 50)))
        s += dt_frame(frame_with(mod, R, mod.SET_CONFIG, u32(0, 8, 4) + u32(0xA5A5A5A5)))
        s += u8(1 | 2 << 2, 16)  # config changed at 16, 16 bytes
        s += u8(2 | 4 | 0 << 4)  # needs reset, EVENT_USED of queue 0
        s += dt_frame(frame_with(mod, R, mod.RESET_VQUEUE, u32(0)))
        s += dt_frame(frame_with(mod, R, mod.GET_SHM, u32(2)))
        s += dt_frame(frame_with(mod, R, mod.SET_DEVICE_STATUS, u32(0)))
        s += u8(2 | 4)
        s += dt_frame(v2["get_device_status_req"])
        return s

    seeds = {}
    for i, mx in enumerate((52, 64, 128, 264)):
        seeds["init_max%d" % mx] = u8(i) + init(mx)
        seeds["init_max%d_strict" % mx] = u8(i | 4) + init(mx)
    seeds["init_failing_model"] = u8(3 | 7 << 5) + init(264)
    seeds["init_polling"] = u8(3 | 16) + init(264)
    s = u8(3 | 8)
    for n in ("set_vqueue_req", "set_vqueue_req__unused", "get_config_req", "event_used"):
        s += dt_frame(pre[n])
    seeds["prev2"] = s
    s = u8(3)
    for n in sorted(v2):
        s += dt_frame(v2[n])
    seeds["every_codec_seed"] = s
    return seeds


# ---------------------------------------------------------------- fuzz_vq_dev
def vq_dev_seeds():
    def desc(i, off, ln, flags, nxt, raw=0):
        return u8(0 | i << 3, flags | raw) + u16(off) + u32(ln)[:2] + u8(nxt)

    def ind(i, off, ln, flags, nxt):
        return u8(1 | i << 3, flags) + u16(off) + u32(ln)[:2] + u8(nxt)

    def avail(i, head):
        return u8(2 | i << 3, head)

    def idx(k):
        return u8(3 | k << 3)

    POP, PUSH = u8(4 | 7 << 3), u8(5, 0)
    seeds = {}
    for log2 in range(5):
        for pol in range(3):
            s = u8(log2 | 8 | 16 | pol << 5, 0)
            s += desc(0, 0x300, 64, 1, 1) + desc(1, 0x340, 128, 2, 0)
            s += avail(0, 0) + idx(1) + POP + PUSH
            s += desc(0, 0x000, 48, 4, 0) + ind(0, 0x300, 32, 1, 1) + ind(1, 0x320, 32, 2, 0)
            s += avail(1, 0) + idx(1) + POP + PUSH + u8(6)
            s += avail(2, 0) + idx(1) + POP + PUSH + u8(6 | 8)
            seeds["n%d_policy%d" % (1 << log2, pol)] = s
    s = u8(2, 0) + desc(0, 0x300, 64, 1, 0) + avail(0, 0) + idx(1) + POP + idx(1) + POP
    seeds["n4_head_in_use"] = s
    s = u8(2, 0) + desc(0, 0x300, 64, 1, 0) + avail(0, 0) + idx(15) + POP
    seeds["n4_chain_loop"] = s
    return seeds


# ---------------------------------------------------------------- fuzz_vq_drv
def vq_drv_seeds():
    seeds = {}
    for log2 in range(6):
        n = 1 << log2
        for pol in range(3):
            s = u8(log2 | 8 | 16 | pol << 5) + bytes((i * 37) & 0xFF for i in range(n))
            # the device uses heads 0 and (n - 1), then the rest
            s += u8(1 | 0 << 3, 0) + u16(1) + u8(1 | 1 << 3, (n - 1) & 0x7F) + u16(2)
            s += u8(2 | 2 << 3) + u8(4 | 3 << 3) + u8(5)
            s += u8(0 | 1 << 3, 0x81, 0x02)
            s += u8(3) + u16(0) + u16(3) + u8(4 | 31 << 3) + u8(6)
            seeds["n%d_policy%d" % (n, pol)] = s
            # IN_ORDER: one used entry (head 0's run) for the first chains
            s = u8(log2 | 8 | 16 | pol << 5 | 0x80) + bytes((i * 37) & 0xFF for i in range(n))
            s += u8(1 | 0 << 3, 0) + u16(1) + u8(2 | 3 << 3) + u8(4 | 1 << 3) + u8(4 | 7 << 3)
            seeds["n%d_policy%d_in_order" % (n, pol)] = s
    s = u8(3) + bytes(8) + u8(1, 0x80) + u16(0) + u8(2 | 1 << 3) + u8(4)
    seeds["n8_bad_used_id"] = s
    s = u8(3) + bytes(8) + u8(1, 0) + u16(0xFFFF) + u8(2 | 1 << 3) + u8(4)
    seeds["n8_bad_used_len"] = s
    s = u8(3) + bytes(8) + u8(2 | 30 << 3) + u8(4)
    seeds["n8_bad_used_idx"] = s
    return seeds


# --------------------------------------------------------------- fuzz_vqp_dev
def vqp_dev_seeds():
    # v: flags NEXT 1, WRITE 2, INDIRECT 4, AVAIL 8, USED 16 (one-byte id)
    def desc(i, off, ln, v, id_):
        return u8(0 | i << 3, v) + u16(off, ln) + u8(id_)

    def ind(i, off, ln, v):
        return u8(1 | i << 3, v) + u16(off, ln) + u8(0)

    def one(slot, lap, id_):
        return u8(2 | slot << 3 | lap << 7) + u16(0x300 + 64 * (slot % 4)) + u8(id_)

    POP, PUSH_WHOLE, PUSH_PART = u8(4 | 7 << 3), u8(5, 0x0F), u8(5, 0x01)
    seeds = {}
    for log2 in range(5):
        n = 1 << log2
        for pol in range(3):
            for io in range(2):
                s = u8(log2 | 8 | 16 | pol << 5 | io << 7, 0)
                # Two laps of one-buffer chains, pushed whole or in part.
                for k in range(2 * n):
                    s += one(k % n, (k // n) % 2, k % n) + POP
                    s += PUSH_WHOLE if k % 3 else PUSH_PART
                s += u8(6 | 8)  # reset: lap 0 again
                if n >= 2:
                    s += desc(0, 0x300, 64, 1 | 8, 0) + desc(1, 0x340, 128, 2 | 8, 0)
                    s += POP + PUSH_WHOLE
                s += ind(0, 0x300, 32, 0) + ind(1, 0x320, 32, 2)
                s += desc(2 % n, 0x000, 32, 4 | 8, 1 % n) + POP + PUSH_WHOLE + u8(6)
                seeds["n%d_policy%d%s" % (n, pol, "_in_order" if io else "")] = s
    s = u8(2 | 8, 0) + desc(0, 0x300, 64, 8, 1) + desc(1, 0x300, 64, 8, 1) + POP
    seeds["n4_id_in_use"] = s
    s = u8(2 | 8, 0) + b"".join(desc(i, 0x300, 64, 1 | 8, 0) for i in range(4)) + POP
    seeds["n4_ring_loop"] = s
    return seeds


# --------------------------------------------------------------- fuzz_vqp_drv
def vqp_drv_seeds():
    seeds = {}
    for log2 in range(6):
        n = 1 << log2
        for pol in range(3):
            for io in range(2):
                s = u8(log2 | 8 | 16 | pol << 5 | io << 7)
                s += bytes((i * 37) & 0x7F for i in range(n))
                # the device uses id 0 at slot 0 (lap 0: AVAIL and USED), then
                # id n - 1 at slot 1 (an IN_ORDER run), then reaps
                s += u8(1 | 0 << 3, 0x80) + u16(1)
                s += u8(1 | 1 << 3, 0x80 | ((n - 1) & 0x3F)) + u16(2)
                s += u8(4 | 3 << 3) + u8(5)
                s += u8(0 | 1 << 3, 0x81, 0x02)
                s += u8(2) + u16(0) + u16(2) + u8(4 | 31 << 3) + u8(6)
                seeds["n%d_policy%d%s" % (n, pol, "_in_order" if io else "")] = s
    s = u8(3) + bytes(8) + u8(1, 0x80 | 0x40) + u16(0) + u8(4)
    seeds["n8_bad_used_id"] = s
    s = u8(3) + bytes(8) + u8(1, 0x80) + u16(0xFFFF) + u8(4)
    seeds["n8_bad_used_len"] = s
    s = u8(3) + bytes(8) + u8(6) + u8(1, 0x80) + u16(0) + u8(4)
    seeds["n8_used_none_in_flight"] = s
    return seeds


# -------------------------------------------------------------- fuzz_bus_page
def bus_page_seeds():
    """XOR masks over what the device side writes: zero is the valid page."""
    seeds = {
        "valid": u8(0),
        "valid_adopt": u8(1),
        "file_short": u8(0xFE),
        "file_long": u8(0x04),
        "version": u8(1) + bytes(4) + u32(2),
        "max_msg": u8(0) + bytes(12) + u32(0x100),
        "max_msg_adopt": u8(1) + bytes(12) + u32(0x300),
        "features": u8(1) + bytes(16) + u32(2),
        "notify": u8(1) + bytes(24) + u32(1),
        "link_size": u8(1) + bytes(40) + u32(0x40),
        "dma_offset": u8(1) + bytes(48) + u32(0x1000),
        "dma_size": u8(1) + bytes(56) + u32(0x2000),
        "magic": u8(0) + u32(1),
    }
    return seeds


# ---------------------------------------------------------------- fuzz_bus_rx
def bus_rx_seeds():
    def resp(k, payload):
        """Frame k-th newest sent back as its response, this payload."""
        f = bytes(8) + payload
        return u8(3 | 8 | k << 4, len(f)) + f

    POLL = u8(4)
    seeds = {}
    for mx in range(4):
        for log2 in (0, 3):
            cfg = log2 | mx << 3
            s = u8(cfg)
            s += u8(0x00) + u8(0x10) + u8(0x02) + u8(0x0A)  # info, config, ping, enumerate
            s += resp(0, u16(0, 0, 0))  # GET_DEVICES: none, done
            s += resp(1, u32(0x02))  # PING echo
            s += resp(2, u32(0, 0, 4) + u32(0x04030201))  # GET_CONFIG
            s += resp(3, bytes(44))  # GET_DEVICE_INFO
            s += POLL
            s += resp(3, bytes(44)) + POLL  # late duplicate
            s += u8(0x00) + u8(5) + u8(0x7) + u8(0x00) + u8(0x6 | 8) + u8(0x00) + u8(0x06)
            s += POLL
            seeds["max%d_inflight%d" % (mx, 1 << log2)] = s
    s = u8(3 | 3 << 3) + u8(0x0A) + resp(0, u16(0, 16, 0) + u8(0x25, 0)) + POLL
    seeds["enumerate_found"] = s
    s = u8(3 | 3 << 3) + u8(0x0A) + resp(0, u16(0, 300, 0) + u8(0x25, 0)) + POLL
    seeds["enumerate_bad_count"] = s
    s = u8(3 | 3 << 3) + u8(3, 12) + bytes([2, 0x40, 0, 0, 0, 0, 12, 0, 5, 0, 1, 0]) + POLL
    seeds["event_device"] = s
    return seeds


# --------------------------------------------------------------- fuzz_drv_ops
def drv_ops_seeds():
    def r(payload):
        return u8(len(payload)) + payload

    info = r(u32(1, 0x1AF4) + bytes(16) + u32(2, 64, 2, 0, 0))
    status0 = r(u32(0))
    seeds = {}
    for mx in range(4):
        s = u8(mx)
        s += u8(0) + info
        s += u8(1 | 1 << 4, 0) + r(u32(0, 2, 0x30000020, 0x1))
        s += u8(2, 0x20, 0, 0, 0x30) + r(b"")
        s += u8(3, 0) + u16(8) + r(u32(1, 0, 8) + bytes(range(8)))
        s += u8(4, 4, 2, 0xAA) + r(u32(2, 4, 2) + u8(0xAA, 0xAA))
        s += u8(5) + r(u32(0x0F))
        s += u8(6, 0x0B) + r(u32(0x0B))
        s += u8(7) + status0 + status0
        s += u8(8 | 1 << 4) + r(u32(1, 64, 0, 0) + bytes(24))
        s += u8(9 | 1 << 4 | 1 << 5) + r(b"") + r(u32(1, 64, 2, 1) + u32(0x1000, 0, 0x2000, 0, 0x3000, 0))
        s += u8(10 | 1 << 4) + r(b"")
        s += u8(12 | 0x10, 24) + bytes(8) + u32(0x0F, 3, 0, 0)
        s += u8(12 | 0x30, 12) + bytes(8) + u32(1)
        s += u8(13 | 1 << 4) + u32(5)
        seeds["calls_max%d" % mx] = s
    s = u8(3)
    s += u8(11) + u32(0x30000020, 1)
    for payload in (u32(0), u32(0), u32(0x01), u32(0x03), bytes(44) , u32(0, 2, 0x30000020, 1),
                    b"", u32(0x0B), u32(0x0B)):
        s += r(payload)
    seeds["init"] = s
    seeds["init_strict_prev2"] = u8(3 | 4 | 8) + s[1:]
    return seeds


# ------------------------------------------------------------------- fuzz_net
def net_seeds():
    def pkts(n, ln, hdr=None):
        s = b""
        for _ in range(n):
            s += u16(ln)
            s += u8(0) if hdr is None else u8(1) + hdr
        return s

    csum = u8(1, 0) + u16(0, 0, 14, 16)  # NEEDS_CSUM at 14 + 16
    gso = u8(0, 1) + u16(54, 1400, 0, 0)  # TCPv4 GSO without the feature
    seeds = {}
    for cfg in range(16):
        s = u8(cfg)
        s += u8(0 | 1 << 3) + pkts(2, 60) + u8(2) + u8(2)
        s += u8(1, 1) + u16(1600) + u16(100)
        if cfg & 1:
            s += u8(3 | 8, 1) + u16(1600) + u16(1600)
            s += u8(3 | 1 << 4) + pkts(2, 200, csum) + u8(2)
        s += u8(0) + pkts(1, 1514, csum) + u8(2) + u8(2) + u8(1, 0) + u16(1600)
        seeds["cfg%02d" % cfg] = s
    seeds["gso_header"] = u8(0) + u8(0) + pkts(1, 1514, gso) + u8(2) + u8(2) + u8(1, 0) + u16(1600)
    seeds["queue_reset"] = u8(0) + u8(0) + pkts(1, 60) + u8(6) + u8(0) + pkts(1, 60) + u8(2)
    # The caller's buffers (cfg bit 4): sends copied and from its buffers,
    # receives into them, a queue reset with buffers out, collections.
    for cfg in (16, 17, 20, 21):
        s = u8(cfg)
        s += u8(1, 8) + u8(0) + pkts(2, 60) + u8(0 | 8 | 1 << 4) + pkts(2, 300) + u8(2) + u8(2)
        s += u8(1, 8) + u8(2) + u8(0 | 8) + pkts(1, 1514) + u8(6) + u8(2) + u8(1, 8)
        seeds["ext_cfg%02d" % cfg] = s
    # The device's used index runs ahead (the driver's view of a bad device).
    seeds["ring_scribble"] = (u8(0) + u8(0) + pkts(1, 60) + u8(5) + u16(0x40) + u16(0xFFFF) +
                              u8(2) + u8(1, 0) + u16(1600) + u8(4) + u16(0) + u32(0xFFFFFFFF) +
                              u8(2) + u8(0) + pkts(1, 60) + u8(2))
    return seeds


TARGETS = {
    "link": link_seeds,
    "dev_transport": dev_transport_seeds,
    "vq_dev": vq_dev_seeds,
    "vq_drv": vq_drv_seeds,
    "vqp_dev": vqp_dev_seeds,
    "vqp_drv": vqp_drv_seeds,
    "bus_page": bus_page_seeds,
    "bus_rx": bus_rx_seeds,
    "drv_ops": drv_ops_seeds,
    "net": net_seeds,
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
