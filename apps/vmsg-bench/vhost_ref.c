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

#include "vhost_ref.h"

#define PROMPT "testpmd> "
#define TESTPMD_DEFAULT "/usr/bin/dpdk-testpmd"
#define VIRTIO_MAC "02:76:6d:73:67:02"

/* Output kept per process: enough for every answer and the last lines. */
#define OUT_CAP (256u * 1024u)

/*
 * Bounds on every wait, in milliseconds. Start-up is slow with --no-huge: EAL
 * and the 155k-mbuf pool fault in ~400 MB; 7.5 s was measured on a loaded
 * 2-CPU host for one process.
 */
#define START_MS 60000
#define CMD_MS 15000
#define LINK_MS 15000
#define WARMUP_MS 1000
#define QUIT_MS 10000
#define TERM_MS 3000

enum { VHOST, VIRTIO };

/* One testpmd process. */
struct tp {
	const char *name;
	pid_t pid;  /* 0: not started, or reaped */
	int status; /* wait status once reaped */
	int in;	    /* our end of its stdin (a socketpair) */
	int out;    /* pty master: its stdout and stderr */
	int eof;    /* the pty said EIO/EOF: the process closed its output */
	int bol;    /* verbose echo: at the start of a line */
	char *buf;  /* its output, oldest dropped past OUT_CAP */
	size_t len;
	size_t mark; /* where the answer to the current command starts */
	char prefix[48];
};

struct run {
	const struct vhost_ref_cfg *cfg;
	struct vhost_ref_result *res;
	struct tp tp[2];
	char dir[64]; /* private temporary directory holding the socket */
	char sock[128];
	char testpmd[512];
};

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Verbose: ends the echoed output's open line (a prompt) before a line of ours. */
static void end_lines(struct run *r)
{
	for (int i = 0; i < 2; i++) {
		if (!r->tp[i].bol)
			fputc('\n', stderr);
		r->tp[i].bol = 1;
	}
}

const char *vhost_ref_path_name(enum vhost_ref_path p)
{
	switch (p) {
	case VHOST_REF_SPLIT:
		return "split";
	case VHOST_REF_SPLIT_INORDER:
		return "split-inorder";
	case VHOST_REF_PACKED_INORDER:
		return "packed-inorder";
	}
	return "?";
}

const char *vhost_ref_path_devargs(enum vhost_ref_path p)
{
	switch (p) {
	case VHOST_REF_SPLIT:
		return "packed_vq=0,in_order=0,mrg_rxbuf=1,vectorized=0";
	case VHOST_REF_SPLIT_INORDER:
		return "packed_vq=0,in_order=1,mrg_rxbuf=1,vectorized=0";
	case VHOST_REF_PACKED_INORDER:
		return "packed_vq=1,in_order=1,mrg_rxbuf=1,vectorized=0";
	}
	return NULL;
}

/* ------------------------------------------------------------------------ */
/* Finding testpmd.                                                          */

static int find_testpmd(const char *want, char *buf, size_t cap, char *why, size_t whycap)
{
	const char *env = getenv("VMSG_TESTPMD");
	const char *path;
	const char *p;

	if (want == NULL && env != NULL && env[0] != '\0')
		want = env;
	if (want != NULL) {
		if (strchr(want, '/') != NULL) {
			if (access(want, X_OK) != 0) {
				snprintf(why, whycap, "%s: %s", want, strerror(errno));
				return -ENOENT;
			}
			snprintf(buf, cap, "%s", want);
			return 0;
		}
	} else {
		want = "dpdk-testpmd";
	}
	path = getenv("PATH");
	if (path == NULL || path[0] == '\0')
		path = "/usr/local/bin:/usr/bin:/bin";
	for (p = path; *p != '\0';) {
		size_t n = strcspn(p, ":");

		if (n > 0 && (size_t)snprintf(buf, cap, "%.*s/%s", (int)n, p, want) < cap &&
		    access(buf, X_OK) == 0)
			return 0;
		p += n;
		if (*p == ':')
			p++;
	}
	if (strcmp(want, "dpdk-testpmd") == 0 && access(TESTPMD_DEFAULT, X_OK) == 0) {
		snprintf(buf, cap, "%s", TESTPMD_DEFAULT);
		return 0;
	}
	snprintf(why, whycap,
		 "%s not found in $PATH (install DPDK's dpdk-testpmd, e.g. the Debian package "
		 "dpdk, or set VMSG_TESTPMD)",
		 want);
	return -ENOENT;
}

