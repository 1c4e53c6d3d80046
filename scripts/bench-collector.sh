#!/usr/bin/env bash
# `make bench-collector`: the otelcol-llmtrace distribution measured as a whole process, with
# the llmtrace exporter and with the collector's own otlphttp exporter, file_storage's fsync
# off and on (issue 21).
#
# For each run (exporter × fsync, ROUNDS times, interleaved: llmtrace, otlphttp, llmtrace, …):
#   1. writes the collector configuration: testdata/otelcol.yaml with fsync set, and for
#      otlphttp its llmtrace exporter swapped for otlphttp with the same endpoint, compression,
#      timeout, persistent sending_queue (file_storage, batch) and retry_on_failure
#      (cmd/internal/benchconfig) — same receiver, memory_limiter and queue either way;
#   2. starts the sink (cmd/internal/sink: the platform's POST /v1/traces and OTLP/HTTP in one
#      server, counting events / spans) and otelcol-llmtrace pointed at it, a fresh queue
#      directory per run;
#   3. runs the load generator (cmd/internal/loadgen: OTLP/HTTP protobuf requests of SPANS spans
#      built from testdata/captures/, fresh IDs per request) for WARMUP + DURATION seconds,
#      as fast as the collector accepts (or RATE spans/s), CONCURRENCY requests in flight;
#   4. over the DURATION window: what the sink counted (events for llmtrace, spans for
#      otlphttp), the collector's own counts (otelcol_exporter_sent_spans,
#      otelcol_receiver_accepted_spans), the collector's CPU (utime + stime of
#      /proc/<pid>/stat; also per 1 000 sent spans, which a shared machine disturbs less than
#      spans/s) and its RSS (VmRSS of /proc/<pid>/status, sampled each second; it
#      includes the pages of file_storage's memory-mapped queue file, so RssAnon, the heap and
#      stacks, is given too), the queue left at the end (otelcol_exporter_queue_size);
# then prints one table (medians over rounds; RSS: the smallest and largest sample of all
# rounds) and the ratio llmtrace / otlphttp per fsync setting. Raw rows: $BENCH_DIR/results.tsv.
#
# Environment (defaults): DURATION (60) and WARMUP (5) seconds, ROUNDS (1), SPANS (77),
# CONCURRENCY (4), RATE (0: as fast as accepted), EXPORTERS ("llmtrace otlphttp"),
# FSYNCS ("false true"), COLLECTOR_CPUS / TOOLS_CPUS (taskset -c lists for the collector and
# for the sink + load generator; empty: not pinned), BENCH_DIR (./_build/bench-collector),
# BENCH_OTLP_HTTP_ENDPOINT (127.0.0.1:14318), BENCH_OTLP_GRPC_ENDPOINT (127.0.0.1:14317),
# BENCH_METRICS_PORT (18888), BENCH_SINK_ADDR (127.0.0.1:18787), SKIP_BUILD=1 to use the
# binaries as they are; LLMTRACE_QUEUE_SIZE (spans, 200000) reaches the collector as
# testdata/otelcol.yaml reads it. Linux only (/proc). Needs bash, curl, awk and Go.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

BIN=$ROOT/_build/bin
OTELCOL=$ROOT/_build/otelcol-llmtrace/otelcol-llmtrace
OUT=${BENCH_DIR:-$ROOT/_build/bench-collector}
DURATION=${DURATION:-60}
WARMUP=${WARMUP:-5}
ROUNDS=${ROUNDS:-1}
SPANS=${SPANS:-77}
CONCURRENCY=${CONCURRENCY:-4}
RATE=${RATE:-0}
EXPORTERS=${EXPORTERS:-llmtrace otlphttp}
FSYNCS=${FSYNCS:-false true}
COLLECTOR_CPUS=${COLLECTOR_CPUS:-}
TOOLS_CPUS=${TOOLS_CPUS:-}
OTLP_HTTP=${BENCH_OTLP_HTTP_ENDPOINT:-127.0.0.1:14318}
OTLP_GRPC=${BENCH_OTLP_GRPC_ENDPOINT:-127.0.0.1:14317}
METRICS_PORT=${BENCH_METRICS_PORT:-18888}
SINK_ADDR=${BENCH_SINK_ADDR:-127.0.0.1:18787}
TSV=$OUT/results.tsv
HZ=$(getconf CLK_TCK)

say() { printf 'bench-collector: %s\n' "$*" >&2; }
die() { printf 'bench-collector: %s\n' "$*" >&2; exit 1; }

