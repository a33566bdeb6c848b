/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The librte_vmsg authors
 *
 * The vhost-user <-> virtio-user reference: two dpdk-testpmd processes driven
 * through their command line, every wait bounded, everything cleaned up.
 */

#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "vhost_ref_priv.h"
#include "vmsg_util.h"

/*
 * Each path: its devargs, and the Rx (and Tx) path virtio-user logs when it
 * takes it (set_rxtx_funcs() in DPDK 22.11's virtio_ethdev.c: "virtio:
 * using <what> Rx path on port N"). Split in-order uses its in-order Rx
 * path, mergeable or not; packed in-order logs as packed.
 */
static const struct vhr_path {
	const char *name, *devargs, *rx, *tx; /* tx: NULL when any Tx path will do */
	int vec;			      /* needs --force-max-simd-bitwidth=512 */
} vhr_paths[VHOST_REF_NPATHS] = {
	[VHOST_REF_SPLIT] = { "split", "packed_vq=0,in_order=0,mrg_rxbuf=1,vectorized=0",
			      "using mergeable buffer Rx path", NULL, 0 },
	[VHOST_REF_SPLIT_INORDER] = { "split-inorder",
				      "packed_vq=0,in_order=1,mrg_rxbuf=1,vectorized=0",
				      "using inorder Rx path", NULL, 0 },
	[VHOST_REF_PACKED_INORDER] = { "packed-inorder",
				       "packed_vq=1,in_order=1,mrg_rxbuf=1,vectorized=0",
				       "using packed ring mergeable buffer Rx path", NULL, 0 },
	[VHOST_REF_SPLIT_NOMRG] = { "split-nomrg",
				    "packed_vq=0,in_order=0,mrg_rxbuf=0,vectorized=0",
				    "using standard Rx path", NULL, 0 },
	[VHOST_REF_SPLIT_INORDER_NOMRG] = { "split-inorder-nomrg",
					    "packed_vq=0,in_order=1,mrg_rxbuf=0,vectorized=0",
					    "using inorder Rx path", NULL, 0 },
	[VHOST_REF_SPLIT_VEC] = { "split-vec", "packed_vq=0,in_order=0,mrg_rxbuf=0,vectorized=1",
				  "using vectorized Rx path", NULL, 0 },
	[VHOST_REF_PACKED] = { "packed", "packed_vq=1,in_order=0,mrg_rxbuf=1,vectorized=0",
			       "using packed ring mergeable buffer Rx path", NULL, 0 },
	[VHOST_REF_PACKED_NOMRG] = { "packed-nomrg",
				     "packed_vq=1,in_order=0,mrg_rxbuf=0,vectorized=0",
				     "using packed ring standard Rx path", NULL, 0 },
	[VHOST_REF_PACKED_INORDER_NOMRG] = { "packed-inorder-nomrg",
					     "packed_vq=1,in_order=1,mrg_rxbuf=0,vectorized=0",
					     "using packed ring standard Rx path", NULL, 0 },
	[VHOST_REF_PACKED_VEC] = { "packed-vec", "packed_vq=1,in_order=1,mrg_rxbuf=0,vectorized=1",
				   "using packed ring vectorized Rx path",
				   "using packed ring vectorized Tx path", 1 },
};

static const struct vhr_path *path_of(enum vhost_ref_path p)
{
	return (unsigned)p < VHOST_REF_NPATHS ? &vhr_paths[p] : NULL;
}

const char *vhost_ref_path_name(enum vhost_ref_path p)
{
	return path_of(p) != NULL ? path_of(p)->name : "?";
}

int vhost_ref_mem_parse(const char *s)
{
	return strcmp(s, "auto") == 0	  ? VHOST_REF_MEM_AUTO
	       : strcmp(s, "huge") == 0	  ? VHOST_REF_MEM_HUGE
	       : strcmp(s, "nohuge") == 0 ? VHOST_REF_MEM_NOHUGE
					  : -1;
}

