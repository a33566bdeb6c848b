#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 The librte_vmsg authors
"""Break each critical check of the library in turn and expect a test to fail.

Reads tools/critical-checks.txt (one [id] block per check: file, find,
replace, guards, and optionally env: KEY=VALUE settings for its test runs), copies the tracked files of the working tree into a
scratch directory, builds it once (release), runs the tests once unbroken
(they must pass), then for every check: replaces the pattern (which must
occur exactly once), rebuilds, runs the tests, restores the file. A check
is CAUGHT when at least one test fails, and fails again when run alone
(else FLAKY: a failure under load is no evidence), MISSED when all pass.
Each run's meson test log is kept in <scratch>/logs/<id>.txt. A table goes
to stdout (and, with --markdown, a Markdown table to a file).

The tests: the unit suite and, with --stress, the stress suite, stress
tests at small counts (VMSG_STRESS_SCALE=small); --tests NAME,... restricts to those test
names (for example the unit suite's plus ring_hostile: --suites unit
--extra-tests ring_hostile). It never touches the source tree it reads.

Exit status: 0 when every check was caught, 1 otherwise, 2 for bad usage
or a set-up failure.
"""

import argparse
import configparser
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def unescape(s):
    return s.replace("\\n", "\n").replace("\\t", "\t")


def load_checks(path):
    cp = configparser.RawConfigParser()
    cp.optionxform = str
    with open(path, encoding="utf-8") as f:
        cp.read_file(f)
    checks = []
    for sec in cp.sections():
        c = cp[sec]
        for key in ("file", "find", "replace", "guards"):
            if key not in c:
                sys.exit(f"break-checks: [{sec}] has no '{key}'")
        checks.append({
            "id": sec,
            "file": c["file"],
            "find": unescape(c["find"]),
            "replace": unescape(c["replace"]),
            "guards": c["guards"],
            # Optional: KEY=VALUE ... for the test runs of this check only.
            "env": dict(kv.split("=", 1) for kv in c.get("env", "").split() if "=" in kv),
        })
    return checks


def copy_tree(src, dst):
    files = subprocess.run(["git", "-C", src, "ls-files", "-z"], check=True,
                           capture_output=True).stdout.split(b"\0")
    for f in files:
        if not f:
            continue
        rel = f.decode()
        s = os.path.join(src, rel)
        if not os.path.isfile(s):
            continue  # deleted in the working tree
        d = os.path.join(dst, rel)
        os.makedirs(os.path.dirname(d), exist_ok=True)
        # Only what differs, stamped now: a kept scratch copy left broken by
        # an interrupted run is rebuilt (copying the old mtime would not be).
        with open(s, "rb") as f:
            data = f.read()
        try:
            with open(d, "rb") as f:
                same = f.read() == data
        except OSError:
            same = False
        if not same:
            with open(d, "wb") as f:
                f.write(data)
            shutil.copymode(s, d)


def run(cmd, log, env=None, cwd=None):
    with open(log, "ab") as f:
        f.write(("$ " + " ".join(cmd) + "\n").encode())
        f.flush()
        return subprocess.run(cmd, stdout=f, stderr=subprocess.STDOUT, env=env,
                              cwd=cwd).returncode


def test_cmd(build, args):
    cmd = ["meson", "test", "-C", build, "--no-rebuild", "--num-processes", str(args.jobs)]
    for s in args.suites:
        cmd += ["--suite", s]
    return cmd


def failed_tests(build):
    """Names of the tests that did not pass (fail, timeout, error) in the last run."""
    bad = []
    path = os.path.join(build, "meson-logs", "testlog.json")
    try:
        with open(path, encoding="utf-8") as f:
            for line in f:
                try:
                    t = json.loads(line)
                except ValueError:
                    continue
                if t.get("result") not in ("OK", "SKIP", "EXPECTEDFAIL"):
                    bad.append(t.get("name", "?"))
    except OSError:
        pass
    return bad


def run_tests(build, args, log, extra_env=None):
    env = dict(os.environ)
    env.update(extra_env or {})
    env["VMSG_STRESS_SCALE"] = "small"  # stress tests, in the suite or extra
    rc = run(test_cmd(build, args) + args.tests, log, env=env)
    names = failed_tests(build)
    for extra in args.extra_tests:
        cmd = ["meson", "test", "-C", build, "--no-rebuild", extra]
        erc = run(cmd, log, env=env)
        if erc != 0:
            names.append(extra)
            rc = rc or erc
    return rc, names


def keep_log(build, scratch, name):
    src = os.path.join(build, "meson-logs", "testlog.txt")
    dst = os.path.join(scratch, "logs", name + ".txt")
    os.makedirs(os.path.dirname(dst), exist_ok=True)
    try:
        shutil.copyfile(src, dst)
    except OSError:
        pass


def rerun_fails(build, args, log, name, extra_env=None):
    """Runs one test again (its name as meson lists it); True when it fails again."""
    env = dict(os.environ)
    env.update(extra_env or {})
    env["VMSG_STRESS_SCALE"] = "small"
    short = name.split(" / ")[-1]
    return run(["meson", "test", "-C", build, "--no-rebuild", short], log, env=env) != 0