[[ -r /proc/self/stat ]] || die "needs Linux /proc (CPU and RSS are read from /proc/<pid>)"
command -v curl >/dev/null || die "curl is missing on this machine"
for v in DURATION ROUNDS SPANS CONCURRENCY; do
  [[ ${!v} =~ ^[1-9][0-9]*$ ]] || die "$v=${!v}: a whole number above 0"
done
[[ $WARMUP =~ ^[0-9]+$ ]] || die "WARMUP=$WARMUP: a whole number of seconds"
[[ $RATE =~ ^[0-9]+([.][0-9]+)?$ ]] || die "RATE=$RATE: spans/s, 0 for as fast as accepted"
if [[ -n "$COLLECTOR_CPUS$TOOLS_CPUS" ]] && ! command -v taskset >/dev/null; then
  die "COLLECTOR_CPUS / TOOLS_CPUS need taskset (util-linux)"
fi

if [[ "${SKIP_BUILD:-}" != 1 ]]; then
  say "building otelcol-llmtrace (make otelcol) and the load generator, sink and config tool (cmd/internal)"
  make -s otelcol
  for t in loadgen sink benchconfig; do
    go -C cmd build -o "$BIN/$t" "./internal/$t"
  done
fi
for f in "$OTELCOL" "$BIN/loadgen" "$BIN/sink" "$BIN/benchconfig"; do
  [[ -x "$f" ]] || die "$f is missing; run without SKIP_BUILD=1"
done

port_busy() { (exec 3<>"/dev/tcp/${1%:*}/${1##*:}") 2>/dev/null; }
for addr in "$OTLP_HTTP" "$OTLP_GRPC" "127.0.0.1:$METRICS_PORT" "$SINK_ADDR"; do
  port_busy "$addr" && die "$addr is already in use; stop what listens there or set the BENCH_* variable (see scripts/bench-collector.sh)"
done

# pinned CPUS CMD...: CMD under taskset -c CPUS when CPUS is set; exec, so $! is CMD's pid.
pinned() {
  local cpus=$1; shift
  if [[ -n "$cpus" ]]; then exec taskset -c "$cpus" "$@"; else exec "$@"; fi
}

PIDS=()
stop_pid() { # TERM, then KILL after 30 s
  local pid=$1
  kill -TERM "$pid" 2>/dev/null || return 0
  for _ in $(seq 1 300); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}
cleanup() {
  local p
  for p in "${PIDS[@]}"; do stop_pid "$p"; done
  PIDS=()
}
trap cleanup EXIT
trap 'exit 130' INT TERM

cpu_ticks() { sed 's/^.*) //' "/proc/$1/stat" | awk '{print $12 + $13}'; } # utime + stime
rss_kib() { awk -v k="$2:" '$1 == k {print $2}' "/proc/$1/status"; } # rss_kib PID VmRSS|RssAnon
json_num() { sed -n "s/.*\"$1\":\([-0-9.e+]*\).*/\1/p"; }
# metric NAME: the sum over its series of the collector's Prometheus endpoint (0 when absent).
metric() {
  curl -fsS "http://127.0.0.1:$METRICS_PORT/metrics" 2>/dev/null |
    awk -v m="$1" '$1 == m || index($1, m "{") == 1 {s += $2} END {printf "%.0f\n", s}'
}
now() { date +%s.%N; }

