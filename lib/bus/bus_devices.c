/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The librte_vmsg authors
 *
 * Device numbers on a bus: the device table of a device-role endpoint
 * (handlers per number, EVENT_DEVICE, answers to GET_DEVICES) and the
 * GET_DEVICES enumeration of a driver-role endpoint.
 */

#define RTE_VMSG_LOG_PREFIX "bus: "

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include "bus_priv.h"
#include "log_priv.h"

/* ------------------------------------------------------------------------ */
/* Enumeration (driver role)                                                 */
/* ------------------------------------------------------------------------ */

int bus_enum_send(struct rte_vmsg_bus *bus)
{
	struct rte_vmsg_msg m;
	uint8_t buf[16];
	uint32_t fit = (bus->max - RTE_VMSG_SIZE_GET_DEVICES_RESP_BASE) * 8u;
	int len, rc;

	/* The largest window whose response fits the max message size. */
	bus->en.count = (uint16_t)(fit < UINT16_MAX ? fit : UINT16_MAX);
	memset(&m, 0, sizeof(m));
	m.kind = RTE_VMSG_MSG_BUS_GET_DEVICES_REQ;
	m.u.get_devices.offset = bus->en.offset;
	m.u.get_devices.count = bus->en.count;
	len = rte_vmsg_msg_build_profile(buf, sizeof(buf), bus->payloads, &m);
	if (len < 0)
		return len;
	rc = bus_submit(bus, buf, (size_t)len, REQ_ENUM, NULL, NULL, NULL);
	/*
	 * A window the backend cannot take now is sent again at each poll,
	 * for one request timeout: a peer that never frees our queue (alive
	 * for the link, stuck otherwise) ends the enumeration with
	 * -ETIMEDOUT as an unanswered window would, instead of leaving it
	 * pending with nothing in flight for the timeouts to see.
	 */
	if (rc == -EAGAIN && !bus->en.need_send)
		bus->en.send_by = rte_vmsg_tsc() + bus->timeout_ticks;
	else if (rc == -EAGAIN && (int64_t)(rte_vmsg_tsc() - bus->en.send_by) > 0)
		rc = -ETIMEDOUT;
	bus->en.need_send = rc == -EAGAIN;
	return rc;
}

void bus_enum_on_resp(struct rte_vmsg_bus *bus, int status, const void *resp, size_t len)
{
	struct rte_vmsg_msg m;
	uint32_t i;
	int rc;

	if (status < 0) {
		bus_enum_finish(bus, status);
		return;
	}
	rc = rte_vmsg_msg_parse_profile(resp, len, bus->max, bus->payloads, &m, NULL);
	if (rc < 0 || m.kind != RTE_VMSG_MSG_BUS_GET_DEVICES_RESP) {
		bus_enum_finish(bus, -EPROTO);
		return;
	}
	/* §10: offset echoed, count <= requested, next_offset 0 or > offset. */
	if (m.u.get_devices.offset != bus->en.offset || m.u.get_devices.count > bus->en.count ||
	    (m.u.get_devices.next_offset != 0 && m.u.get_devices.next_offset <= bus->en.offset)) {
		bus_enum_finish(bus, -EPROTO);
		return;
	}
	for (i = 0; i < m.u.get_devices.count; i++) {
		uint32_t n = bus->en.offset + i;

		if (n >= BUS_NUM_DEVS)
			break;
		if (rte_vmsg_msg_device_present(&m.u.get_devices, (uint16_t)i) &&
		    (bus->en.bitmap[n / 8u] & (1u << (n % 8u))) == 0) {
			bus->en.bitmap[n / 8u] |= (uint8_t)(1u << (n % 8u));
			bus->en.ndevs++;
		}
	}
	if (m.u.get_devices.next_offset == 0) {
		bus_enum_finish(bus, 0);
		return;
	}
	bus->en.offset = m.u.get_devices.next_offset;
	rc = bus_enum_send(bus);
	if (rc < 0 && rc != -EAGAIN)
		bus_enum_finish(bus, rc);
}

int rte_vmsg_bus_enumerate(struct rte_vmsg_bus *bus, uint8_t *bitmap, rte_vmsg_bus_enum_fn done,
			   void *arg)
{
	int rc;

	if (bus == NULL || bitmap == NULL || done == NULL)
		return -EINVAL;
	if (bus->role != RTE_VMSG_BUS_DRIVER)
		return -EPERM;
	if (bus->en.active)
		return -EBUSY;
	memset(bitmap, 0, RTE_VMSG_BUS_DEV_BITMAP_SIZE);
	bus->en.bitmap = bitmap;
	bus->en.offset = 0;
	bus->en.ndevs = 0;
	bus->en.done = done;
	bus->en.arg = arg;
	rc = bus_enum_send(bus);
	if (rc < 0) {
		bus->en.need_send = false;
		return rc;
	}
	bus->en.active = true;
	return 0;
}

