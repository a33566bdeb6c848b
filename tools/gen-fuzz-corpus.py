#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 The librte_vmsg authors
#
# Writes the seed corpus of the virtio-msg codec fuzz targets
# (test/fuzz/corpus/msg/): one valid frame of every message kind, a few valid
# but non-canonical frames (reserved bits and fields set), and malformed ones.
# Bytes come from the layout tables of the v2 draft (the implementer's
# reference, shared/reference/virtio-msg-v2.md §2, §4, §10), not from the
# library, so the corpus also checks the codec against the reference.
#
# File names say what a frame is, for test/fuzz/corpus_check.c:
#   <kind>.bin, <kind>__<variant>.bin  valid at link max 264; <kind> is the
#                                      lower-case enum rte_vmsg_msg_kind name
#   malformed__<what>.bin              refused at link max 264
#
# With --profile pre-v2 it writes the seeds of the pre-v2 payload profile
# instead (test/fuzz/corpus/msg_prev2/): the five payloads of the older
# revision that the 2026 Linux and QEMU AMP code speak, from the table of
# shared/reference/amp-pcie.md §1.8, valid and malformed.
#
# usage: gen-fuzz-corpus.py [--check] [--profile v2|pre-v2] [DIR]
#   DIR defaults to test/fuzz/corpus/msg (v2) or msg_prev2 (pre-v2) of this
#   checkout. --check writes nothing and fails if DIR differs from what this
#   script generates.

import argparse
import os
import struct
import sys

# §2 header: type, msg_id, dev_num, token, msg_size (little-endian).
HDR = struct.Struct("<BBHHH")
HDR_SIZE = 8

# type byte
REQ, RESP, BUS, BUS_RESP = 0x00, 0x01, 0x02, 0x03

# §4 transport IDs and §10 bus IDs
GET_DEVICE_INFO = 0x02
GET_DEVICE_FEATURES = 0x03
SET_DRIVER_FEATURES = 0x04
GET_CONFIG = 0x05
SET_CONFIG = 0x06
GET_DEVICE_STATUS = 0x07
SET_DEVICE_STATUS = 0x08
GET_VQUEUE = 0x09
SET_VQUEUE = 0x0A
RESET_VQUEUE = 0x0B
GET_SHM = 0x0C
EVENT_CONFIG = 0x40
EVENT_AVAIL = 0x41
EVENT_USED = 0x42
BUS_GET_DEVICES = 0x02
BUS_PING = 0x03
BUS_EVENT_DEVICE = 0x40

DEV = 1  # device number used by the transport frames


def u16(*v):
    return struct.pack("<%dH" % len(v), *v)


def u32(*v):
    return struct.pack("<%dI" % len(v), *v)


def u64(*v):
    return struct.pack("<%dQ" % len(v), *v)


class Frames:
    """Collects name -> bytes; tokens count up so that no two frames share one."""

    def __init__(self):
        self.files = {}
        self.token = 0x100

    def add(self, name, type_, msg_id, payload=b"", dev=None, size=None):
        """A frame whose msg_size is its real length unless size says otherwise."""
        if dev is None:
            dev = 0 if type_ & BUS else DEV
        self.token += 1
        if size is None:
            size = HDR_SIZE + len(payload)
        self.raw(name, HDR.pack(type_, msg_id, dev, self.token, size) + payload)

    def raw(self, name, data):
        assert name + ".bin" not in self.files, name
        self.files[name + ".bin"] = bytes(data)