const char *vhost_ref_path_devargs(enum vhost_ref_path p)
{
	return path_of(p) != NULL ? path_of(p)->devargs : NULL;
}

/* The text right after @p key in @p s, or NULL. */
static const char *after(const char *s, const char *key)
{
	const char *p = strstr(s, key);

	return p != NULL ? p + strlen(key) : NULL;
}

static int parse_double(const char *s, const char *key, double *v)
{
	const char *p = after(s, key);
	char *end;

	if (p == NULL)
		return -1;
	while (*p == ' ' || *p == '\t')
		p++;
	if (*p < '0' || *p > '9')
		return -1;
	*v = strtod(p, &end);
	return end == p ? -1 : 0;
}

/* ------------------------------------------------------------------------ */
/* Clean-up of what the run leaves on disk.                                  */

static int rm_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	remove(path);
	return 0;
}

/* EAL's runtime directory for a file prefix: the same rule EAL applies. */
static void runtime_dir(const char *prefix, char *buf, size_t cap)
{
	const char *base = "/var/run", *xdg = getenv("XDG_RUNTIME_DIR");

	if (getuid() != 0)
		base = xdg != NULL ? xdg : "/tmp";
	snprintf(buf, cap, "%s/dpdk/%s", base, prefix);
}

/* Removes @p dir/NAME... when NAME is @p stem<pid>... and that pid is gone. */
static void sweep_dir(const char *dir, const char *stem)
{
	size_t n = strlen(stem);
	char path[512];
	struct dirent *e;
	DIR *d;

	d = opendir(dir);
	if (d == NULL)
		return;
	while ((e = readdir(d)) != NULL) {
		char *end;
		long pid;

		if (strncmp(e->d_name, stem, n) != 0)
			continue;
		pid = strtol(e->d_name + n, &end, 10);
		if (end == e->d_name + n || pid <= 0 ||
		    (*end != '-' && *end != '.' && *end != '\0'))
			continue;
		if (kill((pid_t)pid, 0) == 0 || errno != ESRCH)
			continue;
		if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, e->d_name) < sizeof(path))
			nftw(path, rm_entry, 8, FTW_DEPTH | FTW_PHYS);
	}
	closedir(d);
}

/*
 * What a run killed with SIGKILL left behind (its testpmds die with it, see
 * tp_spawn()), for both references (vhost-user's and the PMD's): the socket
 * directory, EAL's runtime directories and its hugepage files, all named
 * after the bench's pid. The hugepage files (up to 512 MiB a pair) go before
 * the free pages are counted, or the next run would measure DPDK without
 * hugepages; so does the bench's own shared memory file (vmsg-bench.<pid>,
 * which SIGINT and SIGTERM remove, SIGKILL not).
 */
void vhr_sweep_stale(void)
{
	static const char *const stem[] = { "vmsg-vhref-", "vmsg-pmdref-" };
	char dir[512], huge[256];
	int has_huge = vhr_huge_dir(huge, sizeof(huge)) == 0;

	runtime_dir("", dir, sizeof(dir));
	for (size_t i = 0; i < sizeof(stem) / sizeof(stem[0]); i++) {
		sweep_dir(dir, stem[i]);
		sweep_dir("/tmp", stem[i]);
		/* EAL's hugepage files (<prefix>map_N with --single-file-segments). */
		if (has_huge)
			sweep_dir(huge, stem[i]);
	}
	if (has_huge)
		sweep_dir(huge, "vmsg-bench.");
}

static void cleanup(struct run *r)
{
	char dir[512];
	int i;

	/* measure() has already asked them to quit when it could: signals now. */
	for (i = 0; i < 2; i++)
		vhr_tp_kill(r, &r->tp[i]);
	for (i = 0; i < 2; i++) {
		if (r->tp[i].prefix[0] != '\0') {
			runtime_dir(r->tp[i].prefix, dir, sizeof(dir));
			nftw(dir, rm_entry, 8, FTW_DEPTH | FTW_PHYS);
			vhr_remove_huge_files(r->tp[i].prefix);
		}
		free(r->tp[i].buf);
		r->tp[i].buf = NULL;
	}
	if (r->sock[0] != '\0')
		unlink(r->sock);
	if (r->dir[0] != '\0')
		rmdir(r->dir);
}