/* ------------------------------------------------------------------------ */
/* Device table (device role)                                                */
/* ------------------------------------------------------------------------ */

static void send_event_device(struct rte_vmsg_bus *bus, uint16_t dev_num, uint16_t state)
{
	struct rte_vmsg_msg m;
	uint8_t buf[16];
	int len;

	memset(&m, 0, sizeof(m));
	m.kind = RTE_VMSG_MSG_BUS_EVENT_DEVICE;
	m.u.event_device.device_number = dev_num;
	m.u.event_device.state = state;
	len = rte_vmsg_msg_build_profile(buf, sizeof(buf), bus->payloads, &m);
	/* EVENT_DEVICE has no delivery rule (§8); GET_DEVICES stays exact. */
	if (len < 0 || bus_tx_frame(bus, buf, (size_t)len) < 0)
		bus->st.drop_tx_event++;
	else
		bus->st.device_events++;
}

/* Number n in or out of the bitmaps that GET_DEVICES answers from. */
static void dev_bit_set(struct rte_vmsg_bus *bus, uint32_t n, bool on)
{
	uint32_t w = n / 64u;

	if (on)
		bus->dev_bits[w] |= 1ull << (n % 64u);
	else
		bus->dev_bits[w] &= ~(1ull << (n % 64u));
	if (bus->dev_bits[w] != 0)
		bus->dev_sum[w / 64u] |= 1ull << (w % 64u);
	else
		bus->dev_sum[w / 64u] &= ~(1ull << (w % 64u));
}

/* The 8 bits of numbers pos..pos+7 (pos < BUS_NUM_DEVS), bit 0 = pos. */
static uint8_t dev_bits8(const struct rte_vmsg_bus *bus, uint32_t pos)
{
	uint32_t w = pos / 64u, sh = pos % 64u;
	uint64_t v = bus->dev_bits[w] >> sh;

	if (sh > 56u && w + 1u < BUS_DEV_WORDS)
		v |= bus->dev_bits[w + 1u] << (64u - sh);
	return (uint8_t)v;
}

/*
 * The first registered number >= pos, or 0 when there is none: one word of
 * dev_bits, then at most BUS_DEV_WORDS / 64 words of dev_sum.
 */
static uint32_t dev_next(const struct rte_vmsg_bus *bus, uint32_t pos)
{
	uint32_t w, s;
	uint64_t v;

	if (pos >= BUS_NUM_DEVS)
		return 0;
	w = pos / 64u;
	v = bus->dev_bits[w] & (~0ull << (pos % 64u));
	if (v != 0)
		return w * 64u + (uint32_t)__builtin_ctzll(v);
	for (s = w + 1u; s < BUS_DEV_WORDS; s = (s / 64u + 1u) * 64u) {
		v = bus->dev_sum[s / 64u] & (~0ull << (s % 64u));
		if (v != 0) {
			w = (s / 64u) * 64u + (uint32_t)__builtin_ctzll(v);
			return w * 64u + (uint32_t)__builtin_ctzll(bus->dev_bits[w]);
		}
	}
	return 0;
}

int rte_vmsg_bus_dev_alloc_num(struct rte_vmsg_bus *bus, uint16_t *dev_num)
{
	uint32_t i;

	if (bus == NULL || dev_num == NULL)
		return -EINVAL;
	if (bus->role != RTE_VMSG_BUS_DEVICE)
		return -EPERM;
	/* Round robin from the last number used: a freed number rests (BUS-5). */
	for (i = 0; i < BUS_NUM_DEVS; i++) {
		uint16_t n = (uint16_t)(bus->next_num + i);

		if (bus->devs[n].fn == NULL) {
			*dev_num = n;
			bus->next_num = (uint16_t)(n + 1u);
			return 0;
		}
	}
	return -ENOSPC;
}

