/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The librte_vmsg authors
 *
 * vhost-ref: runs the vhost-user <-> virtio-user reference alone and prints
 * every virtio-user path by three packet sizes (a test tool for vhost_ref.c).
 */

#define _GNU_SOURCE
#include <errno.h>
#include <math.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vhost_ref.h"
#include "vmsg_util.h"

static void usage(FILE *f)
{
	fprintf(f,
		"usage: vhost-ref [-c A,B] [-s SECONDS] [-p PATH] [-l LEN] [-m MEM] [-t TESTPMD] "
		"[-v]\n"
		"  -c A,B     CPUs: vhost forwards on A, virtio-user on B, two different\n"
		"             CPUs below %d (default 0,1)\n"
		"  -s SECONDS sampled time per measurement, above 0 and at most %d\n"
		"             (default 3: 3 samples)\n"
		"  -p PATH    split, split-inorder, packed-inorder, split-nomrg,\n"
		"             split-inorder-nomrg, split-vec, packed, packed-nomrg,\n"
		"             packed-inorder-nomrg or packed-vec (default: all)\n"
		"  -m MEM     auto (default: hugepages when free), huge or nohuge\n"
		"  -l LEN     packet length, 60..1518 (default: 64, 256 and 1518)\n"
		"  -t TESTPMD dpdk-testpmd to run (default: $VMSG_TESTPMD, then $PATH)\n"
		"  -v         show the commands and testpmd's output\n"
		"Bad usage: one line on stderr, exit 2.\n",
		CPU_SETSIZE, VHOST_REF_SECONDS_MAX);
}

/* One line on stderr for bad usage; the exit status 2. */
static int bad_usage(const char *opt, const char *val, const char *expect)
{
	fprintf(stderr, "vhost-ref: %s '%s': expected %s (see -h)\n", opt, val, expect);
	return 2;
}

/* -c A,B: two different CPUs below CPU_SETSIZE, decimal. */
static int parse_cpus(const char *v, unsigned cpu[2])
{
	const char *comma = strchr(v, ',');
	char a[16];
	uint32_t x, y;

	if (comma == NULL || (size_t)(comma - v) >= sizeof(a))
		return -1;
	memcpy(a, v, (size_t)(comma - v));
	a[comma - v] = '\0';
	if (vmsg_util_parse_u32(a, 10, 0, CPU_SETSIZE - 1, &x) < 0 ||
	    vmsg_util_parse_u32(comma + 1, 10, 0, CPU_SETSIZE - 1, &y) < 0 || x == y)
		return -1;
	cpu[0] = x;
	cpu[1] = y;
	return 0;
}

/* -s SECONDS: a decimal number above 0 and at most VHOST_REF_SECONDS_MAX, the whole word. */
static int parse_seconds(const char *v, double *out)
{
	char *end;
	double d;

	if (v[0] < '0' || v[0] > '9')
		return -1; /* no sign, no blank, no "inf" or "nan" */
	errno = 0;
	d = strtod(v, &end);
	if (errno != 0 || end == v || *end != '\0' || !(d > 0 && d <= VHOST_REF_SECONDS_MAX))
		return -1;
	*out = d;
	return 0;
}

