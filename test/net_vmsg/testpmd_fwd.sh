#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 The librte_vmsg authors
#
# dpdk-testpmd with two net_vmsg driver-role ports (the PMD loaded with -d)
# against vmsg-fwd with the two device-role ports, in vmsg-fwd mode io or
# macswap. testpmd forwards port 0 <-> port 1 (io), vmsg-fwd port 0 <->
# port 1: `start tx_first` puts 32 packets on each port and they go round.
# Then the counters must show every packet forwarded, none dropped:
#   testpmd: RX-dropped and TX-dropped 0 on both ports; TX = RX + 64 (the
#   first bursts); a few thousand packets at least;
#   vmsg-fwd: drops, errors, broken 0; it received on port p all testpmd
#   transmitted on port p, and sent on one port all it received on the
#   other; the 64 packets of tx_first are all still there at testpmd's stop
#   (what vmsg-fwd sent on port p and testpmd did not take yet).
#
# With zc (a fourth argument) there is one port on each side, both with
# zerocopy=1, and each side sends what it receives back out of the same
# port: testpmd's port receives into mbufs of its bus file's DMA area and
# sends them back without a copy. The xstats must show every packet
# received and sent that way (but the first burst's, from testpmd's own
# pool). Without zc they must show none; with two ports, a packet received
# in one port's file and sent on the other is copied.
#
# usage: testpmd_fwd.sh VMSG_FWD PMD_SO io|macswap [zc]
set -eu

fwd=$1
pmd=$2
mode=$3
zc=${4:-}
testpmd=${DPDK_TESTPMD:-dpdk-testpmd}
command -v "$testpmd" >/dev/null 2>&1 || {
	echo "testpmd_fwd: $testpmd not found (apt-get install dpdk)" >&2
	exit 1
}
tag=nvtp$$
f0=/dev/shm/$tag-0
f1=/dev/shm/$tag-1
ports0="--port vmsg:file=$f0"
ports1="--port vmsg:file=$f1"
vdev0="net_vmsg0,file=$f0,role=driver,huge=0"
vdev1="net_vmsg1,file=$f1,role=driver,huge=0"
if [ "$zc" = zc ]; then
	ports0="$ports0,zerocopy=1"
	ports1=
	vdev0="$vdev0,zerocopy=1"
fi
dir=$(mktemp -d)
fpid=
tpid=
cleanup() {
	[ -n "$tpid" ] && kill "$tpid" 2>/dev/null || true
	[ -n "$fpid" ] && kill "$fpid" 2>/dev/null || true
	rm -f "$f0" "$f1"
	rm -rf "$dir" "/var/run/dpdk/$tag"
}
trap cleanup EXIT

# DPDK's EAL refuses a plugin below a world-writable folder (a checkout in
# /tmp): load a copy from a private folder of $HOME then.
unsafe=0
d=$(dirname "$(readlink -f "$pmd")")
while :; do
	[ -n "$(find "$d" -maxdepth 0 -perm -0002 2>/dev/null)" ] && unsafe=1
	[ "$d" = / ] && break
	d=$(dirname "$d")
done
if [ $unsafe = 1 ]; then
	priv=${HOME:-/root}/.cache/librte_vmsg/pmd-test-$$
	mkdir -p "$priv"
	chmod 0700 "$priv" "${HOME:-/root}/.cache/librte_vmsg"
	cp "$pmd" "$priv/librte_net_vmsg.so"
	pmd=$priv/librte_net_vmsg.so
	trap 'cleanup; rm -rf "$priv"' EXIT
fi

# shellcheck disable=SC2086 # the port options are words
"$fwd" --hugepages none $ports0 $ports1 --mode "$mode" \
	--cpus 0 --duration 90 --stats-period 0 >"$dir/fwd.log" 2>&1 &
fpid=$!
i=0
last=$f1
[ -z "$ports1" ] && last=$f0
while [ ! -e "$last" ] && [ $i -lt 50 ]; do
	sleep 0.1
	i=$((i + 1))