/* ------------------------------------------------------------------------ */
/* Errors: the message, then the process's last output lines.                */

static void tail_lines(const struct tp *t, unsigned nlines, char *dst, size_t cap)
{
	size_t end = t->len, start, used = 0;
	unsigned k = 0;

	dst[0] = '\0';
	while (end > 0 && (t->buf[end - 1] == '\n' || t->buf[end - 1] == '\r'))
		end--;
	start = end;
	while (start > 0 && k < nlines) {
		start--;
		if (t->buf[start] == '\n' && ++k == nlines) {
			start++;
			break;
		}
	}
	/* Lines joined with " | ", control characters dropped. */
	for (size_t i = start; i < end && used + 4 < cap; i++) {
		char c = t->buf[i];

		if (c == '\n') {
			if (used + 4 < cap) {
				memcpy(dst + used, " | ", 3);
				used += 3;
			}
		} else if ((unsigned char)c >= 0x20 && c != 0x7f) {
			dst[used++] = c;
		}
	}
	dst[used] = '\0';
}

static __attribute__((format(printf, 4, 5))) int fail(struct run *r, const struct tp *t, int rc,
						      const char *fmt, ...)
{
	char *e = r->res->error;
	size_t cap = sizeof(r->res->error), n;
	va_list ap;

	if (e[0] != '\0')
		return rc; /* the first error is the cause */
	va_start(ap, fmt);
	vsnprintf(e, cap, fmt, ap);
	va_end(ap);
	n = strlen(e);
	if (t != NULL && t->len > 0 && n + 16 < cap) {
		char last[256];

		tail_lines(t, 3, last, sizeof(last));
		/* What is left of the buffer, cut where it ends: the start is the cause. */
		snprintf(e + n, cap - n, "; %.16s testpmd said: %.*s", t->name,
			 (int)(cap - n > 40 ? cap - n - 40 : 0), last);
	}
	if (r->cfg->verbose) {
		end_lines(r);
		fprintf(stderr, "vhost-ref: error: %s\n", e);
	}
	return rc;
}

/* ------------------------------------------------------------------------ */
/* Processes.                                                                */

static void echo_output(struct tp *t, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (t->bol)
			fprintf(stderr, "[%s] ", t->name);
		if (s[i] != '\r')
			fputc(s[i], stderr);
		t->bol = s[i] == '\n';
	}
}

/* Reads what is there; sets eof when the process closed its side of the pty. */
static void tp_read(struct run *r, struct tp *t)
{
	char chunk[4096];
	ssize_t n;

	while (t->out >= 0 && !t->eof) {
		n = read(t->out, chunk, sizeof(chunk));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			return;
		if (n <= 0) { /* EIO: no slave left open, i.e. the process is gone */
			t->eof = 1;
			return;
		}
		if (t->len + (size_t)n > OUT_CAP) {
			size_t drop = t->len + (size_t)n - OUT_CAP / 2;

			if (drop > t->len)
				drop = t->len;
			memmove(t->buf, t->buf + drop, t->len - drop);
			t->len -= drop;
			t->mark = t->mark > drop ? t->mark - drop : 0;
		}
		memcpy(t->buf + t->len, chunk, (size_t)n);
		t->len += (size_t)n;
		if (r->cfg->verbose)
			echo_output(t, chunk, (size_t)n);
	}
}

