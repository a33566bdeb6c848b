/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The librte_vmsg authors
 *
 * The pre-v2 payload profile against golden byte images written by hand
 * from the table of shared/reference/amp-pcie.md §1.8 (not from the
 * library): each of the five payloads that differ parses into the v2 view
 * as documented (enum rte_vmsg_payloads), builds back to the same bytes, and
 * is refused under the v2 profile; what the older layout cannot carry is
 * refused by the builder; the other messages are the same in both.
 */

#include <errno.h>
#include <stdint.h>
#include <string.h>

#include <rte_vmsg_msg.h>

#include "vtest.h"

#define MAX 64u /* the Linux driver's element */
#define PRE RTE_VMSG_PAYLOADS_PRE_V2

/* Bus GET_DEVICES response: offset 0, num 32, next_offset 0, devices 0 and 1. */
static const uint8_t g_get_devices[] = {
	0x03, 0x02, 0x00, 0x00, 0x01, 0x00, 0x12, 0x00, /* bus response, token 1, size 18 */
	0x00, 0x00, 0x20, 0x00, 0x00, 0x00,		/* offset 0, num 32, next 0 */
	0x03, 0x00, 0x00, 0x00,				/* bitmap */
};

/* GET_DEVICE_INFO response: virtio-net, 0x1af4, 64 feature bits, 12 B config, 3 queues. */
static const uint8_t g_dev_info[] = {
	0x01, 0x02, 0x05, 0x00, 0x01, 0x00, 0x20, 0x00, /* dev 5, token 1, size 32 */
	0x01, 0x00, 0x00, 0x00, 0xf4, 0x1a, 0x00, 0x00, /* device_id, vendor_id */
	0x40, 0x00, 0x00, 0x00, 0x0c, 0x00, 0x00, 0x00, /* num_feature_bits, config_size */
	0x03, 0x00, 0x00, 0x00, 0x02, 0x00, 0x01, 0x00, /* max_vq_count, admin 2, 1 */
};

/* GET_VQUEUE response: queue 1, max 256, size 128, rings at 0x10000/0x11000/0x12000. */
static const uint8_t g_get_vqueue[] = {
	0x01, 0x09, 0x05, 0x00, 0x01, 0x00, 0x2c, 0x00, /* size 44 */
	0x01, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, /* index, max_size */
	0x80, 0x00, 0x00, 0x00,				/* size */
	0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, /* desc */
	0x00, 0x10, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, /* driver */
	0x00, 0x20, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, /* device */
};

/* SET_VQUEUE request: queue 0, size 64, rings above 4 GiB. */
static const uint8_t g_set_vqueue[] = {
	0x00, 0x0a, 0x05, 0x00, 0x01, 0x00, 0x2c, 0x00, /* size 44 */
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, /* index, unused */
	0x40, 0x00, 0x00, 0x00,				/* size */
	0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, /* desc 0x100000000 */
	0x00, 0x04, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, /* driver 0x100000400 */
	0x00, 0x08, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, /* device 0x100000800 */
};

/* GET_SHM response: region 0 of 2 MiB at 0x80000000. */
static const uint8_t g_get_shm[] = {
	0x01, 0x0c, 0x05, 0x00, 0x01, 0x00, 0x14, 0x00, /* size 20 */
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x20, 0x00, /* index, count */
	0x00, 0x00, 0x00, 0x80,				/* addr */
};

/* Parses @p g under pre-v2, checks the v2 profile refuses it, builds it back. */
static void golden(const uint8_t *g, size_t n, struct rte_vmsg_msg *m)
{
	enum rte_vmsg_msg_err why;
	struct rte_vmsg_msg v;
	uint8_t out[MAX];

	CHECK_EQ(rte_vmsg_msg_parse_profile(g, n, MAX, PRE, m, &why), 0);
	CHECK_EQ(why, RTE_VMSG_MSG_OK);
	CHECK_EQ(m->hdr.msg_size, n);
	CHECK_EQ(rte_vmsg_msg_parse(g, n, MAX, &v, &why), -EBADMSG);
	CHECK_EQ(rte_vmsg_msg_size_profile(m, PRE), n);
	memset(out, 0xee, sizeof(out));
	CHECK_EQ(rte_vmsg_msg_build_profile(out, sizeof(out), PRE, m), (int)n);
	CHECK_MEM(out, g, n);
}

