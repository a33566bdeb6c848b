/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The librte_vmsg authors
 *
 * Golden frames: every message of the virtio-msg v2 draft written byte by byte
 * from the layout tables of the reference (never produced by the builder),
 * checked against rte_vmsg_msg_build() and rte_vmsg_msg_parse() both ways.
 */

#include <errno.h>
#include <stdint.h>
#include <string.h>

#include <rte_vmsg_msg.h>

#include "vtest.h"

/* The link maximum used throughout: the recommended 264 (virtio-msg §3). */
#define LINK_MAX 264u

/*
 * The frames. Comments give the frame offset of each field (payload offset
 * + 8). Multi-byte values are chosen so that a byte-order or offset mistake
 * changes the bytes.
 */

/* §4.1 GET_DEVICE_INFO request: empty payload. */
static const uint8_t f_dev_info_req[] = {
	0x00,	    /* 0: type = transport request */
	0x02,	    /* 1: msg_id = GET_DEVICE_INFO */
	0x34, 0x12, /* 2: dev_num = 0x1234 */
	0x01, 0xA0, /* 4: token = 0xA001 */
	0x08, 0x00, /* 6: msg_size = 8 */
};

/* §4.1 GET_DEVICE_INFO response: 44-byte payload. */
static const uint8_t f_dev_info_resp[] = {
	0x01,						/* 0: type = transport response */
	0x02,						/* 1: msg_id = GET_DEVICE_INFO */
	0x34, 0x12,					/* 2: dev_num = 0x1234 */
	0x02, 0xA0,					/* 4: token = 0xA002 */
	0x34, 0x00,					/* 6: msg_size = 52 */
	0x44, 0x33, 0x22, 0x11,				/* 8: device_id = 0x11223344 */
	0x88, 0x77, 0x66, 0x55,				/* 12: vendor_id = 0x55667788 */
	0xF0, 0xE1, 0xD2, 0xC3, 0xB4, 0xA5, 0x96, 0x87, /* 16: device_uuid[0..7], raw */
	0x78, 0x69, 0x5A, 0x4B, 0x3C, 0x2D, 0x1E, 0x0F, /* 24: device_uuid[8..15], raw */
	0x24, 0x23, 0x22, 0x21,				/* 32: num_feature_blocks = 0x21222324 */
	0x34, 0x33, 0x32, 0x31,				/* 36: config_size = 0x31323334 */
	0x44, 0x43, 0x42, 0x41,				/* 40: max_virtqueues = 0x41424344 */
	0x54, 0x53, 0x52, 0x51,				/* 44: admin_vq_start = 0x51525354 */
	0x64, 0x63, 0x62, 0x61,				/* 48: admin_vq_count = 0x61626364 */
};

static const uint8_t uuid_bytes[16] = {
	0xF0, 0xE1, 0xD2, 0xC3, 0xB4, 0xA5, 0x96, 0x87,
	0x78, 0x69, 0x5A, 0x4B, 0x3C, 0x2D, 0x1E, 0x0F,
};

/* §4.2 GET_DEVICE_FEATURES request. */
static const uint8_t f_get_feat_req[] = {
	0x00,			/* 0: type = transport request */
	0x03,			/* 1: msg_id = GET_DEVICE_FEATURES */
	0x45, 0x23,		/* 2: dev_num = 0x2345 */
	0x03, 0xB0,		/* 4: token = 0xB003 */
	0x10, 0x00,		/* 6: msg_size = 16 */
	0x04, 0x03, 0x02, 0x01, /* 8: block_index = 0x01020304 */
	0x02, 0x00, 0x00, 0x00, /* 12: num_blocks = 2 */
};

/* §4.2 GET_DEVICE_FEATURES response: 16 + 4 * 2. */
static const uint8_t f_get_feat_resp[] = {
	0x01,			/* 0: type = transport response */
	0x03,			/* 1: msg_id = GET_DEVICE_FEATURES */
	0x45, 0x23,		/* 2: dev_num = 0x2345 */
	0x04, 0xB0,		/* 4: token = 0xB004 */
	0x18, 0x00,		/* 6: msg_size = 24 */
	0x04, 0x03, 0x02, 0x01, /* 8: block_index = 0x01020304 (echo) */
	0x02, 0x00, 0x00, 0x00, /* 12: num_blocks = 2 */
	0x44, 0x33, 0x22, 0x11, /* 16: features[0] = 0x11223344 */
	0x88, 0x77, 0x66, 0x55, /* 20: features[1] = 0x55667788 */
};

static const uint8_t feat_resp_blocks[] = {
	0x44, 0x33, 0x22, 0x11, 0x88, 0x77, 0x66, 0x55,
};

/* §4.3 SET_DRIVER_FEATURES request: 16 + 4 * 3. */
static const uint8_t f_set_feat_req[] = {
	0x00,			/* 0: type = transport request */
	0x04,			/* 1: msg_id = SET_DRIVER_FEATURES */
	0x56, 0x34,		/* 2: dev_num = 0x3456 */
	0x05, 0xC0,		/* 4: token = 0xC005 */
	0x1C, 0x00,		/* 6: msg_size = 28 */
	0x0D, 0x0C, 0x0B, 0x0A, /* 8: block_index = 0x0A0B0C0D */
	0x03, 0x00, 0x00, 0x00, /* 12: num_blocks = 3 */
	0xEF, 0xCD, 0xAB, 0x89, /* 16: features[0] = 0x89ABCDEF */
	0x67, 0x45, 0x23, 0x01, /* 20: features[1] = 0x01234567 */
	0x98, 0xBA, 0xDC, 0xFE, /* 24: features[2] = 0xFEDCBA98 */
};

static const uint8_t set_feat_blocks[] = {
	0xEF, 0xCD, 0xAB, 0x89, 0x67, 0x45, 0x23, 0x01, 0x98, 0xBA, 0xDC, 0xFE,
};

/* §4.3 SET_DRIVER_FEATURES response: empty. */
static const uint8_t f_set_feat_resp[] = {
	0x01,	    /* 0: type = transport response */
	0x04,	    /* 1: msg_id = SET_DRIVER_FEATURES */
	0x56, 0x34, /* 2: dev_num = 0x3456 */
	0x06, 0xC0, /* 4: token = 0xC006 */
	0x08, 0x00, /* 6: msg_size = 8 */
};

/* §4.4 GET_CONFIG request. */
static const uint8_t f_get_cfg_req[] = {
	0x00,			/* 0: type = transport request */
	0x05,			/* 1: msg_id = GET_CONFIG */
	0x67, 0x45,		/* 2: dev_num = 0x4567 */
	0x07, 0xD0,		/* 4: token = 0xD007 */
	0x10, 0x00,		/* 6: msg_size = 16 */
	0x44, 0x33, 0x22, 0x11, /* 8: offset = 0x11223344 */
	0x05, 0x00, 0x00, 0x00, /* 12: length = 5 */
};

/* §4.4 GET_CONFIG response: 20 + 5. */
static const uint8_t f_get_cfg_resp[] = {
	0x01,			      /* 0: type = transport response */
	0x05,			      /* 1: msg_id = GET_CONFIG */
	0x67, 0x45,		      /* 2: dev_num = 0x4567 */
	0x08, 0xD0,		      /* 4: token = 0xD008 */
	0x19, 0x00,		      /* 6: msg_size = 25 */
	0xBE, 0xBA, 0xFE, 0xCA,	      /* 8: generation = 0xCAFEBABE */
	0x44, 0x33, 0x22, 0x11,	      /* 12: offset = 0x11223344 (echo) */
	0x05, 0x00, 0x00, 0x00,	      /* 16: length = 5 */
	0xD0, 0xD1, 0xD2, 0xD3, 0xD4, /* 20: data[5] */
};

static const uint8_t get_cfg_data[] = { 0xD0, 0xD1, 0xD2, 0xD3, 0xD4 };

/* §4.4 GET_CONFIG response with length 0: 20 bytes, no data. */
static const uint8_t f_get_cfg_resp0[] = {
	0x01,			/* 0: type = transport response */
	0x05,			/* 1: msg_id = GET_CONFIG */
	0x67, 0x45,		/* 2: dev_num = 0x4567 */
	0x09, 0xD0,		/* 4: token = 0xD009 */
	0x14, 0x00,		/* 6: msg_size = 20 */
	0x0D, 0xF0, 0xAD, 0x0B, /* 8: generation = 0x0BADF00D */
	0x44, 0x33, 0x22, 0x11, /* 12: offset = 0x11223344 */
	0x00, 0x00, 0x00, 0x00, /* 16: length = 0 */
};

/* §4.5 SET_CONFIG request: 20 + 6. */
static const uint8_t f_set_cfg_req[] = {
	0x00,				    /* 0: type = transport request */
	0x06,				    /* 1: msg_id = SET_CONFIG */
	0x78, 0x56,			    /* 2: dev_num = 0x5678 */
	0x09, 0xE0,			    /* 4: token = 0xE009 */
	0x1A, 0x00,			    /* 6: msg_size = 26 */
	0x04, 0x03, 0x02, 0x01,		    /* 8: generation = 0x01020304 */
	0x40, 0x01, 0x00, 0x00,		    /* 12: offset = 0x140 */
	0x06, 0x00, 0x00, 0x00,		    /* 16: length = 6 */
	0x10, 0x11, 0x12, 0x13, 0x14, 0x15, /* 20: data[6] */
};

static const uint8_t set_cfg_data[] = { 0x10, 0x11, 0x12, 0x13, 0x14, 0x15 };

/* §4.5 SET_CONFIG response, written: 20 + length, data echoed. */
static const uint8_t f_set_cfg_resp[] = {
	0x01,				    /* 0: type = transport response */
	0x06,				    /* 1: msg_id = SET_CONFIG */
	0x78, 0x56,			    /* 2: dev_num = 0x5678 */
	0x0A, 0xE0,			    /* 4: token = 0xE00A */
	0x1A, 0x00,			    /* 6: msg_size = 26 */
	0x08, 0x07, 0x06, 0x05,		    /* 8: generation = 0x05060708 */
	0x40, 0x01, 0x00, 0x00,		    /* 12: offset = 0x140 (echo) */
	0x06, 0x00, 0x00, 0x00,		    /* 16: length = 6 */
	0x10, 0x11, 0x12, 0x13, 0x14, 0x15, /* 20: data[6] (echo) */
};

/* §4.5 SET_CONFIG response, not written: length 0, 20 bytes. */
static const uint8_t f_set_cfg_resp_na[] = {
	0x01,			/* 0: type = transport response */
	0x06,			/* 1: msg_id = SET_CONFIG */
	0x78, 0x56,		/* 2: dev_num = 0x5678 */
	0x0B, 0xE0,		/* 4: token = 0xE00B */
	0x14, 0x00,		/* 6: msg_size = 20 */
	0x09, 0x07, 0x06, 0x05, /* 8: generation = 0x05060709 */
	0x40, 0x01, 0x00, 0x00, /* 12: offset = 0x140 (echo) */
	0x00, 0x00, 0x00, 0x00, /* 16: length = 0 */
};

/* §4.6 GET_DEVICE_STATUS request: empty. */
static const uint8_t f_get_status_req[] = {
	0x00,	    /* 0: type = transport request */
	0x07,	    /* 1: msg_id = GET_DEVICE_STATUS */
	0x89, 0x67, /* 2: dev_num = 0x6789 */
	0x0B, 0x0B, /* 4: token = 0x0B0B */
	0x08, 0x00, /* 6: msg_size = 8 */
};

