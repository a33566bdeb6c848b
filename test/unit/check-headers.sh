#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# Compiles every installed header alone, once as C and once as C++, with
# strict warnings: each must include what it uses and carry extern "C" guards.
# The build's compilers always; clang and clang++ as well when installed (they
# warn where gcc is silent, e.g. -Wold-style-cast inside extern "C").
# usage: check-headers.sh <include dir> <cc> <c++|""> <header>...
set -eu
incdir=$1; cc=$2; cxx=$3; shift 3
ccs=$cc; cxxs=$cxx
command -v clang >/dev/null 2>&1 && ccs="$ccs|clang"
command -v clang++ >/dev/null 2>&1 && cxxs="${cxxs:+$cxxs|}clang++"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0

# check <label> <compiler command> <source> <flags...>
check() {
	label=$1; comp=$2; src=$3; shift 3
	if $comp "$@" -I"$incdir" -fsyntax-only "$src" 2>"$tmp/err"; then
		echo "ok ($label, $comp): $name"
	else
		echo "FAIL ($label, $comp): $name"; cat "$tmp/err"; fail=1
	fi
}

for h in "$@"; do
	name=$(basename "$h")
	# Private headers refuse direct inclusion unless their including header allows it.
	case "$name" in *_pvt.h) def=-DRTE_VMSG__ALLOW_PVT ;; *) def=-DRTE_VMSG__NONE ;; esac
	printf '#include <%s>\n#include <%s>\ntypedef int header_check_nonempty;\n' \
		"$name" "$name" > "$tmp/t.c"
	printf '#include <%s>\nextern "C" int probe_(void);\n' "$name" > "$tmp/t.cc"
	IFS='|'
	for c in $ccs; do
		unset IFS
		check C "$c" "$tmp/t.c" -std=gnu11 -Wall -Wextra -Werror -Wstrict-prototypes \
			-Wconversion -Wundef -pedantic -Wno-gnu-zero-variadic-macro-arguments \
			-Wno-unknown-warning-option "$def"
		IFS='|'
	done
	for c in $cxxs; do
		unset IFS
		check C++ "$c" "$tmp/t.cc" -std=c++11 -Wall -Wextra -Werror -Wold-style-cast \
			-Wno-unknown-warning-option "$def"
		IFS='|'
	done
	unset IFS
done
exit $fail
