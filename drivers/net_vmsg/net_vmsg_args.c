/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The librte_vmsg authors
 *
 * net_vmsg devargs parser. Every key is checked here, so that a bad one is
 * refused at probe with one line that names it, before anything is mapped.
 */

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_vmsg_bus.h>
#include <rte_vmsg_net.h>
#ifdef NVM_HAVE_PCIE
#include <rte_vmsg_pcie.h>
#endif

#include "net_vmsg_args.h"

static __attribute__((format(printf, 3, 4))) int bad(char *why, size_t len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, len, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

/* A whole unsigned number (decimal, or 0x hex; a leading 0 is no octal) in [lo, hi]. */
static int num(const char *v, uint64_t lo, uint64_t hi, uint64_t *out)
{
	int hex = v[0] == '0' && (v[1] == 'x' || v[1] == 'X');
	unsigned long long x;
	char *end;

	if (hex)
		v += 2;
	if (!(v[0] >= '0' && v[0] <= '9') && !(hex && isxdigit((unsigned char)v[0])))
		return -1;
	errno = 0;
	x = strtoull(v, &end, hex ? 16 : 10);
	if (errno != 0 || *end != '\0' || x < lo || x > hi)
		return -1;
	*out = x;
	return 0;
}

static int parse_mac(const char *v, uint8_t mac[6])
{
	unsigned int b[6];
	char tail;
	int i;

	if (strlen(v) != 17 || sscanf(v, "%2x:%2x:%2x:%2x:%2x:%2x%c", &b[0], &b[1], &b[2], &b[3],
				      &b[4], &b[5], &tail) != 6)
		return -1;
	for (i = 0; i < 6; i++)
		mac[i] = (uint8_t)b[i];
	return (mac[0] & 1u) ? -1 : 0; /* a multicast address is no port's address */
}

static int pick(const char *v, const char *const *names)
{
	int i;

	for (i = 0; names[i] != NULL; i++)
		if (strcmp(v, names[i]) == 0)
			return i;
	return -1;
}

/* The keys seen that belong to one kind of bus (checked against bus= at the end). */
struct seen {
	int amp;	    /* offset, size, esize, elems, mem: bus=amp only */
	int link;	    /* layout, payloads: bus=amp or bus=pcie */
	int pcie;	    /* card, profile, placement, iova: bus=pcie only */
	int file;	    /* file= */
	int role;	    /* role= */
	int layout_default; /* layout=default (bus=pcie only) */
	int huge;	    /* huge= (bus=shm only) */
};

/* One key. */
static int key(struct nvm_args *a, const char *k, char *v, struct seen *sn, char *why, size_t wl)
{
	static const char *const roles[] = { "driver", "device", NULL };
	static const char *const notifies[] = { "poll", "event", NULL };
	static const char *const layouts[] = { "default", "v1", "v0", NULL };
	static const char *const payloads[] = { "v2", "pre-v2", NULL };
	/* The orders of enum rte_vmsg_pcie_profile and _placement. */
	static const char *const profiles[] = { "auto", "ivshmem", "amp-pci", "versal", NULL };
	static const char *const placements[] = { "default", "bar", "host", NULL };
	static const char *const iovas[] = { "va", "pa", NULL };
	uint64_t x;
	char *at;
	int i;

	if (strcmp(k, "file") == 0) {
		if (v[0] == '\0' || strlen(v) >= NVM_PATH_MAX)
			return bad(why, wl, "file: expected a path of 1 to %d bytes",
				   NVM_PATH_MAX - 1);
		snprintf(a->file, sizeof(a->file), "%s", v);
		sn->file = 1;
	} else if (strcmp(k, "card") == 0) {
#ifdef NVM_HAVE_PCIE
		/* Checked and written in the kernel's form (0000:00:03.0). */
		if (rte_vmsg_pcie_addr_parse(v, a->file) < 0)
			return bad(why, wl,
				   "card: expected a PCI address such as 0000:00:03.0, not '%s'",
				   v);
		sn->pcie++;
#else
		return bad(why, wl,
			   "card: this build has no PCIe driver (drivers/pcie_amp needs "
			   "<linux/vfio.h>)");
#endif
	} else if (strcmp(k, "profile") == 0) {
		i = pick(v, profiles);
		if (i < 0)
			return bad(why, wl, "profile: expected auto, ivshmem, amp-pci or versal");
		a->pcie_profile = (uint32_t)i;
		sn->pcie++;
	} else if (strcmp(k, "placement") == 0) {
		i = pick(v, placements);
		if (i < 0)
			return bad(why, wl, "placement: expected default, bar or host");
		a->pcie_placement = (uint32_t)i;
		sn->pcie++;
	} else if (strcmp(k, "iova") == 0) {
		i = pick(v, iovas);
		if (i < 0)
			return bad(why, wl, "iova: expected va or pa");
		a->pcie_iova_pa = i == 1;
		sn->pcie++;
	} else if (strcmp(k, "role") == 0) {
		i = pick(v, roles);
		if (i < 0)
			return bad(why, wl, "role: expected driver or device, not '%s'", v);
		a->role = i == 0 ? RTE_VMSG_BUS_DRIVER : RTE_VMSG_BUS_DEVICE;
		sn->role = 1;
	} else if (strcmp(k, "dev") == 0) {
		if (num(v, 0, 65535, &x) < 0)
			return bad(why, wl, "dev: expected a device number 0 to 65535");
		a->dev_num = (uint16_t)x;
	} else if (strcmp(k, "queues") == 0) {
		if (num(v, 1, NVM_MAX_QUEUES, &x) < 0)
			return bad(why, wl, "queues: expected 1 to %d queue pairs", NVM_MAX_QUEUES);
		a->queues = (uint16_t)x;
	} else if (strcmp(k, "qsize") == 0) {
		if (num(v, 2, 32768, &x) < 0 || (x & (x - 1)) != 0)
			return bad(why, wl, "qsize: expected a power of two from 2 to 32768");
		a->qsize = (uint32_t)x;
	} else if (strcmp(k, "notify") == 0) {
		i = pick(v, notifies);
		if (i < 0)
			return bad(why, wl, "notify: expected poll or event, not '%s'", v);
		a->notify = i == 0 ? RTE_VMSG_NET_NOTIFY_POLL : RTE_VMSG_NET_NOTIFY_EVENT;
	} else if (strcmp(k, "mac") == 0) {
		if (parse_mac(v, a->mac) < 0)
			return bad(why, wl,
				   "mac: expected a unicast address such as 02:00:00:00:00:01");
		a->have_mac = 1;
	} else if (strcmp(k, "mtu") == 0) {
		if (num(v, 68, 65535, &x) < 0)
			return bad(why, wl, "mtu: expected 68 to 65535");
		a->mtu = (uint16_t)x;
	} else if (strcmp(k, "tso") == 0) {
		if (strcmp(v, "0") != 0 && strcmp(v, "1") != 0)
			return bad(why, wl, "tso: expected 0 or 1");
		a->tso = v[0] == '1';
	} else if (strcmp(k, "csum") == 0) {
		if (strcmp(v, "0") != 0 && strcmp(v, "1") != 0)
			return bad(why, wl, "csum: expected 0 or 1");
		/*
		 * csum=0: neither VIRTIO_NET_F_CSUM nor GUEST_CSUM, asked or
		 * offered, nor GUEST_TSO4/6, which need GUEST_CSUM.
		 */
		uint64_t bits =
			(1ull << RTE_VMSG_NET_F_CSUM) | (1ull << RTE_VMSG_NET_F_GUEST_CSUM) |
			(1ull << RTE_VMSG_NET_F_GUEST_TSO4) | (1ull << RTE_VMSG_NET_F_GUEST_TSO6);

		if (v[0] == '0')
			a->ring_off |= bits;
		else
			a->ring_off &= ~bits;
	} else if (strcmp(k, "zerocopy") == 0) {
		if (strcmp(v, "0") != 0 && strcmp(v, "1") != 0)
			return bad(why, wl, "zerocopy: expected 0 or 1");
		a->zerocopy = v[0] == '1';
	} else if (strcmp(k, "ring") == 0 || strcmp(k, "in_order") == 0) {
		static const char *const rings[] = { "split", "packed", NULL };
		static const char *const bools[] = { "0", "1", NULL };
		int packed = strcmp(k, "ring") == 0;
		uint64_t bit = 1ull << (packed ? RTE_VMSG_VIRTIO_F_RING_PACKED
					       : RTE_VMSG_VIRTIO_F_IN_ORDER);

		i = pick(v, packed ? rings : bools);
		if (i < 0)
			return packed ? bad(why, wl, "ring: expected split or packed, not '%s'", v)
				      : bad(why, wl, "in_order: expected 0 or 1");
		if (i != 0) {
			a->ring_off &= ~bit;
			a->ring_on |= bit;
		} else {
			a->ring_off |= bit;
			a->ring_on &= ~bit;
		}
	} else if (strcmp(k, "peer_timeout") == 0) {
		/*
		 * At least NVM_PEER_TIMEOUT_MIN_MS: the control thread, whose polls
		 * are the heartbeat, sleeps up to NVM_POLL_IDLE_MAX_US between two
		 * (a timeout within a few of those takes an idle peer for lost).
		 */
		if (num(v, 0, RTE_VMSG_BUS_PEER_TIMEOUT_MAX_MS, &x) < 0 ||
		    (x != 0 && x < NVM_PEER_TIMEOUT_MIN_MS))
			return bad(why, wl,
				   "peer_timeout: expected 0 (off) or 50 to 3600000 milliseconds "
				   "(the port's control thread polls at least every 10 ms)");
		a->peer_timeout_ms = (uint32_t)x;
	} else if (strcmp(k, "huge") == 0) {
		if (strcmp(v, "0") != 0 && strcmp(v, "1") != 0)
			return bad(why, wl, "huge: expected 0 (plain shared memory) or 1");
		a->no_huge = v[0] == '0';
		sn->huge = 1;
	} else if (strcmp(k, "bus") == 0) {
		if (strcmp(v, "shm") == 0)
			a->bus = NVM_BUS_SHM;
		else if (strcmp(v, "amp") == 0)
			a->bus = NVM_BUS_AMP;
#ifdef NVM_HAVE_PCIE
		else if (strcmp(v, "pcie") == 0)
			a->bus = NVM_BUS_PCIE;
#else
		else if (strcmp(v, "pcie") == 0)
			return bad(why, wl,
				   "bus=pcie: this build has no PCIe driver (drivers/pcie_amp "
				   "needs <linux/vfio.h>)");
#endif
		else
			return bad(why, wl, "bus: expected shm, amp or pcie, not '%s'", v);
	} else if (strcmp(k, "offset") == 0) {
		if (num(v, 0, UINT64_MAX / 2, &x) < 0 || (x & 63u) != 0)
			return bad(why, wl, "offset: expected a multiple of 64");
		a->offset = x;
		sn->amp++;
	} else if (strcmp(k, "size") == 0) {
		if (num(v, 4096, (uint64_t)1 << 40, &x) < 0)
			return bad(why, wl, "size: expected 4096 bytes to 1 TiB");
		a->size = x;
		sn->amp++;
	} else if (strcmp(k, "esize") == 0) {
		if (num(v, 64, 32768, &x) < 0 || (x & (x - 1)) != 0)
			return bad(why, wl, "esize: expected a power of two from 64 to 32768");
		a->esize = (uint32_t)x;
		sn->amp++;
	} else if (strcmp(k, "elems") == 0) {
		if (num(v, 2, 65535, &x) < 0)
			return bad(why, wl, "elems: expected 2 to 65535");
		a->elems = (uint32_t)x;
		sn->amp++;
	} else if (strcmp(k, "layout") == 0) {
		i = pick(v, layouts);
		if (i < 0)
			return bad(why, wl,
				   "layout: expected v1 or v0 (or default, bus=pcie), not '%s'", v);
		a->layout = i == 2 ? RTE_VMSG_AMP_LAYOUT_V0 : RTE_VMSG_AMP_LAYOUT_V1;
		a->pcie_layout = (uint32_t)i; /* enum rte_vmsg_pcie_layout's order */
		sn->layout_default = i == 0;
		sn->link++;
	} else if (strcmp(k, "payloads") == 0) {
		i = pick(v, payloads);
		if (i < 0)
			return bad(why, wl, "payloads: expected v2 or pre-v2, not '%s'", v);
		a->payloads = i == 0 ? RTE_VMSG_PAYLOADS_V2 : RTE_VMSG_PAYLOADS_PRE_V2;
		sn->link++;
	} else if (strcmp(k, "mem") == 0) {
		if (a->nmem == NVM_MAX_MEM)
			return bad(why, wl, "mem: at most %d files", NVM_MAX_MEM);
		x = 0;
		at = strrchr(v, '@');
		if (at != NULL) {
			*at++ = '\0';
			if (num(at, 0, UINT64_MAX / 2, &x) < 0)
				return bad(why, wl,
					   "mem: expected FILE[@BASE], BASE a bus address");
		}
		if (v[0] == '\0' || strlen(v) >= NVM_PATH_MAX)
			return bad(why, wl, "mem: expected FILE[@BASE]");
		snprintf(a->mem[a->nmem], sizeof(a->mem[0]), "%s", v);
		a->mem_base[a->nmem++] = x;
		sn->amp++;
	} else {
		return bad(why, wl, "unknown key '%s' (keys: " NVM_ARGS_HELP ")", k);
	}
	return 0;
}

/* bus=pcie: the card, driven by this port. */
static int pcie_check(const struct nvm_args *a, const struct seen *sn, char *why, size_t wl)
{
	if (sn->file)
		return bad(why, wl, "bus=pcie takes card=<PCI address>, not file=");
	if (a->file[0] == '\0')
		return bad(why, wl, "bus=pcie: card=<PCI address> is required (0000:00:03.0)");
	if (a->role != RTE_VMSG_BUS_DRIVER)
		return bad(why, wl, "bus=pcie is for role=driver (the card is the device)");
	return 0;
}

int nvm_args_parse(const char *s, struct nvm_args *a, char *why, size_t wl)
{
	char buf[4096], *save = NULL, *tok, *eq;
	struct seen sn;
	int rc;

	memset(a, 0, sizeof(*a));
	a->role = RTE_VMSG_BUS_DRIVER;
	a->dev_num = 1;
	a->queues = 1;
	a->notify = RTE_VMSG_NET_NOTIFY_POLL;
	memset(&sn, 0, sizeof(sn));
	why[0] = '\0';
	if (s == NULL)
		s = "";
	if (strlen(s) >= sizeof(buf))
		return bad(why, wl, "devargs longer than %zu bytes", sizeof(buf) - 1);
	snprintf(buf, sizeof(buf), "%s", s);
	for (tok = strtok_r(buf, ",", &save); tok != NULL; tok = strtok_r(NULL, ",", &save)) {
		eq = strchr(tok, '=');
		if (eq == NULL)
			return bad(why, wl, "'%s': expected key=value", tok);
		*eq = '\0';
		rc = key(a, tok, eq + 1, &sn, why, wl);
		if (rc < 0)
			return rc;
	}
	if (!sn.role)
		return bad(why, wl, "role: required (driver: attach the file; device: create it)");
	if (a->bus != NVM_BUS_PCIE && sn.pcie > 0)
		return bad(why, wl, "card, profile, placement and iova are for bus=pcie");
	if (a->bus != NVM_BUS_AMP && sn.amp > 0)
		return bad(why, wl,
			   "offset, size, esize, elems and mem are for bus=amp (a bare AMP "
			   "link)");
	if (a->bus == NVM_BUS_SHM && sn.link > 0)
		return bad(why, wl, "layout and payloads are for bus=amp and bus=pcie");
	if (a->bus != NVM_BUS_SHM && sn.huge)
		return bad(why, wl,
			   "huge is for bus=shm (bus=amp maps the files it is given; bus=pcie "
			   "takes hugepages)");
	if (a->bus != NVM_BUS_PCIE && sn.layout_default)
		return bad(why, wl, "layout=default is for bus=pcie (bus=amp: v1 or v0)");
	if (a->bus == NVM_BUS_PCIE && pcie_check(a, &sn, why, wl) < 0)
		return -EINVAL;
	if (a->file[0] == '\0')
		return bad(why, wl, "file: required (the shm bus file, or the bare link's file)");
	if (a->bus == NVM_BUS_AMP) {
		if (a->layout == RTE_VMSG_AMP_LAYOUT_V0 &&
		    (a->elems != 0 || (a->esize != 0 && a->esize != 64)))
			return bad(why, wl, "layout=v0 has 64-byte slots (no esize or elems)");
		if (a->role == RTE_VMSG_BUS_DRIVER && (a->esize || a->elems || a->size))
			return bad(why, wl, "esize, elems and size are for role=device");
		if (a->role == RTE_VMSG_BUS_DRIVER && a->nmem == 0)
			return bad(why, wl,
				   "role=driver with bus=amp needs mem=FILE[@BASE] for "
				   "its virtqueues and buffers");
	}
	if (a->role == RTE_VMSG_BUS_DRIVER && a->mtu != 0)
		return bad(why, wl, "mtu is for role=device (a driver takes the device's)");
	if (a->tso && (a->ring_off & (1ull << RTE_VMSG_NET_F_CSUM)) != 0)
		return bad(why, wl, "tso=1 needs checksum offload: not with csum=0");
	if (a->zerocopy && a->bus == NVM_BUS_AMP && a->role == RTE_VMSG_BUS_DEVICE)
		return bad(why, wl,
			   "zerocopy=1 with bus=amp is for role=driver (the mbuf pool lives in "
			   "its first mem= file, which the caller sizes)");
	return 0;
}
