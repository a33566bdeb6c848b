/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The librte_vmsg authors
 *
 * net_vmsg's devargs parser on its own (no DPDK): good strings give the
 * fields they say, defaults included; each bus kind takes its own keys.
 * The bad strings, refused at probe, are net_vmsg_badargs's.
 */

#include <errno.h>
#include <string.h>

#include <rte_vmsg_bus.h>
#include <rte_vmsg_net.h>

#include "net_vmsg_args.h"
#include "vtest.h"

static int parse(const char *s, struct nvm_args *a)
{
	char why[512];
	int rc = nvm_args_parse(s, a, why, sizeof(why));

	if (rc != 0)
		printf("refused '%s': %s\n", s, why);
	return rc;
}

int main(void)
{
	struct nvm_args a;
	char why[512];

	/* Defaults. */
	CHECK_EQ(parse("file=/dev/shm/x,role=driver", &a), 0);
	CHECK_EQ(a.bus, NVM_BUS_SHM);
	CHECK_EQ(a.role, RTE_VMSG_BUS_DRIVER);
	CHECK_EQ(a.dev_num, 1);
	CHECK_EQ(a.queues, 1);
	CHECK_EQ(a.notify, RTE_VMSG_NET_NOTIFY_POLL);
	CHECK_EQ(a.peer_timeout_ms, 0);
	CHECK(strcmp(a.file, "/dev/shm/x") == 0);

	/* An shm device with most keys. */
	CHECK_EQ(parse("file=f,role=device,dev=7,queues=4,qsize=512,notify=event,"
		       "mac=02:00:00:00:00:09,mtu=9000,huge=0,tso=1,zerocopy=1,ring=split,"
		       "in_order=0,peer_timeout=250",
		       &a),
		 0);
	CHECK_EQ(a.role, RTE_VMSG_BUS_DEVICE);
	CHECK_EQ(a.dev_num, 7);
	CHECK_EQ(a.queues, 4);
	CHECK_EQ(a.qsize, 512);
	CHECK_EQ(a.notify, RTE_VMSG_NET_NOTIFY_EVENT);
	CHECK_EQ(a.have_mac, 1);
	CHECK_EQ(a.mac[5], 9);
	CHECK_EQ(a.mtu, 9000);
	CHECK_EQ(a.no_huge, 1);
	CHECK_EQ(a.tso, 1);
	CHECK_EQ(a.zerocopy, 1);
	CHECK_U64(a.ring_off,
		  (1ull << RTE_VMSG_VIRTIO_F_RING_PACKED) | (1ull << RTE_VMSG_VIRTIO_F_IN_ORDER));
	CHECK_EQ(a.peer_timeout_ms, 250);

	/* Numbers: decimal (a leading 0 is no octal), or hex after 0x. */
	CHECK_EQ(parse("file=f,role=driver,dev=010", &a), 0);
	CHECK_EQ(a.dev_num, 10);
	CHECK_EQ(parse("file=f,role=driver,dev=0x10,peer_timeout=0X3e8", &a), 0);
	CHECK_EQ(a.dev_num, 16);
	CHECK_EQ(a.peer_timeout_ms, 1000);
	CHECK_EQ(parse("file=f,role=driver,dev=0x", &a), -EINVAL);
	CHECK_EQ(parse("file=f,role=driver,dev=08x", &a), -EINVAL);
	/* huge= is the shm bus file's. */
	CHECK_EQ(parse("file=f,role=device,bus=amp,size=65536,huge=0", &a), -EINVAL);

	/* A bare AMP link, driver role. */
	CHECK_EQ(parse("file=link,role=driver,bus=amp,offset=4096,layout=v0,payloads=pre-v2,"
		       "mem=ram@0x40000000,mem=ram2",
		       &a),
		 0);
	CHECK_EQ(a.bus, NVM_BUS_AMP);
	CHECK_U64(a.offset, 4096);
	CHECK_EQ(a.layout, RTE_VMSG_AMP_LAYOUT_V0);
	CHECK_EQ(a.payloads, RTE_VMSG_PAYLOADS_PRE_V2);
	CHECK_EQ(a.nmem, 2);
	CHECK_U64(a.mem_base[0], 0x40000000u);
	CHECK(strcmp(a.mem[1], "ram2") == 0);

#ifdef NVM_HAVE_PCIE
	/* A card: its address, the card keys, layout and payloads; notify for its doorbells. */
	CHECK_EQ(parse("bus=pcie,card=0000:00:10.0,role=driver,profile=versal,placement=host,"
		       "layout=v0,iova=pa,payloads=pre-v2,notify=event,peer_timeout=1000",
		       &a),
		 0);
	CHECK_EQ(a.bus, NVM_BUS_PCIE);
	CHECK(strcmp(a.file, "0000:00:10.0") == 0);
	CHECK_EQ(a.pcie_profile, 3);   /* RTE_VMSG_PCIE_PROFILE_VERSAL */
	CHECK_EQ(a.pcie_placement, 2); /* RTE_VMSG_PCIE_PLACEMENT_HOST */
	CHECK_EQ(a.pcie_layout, 2);    /* RTE_VMSG_PCIE_LAYOUT_V0 */
	CHECK_EQ(a.pcie_iova_pa, 1);
	CHECK_EQ(a.payloads, RTE_VMSG_PAYLOADS_PRE_V2);
	CHECK_EQ(a.peer_timeout_ms, 1000);
	CHECK_EQ(parse("bus=pcie,card=0A:1F.7,role=driver,layout=default", &a), 0);
	CHECK(strcmp(a.file, "0000:0a:1f.7") == 0); /* the kernel's form */
	CHECK_EQ(a.pcie_layout, 0);
	CHECK_EQ(a.pcie_profile, 0);
	CHECK_EQ(a.pcie_iova_pa, 0);
	CHECK_EQ(parse("bus=pcie,card=00:10.0,role=driver,zerocopy=1", &a), 0);
	CHECK_EQ(a.zerocopy, 1); /* the mbuf pool in the card's DMA memory */
#else
	CHECK_EQ(nvm_args_parse("bus=pcie,card=00:03.0,role=driver", &a, why, sizeof(why)),
		 -EINVAL);
	CHECK(strstr(why, "no PCIe driver") != NULL);
#endif
	/* One line naming the key. */
	CHECK_EQ(
		nvm_args_parse("bus=pcie,card=00:03.0,role=driver,offset=64", &a, why, sizeof(why)),
		-EINVAL);
	CHECK(strchr(why, '\n') == NULL && strstr(why, "offset") != NULL);
	CHECK_EQ(nvm_args_parse("file=x,role=driver,peer_timeout=5", &a, why, sizeof(why)),
		 -EINVAL);
	CHECK(strstr(why, "peer_timeout") != NULL);
	/* Within a few of the control thread's sleeps: an idle peer would be taken for lost. */
	CHECK_EQ(nvm_args_parse("file=x,role=driver,peer_timeout=49", &a, why, sizeof(why)),
		 -EINVAL);
	CHECK(strstr(why, "50 to 3600000") != NULL);
	CHECK_EQ(parse("file=x,role=driver,peer_timeout=50", &a), 0);
	CHECK_EQ(a.peer_timeout_ms, 50);
	return vtest_done("test_nvm_args");
}