/* §4.6 GET_DEVICE_STATUS response. */
static const uint8_t f_get_status_resp[] = {
	0x01,			/* 0: type = transport response */
	0x07,			/* 1: msg_id = GET_DEVICE_STATUS */
	0x89, 0x67,		/* 2: dev_num = 0x6789 */
	0x0C, 0x0C,		/* 4: token = 0x0C0C */
	0x0C, 0x00,		/* 6: msg_size = 12 */
	0x4F, 0x00, 0x00, 0x00, /* 8: status = 0x4F */
};

/* §4.6 SET_DEVICE_STATUS request. */
static const uint8_t f_set_status_req[] = {
	0x00,			/* 0: type = transport request */
	0x08,			/* 1: msg_id = SET_DEVICE_STATUS */
	0x9A, 0x78,		/* 2: dev_num = 0x789A */
	0x0D, 0x0D,		/* 4: token = 0x0D0D */
	0x0C, 0x00,		/* 6: msg_size = 12 */
	0x0B, 0x00, 0x00, 0x00, /* 8: status = ACKNOWLEDGE|DRIVER|FEATURES_OK */
};

/* §4.6 SET_DEVICE_STATUS response: FEATURES_OK refused. */
static const uint8_t f_set_status_resp[] = {
	0x01,			/* 0: type = transport response */
	0x08,			/* 1: msg_id = SET_DEVICE_STATUS */
	0x9A, 0x78,		/* 2: dev_num = 0x789A */
	0x0E, 0x0E,		/* 4: token = 0x0E0E */
	0x0C, 0x00,		/* 6: msg_size = 12 */
	0x03, 0x00, 0x00, 0x00, /* 8: status = ACKNOWLEDGE|DRIVER */
};

/* §4.7 GET_VQUEUE request. */
static const uint8_t f_get_vq_req[] = {
	0x00,			/* 0: type = transport request */
	0x09,			/* 1: msg_id = GET_VQUEUE */
	0xAB, 0x89,		/* 2: dev_num = 0x89AB */
	0x0F, 0x0F,		/* 4: token = 0x0F0F */
	0x0C, 0x00,		/* 6: msg_size = 12 */
	0x02, 0x01, 0x00, 0x00, /* 8: index = 0x102 */
};

/* §4.7 GET_VQUEUE response: 40-byte payload. */
static const uint8_t f_get_vq_resp[] = {
	0x01,						/* 0: type = transport response */
	0x09,						/* 1: msg_id = GET_VQUEUE */
	0xAB, 0x89,					/* 2: dev_num = 0x89AB */
	0x10, 0x10,					/* 4: token = 0x1010 */
	0x30, 0x00,					/* 6: msg_size = 48 */
	0x02, 0x01, 0x00, 0x00,				/* 8: index = 0x102 (echo) */
	0x00, 0x04, 0x00, 0x00,				/* 12: max_size = 0x400 */
	0x00, 0x01, 0x00, 0x00,				/* 16: cur_size = 0x100 */
	0x01, 0x00, 0x00, 0x00,				/* 20: flags = enabled */
	0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11, /* 24: desc_addr */
	0x00, 0xFF, 0xEE, 0xDD, 0xCC, 0xBB, 0xAA, 0x99, /* 32: driver_addr */
	0x08, 0x07, 0x06, 0x05, 0x04, 0x03, 0x02, 0x01, /* 40: device_addr */
};

/* §4.8 SET_VQUEUE request: 40-byte payload. */
static const uint8_t f_set_vq_req[] = {
	0x00,						/* 0: type = transport request */
	0x0A,						/* 1: msg_id = SET_VQUEUE */
	0xBC, 0x9A,					/* 2: dev_num = 0x9ABC */
	0x11, 0x11,					/* 4: token = 0x1111 */
	0x30, 0x00,					/* 6: msg_size = 48 */
	0x03, 0x02, 0x00, 0x00,				/* 8: index = 0x203 */
	0x21, 0x00, 0x00, 0x00,				/* 12: flags = enable|ignore device */
	0x00, 0x01, 0x00, 0x00,				/* 16: size = 0x100 */
	0x00, 0x00, 0x00, 0x00,				/* 20: reserved = 0 */
	0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11, 0x00, /* 24: desc_addr */
	0xFF, 0xEE, 0xDD, 0xCC, 0xBB, 0xAA, 0x99, 0x88, /* 32: driver_addr */
	0x78, 0x69, 0x5A, 0x4B, 0x3C, 0x2D, 0x1E, 0x0F, /* 40: device_addr */
};

/* §4.8 SET_VQUEUE response: empty. */
static const uint8_t f_set_vq_resp[] = {
	0x01,	    /* 0: type = transport response */
	0x0A,	    /* 1: msg_id = SET_VQUEUE */
	0xBC, 0x9A, /* 2: dev_num = 0x9ABC */
	0x12, 0x12, /* 4: token = 0x1212 */
	0x08, 0x00, /* 6: msg_size = 8 */
};

/* §4.9 RESET_VQUEUE request, to device 0 (GEN-6: a legal device number). */
static const uint8_t f_reset_vq_req[] = {
	0x00,			/* 0: type = transport request */
	0x0B,			/* 1: msg_id = RESET_VQUEUE */
	0x00, 0x00,		/* 2: dev_num = 0 */
	0x13, 0x13,		/* 4: token = 0x1313 */
	0x0C, 0x00,		/* 6: msg_size = 12 */
	0x01, 0x02, 0x03, 0x00, /* 8: index = 0x030201 */
};

/* §4.9 RESET_VQUEUE response: empty. */
static const uint8_t f_reset_vq_resp[] = {
	0x01,	    /* 0: type = transport response */
	0x0B,	    /* 1: msg_id = RESET_VQUEUE */
	0x00, 0x00, /* 2: dev_num = 0 */
	0x14, 0x14, /* 4: token = 0x1414 */
	0x08, 0x00, /* 6: msg_size = 8 */
};

/* §4.10 GET_SHM request. */
static const uint8_t f_get_shm_req[] = {
	0x00,			/* 0: type = transport request */
	0x0C,			/* 1: msg_id = GET_SHM */
	0xCD, 0xAB,		/* 2: dev_num = 0xABCD */
	0x15, 0x15,		/* 4: token = 0x1515 */
	0x0C, 0x00,		/* 6: msg_size = 12 */
	0x0D, 0x0C, 0x0B, 0x0A, /* 8: shmid = 0x0A0B0C0D */
};

/* §4.10 GET_SHM response. */
static const uint8_t f_get_shm_resp[] = {
	0x01,						/* 0: type = transport response */
	0x0C,						/* 1: msg_id = GET_SHM */
	0xCD, 0xAB,					/* 2: dev_num = 0xABCD */
	0x16, 0x16,					/* 4: token = 0x1616 */
	0x20, 0x00,					/* 6: msg_size = 32 */
	0x0D, 0x0C, 0x0B, 0x0A,				/* 8: shmid = 0x0A0B0C0D (echo) */
	0x00, 0x00, 0x00, 0x00,				/* 12: reserved = 0 */
	0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11, /* 16: length = 0x1122334455667788 */
	0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, /* 24: address = 0x8877665544332211 */
};

/* §4.11 EVENT_CONFIG with data: 24 + 4. */
static const uint8_t f_ev_cfg_data[] = {
	0x00,			/* 0: type = transport event */
	0x40,			/* 1: msg_id = EVENT_CONFIG */
	0xDE, 0xBC,		/* 2: dev_num = 0xBCDE */
	0x00, 0x00,		/* 4: token = 0 */
	0x1C, 0x00,		/* 6: msg_size = 28 */
	0x0F, 0x00, 0x00, 0x00, /* 8: device_status = 0x0F */
	0x44, 0x33, 0x22, 0x11, /* 12: generation = 0x11223344 */
	0x10, 0x00, 0x00, 0x00, /* 16: offset = 0x10 */
	0x04, 0x00, 0x00, 0x00, /* 20: length = 4 */
	0xE0, 0xE1, 0xE2, 0xE3, /* 24: data[4] */
};

static const uint8_t ev_cfg_data[] = { 0xE0, 0xE1, 0xE2, 0xE3 };

/* §4.11 EVENT_CONFIG without data but with a range (strict profile): 24. */
static const uint8_t f_ev_cfg_range[] = {
	0x00,			/* 0: type = transport event */
	0x40,			/* 1: msg_id = EVENT_CONFIG */
	0xDE, 0xBC,		/* 2: dev_num = 0xBCDE */
	0x00, 0x00,		/* 4: token = 0 */
	0x18, 0x00,		/* 6: msg_size = 24 */
	0x0F, 0x00, 0x00, 0x00, /* 8: device_status = 0x0F */
	0xD0, 0xC0, 0xB0, 0xA0, /* 12: generation = 0xA0B0C0D0 */
	0x20, 0x01, 0x00, 0x00, /* 16: offset = 0x120 */
	0x08, 0x01, 0x00, 0x00, /* 20: length = 0x108 (no data) */
};

/* §4.11 EVENT_CONFIG status only: offset = length = 0, no data (DEV-22). */
static const uint8_t f_ev_cfg_status[] = {
	0x00,			/* 0: type = transport event */
	0x40,			/* 1: msg_id = EVENT_CONFIG */
	0xDE, 0xBC,		/* 2: dev_num = 0xBCDE */
	0x00, 0x00,		/* 4: token = 0 */
	0x18, 0x00,		/* 6: msg_size = 24 */
	0x4F, 0x00, 0x00, 0x00, /* 8: device_status = 0x4F (DEVICE_NEEDS_RESET) */
	0x07, 0x06, 0x05, 0x04, /* 12: generation = 0x04050607 */
	0x00, 0x00, 0x00, 0x00, /* 16: offset = 0 */
	0x00, 0x00, 0x00, 0x00, /* 20: length = 0 */
};

/* §4.12 EVENT_AVAIL, split ring: available index in bits 15:0. */
static const uint8_t f_ev_avail[] = {
	0x00,			/* 0: type = transport event */
	0x41,			/* 1: msg_id = EVENT_AVAIL */
	0xEF, 0xCD,		/* 2: dev_num = 0xCDEF */
	0x00, 0x00,		/* 4: token = 0 */
	0x10, 0x00,		/* 6: msg_size = 16 */
	0x03, 0x00, 0x00, 0x00, /* 8: vq_index = 3 */
	0x34, 0x12, 0x00, 0x00, /* 12: next_offset = 0x1234, wrap 0 */
};

/* §4.12 EVENT_AVAIL, packed ring: next_off 0x123 with next_wrap (bit 31). */
static const uint8_t f_ev_avail_wrap[] = {
	0x00,			/* 0: type = transport event */
	0x41,			/* 1: msg_id = EVENT_AVAIL */
	0xEF, 0xCD,		/* 2: dev_num = 0xCDEF */
	0x00, 0x00,		/* 4: token = 0 */
	0x10, 0x00,		/* 6: msg_size = 16 */
	0x01, 0x00, 0x00, 0x00, /* 8: vq_index = 1 */
	0x23, 0x01, 0x00, 0x80, /* 12: next_offset = wrap | 0x123 */
};

/* §4.13 EVENT_USED. */
static const uint8_t f_ev_used[] = {
	0x00,			/* 0: type = transport event */
	0x42,			/* 1: msg_id = EVENT_USED */
	0xF0, 0xDE,		/* 2: dev_num = 0xDEF0 */
	0x00, 0x00,		/* 4: token = 0 */
	0x0C, 0x00,		/* 6: msg_size = 12 */
	0x01, 0x00, 0x02, 0x00, /* 8: vq_index = 0x00020001 */
};

