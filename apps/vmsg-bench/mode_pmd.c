/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The librte_vmsg authors
 *
 * net_vmsg_pmd: testpmd over the net_vmsg PMD, measured exactly as the
 * vhost-user reference beside it (vhost_ref.c): two dpdk-testpmd processes
 * with the same EAL and testpmd arguments, one forwarding core each on the
 * bench's two CPUs (each process's main lcore on the other CPU), the same
 * memory (hugepages when the reference has them), mac forwarding,
 * --txd/--rxd 1024; the device-role side (net_vmsg0,role=device,
 * the vhost side's place) creates the bus file and runs `start tx_first 32`
 * and its Rx-pps is read; the driver-role side (the virtio-user side's
 * place) attaches and runs `start`. Only the --vdev strings and the -d of
 * the PMD differ. Four paths, as DPDK's split and packed ones: copying
 * (path 0), and zerocopy=1 on both sides (path 1), where the driver side
 * forwards the mbufs the device wrote, in the DMA area, as virtio-user
 * forwards the mbufs vhost wrote; then both with ring=packed on both sides
 * (paths 2 and 3: packed in-order rings, as virtio-user's packed_vq=1).
 * The ratios take the best at each size, and name it. It reuses
 * vhost_ref_proc.c's process driving.
 *
 * Ratios (ARCHITECTURE §5), from the same run: pmd_mpps_over_vhost_split
 * (64 B, the vhost-user split path), pmd64_mpps_over_dpdk_best and
 * pmd1518_mpps_over_dpdk_best (DPDK's best path at that size).
 */

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bench.h"
#include "vhost_ref_priv.h"

#ifndef VMSG_BENCH_NET_VMSG_PMD
#define VMSG_BENCH_NET_VMSG_PMD ""
#endif

/* The PMD's shared object: $VMSG_NET_VMSG_PMD, else the one of this build. */
static const char *pmd_built(void)
{
	const char *e = getenv("VMSG_NET_VMSG_PMD");

	return e != NULL && e[0] != '\0' ? e : VMSG_BENCH_NET_VMSG_PMD;
}

/* Whether @p path or a folder above it is world-writable (EAL refuses to load it then). */
static int unsafe_place(const char *path)
{
	char d[PATH_MAX], *slash;
	struct stat st;

	if (realpath(path, d) == NULL)
		return 0;
	while ((slash = strrchr(d, '/')) != NULL) {
		*slash = '\0';
		if (stat(d[0] != '\0' ? d : "/", &st) == 0 && (st.st_mode & S_IWOTH))
			return 1;
		if (d[0] == '\0')
			break;
	}
	return 0;
}

/*
 * What testpmd's -d gets: the PMD where it was built, or, when a folder
 * above it is world-writable (a checkout in /tmp), which DPDK's EAL
 * refuses ("directory path /tmp is world-writable and insecure"), a copy
 * in $HOME/.cache/librte_vmsg/pmd (made private). The built one on failure.
 */
static const char *pmd_path(void)
{
	static char copy[PATH_MAX];
	const char *so = pmd_built(), *home = getenv("HOME");
	char dir[PATH_MAX - 32];
	int in, out, ok = 0;
	ssize_t k;
	char buf[65536];

	if (copy[0] != '\0')
		return copy;
	if (so[0] == '\0' || !unsafe_place(so) || home == NULL || home[0] == '\0')
		return so;
	snprintf(dir, sizeof(dir), "%s/.cache", home);
	(void)mkdir(dir, 0700);
	snprintf(dir, sizeof(dir), "%s/.cache/librte_vmsg", home);
	(void)mkdir(dir, 0700);
	snprintf(dir, sizeof(dir), "%s/.cache/librte_vmsg/pmd", home);
	(void)mkdir(dir, 0700);
	if (chmod(dir, 0700) != 0 || unsafe_place(dir))
		return so;
	snprintf(copy, sizeof(copy), "%s/librte_net_vmsg.so", dir);
	in = open(so, O_RDONLY | O_CLOEXEC);
	out = open(copy, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (in >= 0 && out >= 0) {
		ok = 1;
		while ((k = read(in, buf, sizeof(buf))) > 0)
			if (write(out, buf, (size_t)k) != k)
				ok = 0;
		if (k < 0)
			ok = 0;
	}
	if (in >= 0)
		close(in);
	if (out >= 0 && close(out) != 0)
		ok = 0;
	if (!ok)
		copy[0] = '\0';
	return ok ? copy : so;
}

int pmd_usable(char *why, size_t cap)
{
	const char *so = pmd_path();

	if (so[0] == '\0') {
		snprintf(why, cap, "net_vmsg is not in this build (-Dnet_vmsg)");
		return 0;
	}
	if (access(so, R_OK) != 0) {
		snprintf(why, cap, "%s: %s", so, strerror(errno));
		return 0;
	}
	return vhost_usable(why, cap);
}

static double parse_after(const char *s, const char *key, int *ok)
{
	const char *p = strstr(s, key);
	char *end;
	double v;

	*ok = 0;
	if (p == NULL)
		return 0;
	p += strlen(key);
	while (*p == ' ' || *p == '\t')
		p++;
	v = strtod(p, &end);
	*ok = end != p;
	return v;
}

static int rm_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	remove(path);
	return 0;
}

/*
 * The PMD's paths: its default ring (split in-order) copying (0) or with
 * zerocopy=1 (1), then the same over packed in-order rings (ring=packed on
 * both ports, 2 and 3), as DPDK's virtio-user has its packed_vq paths.
 */
static const char *const pmd_paths[BENCH_PMD_NPATHS] = { "copy", "zerocopy", "packed-copy",
							 "packed-zerocopy" };

const char *bench_pmd_path_name(int path)
{
	return path >= 0 && path < BENCH_PMD_NPATHS ? pmd_paths[path] : "?";
}

static int pmd_measure(struct run *r, unsigned cpu0, unsigned cpu1, unsigned len, int path,
		       double secs, double *mpps, unsigned *nsamples)
{
	struct tp *dv = &r->tp[VHOST], *dr = &r->tp[VIRTIO];
	char ld[32], lr[32], md[16], mr[16], vdev_d[256], vdev_r[256], line[64];
	const char *argv_d[VHR_ARGS], *argv_r[VHR_ARGS];
	double samples[VHOST_REF_SAMPLES_MAX], s[VHOST_REF_SAMPLES_MAX];
	unsigned n, i, j;
	long long interval, t0;
	const char *ring = path >= 2 ? ",ring=packed" : "";
	int rc, ok, zc = path & 1;
	char *ans;

	snprintf(ld, sizeof(ld), "%u,%u", cpu1, cpu0);
	snprintf(lr, sizeof(lr), "%u,%u", cpu0, cpu1);
	snprintf(md, sizeof(md), "%u", cpu1);
	snprintf(mr, sizeof(mr), "%u", cpu0);
	/*
	 * zerocopy=1 (paths 1 and 3): the driver side receives into mbufs of
	 * the DMA area and sends them back as they are, as virtio-user posts
	 * its mbufs in the vring; the device side makes room for them
	 * (doc/net_vmsg.md). ring=packed (paths 2 and 3) on both ports: the
	 * driver wants it, the device offers it (it offers every layout by
	 * default; the key on its side only says what the run asks).
	 */
	snprintf(vdev_d, sizeof(vdev_d), "net_vmsg0,file=%s,role=device,qsize=1024,zerocopy=%d%s",
		 r->sock, zc, ring);
	snprintf(vdev_r, sizeof(vdev_r),
		 "net_vmsg0,file=%s,role=driver,qsize=1024,zerocopy=%d,mac=%s%s", r->sock, zc,
		 VIRTIO_MAC, ring);
	/* vhost_ref.c's command line, plus -d PMD. */
	vhr_argv(argv_d, r, pmd_path(), ld, md, dv->prefix, vdev_d, NULL);
	vhr_argv(argv_r, r, pmd_path(), lr, mr, dr->prefix, vdev_r, NULL);
	/* The device side creates the bus file: it goes first, as the vhost side does. */
	rc = vhr_tp_start(r, dv, argv_d);
	if (rc == 0)
		rc = vhr_tp_start(r, dr, argv_r);
	if (rc < 0)
		return rc;
	ans = malloc(16384);
	if (ans == NULL)
		return vhr_fail(r, NULL, -ENOMEM, "out of memory");
	t0 = vhr_now_ms();
	for (;;) {
		rc = vhr_cmd(r, dv, "show port info 0", ans, 16384);
		if (rc < 0)
			goto out;
		if (strstr(ans, "Link status: up") != NULL)
			break;
		if (vhr_now_ms() - t0 > LINK_MS) {
			rc = vhr_fail(r, dv, -ETIMEDOUT, "the net_vmsg link did not come up");
			goto out;
		}
		rc = vhr_pump(r, NULL, NULL, vhr_now_ms() + 200, NULL);
		if (rc < 0)
			goto out;
	}
	snprintf(line, sizeof(line), "set txpkts %u", len);
	if ((rc = vhr_cmd(r, dr, "set fwd mac", NULL, 0)) < 0 ||
	    (rc = vhr_cmd(r, dv, "set fwd mac", NULL, 0)) < 0 ||
	    (rc = vhr_cmd(r, dv, line, NULL, 0)) < 0 ||
	    (rc = vhr_cmd(r, dr, "start", NULL, 0)) < 0 ||
	    (rc = vhr_cmd(r, dv, "start tx_first 32", NULL, 0)) < 0)
		goto out;
	rc = vhr_pump(r, NULL, NULL, vhr_now_ms() + WARMUP_MS, NULL);
	if (rc < 0 || (rc = vhr_cmd(r, dv, "show port stats all", NULL, 0)) < 0)
		goto out;
	n = (unsigned)(secs + 0.5);
	n = n < 3 ? 3 : n > VHOST_REF_SAMPLES_MAX ? VHOST_REF_SAMPLES_MAX : n;
	interval = (long long)(secs * 1000.0 / n);
	for (i = 0; i < n; i++) {
		rc = vhr_pump(r, NULL, NULL, vhr_now_ms() + interval, NULL);
		if (rc < 0 || (rc = vhr_cmd(r, dv, "show port stats all", ans, 16384)) < 0)
			goto out;
		samples[i] = parse_after(ans, "Rx-pps:", &ok) / 1e6;
		if (!ok || samples[i] <= 0) {
			rc = vhr_fail(r, dv, -EIO, "no traffic (Rx-pps) in sample %u", i + 1);
			goto out;
		}
	}
	/* The median, as vhost_ref.c reports. */
	memcpy(s, samples, n * sizeof(*s));
	for (i = 1; i < n; i++)
		for (j = i; j > 0 && s[j - 1] > s[j]; j--) {
			double t = s[j];

			s[j] = s[j - 1];
			s[j - 1] = t;
		}
	*mpps = n % 2 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
	*nsamples = n;
	vhr_cmd(r, dv, "stop", NULL, 0);
	vhr_cmd(r, dr, "stop", NULL, 0);
	/* The driver side quits first: the device side then sees its driver go. */
	for (i = 0; i < 2; i++) {
		struct tp *t = i == 0 ? dr : dv;

		if (send(t->in, "quit\n", 5, MSG_NOSIGNAL) == 5 && vhr_tp_reap(r, t, QUIT_MS)) {
			close(t->in);
			close(t->out);
			t->in = t->out = -1;
		}
	}
	rc = 0;
out:
	free(ans);
	return rc;
}

int pmd_run(struct bench_env *env, struct bench_case *c, struct bench_run *out)
{
	static unsigned seq;
	struct vhost_ref_result res;
	char dir[512];
	unsigned nsamples = 0;
	double mpps = 0;
	struct run r;
	int rc, i;

	memset(&r, 0, sizeof(r));
	memset(&res, 0, sizeof(res));
	r.res = &res;
	for (i = 0; i < 2; i++) {
		r.tp[i].name = i == VHOST ? "net_vmsg device" : "net_vmsg driver";
		r.tp[i].in = r.tp[i].out = -1;
		r.tp[i].bol = 1;
		snprintf(r.tp[i].prefix, sizeof(r.tp[i].prefix), "vmsg-pmdref-%d-%u-%c",
			 (int)getpid(), seq, i == VHOST ? 'd' : 'r');
	}
	{
		static struct vhost_ref_cfg cfg; /* vhr_* read the verbosity and testpmd from it */

		memset(&cfg, 0, sizeof(cfg));
		cfg.verbose = env->cfg->verbose;
		r.cfg = &cfg;
	}
	/* The bus file: a name (hugetlbfs when mounted, else /dev/shm). */
	snprintf(r.sock, sizeof(r.sock), "vmsg-pmdref-%d-%u", (int)getpid(), seq);
	seq++;
	/* The same memory as the vhost-user pair it is read against. */
	vhr_sweep_stale(); /* a killed run's hugepage files go before the count */
	r.huge = env->cfg->dpdk_mem != VHOST_REF_MEM_NOHUGE &&
		 vhost_ref_hugepages(res.mem_why, sizeof(res.mem_why));
	rc = vhr_find_testpmd(NULL, r.testpmd, sizeof(r.testpmd), res.error, sizeof(res.error));
	if (rc == 0 && !r.huge && env->cfg->dpdk_mem == VHOST_REF_MEM_HUGE) {
		snprintf(res.error, sizeof(res.error), "no hugepages for testpmd: %s", res.mem_why);
		rc = -ENOMEM;
	}
	for (i = 0; rc == 0 && i < 2; i++) {
		r.tp[i].buf = malloc(OUT_CAP);
		if (r.tp[i].buf == NULL)
			rc = -ENOMEM;
	}
	if (rc == 0)
		rc = pmd_measure(&r, (unsigned)env->cfg->cpu[0], (unsigned)env->cfg->cpu[1],
				 c->elem_size, c->path, env->cfg->quick ? 1.0 : 1.5, &mpps,
				 &nsamples);
	c->hugepages = r.huge;
	for (i = 0; i < 2; i++) {
		vhr_tp_kill(&r, &r.tp[i]);
		snprintf(dir, sizeof(dir), "/var/run/dpdk/%s", r.tp[i].prefix);
		nftw(dir, rm_entry, 8, FTW_DEPTH | FTW_PHYS);
		vhr_remove_huge_files(r.tp[i].prefix);
		free(r.tp[i].buf);
	}
	snprintf(dir, sizeof(dir), "/dev/hugepages/%s", r.sock);
	unlink(dir);
	snprintf(dir, sizeof(dir), "/dev/shm/%s", r.sock);
	unlink(dir);
	if (rc < 0) {
		snprintf(c->note, sizeof(c->note), "%s",
			 res.error[0] != '\0' ? res.error : strerror(-rc));
		fprintf(stderr, "vmsg-bench: testpmd over net_vmsg %u B: %s\n", c->elem_size,
			c->note);
		return -1;
	}
	c->msg_bytes = c->elem_size;
	out->mps = mpps * 1e6;
	out->nohuge = !r.huge;
	(void)nsamples;
	out->real_ns = (env->cfg->quick ? 1.0 : 1.5) * 1e9; /* the sampled time */
	out->iterations = (uint64_t)(out->mps * out->real_ns / 1e9);
	out->cpu_ns = out->real_ns;
	return 0;
}

static double med_mps(const struct bench_case *c)
{
	return c->runs[c->median].mps;
}

/* The pps case of @p m at @p size with a valid median; for BENCH_VHOST the path @p path. */
static const struct bench_case *find(const struct case_list *l, enum bench_mode m, uint32_t size,
				     int path)
{
	size_t i;

	for (i = 0; i < l->n; i++) {
		const struct bench_case *c = &l->v[i];

		if (c->mode == m && c->test == BENCH_NET_PPS && c->elem_size == size &&
		    bench_case_valid(c) && c->path == path)
			return c;
	}
	return NULL;
}

/*
 * DPDK's best path at each size is the one report.c names for every
 * *_over_dpdk_best ratio (bench_best_pps()): the highest median among the
 * paths with a valid median, failed runs and outliers left out.
 */
void pmd_ratios(const struct case_list *l, struct pmd_ratios *r)
{
	const struct bench_case *p64 = bench_best_pps(l, BENCH_PMD, 64),
				*p1518 = bench_best_pps(l, BENCH_PMD, 1518),
				*split = find(l, BENCH_VHOST, 64, 0),
				*b64 = bench_best_pps(l, BENCH_VHOST, 64),
				*b1518 = bench_best_pps(l, BENCH_VHOST, 1518);
	size_t i;

	memset(r, 0, sizeof(*r));
	for (i = 0; i < l->n; i++)
		r->measured |= l->v[i].mode == BENCH_PMD;
	r->over_split = p64 && split ? med_mps(p64) / med_mps(split) : -1;
	r->over_best64 = p64 && b64 ? med_mps(p64) / med_mps(b64) : -1;
	r->over_best1518 = p1518 && b1518 ? med_mps(p1518) / med_mps(b1518) : -1;
	r->pmd64 = p64 ? med_mps(p64) / 1e6 : -1;
	r->pmd1518 = p1518 ? med_mps(p1518) / 1e6 : -1;
	r->split64 = split ? med_mps(split) / 1e6 : -1;
	r->best64 = b64 ? med_mps(b64) / 1e6 : -1;
	r->best1518 = b1518 ? med_mps(b1518) / 1e6 : -1;
	r->pmd64_path = p64 ? bench_pmd_path_name(p64->path) : "-";
	r->pmd1518_path = p1518 ? bench_pmd_path_name(p1518->path) : "-";
	r->best64_path = b64 ? bench_vhost_path_name(b64->path) : "-";
	r->best1518_path = b1518 ? bench_vhost_path_name(b1518->path) : "-";
	r->split = split;
	r->b64 = b64;
	r->b1518 = b1518;
}

/*
 * One pmd*_mpps_over_dpdk_best line: the PMD's best path (@p ppath) at @p size
 * over DPDK's best path there (target 1.0).
 */
static void best_line(const char *key, uint32_t size, double ratio, double pmd, const char *ppath,
		      const char *path, double best, const struct bench_case *ref)
{
	if (ratio < 0)
		printf("  %s not measured (no valid PMD or DPDK median at %u B)\n", key, size);
	else
		printf("  %s %6.3f   testpmd/net_vmsg %s %u B %.2f Mpps / vhost-user %s %.2f Mpps "
		       "(target >= 1.0: %s)\n",
		       key, ratio, ppath, size, pmd, path, best, bench_verdict(ratio >= 1.0, ref));
}

void pmd_ratios_print(const struct pmd_ratios *r)
{
	if (!r->measured)
		return;
	if (r->over_split < 0)
		printf("  pmd_mpps_over_vhost_split   not measured (no valid PMD or vhost-user "
		       "split "
		       "median at 64 B)\n");
	else
		printf("  pmd_mpps_over_vhost_split   %6.3f   testpmd/net_vmsg %s 64 B %.2f Mpps / "
		       "vhost-user split %.2f Mpps (target >= 1.5: %s)\n",
		       r->over_split, r->pmd64_path, r->pmd64, r->split64,
		       bench_verdict(r->over_split >= 1.5, r->split));
	best_line("pmd64_mpps_over_dpdk_best  ", 64, r->over_best64, r->pmd64, r->pmd64_path,
		  r->best64_path, r->best64, r->b64);
	best_line("pmd1518_mpps_over_dpdk_best", 1518, r->over_best1518, r->pmd1518,
		  r->pmd1518_path, r->best1518_path, r->best1518, r->b1518);
}
