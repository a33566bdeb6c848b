/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The librte_vmsg authors
 *
 * Private to lib/msg: the table describing each message kind.
 */

#ifndef RTE_VMSG_MSG_PRIV_H
#define RTE_VMSG_MSG_PRIV_H

#include <stdint.h>

#include "rte_vmsg_msg.h"

/** Static facts about one kind of message. */
struct rte_vmsg__kind_desc {
	const char *name; /* e.g. "GET_CONFIG_RESP" */
	uint8_t type;	  /* type byte bits 1:0 */
	uint8_t id;	  /* msg_id */
	uint16_t size;	  /* fixed part of the frame, header included */
	uint8_t rule;	  /* enum size_rule in msg.c */
};

extern const struct rte_vmsg__kind_desc rte_vmsg__kinds[RTE_VMSG_MSG_KIND_COUNT];

/*
 * Reading a field of a frame the peer may still write, exactly once
 * (ARCHITECTURE §3). A plain load is not enough: the compiler assumes no one
 * else writes the frame, and it does load a field twice, once for the check
 * and once (merged with its neighbours) for the copy, or load it again
 * instead of keeping it in a register; a compiler barrier does not stop the
 * first. The empty asm takes the loaded value and gives back one the
 * compiler cannot see through, so every use goes through that single load.
 * It emits no instruction.
 */
static inline uint8_t rte_vmsg__once8(const uint8_t *p)
{
	uint8_t v = *p;

	__asm__("" : "+r"(v));
	return v;
}

static inline uint16_t rte_vmsg__once16(const uint8_t *p)
{
	uint16_t v = rte_vmsg_get_le16(p);

	__asm__("" : "+r"(v));
	return v;
}

static inline uint32_t rte_vmsg__once32(const uint8_t *p)
{
	uint32_t v = rte_vmsg_get_le32(p);

	__asm__("" : "+r"(v));
	return v;
}

static inline uint64_t rte_vmsg__once64(const uint8_t *p)
{
	return (uint64_t)rte_vmsg__once32(p) | (uint64_t)rte_vmsg__once32(p + 4) << 32;
}

/*
 * The pre-v2 payload profile (msg_prev2.c): the five kinds whose payload
 * differs, their sizes, and their codecs onto the v2 views.
 */
int rte_vmsg__prev2_differs(enum rte_vmsg_msg_kind kind);
/*
 * Parsing a pre-v2 frame, each field read once: check_fixed (msg_size holds
 * the fixed fields), decode (every field copied into the view), check_size
 * (msg_size against the count in the view). 0, or -EBADMSG with @p why.
 */
int rte_vmsg__prev2_check_fixed(enum rte_vmsg_msg_kind kind, uint32_t msg_size,
				enum rte_vmsg_msg_err *why);
void rte_vmsg__prev2_decode(struct rte_vmsg_msg *m, const uint8_t *p);
int rte_vmsg__prev2_check_size(const struct rte_vmsg_msg *m, uint32_t msg_size,
			       enum rte_vmsg_msg_err *why);
size_t rte_vmsg__prev2_size(const struct rte_vmsg_msg *m);
/* Checks that the view fits the older layout: 0 or -ERANGE. */
int rte_vmsg__prev2_check(const struct rte_vmsg_msg *m);
void rte_vmsg__prev2_encode(const struct rte_vmsg_msg *m, uint8_t *p);

#endif /* RTE_VMSG_MSG_PRIV_H */
