/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The librte_vmsg authors
 *
 * vmsg-fwd's command line: the options, the --port specifications, and the
 * plan of ports, pairs and forwarding threads they make.
 */

#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <time.h>
#include <unistd.h>

#include <linux/magic.h>

#include "fwd.h"
#include "vmsg_util.h"

static void usage(FILE *f)
{
	fprintf(f,
		"usage: vmsg-fwd --port SPEC [--port SPEC...] [options] [-- EAL ARGS]\n"
		"\n"
		"Forwards packets between ports: virtio-net over virtio-msg (shm bus files) in\n"
		"the device or the driver role, and DPDK ports. Ports are paired 0<->1,\n"
		"2<->3... (or with --peer); a single port sends back out of itself. One pinned\n"
		"thread per queue pair of each port pair moves both directions.\n"
		"\n"
		"Ports:\n"
		"  --port vmsg:KEY=VAL[,KEY=VAL...]\n"
		"      role=device|driver  device: create the bus file and a virtio-net device\n"
		"                          in it (default); driver: attach an existing file\n"
		"                          and drive its device\n"
		"      file=PATH           the bus file (required); a bare name goes to the\n"
		"                          hugetlbfs mount (or /dev/shm)\n"
		"      qp=N                queue pairs, 1-64 (default 1)\n"
		"      qsize=N             entries per queue, a power of two 2-32768 (default "
		"256)\n"
		"      notify=poll|event   notifications (default poll; driver role: poll only)\n"
		"      ring=split|packed   the virtqueue layout offered (device) or wanted\n"
		"                          (driver); default: a device offers both, a driver\n"
		"                          wants split (the faster, doc/net.md)\n"
		"      in_order=0|1        VIRTIO_F_IN_ORDER offered or wanted (default 1)\n"
		"      mac=XX:XX:XX:XX:XX:XX  the device's unicast MAC (device role; default\n"
		"                          02:00:00:00:00:<port+1>)\n"
		"      mtu=N               the device's MTU, 68-65535 (device role; default 1500)\n"
		"      zerocopy=0|1        room in the DMA area for the mbuf pool of a\n"
		"                          net_vmsg driver with zerocopy=1 (device role)\n"
		"      dev=N               device number on the bus, 0-65535 (default 1)\n"
		"      numa=N              NUMA node of the bus file (device role; default:\n"
		"                          as --numa-node, else not bound)\n"
		"      peer_timeout=MS     take a peer that hangs (stopped, its pid alive)\n"
		"                          for lost after MS milliseconds without a sign of\n"
		"                          it: the shm heartbeat, or PINGs on a bare link\n"
		"                          (0 off, the default; 10-3600000)\n"
		"      bus=shm|amp         shm: the project's bus file (default); amp: a bare\n"
		"                          AMP link on a plain file used as it is (a QEMU\n"
		"                          ivshmem backing file), with these keys:\n"
		"      offset=N            where the layout starts in the file (default 0)\n"
		"      esize=N, elems=N    element size and count (device role; default 64\n"
		"                          bytes, as many as fit)\n"
		"      layout=v1|v0        the ring layout (default v1; v0: the older spsc\n"
		"                          layout of Arm's amp-pci model, a 4 KiB page per\n"
		"                          queue from offset=, both sides configured alike)\n"
		"      payloads=v2|pre-v2  the payload profile (default v2; pre-v2: the 2026\n"
		"                          Linux and QEMU AMP code)\n"
		"      mem=FILE[@BASE]     the peer's memory: bus address BASE + x is offset x\n"
		"                          of FILE (repeatable; a driver's rings and buffers go\n"
		"                          in the first); none: offsets in the link file\n"
		"      size=N              creates a missing link file of N bytes (device role)\n"
		"  --port pcie:BDF[,KEY=VAL...]\n"
		"                          a PCIe card bound to vfio-pci, at PCI address BDF\n"
		"                          (0000:00:03.0), in the driver role: the card is the\n"
		"                          virtio-net device (doc/pcie.md); keys qp, qsize, dev\n"
		"                          as above, and:\n"
		"      profile=auto|ivshmem|amp-pci|versal  the card (default auto: by PCI ID)\n"
		"      placement=default|bar|host  where the link lives: the card's BAR, or\n"
		"                          host memory the card reaches by DMA (default: the\n"
		"                          profile's: ivshmem and amp-pci bar, versal host);\n"
		"                          the virtqueues are in host DMA memory either way\n"
		"      layout=default|v1|v0  the link's layout (default: the profile's: v1,\n"
		"                          versal v0); never guessed from the card\n"
		"      iova=va|pa          va (default): the IOMMU maps DMA memory where the\n"
		"                          driver chooses; pa: at its physical address (the\n"
		"                          project's test card in a QEMU guest; needs root)\n"
		"      notify=poll|event   the card's doorbells: poll (default) uses none;\n"
		"                          event rings its doorbell register after each frame\n"
		"                          and arms its MSI-X vector\n"
		"      payloads=v2|pre-v2  the payload profile the card speaks (default v2)\n"
		"      peer_timeout=MS     take a card that stops answering PING for lost\n"
		"                          after MS milliseconds (0 off, the default)\n"
		"  --port dpdk:ID|NAME[,qp=N][,qsize=N][,numa=N]\n"
		"                          a DPDK ethdev by port id or device name (needs --dpdk)\n"
		"                          numa=N: socket of its mbuf pool and rings (default:\n"
		"                          as --numa-node, else the device's socket)\n"
		"  --peer A:B              pair ports A and B (repeatable; A:A sends back out of "
		"A)\n"
		"\n"
		"Forwarding:\n"
		"  --mode M                io (default), macswap (swap Ethernet addresses),\n"
		"                          txonly (generate), rxonly (receive and free)\n"
		"  --cpus LIST             CPUs of the forwarding threads, e.g. 0,1 or 2-5: one\n"
		"                          per thread, in order (default: the allowed CPUs in "
		"turn)\n"
		"  --burst N               packets per burst, 1-32 (default 32)\n"
		"  --retries N             tries to send held packets before dropping them,\n"
		"                          0-1000000 (default 64)\n"
		"  --max-pkt-len N         largest frame carried, 64-65535 (default: the largest\n"
		"                          mtu= of the device-role ports + 18, at least 1518;\n"
		"                          a driver-role port warns when its device's MTU\n"
		"                          needs more)\n"
		"  --txpkt-len N           txonly frame length, 60-max-pkt-len (default 64)\n"
		"  --idle-sleep US         an idle thread sleeps US microseconds after 256 empty\n"
		"                          polls, 0-100000 (default 0: always spin)\n"
		"\n"
		"Run:\n"
		"  --stats-period S        statistics every S seconds, 0 = off (default 1)\n"
		"  --duration S            stop after S seconds (default 0: at SIGINT/SIGTERM)\n"
		"  --hugepages auto|none|require\n"
		"                          auto: hugetlbfs, else shared memory with a warning\n"
		"                          (default); none: bare names go to /dev/shm; require:\n"
		"                          fail without hugepages\n"
		"  --numa-node N           default NUMA node of device-role bus files and DPDK\n"
		"                          ports' memory (a port's numa= wins; driver-role\n"
		"                          ports map the file where its creator put it)\n"
		"  --keep                  keep the bus files this process created at exit\n"
		"  --dpdk \"EAL ARGS\"       start DPDK's EAL with these arguments (or put them\n"
		"                          after --), e.g. \"-l 0 --no-huge --vdev=net_ring0\"\n"
		"  --help, --version\n"
		"\n"
		"Exit status: 0 after a clean stop, 1 when set-up failed, 2 for bad usage.\n");
}