/* ------------------------------------------------------------------------ */

int vhost_ref_available(char *why, size_t cap)
{
	char path[512], msg[1024] = "";
	int status;
	pid_t pid;

	if (vhr_find_testpmd(NULL, path, sizeof(path), msg, sizeof(msg)) < 0)
		goto no;
	if (sysconf(_SC_NPROCESSORS_ONLN) < 2) {
		snprintf(msg, sizeof(msg), "the reference needs two CPUs");
		goto no;
	}
	/* `-h` prints the usage and exits 0 at once: the binary and its libraries load. */
	pid = fork();
	if (pid < 0) {
		snprintf(msg, sizeof(msg), "fork: %s", strerror(errno));
		goto no;
	}
	if (pid == 0) {
		int null = open("/dev/null", O_RDWR);

		if (null >= 0) {
			dup2(null, 0);
			dup2(null, 1);
			dup2(null, 2);
		}
		vhr_close_from_3();
		execl(path, path, "-h", (char *)NULL);
		_exit(127);
	}
	/* At most 10 s, then killed. */
	if (vmsg_util_wait_child(pid, 10000000000ull, 10 * 1000 * 1000, &status) == 0) {
		if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
			goto yes;
		snprintf(msg, sizeof(msg),
			 "%s -h failed (exit status %d): a broken DPDK installation?", path,
			 WIFEXITED(status) ? WEXITSTATUS(status) : -1);
		goto no;
	}
	snprintf(msg, sizeof(msg), "%s -h did not exit within 10 s", path);
	goto no;
yes:
	if (why != NULL && cap > 0)
		snprintf(why, cap, "%s", path);
	return 1;
no:
	if (why != NULL && cap > 0)
		snprintf(why, cap, "%s", msg);
	return 0;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double median(const double *v, unsigned n)
{
	double s[VHOST_REF_SAMPLES_MAX];

	memcpy(s, v, n * sizeof(*v));
	qsort(s, n, sizeof(*s), cmp_double);
	return n % 2 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
}

/*
 * The last line of @p t's output that holds "using " and @p what ("Rx
 * path", "Tx path"), from "using" to the end of @p what, in @p buf.
 */
static void logged_path(const struct tp *t, const char *what, char *buf, size_t cap)
{
	const char *p = t->buf, *end = t->buf + t->len, *hit = NULL, *u;
	size_t k = strlen(what);

	buf[0] = '\0';
	while ((p = memmem(p, (size_t)(end - p), what, k)) != NULL) {
		hit = p;
		p += k;
	}
	if (hit == NULL)
		return;
	for (u = hit; u > t->buf && u[-1] != '\n' && u[-1] != ':'; u--)
		;
	while (u < hit && *u == ' ')
		u++;
	snprintf(buf, cap, "%.*s", (int)(hit + k - u), u);
}

/* The last "disabled ..." line of @p t's output (why DPDK turned a path down), or "". */
static void disabled_line(const struct tp *t, char *buf, size_t cap)
{
	const char *p = t->buf, *end = t->buf + t->len, *hit = NULL, *e;

	buf[0] = '\0';
	while ((p = memmem(p, (size_t)(end - p), "disabled ", 9)) != NULL)
		hit = p++;
	if (hit == NULL)
		return;
	for (e = hit; e < end && *e != '\n' && *e != '\r'; e++)
		;
	snprintf(buf, cap, "%.*s", (int)(e - hit), hit);
}

/* After start-up: did virtio-user take the path asked for? 0, or -ENOTSUP and why. */
static int check_path(struct run *r, const struct vhr_path *pa)
{
	struct tp *vu = &r->tp[VIRTIO];
	char why[160];

	logged_path(vu, " Rx path", r->res->rx_path, sizeof(r->res->rx_path));
	logged_path(vu, " Tx path", r->res->tx_path, sizeof(r->res->tx_path));
	if (strstr(r->res->rx_path, pa->rx) != NULL &&
	    (pa->tx == NULL || strstr(r->res->tx_path, pa->tx) != NULL))
		return 0;
	disabled_line(vu, why, sizeof(why));
	return vhr_fail(r, NULL, -ENOTSUP,
			"DPDK did not take the %s path: virtio-user says '%s', '%s'%s%s", pa->name,
			r->res->rx_path[0] ? r->res->rx_path : "no Rx path logged",
			r->res->tx_path[0] ? r->res->tx_path : "no Tx path logged",
			why[0] ? "; " : "", why);
}

static int measure(struct run *r)
{
	const struct vhost_ref_cfg *c = r->cfg;
	struct vhost_ref_result *res = r->res;
	struct tp *vh = &r->tp[VHOST], *vu = &r->tp[VIRTIO];
	char lh[32], lv[32], mh[16], mv[16], vdev_h[256], vdev_v[384], line[64];
	const char *argv_h[VHR_ARGS], *argv_v[VHR_ARGS];
	const struct vhr_path *pa = path_of(c->path);
	/* virtio-user says which paths it takes at info level; the vectorized ones need 512 bits. */
	const char *const log_v[] = { "--log-level=pmd.net.virtio.init:info",
				      "--log-level=pmd.net.virtio.driver:info",
				      pa->vec ? "--force-max-simd-bitwidth=512" : NULL, NULL };
	double secs = c->seconds > 0 ? c->seconds : 3.0;
	unsigned n, len = c->pkt_len ? c->pkt_len : 64, i;
	unsigned long long pkts = 0, bytes = 0;
	long long interval, t0;
	char *ans = NULL, *rest;
	int rc;

	snprintf(lh, sizeof(lh), "%u,%u", c->cpu[1], c->cpu[0]);
	snprintf(lv, sizeof(lv), "%u,%u", c->cpu[0], c->cpu[1]);
	snprintf(vdev_h, sizeof(vdev_h), "net_vhost0,iface=%s,queues=1,client=0", r->sock);
	snprintf(vdev_v, sizeof(vdev_v), "net_virtio_user0,mac=%s,path=%s,queues=1,%s", VIRTIO_MAC,
		 r->sock, vhost_ref_path_devargs(c->path));
	snprintf(mh, sizeof(mh), "%u", c->cpu[1]);
	snprintf(mv, sizeof(mv), "%u", c->cpu[0]);
	vhr_argv(argv_h, r, NULL, lh, mh, vh->prefix, vdev_h, NULL);
	vhr_argv(argv_v, r, NULL, lv, mv, vu->prefix, vdev_v, log_v);
	/* The vhost side owns the socket (client=0): it listens before its prompt. */
	rc = vhr_tp_start(r, vh, argv_h);
	if (rc == 0)
		rc = vhr_tp_start(r, vu, argv_v);
	/* virtio-user has started its port: it has logged its Rx and Tx paths. */
	if (rc == 0)
		rc = check_path(r, pa);
	if (rc < 0)
		return rc;
	ans = malloc(16384);
	if (ans == NULL)
		return vhr_fail(r, NULL, -ENOMEM, "out of memory");

	/* tx_first packets are lost unless the vhost port sees the virtio driver. */
	t0 = vhr_now_ms();
	for (;;) {
		rc = vhr_cmd(r, vh, "show port info 0", ans, 16384);
		if (rc < 0)
			goto out;
		if (strstr(ans, "Link status: up") != NULL)
			break;
		if (vhr_now_ms() - t0 > LINK_MS) {
			rc = vhr_fail(r, vh, -ETIMEDOUT,
				      "the vhost-user link did not come up within %d s",
				      LINK_MS / 1000);
			goto out;
		}
		rc = vhr_pump(r, NULL, NULL, vhr_now_ms() + 200, NULL);
		if (rc < 0)
			goto out;
	}
	snprintf(line, sizeof(line), "set txpkts %u", len);
	if ((rc = vhr_cmd(r, vu, "set fwd mac", NULL, 0)) < 0 ||
	    (rc = vhr_cmd(r, vh, "set fwd mac", NULL, 0)) < 0 ||
	    (rc = vhr_cmd(r, vh, line, ans, 16384)) < 0)
		goto out;
	/* Silent when it takes the length: anything after the echoed line is a complaint. */
	rest = strchr(ans, '\n');
	if (rest != NULL && rest[strspn(rest, " \t\r\n")] != '\0') {
		rc = vhr_fail(r, vh, -EINVAL, "testpmd refused '%s'", line);
		goto out;
	}
	if ((rc = vhr_cmd(r, vu, "start", NULL, 0)) < 0 ||
	    (rc = vhr_cmd(r, vh, "start tx_first 32", NULL, 0)) < 0)
		goto out;

	/* Warm-up, then a first `show` that only sets the baseline of the next. */
	rc = vhr_pump(r, NULL, NULL, vhr_now_ms() + WARMUP_MS, NULL);
	if (rc < 0 || (rc = vhr_cmd(r, vh, "show port stats all", NULL, 0)) < 0)
		goto out;
	n = (unsigned)(secs + 0.5);
	n = n < 3 ? 3 : n > VHOST_REF_SAMPLES_MAX ? VHOST_REF_SAMPLES_MAX : n;
	interval = (long long)(secs * 1000.0 / n);
	for (i = 0; i < n; i++) {
		double rx, tx, p, b;

		rc = vhr_pump(r, NULL, NULL, vhr_now_ms() + interval, NULL);
		if (rc < 0 || (rc = vhr_cmd(r, vh, "show port stats all", ans, 16384)) < 0)
			goto out;
		/* "Throughput (since last show)": testpmd divides by its own TSC interval. */
		if (parse_double(ans, "Rx-pps:", &rx) < 0 ||
		    parse_double(ans, "Tx-pps:", &tx) < 0 ||
		    parse_double(ans, "RX-packets:", &p) < 0 ||
		    parse_double(ans, "RX-bytes:", &b) < 0) {
			rc = vhr_fail(r, vh, -EIO,
				      "no Rx-pps/Tx-pps in the answer to 'show port stats all'");
			goto out;
		}
		res->samples[i] = rx / 1e6;
		res->tx_samples[i] = tx / 1e6;
		pkts = (unsigned long long)p;
		bytes = (unsigned long long)b;
		res->nsamples = i + 1;
	}
	for (i = 0; i < n; i++) {
		if (res->samples[i] <= 0) {
			rc = vhr_fail(r, vh, -EIO,
				      "no traffic: sample %u of Rx-pps is 0 (did tx_first %u-byte "
				      "packets reach the virtio side?)",
				      i + 1, len);
			goto out;
		}
	}
	res->rx_mpps = median(res->samples, n);
	res->tx_mpps = median(res->tx_samples, n);
	res->pkt_bytes = pkts ? (double)bytes / (double)pkts : 0;

	/* A graceful end: stop forwarding, quit, and wait for both to exit. */
	if ((rc = vhr_cmd(r, vh, "stop", NULL, 0)) < 0 ||
	    (rc = vhr_cmd(r, vu, "stop", NULL, 0)) < 0)
		goto out;
	for (i = 0; i < 2; i++) {
		struct tp *t = i == 0 ? vu : vh;

		if (send(t->in, "quit\n", 5, MSG_NOSIGNAL) == 5 && vhr_tp_reap(r, t, QUIT_MS)) {
			close(t->in);
			close(t->out);
			t->in = t->out = -1;
		} else if (c->verbose) {
			fprintf(stderr, "vhost-ref: %s testpmd did not quit; it will be killed\n",
				t->name);
		}
	}
	rc = 0;
out:
	free(ans);
	return rc;
}

int vhost_ref_run(const struct vhost_ref_cfg *cfg, struct vhost_ref_result *out)
{
	static unsigned seq;
	struct run r;
	long long t0 = vhr_now_ms();
	unsigned len;
	int rc, i;

	if (out == NULL)
		return -EINVAL;
	memset(out, 0, sizeof(*out));
	memset(&r, 0, sizeof(r));
	r.cfg = cfg;
	r.res = out;
	for (i = 0; i < 2; i++) {
		r.tp[i].name = i == VHOST ? "vhost" : "virtio";
		r.tp[i].in = r.tp[i].out = -1;
		r.tp[i].bol = 1;
	}
	if (cfg == NULL)
		return -EINVAL;
	len = cfg->pkt_len ? cfg->pkt_len : 64;
	if (cfg->cpu[0] == cfg->cpu[1] || cfg->cpu[0] >= CPU_SETSIZE || cfg->cpu[1] >= CPU_SETSIZE)
		return vhr_fail(&r, NULL, -EINVAL, "two different CPUs are needed, not %u,%u",
				cfg->cpu[0], cfg->cpu[1]);
	/* 60: testpmd's minimum; 1518: fits one 2048-byte mbuf and the default MTU. */
	if (len < 60 || len > 1518)
		return vhr_fail(&r, NULL, -EINVAL, "packet length %u is outside 60..1518", len);
	if (path_of(cfg->path) == NULL)
		return vhr_fail(&r, NULL, -EINVAL, "unknown virtio-user path %d", (int)cfg->path);
	/* Rounded to a sample count below: a number too large for an unsigned is refused. */
	if (!(cfg->seconds <= VHOST_REF_SECONDS_MAX))
		return vhr_fail(&r, NULL, -EINVAL, "%g s is not a sampled time of at most %d s",
				cfg->seconds, VHOST_REF_SECONDS_MAX);
	rc = vhr_find_testpmd(cfg->testpmd, r.testpmd, sizeof(r.testpmd), out->error,
			      sizeof(out->error));
	if (rc < 0)
		return rc;
	vhr_sweep_stale(); /* a killed run's hugepage files go before the count */
	if (cfg->mem == VHOST_REF_MEM_NOHUGE) {
		snprintf(out->mem_why, sizeof(out->mem_why), "--no-huge asked for");
	} else if (vhost_ref_hugepages(out->mem_why, sizeof(out->mem_why))) {
		out->hugepages = 1;
	} else if (cfg->mem == VHOST_REF_MEM_HUGE) {
		return vhr_fail(&r, NULL, -ENOMEM, "no hugepages for the reference: %s",
				out->mem_why);
	}
	r.huge = out->hugepages;

	for (i = 0; i < 2; i++) {
		r.tp[i].buf = malloc(OUT_CAP);
		if (r.tp[i].buf == NULL) {
			rc = vhr_fail(&r, NULL, -ENOMEM, "out of memory");
			goto done;
		}
		snprintf(r.tp[i].prefix, sizeof(r.tp[i].prefix), "vmsg-vhref-%d-%u-%c",
			 (int)getpid(), seq, i == VHOST ? 'h' : 'v');
	}
	seq++;
	snprintf(r.dir, sizeof(r.dir), "/tmp/vmsg-vhref-%d.XXXXXX", (int)getpid());
	if (mkdtemp(r.dir) == NULL) {
		rc = vhr_fail(&r, NULL, -errno, "mkdtemp %s: %s", r.dir, strerror(errno));
		r.dir[0] = '\0';
		goto done;
	}
	snprintf(r.sock, sizeof(r.sock), "%s/vhost.sock", r.dir);
	rc = measure(&r);
done:
	cleanup(&r);
	out->run_s = (double)(vhr_now_ms() - t0) / 1000.0;
	if (rc < 0)
		out->rx_mpps = out->tx_mpps = 0;
	return rc;
}
