/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The librte_vmsg authors
 *
 * Checks that the seed corpus is what its file names say
 * (tools/gen-fuzz-corpus.py): "<kind>[__variant].bin" parses at link maximum
 * 264 as that kind, "malformed__*.bin" does not, and the valid seeds cover
 * every message kind, the implementation-defined IDs in both namespaces.
 * A corpus of frames the parser refuses would let the fuzz targets start
 * from nothing.
 *
 * usage: corpus_check DIR
 */

#include <ctype.h>
#include <dirent.h>

#include <rte_vmsg_msg.h>

#include "vtest.h"

#define CORPUS_MAX RTE_VMSG_MAX_SIZE_DEFAULT

static int seen[RTE_VMSG_MSG_KIND_COUNT];
static int seen_impl_bus;

static void check_file(const char *dir, const char *name)
{
	char path[4096], stem[128];
	uint8_t buf[1024];
	struct rte_vmsg_msg m;
	enum rte_vmsg_msg_err why;
	size_t len, i;
	FILE *f;
	int rc;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "rb");
	CHECK(f != NULL);
	if (f == NULL)
		return;
	len = fread(buf, 1, sizeof(buf), f);
	CHECK(feof(f));
	fclose(f);

	/* The stem: the name up to "__" or ".bin", upper-cased. */
	for (i = 0; name[i] != '\0' && name[i] != '.' && i + 1 < sizeof(stem); i++) {
		if (name[i] == '_' && name[i + 1] == '_')
			break;
		stem[i] = (char)toupper((unsigned char)name[i]);
	}
	stem[i] = '\0';

	rc = rte_vmsg_msg_parse(buf, len, CORPUS_MAX, &m, &why);
	if (strcmp(stem, "MALFORMED") == 0) {
		if (rc == 0)
			fprintf(stderr, "%s: parses as %s\n", name, rte_vmsg_msg_kind_name(m.kind));
		CHECK(rc < 0);
		return;
	}
	if (rc != 0) {
		fprintf(stderr, "%s: refused: %s\n", name, rte_vmsg_msg_err_str(why));
		CHECK_EQ(rc, 0);
		return;
	}
	if (strcmp(stem, rte_vmsg_msg_kind_name(m.kind)) != 0) {
		fprintf(stderr, "%s: parses as %s\n", name, rte_vmsg_msg_kind_name(m.kind));
		CHECK(0);
	}
	CHECK_EQ(m.hdr.msg_size, len);
	seen[m.kind]++;
	if (m.kind == RTE_VMSG_MSG_IMPL && (m.hdr.type & RTE_VMSG_TYPE_BUS))
		seen_impl_bus++;
}

int main(int argc, char **argv)
{
	struct dirent *e;
	DIR *d;
	int k, files = 0;

	if (argc != 2) {
		fprintf(stderr, "usage: %s DIR\n", argv[0]);
		return 2;
	}
	d = opendir(argv[1]);
	if (d == NULL) {
		perror(argv[1]);
		return 1;
	}
	while ((e = readdir(d)) != NULL) {
		size_t n = strlen(e->d_name);

		if (n > 4 && strcmp(e->d_name + n - 4, ".bin") == 0) {
			check_file(argv[1], e->d_name);
			files++;
		}
	}
	closedir(d);

	CHECK(files > 0);
	for (k = RTE_VMSG_MSG_INVALID + 1; k < RTE_VMSG_MSG_KIND_COUNT; k++) {
		if (seen[k] == 0)
			fprintf(stderr, "no valid seed of kind %s\n",
				rte_vmsg_msg_kind_name((enum rte_vmsg_msg_kind)k));
		CHECK(seen[k] > 0);
	}
	/* IMPL in the transport namespace too, not only on the bus. */
	CHECK(seen_impl_bus > 0 && seen[RTE_VMSG_MSG_IMPL] > seen_impl_bus);
	printf("%d corpus files\n", files);
	return vtest_done("corpus_check");
}