def generate():
    f = Frames()
    mac = bytes([0x52, 0x54, 0x00, 0x12, 0x34, 0x56])
    uuid = bytes.fromhex("8c6a4ef2d1b74c4a9e51c0ffee15beef")

    # §4.1 GET_DEVICE_INFO: empty request; 44-byte response.
    f.add("get_device_info_req", REQ, GET_DEVICE_INFO)
    f.add("get_device_info_resp", RESP, GET_DEVICE_INFO,
          u32(1, 0x554D4551) + uuid + u32(2, 12, 3, 0, 0))
    # §4.2 GET_DEVICE_FEATURES: block_index, num_blocks; response adds the blocks.
    f.add("get_device_features_req", REQ, GET_DEVICE_FEATURES, u32(0, 2))
    f.add("get_device_features_resp", RESP, GET_DEVICE_FEATURES,
          u32(0, 2) + u32(0x31010020, 0x00000001))
    # §4.3 SET_DRIVER_FEATURES: block_index, num_blocks, blocks; empty response.
    f.add("set_driver_features_req", REQ, SET_DRIVER_FEATURES,
          u32(0, 2) + u32(0x00010020, 0x00000001))
    f.add("set_driver_features_resp", RESP, SET_DRIVER_FEATURES)
    # §4.4 GET_CONFIG: offset, length; response generation, offset, length, data.
    f.add("get_config_req", REQ, GET_CONFIG, u32(0, len(mac)))
    f.add("get_config_resp", RESP, GET_CONFIG, u32(7, 0, len(mac)) + mac)
    # §4.5 SET_CONFIG: generation, offset, length, data; the response echoes the
    # data when written (20 + length) and has length 0, no data, when not.
    f.add("set_config_req", REQ, SET_CONFIG, u32(7, 6, 2) + bytes([0xdc, 0x05]))
    f.add("set_config_resp", RESP, SET_CONFIG, u32(8, 6, 2) + bytes([0xdc, 0x05]))
    f.add("set_config_resp__not_written", RESP, SET_CONFIG, u32(8, 6, 0))
    # §4.6 device status
    f.add("get_device_status_req", REQ, GET_DEVICE_STATUS)
    f.add("get_device_status_resp", RESP, GET_DEVICE_STATUS, u32(0x0F))
    f.add("set_device_status_req", REQ, SET_DEVICE_STATUS, u32(0x0B))
    f.add("set_device_status_resp", RESP, SET_DEVICE_STATUS, u32(0x03))
    # §4.7 GET_VQUEUE: index; response index, max_size, cur_size, flags, 3 addresses.
    f.add("get_vqueue_req", REQ, GET_VQUEUE, u32(1))
    f.add("get_vqueue_resp", RESP, GET_VQUEUE,
          u32(1, 256, 128, 1) + u64(0x10000000, 0x10001000, 0x10002000))
    # §4.8 SET_VQUEUE: index, flags, size, reserved, 3 addresses; empty response.
    f.add("set_vqueue_req", REQ, SET_VQUEUE,
          u32(1, 0x1, 128, 0) + u64(0x10000000, 0x10001000, 0x10002000))
    f.add("set_vqueue_resp", RESP, SET_VQUEUE)
    # §4.9 RESET_VQUEUE
    f.add("reset_vqueue_req", REQ, RESET_VQUEUE, u32(1))
    f.add("reset_vqueue_resp", RESP, RESET_VQUEUE)
    # §4.10 GET_SHM: shmid; response shmid, reserved, length, address.
    f.add("get_shm_req", REQ, GET_SHM, u32(0))
    f.add("get_shm_resp", RESP, GET_SHM, u32(0, 0) + u64(0x200000, 0x80000000))
    # §4.11 EVENT_CONFIG: status, generation, offset, length, optional data.
    f.add("event_config", REQ, EVENT_CONFIG, u32(0x40, 9, 0, 0))
    f.add("event_config__data", REQ, EVENT_CONFIG, u32(0x0F, 9, 6, 2) + bytes([0x00, 0x10]))
    # §4.12, §4.13
    f.add("event_avail", REQ, EVENT_AVAIL, u32(1, 0x80000010))
    f.add("event_used", REQ, EVENT_USED, u32(1))
    # §10 bus messages (dev_num 0). GET_DEVICES: the reference's example.
    f.add("bus_get_devices_req", BUS, BUS_GET_DEVICES, u16(0, 16))
    f.add("bus_get_devices_resp", BUS_RESP, BUS_GET_DEVICES, u16(0, 16, 16) + bytes([0x25, 0x00]))
    f.add("bus_ping_req", BUS, BUS_PING, u32(0xC0FFEE))
    f.add("bus_ping_resp", BUS_RESP, BUS_PING, u32(0xC0FFEE))
    f.add("bus_event_device", BUS, BUS_EVENT_DEVICE, u16(5, 0x0001))
    # Implementation-defined IDs 0x80-0xFF, in both namespaces.
    f.add("impl", REQ, 0x80, bytes([0xde, 0xad, 0xbe, 0xef]))
    f.add("impl__resp", RESP, 0x80, bytes([0x01]))
    f.add("impl__event", REQ, 0xC1, b"")
    f.add("impl__bus", BUS, 0x85, bytes([0x11, 0x22, 0x33]))
    f.add("impl__bus_resp", BUS_RESP, 0x85, b"")

    # Valid but not canonical: what a receiver ignores and a builder rewrites.
    f.add("get_device_info_req__type_bits", 0xFC, GET_DEVICE_INFO)  # GEN-4
    f.add("bus_ping_resp__type_bits", 0xA4 | BUS_RESP, BUS_PING, u32(1))
    f.add("set_vqueue_req__reserved", REQ, SET_VQUEUE,
          u32(2, 0x3C | 0x2, 0, 0xA5A5A5A5) + u64(0, 0, 0))
    f.add("get_shm_resp__reserved", RESP, GET_SHM, u32(3, 0xFFFFFFFF) + u64(0, 0))
    f.add("bus_get_devices_resp__tail_bits", BUS_RESP, BUS_GET_DEVICES,
          u16(8, 0, 5) + bytes([0xFF]))  # BUS-24: bits 5-7 set
    f.add("bus_get_devices_resp__empty", BUS_RESP, BUS_GET_DEVICES, u16(0, 0, 0))
    f.add("event_config__range_no_data", REQ, EVENT_CONFIG, u32(0x0F, 10, 0, 64))
    f.add("set_config_resp__short_nonzero_length", RESP, SET_CONFIG, u32(8, 6, 2))
    f.add("get_device_features_resp__none", RESP, GET_DEVICE_FEATURES, u32(4, 0))
    f.add("get_config_resp__empty", RESP, GET_CONFIG, u32(7, 0, 0))
    f.add("set_vqueue_req__dev0", REQ, SET_VQUEUE,
          u32(0, 0x1, 64, 0) + u64(0x1000, 0x2000, 0x3000), dev=0)

    # Malformed (§9): refused at link max 264.
    f.raw("malformed__empty", b"")
    f.raw("malformed__short_header", HDR.pack(REQ, GET_DEVICE_INFO, DEV, 1, 8)[:5])
    f.add("malformed__size_under_header", REQ, GET_DEVICE_INFO, size=4)
    f.add("malformed__size_over_max", REQ, 0x90, bytes(300 - HDR_SIZE))
    f.add("malformed__truncated", RESP, GET_DEVICE_INFO, u32(1, 2, 3), size=52)
    f.add("malformed__fixed_size", RESP, GET_DEVICE_STATUS, u32(0x0F, 0))
    f.add("malformed__config_length", RESP, GET_CONFIG, u32(7, 0, 10) + mac)
    f.add("malformed__features_count", RESP, GET_DEVICE_FEATURES, u32(0, 0xFFFFFFFF) + u32(1))
    f.add("malformed__get_devices_count", BUS_RESP, BUS_GET_DEVICES, u16(0, 0, 0xFFFF) + b"\x01")
    f.add("malformed__event_config_length", REQ, EVENT_CONFIG, u32(0, 1, 0, 4) + b"\x01\x02")
    f.add("malformed__event_response", RESP, EVENT_USED, u32(1))
    f.add("malformed__impl_event_response", RESP, 0xC0, b"")
    f.add("malformed__bus_dev_num", BUS, BUS_PING, u32(1), dev=3)
    f.add("malformed__unknown_id", REQ, 0x0D, u32(0))
    f.add("malformed__reserved_id", REQ, 0x00)
    f.add("malformed__unknown_bus_id", BUS, GET_CONFIG, u32(0, 4))
    f.add("malformed__unknown_event", REQ, 0x43, u32(0))
    f.add("malformed__resp_over_max", REQ, GET_CONFIG, u32(0, 245))
    f.add("malformed__features_resp_over_max", REQ, GET_DEVICE_FEATURES, u32(0, 63))
    return f.files


