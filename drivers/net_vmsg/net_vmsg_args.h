/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The librte_vmsg authors
 *
 * net_vmsg devargs: parsed into plain C (no DPDK type), so that the parser
 * is tested on its own and reused by any front end.
 */

#ifndef NET_VMSG_ARGS_H
#define NET_VMSG_ARGS_H

#include <stddef.h>
#include <stdint.h>

#define NVM_PATH_MAX 256
#define NVM_MAX_MEM 8
#define NVM_MAX_QUEUES 64
/* peer_timeout=: at least this, 5 of the control thread's longest sleeps (NVM_POLL_IDLE_MAX_US) */
#define NVM_PEER_TIMEOUT_MIN_MS 50u

/* Where the port's device lives. */
enum nvm_bus_kind {
	NVM_BUS_SHM = 0, /* an shm bus file (file=) */
	NVM_BUS_AMP = 1, /* a bare AMP link (file= plus the bare-link keys) */
	NVM_BUS_PCIE = 2 /* a PCIe card through VFIO (card=, drivers/pcie_amp) */
};

struct nvm_args {
	char file[NVM_PATH_MAX]; /* bus=pcie: the card's PCI address (card=) */
	uint32_t role;		 /* enum rte_vmsg_bus_role */
	uint32_t bus;		 /* enum nvm_bus_kind */
	uint16_t dev_num;	 /* dev= (default 1, as vmsg-fwd) */
	uint16_t queues;	 /* queues= (pairs), 1..64 */
	uint32_t qsize;		 /* qsize=, power of two; 0: the library's default */
	uint32_t notify;	 /* enum rte_vmsg_net_notify */
	uint16_t mtu;		 /* mtu= (device role), 0: 1500 */
	uint8_t mac[6];
	int have_mac;
	int no_huge; /* huge=0: plain shared memory for the bus file */
	int tso;     /* tso=1: TCP segmentation offload (HOST_TSO4/6) */
	/*
	 * zerocopy=1: driver role, the mbufs' data in the DMA area (no copy
	 * either way); device role, a DMA area with room for that pool.
	 */
	int zerocopy;
	/*
	 * ring=, in_order=: of VIRTIO_F_RING_PACKED and VIRTIO_F_IN_ORDER, the
	 * bits left out of what the port offers (device) or wants (driver),
	 * and those a driver wants beyond the library's default (split
	 * in-order), as vmsg-fwd's keys of the same names. csum=0 leaves
	 * VIRTIO_NET_F_CSUM and GUEST_CSUM out too.
	 */
	uint64_t ring_off, ring_on;
	/*
	 * peer_timeout=: milliseconds without a sign of the peer after which
	 * a hung peer is taken for lost (shm: its heartbeat in the bus page;
	 * bus=amp: the bus endpoint's PING keepalive); 0: off.
	 */
	uint32_t peer_timeout_ms;
	/*
	 * bus=pcie: the values of enum rte_vmsg_pcie_profile, _placement and
	 * _layout (layout= v1, v0 or default), iova=pa.
	 */
	uint32_t pcie_profile, pcie_placement, pcie_layout;
	int pcie_iova_pa;
	/* bus=amp (layout and payloads: bus=pcie too) */
	uint64_t offset;
	uint64_t size;
	uint32_t esize, elems, layout, payloads;
	uint32_t nmem;
	char mem[NVM_MAX_MEM][NVM_PATH_MAX];
	uint64_t mem_base[NVM_MAX_MEM];
};

/*
 * Parses @p s ("key=value,key=value", may be NULL or empty) into @p a.
 * Returns 0, or -EINVAL with one line in @p why (no newline) saying which key
 * is wrong and what is expected.
 */
int nvm_args_parse(const char *s, struct nvm_args *a, char *why, size_t why_len);

/* The keys, for the registration string. */
#define NVM_ARGS_HELP                                                                      \
	"file=<path> role=driver|device dev=<n> queues=<1..64> qsize=<pow2> "              \
	"notify=poll|event mac=<xx:xx:xx:xx:xx:xx> mtu=<68..65535> huge=0|1 "              \
	"bus=shm|amp|pcie card=<pci address> profile=auto|ivshmem|amp-pci|versal "         \
	"placement=default|bar|host iova=va|pa "                                           \
	"offset=<n> size=<n> esize=<n> elems=<n> layout=default|v1|v0 payloads=v2|pre-v2 " \
	"mem=<file[@base]> tso=0|1 csum=0|1 zerocopy=0|1 ring=split|packed in_order=0|1 "  \
	"peer_timeout=<0|50..3600000 ms>"

#endif /* NET_VMSG_ARGS_H */