/* §10 GET_DEVICES request. */
static const uint8_t f_getdev_req[] = {
	0x02,	    /* 0: type = bus request */
	0x02,	    /* 1: msg_id = GET_DEVICES */
	0x00, 0x00, /* 2: dev_num = 0 */
	0x21, 0x21, /* 4: token = 0x2121 */
	0x0C, 0x00, /* 6: msg_size = 12 */
	0x02, 0x01, /* 8: offset = 0x102 */
	0x13, 0x00, /* 10: count = 19 */
};

/* §10 GET_DEVICES response, count 19: bitmap of 3 bytes, bits 19..23 zero. */
static const uint8_t f_getdev_resp[] = {
	0x03,		  /* 0: type = bus response */
	0x02,		  /* 1: msg_id = GET_DEVICES */
	0x00, 0x00,	  /* 2: dev_num = 0 */
	0x22, 0x22,	  /* 4: token = 0x2222 */
	0x11, 0x00,	  /* 6: msg_size = 17 */
	0x02, 0x01,	  /* 8: offset = 0x102 (echo) */
	0x15, 0x01,	  /* 10: next_offset = 0x115 */
	0x13, 0x00,	  /* 12: count = 19 */
	0xA5, 0x3C, 0x05, /* 14: bitmap[3] */
};

static const uint8_t getdev_bitmap[] = { 0xA5, 0x3C, 0x05 };

/* §10 example: request (0, 16). */
static const uint8_t f_getdev_ex_req[] = {
	0x02,	    /* 0: type = bus request */
	0x02,	    /* 1: msg_id = GET_DEVICES */
	0x00, 0x00, /* 2: dev_num = 0 */
	0x31, 0x31, /* 4: token = 0x3131 */
	0x0C, 0x00, /* 6: msg_size = 12 */
	0x00, 0x00, /* 8: offset = 0 */
	0x10, 0x00, /* 10: count = 16 */
};

/* §10 example: bitmap 0x25 0x00, next_offset 16 -> devices 0, 2, 5. */
static const uint8_t f_getdev_ex_resp[] = {
	0x03,	    /* 0: type = bus response */
	0x02,	    /* 1: msg_id = GET_DEVICES */
	0x00, 0x00, /* 2: dev_num = 0 */
	0x32, 0x32, /* 4: token = 0x3232 */
	0x10, 0x00, /* 6: msg_size = 16 */
	0x00, 0x00, /* 8: offset = 0 */
	0x10, 0x00, /* 10: next_offset = 16 */
	0x10, 0x00, /* 12: count = 16 */
	0x25, 0x00, /* 14: bitmap[2] */
};

static const uint8_t getdev_ex_bitmap[] = { 0x25, 0x00 };

/* §10 GET_DEVICES response with count 0: empty bitmap, no more devices. */
static const uint8_t f_getdev_resp0[] = {
	0x03,	    /* 0: type = bus response */
	0x02,	    /* 1: msg_id = GET_DEVICES */
	0x00, 0x00, /* 2: dev_num = 0 */
	0x33, 0x33, /* 4: token = 0x3333 */
	0x0E, 0x00, /* 6: msg_size = 14 */
	0x00, 0x02, /* 8: offset = 0x200 */
	0x00, 0x00, /* 10: next_offset = 0 */
	0x00, 0x00, /* 12: count = 0 */
};

/* §10 PING request. */
static const uint8_t f_ping_req[] = {
	0x02,			/* 0: type = bus request */
	0x03,			/* 1: msg_id = PING */
	0x00, 0x00,		/* 2: dev_num = 0 */
	0x44, 0x44,		/* 4: token = 0x4444 */
	0x0C, 0x00,		/* 6: msg_size = 12 */
	0xEF, 0xBE, 0xAD, 0xDE, /* 8: data = 0xDEADBEEF */
};

/* §10 PING response. */
static const uint8_t f_ping_resp[] = {
	0x03,			/* 0: type = bus response */
	0x03,			/* 1: msg_id = PING */
	0x00, 0x00,		/* 2: dev_num = 0 */
	0x55, 0x55,		/* 4: token = 0x5555 */
	0x0C, 0x00,		/* 6: msg_size = 12 */
	0xEF, 0xBE, 0xAD, 0xDE, /* 8: data = 0xDEADBEEF (echo) */
};

/* §10 EVENT_DEVICE, ADDED. */
static const uint8_t f_ev_dev_added[] = {
	0x02,	    /* 0: type = bus event */
	0x40,	    /* 1: msg_id = EVENT_DEVICE */
	0x00, 0x00, /* 2: dev_num = 0 */
	0x00, 0x00, /* 4: token = 0 */
	0x0C, 0x00, /* 6: msg_size = 12 */
	0x02, 0x01, /* 8: device_number = 0x102 */
	0x01, 0x00, /* 10: device_bus_state = ADDED */
};

/* §10 EVENT_DEVICE, REMOVED. */
static const uint8_t f_ev_dev_removed[] = {
	0x02,	    /* 0: type = bus event */
	0x40,	    /* 1: msg_id = EVENT_DEVICE */
	0x00, 0x00, /* 2: dev_num = 0 */
	0x00, 0x00, /* 4: token = 0 */
	0x0C, 0x00, /* 6: msg_size = 12 */
	0xEE, 0xFF, /* 8: device_number = 0xFFEE */
	0x02, 0x00, /* 10: device_bus_state = REMOVED */
};

/* Implementation-defined request 0x80, transport namespace. */
static const uint8_t f_impl_req[] = {
	0x00,		  /* 0: type = transport request */
	0x80,		  /* 1: msg_id = 0x80 */
	0x57, 0x13,	  /* 2: dev_num = 0x1357 */
	0x66, 0x66,	  /* 4: token = 0x6666 */
	0x0B, 0x00,	  /* 6: msg_size = 11 */
	0x01, 0x02, 0x03, /* 8: payload[3] */
};

static const uint8_t impl_req_payload[] = { 0x01, 0x02, 0x03 };

/* Its response, empty. */
static const uint8_t f_impl_resp[] = {
	0x01,	    /* 0: type = transport response */
	0x80,	    /* 1: msg_id = 0x80 */
	0x57, 0x13, /* 2: dev_num = 0x1357 */
	0x67, 0x66, /* 4: token = 0x6667 */
	0x08, 0x00, /* 6: msg_size = 8 */
};

/* Implementation-defined request 0xBF (last of the range), transport. */
static const uint8_t f_impl_req_bf[] = {
	0x00,	    /* 0: type = transport request */
	0xBF,	    /* 1: msg_id = 0xBF */
	0x58, 0x13, /* 2: dev_num = 0x1358 */
	0x68, 0x66, /* 4: token = 0x6668 */
	0x0A, 0x00, /* 6: msg_size = 10 */
	0x5A, 0xA5, /* 8: payload[2] */
};

static const uint8_t impl_bf_payload[] = { 0x5A, 0xA5 };

/* Implementation-defined event 0xC0, transport. */
static const uint8_t f_impl_ev[] = {
	0x00,			/* 0: type = transport event */
	0xC0,			/* 1: msg_id = 0xC0 */
	0x68, 0x24,		/* 2: dev_num = 0x2468 */
	0x00, 0x00,		/* 4: token = 0 */
	0x0C, 0x00,		/* 6: msg_size = 12 */
	0xAA, 0xBB, 0xCC, 0xDD, /* 8: payload[4] */
};

static const uint8_t impl_ev_payload[] = { 0xAA, 0xBB, 0xCC, 0xDD };

/* Implementation-defined event 0xFF (last of the range), transport, empty. */
static const uint8_t f_impl_ev_ff[] = {
	0x00,	    /* 0: type = transport event */
	0xFF,	    /* 1: msg_id = 0xFF */
	0x69, 0x24, /* 2: dev_num = 0x2469 */
	0x00, 0x00, /* 4: token = 0 */
	0x08, 0x00, /* 6: msg_size = 8 */
};

/* Bus-specific request 0x80 (§10). */
static const uint8_t f_bus_impl_req[] = {
	0x02,			      /* 0: type = bus request */
	0x80,			      /* 1: msg_id = 0x80 */
	0x00, 0x00,		      /* 2: dev_num = 0 */
	0x77, 0x77,		      /* 4: token = 0x7777 */
	0x0D, 0x00,		      /* 6: msg_size = 13 */
	0x11, 0x22, 0x33, 0x44, 0x55, /* 8: payload[5] */
};

static const uint8_t bus_impl_payload[] = { 0x11, 0x22, 0x33, 0x44, 0x55 };

/* Its response 0x80 with a 1-byte payload. */
static const uint8_t f_bus_impl_resp[] = {
	0x03,	    /* 0: type = bus response */
	0x80,	    /* 1: msg_id = 0x80 */
	0x00, 0x00, /* 2: dev_num = 0 */
	0x78, 0x77, /* 4: token = 0x7778 */
	0x09, 0x00, /* 6: msg_size = 9 */
	0x99,	    /* 8: payload[1] */
};

static const uint8_t bus_impl_resp_payload[] = { 0x99 };

/* Bus-specific event 0xC0, empty. */
static const uint8_t f_bus_impl_ev[] = {
	0x02,	    /* 0: type = bus event */
	0xC0,	    /* 1: msg_id = 0xC0 */
	0x00, 0x00, /* 2: dev_num = 0 */
	0x00, 0x00, /* 4: token = 0 */
	0x08, 0x00, /* 6: msg_size = 8 */
};

/* Bus-specific event 0xFF with a 2-byte payload. */
static const uint8_t f_bus_impl_ev_ff[] = {
	0x02,	    /* 0: type = bus event */
	0xFF,	    /* 1: msg_id = 0xFF */
	0x00, 0x00, /* 2: dev_num = 0 */
	0x00, 0x00, /* 4: token = 0 */
	0x0A, 0x00, /* 6: msg_size = 10 */
	0xC3, 0x3C, /* 8: payload[2] */
};

static const uint8_t bus_impl_ev_payload[] = { 0xC3, 0x3C };

/*
 * One golden case: the frame, the message that builds it and that parsing it
 * must give. Payload pointers in @msg point at independent copies of the
 * bytes; @ptr_off says where the parsed pointer must point in the frame.
 */
#define PTR_NONE 0	/* the kind has no payload pointer */
#define PTR_NULL (-1)	/* the parsed pointer must be NULL */
#define PTR_EITHER (-2) /* NULL or the end of the header (empty IMPL payload) */

struct golden {
	const char *name;
	const uint8_t *frame;
	size_t size;
	struct rte_vmsg_msg msg;
	int ptr_off;
};

#define FRAME(a) (a), sizeof(a)
#define KIND(k) .kind = RTE_VMSG_MSG_##k

