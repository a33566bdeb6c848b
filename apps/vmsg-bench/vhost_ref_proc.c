/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The librte_vmsg authors
 *
 * The vhost-user reference's testpmd processes: found, started on a pty,
 * sent commands and read, killed and reaped; every wait bounded.
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

long long vhr_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Verbose: ends the echoed output's open line (a prompt) before a line of ours. */
void vhr_end_lines(struct run *r)
{
	for (int i = 0; i < 2; i++) {
		if (!r->tp[i].bol)
			fputc('\n', stderr);
		r->tp[i].bol = 1;
	}
}

/* ------------------------------------------------------------------------ */
/* Finding testpmd.                                                          */

int vhr_find_testpmd(const char *want, char *buf, size_t cap, char *why, size_t whycap)
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
/* Command line and memory.                                                  */

void vhr_argv(const char **a, const struct run *r, const char *dso, const char *lcores,
	      const char *main_lcore, const char *prefix, const char *vdev,
	      const char *const *extra)
{
	int n = 0, i;

	a[n++] = r->testpmd;
	if (dso != NULL) {
		a[n++] = "-d";
		a[n++] = dso;
	}
	a[n++] = "-l";
	a[n++] = lcores;
	a[n++] = "--main-lcore";
	a[n++] = main_lcore;
	if (r->huge) {
		/* vhost-user maps the peer's memory by the descriptors it is sent: one per list. */
		a[n++] = "--single-file-segments";
		a[n++] = "-m";
		a[n++] = VHR_HUGE_MB;
	} else {
		a[n++] = "--no-huge";
		a[n++] = "-m";
		a[n++] = VHR_NOHUGE_MB;
	}
	a[n++] = "--no-pci";
	a[n++] = "--no-telemetry";
	a[n++] = "--file-prefix";
	a[n++] = prefix;
	a[n++] = "--vdev";
	a[n++] = vdev;
	for (i = 0; extra != NULL && extra[i] != NULL && i < 4; i++)
		a[n++] = extra[i];
	a[n++] = "--";
	a[n++] = "-i";
	a[n++] = "--nb-cores=1";
	a[n++] = "--txd=1024";
	a[n++] = "--rxd=1024";
	a[n++] = "--total-num-mbufs=" VHR_MBUFS;
	a[n] = NULL;
}

int vhr_huge_dir(char *buf, size_t cap)
{
	char dev[256], dir[512], type[64], opts[512];
	FILE *f = fopen("/proc/mounts", "r");
	int rc = -ENOENT;

	if (f == NULL)
		return rc;
	while (fscanf(f, "%255s %511s %63s %511s %*d %*d", dev, dir, type, opts) == 4) {
		/* 2 MiB pages: said so, or the default size when the mount does not say. */
		if (strcmp(type, "hugetlbfs") != 0 ||
		    (strstr(opts, "pagesize=") != NULL && strstr(opts, "pagesize=2M") == NULL))
			continue;
		if ((size_t)snprintf(buf, cap, "%s", dir) < cap)
			rc = 0;
		break;
	}
	fclose(f);
	return rc;
}

void vhr_remove_huge_files(const char *prefix)
{
	char dir[256], path[512];
	size_t n = strlen(prefix);
	struct dirent *e;
	DIR *d;

	if (n == 0 || vhr_huge_dir(dir, sizeof(dir)) < 0 || (d = opendir(dir)) == NULL)
		return;
	while ((e = readdir(d)) != NULL)
		if (strncmp(e->d_name, prefix, n) == 0 && strncmp(e->d_name + n, "map_", 4) == 0 &&
		    (size_t)snprintf(path, sizeof(path), "%s/%s", dir, e->d_name) < sizeof(path))
			unlink(path);
	closedir(d);
}

