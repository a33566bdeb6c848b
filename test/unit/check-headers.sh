#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# Compiles every installed header alone, once as C and once as C++, with
# strict warnings: each must include what it uses and carry extern "C" guards.
# usage: check-headers.sh <include dir> <cc> <c++|""> <header>...
set -eu
incdir=$1; cc=$2; cxx=$3; shift 3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
for h in "$@"; do
	name=$(basename "$h")
	# Private headers refuse direct inclusion unless their including header allows it.
	case "$name" in *_pvt.h) def=-DRTE_VMSG__ALLOW_PVT ;; *) def= ;; esac
	printf '#include <%s>\n#include <%s>\ntypedef int header_check_nonempty;\n' "$name" "$name" > "$tmp/t.c"
	if ! $cc -std=gnu11 -Wall -Wextra -Werror -Wstrict-prototypes -Wconversion -Wundef \
		$def -pedantic -Wno-gnu-zero-variadic-macro-arguments -Wno-unknown-warning-option \
		-I"$incdir" -fsyntax-only "$tmp/t.c" 2>"$tmp/err"; then
		echo "FAIL (C): $name"; cat "$tmp/err"; fail=1
	else
		echo "ok (C): $name"
	fi
	if [ -n "$cxx" ]; then
		printf '#include <%s>\nextern "C" int probe_(void);\n' "$name" > "$tmp/t.cc"
		if ! $cxx -std=c++11 -Wall -Wextra -Werror -Wold-style-cast -Wno-unknown-warning-option $def \
			-I"$incdir" -fsyntax-only "$tmp/t.cc" 2>"$tmp/err"; then
			echo "FAIL (C++): $name"; cat "$tmp/err"; fail=1
		else
			echo "ok (C++): $name"
		fi
	fi
done
exit $fail