static const struct golden goldens[] = {
	{ "GET_DEVICE_INFO req",
	  FRAME(f_dev_info_req),
	  { KIND(GET_DEVICE_INFO_REQ), .hdr = { 0x00, 0x02, 0x1234, 0xA001, 8 } },
	  PTR_NONE },
	{ "GET_DEVICE_INFO resp",
	  FRAME(f_dev_info_resp),
	  { KIND(GET_DEVICE_INFO_RESP), .hdr = { 0x01, 0x02, 0x1234, 0xA002, 52 },
	    .u.dev_info = { .device_id = 0x11223344,
			    .vendor_id = 0x55667788,
			    .uuid = { 0xF0, 0xE1, 0xD2, 0xC3, 0xB4, 0xA5, 0x96, 0x87, 0x78, 0x69,
				      0x5A, 0x4B, 0x3C, 0x2D, 0x1E, 0x0F },
			    .num_feature_blocks = 0x21222324,
			    .config_size = 0x31323334,
			    .max_virtqueues = 0x41424344,
			    .admin_vq_start = 0x51525354,
			    .admin_vq_count = 0x61626364 } },
	  PTR_NONE },
	{ "GET_DEVICE_FEATURES req",
	  FRAME(f_get_feat_req),
	  { KIND(GET_DEVICE_FEATURES_REQ), .hdr = { 0x00, 0x03, 0x2345, 0xB003, 16 },
	    .u.features = { 0x01020304, 2, NULL } },
	  PTR_NULL },
	{ "GET_DEVICE_FEATURES resp",
	  FRAME(f_get_feat_resp),
	  { KIND(GET_DEVICE_FEATURES_RESP), .hdr = { 0x01, 0x03, 0x2345, 0xB004, 24 },
	    .u.features = { 0x01020304, 2, feat_resp_blocks } },
	  16 },
	{ "SET_DRIVER_FEATURES req",
	  FRAME(f_set_feat_req),
	  { KIND(SET_DRIVER_FEATURES_REQ), .hdr = { 0x00, 0x04, 0x3456, 0xC005, 28 },
	    .u.features = { 0x0A0B0C0D, 3, set_feat_blocks } },
	  16 },
	{ "SET_DRIVER_FEATURES resp",
	  FRAME(f_set_feat_resp),
	  { KIND(SET_DRIVER_FEATURES_RESP), .hdr = { 0x01, 0x04, 0x3456, 0xC006, 8 } },
	  PTR_NONE },
	{ "GET_CONFIG req",
	  FRAME(f_get_cfg_req),
	  { KIND(GET_CONFIG_REQ), .hdr = { 0x00, 0x05, 0x4567, 0xD007, 16 },
	    .u.config = { .offset = 0x11223344, .length = 5 } },
	  PTR_NULL },
	{ "GET_CONFIG resp",
	  FRAME(f_get_cfg_resp),
	  { KIND(GET_CONFIG_RESP), .hdr = { 0x01, 0x05, 0x4567, 0xD008, 25 },
	    .u.config = { .generation = 0xCAFEBABE,
			  .offset = 0x11223344,
			  .length = 5,
			  .data = get_cfg_data } },
	  20 },
	{ "GET_CONFIG resp length 0",
	  FRAME(f_get_cfg_resp0),
	  { KIND(GET_CONFIG_RESP), .hdr = { 0x01, 0x05, 0x4567, 0xD009, 20 },
	    .u.config = { .generation = 0x0BADF00D, .offset = 0x11223344, .length = 0 } },
	  PTR_NULL },
	{ "SET_CONFIG req",
	  FRAME(f_set_cfg_req),
	  { KIND(SET_CONFIG_REQ), .hdr = { 0x00, 0x06, 0x5678, 0xE009, 26 },
	    .u.config = { .generation = 0x01020304,
			  .offset = 0x140,
			  .length = 6,
			  .data = set_cfg_data } },
	  20 },
	{ "SET_CONFIG resp written",
	  FRAME(f_set_cfg_resp),
	  { KIND(SET_CONFIG_RESP), .hdr = { 0x01, 0x06, 0x5678, 0xE00A, 26 },
	    .u.config = { .generation = 0x05060708,
			  .offset = 0x140,
			  .length = 6,
			  .data = set_cfg_data } },
	  20 },
	{ "SET_CONFIG resp not applied",
	  FRAME(f_set_cfg_resp_na),
	  { KIND(SET_CONFIG_RESP), .hdr = { 0x01, 0x06, 0x5678, 0xE00B, 20 },
	    .u.config = { .generation = 0x05060709, .offset = 0x140, .length = 0 } },
	  PTR_NULL },
	{ "GET_DEVICE_STATUS req",
	  FRAME(f_get_status_req),
	  { KIND(GET_DEVICE_STATUS_REQ), .hdr = { 0x00, 0x07, 0x6789, 0x0B0B, 8 } },
	  PTR_NONE },
	{ "GET_DEVICE_STATUS resp",
	  FRAME(f_get_status_resp),
	  { KIND(GET_DEVICE_STATUS_RESP), .hdr = { 0x01, 0x07, 0x6789, 0x0C0C, 12 },
	    .u.status = 0x4F },
	  PTR_NONE },
	{ "SET_DEVICE_STATUS req",
	  FRAME(f_set_status_req),
	  { KIND(SET_DEVICE_STATUS_REQ), .hdr = { 0x00, 0x08, 0x789A, 0x0D0D, 12 },
	    .u.status = 0x0B },
	  PTR_NONE },
	{ "SET_DEVICE_STATUS resp",
	  FRAME(f_set_status_resp),
	  { KIND(SET_DEVICE_STATUS_RESP), .hdr = { 0x01, 0x08, 0x789A, 0x0E0E, 12 },
	    .u.status = 0x03 },
	  PTR_NONE },
	{ "GET_VQUEUE req",
	  FRAME(f_get_vq_req),
	  { KIND(GET_VQUEUE_REQ), .hdr = { 0x00, 0x09, 0x89AB, 0x0F0F, 12 }, .u.vq_index = 0x102 },
	  PTR_NONE },
	{ "GET_VQUEUE resp",
	  FRAME(f_get_vq_resp),
	  { KIND(GET_VQUEUE_RESP), .hdr = { 0x01, 0x09, 0x89AB, 0x1010, 48 },
	    .u.vqueue = { .index = 0x102,
			  .max_size = 0x400,
			  .size = 0x100,
			  .flags = 0x1,
			  .desc_addr = 0x1122334455667788ull,
			  .driver_addr = 0x99AABBCCDDEEFF00ull,
			  .device_addr = 0x0102030405060708ull } },
	  PTR_NONE },
	{ "SET_VQUEUE req",
	  FRAME(f_set_vq_req),
	  { KIND(SET_VQUEUE_REQ), .hdr = { 0x00, 0x0A, 0x9ABC, 0x1111, 48 },
	    .u.vqueue = { .index = 0x203,
			  .flags = 0x21,
			  .size = 0x100,
			  .reserved = 0,
			  .desc_addr = 0x0011223344556677ull,
			  .driver_addr = 0x8899AABBCCDDEEFFull,
			  .device_addr = 0x0F1E2D3C4B5A6978ull } },
	  PTR_NONE },
	{ "SET_VQUEUE resp",
	  FRAME(f_set_vq_resp),
	  { KIND(SET_VQUEUE_RESP), .hdr = { 0x01, 0x0A, 0x9ABC, 0x1212, 8 } },
	  PTR_NONE },
	{ "RESET_VQUEUE req",
	  FRAME(f_reset_vq_req),
	  { KIND(RESET_VQUEUE_REQ), .hdr = { 0x00, 0x0B, 0x0000, 0x1313, 12 },
	    .u.vq_index = 0x030201 },
	  PTR_NONE },
	{ "RESET_VQUEUE resp",
	  FRAME(f_reset_vq_resp),
	  { KIND(RESET_VQUEUE_RESP), .hdr = { 0x01, 0x0B, 0x0000, 0x1414, 8 } },
	  PTR_NONE },
	{ "GET_SHM req",
	  FRAME(f_get_shm_req),
	  { KIND(GET_SHM_REQ), .hdr = { 0x00, 0x0C, 0xABCD, 0x1515, 12 },
	    .u.shm = { .shmid = 0x0A0B0C0D } },
	  PTR_NONE },
	{ "GET_SHM resp",
	  FRAME(f_get_shm_resp),
	  { KIND(GET_SHM_RESP), .hdr = { 0x01, 0x0C, 0xABCD, 0x1616, 32 },
	    .u.shm = { .shmid = 0x0A0B0C0D,
		       .reserved = 0,
		       .length = 0x1122334455667788ull,
		       .address = 0x8877665544332211ull } },
	  PTR_NONE },
	{ "EVENT_CONFIG with data",
	  FRAME(f_ev_cfg_data),
	  { KIND(EVENT_CONFIG), .hdr = { 0x00, 0x40, 0xBCDE, 0, 28 },
	    .u.config = { .device_status = 0x0F,
			  .generation = 0x11223344,
			  .offset = 0x10,
			  .length = 4,
			  .data = ev_cfg_data } },
	  24 },
	{ "EVENT_CONFIG range without data",
	  FRAME(f_ev_cfg_range),
	  { KIND(EVENT_CONFIG), .hdr = { 0x00, 0x40, 0xBCDE, 0, 24 },
	    .u.config = { .device_status = 0x0F,
			  .generation = 0xA0B0C0D0,
			  .offset = 0x120,
			  .length = 0x108 } },
	  PTR_NULL },
	{ "EVENT_CONFIG status only",
	  FRAME(f_ev_cfg_status),
	  { KIND(EVENT_CONFIG), .hdr = { 0x00, 0x40, 0xBCDE, 0, 24 },
	    .u.config = { .device_status = 0x4F, .generation = 0x04050607 } },
	  PTR_NULL },
	{ "EVENT_AVAIL split",
	  FRAME(f_ev_avail),
	  { KIND(EVENT_AVAIL), .hdr = { 0x00, 0x41, 0xCDEF, 0, 16 },
	    .u.event_avail = { 3, 0x1234 } },
	  PTR_NONE },
	{ "EVENT_AVAIL wrap",
	  FRAME(f_ev_avail_wrap),
	  { KIND(EVENT_AVAIL), .hdr = { 0x00, 0x41, 0xCDEF, 0, 16 },
	    .u.event_avail = { 1, RTE_VMSG_AVAIL_WRAP | 0x123 } },
	  PTR_NONE },
	{ "EVENT_USED",
	  FRAME(f_ev_used),
	  { KIND(EVENT_USED), .hdr = { 0x00, 0x42, 0xDEF0, 0, 12 }, .u.vq_index = 0x00020001 },
	  PTR_NONE },
	{ "GET_DEVICES req",
	  FRAME(f_getdev_req),
	  { KIND(BUS_GET_DEVICES_REQ), .hdr = { 0x02, 0x02, 0, 0x2121, 12 },
	    .u.get_devices = { .offset = 0x102, .count = 19 } },
	  PTR_NULL },
	{ "GET_DEVICES resp count 19",
	  FRAME(f_getdev_resp),
	  { KIND(BUS_GET_DEVICES_RESP), .hdr = { 0x03, 0x02, 0, 0x2222, 17 },
	    .u.get_devices = { 0x102, 0x115, 19, getdev_bitmap } },
	  14 },
	{ "GET_DEVICES req example",
	  FRAME(f_getdev_ex_req),
	  { KIND(BUS_GET_DEVICES_REQ), .hdr = { 0x02, 0x02, 0, 0x3131, 12 },
	    .u.get_devices = { .offset = 0, .count = 16 } },
	  PTR_NULL },
	{ "GET_DEVICES resp example",
	  FRAME(f_getdev_ex_resp),
	  { KIND(BUS_GET_DEVICES_RESP), .hdr = { 0x03, 0x02, 0, 0x3232, 16 },
	    .u.get_devices = { 0, 16, 16, getdev_ex_bitmap } },
	  14 },
	{ "GET_DEVICES resp count 0",
	  FRAME(f_getdev_resp0),
	  { KIND(BUS_GET_DEVICES_RESP), .hdr = { 0x03, 0x02, 0, 0x3333, 14 },
	    .u.get_devices = { 0x200, 0, 0, NULL } },
	  14 },
	{ "PING req",
	  FRAME(f_ping_req),
	  { KIND(BUS_PING_REQ), .hdr = { 0x02, 0x03, 0, 0x4444, 12 }, .u.ping = 0xDEADBEEF },
	  PTR_NONE },
	{ "PING resp",
	  FRAME(f_ping_resp),
	  { KIND(BUS_PING_RESP), .hdr = { 0x03, 0x03, 0, 0x5555, 12 }, .u.ping = 0xDEADBEEF },
	  PTR_NONE },
	{ "EVENT_DEVICE added",
	  FRAME(f_ev_dev_added),
	  { KIND(BUS_EVENT_DEVICE), .hdr = { 0x02, 0x40, 0, 0, 12 },
	    .u.event_device = { 0x102, RTE_VMSG_DEVICE_BUS_STATE_ADDED } },
	  PTR_NONE },
	{ "EVENT_DEVICE removed",
	  FRAME(f_ev_dev_removed),
	  { KIND(BUS_EVENT_DEVICE), .hdr = { 0x02, 0x40, 0, 0, 12 },
	    .u.event_device = { 0xFFEE, RTE_VMSG_DEVICE_BUS_STATE_REMOVED } },
	  PTR_NONE },
	{ "IMPL 0x80 req",
	  FRAME(f_impl_req),
	  { KIND(IMPL), .hdr = { 0x00, 0x80, 0x1357, 0x6666, 11 },
	    .u.impl = { impl_req_payload, 3 } },
	  8 },
	{ "IMPL 0x80 resp",
	  FRAME(f_impl_resp),
	  { KIND(IMPL), .hdr = { 0x01, 0x80, 0x1357, 0x6667, 8 }, .u.impl = { NULL, 0 } },
	  PTR_EITHER },
	{ "IMPL 0xBF req",
	  FRAME(f_impl_req_bf),
	  { KIND(IMPL), .hdr = { 0x00, 0xBF, 0x1358, 0x6668, 10 },
	    .u.impl = { impl_bf_payload, 2 } },
	  8 },
	{ "IMPL 0xC0 event",
	  FRAME(f_impl_ev),
	  { KIND(IMPL), .hdr = { 0x00, 0xC0, 0x2468, 0, 12 }, .u.impl = { impl_ev_payload, 4 } },
	  8 },
	{ "IMPL 0xFF event",
	  FRAME(f_impl_ev_ff),
	  { KIND(IMPL), .hdr = { 0x00, 0xFF, 0x2469, 0, 8 }, .u.impl = { NULL, 0 } },
	  PTR_EITHER },
	{ "bus IMPL 0x80 req",
	  FRAME(f_bus_impl_req),
	  { KIND(IMPL), .hdr = { 0x02, 0x80, 0, 0x7777, 13 }, .u.impl = { bus_impl_payload, 5 } },
	  8 },
	{ "bus IMPL 0x80 resp",
	  FRAME(f_bus_impl_resp),
	  { KIND(IMPL), .hdr = { 0x03, 0x80, 0, 0x7778, 9 },
	    .u.impl = { bus_impl_resp_payload, 1 } },
	  8 },
	{ "bus IMPL 0xC0 event",
	  FRAME(f_bus_impl_ev),
	  { KIND(IMPL), .hdr = { 0x02, 0xC0, 0, 0, 8 }, .u.impl = { NULL, 0 } },
	  PTR_EITHER },
	{ "bus IMPL 0xFF event",
	  FRAME(f_bus_impl_ev_ff),
	  { KIND(IMPL), .hdr = { 0x02, 0xFF, 0, 0, 10 }, .u.impl = { bus_impl_ev_payload, 2 } },
	  8 },
};

