#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# vmsg-ivshmem-server never truncates or resizes a --shm file that exists:
# one of another size, or one that is not a regular file, is refused (exit 2,
# one line) and left as it was; a regular file of exactly --size bytes (a
# restarted server's) is served as it is, its content kept. Each server that
# should stop at the check gets sockets in a directory that does not exist:
# were the file let through, it would stop there (exit 1), not hang.
# usage: ivshmem-shm-file.sh <vmsg-ivshmem-server>
server=$1
dir=$(mktemp -d /tmp/vmsg-ivshmem-shm-test.XXXXXX) || exit 1
pid=
trap '[ -n "$pid" ] && kill -KILL "$pid" 2>/dev/null; rm -rf "$dir"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

# refused FILE SIZE TEXT: exit 2, one line on stderr that says TEXT.
refused() {
	err=$(timeout 10 "$server" --socket /nonexistent-dir/q.sock \
		--card-socket /nonexistent-dir/c.sock --size "$2" --shm "$1" 2>&1 >/dev/null)
	rc=$?
	[ "$rc" -eq 2 ] || fail "--shm $1 --size $2: exit $rc, expected 2: $err"
	case $err in
	*"$3"*) ;;
	*) fail "--shm $1 --size $2: stderr does not say '$3': $err" ;;
	esac
	[ "$(printf '%s\n' "$err" | wc -l)" -eq 1 ] || fail "--shm $1: not one line: $err"
	echo "ok: --shm $1 --size $2 refused: $err"
}

# A file of another size: refused, its size and bytes unchanged.
head -c 4096 /dev/urandom >"$dir/small" || exit 1
cp "$dir/small" "$dir/small.ref"
refused "$dir/small" 1M "an existing file of 4096 bytes, not --size 1048576"
[ "$(stat -c %s "$dir/small")" -eq 4096 ] || fail "the 4096-byte file was resized"
cmp -s "$dir/small" "$dir/small.ref" || fail "the 4096-byte file's content changed"
# ... larger than --size too (it would have been cut).
head -c 2097152 /dev/urandom >"$dir/big" || exit 1
cp "$dir/big" "$dir/big.ref"
refused "$dir/big" 1M "an existing file of 2097152 bytes, not --size 1048576"
cmp -s "$dir/big" "$dir/big.ref" || fail "the 2 MiB file was changed"

# Not a regular file: a FIFO and a directory, left as they are.
mkfifo "$dir/fifo" || exit 1
refused "$dir/fifo" 1M "not a regular file"
[ -p "$dir/fifo" ] || fail "the FIFO is gone"
mkdir "$dir/sub" || exit 1
refused "$dir/sub" 1M "not a regular file"
[ -d "$dir/sub" ] || fail "the directory is gone"

# start_server WHAT: a server on $dir/mem (1M), in the background, its
# sockets in $dir; fails saying "WHAT did not start" unless it listens
# within 5 s.
start_server() {
	"$server" --socket "$dir/q.sock" --card-socket "$dir/c.sock" --size 1M --shm "$dir/mem" \
		>/dev/null 2>"$dir/err" &
	pid=$!
	i=0
	while [ ! -S "$dir/c.sock" ] && kill -0 "$pid" 2>/dev/null && [ $i -lt 50 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	[ -S "$dir/c.sock" ] || fail "$1 did not start: $(cat "$dir/err")"
}

# stop_server WHAT: SIGTERM to it; fails saying "WHAT: exit N" unless it exits 0.
stop_server() {
	kill -TERM "$pid"
	wait "$pid"
	rc=$?
	pid=
	[ "$rc" -eq 0 ] || fail "$1: exit $rc after SIGTERM: $(cat "$dir/err")"
}

# A regular file of exactly --size bytes: the server starts on it and leaves
# its content as it was (it stops cleanly on SIGTERM and does not remove it).
head -c 1048576 /dev/urandom >"$dir/mem" || exit 1
cp "$dir/mem" "$dir/mem.ref"
start_server "the server on a file of --size bytes"
stop_server "the server on a file of --size bytes"
[ -f "$dir/mem" ] || fail "the server removed a file it did not make"
cmp -s "$dir/mem" "$dir/mem.ref" || fail "the content of the file was changed"
echo "ok: a file of --size bytes served as it is, its content kept"

# A file another server holds (its lock): a second server on it is refused
# (exit 1, one line) and the first goes on, its file as it was.
mkdir "$dir/b" || exit 1
start_server "the first server"
err=$(timeout 10 "$server" --socket "$dir/b/q.sock" --card-socket "$dir/b/c.sock" --size 1M \
	--shm "$dir/mem" 2>&1 >/dev/null)
rc=$?
[ "$rc" -eq 1 ] || fail "a second server on a file in use: exit $rc, expected 1: $err"
case $err in
*"in use by another server"*) ;;
*) fail "a second server on a file in use does not say so: $err" ;;
esac
[ "$(printf '%s\n' "$err" | wc -l)" -eq 1 ] || fail "not one line: $err"
[ ! -e "$dir/b/c.sock" ] || fail "the second server listened"
kill -0 "$pid" 2>/dev/null || fail "the first server stopped"
cmp -s "$dir/mem" "$dir/mem.ref" || fail "the content of the file was changed"
stop_server "the first server"
echo "ok: a second server on a file in use refused: $err"