static int bad(const char *opt, const char *val, const char *expect)
{
	fprintf(stderr, FWD_NAME ": %s %s: expected %s\n", opt, val, expect);
	return -FWD_EXIT_USAGE;
}

static int parse_secs(const char *s, double hi, double *out)
{
	char *end;
	double v;

	if (s == NULL || ((*s < '0' || *s > '9') && *s != '.'))
		return -1;
	errno = 0;
	v = strtod(s, &end);
	if (errno != 0 || *end != '\0' || !isfinite(v) || v < 0 || v > hi)
		return -1;
	*out = v;
	return 0;
}

static unsigned int hex_value(char c)
{
	return c <= '9' ? (unsigned int)(c - '0')
			: (unsigned int)(tolower((unsigned char)c) - 'a' + 10);
}

/* XX:XX:XX:XX:XX:XX, each byte exactly two hex digits (no sign, no 0x). */
static int parse_mac(const char *s, uint8_t mac[6])
{
	const char *b;
	int i;

	if (strlen(s) != 17)
		return -1;
	for (i = 0; i < 6; i++) {
		b = s + 3 * i;
		if (!isxdigit((unsigned char)b[0]) || !isxdigit((unsigned char)b[1]) ||
		    (i < 5 && b[2] != ':'))
			return -1;
	}
	for (i = 0; i < 6; i++) {
		b = s + 3 * i;
		mac[i] = (uint8_t)(hex_value(b[0]) << 4 | hex_value(b[1]));
	}
	return 0;
}

static int port_err(const char *spec, const char *what)
{
	fprintf(stderr, FWD_NAME ": --port %s: %s\n", spec, what);
	return -FWD_EXIT_USAGE;
}

/*
 * A NUMA node number that exists on this machine (sysfs; a kernel without
 * NUMA has node 0 only): 0, or -1 after a message naming @p opt and @p val.
 */
static int parse_numa(const char *opt, const char *val, int *out)
{
	char path[64], nodes[128] = "0";
	uint64_t v;
	FILE *f;

	if (vmsg_util_parse_u64(val, 10, 0, 0, 1023, &v) < 0) {
		fprintf(stderr, FWD_NAME ": %s%s: expected a NUMA node number, 0-1023\n", opt, val);
		return -1;
	}
	snprintf(path, sizeof(path), "/sys/devices/system/node/node%u", (unsigned int)v);
	if (access(path, F_OK) != 0 && (v != 0 || access("/sys/devices/system/node", F_OK) == 0)) {
		f = fopen("/sys/devices/system/node/online", "re");
		if (f != NULL) {
			if (fgets(nodes, sizeof(nodes), f) == NULL)
				snprintf(nodes, sizeof(nodes), "unknown");
			nodes[strcspn(nodes, "\n")] = '\0';
			fclose(f);
		}
		fprintf(stderr, FWD_NAME ": %s%s: no NUMA node %u on this machine (nodes: %s)\n",
			opt, val, (unsigned int)v, nodes);
		return -1;
	}
	*out = (int)v;
	return 0;
}

/*
 * A keyword value: its index in @p names (NULL-terminated; the order of the
 * enum it stands for), or -1.
 */
static int keyword(const char *val, const char *const *names)
{
	int i;

	for (i = 0; names[i] != NULL; i++)
		if (strcmp(val, names[i]) == 0)
			return i;
	return -1;
}

/* enum rte_vmsg_payloads, by name. */
static const char *const payload_names[] = { "v2", "pre-v2", NULL };
_Static_assert(RTE_VMSG_PAYLOADS_V2 == 0 && RTE_VMSG_PAYLOADS_PRE_V2 == 1, "payload_names");
_Static_assert(RTE_VMSG_AMP_LAYOUT_V1 == 0 && RTE_VMSG_AMP_LAYOUT_V0 == 1, "layout names");

/* Says what is wrong with a bare-link key and marks it (*@p have = -1). */
static int amp_bad(const char *spec, const char *what, int *have)
{
	(void)port_err(spec, what);
	*have = -1;
	return 1;
}

/*
 * The keys of a bare AMP link (bus=amp, ...). Returns 0 when @p kv is not one
 * of them; 1 when it is, with *@p have set to 1, or to -1 after saying what
 * is wrong with the value.
 */
static int amp_key(const char *spec, struct fwd_port *p, const char *kv, char *val, int *have)
{
	uint64_t v;
	char *at;

	if (strcmp(kv, "bus") == 0) {
		if (strcmp(val, "shm") == 0)
			p->bus_kind = FWD_BUS_SHM;
		else if (strcmp(val, "amp") == 0)
			p->bus_kind = FWD_BUS_AMP;
		else
			return amp_bad(spec, "bus: expected shm or amp", have);
		return 1; /* not an amp key by itself: bus=shm is the default */
	}
	if (strcmp(kv, "offset") == 0) {
		if (vmsg_util_parse_u64(val, 0, 0, 0, UINT64_MAX / 2, &v) < 0 || (v & 63u) != 0)
			return amp_bad(spec,
				       "offset: expected a multiple of 64 "
				       "(where the layout starts in the file)",
				       have);
		p->offset = v;
	} else if (strcmp(kv, "esize") == 0) {
		if (vmsg_util_parse_u64(val, 10, 0, 64, 32768, &v) < 0 || (v & (v - 1)) != 0)
			return amp_bad(spec,
				       "esize: expected a power of two from 64 "
				       "to 32768",
				       have);
		p->esize = (uint32_t)v;
	} else if (strcmp(kv, "elems") == 0) {
		if (vmsg_util_parse_u64(val, 10, 0, 2, 65535, &v) < 0)
			return amp_bad(spec, "elems: expected 2 to 65535", have);
		p->elems = (uint32_t)v;
	} else if (strcmp(kv, "layout") == 0) {
		static const char *const names[] = { "v1", "v0",
						     NULL }; /* enum rte_vmsg_amp_layout */
		int k = keyword(val, names);

		if (k < 0)
			return amp_bad(spec, "layout: expected v1 or v0", have);
		p->layout = (uint32_t)k;
	} else if (strcmp(kv, "payloads") == 0) {
		int k = keyword(val, payload_names);

		if (k < 0)
			return amp_bad(spec, "payloads: expected v2 or pre-v2", have);
		p->payloads = (uint32_t)k;
	} else if (strcmp(kv, "size") == 0) {
		if (vmsg_util_parse_u64(val, 0, 0, 4096, (uint64_t)1 << 40, &v) < 0)
			return amp_bad(spec, "size: expected 4096 bytes to 1 TiB", have);
		p->size = v;
	} else if (strcmp(kv, "mem") == 0) {
		if (p->nmem == FWD_MAX_MEM)
			return amp_bad(spec, "mem: at most 8 files", have);
		at = strrchr(val, '@');
		v = 0;
		if (at != NULL) {
			*at++ = '\0';
			if (vmsg_util_parse_u64(at, 0, 0, 0, UINT64_MAX / 2, &v) < 0)
				return amp_bad(spec,
					       "mem: expected FILE[@BASE], BASE a "
					       "bus address such as 0x40000000",
					       have);
		}
		if (val[0] == '\0' || strlen(val) >= FWD_PATH_MAX)
			return amp_bad(spec, "mem: expected FILE[@BASE]", have);
		snprintf(p->mem[p->nmem], sizeof(p->mem[0]), "%s", val);
		p->mem_base[p->nmem++] = v;
	} else {
		return 0;
	}
	if (*have == 0)
		*have = 1;
	return 1;
}