#define N_GOLDEN (sizeof(goldens) / sizeof(goldens[0]))

/* Says which case a failure belongs to. */
static void blame(const char *what, const char *name, int failures_before)
{
	if (vtest_failures != failures_before)
		fprintf(stderr, "  ^ in %s of \"%s\"\n", what, name);
}

/* The payload pointer of a view and the bytes it covers; 0 if the kind has none. */
static int view_ptr(const struct rte_vmsg_msg *m, const uint8_t **p, size_t *len)
{
	switch (m->kind) {
	case RTE_VMSG_MSG_GET_DEVICE_FEATURES_REQ:
		*p = m->u.features.blocks;
		*len = 0;
		return 1;
	case RTE_VMSG_MSG_GET_DEVICE_FEATURES_RESP:
	case RTE_VMSG_MSG_SET_DRIVER_FEATURES_REQ:
		*p = m->u.features.blocks;
		*len = 4u * (size_t)m->u.features.num_blocks;
		return 1;
	case RTE_VMSG_MSG_GET_CONFIG_REQ:
	case RTE_VMSG_MSG_GET_CONFIG_RESP:
	case RTE_VMSG_MSG_SET_CONFIG_REQ:
	case RTE_VMSG_MSG_SET_CONFIG_RESP:
	case RTE_VMSG_MSG_EVENT_CONFIG:
		*p = m->u.config.data;
		*len = m->u.config.data != NULL ? m->u.config.length : 0;
		return 1;
	case RTE_VMSG_MSG_BUS_GET_DEVICES_REQ:
		*p = m->u.get_devices.bitmap;
		*len = 0;
		return 1;
	case RTE_VMSG_MSG_BUS_GET_DEVICES_RESP:
		*p = m->u.get_devices.bitmap;
		*len = ((size_t)m->u.get_devices.count + 7u) / 8u;
		return 1;
	case RTE_VMSG_MSG_IMPL:
		*p = m->u.impl.payload;
		*len = m->u.impl.len;
		return 1;
	default:
		*p = NULL;
		*len = 0;
		return 0;
	}
}

/* Compares the header and every non-pointer payload field of two views. */
static void check_fields(const struct rte_vmsg_msg *got, const struct rte_vmsg_msg *want)
{
	const struct rte_vmsg_config *gc = &got->u.config, *wc = &want->u.config;
	const struct rte_vmsg_vqueue *gq = &got->u.vqueue, *wq = &want->u.vqueue;

	CHECK_EQ(got->kind, want->kind);
	CHECK_EQ(got->hdr.type, want->hdr.type);
	CHECK_EQ(got->hdr.msg_id, want->hdr.msg_id);
	CHECK_EQ(got->hdr.dev_num, want->hdr.dev_num);
	CHECK_EQ(got->hdr.token, want->hdr.token);
	CHECK_EQ(got->hdr.msg_size, want->hdr.msg_size);
	if (got->kind != want->kind)
		return;

	switch (want->kind) {
	case RTE_VMSG_MSG_GET_DEVICE_INFO_RESP:
		CHECK_U64(got->u.dev_info.device_id, want->u.dev_info.device_id);
		CHECK_U64(got->u.dev_info.vendor_id, want->u.dev_info.vendor_id);
		CHECK_MEM(got->u.dev_info.uuid, want->u.dev_info.uuid, 16);
		CHECK_U64(got->u.dev_info.num_feature_blocks, want->u.dev_info.num_feature_blocks);
		CHECK_U64(got->u.dev_info.config_size, want->u.dev_info.config_size);
		CHECK_U64(got->u.dev_info.max_virtqueues, want->u.dev_info.max_virtqueues);
		CHECK_U64(got->u.dev_info.admin_vq_start, want->u.dev_info.admin_vq_start);
		CHECK_U64(got->u.dev_info.admin_vq_count, want->u.dev_info.admin_vq_count);
		break;
	case RTE_VMSG_MSG_GET_DEVICE_FEATURES_REQ:
	case RTE_VMSG_MSG_GET_DEVICE_FEATURES_RESP:
	case RTE_VMSG_MSG_SET_DRIVER_FEATURES_REQ:
		CHECK_U64(got->u.features.block_index, want->u.features.block_index);
		CHECK_U64(got->u.features.num_blocks, want->u.features.num_blocks);
		break;
	case RTE_VMSG_MSG_EVENT_CONFIG:
		CHECK_U64(gc->device_status, wc->device_status);
		/* fall through */
	case RTE_VMSG_MSG_GET_CONFIG_RESP:
	case RTE_VMSG_MSG_SET_CONFIG_REQ:
	case RTE_VMSG_MSG_SET_CONFIG_RESP:
		CHECK_U64(gc->generation, wc->generation);
		/* fall through */
	case RTE_VMSG_MSG_GET_CONFIG_REQ:
		CHECK_U64(gc->offset, wc->offset);
		CHECK_U64(gc->length, wc->length);
		break;
	case RTE_VMSG_MSG_GET_DEVICE_STATUS_RESP:
	case RTE_VMSG_MSG_SET_DEVICE_STATUS_REQ:
	case RTE_VMSG_MSG_SET_DEVICE_STATUS_RESP:
		CHECK_U64(got->u.status, want->u.status);
		break;
	case RTE_VMSG_MSG_GET_VQUEUE_REQ:
	case RTE_VMSG_MSG_RESET_VQUEUE_REQ:
	case RTE_VMSG_MSG_EVENT_USED:
		CHECK_U64(got->u.vq_index, want->u.vq_index);
		break;
	case RTE_VMSG_MSG_GET_VQUEUE_RESP:
	case RTE_VMSG_MSG_SET_VQUEUE_REQ:
		CHECK_U64(gq->index, wq->index);
		if (want->kind == RTE_VMSG_MSG_GET_VQUEUE_RESP)
			CHECK_U64(gq->max_size, wq->max_size);
		else
			CHECK_U64(gq->reserved, wq->reserved);
		CHECK_U64(gq->size, wq->size);
		CHECK_U64(gq->flags, wq->flags);
		CHECK_U64(gq->desc_addr, wq->desc_addr);
		CHECK_U64(gq->driver_addr, wq->driver_addr);
		CHECK_U64(gq->device_addr, wq->device_addr);
		break;
	case RTE_VMSG_MSG_GET_SHM_REQ:
		CHECK_U64(got->u.shm.shmid, want->u.shm.shmid);
		break;
	case RTE_VMSG_MSG_GET_SHM_RESP:
		CHECK_U64(got->u.shm.shmid, want->u.shm.shmid);
		CHECK_U64(got->u.shm.reserved, want->u.shm.reserved);
		CHECK_U64(got->u.shm.length, want->u.shm.length);
		CHECK_U64(got->u.shm.address, want->u.shm.address);
		break;
	case RTE_VMSG_MSG_EVENT_AVAIL:
		CHECK_U64(got->u.event_avail.vq_index, want->u.event_avail.vq_index);
		CHECK_U64(got->u.event_avail.next_offset, want->u.event_avail.next_offset);
		break;
	case RTE_VMSG_MSG_BUS_GET_DEVICES_RESP:
		CHECK_EQ(got->u.get_devices.next_offset, want->u.get_devices.next_offset);
		/* fall through */
	case RTE_VMSG_MSG_BUS_GET_DEVICES_REQ:
		CHECK_EQ(got->u.get_devices.offset, want->u.get_devices.offset);
		CHECK_EQ(got->u.get_devices.count, want->u.get_devices.count);
		break;
	case RTE_VMSG_MSG_BUS_PING_REQ:
	case RTE_VMSG_MSG_BUS_PING_RESP:
		CHECK_U64(got->u.ping, want->u.ping);
		break;
	case RTE_VMSG_MSG_BUS_EVENT_DEVICE:
		CHECK_EQ(got->u.event_device.device_number, want->u.event_device.device_number);
		CHECK_EQ(got->u.event_device.state, want->u.event_device.state);
		break;
	case RTE_VMSG_MSG_IMPL:
		CHECK_EQ(got->u.impl.len, want->u.impl.len);
		break;
	default:
		break;
	}
}

/*
 * Parses @buf (a copy of the golden frame placed anywhere) and checks every
 * field, and that the payload pointer points at the right byte of @buf.
 */