done

# testpmd reads its commands from a FIFO, each sent once testpmd is ready
# for it: its start-up (1 GiB without hugepages, the PMD loaded) can take
# longer than any fixed pause on a loaded machine, and commands queued
# early would run back to back (tx_first, then stop at once).
mkfifo "$dir/cmd"
stdbuf -oL timeout 90 "$testpmd" -d "$pmd" -l 0-1 --no-huge -m 1024 --no-pci --no-telemetry \
	--file-prefix "$tag" \
	--vdev "$vdev0" ${ports1:+--vdev "$vdev1"} \
	-- -i --nb-cores=1 --forward-mode=io <"$dir/cmd" >"$dir/testpmd.log" 2>&1 &
tpid=$!
exec 3>"$dir/cmd"
nports=2
[ -z "$ports1" ] && nports=1
tp_fail() {
	exec 3>&-
	kill "$tpid" 2>/dev/null || true
	wait "$tpid" 2>/dev/null || true
	cat "$dir/testpmd.log"
	echo "testpmd_fwd: $1" >&2
	exit 1
}
# A command; a testpmd gone makes the write fail (EPIPE), not kill the script.
trap '' PIPE
send() {
	printf '%s\n' "$1" >&3 2>/dev/null || tp_fail "testpmd exited before '$1'"
}
# The prompt, then every port's link up in testpmd's port summary (its
# last one: the lines after the last "Number of available ports").
i=0
until grep -q "testpmd> " "$dir/testpmd.log" 2>/dev/null; do
	kill -0 "$tpid" 2>/dev/null || tp_fail "testpmd failed"
	[ $i -ge 400 ] && tp_fail "no testpmd prompt in 40 s"
	sleep 0.1
	i=$((i + 1))
done
i=0
while :; do
	send "show port summary all"
	sleep 0.5
	up=$(awk '/Number of available ports/ { n = 0 } /net_vmsg/ && / up / { n++ } END { print n + 0 }' \
		"$dir/testpmd.log")
	[ "$up" -ge "$nports" ] && break
	kill -0 "$tpid" 2>/dev/null || tp_fail "testpmd failed"
	[ $i -ge 40 ] && tp_fail "the ports' links did not come up in 20 s"
	i=$((i + 1))
done
send "start tx_first"
sleep 3
send "stop"
sleep 1
send "show port xstats all"
send "quit"
exec 3>&-
wait "$tpid" || tp_fail "testpmd failed"
tpid=
kill -INT "$fpid" 2>/dev/null || true
wait "$fpid" || true
fpid=

# testpmd's "Forward statistics for port N" blocks, after stop.
python3 - "$dir/testpmd.log" "$dir/fwd.log" "$zc" <<'PY'
import re, sys
tp = open(sys.argv[1]).read()
fw = open(sys.argv[2]).read()
zc = sys.argv[3] == "zc"
want = [0] if zc else [0, 1]
first = 32 * len(want)  # tx_first: one burst per port
ports = {}
# Each block up to the next one (testpmd's prompt may land inside it).
blocks = re.split(r"Forward statistics for port ", tp)[1:]
for b in blocks:
    b = b.split("Accumulated forward statistics")[0]
    vals = [re.search(k + r":\s*(\d+)", b) for k in ("RX-packets", "RX-dropped", "TX-packets",
                                                     "TX-dropped")]
    if b[:1].isdigit() and all(vals):
        ports[int(re.match(r"\d+", b).group(0))] = [int(v.group(1)) for v in vals]
if sorted(ports) != want:
    print(tp)
    sys.exit(f"testpmd_fwd: no forward statistics for ports {want}")