static void test_golden(void)
{
	struct rte_vmsg_msg m;

	golden(g_get_devices, sizeof(g_get_devices), &m);
	CHECK_EQ(m.kind, RTE_VMSG_MSG_BUS_GET_DEVICES_RESP);
	CHECK_EQ(m.u.get_devices.offset, 0);
	CHECK_EQ(m.u.get_devices.count, 32);
	CHECK_EQ(m.u.get_devices.next_offset, 0);
	CHECK(rte_vmsg_msg_device_present(&m.u.get_devices, 0));
	CHECK(rte_vmsg_msg_device_present(&m.u.get_devices, 1));
	CHECK(!rte_vmsg_msg_device_present(&m.u.get_devices, 2));

	golden(g_dev_info, sizeof(g_dev_info), &m);
	CHECK_EQ(m.kind, RTE_VMSG_MSG_GET_DEVICE_INFO_RESP);
	CHECK_EQ(m.hdr.dev_num, 5);
	CHECK_EQ(m.u.dev_info.device_id, 1);
	CHECK_EQ(m.u.dev_info.vendor_id, 0x1af4);
	CHECK_EQ(m.u.dev_info.num_feature_blocks, 2); /* 64 bits */
	CHECK_EQ(m.u.dev_info.config_size, 12);
	CHECK_EQ(m.u.dev_info.max_virtqueues, 3);
	CHECK_EQ(m.u.dev_info.admin_vq_start, 2);
	CHECK_EQ(m.u.dev_info.admin_vq_count, 1);
	CHECK_MEM(m.u.dev_info.uuid, (const uint8_t[16]){ 0 }, 16); /* nil */

	golden(g_get_vqueue, sizeof(g_get_vqueue), &m);
	CHECK_EQ(m.kind, RTE_VMSG_MSG_GET_VQUEUE_RESP);
	CHECK_EQ(m.u.vqueue.index, 1);
	CHECK_EQ(m.u.vqueue.max_size, 256);
	CHECK_EQ(m.u.vqueue.size, 128);
	CHECK_EQ(m.u.vqueue.flags, 1); /* programmed: enabled */
	CHECK_U64(m.u.vqueue.desc_addr, 0x10000);
	CHECK_U64(m.u.vqueue.driver_addr, 0x11000);
	CHECK_U64(m.u.vqueue.device_addr, 0x12000);

	golden(g_set_vqueue, sizeof(g_set_vqueue), &m);
	CHECK_EQ(m.kind, RTE_VMSG_MSG_SET_VQUEUE_REQ);
	CHECK_EQ(m.u.vqueue.index, 0);
	CHECK_EQ(m.u.vqueue.flags, 1); /* program and enable, no ignore bits */
	CHECK_EQ(m.u.vqueue.reserved, 0);
	CHECK_EQ(m.u.vqueue.size, 64);
	CHECK_U64(m.u.vqueue.desc_addr, 0x100000000ull);
	CHECK_U64(m.u.vqueue.driver_addr, 0x100000400ull);
	CHECK_U64(m.u.vqueue.device_addr, 0x100000800ull);

	golden(g_get_shm, sizeof(g_get_shm), &m);
	CHECK_EQ(m.kind, RTE_VMSG_MSG_GET_SHM_RESP);
	CHECK_EQ(m.u.shm.shmid, 0);
	CHECK_U64(m.u.shm.length, 0x200000);
	CHECK_U64(m.u.shm.address, 0x80000000u);
}

/* Views parsed from the older frames: what the fields mean when they are odd. */
static void test_odd_values(void)
{
	struct rte_vmsg_msg m;
	uint8_t f[MAX];

	/* An unprogrammed queue reads disabled. */
	memcpy(f, g_get_vqueue, sizeof(g_get_vqueue));
	memset(f + 16, 0, 4);
	CHECK_EQ(rte_vmsg_msg_parse_profile(f, sizeof(g_get_vqueue), MAX, PRE, &m, NULL), 0);
	CHECK_EQ(m.u.vqueue.flags, 0);
	/* Feature bits that are not a multiple of 32 round up to whole blocks. */
	memcpy(f, g_dev_info, sizeof(g_dev_info));
	f[16] = 33;
	CHECK_EQ(rte_vmsg_msg_parse_profile(f, sizeof(g_dev_info), MAX, PRE, &m, NULL), 0);
	CHECK_EQ(m.u.dev_info.num_feature_blocks, 2);
	/* A non-zero unused word is the view's reserved: the device refuses it like v2's. */
	memcpy(f, g_set_vqueue, sizeof(g_set_vqueue));
	f[12] = 0x5a;
	CHECK_EQ(rte_vmsg_msg_parse_profile(f, sizeof(g_set_vqueue), MAX, PRE, &m, NULL), 0);
	CHECK_EQ(m.u.vqueue.reserved, 0x5a);
}