int rte_vmsg_bus_dev_register(struct rte_vmsg_bus *bus, uint16_t dev_num,
			      rte_vmsg_bus_request_fn fn, void *ctx)
{
	uint16_t n = dev_num;

	if (bus == NULL || fn == NULL)
		return -EINVAL;
	if (bus->role != RTE_VMSG_BUS_DEVICE)
		return -EPERM;
	if (bus->devs[n].fn != NULL)
		return -EEXIST;
	bus->devs[n].fn = fn;
	bus->devs[n].ctx = ctx;
	dev_bit_set(bus, n, true);
	bus->ndevs++;
	if ((uint16_t)(n - bus->next_num) < 0x8000u)
		bus->next_num = (uint16_t)(n + 1u);
	/* ADDED only once the device answers (BUS-22, BUS-23). */
	send_event_device(bus, n, RTE_VMSG_DEVICE_BUS_STATE_ADDED);
	return 0;
}

/* 0 when @p dev_num is registered on the device-role endpoint @p bus; else the API's -errno. */
static int dev_registered(const struct rte_vmsg_bus *bus, uint16_t dev_num)
{
	if (bus == NULL)
		return -EINVAL;
	if (bus->role != RTE_VMSG_BUS_DEVICE)
		return -EPERM;
	return bus->devs[dev_num].fn != NULL ? 0 : -ENOENT;
}

int rte_vmsg_bus_dev_set_lost(struct rte_vmsg_bus *bus, uint16_t dev_num, rte_vmsg_bus_lost_fn fn)
{
	int rc = dev_registered(bus, dev_num);

	if (rc == 0)
		bus->devs[dev_num].lost = fn;
	return rc;
}

/*
 * The peer was lost: each registered device with a lost hook is told, in
 * number order (a hook may unregister devices: the bits are read afresh).
 */
void bus_devs_lost(struct rte_vmsg_bus *bus)
{
	uint32_t n = dev_next(bus, 0);

	if (n == 0 && bus->devs[0].fn == NULL)
		return; /* none registered */
	do {
		if (bus->devs[n].lost != NULL)
			bus->devs[n].lost(bus->devs[n].ctx);
		n = dev_next(bus, n + 1u);
	} while (n != 0);
}

int rte_vmsg_bus_dev_unregister(struct rte_vmsg_bus *bus, uint16_t dev_num)
{
	int rc = dev_registered(bus, dev_num);

	if (rc < 0)
		return rc;
	bus->devs[dev_num].fn = NULL;
	bus->devs[dev_num].ctx = NULL;
	bus->devs[dev_num].lost = NULL;
	dev_bit_set(bus, dev_num, false);
	bus->ndevs--;
	send_event_device(bus, dev_num, RTE_VMSG_DEVICE_BUS_STATE_REMOVED);
	return 0;
}

void *rte_vmsg_bus_dev_lookup(const struct rte_vmsg_bus *bus, uint16_t dev_num)
{
	if (bus == NULL || bus->devs == NULL)
		return NULL;
	return bus->devs[dev_num].ctx;
}

/* GET_DEVICES (virtio-msg §10, BUS-24, BUS-25). */
int bus_answer_get_devices(struct rte_vmsg_bus *bus, const struct rte_vmsg_msg *req)
{
	uint32_t off = req->u.get_devices.offset;
	uint32_t fit = (bus->max - RTE_VMSG_SIZE_GET_DEVICES_RESP_BASE) * 8u;
	uint32_t n = req->u.get_devices.count, i, next = 0;
	uint8_t *bm = bus->sub; /* scratch: no submission runs meanwhile */
	struct rte_vmsg_msg m;
	int len;

	/* Shrink the window to fit the max size and the number space. */
	if (n > fit)
		n = fit;
	if (n > BUS_NUM_DEVS - off)
		n = BUS_NUM_DEVS - off;
	/*
	 * The window from the bitmap, a byte at a time: the cost is the size
	 * of the answer (the builder clears the bits past n, BUS-24).
	 */
	for (i = 0; i < (n + 7u) / 8u; i++)
		bm[i] = dev_bits8(bus, off + 8u * i);
	/*
	 * next_offset: the first device past the window (skipping empty
	 * windows), 0 when there is none; always > offset (BUS-25).
	 */
	next = dev_next(bus, off + (n > 0 ? n : 1u));
	memset(&m, 0, sizeof(m));
	m.kind = RTE_VMSG_MSG_BUS_GET_DEVICES_RESP;
	m.hdr.token = req->hdr.token;
	m.u.get_devices.offset = (uint16_t)off;
	m.u.get_devices.next_offset = (uint16_t)next;
	m.u.get_devices.count = (uint16_t)n;
	m.u.get_devices.bitmap = bm;
	len = rte_vmsg_msg_build_profile(bus->tx, bus->max, bus->payloads, &m);
	if (len < 0) {
		bus->st.drop_malformed++;
		return 0;
	}
	return bus_send_response(bus, (size_t)len);
}