/* The bare link's keys go with bus=amp; a driver there needs mem= for its rings. */
static int amp_check(const char *spec, const struct fwd_port *p, int have)
{
	if (p->bus_kind != FWD_BUS_AMP) {
		if (have > 0)
			return port_err(spec,
					"offset, esize, elems, layout, payloads, mem and size "
					"are for bus=amp (a bare AMP link)");
		return 0;
	}
	if (p->layout == RTE_VMSG_AMP_LAYOUT_V0 &&
	    (p->elems != 0 || (p->esize != 0 && p->esize != 64)))
		return port_err(spec, "layout=v0 has 64-byte slots, as many as a 4 KiB page holds "
				      "(no esize or elems)");
	if (p->role == RTE_VMSG_BUS_DRIVER && (p->esize != 0 || p->elems != 0 || p->size != 0))
		return port_err(spec, "esize, elems and size are for role=device (it writes the "
				      "layout; a driver takes them from it)");
	if (p->role == RTE_VMSG_BUS_DRIVER && p->nmem == 0)
		return port_err(spec, "role=driver with bus=amp needs mem=FILE[@BASE] for its "
				      "virtqueues and buffers");
	if (p->numa >= 0)
		return port_err(spec, "numa is for bus=shm (a bare link uses the file as it is)");
	return 0;
}

/*
 * The keys only a pcie port takes (profile, placement, layout, iova, notify,
 * payloads).
 * Returns 0 when @p kv is not one of them, 1 when it is and its value is
 * good, -1 after saying what is wrong.
 */
static int pcie_key(const char *spec, struct fwd_port *p, const char *kv, const char *val)
{
	/* The orders of enum rte_vmsg_pcie_profile, _placement and _notify. */
	static const char *const profiles[] = { "auto", "ivshmem", "amp-pci", "versal", NULL };
	static const char *const placements[] = { "default", "bar", "host", NULL };
	static const char *const layouts[] = { "default", "v1", "v0", NULL };
	static const char *const iovas[] = { "va", "pa", NULL };
	static const char *const notifies[] = { "poll", "event", NULL };
	int k;

	if (strcmp(kv, "profile") == 0) {
		if ((k = keyword(val, profiles)) < 0)
			return port_err(spec, "profile: expected auto, ivshmem, amp-pci or versal");
		p->pcie_profile = (uint32_t)k;
	} else if (strcmp(kv, "placement") == 0) {
		if ((k = keyword(val, placements)) < 0)
			return port_err(spec, "placement: expected default, bar or host");
		p->pcie_placement = (uint32_t)k;
	} else if (strcmp(kv, "layout") == 0) {
		if ((k = keyword(val, layouts)) < 0)
			return port_err(spec, "layout: expected default, v1 or v0");
		p->pcie_layout = (uint32_t)k; /* enum rte_vmsg_pcie_layout */
	} else if (strcmp(kv, "iova") == 0) {
		if ((k = keyword(val, iovas)) < 0)
			return port_err(spec, "iova: expected va or pa");
		p->pcie_iova_pa = k == 1;
	} else if (strcmp(kv, "notify") == 0) {
		if ((k = keyword(val, notifies)) < 0)
			return port_err(spec, "notify: expected poll or event");
		p->pcie_notify = (uint32_t)k;
	} else if (strcmp(kv, "payloads") == 0) {
		if ((k = keyword(val, payload_names)) < 0)
			return port_err(spec, "payloads: expected v2 or pre-v2");
		p->payloads = (uint32_t)k;
	} else {
		return 0;
	}
	return 1;
}