static void test_refused(void)
{
	enum rte_vmsg_msg_err why;
	struct rte_vmsg_msg m;
	uint8_t f[MAX], out[MAX];

	/* Sizes of the v2 layout, and counts that disagree. */
	memset(f, 0, sizeof(f));
	memcpy(f, g_dev_info, 8);
	f[6] = 52; /* v2's GET_DEVICE_INFO response */
	CHECK_EQ(rte_vmsg_msg_parse_profile(f, 52, MAX, PRE, &m, &why), -EBADMSG);
	CHECK_EQ(why, RTE_VMSG_MSG_ERR_SIZE);
	memcpy(f, g_get_devices, sizeof(g_get_devices));
	f[10] = 0x21; /* num 33: one bitmap byte short */
	CHECK_EQ(rte_vmsg_msg_parse_profile(f, sizeof(g_get_devices), MAX, PRE, &m, &why),
		 -EBADMSG);
	CHECK_EQ(why, RTE_VMSG_MSG_ERR_COUNT);
	f[6] = 10; /* too short for num itself */
	CHECK_EQ(rte_vmsg_msg_parse_profile(f, 10, MAX, PRE, &m, &why), -EBADMSG);
	CHECK_EQ(why, RTE_VMSG_MSG_ERR_COUNT);
	CHECK_EQ(rte_vmsg_msg_parse_profile(g_get_shm, sizeof(g_get_shm), MAX,
					    (enum rte_vmsg_payloads)2, &m, &why),
		 -EINVAL);

	/* Views the older layout cannot carry. */
	CHECK_EQ(rte_vmsg_msg_parse_profile(g_set_vqueue, sizeof(g_set_vqueue), MAX, PRE, &m, NULL),
		 0);
	m.u.vqueue.flags = 0; /* program, stay disabled */
	CHECK_EQ(rte_vmsg_msg_build_profile(out, sizeof(out), PRE, &m), -ERANGE);
	m.u.vqueue.flags = 1u | (1u << 2); /* enable, keep the size */
	CHECK_EQ(rte_vmsg_msg_build_profile(out, sizeof(out), PRE, &m), -ERANGE);
	m.u.vqueue.flags = 1;
	CHECK_EQ(rte_vmsg_msg_build(out, sizeof(out), &m), 48); /* v2 carries anything */
	CHECK_EQ(rte_vmsg_msg_parse_profile(g_dev_info, sizeof(g_dev_info), MAX, PRE, &m, NULL), 0);
	m.u.dev_info.admin_vq_start = 70000;
	CHECK_EQ(rte_vmsg_msg_build_profile(out, sizeof(out), PRE, &m), -ERANGE);
	m.u.dev_info.admin_vq_start = 2;
	m.u.dev_info.num_feature_blocks = 0x8000000u;
	CHECK_EQ(rte_vmsg_msg_build_profile(out, sizeof(out), PRE, &m), -ERANGE);
	m.u.dev_info.num_feature_blocks = 2;
	m.u.dev_info.uuid[0] = 0xaa; /* not on the wire: dropped */
	CHECK_EQ(rte_vmsg_msg_build_profile(out, sizeof(out), PRE, &m), 32);
	CHECK_MEM(out, g_dev_info, 32);
	CHECK_EQ(rte_vmsg_msg_parse_profile(g_get_shm, sizeof(g_get_shm), MAX, PRE, &m, NULL), 0);
	m.u.shm.address = 0x100000000ull;
	CHECK_EQ(rte_vmsg_msg_build_profile(out, sizeof(out), PRE, &m), -ERANGE);
	CHECK_EQ(rte_vmsg_msg_build_profile(out, sizeof(out), (enum rte_vmsg_payloads)5, &m),
		 -EINVAL);
	CHECK_EQ(rte_vmsg_msg_size_profile(&m, (enum rte_vmsg_payloads)5), 0);
}

/* The messages of the same shape are the same bytes in both profiles. */
static void test_same_shape(void)
{
	static const uint8_t get_config[] = { 0x00, 0x05, 0x05, 0x00, 0x01, 0x00, 0x10, 0x00,
					      0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00 };
	static const uint8_t event_used[] = { 0x00, 0x42, 0x05, 0x00, 0x00, 0x00,
					      0x0c, 0x00, 0x01, 0x00, 0x00, 0x00 };
	struct rte_vmsg_msg a, b;
	uint8_t x[MAX], y[MAX];

	CHECK_EQ(rte_vmsg_msg_parse_profile(get_config, sizeof(get_config), MAX, PRE, &a, NULL), 0);
	CHECK_EQ(rte_vmsg_msg_parse(get_config, sizeof(get_config), MAX, &b, NULL), 0);
	CHECK_EQ(a.kind, RTE_VMSG_MSG_GET_CONFIG_REQ);
	CHECK_EQ(a.u.config.length, 1); /* the Linux driver reads one byte at a time */
	CHECK_EQ(rte_vmsg_msg_build_profile(x, sizeof(x), PRE, &a), 16);
	CHECK_EQ(rte_vmsg_msg_build(y, sizeof(y), &b), 16);
	CHECK_MEM(x, y, 16);
	CHECK_EQ(rte_vmsg_msg_parse_profile(event_used, sizeof(event_used), MAX, PRE, &a, NULL), 0);
	CHECK_EQ(a.kind, RTE_VMSG_MSG_EVENT_USED);
	CHECK_EQ(a.u.vq_index, 1);
}

int main(void)
{
	test_golden();
	test_odd_values();
	test_refused();
	test_same_shape();
	return vtest_done("msg_prev2");
}