/* Reaps @p t if it has exited, waiting at most @p ms. Returns 1 when reaped. */
static int tp_reap(struct run *r, struct tp *t, int ms)
{
	long long end = now_ms() + ms;
	struct timespec nap = { 0, 5 * 1000 * 1000 };
	pid_t w;

	if (t->pid <= 0)
		return 1;
	for (;;) {
		w = waitpid(t->pid, &t->status, WNOHANG);
		if (w == t->pid || (w < 0 && errno == ECHILD)) {
			t->pid = 0;
			tp_read(r, t); /* what it wrote last */
			return 1;
		}
		if (now_ms() >= end)
			return 0;
		/* Keep draining: a process blocked on a full pty never exits. */
		tp_read(r, t);
		nanosleep(&nap, NULL);
	}
}

static void status_str(int status, char *buf, size_t cap)
{
	if (WIFEXITED(status))
		snprintf(buf, cap, "exit status %d", WEXITSTATUS(status));
	else if (WIFSIGNALED(status))
		snprintf(buf, cap, "signal %d (%s)", WTERMSIG(status), strsignal(WTERMSIG(status)));
	else
		snprintf(buf, cap, "status 0x%x", status);
}

static int tp_died(struct run *r, struct tp *t)
{
	char st[64] = "still running";

	if (tp_reap(r, t, 2000))
		status_str(t->status, st, sizeof(st));
	return fail(r, t, -ECHILD, "the %s testpmd exited early (%s)", t->name, st);
}

/* SIGTERM, a bounded wait, then SIGKILL; always reaps. */
static void tp_kill(struct run *r, struct tp *t)
{
	if (t->pid > 0) {
		kill(t->pid, SIGTERM);
		if (!tp_reap(r, t, TERM_MS)) {
			if (r->cfg->verbose)
				fprintf(stderr,
					"vhost-ref: %s testpmd ignored SIGTERM; killing it\n",
					t->name);
			kill(t->pid, SIGKILL);
			if (waitpid(t->pid, &t->status, 0) == t->pid || errno == ECHILD)
				t->pid = 0;
		}
	}
	if (t->in >= 0)
		close(t->in);
	if (t->out >= 0)
		close(t->out);
	t->in = t->out = -1;
}

/* Closes every descriptor from 3 up: the child keeps only stdin/out/err. */
static void close_from_3(void)
{
#ifdef SYS_close_range
	if (syscall(SYS_close_range, 3u, ~0u, 0u) == 0)
		return;
#endif
	for (long fd = 3, max = sysconf(_SC_OPEN_MAX); fd < (max > 0 ? max : 1024); fd++)
		close((int)fd);
}

/*
 * Starts one testpmd. Its stdin is a socketpair rather than a pipe, so that
 * writing to a dead process gives EPIPE (MSG_NOSIGNAL), never a SIGPIPE that
 * would kill the bench. Its stdout and stderr are a pty in raw mode rather
 * than a pipe: testpmd prints through stdio, which would hold every answer
 * in a 4 KiB buffer on a pipe, while a terminal makes it line buffered.
 */