/* Parses "vmsg:k=v,..." or "dpdk:NAME,k=v". */
/* ... or "pcie:BDF,k=v". */
static int parse_port(struct fwd_cfg *cfg, const char *spec)
{
	struct fwd_port *p;
	char buf[1024], *rest, *kv, nopt[FWD_PATH_MAX + 32];
	const char *seen[64]; /* the keys given so far (mem= aside) */
	uint32_t nseen = 0, i;
	int have_role = 0, have_mtu = 0, have_notify = 0, is_dpdk, is_pcie = 0;
	int have_amp = 0; /* bus=amp keys seen: 1; a bad one: -1 */
	uint64_t v;

	if (cfg->nports >= FWD_MAX_PORTS)
		return bad("--port", spec, "at most 16 ports");
	if (strlen(spec) >= sizeof(buf) || strlen(spec) >= FWD_PATH_MAX)
		return port_err(spec, "too long");
	p = &cfg->ports[cfg->nports];
	memset(p, 0, sizeof(*p));
	p->index = cfg->nports;
	p->peer = -1;
	p->qp = 1;
	p->qsize = 256;
	p->mtu = 1500;
	p->dev_num = 1;
	p->role = RTE_VMSG_BUS_DEVICE;
	p->notify = RTE_VMSG_NET_NOTIFY_POLL;
	p->numa = -1;
	snprintf(p->spec, sizeof(p->spec), "%s", spec);
	if (strncmp(spec, "vmsg:", 5) == 0) {
		is_dpdk = 0;
		snprintf(buf, sizeof(buf), "%s", spec + 5);
	} else if (strncmp(spec, "dpdk:", 5) == 0) {
		is_dpdk = 1;
		snprintf(buf, sizeof(buf), "%s", spec + 5);
	} else if (strncmp(spec, "pcie:", 5) == 0) {
		is_dpdk = 0;
		is_pcie = 1;
		snprintf(buf, sizeof(buf), "%s", spec + 5);
	} else {
		return port_err(spec, "expected vmsg:KEY=VAL,..., pcie:BDF[,KEY=VAL...] or "
				      "dpdk:ID|NAME");
	}
	p->kind = is_dpdk ? FWD_PORT_DPDK : FWD_PORT_VMSG;
	/* Split at each ',' (strsep: an empty item stays one, and is refused below). */
	rest = buf;
	kv = buf[0] != '\0' || is_pcie || is_dpdk ? strsep(&rest, ",") : NULL;
	if (is_pcie) {
		/* A card through VFIO: this side drives it; the card is the device. */
		if (!fwd_pcie_available())
			return port_err(spec, "this vmsg-fwd was built without the PCIe driver "
					      "(drivers/pcie_amp)");
		if (kv == NULL || fwd_pcie_addr(kv, p->file) < 0)
			return port_err(spec, "expected a PCI address such as 0000:00:03.0 after "
					      "pcie:");
		p->bus_kind = FWD_BUS_PCIE;
		p->role = RTE_VMSG_BUS_DRIVER;
		kv = strsep(&rest, ",");
	}
	if (is_dpdk) {
		if (kv == NULL || kv[0] == '\0' || strchr(kv, '=') != NULL)
			return port_err(spec, "expected a DPDK port id or device name after dpdk:");
		snprintf(p->dpdk_name, sizeof(p->dpdk_name), "%s", kv);
		kv = strsep(&rest, ",");
	}
	for (; kv != NULL; kv = strsep(&rest, ",")) {
		char *val = strchr(kv, '=');
		char msg[300];

		if (kv[0] == '\0')
			return port_err(spec, "an empty item (two commas in a row, or one at the "
					      "start or the end)");
		if (val == NULL) {
			snprintf(msg, sizeof(msg), "'%s': expected KEY=VALUE", kv);
			return port_err(spec, msg);
		}
		*val++ = '\0';
		if (kv[0] == '\0') {
			snprintf(msg, sizeof(msg), "'=%s': a value without a key", val);
			return port_err(spec, msg);
		}
		/* One value a key: a second would silently win. mem= lists files. */
		if (strcmp(kv, "mem") != 0) {
			for (i = 0; i < nseen; i++)
				if (strcmp(seen[i], kv) == 0) {
					snprintf(msg, sizeof(msg),
						 "'%s' given twice (each key once; only mem= "
						 "repeats)",
						 kv);
					return port_err(spec, msg);
				}
			if (nseen < sizeof(seen) / sizeof(seen[0]))
				seen[nseen++] = kv;
		}
		if (strcmp(kv, "qp") == 0) {
			if (vmsg_util_parse_u64(val, 10, 0, 1, FWD_MAX_QP, &v) < 0)
				return port_err(spec, "qp: expected 1 to 64 queue pairs");
			p->qp = (uint32_t)v;
		} else if (strcmp(kv, "qsize") == 0) {
			if (vmsg_util_parse_u64(val, 10, 0, 2, 32768, &v) < 0 || (v & (v - 1)) != 0)
				return port_err(spec,
						"qsize: expected a power of two from 2 to 32768");
			p->qsize = (uint32_t)v;
		} else if (!is_dpdk && strcmp(kv, "peer_timeout") == 0) {
			if (vmsg_util_parse_u64(val, 10, 0, 0, RTE_VMSG_BUS_PEER_TIMEOUT_MAX_MS,
						&v) < 0 ||
			    (v != 0 && v < RTE_VMSG_BUS_PEER_TIMEOUT_MIN_MS))
				return port_err(spec, "peer_timeout: expected 0 (off) or 10 to "
						      "3600000 milliseconds");
			p->peer_timeout_ms = (uint32_t)v;
		} else if (is_pcie && strcmp(kv, "dev") == 0) {
			if (vmsg_util_parse_u64(val, 10, 0, 0, 65535, &v) < 0)
				return port_err(spec,
						"dev: expected a device number from 0 to 65535");
			p->dev_num = (uint16_t)v;
		} else if (is_pcie) {
			int k = pcie_key(spec, p, kv, val);

			if (k < 0)
				return -FWD_EXIT_USAGE;
			if (k == 0) {
				snprintf(msg, sizeof(msg),
					 "unknown key '%s' (a pcie port takes qp, qsize, dev, "
					 "profile, placement, layout, iova, notify, payloads, "
					 "peer_timeout)",
					 kv);
				return port_err(spec, msg);
			}
		} else if (strcmp(kv, "numa") == 0) {
			snprintf(nopt, sizeof(nopt), "--port %s: numa=", spec);
			if (parse_numa(nopt, val, &p->numa) < 0)
				return -FWD_EXIT_USAGE;
		} else if (is_dpdk) {
			snprintf(msg, sizeof(msg),
				 "unknown key '%s' (a dpdk port takes qp, qsize, numa)", kv);
			return port_err(spec, msg);
		} else if (strcmp(kv, "role") == 0) {
			if (strcmp(val, "device") == 0)
				p->role = RTE_VMSG_BUS_DEVICE;
			else if (strcmp(val, "driver") == 0)
				p->role = RTE_VMSG_BUS_DRIVER;
			else
				return port_err(spec, "role: expected device or driver");
			have_role = 1;
		} else if (strcmp(kv, "file") == 0) {
			if (val[0] == '\0')
				return port_err(spec, "file: empty");
			snprintf(p->file, sizeof(p->file), "%s", val);
		} else if (strcmp(kv, "notify") == 0) {
			if (strcmp(val, "poll") == 0)
				p->notify = RTE_VMSG_NET_NOTIFY_POLL;
			else if (strcmp(val, "event") == 0)
				p->notify = RTE_VMSG_NET_NOTIFY_EVENT;
			else
				return port_err(spec, "notify: expected poll or event");
			have_notify = 1;
		} else if (strcmp(kv, "mac") == 0) {
			if (parse_mac(val, p->mac) < 0)
				return port_err(spec, "mac: expected six bytes of two hex digits "
						      "each, separated by ':', such as "
						      "02:00:00:00:00:01");
			if (p->mac[0] & 1u)
				return port_err(spec, "mac: a multicast address (the first byte is "
						      "odd); a device needs a unicast one");
			if (memcmp(p->mac, "\0\0\0\0\0\0", 6) == 0)
				return port_err(spec, "mac: 00:00:00:00:00:00 is not an address");
			p->have_mac = 1;
		} else if (strcmp(kv, "mtu") == 0) {
			if (vmsg_util_parse_u64(val, 10, 0, 68, 65535, &v) < 0)
				return port_err(spec, "mtu: expected 68 to 65535");
			p->mtu = (uint16_t)v;
			have_mtu = 1;
		} else if (strcmp(kv, "zerocopy") == 0) {
			if (strcmp(val, "0") != 0 && strcmp(val, "1") != 0)
				return port_err(spec, "zerocopy: expected 0 or 1");
			p->zerocopy = val[0] == '1';
		} else if (strcmp(kv, "ring") == 0 || strcmp(kv, "in_order") == 0) {
			/* Which virtqueue features the port offers (device) or wants (driver). */
			static const char *const rings[] = { "split", "packed", NULL };
			static const char *const bools[] = { "0", "1", NULL };
			int packed = strcmp(kv, "ring") == 0;
			uint64_t bit = 1ull << (packed ? RTE_VMSG_VIRTIO_F_RING_PACKED
						       : RTE_VMSG_VIRTIO_F_IN_ORDER);
			int k = keyword(val, packed ? rings : bools);

			if (k < 0)
				return port_err(spec, packed ? "ring: expected split or packed"
							     : "in_order: expected 0 or 1");
			if (k != 0) {
				p->ring_off &= ~bit;
				p->ring_on |= bit;
			} else {
				p->ring_off |= bit;
				p->ring_on &= ~bit;
			}
		} else if (strcmp(kv, "dev") == 0) {
			if (vmsg_util_parse_u64(val, 10, 0, 0, 65535, &v) < 0)
				return port_err(spec,
						"dev: expected a device number from 0 to 65535");
			p->dev_num = (uint16_t)v;
		} else if (amp_key(spec, p, kv, val, &have_amp) != 0) {
			if (have_amp < 0)
				return -FWD_EXIT_USAGE;
		} else {
			snprintf(msg, sizeof(msg),
				 "unknown key '%s' (keys: role, file, qp, qsize, notify, ring, "
				 "in_order, mac, mtu, zerocopy, dev, numa, peer_timeout; bus, "
				 "offset, esize, elems, layout, payloads, mem, size)",
				 kv);
			return port_err(spec, msg);
		}
	}
	(void)have_role;
	if (is_pcie) {
		uint64_t dma = fwd_pcie_dma_bytes(p);

		if (dma > FWD_PCIE_DMA_MAX) {
			char why[160];

			snprintf(why, sizeof(why),
				 "qp=%u, qsize=%u need %" PRIu64 " MiB of DMA memory, more than "
				 "a card's 1024 MiB: ask for fewer or smaller queues",
				 p->qp, p->qsize, dma >> 20);
			return port_err(spec, why);
		}
		cfg->nports++;
		return 0;
	}
	if (!is_dpdk) {
		if (p->file[0] == '\0')
			return port_err(spec, "file=PATH is required");
		if (amp_check(spec, p, have_amp) < 0)
			return -FWD_EXIT_USAGE;
		if (p->role == RTE_VMSG_BUS_DRIVER) {
			if (p->have_mac || have_mtu)
				return port_err(spec, "mac and mtu are for role=device (a driver "
						      "takes them from the device)");
			if (p->zerocopy)
				return port_err(spec, "zerocopy is for role=device (room for a "
						      "zero-copy driver's buffers)");
			if (have_notify && p->notify != RTE_VMSG_NET_NOTIFY_POLL)
				return port_err(
					spec, "notify=event is for role=device only (a driver-role "
					      "port polls: its pair threads send no message)");
			if (p->numa >= 0)
				return port_err(spec,
						"numa is for role=device (a driver-role port "
						"maps the file where the device that created it "
						"placed it)");
		}
		if (!p->have_mac) {
			memcpy(p->mac, "\x02\x00\x00\x00\x00\x00", 6);
			p->mac[5] = (uint8_t)(p->index + 1);
		}
	}
	cfg->nports++;
	return 0;
}