static void check_parse(const struct golden *g, const uint8_t *buf, size_t len,
			const struct rte_vmsg_msg *want)
{
	enum rte_vmsg_msg_err why = RTE_VMSG_MSG_ERR_COUNT_OF_ERRS;
	struct rte_vmsg_msg got;
	const uint8_t *gp, *wp;
	size_t gl, wl;
	int rc;

	memset(&got, 0x5A, sizeof(got));
	rc = rte_vmsg_msg_parse(buf, len, LINK_MAX, &got, &why);
	CHECK_EQ(rc, 0);
	CHECK_EQ(why, RTE_VMSG_MSG_OK);
	if (rc != 0)
		return;
	check_fields(&got, want);
	if (view_ptr(want, &wp, &wl) == 0 || got.kind != want->kind)
		return;
	view_ptr(&got, &gp, &gl);
	CHECK_EQ(gl, wl);
	switch (g->ptr_off) {
	case PTR_NULL:
		CHECK(gp == NULL);
		break;
	case PTR_EITHER:
		CHECK(gp == NULL || gp == buf + RTE_VMSG_HDR_SIZE);
		break;
	default:
		CHECK(gp == buf + g->ptr_off);
		if (gp != NULL && gl == wl && wl != 0)
			CHECK_MEM(gp, wp, wl);
		break;
	}
}

/*
 * DRV-36, DEV-6, BUS-27, GEN-1, GEN-2, GEN-6 (RESET_VQUEUE to device 0), and
 * the message part of DEV-22, DEV-23 (EVENT_CONFIG status-only and range
 * without data), BUS-22, BUS-23 (EVENT_DEVICE), BUS-25, BUS-26 (GET_DEVICES
 * next_offset, PING data): the parser reads every field where the layout
 * puts it.
 */
static void test_golden_parse(void)
{
	size_t i;

	for (i = 0; i < N_GOLDEN; i++) {
		const struct golden *g = &goldens[i];
		int before = vtest_failures;

		CHECK_EQ(g->size, g->msg.hdr.msg_size);
		check_parse(g, g->frame, g->size, &g->msg);
		blame("parse", g->name, before);
	}
}

/*
 * DRV-36, DEV-6, BUS-27, GEN-1, GEN-2, GEN-3, GEN-5, DRV-11, DRV-20, DEV-3,
 * DEV-32, BUS-13: the builder writes exactly the golden bytes (reserved
 * fields 0), returns the frame size and writes nothing past it. msg_size in
 * the input and (except for IMPL) type and msg_id come from the kind, never
 * from the caller's header.
 */
static void test_golden_build(void)
{
	uint8_t buf[128];
	size_t i, k;
	int rc;

	for (i = 0; i < N_GOLDEN; i++) {
		const struct golden *g = &goldens[i];
		struct rte_vmsg_msg m = g->msg;
		int before = vtest_failures;

		CHECK_EQ(rte_vmsg_msg_size(&m), g->size);

		memset(buf, 0xEE, sizeof(buf));
		rc = rte_vmsg_msg_build(buf, sizeof(buf), &m);
		CHECK_EQ(rc, (int)g->size);
		CHECK_MEM(buf, g->frame, g->size);
		for (k = g->size; k < sizeof(buf); k++)
			CHECK_EQ(buf[k], 0xEE);

		/* Exactly enough room. */
		memset(buf, 0xEE, sizeof(buf));
		rc = rte_vmsg_msg_build(buf, g->size, &m);
		CHECK_EQ(rc, (int)g->size);
		CHECK_MEM(buf, g->frame, g->size);

		/* Header values the builder must not take from the caller. */
		m.hdr.msg_size = 0xFFFF;
		m.hdr.type = (uint8_t)(0xFC | (g->msg.hdr.type & RTE_VMSG_TYPE_KNOWN_MASK));
		if (m.kind != RTE_VMSG_MSG_IMPL) {
			m.hdr.type = 0xFF;
			m.hdr.msg_id = 0x3E;
		}
		memset(buf, 0xEE, sizeof(buf));
		rc = rte_vmsg_msg_build(buf, sizeof(buf), &m);
		CHECK_EQ(rc, (int)g->size);
		CHECK_MEM(buf, g->frame, g->size);
		blame("build", g->name, before);
	}
}

/* GEN-1: frames at odd addresses parse and build the same (no aligned access). */
static void test_unaligned(void)
{
	static uint8_t area[256] __attribute__((aligned(16)));
	static const size_t offs[] = { 1, 3, 5, 7 };
	size_t i, j;
	int rc;

	for (i = 0; i < N_GOLDEN; i++) {
		const struct golden *g = &goldens[i];
		int before = vtest_failures;

		for (j = 0; j < sizeof(offs) / sizeof(offs[0]); j++) {
			uint8_t *p = area + offs[j];

			memset(area, 0, sizeof(area));
			memcpy(p, g->frame, g->size);
			check_parse(g, p, g->size, &g->msg);

			memset(area, 0xEE, sizeof(area));
			rc = rte_vmsg_msg_build(p, g->size, &g->msg);
			CHECK_EQ(rc, (int)g->size);
			CHECK_MEM(p, g->frame, g->size);
			CHECK_EQ(area[offs[j] - 1], 0xEE);
			CHECK_EQ(p[g->size], 0xEE);
		}
		blame("unaligned", g->name, before);
	}
}

/*
 * GEN-3: a frame in a ring slot bigger than the frame (64 bytes, trailing
 * garbage) parses using msg_size only: same fields, same pointers.
 */
static void test_ring_slot(void)
{
	uint8_t slot[64];
	size_t i;

	for (i = 0; i < N_GOLDEN; i++) {
		const struct golden *g = &goldens[i];
		int before = vtest_failures;

		CHECK(g->size <= sizeof(slot));
		memset(slot, 0xA7, sizeof(slot));
		memcpy(slot, g->frame, g->size);
		check_parse(g, slot, sizeof(slot), &g->msg);
		/* Garbage that looks like more data changes nothing either. */
		memset(slot + g->size, 0x01, sizeof(slot) - g->size);
		check_parse(g, slot, sizeof(slot), &g->msg);
		blame("ring slot", g->name, before);
	}
}

/*
 * GEN-4, DRV-11, DEV-3, BUS-13: reserved type bits 7:2 on a received frame are
 * ignored (same kind, same fields; the raw byte is kept in hdr.type for
 * traces), and the builder writes them as 0 even from such a view.
 */
static void test_reserved_type_bits(void)
{
	static const uint8_t patterns[] = { 0x04, 0x08, 0x80, 0xFC, 0xA8 };
	uint8_t frame[64], out[64];
	size_t i, j;
	int rc;

	for (i = 0; i < N_GOLDEN; i++) {
		const struct golden *g = &goldens[i];
		int before = vtest_failures;

		for (j = 0; j < sizeof(patterns); j++) {
			struct rte_vmsg_msg want = g->msg, got;

			memcpy(frame, g->frame, g->size);
			frame[0] |= patterns[j];
			want.hdr.type = frame[0];
			check_parse(g, frame, g->size, &want);

			rc = rte_vmsg_msg_parse(frame, g->size, LINK_MAX, &got, NULL);
			CHECK_EQ(rc, 0);
			if (rc != 0)
				continue;
			memset(out, 0xEE, sizeof(out));
			rc = rte_vmsg_msg_build(out, sizeof(out), &got);
			CHECK_EQ(rc, (int)g->size);
			CHECK_EQ(out[0] & 0xFC, 0);
			CHECK_MEM(out, g->frame, g->size);
		}
		blame("reserved type bits", g->name, before);
	}
}

/*
 * DEV-19, DRV-28 (message part): a SET_CONFIG response of 20 bytes is the
 * "not written" form whatever its length field says (virtio-msg §9 allows
 * 20 or 20 + length); it parses with no data, so the driver decides from
 * length and msg_size.
 */
static void test_set_config_resp_forms(void)
{
	static const uint8_t f[] = {
		0x01,			/* 0: type = transport response */
		0x06,			/* 1: msg_id = SET_CONFIG */
		0x78, 0x56,		/* 2: dev_num = 0x5678 */
		0x0C, 0xE0,		/* 4: token = 0xE00C */
		0x14, 0x00,		/* 6: msg_size = 20 */
		0x09, 0x07, 0x06, 0x05, /* 8: generation = 0x05060709 */
		0x40, 0x01, 0x00, 0x00, /* 12: offset = 0x140 */
		0x06, 0x00, 0x00, 0x00, /* 16: length = 6 (no data follows) */
	};
	struct rte_vmsg_msg m;
	uint8_t out[32];
	int rc;

	rc = rte_vmsg_msg_parse(f, sizeof(f), LINK_MAX, &m, NULL);
	CHECK_EQ(rc, 0);
	CHECK_EQ(m.kind, RTE_VMSG_MSG_SET_CONFIG_RESP);
	CHECK_EQ(m.u.config.length, 6);
	CHECK(m.u.config.data == NULL);
	CHECK_EQ(m.hdr.msg_size, 20);

	/* The builder gives the same 20 bytes from data == NULL with length 6. */
	CHECK_EQ(rte_vmsg_msg_size(&m), 20);
	rc = rte_vmsg_msg_build(out, sizeof(out), &m);
	CHECK_EQ(rc, 20);
	CHECK_MEM(out, f, sizeof(f));
}

/*
 * BUS-24 (builder part), GEN-2: a GET_DEVICES bitmap is LSB first, has
 * (count + 7) / 8 bytes, and the builder clears the bits past count whatever
 * the caller's bitmap holds. The §10 example: request (0, 16) answered by
 * 0x25 0x00 means devices 0, 2 and 5.
 */
static void test_get_devices(void)
{
	static const uint8_t dirty[] = { 0xA5, 0x3C, 0xFD, 0xFF };
	static const uint8_t dirty_copy[] = { 0xA5, 0x3C, 0xFD, 0xFF };
	static const uint8_t full_bits[] = { 0xFF, 0xFF, 0xFF };
	static const int present19[19] = {
		1, 0, 1, 0, 0, 1, 0, 1, 0, 0, 1, 1, 1, 1, 0, 0, 1, 0, 1
	};
	struct rte_vmsg_msg m = { .kind = RTE_VMSG_MSG_BUS_GET_DEVICES_RESP };
	struct rte_vmsg_msg v;
	uint8_t out[32];
	uint16_t i;
	int rc;

	/* Builder clears bits 19..23 of a dirty bitmap (BUS-24). */
	m.hdr.token = 0x2222;
	m.u.get_devices.offset = 0x102;
	m.u.get_devices.next_offset = 0x115;
	m.u.get_devices.count = 19;
	m.u.get_devices.bitmap = dirty;
	memset(out, 0xEE, sizeof(out));
	rc = rte_vmsg_msg_build(out, sizeof(out), &m);
	CHECK_EQ(rc, (int)sizeof(f_getdev_resp));
	CHECK_MEM(out, f_getdev_resp, sizeof(f_getdev_resp));
	CHECK_EQ(out[sizeof(f_getdev_resp)], 0xEE);
	CHECK_MEM(dirty, dirty_copy, sizeof(dirty)); /* the source is not touched */

	/* Count a multiple of 8 keeps the whole last byte. */
	m.u.get_devices.count = 24;
	m.u.get_devices.bitmap = full_bits;
	rc = rte_vmsg_msg_build(out, sizeof(out), &m);
	CHECK_EQ(rc, 17);
	CHECK_EQ(out[16], 0xFF);
	/* Count 1: one byte, only bit 0 kept. */
	m.u.get_devices.count = 1;
	rc = rte_vmsg_msg_build(out, sizeof(out), &m);
	CHECK_EQ(rc, 15);
	CHECK_EQ(out[14], 0x01);
	/* Count 0: empty bitmap, bitmap pointer not needed. */
	m.u.get_devices.count = 0;
	m.u.get_devices.bitmap = NULL;
	rc = rte_vmsg_msg_build(out, sizeof(out), &m);
	CHECK_EQ(rc, 14);

	/* Count 19 parsed: LSB-first lookup of every device. */
	rc = rte_vmsg_msg_parse(f_getdev_resp, sizeof(f_getdev_resp), LINK_MAX, &v, NULL);
	CHECK_EQ(rc, 0);
	for (i = 0; i < 19; i++)
		CHECK_EQ(rte_vmsg_msg_device_present(&v.u.get_devices, i), present19[i]);
	for (i = 19; i < 40; i++)
		CHECK_EQ(rte_vmsg_msg_device_present(&v.u.get_devices, i), 0);

	/* The §10 example. */
	rc = rte_vmsg_msg_parse(f_getdev_ex_req, sizeof(f_getdev_ex_req), LINK_MAX, &v, NULL);
	CHECK_EQ(rc, 0);
	CHECK_EQ(v.u.get_devices.offset, 0);
	CHECK_EQ(v.u.get_devices.count, 16);
	rc = rte_vmsg_msg_parse(f_getdev_ex_resp, sizeof(f_getdev_ex_resp), LINK_MAX, &v, NULL);
	CHECK_EQ(rc, 0);
	CHECK_EQ(v.u.get_devices.next_offset, 16);
	for (i = 0; i < 16; i++)
		CHECK_EQ(rte_vmsg_msg_device_present(&v.u.get_devices, i),
			 i == 0 || i == 2 || i == 5);
	CHECK_EQ(rte_vmsg_msg_device_present(&v.u.get_devices, 16), 0);

	/* Count 0: nothing present. */
	rc = rte_vmsg_msg_parse(f_getdev_resp0, sizeof(f_getdev_resp0), LINK_MAX, &v, NULL);
	CHECK_EQ(rc, 0);
	CHECK_EQ(rte_vmsg_msg_device_present(&v.u.get_devices, 0), 0);
}

