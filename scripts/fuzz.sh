#!/usr/bin/env bash
# fuzz.sh — run every Go fuzz target of the module (every `func FuzzXxx(f *testing.F)` in a
# *_test.go file) for FUZZTIME each (default 60s), one after another, and print the
# executions per target. Called by `make fuzz`.
#
# A target that finds a failing input does not stop the run: `go test -fuzz` has already
# written the input to <package>/testdata/fuzz/<FuzzXxx>/<hash>, where it is part of the
# seed corpus that every plain `go test` runs from then on. Commit it with the fix. The
# script exits 1 when any target failed, 0 otherwise.
#
# Environment: GO (default go), FUZZTIME (a duration or Nx, default 60s), FUZZ_LOG_DIR
# (where each target's output is kept, default _build/fuzz).
set -uo pipefail

GO=${GO:-go}
FUZZTIME=${FUZZTIME:-60s}
LOG_DIR=${FUZZ_LOG_DIR:-_build/fuzz}
cd "$(dirname "$0")/.."
mkdir -p "$LOG_DIR"

# "<dir> <FuzzName>" for every fuzz target, sorted; _build (generated collector sources) skipped.
mapfile -t targets < <(grep -rEo --include='*_test.go' --exclude-dir=_build --exclude-dir=.git \
	'^func Fuzz[A-Za-z0-9_]*\(' . | sed -E 's#^\./(.*)/[^/]+_test\.go:func (Fuzz[A-Za-z0-9_]*)\($#\1 \2#' | sort -u)
if [ ${#targets[@]} -eq 0 ]; then
	echo "fuzz.sh: no fuzz targets found" >&2
	exit 1
fi

failed=()
summary=()
for t in "${targets[@]}"; do
	dir=${t% *}
	name=${t#* }
	log="$LOG_DIR/${dir//\//_}.$name.log"
	echo "=== $name (./$dir) for $FUZZTIME"
	"$GO" test -run '^$' -fuzz "^${name}\$" -fuzztime "$FUZZTIME" "./$dir" 2>&1 | tee "$log"
	rc=${PIPESTATUS[0]}
	# The last progress line: "fuzz: elapsed: 1m0s, execs: 123456 (2057/sec), new interesting: 3 (total: 40)".
	# (The rate on that line covers only the last interval; the total and elapsed are what count.)
	execs=$(grep -Eo 'elapsed: [0-9hms.]+, execs: [0-9]+' "$log" | tail -1 | sed -E 's/elapsed: ([^,]+), execs: ([0-9]+)/\2 execs in \1/')
	interesting=$(grep -Eo 'new interesting: [0-9]+ \(total: [0-9]+\)' "$log" | tail -1)
	status=ok
	if [ "$rc" -ne 0 ]; then
		status="FAIL (input kept in ./$dir/testdata/fuzz/$name/)"
		failed+=("$name")
	fi
	summary+=("$(printf '%-22s %-18s %-26s %-34s %s' "$name" "./$dir" "${execs:-? execs}" "${interesting:-}" "$status")")
done

echo
echo "fuzz summary (FUZZTIME=$FUZZTIME each, $(nproc 2>/dev/null || echo '?') CPUs):"
printf '%s\n' "${summary[@]}"
if [ ${#failed[@]} -gt 0 ]; then
	echo "fuzz.sh: ${#failed[@]} target(s) failed: ${failed[*]}; commit the new inputs under testdata/fuzz/ with the fix" >&2
	exit 1
fi