f = {}
tail = fw[fw.rfind("final totals"):]
for m in re.finditer(r"^\s*(\d+) all\s+(\d+)\s+\d+\s+(\d+)\s+\d+\s+(\d+)\s+(\d+)\s+(\d+)", tail, re.M):
    f[int(m.group(1))] = [int(x) for x in m.groups()[1:]]
if sorted(f) != want:
    print(fw)
    sys.exit("testpmd_fwd: no final totals from vmsg-fwd")
bad = []
rx = sum(p[0] for p in ports.values())
tx = sum(p[2] for p in ports.values())
for n, (prx, pdrop, ptx, ptxdrop) in sorted(ports.items()):
    print(f"testpmd port {n}: rx {prx} tx {ptx} rx-dropped {pdrop} tx-dropped {ptxdrop}")
    if pdrop or ptxdrop:
        bad.append(f"testpmd port {n} dropped packets")
for n, (frx, ftx, drops, broken, errors) in sorted(f.items()):
    print(f"vmsg-fwd port {n}: rx {frx} tx {ftx} drops {drops} broken {broken} errors {errors}")
    if drops or broken or errors:
        bad.append(f"vmsg-fwd port {n}: drops/broken/errors")
    if frx != ports[n][2]:
        bad.append(f"vmsg-fwd port {n} received {frx}, testpmd sent {ports[n][2]}")
    if ftx < ports[n][0]:
        bad.append(f"vmsg-fwd port {n} sent {ftx}, testpmd received {ports[n][0]}")
# vmsg-fwd sends on one port all it received on the other (on the same
# port with one).
if any(f[n][0] != f[want[-1 - i]][1] for i, n in enumerate(want)):
    bad.append("vmsg-fwd did not send all it received")
# The packets of tx_first are still going round at testpmd's stop: in
# testpmd's receive queues (sent by vmsg-fwd, not yet taken).
waiting = sum(f[n][1] - ports[n][0] for n in want)
print(f"packets waiting in testpmd's receive queues at its stop: {waiting}")
if waiting != first:
    bad.append(f"{waiting} packets in flight, not the {first} of tx_first: some were lost")
if tx != rx + first:
    bad.append(f"testpmd sent {tx}, received {rx}: not received + {first}")
if rx < 10000:
    bad.append(f"only {rx} packets went round")
# xstats, per port in order: rx_zero_copy_packets and tx_zero_copy_packets.
zrx = [int(v) for v in re.findall(r"rx_zero_copy_packets:\s*(\d+)", tp)]
ztx = [int(v) for v in re.findall(r"tx_zero_copy_packets:\s*(\d+)", tp)]
if len(zrx) != len(want) or len(ztx) != len(want):
    bad.append("no zero-copy xstats for every port")
elif zc:
    print(f"zero-copy: received {sum(zrx)} of {rx}, sent {sum(ztx)} of {tx}")
    if sum(zrx) != rx:
        bad.append(f"zerocopy=1: {sum(zrx)} of {rx} packets received without a copy")
    if sum(ztx) != tx - first:
        bad.append(f"zerocopy=1: {sum(ztx)} of {tx - first} forwarded packets sent "
                   "without a copy")
elif sum(zrx) or sum(ztx):
    bad.append("zerocopy=0, but packets went without a copy")
if bad:
    print(tp[-4000:])
    print("--- vmsg-fwd:")
    print(fw[-3000:])
    # The PMD's own account, last, where a log cut to its tail still shows it.
    keys = ("link_ups", "link_downs", "resets", "peer_lost", "broken_queues", "lib_rx_drops",
            "lib_rx_errors", "lib_tx_drops", "lib_tx_errors")
    got = {k: ",".join(re.findall(k + r":\s*(\d+)", tp)) or "-" for k in keys}
    print("--- testpmd's net_vmsg xstats, per port: " +
          "; ".join(f"{k} {v}" for k, v in got.items()))
    sys.exit("testpmd_fwd: " + "; ".join(bad))
print(f"testpmd_fwd: {rx} packets forwarded, none dropped")
PY