# run_one EXPORTER FSYNC ROUND: one measured run; appends a row to $TSV.
run_one() {
  local exp=$1 fs=$2 round=$3
  local dir=$OUT/$exp-fsync-$fs-round$round
  rm -rf "$dir"
  mkdir -p "$dir"
  "$BIN/benchconfig" -base testdata/otelcol.yaml -exporter "$exp" -fsync="$fs" >"$dir/otelcol.yaml"

  (pinned "$TOOLS_CPUS" "$BIN/sink" -addr "$SINK_ADDR") 2>"$dir/sink.log" &
  local sink=$!
  PIDS+=("$sink")
  (
    export LLMTRACE_ENDPOINT="http://$SINK_ADDR" LLMTRACE_STORAGE_DIR="$dir/storage" \
      OTLP_HTTP_ENDPOINT="$OTLP_HTTP" OTLP_GRPC_ENDPOINT="$OTLP_GRPC" OTELCOL_METRICS_PORT="$METRICS_PORT"
    pinned "$COLLECTOR_CPUS" "$OTELCOL" --config="$dir/otelcol.yaml"
  ) >"$dir/otelcol.log" 2>&1 &
  local col=$!
  PIDS+=("$col")
  local ok=""
  for _ in $(seq 1 150); do
    kill -0 "$col" 2>/dev/null || die "the collector exited; its log is $dir/otelcol.log:
$(tail -n 20 "$dir/otelcol.log")"
    if curl -fsS "http://$SINK_ADDR/stats" >/dev/null 2>&1 &&
      curl -fsS -X POST -H 'Content-Type: application/json' --data '{"resourceSpans":[]}' \
        "http://$OTLP_HTTP/v1/traces" >/dev/null 2>&1; then
      ok=1
      break
    fi
    sleep 0.2
  done
  [[ -n "$ok" ]] || die "the collector or the sink did not become ready in 30 s; see $dir/"

  local load1
  load1=$(cut -d' ' -f1 /proc/loadavg)
  say "$exp, fsync $fs, round $round: ${WARMUP}s warm-up + ${DURATION}s measured (load average $load1)"
  (pinned "$TOOLS_CPUS" "$BIN/loadgen" -url "http://$OTLP_HTTP/v1/traces" -captures testdata/captures \
    -spans "$SPANS" -rate "$RATE" -concurrency "$CONCURRENCY" -duration "$((WARMUP + DURATION))s" -json) \
    >"$dir/loadgen.json" 2>"$dir/loadgen.log" &
  local lg=$!
  PIDS+=("$lg")
  sleep "$WARMUP"

  local unit=events_distinct
  [[ $exp == otlphttp ]] && unit=spans
  local t0 c0 s0 d0 sent0 recv0
  t0=$(now)
  c0=$(cpu_ticks "$col")
  s0=$(cpu_ticks "$sink")
  d0=$(curl -fsS "http://$SINK_ADDR/stats" | json_num "$unit")
  sent0=$(metric otelcol_exporter_sent_spans)
  recv0=$(metric otelcol_receiver_accepted_spans)
  local rmin=999999999 rmax=0 amax=0 r a end
  end=$(awk -v t="$t0" -v d="$DURATION" 'BEGIN {printf "%.3f", t + d}')
  while awk -v n="$(now)" -v e="$end" 'BEGIN {exit !(n < e)}'; do
    sleep 1
    kill -0 "$col" 2>/dev/null || die "the collector exited during the run; see $dir/otelcol.log"
    r=$(rss_kib "$col" VmRSS)
    a=$(rss_kib "$col" RssAnon)
    if ((a > amax)); then amax=$a; fi
    if ((r < rmin)); then rmin=$r; fi
    if ((r > rmax)); then rmax=$r; fi
  done
  local t1 c1 s1 d1 sent1 recv1 queue
  t1=$(now)
  c1=$(cpu_ticks "$col")
  s1=$(cpu_ticks "$sink")
  d1=$(curl -fsS "http://$SINK_ADDR/stats" | json_num "$unit")
  sent1=$(metric otelcol_exporter_sent_spans)
  recv1=$(metric otelcol_receiver_accepted_spans)
  queue=$(curl -fsS "http://127.0.0.1:$METRICS_PORT/metrics" 2>/dev/null |
    awk '$1 ~ /^otelcol_exporter_queue_size\{data_type="traces"/ {s += $2} END {printf "%.0f\n", s}')
  wait "$lg" || say "the load generator failed: $(cat "$dir/loadgen.log")"
  local refused
  refused=$(json_num refused_requests <"$dir/loadgen.json")
  stop_pid "$col"
  stop_pid "$sink"
  PIDS=()
  rm -rf "$dir/storage"

  awk -v OFS='\t' -v e="$exp" -v f="$fs" -v r="$round" -v t0="$t0" -v t1="$t1" -v hz="$HZ" \
    -v d0="$d0" -v d1="$d1" -v sent0="$sent0" -v sent1="$sent1" -v recv0="$recv0" -v recv1="$recv1" \
    -v c0="$c0" -v c1="$c1" -v s0="$s0" -v s1="$s1" -v rmin="$rmin" -v rmax="$rmax" -v amax="$amax" \
    -v q="$queue" -v ref="${refused:-0}" -v l="$load1" 'BEGIN {
      w = t1 - t0
      sent = sent1 - sent0
      printf "%s\t%s\t%s\t%.0f\t%.0f\t%.0f\t%s\t%.0f\t%.0f\t%.0f\t%s\t%.0f\t%s\t%.0f\t%.1f\n", e, f, r,
        (d1 - d0) / w, sent / w, (recv1 - recv0) / w, ref,
        100 * (c1 - c0) / hz / w, rmin / 1024, rmax / 1024, q, 100 * (s1 - s0) / hz / w, l, amax / 1024,
        (sent > 0 ? 1e6 * (c1 - c0) / hz / sent : 0)
    }' >>"$TSV"
}

