/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The librte_vmsg authors
 *
 * The test traffic of vmsg-card, both directions: Ethernet frames of
 * ethertype 0x88B5 (IEEE local experimental) whose every byte follows from
 * (seed, direction, sequence number), so that each end checks what it
 * receives byte by byte without keeping a copy. A round is: the driver sends
 * START (count, seed); both ends then send @c count DATA frames; the card,
 * once it has received all of the driver's, sends VERDICT (frames it took
 * good, frames it found bad). Header-only; not part of librte_vmsg.
 */

#ifndef VMSG_CARD_FRAMES_H
#define VMSG_CARD_FRAMES_H

#include <stdint.h>
#include <string.h>

#define VMSG_CARD_ETHERTYPE 0x88B5u
#define VMSG_CARD_MAGIC 0x47534D56u /* "VMSG" */
#define VMSG_CARD_MIN_LEN 60u
#define VMSG_CARD_MAX_LEN 1514u
/* Offset of the frame header (after the Ethernet header) and its size. */
#define VMSG_CARD_HDR_OFF 14u
#define VMSG_CARD_HDR_LEN 20u

enum vmsg_card_kind {
	VMSG_CARD_START = 1,   /**< driver -> card: count, seed; starts a round */
	VMSG_CARD_DATA = 2,    /**< either way: frame @c seq of @c count */
	VMSG_CARD_VERDICT = 3, /**< card -> driver: @c seq = frames good, @c count = bad */
};

enum vmsg_card_dir {
	VMSG_CARD_TO_CARD = 0,	 /**< transmitted by the driver */
	VMSG_CARD_TO_DRIVER = 1, /**< transmitted by the card */
};

/** The header of every frame, host order (stored little-endian). */
struct vmsg_card_hdr {
	uint32_t magic;
	uint32_t kind;
	uint32_t seq;
	uint32_t count;
	uint32_t seed;
};

static inline void vmsg_card__put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

