#!/usr/bin/env bash
# `make run`: the main job end to end on real input.
#   1. builds the dev platform and the otelcol-llmtrace distribution (make reuses them when up to date),
#   2. starts the dev platform (SQLite under ./_build/) and the collector with testdata/otelcol.yaml
#      (OTLP on 127.0.0.1:4317 gRPC / 127.0.0.1:4318 HTTP → memory_limiter →
#      llmtrace exporter with a persistent queue → the dev platform),
#   3. posts every capture in testdata/captures/ to the collector's OTLP/HTTP endpoint: a capture
#      that holds resourceLogs (gen_ai log records carrying the prompts and answers) to /v1/logs
#      first — an app's records are emitted during the call, before its span ends and is
#      exported — then every capture to /v1/traces. Each time the whole document is sent: an
#      OTLP/JSON receiver ignores the other signal's field (OTLP specification, "JSON Protobuf
#      Encoding": unknown fields MUST be ignored). The collector joins records and spans in
#      either order (internal/e2e TestCollectorLogsJoin checks both),
#   4. waits until the dev platform stored their events, prints the count and the page URL,
#   5. keeps both running until Ctrl-C, then stops the two processes it started.
# RUN_ONCE=1 stops after step 4 (tests, CI). Needs only bash, curl and Go.
#
# Environment (defaults): LLMTRACE_DEV_ADDR (127.0.0.1:8787), OTLP_GRPC_ENDPOINT (127.0.0.1:4317),
# OTLP_HTTP_ENDPOINT (127.0.0.1:4318), OTELCOL_METRICS_PORT (8888), RUN_DIR (./_build/run),
# RUN_TIMEOUT seconds to wait for the events (60), SKIP_BUILD=1 to use the binaries as they are.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

BIN=$ROOT/_build/bin
DEVSERVER=$BIN/llmtrace-devserver
LLMTRACE=$BIN/llmtrace
OTELCOL=$ROOT/_build/otelcol-llmtrace/otelcol-llmtrace
CAPTURES=$ROOT/testdata/captures
CONFIG=$ROOT/testdata/otelcol.yaml

DEV_ADDR=${LLMTRACE_DEV_ADDR:-127.0.0.1:8787}
export OTLP_GRPC_ENDPOINT=${OTLP_GRPC_ENDPOINT:-127.0.0.1:4317}
export OTLP_HTTP_ENDPOINT=${OTLP_HTTP_ENDPOINT:-127.0.0.1:4318}
export OTELCOL_METRICS_PORT=${OTELCOL_METRICS_PORT:-8888}
RUN_DIR=${RUN_DIR:-$ROOT/_build/run}
RUN_TIMEOUT=${RUN_TIMEOUT:-60}
export LLMTRACE_ENDPOINT="http://$DEV_ADDR"
export LLMTRACE_STORAGE_DIR=$RUN_DIR/otelcol-storage
DB=$RUN_DIR/llmtrace-dev.db

say() { printf 'run: %s\n' "$*"; }
die() { printf 'run: %s\n' "$*" >&2; exit 1; }

command -v curl >/dev/null || die "curl is missing on this machine"

if [[ "${SKIP_BUILD:-}" != 1 ]]; then
  say "building the dev platform and the otelcol-llmtrace distribution (reused when up to date)"
  make -s build otelcol
fi
for f in "$DEVSERVER" "$LLMTRACE" "$OTELCOL"; do
  [[ -x "$f" ]] || die "$f is missing; run 'make build otelcol'"