int vhost_ref_hugepages(char *why, size_t cap)
{
	char dir[256], line[128];
	long free_pages = -1, size_kb = -1;
	FILE *f;

	if (vhr_huge_dir(dir, sizeof(dir)) < 0) {
		snprintf(why, cap, "no hugetlbfs mount of 2 MiB pages");
		return 0;
	}
	f = fopen("/proc/meminfo", "r");
	if (f != NULL) {
		while (fgets(line, sizeof(line), f) != NULL) {
			sscanf(line, "HugePages_Free: %ld", &free_pages);
			sscanf(line, "Hugepagesize: %ld", &size_kb);
		}
		fclose(f);
	}
	/* HugePages_Free counts pages of the default size: only 2 MiB is understood here. */
	if (size_kb != 2048 || free_pages < VHR_HUGE_PAGES) {
		snprintf(why, cap,
			 "%ld free hugepages of %ld kB in %s, %d of 2048 kB needed (-m %s each)",
			 free_pages, size_kb, dir, VHR_HUGE_PAGES, VHR_HUGE_MB);
		return 0;
	}
	snprintf(why, cap, "hugepages in %s, --single-file-segments -m %s", dir, VHR_HUGE_MB);
	return 1;
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

__attribute__((format(printf, 4, 5))) int vhr_fail(struct run *r, const struct tp *t, int rc,
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
		vhr_end_lines(r);
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
int vhr_tp_reap(struct run *r, struct tp *t, int ms)
{
	long long end = vhr_now_ms() + ms;
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
		if (vhr_now_ms() >= end)
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

	if (vhr_tp_reap(r, t, 2000))
		status_str(t->status, st, sizeof(st));
	return vhr_fail(r, t, -ECHILD, "the %s testpmd exited early (%s)", t->name, st);
}

/* SIGTERM, a bounded wait, then SIGKILL; always reaps. */
void vhr_tp_kill(struct run *r, struct tp *t)
{
	if (t->pid > 0) {
		kill(t->pid, SIGTERM);
		if (!vhr_tp_reap(r, t, TERM_MS)) {
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
void vhr_close_from_3(void)
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
		rc = vhr_fail(r, NULL, -errno, "cannot open a pseudo-terminal: %s",
			      strerror(errno));
		goto err;
	}
	s = open(name, O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (s < 0) {
		rc = vhr_fail(r, NULL, -errno, "%s: %s", name, strerror(errno));
		goto err;
	}
	/* Raw: no CR added to each newline, no echo, no signals from bytes. */
	if (tcgetattr(s, &tio) == 0) {
		cfmakeraw(&tio);
		tcsetattr(s, TCSANOW, &tio);
	}
	if (fcntl(m, F_SETFL, O_NONBLOCK) != 0 ||
	    socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0) {
		rc = vhr_fail(r, NULL, -errno, "socketpair: %s", strerror(errno));
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
		rc = vhr_fail(r, NULL, -errno, "fork: %s", strerror(errno));
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
		vhr_close_from_3();
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
int vhr_pump(struct run *r, struct tp *which, const char *pat, long long deadline, size_t *at)
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
		left = deadline - vhr_now_ms();
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
			return vhr_fail(r, NULL, -errno, "poll: %s", strerror(errno));
		for (i = 0; i < 2; i++)
			if (r->tp[i].out >= 0)
				tp_read(r, &r->tp[i]);
	}
}

/* Waits for the prompt testpmd prints once it reads commands. */
static int wait_prompt(struct run *r, struct tp *t, int ms, const char *what, size_t *at)
{
	int rc = vhr_pump(r, t, PROMPT, vhr_now_ms() + ms, at);

	if (rc == -ETIMEDOUT)
		return vhr_fail(r, t, rc, "the %s testpmd did not answer '%s' within %d s", t->name,
				what, ms / 1000);
	return rc;
}

/*
 * Sends one command and waits for the next prompt; the answer (the echoed
 * command, then what it printed) goes to @p ans, NUL-terminated, truncated.
 */
int vhr_cmd(struct run *r, struct tp *t, const char *line, char *ans, size_t cap)
{
	size_t len = strlen(line), off = 0, at;
	char nl = '\n';
	ssize_t n;
	int rc;

	if (r->cfg->verbose) {
		vhr_end_lines(r);
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
			return errno == EPIPE
				       ? tp_died(r, t)
				       : vhr_fail(r, t, -errno, "writing to the %s testpmd: %s",
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
int vhr_tp_start(struct run *r, struct tp *t, const char **argv)
{
	size_t at;
	int rc;

	if (r->cfg->verbose) {
		vhr_end_lines(r);
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
		rc = vhr_fail(r, t, -EIO, "the %s testpmd started without its port", t->name);
	if (rc < 0) {
		if (geteuid() != 0)
			not_root(r);
		return rc;
	}
	t->mark = at + strlen(PROMPT);
	return 0;
}