static inline uint32_t vmsg_card__get32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* A 64-bit mix (splitmix64's finaliser): the stream of one frame. */
static inline uint64_t vmsg_card__mix(uint64_t x)
{
	x ^= x >> 30;
	x *= 0xbf58476d1ce4e5b9ull;
	x ^= x >> 27;
	x *= 0x94d049bb133111ebull;
	return x ^ (x >> 31);
}

static inline uint64_t vmsg_card__key(uint32_t seed, uint32_t dir, uint32_t seq)
{
	return vmsg_card__mix(((uint64_t)seed << 32 | seq) ^ ((uint64_t)dir << 63));
}

/** The length of DATA frame @p seq: 60..1514 bytes. */
static inline uint32_t vmsg_card_data_len(uint32_t seed, uint32_t dir, uint32_t seq)
{
	return VMSG_CARD_MIN_LEN + (uint32_t)(vmsg_card__key(seed, dir, seq) %
					      (VMSG_CARD_MAX_LEN - VMSG_CARD_MIN_LEN + 1));
}

/** Writes a frame's Ethernet header and frame header; returns the header bytes. */
static inline uint32_t vmsg_card_put_hdr(uint8_t *buf, uint32_t dir, const struct vmsg_card_hdr *h)
{
	static const uint8_t mac[5] = { 0x02, 0x76, 0x6d, 0x73, 0x67 };

	memcpy(buf, mac, 5);
	buf[5] = (uint8_t)(dir == VMSG_CARD_TO_CARD ? 1 : 2); /* destination */
	memcpy(buf + 6, mac, 5);
	buf[11] = (uint8_t)(dir == VMSG_CARD_TO_CARD ? 2 : 1); /* source */
	buf[12] = (uint8_t)(VMSG_CARD_ETHERTYPE >> 8);
	buf[13] = (uint8_t)VMSG_CARD_ETHERTYPE;
	vmsg_card__put32(buf + VMSG_CARD_HDR_OFF, VMSG_CARD_MAGIC);
	vmsg_card__put32(buf + VMSG_CARD_HDR_OFF + 4, h->kind);
	vmsg_card__put32(buf + VMSG_CARD_HDR_OFF + 8, h->seq);
	vmsg_card__put32(buf + VMSG_CARD_HDR_OFF + 12, h->count);
	vmsg_card__put32(buf + VMSG_CARD_HDR_OFF + 16, h->seed);
	return VMSG_CARD_HDR_OFF + VMSG_CARD_HDR_LEN;
}

/**
 * Writes a control frame (START or VERDICT), 60 bytes, zero padded.
 * @return its length.
 */
static inline uint32_t vmsg_card_control(uint8_t *buf, uint32_t dir, uint32_t kind, uint32_t seq,
					 uint32_t count, uint32_t seed)
{
	struct vmsg_card_hdr h = { VMSG_CARD_MAGIC, kind, seq, count, seed };
	uint32_t off = vmsg_card_put_hdr(buf, dir, &h);

	memset(buf + off, 0, VMSG_CARD_MIN_LEN - off);
	return VMSG_CARD_MIN_LEN;
}

/* The payload of a DATA frame: bytes @p from..@p len - 1, 8 per mix of the key. */
static inline void vmsg_card__payload(uint8_t *p, uint32_t from, uint32_t len, uint64_t key)
{
	uint32_t k;
	uint64_t w = 0;

	for (k = from; k < len; k++) {
		if (k == from || ((k - from) & 7u) == 0)
			w = vmsg_card__mix(key + k);
		p[k] = (uint8_t)(w >> (((k - from) & 7u) * 8));
	}
}

/**
 * Writes DATA frame @p seq of @p count in direction @p dir into @p buf (at
 * least VMSG_CARD_MAX_LEN bytes).
 * @return its length.
 */
static inline uint32_t vmsg_card_data(uint8_t *buf, uint32_t seed, uint32_t dir, uint32_t seq,
				      uint32_t count)
{
	struct vmsg_card_hdr h = { VMSG_CARD_MAGIC, VMSG_CARD_DATA, seq, count, seed };
	uint32_t len = vmsg_card_data_len(seed, dir, seq);
	uint32_t off = vmsg_card_put_hdr(buf, dir, &h);

	vmsg_card__payload(buf, off, len, vmsg_card__key(seed, dir, seq));
	return len;
}

/**
 * Parses the header of a received frame.
 * @return 0, or -1 when it is not a frame of this traffic (too short, other
 *         ethertype or magic).
 */
static inline int vmsg_card_parse(const uint8_t *buf, uint32_t len, struct vmsg_card_hdr *h)
{
	if (len < VMSG_CARD_MIN_LEN || ((uint32_t)buf[12] << 8 | buf[13]) != VMSG_CARD_ETHERTYPE ||
	    vmsg_card__get32(buf + VMSG_CARD_HDR_OFF) != VMSG_CARD_MAGIC)
		return -1;
	h->magic = VMSG_CARD_MAGIC;
	h->kind = vmsg_card__get32(buf + VMSG_CARD_HDR_OFF + 4);
	h->seq = vmsg_card__get32(buf + VMSG_CARD_HDR_OFF + 8);
	h->count = vmsg_card__get32(buf + VMSG_CARD_HDR_OFF + 12);
	h->seed = vmsg_card__get32(buf + VMSG_CARD_HDR_OFF + 16);
	return 0;
}

/**
 * Checks a received frame against DATA frame @p seq of @p count of the
 * round (@p seed) in direction @p dir, every byte.
 * @return -1 when it is exactly that frame; else the offset of the first
 *         byte that differs (the length when only the length differs).
 */
static inline int32_t vmsg_card_check(const uint8_t *buf, uint32_t len, uint32_t seed, uint32_t dir,
				      uint32_t seq, uint32_t count)
{
	uint8_t want[VMSG_CARD_MAX_LEN];
	uint32_t wlen = vmsg_card_data(want, seed, dir, seq, count), k;

	for (k = 0; k < len && k < wlen; k++)
		if (buf[k] != want[k])
			return (int32_t)k;
	return len == wlen ? -1 : (int32_t)(len < wlen ? len : wlen);
}

#endif /* VMSG_CARD_FRAMES_H */
