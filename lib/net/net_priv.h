/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The librte_vmsg authors
 *
 * What the virtio-net device model and driver helper share: control queue
 * constants (virtio 1.x 5.1.6.5) and header conversions.
 */

#ifndef RTE_VMSG_NET_PRIV_H
#define RTE_VMSG_NET_PRIV_H

#include <stdint.h>
#include <string.h>

#include "rte_vmsg_net.h"

/* Control queue: a command is { class, cmd } + data (readable), then an ack byte (writable). */
#define NET_CTRL_RX 0u
#define NET_CTRL_MAC 1u
#define NET_CTRL_MQ 4u
#define NET_CTRL_MQ_VQ_PAIRS_SET 0u
#define NET_CTRL_OK 0u
#define NET_CTRL_ERR 1u
/** Largest control command the device reads (MAC tables may be long). */
#define NET_CTRL_MAX 4096u

#define NET_HDR_LEN ((uint32_t)sizeof(struct rte_vmsg_virtio_net_hdr))
/** Ethernet header plus one VLAN tag: what MTU does not count. */
#define NET_ETH_OVERHEAD 18u
/** Largest packet (header excluded) with TSO: an IP datagram plus Ethernet. */
#define NET_MAX_GSO_PKT 65550u

/* Per-burst helpers of the data path: inlined into each burst call, whatever their size. */
#define NET_ALWAYS_INLINE inline __attribute__((always_inline))

/*
 * The largest packet (header excluded) with GSO type @p gso_type that may
 * cross a queue whose side of the negotiation is @p feat, @p tso4 and
 * @p tso6 the feature bits of that direction (HOST_TSO4/6 for what a
 * driver transmits, GUEST_TSO4/6 for what it receives): @p plain (MTU +
 * 18) without GSO; an IP datagram with Ethernet (NET_MAX_GSO_PKT) for
 * TCPV4 and TCPV6 with their feature; 0 for any other type: UDP, the ECN
 * bit, or a TCP type not negotiated. This library offers neither UFO nor
 * ECN, and no packet may carry a type its features do not allow (virtio
 * 1.2 5.1.6.2.1, 5.1.6.4.1): such a packet is malformed.
 */
static inline uint32_t net_gso_max(uint64_t feat, uint8_t gso_type, unsigned int tso4,
				   unsigned int tso6, uint32_t plain)
{
	if (gso_type == RTE_VMSG_NET_HDR_GSO_NONE)
		return plain;
	if ((gso_type == RTE_VMSG_NET_HDR_GSO_TCPV4 && (feat & (1ull << tso4)) != 0) ||
	    (gso_type == RTE_VMSG_NET_HDR_GSO_TCPV6 && (feat & (1ull << tso6)) != 0))
		return NET_MAX_GSO_PKT;
	return 0;
}

/*
 * Writes the wire header at w, which may have any alignment: a device writes
 * it at the address the driver posted, and a peer chooses that (the fuzzer
 * found an odd one). Composed in registers and stored as two words: a copy
 * built field by field on the stack and then loaded whole (one memcpy)
 * fails store-to-load forwarding, and that load waits for every older store
 * to drain, among them the previous packet's stores into the peer's memory,
 * each a trip across the cores: the burst's misses then come one at a time.
 */
_Static_assert(sizeof(struct rte_vmsg_virtio_net_hdr) == 12, "the wire header is two words: 8 + 4");

static inline void net_hdr_to_wire(const struct rte_vmsg_net_hdr *h, void *w, uint16_t num_buffers)
{
	rte_vmsg_le64 lo = rte_vmsg_cpu_to_le64(
		(uint64_t)h->flags | (uint64_t)h->gso_type << 8 | (uint64_t)h->hdr_len << 16 |
		(uint64_t)h->gso_size << 32 | (uint64_t)h->csum_start << 48);
	rte_vmsg_le32 hi =
		rte_vmsg_cpu_to_le32((uint32_t)h->csum_offset | (uint32_t)num_buffers << 16);

	memcpy(w, &lo, sizeof(lo));
	memcpy((uint8_t *)w + sizeof(lo), &hi, sizeof(hi));
}

static inline void net_hdr_from_wire(const struct rte_vmsg_virtio_net_hdr *w,
				     struct rte_vmsg_net_hdr *h)
{
	h->flags = w->flags;
	h->gso_type = w->gso_type;
	h->hdr_len = rte_vmsg_le16_to_cpu(w->hdr_len);
	h->gso_size = rte_vmsg_le16_to_cpu(w->gso_size);
	h->csum_start = rte_vmsg_le16_to_cpu(w->csum_start);
	h->csum_offset = rte_vmsg_le16_to_cpu(w->csum_offset);
	h->num_buffers = rte_vmsg_le16_to_cpu(w->num_buffers);
}

/* Swaps destination and source Ethernet addresses in place (len >= 12). */
static inline void net_swap_mac(uint8_t *p)
{
	uint8_t t[6];

	memcpy(t, p, 6);
	memcpy(p, p + 6, 6);
	memcpy(p + 6, t, 6);
}

/* Cache lines of a packet's head that the data paths prefetch (a burst of 32 stays in the miss queues). */
#define NET_PREFETCH_LINES 6u

/* Prefetches one line for reading (@p rw 0) or writing (1). */
static inline __attribute__((always_inline)) void net_prefetch1(const char *p, int rw)
{
	if (rw)
		rte_vmsg__prefetch_w(p); /* owned at once: the peer's CPU read it last */
	else
		rte_vmsg__prefetch_r(p);
}

/*
 * Prefetches the lines that [p, p + len) touches, for reading (rw 0) or
 * writing (rw 1): at least one, at most NET_PREFETCH_LINES. Only those: a
 * neighbouring line is not the caller's to fetch. With zero-copy receive
 * (12 bytes of header asked for) the old two-line minimum also read the
 * packet's second line, which the device writes again when the buffer
 * comes back, so every packet paid one more line across the cores: 64-byte
 * forwarding ran at 14.3 Mpps with it, 18.3 without (doc/net.md).
 */
static inline __attribute__((always_inline)) void net_prefetch(const void *p, uint32_t len, int rw)
{
	const char *a = (const char *)((uintptr_t)p & ~(uintptr_t)63);
	uint32_t n = (uint32_t)(((uintptr_t)p & 63u) + (len != 0 ? len : 1u) + 63u) / 64u;

	if (n > NET_PREFETCH_LINES)
		n = NET_PREFETCH_LINES;
	net_prefetch1(a, rw);
	for (uint32_t i = 1; i < n; i++)
		net_prefetch1(a + 64u * i, rw);
}

static inline uint32_t net_align64(uint32_t x)
{
	return (x + 63u) & ~63u;
}

#endif /* RTE_VMSG_NET_PRIV_H */
