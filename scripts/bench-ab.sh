#!/usr/bin/env bash
# `make bench-ab`: one Go benchmark at several commits, compared the way docs/performance.md
# reports figures. For each commit (BASES, space-separated, e.g. "46503f1 2e88284") and the
# working tree, it builds the package's test binary (a `git worktree` per commit under
# _build/bench-ab/), then runs them in interleaved rounds (A B C, A B C, …), each run pinned
# to one core (taskset -c $CORE) for a fixed number of iterations, and measures the CPU time
# the run used (user + system of the process and its threads, GC workers included, from
# getrusage): unlike wall time, it does not count time the process waited for the core, so
# other work on the machine disturbs it far less; a run of one iteration before each run
# measures the process start, which is taken off. It prints each run's CPU time, ns/op,
# B/op and allocs/op, then per binary the median CPU time and, for each base, the median of
# the per-round ratios working tree / base.
#   PKG     package directory (default internal/pdataview)
#   BENCH   benchmark name, each level anchored (default BenchmarkMapChatSpan; a sub-benchmark:
#           BenchmarkParseJSON/tree)
#   BASES   commits to compare with (default "46503f1 2e88284"; empty: the working tree alone)
#   ANCHOR  a second benchmark of the same package (e.g. BenchmarkConsumeTraces/otlphttp for
#           BENCH=BenchmarkConsumeTraces/llmtrace) run by the working tree's binary in each
#           round as one more entry, "anchor": its ratio is the working tree's CPU per
#           iteration over the anchor's, and the anchor's throughput over it is its inverse
#   ROUNDS  rounds (default 6); ITERS iterations per run (default 100000); CORE (default 1)
# Needs: git, go, taskset (util-linux), python3.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
PKG=${PKG:-internal/pdataview}
BENCH=${BENCH:-BenchmarkMapChatSpan}
BASES=${BASES-46503f1 2e88284}
ANCHOR=${ANCHOR:-}
ROUNDS=${ROUNDS:-6}
ITERS=${ITERS:-100000}
CORE=${CORE:-1}
OUT=$ROOT/_build/bench-ab
mkdir -p "$OUT"
say() { printf 'bench-ab: %s\n' "$*" >&2; }

names=() dirs=() bins=()
build() { # name, checkout root
  local name=$1 root=$2
  [ -d "$root/$PKG" ] || { say "$name has no $PKG"; exit 1; }
  (cd "$root/$PKG" && GOWORK=off go test -c -o "$OUT/$name.test" .) || { say "cannot build $PKG at $name"; exit 1; }
  names+=("$name") dirs+=("$root/$PKG") bins+=("$OUT/$name.test")
}
build "worktree" "$ROOT"
for c in $BASES; do
  wt=$OUT/wt-$c
  if [ ! -d "$wt" ]; then
    git worktree add -f --detach "$wt" "$c" >/dev/null 2>&1 || { say "cannot check out $c"; exit 1; }
  fi
  build "$c" "$wt"
done

anchored() { printf %s "$1" | sed 's#[^/]*#^&$#g'; }
benches=()
for _ in "${names[@]}"; do benches+=("$(anchored "$BENCH")"); done
if [ -n "$ANCHOR" ]; then
  names+=("anchor") dirs+=("${dirs[0]}") bins+=("${bins[0]}") benches+=("$(anchored "$ANCHOR")")
  say "anchor: $ANCHOR in the working tree's binary"
fi

say "$BENCH in $PKG, $ROUNDS rounds of ${#bins[@]} runs, $ITERS iterations each, core $CORE; load: $(cut -d' ' -f1-3 /proc/loadavg)"
python3 - "$ROUNDS" "$ITERS" "$CORE" "${#bins[@]}" "${names[@]}" "${dirs[@]}" "${bins[@]}" "${benches[@]}" <<'PY'
import resource, statistics, subprocess, sys
rounds, iters, core, n = int(sys.argv[1]), sys.argv[2], sys.argv[3], int(sys.argv[4])
names, dirs, bins, benches = sys.argv[5:5+n], sys.argv[5+n:5+2*n], sys.argv[5+2*n:5+3*n], sys.argv[5+3*n:5+4*n]
cpu = [[] for _ in range(n)]

def run(i, count):
    """CPU seconds of one run of binary i for count iterations, and its output."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    p = subprocess.run(["taskset", "-c", core, bins[i], "-test.run", "^$", "-test.bench", benches[i],
                        "-test.benchtime", count + "x", "-test.benchmem"], cwd=dirs[i], capture_output=True, text=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if p.returncode != 0:
        sys.exit(f"bench-ab: {names[i]} failed:\n{p.stdout}{p.stderr}")
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime), p.stdout

for r in range(rounds):
    for i in range(n):
        startup, _ = run(i, "1")  # the process start and one iteration, taken off the run below
        t, out = run(i, iters)
        t -= startup
        line = next((l for l in out.splitlines() if l.startswith("Benchmark")), "")
        if not line:
            sys.exit(f"bench-ab: {names[i]} has no benchmark matching {benches[i]}")
        f = line.split()
        cpu[i].append(t)
        ns = f[2] if len(f) > 2 else "?"
        bop = f[f.index("B/op") - 1] if "B/op" in f else "?"
        aop = f[f.index("allocs/op") - 1] if "allocs/op" in f else "?"
        print(f"round {r+1} {names[i]:>10}: cpu {t:.3f} s  {ns} ns/op  {bop} B/op  {aop} allocs/op", flush=True)
print()
for i in range(n):
    line = (f"{names[i]:>10}: median cpu {statistics.median(cpu[i]):.3f} s for {iters} iterations "
            f"({statistics.median(cpu[i]) / int(iters) * 1e9:.0f} ns/op of cpu)")
    if i > 0:
        r = statistics.median(a / b for a, b in zip(cpu[0], cpu[i]))
        line += f"; worktree / {names[i]} = {r:.3f} (median of the rounds' ratios)"
        if names[i] == "anchor":
            line += f"; throughput worktree / anchor = {statistics.median(b / a for a, b in zip(cpu[0], cpu[i])):.3f}"
    print(line)
PY
