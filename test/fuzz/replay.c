/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The librte_vmsg authors
 *
 * Replays inputs through a fuzz target without libFuzzer, with any compiler:
 * runs LLVMFuzzerTestOneInput() once on every file named on the command line
 * and on every regular file of every directory named there (not recursive),
 * in name order. A broken property aborts; an empty replay fails too, since a
 * corpus that ran nothing has tested nothing.
 *
 * usage: replay_<target> FILE|DIR...
 */

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz.h"

/* Runs one file; returns 0, or -1 if it cannot be read. */
static int run_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf = NULL;
	long len;
	int rc = -1;

	if (f == NULL)
		goto fail;
	if (fseek(f, 0, SEEK_END) != 0 || (len = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) != 0)
		goto close;
	/* Exactly the file's size (1 for an empty file): reads past it overflow. */
	buf = malloc(len != 0 ? (size_t)len : 1u);
	if (buf == NULL || fread(buf, 1, (size_t)len, f) != (size_t)len)
		goto close;
	printf("replay %s (%ld bytes)\n", path, len);
	fflush(stdout);
	LLVMFuzzerTestOneInput(buf, (size_t)len);
	rc = 0;
close:
	free(buf);
	fclose(f);
fail:
	if (rc != 0)
		fprintf(stderr, "replay: cannot read %s: %s\n", path, strerror(errno));
	return rc;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Runs every regular file of @p dir; returns the count, or -1. */
static int run_dir(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	struct stat st;
	char **names = NULL, **grown, *path;
	size_t n = 0, cap = 0, i;
	int count = 0;

	if (d == NULL) {
		fprintf(stderr, "replay: cannot open %s: %s\n", dir, strerror(errno));
		return -1;
	}
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		if (n == cap) {
			cap = cap != 0 ? 2 * cap : 64;
			grown = realloc(names, cap * sizeof(*names));
			if (grown == NULL)
				goto oom;
			names = grown;
		}
		if ((names[n] = strdup(e->d_name)) == NULL)
			goto oom;
		n++;
	}
	closedir(d);
	d = NULL;
	qsort(names, n, sizeof(*names), by_name);

	for (i = 0; i < n && count >= 0; i++) {
		path = malloc(strlen(dir) + strlen(names[i]) + 2);
		if (path == NULL)
			goto oom;
		sprintf(path, "%s/%s", dir, names[i]);
		if (stat(path, &st) == 0 && S_ISREG(st.st_mode))
			count = run_file(path) == 0 ? count + 1 : -1;
		free(path);
	}
	goto out;
oom:
	fprintf(stderr, "replay: out of memory\n");
	count = -1;
out:
	if (d != NULL)
		closedir(d);
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	return count;
}

int main(int argc, char **argv)
{
	struct stat st;
	int i, n, total = 0;

	if (argc < 2) {
		fprintf(stderr, "usage: %s FILE|DIR...\n", argv[0]);
		return 2;
	}
	for (i = 1; i < argc; i++) {
		if (stat(argv[i], &st) != 0) {
			fprintf(stderr, "replay: %s: %s\n", argv[i], strerror(errno));
			return 1;
		}
		n = S_ISDIR(st.st_mode) ? run_dir(argv[i]) : run_file(argv[i]) == 0 ? 1 : -1;
		if (n < 0)
			return 1;
		total += n;
	}
	if (total == 0) {
		fprintf(stderr, "replay: no inputs found\n");
		return 1;
	}
	printf("replayed %d inputs\n", total);
	return 0;
}