static int parse_peer(struct fwd_cfg *cfg, const char *s, uint32_t pairs[][2], uint32_t *npairs)
{
	char a[32], b[32];
	const char *colon = strchr(s, ':');
	uint64_t va, vb;

	if (colon == NULL || (size_t)(colon - s) >= sizeof(a) || strlen(colon + 1) >= sizeof(b))
		return bad("--peer", s, "A:B, two port numbers");
	memcpy(a, s, (size_t)(colon - s));
	a[colon - s] = '\0';
	snprintf(b, sizeof(b), "%s", colon + 1);
	if (vmsg_util_parse_u64(a, 10, 0, 0, FWD_MAX_PORTS - 1, &va) < 0 ||
	    vmsg_util_parse_u64(b, 10, 0, 0, FWD_MAX_PORTS - 1, &vb) < 0)
		return bad("--peer", s, "A:B, two port numbers");
	if (*npairs >= FWD_MAX_PORTS)
		return bad("--peer", s, "at most 16 pairs");
	(void)cfg;
	pairs[*npairs][0] = (uint32_t)va;
	pairs[*npairs][1] = (uint32_t)vb;
	(*npairs)++;
	return 0;
}

/* "0,1", "2-5", "0-1,4": into cfg->cpus, in order. */
static int parse_cpus(struct fwd_cfg *cfg, const char *s)
{
	const char *c = s;
	char *end;
	long a, b, x;

	cfg->ncpus = 0;
	while (*c != '\0') {
		if (*c < '0' || *c > '9')
			goto badlist;
		a = strtol(c, &end, 10);
		b = a;
		if (*end == '-') {
			c = end + 1;
			if (*c < '0' || *c > '9')
				goto badlist;
			b = strtol(c, &end, 10);
			if (b < a)
				goto badlist;
		}
		if (a < 0 || b >= CPU_SETSIZE) {
			fprintf(stderr, FWD_NAME ": --cpus %s: CPU numbers go from 0 to %d\n", s,
				CPU_SETSIZE - 1);
			return -FWD_EXIT_USAGE;
		}
		for (x = a; x <= b; x++) {
			uint32_t i;

			if (cfg->ncpus >= FWD_MAX_THREADS)
				return bad("--cpus", s, "at most 256 CPUs");
			for (i = 0; i < cfg->ncpus; i++)
				if (cfg->cpus[i] == (int)x) {
					fprintf(stderr,
						FWD_NAME
						": --cpus %s: CPU %ld is listed twice (one "
						"thread per CPU)\n",
						s, x);
					return -FWD_EXIT_USAGE;
				}
			cfg->cpus[cfg->ncpus++] = (int)x;
		}
		if (*end == ',') {
			end++;
			if (*end == '\0')
				goto badlist; /* "0,": a list cut short */
		} else if (*end != '\0') {
			goto badlist;
		}
		c = end;
	}
	if (cfg->ncpus == 0)
		goto badlist;
	cfg->have_cpus = 1;
	return 0;
badlist:
	return bad("--cpus", s, "a CPU list such as 0,1 or 2-5 or 0-1,4");
}

/* @p path with its directory resolved (links, "..", "//") when that exists. */
static void path_norm(const char *path, char *out, size_t cap)
{
	const char *slash = strrchr(path, '/'), *name = slash != NULL ? slash + 1 : path;
	char dir[PATH_MAX], real[PATH_MAX];

	vmsg_util_dir_of(path, dir, sizeof(dir));
	/* Too long a result keeps the path as given (compared as it is). */
	if (realpath(dir, real) == NULL ||
	    snprintf(out, cap, "%s%s%s", real, strcmp(real, "/") == 0 ? "" : "/", name) >= (int)cap)
		snprintf(out, cap, "%s", path);
}

