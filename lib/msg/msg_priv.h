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
 * The pre-v2 payload profile (msg_prev2.c): the five kinds whose payload
 * differs, their sizes, and their codecs onto the v2 views.
 */
int rte_vmsg__prev2_differs(enum rte_vmsg_msg_kind kind);
/* The frame size msg_size must have (fixed part read from @p p), or -EBADMSG via @p why. */
int rte_vmsg__prev2_check_size(enum rte_vmsg_msg_kind kind, const uint8_t *p, uint32_t msg_size,
			       enum rte_vmsg_msg_err *why);
void rte_vmsg__prev2_decode(struct rte_vmsg_msg *m, const uint8_t *p);
size_t rte_vmsg__prev2_size(const struct rte_vmsg_msg *m);
/* Checks that the view fits the older layout: 0 or -ERANGE. */
int rte_vmsg__prev2_check(const struct rte_vmsg_msg *m);
void rte_vmsg__prev2_encode(const struct rte_vmsg_msg *m, uint8_t *p);

#endif /* RTE_VMSG_MSG_PRIV_H */