def generate_prev2():
    """The pre-v2 payloads (amp-pcie.md §1.8), as the Linux driver and a device meet them."""
    f = Frames()
    # GET_DEVICES response: offset @0, num @2, next_offset @4, bitmap @6.
    f.add("bus_get_devices_resp", BUS_RESP, BUS_GET_DEVICES, u16(0, 32, 0) + bytes([0x03, 0, 0, 0]))
    f.add("bus_get_devices_resp__next", BUS_RESP, BUS_GET_DEVICES,
          u16(0, 8, 40) + bytes([0x01]))
    f.add("bus_get_devices_resp__tail_bits", BUS_RESP, BUS_GET_DEVICES, u16(8, 5, 0) + bytes([0xFF]))
    # GET_DEVICE_INFO response, 24 bytes: device_id, vendor_id, num_feature_bits,
    # config_size, max_vq_count, admin start le16, admin count le16.
    f.add("get_device_info_resp", RESP, GET_DEVICE_INFO,
          u32(1, 0x1AF4, 64, 12, 3) + u16(0, 0))
    f.add("get_device_info_resp__odd_bits", RESP, GET_DEVICE_INFO,
          u32(1, 0x1AF4, 33, 0, 1) + u16(2, 1))
    # GET_VQUEUE response, 36 bytes: index, max_size, size, 3 addresses; no flags.
    f.add("get_vqueue_resp", RESP, GET_VQUEUE,
          u32(1, 256, 128) + u64(0x10000000, 0x10001000, 0x10002000))
    f.add("get_vqueue_resp__unprogrammed", RESP, GET_VQUEUE, u32(0, 256, 0) + u64(0, 0, 0))
    # SET_VQUEUE request, 36 bytes: index, unused (0), size, 3 addresses.
    f.add("set_vqueue_req", REQ, SET_VQUEUE,
          u32(1, 0, 128) + u64(0x10000000, 0x10001000, 0x10002000))
    f.add("set_vqueue_req__unused", REQ, SET_VQUEUE, u32(0, 0xA5A5A5A5, 64) + u64(0, 0, 0))
    # GET_SHM response, 12 bytes: index, count, addr.
    f.add("get_shm_resp", RESP, GET_SHM, u32(0, 0x200000, 0x80000000))
    # Same shape in both profiles.
    f.add("get_config_req", REQ, GET_CONFIG, u32(0, 1))
    f.add("event_used", REQ, EVENT_USED, u32(1))
    # Malformed under pre-v2: the v2 sizes, counts that disagree.
    f.add("malformed__v2_device_info", RESP, GET_DEVICE_INFO, bytes(44))
    f.add("malformed__v2_get_vqueue", RESP, GET_VQUEUE, bytes(40))
    f.add("malformed__v2_set_vqueue", REQ, SET_VQUEUE, u32(1, 1, 64, 0) + u64(0, 0, 0))
    f.add("malformed__v2_get_shm", RESP, GET_SHM, u32(0, 0) + u64(0, 0))
    f.add("malformed__get_devices_num", BUS_RESP, BUS_GET_DEVICES, u16(0, 0xFFFF, 0) + b"\x01")
    f.add("malformed__get_devices_short", BUS_RESP, BUS_GET_DEVICES, u16(0))
    return f.files