static int dir_is_tmpfs(const char *path)
{
	char dir[PATH_MAX];
	struct statfs st;

	vmsg_util_dir_of(path, dir, sizeof(dir));
	return statfs(dir, &st) == 0 && st.f_type == TMPFS_MAGIC;
}

/*
 * The places the file of vmsg port @p p can be, as the library puts it
 * (rte_vmsg_region_opts.path; creating and attaching look in the same
 * places): a bare name in the hugetlbfs mount (not with --hugepages none)
 * and in /dev/shm; a path where it is and, unless its directory is a
 * tmpfs, /dev/shm/<its last component>, where it goes without hugepages
 * (never with --hugepages require). bus=amp: the file as it is. Returns
 * how many (1 or 2), written at @p out.
 */
static int file_places(const struct fwd_cfg *cfg, const struct fwd_port *p, char out[2][PATH_MAX])
{
	int none = strcmp(cfg->hugepages, "none") == 0, n = 0;
	int require = strcmp(cfg->hugepages, "require") == 0;
	const char *slash = strrchr(p->file, '/');
	char mnt[PATH_MAX], tmp[2 * PATH_MAX];

	if (p->bus_kind == FWD_BUS_AMP) {
		path_norm(p->file, out[0], PATH_MAX);
		return 1;
	}
	if (slash == NULL) {
		if (!none && rte_vmsg_hugetlbfs_find(mnt, sizeof(mnt)) == 0) {
			snprintf(tmp, sizeof(tmp), "%s/%s", mnt, p->file);
			path_norm(tmp, out[n++], PATH_MAX);
		}
		if (!require || n == 0) {
			snprintf(tmp, sizeof(tmp), "/dev/shm/%s", p->file);
			path_norm(tmp, out[n++], PATH_MAX);
		}
		return n;
	}
	path_norm(p->file, out[n++], PATH_MAX);
	if (!require && !dir_is_tmpfs(p->file)) {
		snprintf(tmp, sizeof(tmp), "/dev/shm/%s", slash + 1);
		path_norm(tmp, out[n++], PATH_MAX);
	}
	return n;
}

/*
 * Whether vmsg ports @p a and @p b can use the same file (or card): a place
 * in common, or two places that are one existing file (st_dev, st_ino: a
 * hard or symbolic link). The place is written at @p where.
 */
static int same_file(const struct fwd_cfg *cfg, const struct fwd_port *a, const struct fwd_port *b,
		     char *where, size_t cap)
{
	static char pa[2][PATH_MAX], pb[2][PATH_MAX];
	struct stat sa, sb;
	int na, nb, i, j;

	if (a->bus_kind == FWD_BUS_PCIE || b->bus_kind == FWD_BUS_PCIE) {
		snprintf(where, cap, "%s", a->file);
		return a->bus_kind == b->bus_kind && strcmp(a->file, b->file) == 0;
	}
	na = file_places(cfg, a, pa);
	nb = file_places(cfg, b, pb);
	for (i = 0; i < na; i++)
		for (j = 0; j < nb; j++) {
			if (strcmp(pa[i], pb[j]) != 0 &&
			    (stat(pa[i], &sa) != 0 || stat(pb[j], &sb) != 0 ||
			     sa.st_dev != sb.st_dev || sa.st_ino != sb.st_ino))
				continue;
			if (snprintf(where, cap, "%s", pa[i]) >= (int)cap)
				where[0] = '\0'; /* not said */
			return 1;
		}
	return 0;
}

