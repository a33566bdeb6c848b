/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The librte_vmsg authors
 *
 * describe: every virtio-msg v2 message the codec knows, with an example
 * frame built and parsed back by the library.
 */

#include <stdio.h>
#include <string.h>

#include <rte_vmsg.h>

#include "bench.h"
#include "msg_example.h"

int describe_run(uint32_t max_size)
{
	uint8_t frame[RTE_VMSG_MAX_SIZE_MAX];
	char line[512];
	int k, n, bad = 0;

	printf("librte_vmsg %s: virtio-msg v2 codec, transport revision 1, link max %u bytes\n",
	       rte_vmsg_version(), max_size);
	printf("%-26s %-5s %-4s %-9s %5s  %s\n", "message", "ns", "id", "class", "bytes",
	       "example frame, parsed back");
	for (k = RTE_VMSG_MSG_INVALID + 1; k < RTE_VMSG_MSG_KIND_COUNT; k++) {
		struct rte_vmsg_msg m, back;
		enum rte_vmsg_msg_err why;

		bench_msg_example(&m, (enum rte_vmsg_msg_kind)k);
		n = rte_vmsg_msg_build(frame, max_size, &m);
		if (n < 0 || rte_vmsg_msg_parse(frame, (size_t)n, max_size, &back, &why) != 0 ||
		    back.kind != m.kind) {
			printf("%-26s cannot be built within %u bytes (%s)\n",
			       rte_vmsg_msg_kind_name(m.kind), max_size,
			       n < 0 ? strerror(-n) : rte_vmsg_msg_err_str(why));
			bad = 1;
			continue;
		}
		rte_vmsg_msg_format(line, sizeof(line), frame, (size_t)n, max_size);
		printf("%-26s %-5s 0x%02x %-9s %5d  %s\n", rte_vmsg_msg_kind_name(m.kind),
		       (frame[0] & RTE_VMSG_TYPE_BUS) ? "bus" : "trans", frame[1],
		       (frame[1] & RTE_VMSG_ID_EVENT)	     ? "event"
		       : (frame[0] & RTE_VMSG_TYPE_RESPONSE) ? "response"
							     : "request",
		       n, line);
	}
	return bad ? 1 : 0;
}