/*
 * DRV-30 (message part): EVENT_AVAIL carries next_off in bits 30:0 and
 * next_wrap in bit 31, and the split-ring available index in bits 15:0.
 */
static void test_event_avail(void)
{
	struct rte_vmsg_msg m = { .kind = RTE_VMSG_MSG_EVENT_AVAIL };
	struct rte_vmsg_msg v;
	uint8_t out[16];
	int rc;

	rc = rte_vmsg_msg_parse(f_ev_avail_wrap, sizeof(f_ev_avail_wrap), LINK_MAX, &v, NULL);
	CHECK_EQ(rc, 0);
	CHECK(v.u.event_avail.next_offset & RTE_VMSG_AVAIL_WRAP);
	CHECK_U64(v.u.event_avail.next_offset & RTE_VMSG_AVAIL_OFF_MASK, 0x123);

	rc = rte_vmsg_msg_parse(f_ev_avail, sizeof(f_ev_avail), LINK_MAX, &v, NULL);
	CHECK_EQ(rc, 0);
	CHECK_EQ(v.u.event_avail.next_offset & RTE_VMSG_AVAIL_WRAP, 0);
	CHECK_U64(v.u.event_avail.next_offset & 0xFFFFu, 0x1234);

	m.hdr.dev_num = 0xCDEF;
	m.u.event_avail.vq_index = 1;
	m.u.event_avail.next_offset = RTE_VMSG_AVAIL_WRAP | 0x123;
	rc = rte_vmsg_msg_build(out, sizeof(out), &m);
	CHECK_EQ(rc, 16);
	CHECK_MEM(out, f_ev_avail_wrap, sizeof(f_ev_avail_wrap));
	CHECK_EQ(out[15], 0x80); /* the wrap bit is the top bit of the last byte */
}

/*
 * DRV-35, DEV-10, DRV-34 (message part): feature blocks are consecutive le32
 * words read through rte_vmsg_msg_feature_block(); the UUID is copied
 * verbatim, never byte-swapped.
 */
static void test_feature_blocks_and_uuid(void)
{
	struct rte_vmsg_msg v;
	int rc;

	rc = rte_vmsg_msg_parse(f_get_feat_resp, sizeof(f_get_feat_resp), LINK_MAX, &v, NULL);
	CHECK_EQ(rc, 0);
	CHECK_U64(rte_vmsg_msg_feature_block(&v.u.features, 0), 0x11223344);
	CHECK_U64(rte_vmsg_msg_feature_block(&v.u.features, 1), 0x55667788);

	rc = rte_vmsg_msg_parse(f_set_feat_req, sizeof(f_set_feat_req), LINK_MAX, &v, NULL);
	CHECK_EQ(rc, 0);
	CHECK_U64(rte_vmsg_msg_feature_block(&v.u.features, 0), 0x89ABCDEF);
	CHECK_U64(rte_vmsg_msg_feature_block(&v.u.features, 1), 0x01234567);
	CHECK_U64(rte_vmsg_msg_feature_block(&v.u.features, 2), 0xFEDCBA98);

	rc = rte_vmsg_msg_parse(f_dev_info_resp, sizeof(f_dev_info_resp), LINK_MAX, &v, NULL);
	CHECK_EQ(rc, 0);
	CHECK_MEM(v.u.dev_info.uuid, uuid_bytes, 16);
	CHECK_EQ(v.u.dev_info.uuid[0], 0xF0);
	CHECK_EQ(v.u.dev_info.uuid[15], 0x0F);
}

/* GEN-2: the header layout constants of §2. */
static void test_header_layout(void)
{
	CHECK_EQ(RTE_VMSG_HDR_SIZE, 8);
	CHECK_EQ(RTE_VMSG_OFF_TYPE, 0);
	CHECK_EQ(RTE_VMSG_OFF_MSG_ID, 1);
	CHECK_EQ(RTE_VMSG_OFF_DEV_NUM, 2);
	CHECK_EQ(RTE_VMSG_OFF_TOKEN, 4);
	CHECK_EQ(RTE_VMSG_OFF_MSG_SIZE, 6);
	CHECK_EQ(RTE_VMSG_MAX_SIZE_MIN, 52);
	CHECK_EQ(RTE_VMSG_MAX_SIZE_MAX, 65535);
	CHECK_EQ(RTE_VMSG_MAX_SIZE_DEFAULT, 264);
}

/* GEN-5, GEN-7: the response kind of every request; events and responses have none. */
static void test_response_kind(void)
{
	static const struct {
		enum rte_vmsg_msg_kind req, resp;
	} pairs[] = {
		{ RTE_VMSG_MSG_GET_DEVICE_INFO_REQ, RTE_VMSG_MSG_GET_DEVICE_INFO_RESP },
		{ RTE_VMSG_MSG_GET_DEVICE_FEATURES_REQ, RTE_VMSG_MSG_GET_DEVICE_FEATURES_RESP },
		{ RTE_VMSG_MSG_SET_DRIVER_FEATURES_REQ, RTE_VMSG_MSG_SET_DRIVER_FEATURES_RESP },
		{ RTE_VMSG_MSG_GET_CONFIG_REQ, RTE_VMSG_MSG_GET_CONFIG_RESP },
		{ RTE_VMSG_MSG_SET_CONFIG_REQ, RTE_VMSG_MSG_SET_CONFIG_RESP },
		{ RTE_VMSG_MSG_GET_DEVICE_STATUS_REQ, RTE_VMSG_MSG_GET_DEVICE_STATUS_RESP },
		{ RTE_VMSG_MSG_SET_DEVICE_STATUS_REQ, RTE_VMSG_MSG_SET_DEVICE_STATUS_RESP },
		{ RTE_VMSG_MSG_GET_VQUEUE_REQ, RTE_VMSG_MSG_GET_VQUEUE_RESP },
		{ RTE_VMSG_MSG_SET_VQUEUE_REQ, RTE_VMSG_MSG_SET_VQUEUE_RESP },
		{ RTE_VMSG_MSG_RESET_VQUEUE_REQ, RTE_VMSG_MSG_RESET_VQUEUE_RESP },
		{ RTE_VMSG_MSG_GET_SHM_REQ, RTE_VMSG_MSG_GET_SHM_RESP },
		{ RTE_VMSG_MSG_BUS_GET_DEVICES_REQ, RTE_VMSG_MSG_BUS_GET_DEVICES_RESP },
		{ RTE_VMSG_MSG_BUS_PING_REQ, RTE_VMSG_MSG_BUS_PING_RESP },
	};
	static const enum rte_vmsg_msg_kind none[] = {
		RTE_VMSG_MSG_INVALID,	 RTE_VMSG_MSG_EVENT_CONFIG,	RTE_VMSG_MSG_EVENT_AVAIL,
		RTE_VMSG_MSG_EVENT_USED, RTE_VMSG_MSG_BUS_EVENT_DEVICE, RTE_VMSG_MSG_IMPL,
		RTE_VMSG_MSG_KIND_COUNT, (enum rte_vmsg_msg_kind)1000,
	};
	size_t i;

	for (i = 0; i < sizeof(pairs) / sizeof(pairs[0]); i++) {
		CHECK_EQ(rte_vmsg_msg_response_kind(pairs[i].req), pairs[i].resp);
		/* A response is not a request. */
		CHECK_EQ(rte_vmsg_msg_response_kind(pairs[i].resp), RTE_VMSG_MSG_INVALID);
	}
	for (i = 0; i < sizeof(none) / sizeof(none[0]); i++)
		CHECK_EQ(rte_vmsg_msg_response_kind(none[i]), RTE_VMSG_MSG_INVALID);
}

/* Parses golden frame @f; the test fails if it does not parse. */
static struct rte_vmsg_hdr hdr_of(const uint8_t *f, size_t n)
{
	struct rte_vmsg_msg m;

	memset(&m, 0, sizeof(m));
	CHECK_EQ(rte_vmsg_msg_parse(f, n, LINK_MAX, &m, NULL), 0);
	return m.hdr;
}

/*
 * GEN-7: a response answers a request when it has the response bit, the same
 * namespace, msg_id and dev_num; the token is not compared. Every golden
 * request/response pair answers; mismatched headers do not.
 */