/* Checks the ports together, pairs them and lays out the threads. */
static int plan(struct fwd_cfg *cfg, uint32_t pairs[][2], uint32_t npairs)
{
	uint32_t i, j, q, nt = 0, maxmtu = 0, n = 0, groups[FWD_MAX_PORTS][2];
	char where[PATH_MAX];
	cpu_set_t allowed;
	int c;

	if (cfg->nports == 0) {
		fprintf(stderr, FWD_NAME ": no --port given (see --help)\n");
		return -FWD_EXIT_USAGE;
	}
	for (i = 0; i < cfg->nports; i++) {
		struct fwd_port *p = &cfg->ports[i];

		if (p->kind == FWD_PORT_DPDK && !fwd_dpdk_available()) {
			fprintf(stderr,
				FWD_NAME ": --port %s: DPDK ports are not in this build (DPDK was "
					 "not found when it was configured)\n",
				p->spec);
			return -FWD_EXIT_USAGE;
		}
		if (p->kind == FWD_PORT_DPDK && !cfg->dpdk_on) {
			fprintf(stderr,
				FWD_NAME ": --port %s: a DPDK port needs --dpdk \"EAL ARGS\"\n",
				p->spec);
			return -FWD_EXIT_USAGE;
		}
		for (j = 0; j < i; j++) {
			const struct fwd_port *o = &cfg->ports[j];

			if (p->kind == FWD_PORT_VMSG && o->kind == FWD_PORT_VMSG &&
			    same_file(cfg, p, o, where, sizeof(where))) {
				fprintf(stderr,
					FWD_NAME ": --port %s: file %s and port %u's %s can be the "
						 "same file, %s (one port per file)\n",
					p->spec, p->file, j, o->file, where);
				return -FWD_EXIT_USAGE;
			}
			if (p->kind == FWD_PORT_DPDK && o->kind == FWD_PORT_DPDK &&
			    strcmp(p->dpdk_name, o->dpdk_name) == 0) {
				fprintf(stderr,
					FWD_NAME ": --port %s: DPDK port %s is given twice\n",
					p->spec, p->dpdk_name);
				return -FWD_EXIT_USAGE;
			}
		}
		if (p->kind == FWD_PORT_VMSG && p->role == RTE_VMSG_BUS_DEVICE && p->mtu > maxmtu)
			maxmtu = p->mtu;
		/* --numa-node is the default of the ports that place memory. */
		if (p->numa < 0 && (p->kind == FWD_PORT_DPDK || p->role == RTE_VMSG_BUS_DEVICE))
			p->numa = cfg->numa_node;
	}
	/* Pairs. */
	if (npairs == 0) {
		if (cfg->nports == 1) {
			pairs[0][0] = pairs[0][1] = 0;
			npairs = 1;
		} else if (cfg->nports % 2 != 0) {
			fprintf(stderr,
				FWD_NAME ": %u ports cannot be paired 0<->1, 2<->3...: give --peer "
					 "A:B for each pair\n",
				cfg->nports);
			return -FWD_EXIT_USAGE;
		} else {
			for (i = 0; i < cfg->nports; i += 2) {
				pairs[npairs][0] = i;
				pairs[npairs][1] = i + 1;
				npairs++;
			}
		}
	}
	for (i = 0; i < npairs; i++) {
		uint32_t a = pairs[i][0], b = pairs[i][1];

		if (a >= cfg->nports || b >= cfg->nports) {
			fprintf(stderr, FWD_NAME ": --peer %u:%u: there are %u ports (0 to %u)\n",
				a, b, cfg->nports, cfg->nports - 1);
			return -FWD_EXIT_USAGE;
		}
		if (cfg->ports[a].peer >= 0 || cfg->ports[b].peer >= 0) {
			fprintf(stderr, FWD_NAME ": --peer %u:%u: port %u already has a peer\n", a,
				b, cfg->ports[a].peer >= 0 ? a : b);
			return -FWD_EXIT_USAGE;
		}
		if (cfg->ports[a].qp != cfg->ports[b].qp) {
			fprintf(stderr,
				FWD_NAME ": ports %u and %u are paired but have %u and %u queue "
					 "pairs (give both the same qp)\n",
				a, b, cfg->ports[a].qp, cfg->ports[b].qp);
			return -FWD_EXIT_USAGE;
		}
		cfg->ports[a].peer = (int)b;
		cfg->ports[b].peer = (int)a;
		groups[n][0] = a;
		groups[n][1] = b;
		n++;
	}
	for (i = 0; i < cfg->nports; i++)
		if (cfg->ports[i].peer < 0) {
			fprintf(stderr, FWD_NAME ": port %u has no peer (add --peer %u:B)\n", i, i);
			return -FWD_EXIT_USAGE;
		}
	/* Packet buffers. */
	if (cfg->buf_cap == 0)
		cfg->buf_cap = (maxmtu + 18u > 1518u ? maxmtu + 18u : 1518u);
	for (i = 0; i < cfg->nports; i++)
		if (cfg->ports[i].kind == FWD_PORT_DPDK && cfg->buf_cap > fwd_dpdk_frame_max()) {
			fprintf(stderr,
				FWD_NAME
				": --port %s: frames of %u bytes (--max-pkt-len, or the "
				"largest mtu= + 18) do not fit one DPDK mbuf (at most %u): "
				"lower them\n",
				cfg->ports[i].spec, cfg->buf_cap, fwd_dpdk_frame_max());
			return -FWD_EXIT_USAGE;
		}
	if (cfg->txpkt_len > cfg->buf_cap) {
		fprintf(stderr, FWD_NAME ": --txpkt-len %u: longer than the largest frame (%u)\n",
			cfg->txpkt_len, cfg->buf_cap);
		return -FWD_EXIT_USAGE;
	}
	/* Threads: queue pair q of each group. */
	for (i = 0; i < n; i++)
		nt += cfg->ports[groups[i][0]].qp;
	if (nt > FWD_MAX_THREADS) {
		fprintf(stderr, FWD_NAME ": %u forwarding threads: at most %u\n", nt,
			FWD_MAX_THREADS);
		return -FWD_EXIT_USAGE;
	}
	if (sched_getaffinity(0, sizeof(allowed), &allowed) != 0) {
		fprintf(stderr, FWD_NAME ": sched_getaffinity: %s\n", strerror(errno));
		return -FWD_EXIT_FAIL;
	}
	if (cfg->have_cpus) {
		if (cfg->ncpus < nt) {
			fprintf(stderr,
				FWD_NAME ": --cpus: %u CPU(s) listed for %u forwarding threads "
					 "(one per queue pair of each port pair)\n",
				cfg->ncpus, nt);
			return -FWD_EXIT_USAGE;
		}
		for (i = 0; i < cfg->ncpus; i++) {
			char path[64];

			snprintf(path, sizeof(path), "/sys/devices/system/cpu/cpu%d", cfg->cpus[i]);
			if (access(path, F_OK) != 0) {
				fprintf(stderr, FWD_NAME ": --cpus: CPU %d does not exist\n",
					cfg->cpus[i]);
				return -FWD_EXIT_USAGE;
			}
			if (!CPU_ISSET(cfg->cpus[i], &allowed)) {
				fprintf(stderr,
					FWD_NAME ": --cpus: CPU %d is not in this process's "
						 "affinity mask (see taskset -p %d)\n",
					cfg->cpus[i], (int)getpid());
				return -FWD_EXIT_USAGE;
			}
		}
	}
	cfg->threads = calloc(nt, sizeof(*cfg->threads));
	if (cfg->threads == NULL)
		return -FWD_EXIT_FAIL;
	cfg->nthreads = nt;
	c = -1;
	for (i = 0, j = 0; i < n; i++) {
		struct fwd_port *a = &cfg->ports[groups[i][0]], *b = &cfg->ports[groups[i][1]];

		for (q = 0; q < a->qp; q++, j++) {
			struct fwd_thread *t = &cfg->threads[j];

			t->q = q;
			t->st[0].in = a;
			t->st[0].out = b;
			t->st[0].q = q;
			t->nstreams = 1;
			if (a != b) {
				t->st[1].in = b;
				t->st[1].out = a;
				t->st[1].q = q;
				t->nstreams = 2;
			}
			if (cfg->have_cpus) {
				t->cpu = cfg->cpus[j];
			} else {
				/* The allowed CPUs in turn. */
				do
					c = (c + 1) % CPU_SETSIZE;
				while (!CPU_ISSET(c, &allowed));
				t->cpu = c;
			}
		}
	}
	return 0;
}

/* ------------------------------------------------------------------------ */

enum {
	OPT_PORT = 256,
	OPT_PEER,
	OPT_MODE,
	OPT_CPUS,
	OPT_BURST,
	OPT_RETRIES,
	OPT_MAXPKT,
	OPT_TXPKT,
	OPT_IDLE,
	OPT_STATS,
	OPT_DURATION,
	OPT_HUGEPAGES,
	OPT_KEEP,
	OPT_NUMA,
	OPT_DPDK,
	OPT_HELP,
	OPT_VERSION,
};

/* Splits "A B C" into words for the EAL (argv[0] first). */
static int split_eal(struct fwd_cfg *cfg, const char *s, int extra_argc, char **extra_argv)
{
	char *copy = strdup(s), *save = NULL, *w;
	int n = 1, i;

	if (copy == NULL)
		return -FWD_EXIT_FAIL;
	cfg->dpdk_argv = calloc(strlen(s) + (size_t)extra_argc + 2, sizeof(char *));
	if (cfg->dpdk_argv == NULL) {
		free(copy);
		return -FWD_EXIT_FAIL;
	}
	cfg->dpdk_argv[0] = (char *)FWD_NAME;
	cfg->dpdk_words = copy;
	for (w = strtok_r(copy, " \t", &save); w != NULL; w = strtok_r(NULL, " \t", &save))
		cfg->dpdk_argv[n++] = w;
	for (i = 0; i < extra_argc; i++)
		cfg->dpdk_argv[n++] = extra_argv[i];
	cfg->dpdk_argc = n;
	return 0;
}