static int tp_spawn(struct run *r, struct tp *t, const char **argv)
{
	int sv[2] = { -1, -1 }, m = -1, s = -1, rc;
	pid_t parent = getpid(), pid;
	struct termios tio;
	char name[128];
	cpu_set_t cpus;

	m = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (m < 0 || grantpt(m) != 0 || unlockpt(m) != 0 || ptsname_r(m, name, sizeof(name)) != 0) {
		rc = fail(r, NULL, -errno, "cannot open a pseudo-terminal: %s", strerror(errno));
		goto err;
	}
	s = open(name, O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (s < 0) {
		rc = fail(r, NULL, -errno, "%s: %s", name, strerror(errno));
		goto err;
	}
	/* Raw: no CR added to each newline, no echo, no signals from bytes. */
	if (tcgetattr(s, &tio) == 0) {
		cfmakeraw(&tio);
		tcsetattr(s, TCSANOW, &tio);
	}
	if (fcntl(m, F_SETFL, O_NONBLOCK) != 0 ||
	    socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0) {
		rc = fail(r, NULL, -errno, "socketpair: %s", strerror(errno));
		goto err;
	}
	/* Its threads pin themselves (-l); the start-up runs on the same two CPUs. */
	CPU_ZERO(&cpus);
	CPU_SET(r->cfg->cpu[0], &cpus);
	CPU_SET(r->cfg->cpu[1], &cpus);

	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid < 0) {
		rc = fail(r, NULL, -errno, "fork: %s", strerror(errno));
		goto err;
	}
	if (pid == 0) {
		/* Only async-signal-safe calls from here to exec. */
		sigset_t none;

		/* If the bench dies, so does testpmd (its lcores spin otherwise). */
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (getppid() != parent)
			_exit(127);
		if (dup2(sv[1], 0) < 0 || dup2(s, 1) < 0 || dup2(s, 2) < 0)
			_exit(127);
		close_from_3();
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		signal(SIGPIPE, SIG_DFL);
		sched_setaffinity(0, sizeof(cpus), &cpus);
		execv(argv[0], (char *const *)argv);
		(void)!write(2, "vhost-ref: exec failed\n", 23);
		_exit(127);
	}
	close(s);
	close(sv[1]);
	t->pid = pid;
	t->in = sv[0];
	t->out = m;
	return 0;
err:
	if (sv[0] >= 0)
		close(sv[0]);
	if (sv[1] >= 0)
		close(sv[1]);
	if (s >= 0)
		close(s);
	if (m >= 0)
		close(m);
	return rc;
}

/*
 * Drains both processes until @p pat appears in @p which's output after its
 * mark, or until @p deadline (then -ETIMEDOUT; with @p pat NULL that is the
 * normal end of a pause). Any process that exits is an error.
 */
static int pump(struct run *r, struct tp *which, const char *pat, long long deadline, size_t *at)
{
	struct pollfd pf[2];
	long long left;
	int i, n;

	for (;;) {
		if (pat != NULL) {
			char *hit = memmem(which->buf + which->mark, which->len - which->mark, pat,
					   strlen(pat));

			if (hit != NULL) {
				if (at != NULL)
					*at = (size_t)(hit - which->buf);
				return 0;
			}
		}
		for (i = 0; i < 2; i++)
			if (r->tp[i].out >= 0 && r->tp[i].eof)
				return tp_died(r, &r->tp[i]);
		left = deadline - now_ms();
		if (left <= 0)
			return pat != NULL ? -ETIMEDOUT : 0;
		for (i = n = 0; i < 2; i++) {
			if (r->tp[i].out < 0)
				continue;
			pf[n].fd = r->tp[i].out;
			pf[n].events = POLLIN;
			pf[n].revents = 0;
			n++;
		}
		if (n == 0)
			return -ECHILD;
		if (poll(pf, (nfds_t)n, left > 1000 ? 1000 : (int)left) < 0 && errno != EINTR)
			return fail(r, NULL, -errno, "poll: %s", strerror(errno));
		for (i = 0; i < 2; i++)
			if (r->tp[i].out >= 0)
				tp_read(r, &r->tp[i]);
	}
}

/* Waits for the prompt testpmd prints once it reads commands. */
static int wait_prompt(struct run *r, struct tp *t, int ms, const char *what, size_t *at)
{
	int rc = pump(r, t, PROMPT, now_ms() + ms, at);

	if (rc == -ETIMEDOUT)
		return fail(r, t, rc, "the %s testpmd did not answer '%s' within %d s", t->name,
			    what, ms / 1000);
	return rc;
}

/*
 * Sends one command and waits for the next prompt; the answer (the echoed
 * command, then what it printed) goes to @p ans, NUL-terminated, truncated.
 */