def patterns_bad(checks, root):
    """Says which patterns do not occur exactly once under root; True if any."""
    bad = False
    for c in checks:
        path = os.path.join(root, c["file"])
        try:
            with open(path, encoding="utf-8") as f:
                n = f.read().count(c["find"])
        except OSError:
            n = -1
        if n != 1:
            print(f"[{c['id']}] pattern found {n} times in {c['file']} (must be 1)")
            bad = True
    return bad


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--checks", default=os.path.join(ROOT, "tools", "critical-checks.txt"))
    ap.add_argument("--only", default="", help="comma-separated check ids")
    ap.add_argument("--suites", default="unit", help="comma-separated meson suites (default unit)")
    ap.add_argument("--stress", action="store_true", help="add the stress suite (small counts)")
    ap.add_argument("--tests", default="", help="comma-separated test names (within the suites)")
    ap.add_argument("--extra-tests", default="",
                    help="comma-separated test names run besides the suites (e.g. ring_hostile)")
    ap.add_argument("--dir", default="", help="scratch directory (default: a new one in /tmp)")
    ap.add_argument("--keep", action="store_true", help="keep the scratch directory")
    ap.add_argument("--jobs", type=int, default=2, help="meson test processes (default 2)")
    ap.add_argument("--markdown", default="", help="also write the table as Markdown to this file")
    ap.add_argument("--patterns-only", action="store_true",
                    help="only check that every pattern occurs exactly once in the tree "
                         "(builds nothing; the unit test critical_checks_patterns)")
    args = ap.parse_args()
    args.suites = [s for s in args.suites.split(",") if s]
    if args.stress and "stress" not in args.suites:
        args.suites.append("stress")
    args.tests = [t for t in args.tests.split(",") if t]
    args.extra_tests = [t for t in args.extra_tests.split(",") if t]

    checks = load_checks(args.checks)
    if args.only:
        want = set(args.only.split(","))
        unknown = want - {c["id"] for c in checks}
        if unknown:
            sys.exit(f"break-checks: unknown check ids: {', '.join(sorted(unknown))}")
        checks = [c for c in checks if c["id"] in want]

    if args.patterns_only:
        return 2 if patterns_bad(checks, ROOT) else 0

    scratch = args.dir or tempfile.mkdtemp(prefix="vmsg-break-checks-")
    os.makedirs(scratch, exist_ok=True)
    src = os.path.join(scratch, "src")
    build = os.path.join(scratch, "build")
    log = os.path.join(scratch, "break-checks.log")
    print(f"scratch: {scratch} (log: {log})", flush=True)
    copy_tree(ROOT, src)  # refreshed on every run: a kept --dir follows the tree

    # Every pattern must be there exactly once before anything is built.
    if patterns_bad(checks, src):
        return 2

    if not os.path.isdir(build):
        if run(["meson", "setup", build, src, "-Dbuildtype=release"], log) != 0:
            print("break-checks: meson setup failed; see the log")
            return 2
    if run(["ninja", "-C", build], log) != 0:
        print("break-checks: the unbroken tree does not build; see the log")
        return 2
    t0 = time.time()
    rc, names = run_tests(build, args, log)
    if rc != 0:
        print(f"break-checks: the unbroken tree fails: {', '.join(names) or '?'}; see the log")
        return 2
    print(f"baseline: tests pass ({time.time() - t0:.0f} s)", flush=True)

    rows = []
    for c in checks:
        path = os.path.join(src, c["file"])
        with open(path, encoding="utf-8") as f:
            orig = f.read()
        with open(path, "w", encoding="utf-8") as f:
            f.write(orig.replace(c["find"], c["replace"], 1))
        t0 = time.time()
        try:
            if run(["ninja", "-C", build], log) != 0:
                result, names = "BUILD FAILED", []
            else:
                rc, names = run_tests(build, args, log, c["env"])
                result = "CAUGHT" if rc != 0 else "MISSED"
                keep_log(build, scratch, c["id"])
                if rc != 0 and names:
                    # A failure must repeat: a test that fails once under load
                    # is not evidence that the check is guarded.
                    again = [n for n in names if rerun_fails(build, args, log, n, c["env"])]
                    if not again:
                        result = "FLAKY"
                    names = again
        finally:
            with open(path, "w", encoding="utf-8") as f:
                f.write(orig)
        rows.append((c, result, names))
        print(f"{c['id']:<26} {result:<12} {time.time() - t0:5.0f} s  {', '.join(names)}",
              flush=True)
    # Leave the build matching the sources.
    run(["ninja", "-C", build], log)

    print()
    print(f"{'check':<26} {'file':<28} {'result':<12} failing tests / what it guards")
    for c, result, names in rows:
        print(f"{c['id']:<26} {c['file']:<28} {result:<12} {', '.join(names) or '-'}")
        print(f"{'':<26} {'':<28} {'':<12} guards: {c['guards']}")
    missed = [c["id"] for c, r, _ in rows if r != "CAUGHT"]
    print(f"\n{len(rows) - len(missed)} of {len(rows)} checks caught"
          + (f"; not caught: {', '.join(missed)}" if missed else ""))
    if args.markdown:
        with open(args.markdown, "w", encoding="utf-8") as f:
            f.write("| check | file | result | failing tests | guards |\n")
            f.write("|---|---|---|---|---|\n")
            for c, result, names in rows:
                f.write(f"| {c['id']} | {c['file']} | {result} | {', '.join(names) or '-'} "
                        f"| {c['guards']} |\n")
    if not args.keep and not args.dir:
        shutil.rmtree(scratch, ignore_errors=True)
    return 0 if not missed else 1


if __name__ == "__main__":
    sys.exit(main())