int fwd_parse_args(struct fwd_cfg *cfg, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "port", required_argument, NULL, OPT_PORT },
		{ "peer", required_argument, NULL, OPT_PEER },
		{ "mode", required_argument, NULL, OPT_MODE },
		{ "cpus", required_argument, NULL, OPT_CPUS },
		{ "burst", required_argument, NULL, OPT_BURST },
		{ "retries", required_argument, NULL, OPT_RETRIES },
		{ "max-pkt-len", required_argument, NULL, OPT_MAXPKT },
		{ "txpkt-len", required_argument, NULL, OPT_TXPKT },
		{ "idle-sleep", required_argument, NULL, OPT_IDLE },
		{ "stats-period", required_argument, NULL, OPT_STATS },
		{ "duration", required_argument, NULL, OPT_DURATION },
		{ "hugepages", required_argument, NULL, OPT_HUGEPAGES },
		{ "keep", no_argument, NULL, OPT_KEEP },
		{ "numa-node", required_argument, NULL, OPT_NUMA },
		{ "dpdk", required_argument, NULL, OPT_DPDK },
		{ "help", no_argument, NULL, OPT_HELP },
		{ "version", no_argument, NULL, OPT_VERSION },
		{ NULL, 0, NULL, 0 },
	};
	static uint32_t pairs[FWD_MAX_PORTS][2];
	const char *eal = NULL;
	uint32_t npairs = 0;
	uint64_t v;
	int c, rc;

	opterr = 0;
	while ((c = getopt_long(argc, argv, "+:h", opts, NULL)) != -1) {
		switch (c) {
		case OPT_PORT:
			rc = parse_port(cfg, optarg);
			if (rc < 0)
				return rc;
			break;
		case OPT_PEER:
			rc = parse_peer(cfg, optarg, pairs, &npairs);
			if (rc < 0)
				return rc;
			break;
		case OPT_MODE:
			if (strcmp(optarg, "io") == 0)
				cfg->mode = FWD_MODE_IO;
			else if (strcmp(optarg, "macswap") == 0)
				cfg->mode = FWD_MODE_MACSWAP;
			else if (strcmp(optarg, "txonly") == 0)
				cfg->mode = FWD_MODE_TXONLY;
			else if (strcmp(optarg, "rxonly") == 0)
				cfg->mode = FWD_MODE_RXONLY;
			else
				return bad("--mode", optarg, "io, macswap, txonly or rxonly");
			break;
		case OPT_CPUS:
			rc = parse_cpus(cfg, optarg);
			if (rc < 0)
				return rc;
			break;
		case OPT_BURST:
			if (vmsg_util_parse_u64(optarg, 10, 0, 1, FWD_MAX_BURST, &v) < 0)
				return bad("--burst", optarg, "1 to 32 packets");
			cfg->burst = (uint32_t)v;
			break;
		case OPT_RETRIES:
			if (vmsg_util_parse_u64(optarg, 10, 0, 0, 1000000, &v) < 0)
				return bad("--retries", optarg, "0 to 1000000");
			cfg->retries = (uint32_t)v;
			break;
		case OPT_MAXPKT:
			if (vmsg_util_parse_u64(optarg, 10, 0, 64, 65535, &v) < 0)
				return bad("--max-pkt-len", optarg, "64 to 65535 bytes");
			cfg->buf_cap = (uint32_t)v;
			break;
		case OPT_TXPKT:
			if (vmsg_util_parse_u64(optarg, 10, 0, 60, 65535, &v) < 0)
				return bad("--txpkt-len", optarg, "60 to 65535 bytes");
			cfg->txpkt_len = (uint32_t)v;
			break;
		case OPT_IDLE:
			if (vmsg_util_parse_u64(optarg, 10, 0, 0, 100000, &v) < 0)
				return bad("--idle-sleep", optarg, "0 to 100000 microseconds");
			cfg->idle_us = (uint32_t)v;
			break;
		case OPT_STATS:
			if (parse_secs(optarg, 86400, &cfg->stats_period) < 0 ||
			    (cfg->stats_period > 0 && cfg->stats_period < 0.01))
				return bad("--stats-period", optarg,
					   "0 (off) or 0.01 to 86400 seconds");
			break;
		case OPT_DURATION:
			if (parse_secs(optarg, 31536000, &cfg->duration) < 0)
				return bad("--duration", optarg, "0 (until a signal) or seconds");
			break;
		case OPT_HUGEPAGES:
			if (strcmp(optarg, "auto") != 0 && strcmp(optarg, "none") != 0 &&
			    strcmp(optarg, "require") != 0)
				return bad("--hugepages", optarg, "auto, none or require");
			cfg->hugepages = optarg;
			break;
		case OPT_KEEP:
			cfg->keep = 1;
			break;
		case OPT_NUMA:
			if (parse_numa("--numa-node ", optarg, &cfg->numa_node) < 0)
				return -FWD_EXIT_USAGE;
			break;
		case OPT_DPDK:
			eal = optarg;
			break;
		case OPT_HELP:
		case 'h':
			usage(stdout);
			return 1;
		case OPT_VERSION:
			printf(FWD_NAME " %s (librte_vmsg %s)%s\n", FWD_VERSION, rte_vmsg_version(),
			       fwd_dpdk_available() ? ", with DPDK ports" : "");
			return 1;
		case ':':
			fprintf(stderr, FWD_NAME ": %s needs a value (see --help)\n",
				argv[optind - 1]);
			return -FWD_EXIT_USAGE;
		default:
			/*
			 * A short option: its character (optind need not have
			 * moved past a group such as -xy); a long one: its word.
			 */
			if (optopt > 0 && optopt < 256)
				fprintf(stderr, FWD_NAME ": unknown option -%c (see --help)\n",
					optopt);
			else
				fprintf(stderr, FWD_NAME ": unknown option %s (see --help)\n",
					argv[optind - 1]);
			return -FWD_EXIT_USAGE;
		}
	}
	if (optind < argc) {
		/* After "--": EAL arguments. */
		if (strcmp(argv[optind - 1], "--") != 0) {
			fprintf(stderr, FWD_NAME ": unexpected argument '%s' (see --help)\n",
				argv[optind]);
			return -FWD_EXIT_USAGE;
		}
		if (eal == NULL)
			eal = "";
	}
	if (eal != NULL) {
		if (!fwd_dpdk_available()) {
			fprintf(stderr, FWD_NAME ": --dpdk: DPDK ports are not in this build (DPDK "
						 "was not found when it was configured)\n");
			return -FWD_EXIT_USAGE;
		}
		rc = split_eal(cfg, eal, argc - optind, argv + optind);
		if (rc < 0)
			return rc;
		cfg->dpdk_on = 1;
	}
	return plan(cfg, pairs, npairs);
}
