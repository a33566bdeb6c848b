/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The librte_vmsg authors
 *
 * virtio-msg device side, private: the device and the state helpers shared
 * by dev.c (creation, dispatcher, getters) and dev_notify.c (the events the
 * device originates, built or sent through its bus).
 */

#ifndef RTE_VMSG_DEV_PRIV_H
#define RTE_VMSG_DEV_PRIV_H

#include <stdbool.h>
#include <stdint.h>

#include "rte_vmsg_transport.h"

/* Status bits the driver may set; DEVICE_NEEDS_RESET belongs to the device. */
#define DRIVER_STATUS_BITS                                                                  \
	(RTE_VMSG_STATUS_ACKNOWLEDGE | RTE_VMSG_STATUS_DRIVER | RTE_VMSG_STATUS_DRIVER_OK | \
	 RTE_VMSG_STATUS_FEATURES_OK | RTE_VMSG_STATUS_FAILED)

#define MAX_VIRTQUEUES 65536u

/* Drop reasons, one bit each, to log the first drop of each kind only. */
enum drop_reason {
	DROP_MALFORMED,
	DROP_UNSUPPORTED,
	DROP_RESP_TOO_BIG,
	DROP_BUS,
	DROP_NOT_REQUEST,
	DROP_DEV_NUM,
	DROP_EVENT_QUEUE,
	DROP_EVENT_EARLY,
	DROP_EVENT_POLLING,
};

struct rte_vmsg_dev {
	struct rte_vmsg_dev_ops ops; /* copy; its array pointers are not used */
	void *ctx;
	uint64_t flags;
	uint32_t max_msg;
	uint32_t payloads; /* enum rte_vmsg_payloads: how frames are parsed and built */
	uint16_t dev_num;
	bool strict; /* strict config profile (DEV-35) */

	uint32_t nblocks;      /* offered feature blocks, trailing zero blocks trimmed */
	uint32_t *offered;     /* [nblocks] */
	uint32_t *driver;      /* [nblocks] driver-selected set */
	bool driver_extra;     /* a bit past the offered blocks was selected (until reset) */
	uint32_t status;       /* as the driver reads it, outside a reset */
	uint32_t reset_status; /* what it reads while a reset is in progress */
	bool resetting;	       /* reset requested, the model has not finished it */
	bool busy;	       /* a mutator runs: hooks may not re-enter one */
	uint32_t generation;
	uint32_t nq;
	struct rte_vmsg_dev_vq *vqs; /* [nq] */
	uint32_t logged;	     /* drop reasons already logged */
	struct rte_vmsg_dev_stats st;

	/* With a bus (rte_vmsg_dev_opts.bus): the device sends its own events. */
	struct rte_vmsg_bus *bus;
	uint8_t *evbuf; /* [max_msg]: EVENT_CONFIG is built here, just before it is sent */
	/*
	 * An EVENT_CONFIG that found the backend full, or the status-only one
	 * of a queue that broke inside rte_vmsg_dev_handle() (with or without
	 * a bus): its range, built again (current status, generation and
	 * bytes) when it is sent.
	 */
	bool ev_kept;
	uint32_t ev_off, ev_len;
};

/* The status the driver reads (see rte_vmsg_dev_status()). */
static inline uint32_t cur_status(const struct rte_vmsg_dev *d)
{
	return d->resetting ? d->reset_status : d->status;
}

/* The data path may run (DEV-33). */
static inline bool driver_ok(const struct rte_vmsg_dev *d)
{
	return !d->resetting &&
	       (d->status & (RTE_VMSG_STATUS_DRIVER_OK | RTE_VMSG_STATUS_FEATURES_OK)) ==
		       (RTE_VMSG_STATUS_DRIVER_OK | RTE_VMSG_STATUS_FEATURES_OK) &&
	       (d->status & (RTE_VMSG_STATUS_FAILED | RTE_VMSG_STATUS_DEVICE_NEEDS_RESET)) == 0;
}

/* An existing queue (max_size non-zero), or NULL. */
static inline const struct rte_vmsg_dev_vq *vq_of(const struct rte_vmsg_dev *d, uint32_t index)
{
	if (index >= d->nq || d->vqs[index].max_size == 0)
		return NULL;
	return &d->vqs[index];
}

#endif /* RTE_VMSG_DEV_PRIV_H */