done
shopt -s nullglob
captures=("$CAPTURES"/*.json)
((${#captures[@]} > 0)) || die "no captures in $CAPTURES"

# A port already in use means another instance (or another program) runs there: say so.
port_busy() { (exec 3<>"/dev/tcp/${1%:*}/${1##*:}") 2>/dev/null; }
for addr in "$DEV_ADDR" "$OTLP_GRPC_ENDPOINT" "$OTLP_HTTP_ENDPOINT" "127.0.0.1:$OTELCOL_METRICS_PORT"; do
  port_busy "$addr" && die "$addr is already in use; stop what listens there or set the matching variable (see scripts/run.sh)"
done

mkdir -p "$RUN_DIR"
rm -f "$DB" "$DB-wal" "$DB-shm"   # a fresh dev platform per run; the queue dir survives restarts

DEV_PID=""
COL_PID=""
stop() {
  trap - EXIT INT TERM
  [[ -n "$COL_PID" ]] && kill -TERM "$COL_PID" 2>/dev/null && wait "$COL_PID" 2>/dev/null || true
  [[ -n "$DEV_PID" ]] && kill -TERM "$DEV_PID" 2>/dev/null && wait "$DEV_PID" 2>/dev/null || true
  say "stopped the collector and the dev platform"
}
trap stop EXIT
trap 'exit 130' INT TERM

"$DEVSERVER" -addr "$DEV_ADDR" -db "$DB" >"$RUN_DIR/devserver.log" 2>&1 &
DEV_PID=$!
"$OTELCOL" --config="$CONFIG" >"$RUN_DIR/otelcol.log" 2>&1 &
COL_PID=$!

# wait_for NAME PID CMD...: until CMD succeeds, failing fast when the process died.
wait_for() {
  local name=$1 pid=$2; shift 2
  for _ in $(seq 1 100); do
    "$@" >/dev/null 2>&1 && return 0
    kill -0 "$pid" 2>/dev/null || die "$name exited; its log is $RUN_DIR/$name.log:
$(tail -n 20 "$RUN_DIR/$name.log")"
    sleep 0.2
  done
  die "$name did not become ready in 20 s; its log is $RUN_DIR/$name.log"
}
wait_for devserver "$DEV_PID" curl -fsS "http://$DEV_ADDR/v1/traces?limit=1"
wait_for otelcol "$COL_PID" curl -fsS -X POST -H 'Content-Type: application/json' \
  --data '{"resourceSpans":[]}' "http://$OTLP_HTTP_ENDPOINT/v1/traces"
say "dev platform on http://$DEV_ADDR (pid $DEV_PID), otelcol-llmtrace on $OTLP_GRPC_ENDPOINT / $OTLP_HTTP_ENDPOINT (pid $COL_PID)"

# What the platform should end up with: `llmtrace map` of every capture, by trace.
declare -A want=()
all_ids=""
for f in "${captures[@]}"; do
  out=$("$LLMTRACE" map "$f") || die "llmtrace map $f failed"
  ids=$(grep -o '"spanId": *"[^"]*"' <<<"$out" | tr -d ' ' | sort -u)
  n=$(grep -c . <<<"$ids" || true)
  all_ids+="$ids"$'\n'
  for tid in $(grep -o '"traceId": *"[^"]*"' <<<"$out" | cut -d'"' -f4 | sort -u); do want[$tid]=1; done
  logs=""
  if grep -q '"resourceLogs"' "$f"; then
    curl -fsS -X POST -H 'Content-Type: application/json' --data-binary @"$f" \
      "http://$OTLP_HTTP_ENDPOINT/v1/logs" >/dev/null || die "posting the log records of $f to the collector failed"
    logs=" and its log records"
  fi
  curl -fsS -X POST -H 'Content-Type: application/json' --data-binary @"$f" \
    "http://$OTLP_HTTP_ENDPOINT/v1/traces" >/dev/null || die "posting $f to the collector failed"
  say "posted $(basename "$f")$logs ($n events expected)"
done
expected=$(grep . <<<"$all_ids" | sort -u | wc -l)

stored_count() {
  local total=0 body
  for tid in "${!want[@]}"; do
    body=$(curl -fsS "http://$DEV_ADDR/v1/traces/$tid" 2>/dev/null) || continue
    total=$((total + $(grep -o '"spanId": *"[^"]*"' <<<"$body" | sort -u | wc -l)))
  done
  echo "$total"
}
deadline=$((SECONDS + RUN_TIMEOUT))
stored=0
while ((SECONDS < deadline)); do
  stored=$(stored_count)
  ((stored >= expected)) && break
  kill -0 "$COL_PID" 2>/dev/null || die "the collector exited; see $RUN_DIR/otelcol.log"
  sleep 0.5
done
((stored >= expected)) || die "the dev platform stored $stored of $expected events after ${RUN_TIMEOUT}s; see $RUN_DIR/otelcol.log"

say "the dev platform stored $stored events in ${#want[@]} traces from ${#captures[@]} captures"
say "open http://$DEV_ADDR/ to see them"
if [[ "${RUN_ONCE:-}" == 1 ]]; then
  exit 0
fi
say "apps pointed at OTEL_EXPORTER_OTLP_ENDPOINT=http://$OTLP_HTTP_ENDPOINT show up there too; Ctrl-C stops both"
wait "$COL_PID" "$DEV_PID" || true