int main(int argc, char **argv)
{
	static const unsigned sizes[] = { 64, 256, 1518 };
	struct vhost_ref_cfg cfg = { .cpu = { 0, 1 }, .seconds = 3 };
	unsigned nsizes = 3;
	uint32_t one_len = 0;
	int one_path = -1, failed = 0;
	char why[512];

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (strcmp(a, "-v") == 0) {
			cfg.verbose = 1;
			continue;
		}
		if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
			usage(stdout);
			return 0;
		}
		if (a[0] != '-' || a[1] == '\0' || a[2] != '\0' || strchr("cslptm", a[1]) == NULL) {
			fprintf(stderr, "vhost-ref: unknown option '%s' (see -h)\n", a);
			return 2;
		}
		if (v == NULL) {
			fprintf(stderr, "vhost-ref: option %s needs a value (see -h)\n", a);
			return 2;
		}
		i++;
		switch (a[1]) {
		case 'c':
			if (parse_cpus(v, cfg.cpu) < 0) {
				char what[64];

				snprintf(what, sizeof(what), "two different CPUs below %d, A,B",
					 CPU_SETSIZE);
				return bad_usage("-c", v, what);
			}
			break;
		case 's':
			if (parse_seconds(v, &cfg.seconds) < 0) {
				char what[64];

				snprintf(what, sizeof(what), "seconds above 0 and at most %d",
					 VHOST_REF_SECONDS_MAX);
				return bad_usage("-s", v, what);
			}
			break;
		case 'l':
			/* vhost_ref_run()'s bounds: testpmd's minimum, one 2048-byte mbuf. */
			if (vmsg_util_parse_u32(v, 10, 60, 1518, &one_len) < 0)
				return bad_usage("-l", v, "a packet length from 60 to 1518");
			break;
		case 't':
			/* Through the environment, so that the availability check sees it too. */
			if (setenv("VMSG_TESTPMD", v, 1) != 0) {
				perror("vhost-ref: setenv");
				return 1;
			}
			break;
		case 'm':
			if (vhost_ref_mem_parse(v) < 0)
				return bad_usage("-m", v, "auto, huge or nohuge");
			cfg.mem = (enum vhost_ref_mem)vhost_ref_mem_parse(v);
			break;
		case 'p':
			for (int p = 0; p < VHOST_REF_NPATHS; p++)
				if (strcmp(v, vhost_ref_path_name((enum vhost_ref_path)p)) == 0)
					one_path = p;
			if (one_path < 0)
				return bad_usage("-p", v, "a virtio-user path listed by -h");
			break;
		default: /* not reached: the letters are checked above */
			return 2;
		}
	}
	if (!vhost_ref_available(why, sizeof(why))) {
		fprintf(stderr, "vhost-ref: cannot run the reference: %s\n", why);
		return 1;
	}
	printf("# vhost-user <-> virtio-user, testpmd %s, CPUs %u,%u, Mpps on the vhost side\n",
	       why, cfg.cpu[0], cfg.cpu[1]);
	printf("%-20s %5s %8s %8s %8s %8s %7s %6s %4s  %s\n", "path", "len", "rx_mpps", "tx_mpps",
	       "rx_min", "rx_max", "bytes", "time_s", "huge", "samples; virtio-user Rx path");
	fflush(stdout);
	for (int p = 0; p < VHOST_REF_NPATHS; p++) {
		if (one_path >= 0 && p != one_path)
			continue;
		for (unsigned k = 0; k < nsizes; k++) {
			struct vhost_ref_result res;
			double lo, hi;
			int rc;

			cfg.path = (enum vhost_ref_path)p;
			cfg.pkt_len = one_len ? one_len : sizes[k];
			rc = vhost_ref_run(&cfg, &res);
			if (rc < 0) {
				printf("%-20s %5u  failed (-%s after %.1f s): %s\n",
				       vhost_ref_path_name(cfg.path), cfg.pkt_len,
				       strerrorname_np(-rc), res.run_s, res.error);
				failed = 1;
			} else {
				lo = hi = res.samples[0];
				for (unsigned i = 1; i < res.nsamples; i++) {
					lo = res.samples[i] < lo ? res.samples[i] : lo;
					hi = res.samples[i] > hi ? res.samples[i] : hi;
				}
				printf("%-20s %5u %8.3f %8.3f %8.3f %8.3f %7.1f %6.1f %4s ",
				       vhost_ref_path_name(cfg.path), cfg.pkt_len, res.rx_mpps,
				       res.tx_mpps, lo, hi, res.pkt_bytes, res.run_s,
				       res.hugepages ? "yes" : "no");
				for (unsigned i = 0; i < res.nsamples; i++)
					printf(" %.3f", res.samples[i]);
				printf("; %s\n", res.rx_path);
			}
			fflush(stdout);
			if (one_len)
				break;
		}
	}
	return failed;
}