mkdir -p "$OUT"
rm -rf "$OUT"/*-fsync-*-round*
printf 'exporter\tfsync\tround\tdelivered_per_s\tsent_spans_per_s\treceived_spans_per_s\trefused_requests\tcpu_pct\trss_min_mib\trss_max_mib\tqueue_at_end\tsink_cpu_pct\tload1\tanon_max_mib\tcpu_ms_per_1k_sent\n' >"$TSV"
for round in $(seq 1 "$ROUNDS"); do
  for fs in $FSYNCS; do
    for exp in $EXPORTERS; do
      run_one "$exp" "$fs" "$round"
    done
  done
done

# The table: medians over rounds (RSS: smallest and largest sample of all rounds).
median() { sort -g | awk '{a[NR] = $1} END {if (NR % 2) print a[(NR + 1) / 2]; else print (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }
col() { awk -F'\t' -v e="$1" -v f="$2" -v c="$3" 'NR > 1 && $1 == e && $2 == f {print $c}' "$TSV"; }
echo
printf 'otelcol-llmtrace, %s-span OTLP/HTTP requests, %s, %s s measured after %s s warm-up, %s round(s) (medians)%s\n' \
  "$SPANS" "$([[ $RATE == 0 ]] && echo "as fast as accepted, $CONCURRENCY in flight" || echo "$RATE spans/s offered")" \
  "$DURATION" "$WARMUP" "$ROUNDS" "$([[ -n $COLLECTOR_CPUS ]] && echo ", collector on CPUs $COLLECTOR_CPUS" || true)"
fmt='%-9s %-6s %12s %-6s %12s %12s %8s %6s %9s %10s %9s %10s %9s %5s\n'
# shellcheck disable=SC2059
printf "$fmt" exporter fsync "delivered/s" unit "sent span/s" "recv span/s" refused "CPU %" "ms/1k sent" "RSS MiB" "anon MiB" "queue end" "sink CPU%" load
declare -A med
for fs in $FSYNCS; do
  for exp in $EXPORTERS; do
    unit=events
    [[ $exp == otlphttp ]] && unit=spans
    for c in 4 5 6 7 8 11 12 13 14 15; do med[$exp,$fs,$c]=$(col "$exp" "$fs" $c | median); done
    rss="$(col "$exp" "$fs" 9 | sort -g | head -n1)–$(col "$exp" "$fs" 10 | sort -g | tail -n1)"
    # shellcheck disable=SC2059
    printf "$fmt" "$exp" "$fs" "${med[$exp,$fs,4]}" "$unit" "${med[$exp,$fs,5]}" "${med[$exp,$fs,6]}" \
      "${med[$exp,$fs,7]}" "${med[$exp,$fs,8]}" "${med[$exp,$fs,15]}" "$rss" "${med[$exp,$fs,14]}" "${med[$exp,$fs,11]}" "${med[$exp,$fs,12]}" "${med[$exp,$fs,13]}"
  done
done
if [[ " $EXPORTERS " == *" llmtrace "* && " $EXPORTERS " == *" otlphttp "* ]]; then
  for fs in $FSYNCS; do
    awk -v f="$fs" -v a="${med[llmtrace,$fs,4]}" -v b="${med[otlphttp,$fs,4]}" \
      -v sa="${med[llmtrace,$fs,5]}" -v sb="${med[otlphttp,$fs,5]}" \
      -v ca="${med[llmtrace,$fs,15]}" -v cb="${med[otlphttp,$fs,15]}" 'BEGIN {
        printf "llmtrace / otlphttp, fsync %s: %.2fx delivered (events / spans), %.2fx sent spans, %.2fx CPU per sent span\n", f,
          (b > 0 ? a / b : 0), (sb > 0 ? sa / sb : 0), (cb > 0 ? ca / cb : 0) }'
  done
fi
cat <<EOF

delivered/s: what the sink counted per second of the window (llmtrace: distinct platform events,
one per span plus one per exception event; otlphttp: spans). sent spans/s: the collector's
otelcol_exporter_sent_spans; recv spans/s: otelcol_receiver_accepted_spans; refused: requests
the receiver answered 429/503 over the whole run; CPU %: the collector process (100 = one core);
ms/1k sent: the collector's CPU time per 1 000 sent spans (receiving included, so it is the
exporter's cost alone only when the queue does not grow: compare at a RATE both keep up with);
RSS: VmRSS, smallest and largest sample (includes the mapped queue file); anon: largest RssAnon;
queue end: spans left in the persistent queue; load: 1-min load average at the run's start.
Raw rows: $TSV
EOF