static void test_answers(void)
{
	static const struct {
		const uint8_t *req, *resp;
		size_t nreq, nresp;
	} pairs[] = {
#define PAIR(a, b) { a, b, sizeof(a), sizeof(b) }
		PAIR(f_dev_info_req, f_dev_info_resp),
		PAIR(f_get_feat_req, f_get_feat_resp),
		PAIR(f_set_feat_req, f_set_feat_resp),
		PAIR(f_get_cfg_req, f_get_cfg_resp),
		PAIR(f_get_cfg_req, f_get_cfg_resp0),
		PAIR(f_set_cfg_req, f_set_cfg_resp),
		PAIR(f_set_cfg_req, f_set_cfg_resp_na),
		PAIR(f_get_status_req, f_get_status_resp),
		PAIR(f_set_status_req, f_set_status_resp),
		PAIR(f_get_vq_req, f_get_vq_resp),
		PAIR(f_set_vq_req, f_set_vq_resp),
		PAIR(f_reset_vq_req, f_reset_vq_resp),
		PAIR(f_get_shm_req, f_get_shm_resp),
		PAIR(f_getdev_req, f_getdev_resp),
		PAIR(f_getdev_ex_req, f_getdev_ex_resp),
		PAIR(f_ping_req, f_ping_resp),
		PAIR(f_impl_req, f_impl_resp),
		PAIR(f_bus_impl_req, f_bus_impl_resp),
#undef PAIR
	};
	struct rte_vmsg_hdr req, resp, x;
	size_t i;

	for (i = 0; i < sizeof(pairs) / sizeof(pairs[0]); i++) {
		req = hdr_of(pairs[i].req, pairs[i].nreq);
		resp = hdr_of(pairs[i].resp, pairs[i].nresp);
		CHECK(req.token != resp.token);
		CHECK_EQ(rte_vmsg_msg_answers(&req, &resp), 1);
		/* Not the other way round, not itself. */
		CHECK_EQ(rte_vmsg_msg_answers(&resp, &req), 0);
		CHECK_EQ(rte_vmsg_msg_answers(&req, &req), 0);
		CHECK_EQ(rte_vmsg_msg_answers(&resp, &resp), 0);
		/* Another device, another ID, the other namespace. */
		x = resp;
		x.dev_num ^= 1;
		CHECK_EQ(rte_vmsg_msg_answers(&req, &x), 0);
		x = resp;
		x.msg_id ^= 0x01;
		CHECK_EQ(rte_vmsg_msg_answers(&req, &x), 0);
		x = resp;
		x.type ^= RTE_VMSG_TYPE_BUS;
		CHECK_EQ(rte_vmsg_msg_answers(&req, &x), 0);
		/* Reserved type bits do not matter. */
		x = resp;
		x.type |= 0xFC;
		CHECK_EQ(rte_vmsg_msg_answers(&req, &x), 1);
	}
	/* A response of another request of the same device does not answer. */
	req = hdr_of(f_get_cfg_req, sizeof(f_get_cfg_req));
	resp = hdr_of(f_set_cfg_resp, sizeof(f_set_cfg_resp));
	CHECK_EQ(rte_vmsg_msg_answers(&req, &resp), 0);
}

/* No checklist ID (trace and log support): kind names are distinct and known; error strings too. */
static void test_names(void)
{
	int k, j;

	for (k = RTE_VMSG_MSG_INVALID + 1; k < RTE_VMSG_MSG_KIND_COUNT; k++) {
		const char *n = rte_vmsg_msg_kind_name((enum rte_vmsg_msg_kind)k);

		CHECK(n != NULL && strcmp(n, "INVALID") != 0 && n[0] != '\0');
		for (j = RTE_VMSG_MSG_INVALID + 1; j < k; j++)
			CHECK(strcmp(n, rte_vmsg_msg_kind_name((enum rte_vmsg_msg_kind)j)) != 0);
	}
	CHECK(strcmp(rte_vmsg_msg_kind_name(RTE_VMSG_MSG_GET_CONFIG_RESP), "GET_CONFIG_RESP") == 0);
	CHECK(strcmp(rte_vmsg_msg_kind_name(RTE_VMSG_MSG_KIND_COUNT), "INVALID") == 0);
	CHECK(strcmp(rte_vmsg_msg_kind_name((enum rte_vmsg_msg_kind) - 1), "INVALID") == 0);

	for (k = 0; k < RTE_VMSG_MSG_ERR_COUNT_OF_ERRS; k++) {
		const char *s = rte_vmsg_msg_err_str((enum rte_vmsg_msg_err)k);

		CHECK(s != NULL && strcmp(s, "unknown") != 0 && s[0] != '\0');
		for (j = 0; j < k; j++)
			CHECK(strcmp(s, rte_vmsg_msg_err_str((enum rte_vmsg_msg_err)j)) != 0);
	}
	CHECK(strcmp(rte_vmsg_msg_err_str(RTE_VMSG_MSG_ERR_COUNT_OF_ERRS), "unknown") == 0);
}

/* Checks snprintf() semantics of rte_vmsg_msg_format() for every capacity up to full + 2. */
static void check_format_caps(const uint8_t *f, size_t len, uint32_t max, const char *full)
{
	size_t n = strlen(full), cap;
	char out[512];
	int rc;

	for (cap = 0; cap <= n + 2 && cap < sizeof(out); cap++) {
		memset(out, '#', sizeof(out));
		rc = rte_vmsg_msg_format(out, cap, f, len, max);
		CHECK_EQ(rc, (int)n);
		if (cap == 0) {
			CHECK_EQ(out[0], '#');
			continue;
		}
		if (cap <= n) {
			/* Truncated: cap - 1 characters and the NUL. */
			CHECK(memcmp(out, full, cap - 1) == 0);
			CHECK_EQ(out[cap - 1], '\0');
		} else {
			CHECK(strcmp(out, full) == 0);
		}
		CHECK_EQ(out[cap], '#'); /* nothing written past cap */
	}
	/* NULL with cap 0 measures. */
	CHECK_EQ(rte_vmsg_msg_format(NULL, 0, f, len, max), (int)n);
}

/*
 * No checklist ID of its own (trace output; DRV-9, DEV-2 and BUS-11 let the
 * receiver log what it drops). One line of text for every kind: starts with
 * the kind name (BUS_IMPL for a bus-specific ID), has the header fields, no
 * newline; snprintf() semantics with small capacities; malformed frames are
 * named as such with the reason.
 */
static void test_format(void)
{
	static const struct {
		const uint8_t *f;
		size_t n;
		const char *needle;
	} values[] = {
		{ f_dev_info_resp, sizeof(f_dev_info_resp), "vendor_id=0x55667788" },
		{ f_get_feat_resp, sizeof(f_get_feat_resp), "11223344" },
		{ f_get_cfg_resp, sizeof(f_get_cfg_resp), "d0d1d2d3d4" },
		{ f_get_shm_resp, sizeof(f_get_shm_resp), "0x8877665544332211" },
		{ f_ev_avail_wrap, sizeof(f_ev_avail_wrap), "0x80000123" },
		{ f_ping_req, sizeof(f_ping_req), "0xdeadbeef" },
		{ f_getdev_ex_resp, sizeof(f_getdev_ex_resp), "2500" },
		{ f_get_vq_resp, sizeof(f_get_vq_resp), "0x1122334455667788" },
	};
	static const uint8_t bad[] = {
		0x00,			/* 0: type = transport request */
		0x07,			/* 1: msg_id = GET_DEVICE_STATUS */
		0x01, 0x00,		/* 2: dev_num = 1 */
		0x00, 0x00,		/* 4: token = 0 */
		0x0C, 0x00,		/* 6: msg_size = 12, but the request is 8 */
		0x00, 0x00, 0x00, 0x00, /* 8: stray payload */
	};
	char text[512], want[64];
	const char *reason;
	size_t i;
	int rc;

	for (i = 0; i < N_GOLDEN; i++) {
		const struct golden *g = &goldens[i];
		const struct rte_vmsg_msg *m = &g->msg;
		int before = vtest_failures;
		const char *name = rte_vmsg_msg_kind_name(m->kind);

		rc = rte_vmsg_msg_format(text, sizeof(text), g->frame, g->size, LINK_MAX);
		CHECK(rc > 0 && (size_t)rc < sizeof(text));
		CHECK_EQ((size_t)rc, strlen(text));
		CHECK(strchr(text, '\n') == NULL);
		if (m->kind == RTE_VMSG_MSG_IMPL && (m->hdr.type & RTE_VMSG_TYPE_BUS))
			CHECK(strncmp(text, "BUS_IMPL ", 9) == 0);
		else
			CHECK(strncmp(text, name, strlen(name)) == 0 && text[strlen(name)] == ' ');
		snprintf(want, sizeof(want), " dev=%u ", m->hdr.dev_num);
		CHECK(strstr(text, want) != NULL);
		snprintf(want, sizeof(want), " token=%u ", m->hdr.token);
		CHECK(strstr(text, want) != NULL);
		snprintf(want, sizeof(want), " size=%u", m->hdr.msg_size);
		CHECK(strstr(text, want) != NULL);
		CHECK(strstr(text, "MALFORMED") == NULL);
		check_format_caps(g->frame, g->size, LINK_MAX, text);
		blame("format", g->name, before);
	}
	for (i = 0; i < sizeof(values) / sizeof(values[0]); i++) {
		rc = rte_vmsg_msg_format(text, sizeof(text), values[i].f, values[i].n, LINK_MAX);
		CHECK(rc > 0);
		CHECK(strstr(text, values[i].needle) != NULL);
	}

	/* A malformed frame: named as such, with the reason and the raw header. */
	reason = rte_vmsg_msg_err_str(RTE_VMSG_MSG_ERR_SIZE);
	rc = rte_vmsg_msg_format(text, sizeof(text), bad, sizeof(bad), LINK_MAX);
	CHECK(rc > 0);
	CHECK(strncmp(text, "MALFORMED", 9) == 0);
	CHECK(strstr(text, reason) != NULL);
	CHECK(strstr(text, "size=12") != NULL);
	CHECK(strchr(text, '\n') == NULL);
	check_format_caps(bad, sizeof(bad), LINK_MAX, text);

	/* Too short for a header: no header fields are invented. */
	rc = rte_vmsg_msg_format(text, sizeof(text), bad, 5, LINK_MAX);
	CHECK(rc > 0);
	CHECK(strncmp(text, "MALFORMED", 9) == 0);
	CHECK(strstr(text, rte_vmsg_msg_err_str(RTE_VMSG_MSG_ERR_SHORT_BUFFER)) != NULL);
	CHECK(strstr(text, "size=") == NULL);
	check_format_caps(bad, 5, LINK_MAX, text);

	/* A bad link maximum is reported, not crashed on. */
	rc = rte_vmsg_msg_format(text, sizeof(text), f_ping_req, sizeof(f_ping_req), 51);
	CHECK(rc > 0);
	CHECK(strncmp(text, "MALFORMED", 9) == 0);

	/* Bad arguments. */
	CHECK_EQ(rte_vmsg_msg_format(text, sizeof(text), NULL, 8, LINK_MAX), -EINVAL);
	CHECK_EQ(rte_vmsg_msg_format(NULL, 4, f_ping_req, sizeof(f_ping_req), LINK_MAX), -EINVAL);
}

/* DRV-36, DEV-6, BUS-27: the golden table has every kind of the draft, IMPL in both namespaces. */
static void test_every_kind_has_golden(void)
{
	unsigned int seen[RTE_VMSG_MSG_KIND_COUNT] = { 0 };
	int impl_ns[4] = { 0 };
	size_t i;
	int k;

	for (i = 0; i < N_GOLDEN; i++) {
		seen[goldens[i].msg.kind]++;
		if (goldens[i].msg.kind == RTE_VMSG_MSG_IMPL)
			impl_ns[(goldens[i].msg.hdr.type & RTE_VMSG_TYPE_BUS ? 2 : 0) +
				(goldens[i].msg.hdr.msg_id & RTE_VMSG_ID_EVENT ? 1 : 0)]++;
	}
	for (k = RTE_VMSG_MSG_INVALID + 1; k < RTE_VMSG_MSG_KIND_COUNT; k++) {
		CHECK(seen[k] > 0);
		if (seen[k] == 0)
			fprintf(stderr, "  no golden frame for %s\n",
				rte_vmsg_msg_kind_name((enum rte_vmsg_msg_kind)k));
	}
	/* Requests and events, transport and bus. */
	for (k = 0; k < 4; k++)
		CHECK(impl_ns[k] > 0);
}

int main(void)
{
	test_every_kind_has_golden();
	test_header_layout();
	test_golden_parse();
	test_golden_build();
	test_unaligned();
	test_ring_slot();
	test_reserved_type_bits();
	test_set_config_resp_forms();
	test_get_devices();
	test_event_avail();
	test_feature_blocks_and_uuid();
	test_response_kind();
	test_answers();
	test_names();
	test_format();
	return vtest_done("test_msg_golden");
}
