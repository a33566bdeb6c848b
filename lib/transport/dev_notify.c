/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The librte_vmsg authors
 *
 * virtio-msg device side: the events the device originates (EVENT_CONFIG,
 * EVENT_USED), built for the caller to send or sent through the device's
 * bus, with the one EVENT_CONFIG kept when the backend is full.
 */

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include "rte_vmsg_bus.h"
#include "rte_vmsg_transport.h"
#include "dev_priv.h"

/* ------------------------------------------------------------------------ */
/* Device-originated events                                                  */

static int check_out(const struct rte_vmsg_dev *d, const void *buf, size_t cap)
{
	if (d == NULL || buf == NULL)
		return -EINVAL;
	if (cap < d->max_msg)
		return -ENOBUFS;
	return 0;
}

static int build_event_config(struct rte_vmsg_dev *d, uint32_t offset, uint32_t length,
			      uint8_t *buf)
{
	uint8_t *data = buf + RTE_VMSG_SIZE_EVENT_CONFIG_BASE;
	struct rte_vmsg_msg e;
	int n;

	memset(&e, 0, sizeof(e));
	e.kind = RTE_VMSG_MSG_EVENT_CONFIG;
	e.hdr.dev_num = d->dev_num;
	e.hdr.token = 0; /* [LIB] §9: events carry token 0 */
	e.u.config.device_status = cur_status(d);
	e.u.config.generation = d->generation; /* DEV-15 */
	e.u.config.offset = offset;
	e.u.config.length = length;
	/* DEV-23: data only when it fits; otherwise the range without data. */
	if (length != 0 && (uint64_t)RTE_VMSG_SIZE_EVENT_CONFIG_BASE + length <= d->max_msg) {
		if (d->ops.config_read(d->ctx, offset, data, length) == 0)
			e.u.config.data = data;
		else
			d->st.model_errors++;
	}
	n = rte_vmsg_msg_build_profile(buf, d->max_msg, d->payloads, &e); /* DEV-1 */
	return n;
}

int rte_vmsg_dev_config_changed(struct rte_vmsg_dev *dev, uint32_t offset, uint32_t length,
				void *buf, size_t cap)
{
	int rc = check_out(dev, buf, cap);

	if (rc < 0)
		return rc;
	if (dev->busy)
		return -EBUSY;
	if (length == 0 ? offset != 0 : (uint64_t)offset + length > dev->ops.config_size)
		return -EINVAL;
	/* DEV-16: a reader mixing bytes from before and after now sees two generations. */
	dev->generation++;
	dev->busy = true; /* the config_read hook runs */
	rc = build_event_config(dev, offset, length, buf);
	dev->busy = false;
	if (rc > 0)
		dev->st.config_events++;
	return rc;
}

int rte_vmsg_dev_needs_reset(struct rte_vmsg_dev *dev, void *buf, size_t cap)
{
	int rc = check_out(dev, buf, cap);

	if (rc < 0)
		return rc;
	if (dev->busy)
		return -EBUSY;
	/* The driver is resetting already: nothing new. */
	if (dev->resetting)
		return 0;
	if ((dev->status & RTE_VMSG_STATUS_DEVICE_NEEDS_RESET) != 0) {
		/* Reported already, unless rte_vmsg_dev_handle() set it and kept the event. */
		if (!dev->ev_kept)
			return 0;
		dev->ev_kept = false;
	}
	dev->status |= RTE_VMSG_STATUS_DEVICE_NEEDS_RESET;
	/* DEV-22: status-only event, offset = length = 0, no data. */
	rc = build_event_config(dev, 0, 0, buf);
	if (rc > 0)
		dev->st.config_events++;
	return rc;
}

int rte_vmsg_dev_reset_done(struct rte_vmsg_dev *dev)
{
	if (dev == NULL)
		return -EINVAL;
	if (dev->busy)
		return -EBUSY;
	if (!dev->resetting)
		return -EALREADY;
	dev->resetting = false; /* DEV-25: status reads 0 from now on */
	return 0;
}

/* EVENT_USED (12 bytes) into @p buf of @p cap >= 12 bytes; 0 in polling-only mode. */
static int build_event_used(struct rte_vmsg_dev *dev, uint32_t vq, void *buf, size_t cap)
{
	const struct rte_vmsg_dev_vq *q;
	struct rte_vmsg_msg e;

	q = vq_of(dev, vq);
	if (q == NULL)
		return -EINVAL;
	/* virtio-msg §8: polling-only, no EVENT_USED. */
	if (dev->flags & RTE_VMSG_DEV_F_NO_EVENT_USED)
		return 0;
	/* DEV-33 */
	if (!q->enabled || !driver_ok(dev))
		return -EPERM;
	memset(&e, 0, sizeof(e));
	e.kind = RTE_VMSG_MSG_EVENT_USED;
	e.hdr.dev_num = dev->dev_num;
	e.u.vq_index = vq;
	return rte_vmsg_msg_build_profile(buf, cap, dev->payloads, &e);
}