static int cmd(struct run *r, struct tp *t, const char *line, char *ans, size_t cap)
{
	size_t len = strlen(line), off = 0, at;
	char nl = '\n';
	ssize_t n;
	int rc;

	if (r->cfg->verbose) {
		end_lines(r);
		fprintf(stderr, "vhost-ref: %s <- %s\n", t->name, line);
	}
	t->mark = t->len;
	while (off <= len) {
		const char *p = off < len ? line + off : &nl;
		size_t k = off < len ? len - off : 1;

		n = send(t->in, p, k, MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return errno == EPIPE ? tp_died(r, t)
					      : fail(r, t, -errno, "writing to the %s testpmd: %s",
						     t->name, strerror(errno));
		off += (size_t)n;
	}
	rc = wait_prompt(r, t, CMD_MS, line, &at);
	if (rc < 0)
		return rc;
	if (ans != NULL) {
		size_t k = at - t->mark < cap - 1 ? at - t->mark : cap - 1;

		memcpy(ans, t->buf + t->mark, k);
		ans[k] = '\0';
	}
	t->mark = at + strlen(PROMPT);
	return 0;
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
		if (end == e->d_name + n || pid <= 0 || (*end != '-' && *end != '.'))
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
 * tp_spawn()): the socket directory and EAL's runtime directories, both named
 * after the bench's pid.
 */
static void sweep_stale(void)
{
	char dir[512];

	runtime_dir("", dir, sizeof(dir));
	sweep_dir(dir, "vmsg-vhref-");
	sweep_dir("/tmp", "vmsg-vhref-");
}

static void cleanup(struct run *r)
{
	char dir[512];
	int i;

	/* measure() has already asked them to quit when it could: signals now. */
	for (i = 0; i < 2; i++)
		tp_kill(r, &r->tp[i]);
	for (i = 0; i < 2; i++) {
		if (r->tp[i].prefix[0] != '\0') {
			runtime_dir(r->tp[i].prefix, dir, sizeof(dir));
			nftw(dir, rm_entry, 8, FTW_DEPTH | FTW_PHYS);
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

	if (find_testpmd(NULL, path, sizeof(path), msg, sizeof(msg)) < 0)
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
		close_from_3();
		execl(path, path, "-h", (char *)NULL);
		_exit(127);
	}
	for (int i = 0; i < 1000; i++) {
		struct timespec nap = { 0, 10 * 1000 * 1000 };
		pid_t w = waitpid(pid, &status, WNOHANG);

		if (w == pid) {
			if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
				goto yes;
			snprintf(msg, sizeof(msg),
				 "%s -h failed (exit status %d): a broken DPDK installation?", path,
				 WIFEXITED(status) ? WEXITSTATUS(status) : -1);
			goto no;
		}
		nanosleep(&nap, NULL);
	}
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
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
 * A start-up that failed without root: say so first. The reference runs as
 * root in CI; as another user testpmd needs the memory (-m 1024, twice) and
 * the runtime directory ($XDG_RUNTIME_DIR or /tmp) it can get there.
 */
static void not_root(struct run *r)
{
	size_t cap = sizeof(r->res->error), ne = strlen(r->res->error), np;
	char *e = r->res->error, pre[64];

	np = (size_t)snprintf(pre, sizeof(pre),
			      "not root (uid %u), which may be why: ", (unsigned)geteuid());
	if (np >= sizeof(pre) || np >= cap)
		return;
	if (ne > cap - 1 - np)
		ne = cap - 1 - np;
	memmove(e + np, e, ne);
	e[np + ne] = '\0';
	memcpy(e, pre, np);
}

/* The start-up, up to the first prompt, then a check that port 0 exists. */
static int tp_start(struct run *r, struct tp *t, const char **argv)
{
	size_t at;
	int rc;

	if (r->cfg->verbose) {
		end_lines(r);
		fprintf(stderr, "vhost-ref: %s:", t->name);
		for (int i = 0; argv[i] != NULL; i++)
			fprintf(stderr, " %s", argv[i]);
		fputc('\n', stderr);
	}
	rc = tp_spawn(r, t, argv);
	if (rc < 0)
		return rc;
	rc = wait_prompt(r, t, START_MS, "start-up", &at);
	/* testpmd reaches its prompt without ports when the vdev probe failed. */
	if (rc == 0 && (memmem(t->buf, at, "No probed ethernet devices", 26) != NULL ||
			memmem(t->buf, at, "Port 0: ", 8) == NULL))
		rc = fail(r, t, -EIO, "the %s testpmd started without its port", t->name);
	if (rc < 0) {
		if (geteuid() != 0)
			not_root(r);
		return rc;
	}
	t->mark = at + strlen(PROMPT);
	return 0;
}

/*
 * One side's command line (environment.md, "DPDK 22.11"): two lcores, the
 * main one on the other side's CPU, 1 GB of plain memory, no PCI scan, no
 * telemetry socket, a private file prefix; interactive with one forwarding
 * core and 1024-entry rings. Debian's testpmd finds the vhost and virtio PMDs
 * in its plugin directory: no -d is needed.
 */
#define TESTPMD_ARGS 20

static void testpmd_argv(const char **a, const struct run *r, const char *lcores,
			 const char *main_lcore, const char *prefix, const char *vdev)
{
	int n = 0;

	a[n++] = r->testpmd;
	a[n++] = "-l";
	a[n++] = lcores;
	a[n++] = "--main-lcore";
	a[n++] = main_lcore;
	a[n++] = "--no-huge";
	a[n++] = "-m";
	a[n++] = "1024";
	a[n++] = "--no-pci";
	a[n++] = "--no-telemetry";
	a[n++] = "--file-prefix";
	a[n++] = prefix;
	a[n++] = "--vdev";
	a[n++] = vdev;
	a[n++] = "--";
	a[n++] = "-i";
	a[n++] = "--nb-cores=1";
	a[n++] = "--txd=1024";
	a[n++] = "--rxd=1024";
	a[n] = NULL;
}

static int measure(struct run *r)
{
	const struct vhost_ref_cfg *c = r->cfg;
	struct vhost_ref_result *res = r->res;
	struct tp *vh = &r->tp[VHOST], *vu = &r->tp[VIRTIO];
	char lh[32], lv[32], mh[16], mv[16], vdev_h[256], vdev_v[384], line[64];
	const char *argv_h[TESTPMD_ARGS], *argv_v[TESTPMD_ARGS];
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
	testpmd_argv(argv_h, r, lh, mh, vh->prefix, vdev_h);
	testpmd_argv(argv_v, r, lv, mv, vu->prefix, vdev_v);
	/* The vhost side owns the socket (client=0): it listens before its prompt. */
	rc = tp_start(r, vh, argv_h);
	if (rc == 0)
		rc = tp_start(r, vu, argv_v);
	if (rc < 0)
		return rc;
	ans = malloc(16384);
	if (ans == NULL)
		return fail(r, NULL, -ENOMEM, "out of memory");

	/* tx_first packets are lost unless the vhost port sees the virtio driver. */
	t0 = now_ms();
	for (;;) {
		rc = cmd(r, vh, "show port info 0", ans, 16384);
		if (rc < 0)
			goto out;
		if (strstr(ans, "Link status: up") != NULL)
			break;
		if (now_ms() - t0 > LINK_MS) {
			rc = fail(r, vh, -ETIMEDOUT,
				  "the vhost-user link did not come up within %d s",
				  LINK_MS / 1000);
			goto out;
		}
		rc = pump(r, NULL, NULL, now_ms() + 200, NULL);
		if (rc < 0)
			goto out;
	}
	snprintf(line, sizeof(line), "set txpkts %u", len);
	if ((rc = cmd(r, vu, "set fwd mac", NULL, 0)) < 0 ||
	    (rc = cmd(r, vh, "set fwd mac", NULL, 0)) < 0 ||
	    (rc = cmd(r, vh, line, ans, 16384)) < 0)
		goto out;
	/* Silent when it takes the length: anything after the echoed line is a complaint. */
	rest = strchr(ans, '\n');
	if (rest != NULL && rest[strspn(rest, " \t\r\n")] != '\0') {
		rc = fail(r, vh, -EINVAL, "testpmd refused '%s'", line);
		goto out;
	}
	if ((rc = cmd(r, vu, "start", NULL, 0)) < 0 ||
	    (rc = cmd(r, vh, "start tx_first 32", NULL, 0)) < 0)
		goto out;

	/* Warm-up, then a first `show` that only sets the baseline of the next. */
	rc = pump(r, NULL, NULL, now_ms() + WARMUP_MS, NULL);
	if (rc < 0 || (rc = cmd(r, vh, "show port stats all", NULL, 0)) < 0)
		goto out;
	n = (unsigned)(secs + 0.5);
	n = n < 3 ? 3 : n > VHOST_REF_SAMPLES_MAX ? VHOST_REF_SAMPLES_MAX : n;
	interval = (long long)(secs * 1000.0 / n);
	for (i = 0; i < n; i++) {
		double rx, tx, p, b;

		rc = pump(r, NULL, NULL, now_ms() + interval, NULL);
		if (rc < 0 || (rc = cmd(r, vh, "show port stats all", ans, 16384)) < 0)
			goto out;
		/* "Throughput (since last show)": testpmd divides by its own TSC interval. */
		if (parse_double(ans, "Rx-pps:", &rx) < 0 ||
		    parse_double(ans, "Tx-pps:", &tx) < 0 ||
		    parse_double(ans, "RX-packets:", &p) < 0 ||
		    parse_double(ans, "RX-bytes:", &b) < 0) {
			rc = fail(r, vh, -EIO,
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
			rc = fail(r, vh, -EIO,
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
	if ((rc = cmd(r, vh, "stop", NULL, 0)) < 0 || (rc = cmd(r, vu, "stop", NULL, 0)) < 0)
		goto out;
	for (i = 0; i < 2; i++) {
		struct tp *t = i == 0 ? vu : vh;

		if (send(t->in, "quit\n", 5, MSG_NOSIGNAL) == 5 && tp_reap(r, t, QUIT_MS)) {
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
	long long t0 = now_ms();
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
		return fail(&r, NULL, -EINVAL, "two different CPUs are needed, not %u,%u",
			    cfg->cpu[0], cfg->cpu[1]);
	/* 60: testpmd's minimum; 1518: fits one 2048-byte mbuf and the default MTU. */
	if (len < 60 || len > 1518)
		return fail(&r, NULL, -EINVAL, "packet length %u is outside 60..1518", len);
	if (vhost_ref_path_devargs(cfg->path) == NULL)
		return fail(&r, NULL, -EINVAL, "unknown virtio-user path %d", (int)cfg->path);
	rc = find_testpmd(cfg->testpmd, r.testpmd, sizeof(r.testpmd), out->error,
			  sizeof(out->error));
	if (rc < 0)
		return rc;

	for (i = 0; i < 2; i++) {
		r.tp[i].buf = malloc(OUT_CAP);
		if (r.tp[i].buf == NULL) {
			rc = fail(&r, NULL, -ENOMEM, "out of memory");
			goto done;
		}
		snprintf(r.tp[i].prefix, sizeof(r.tp[i].prefix), "vmsg-vhref-%d-%u-%c",
			 (int)getpid(), seq, i == VHOST ? 'h' : 'v');
	}
	seq++;
	sweep_stale();
	snprintf(r.dir, sizeof(r.dir), "/tmp/vmsg-vhref-%d.XXXXXX", (int)getpid());
	if (mkdtemp(r.dir) == NULL) {
		rc = fail(&r, NULL, -errno, "mkdtemp %s: %s", r.dir, strerror(errno));
		r.dir[0] = '\0';
		goto done;
	}
	snprintf(r.sock, sizeof(r.sock), "%s/vhost.sock", r.dir);
	rc = measure(&r);
done:
	cleanup(&r);
	out->run_s = (double)(now_ms() - t0) / 1000.0;
	if (rc < 0)
		out->rx_mpps = out->tx_mpps = 0;
	return rc;
}