def main():
    ap = argparse.ArgumentParser(description="Writes the seed corpus of the codec fuzz targets.")
    ap.add_argument("--check", action="store_true",
                    help="compare DIR with the generated corpus, write nothing")
    ap.add_argument("--profile", choices=["v2", "pre-v2"], default="v2",
                    help="the payload profile whose seeds to write (default v2)")
    ap.add_argument("dir", nargs="?")
    args = ap.parse_args()
    if args.dir is None:
        args.dir = os.path.normpath(os.path.join(
            os.path.dirname(os.path.abspath(__file__)), "..", "test", "fuzz", "corpus",
            "msg" if args.profile == "v2" else "msg_prev2"))
    files = generate() if args.profile == "v2" else generate_prev2()
    have = set()
    if os.path.isdir(args.dir):
        have = {n for n in os.listdir(args.dir) if n.endswith(".bin")}

    if args.check:
        bad = sorted(have - set(files))
        bad = ["unexpected file " + n for n in bad]
        for name, data in sorted(files.items()):
            path = os.path.join(args.dir, name)
            if name not in have:
                bad.append("missing " + name)
                continue
            with open(path, "rb") as fp:
                if fp.read() != data:
                    bad.append("differs " + name)
        for b in bad:
            print("%s: %s" % (args.dir, b), file=sys.stderr)
        if bad:
            print("corpus is stale: run tools/gen-fuzz-corpus.py", file=sys.stderr)
            return 1
        print("%s: %d files match" % (args.dir, len(files)))
        return 0

    os.makedirs(args.dir, exist_ok=True)
    for name in sorted(have - set(files)):
        os.unlink(os.path.join(args.dir, name))
    for name, data in sorted(files.items()):
        with open(os.path.join(args.dir, name), "wb") as fp:
            fp.write(data)
    print("%s: wrote %d files" % (args.dir, len(files)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
