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

#endif /* RTE_VMSG_MSG_PRIV_H */