int rte_vmsg_dev_build_event_used(struct rte_vmsg_dev *dev, uint32_t vq, void *buf, size_t cap)
{
	int rc = check_out(dev, buf, cap);

	if (rc < 0)
		return rc;
	rc = build_event_used(dev, vq, buf, dev->max_msg);
	if (rc > 0)
		dev->st.used_events++;
	return rc;
}

/* ------------------------------------------------------------------------ */
/* Device-originated events sent through the device's bus                    */

/*
 * Builds the kept EVENT_CONFIG now (current status and generation, DEV-15;
 * the bytes of its range as they are now, DEV-23) and sends it. The
 * config_read hook runs: the caller holds dev->busy.
 * @return 1 sent; 0 nothing kept; -EAGAIN still kept (backend full);
 *         another negative errno: dropped (the backend's error).
 */
static int kept_send(struct rte_vmsg_dev *d)
{
	int n, rc;

	if (!d->ev_kept)
		return 0;
	n = build_event_config(d, d->ev_off, d->ev_len, d->evbuf);
	if (n < 0) {
		d->ev_kept = false; /* cannot happen: the range was checked */
		return n;
	}
	rc = rte_vmsg_bus_send_event(d->bus, d->evbuf, (size_t)n);
	if (rc == -EAGAIN)
		return rc;
	d->ev_kept = false;
	if (rc < 0)
		return rc;
	d->st.config_events++;
	return 1;
}

/*
 * Keeps an EVENT_CONFIG for [@p off, @p off + @p len) and tries to send it.
 * One already kept is folded in: same range, or "something changed" (0, 0)
 * when the ranges differ; its status and generation are the current ones
 * anyway, so one event reports both changes.
 */
static int kept_add_send(struct rte_vmsg_dev *d, uint32_t off, uint32_t len)
{
	int rc;

	if (d->ev_kept && (d->ev_off != off || d->ev_len != len))
		off = len = 0;
	d->ev_kept = true;
	d->ev_off = off;
	d->ev_len = len;
	d->busy = true; /* the config_read hook runs */
	rc = kept_send(d);
	d->busy = false;
	return rc < 0 ? rc : 0;
}

/* The checks of every notify call: a device with a bus, outside its hooks. */
static int check_notify(const struct rte_vmsg_dev *dev)
{
	if (dev == NULL)
		return -EINVAL;
	if (dev->bus == NULL)
		return -ENOTCONN;
	if (dev->busy)
		return -EBUSY;
	return 0;
}

int rte_vmsg_dev_notify_used(struct rte_vmsg_dev *dev, uint32_t vq)
{
	uint8_t buf[RTE_VMSG_HDR_SIZE + 8];
	int n, rc;

	/* May run inside a hook (changes no device state): no busy check. */
	if (dev == NULL)
		return -EINVAL;
	if (dev->bus == NULL)
		return -ENOTCONN;
	n = build_event_used(dev, vq, buf, sizeof(buf));
	if (n <= 0)
		return n; /* 0: polling-only, nothing to send */
	rc = rte_vmsg_bus_send_event(dev->bus, buf, (size_t)n);
	if (rc < 0)
		return rc; /* -EAGAIN: nothing sent, the caller retries */
	dev->st.used_events++;
	return 0;
}

int rte_vmsg_dev_notify_config(struct rte_vmsg_dev *dev, uint32_t offset, uint32_t length)
{
	int rc = check_notify(dev);

	if (rc < 0)
		return rc;
	if (length == 0 ? offset != 0 : (uint64_t)offset + length > dev->ops.config_size)
		return -EINVAL;
	/* DEV-16, once per change: a retry is rte_vmsg_dev_notify_flush(), never this. */
	dev->generation++;
	return kept_add_send(dev, offset, length);
}

int rte_vmsg_dev_notify_needs_reset(struct rte_vmsg_dev *dev)
{
	int rc = check_notify(dev);

	if (rc < 0)
		return rc;
	/* Already reported, or the driver is resetting already: nothing new. */
	if (dev->resetting || (dev->status & RTE_VMSG_STATUS_DEVICE_NEEDS_RESET) != 0) {
		if (!dev->ev_kept)
			return -EALREADY;
		/* Called again after -EAGAIN: the retry of the kept event. */
		dev->busy = true;
		rc = kept_send(dev);
		dev->busy = false;
		return rc < 0 ? rc : 0;
	}
	dev->status |= RTE_VMSG_STATUS_DEVICE_NEEDS_RESET; /* DEV-24 */
	/* DEV-22: status-only event, offset = length = 0, no data. */
	return kept_add_send(dev, 0, 0);
}

int rte_vmsg_dev_notify_flush(struct rte_vmsg_dev *dev)
{
	int rc = check_notify(dev);

	if (rc < 0)
		return rc;
	dev->busy = true;
	rc = kept_send(dev);
	dev->busy = false;
	return rc;
}
