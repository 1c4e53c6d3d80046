#!/usr/bin/env bash
# `make release-check`: the library modules build as a user's build sees them — at the version
# a release would tag, each requiring the others at that version, with no replace directive
# (a user's build ignores them) — and a user module outside the repository that requires them
# builds and runs the SDK example against the dev platform.
#   1. writes the library modules at $VERSION as a module proxy on disk (cmd/internal/modproxy);
#   2. extracts each from its zip (what the proxy serves), drops its replace directives and runs
#      go build + go vet (tests compiled too) with GOPROXY=file://that-proxy,<the usual proxy>;
#   3. makes a new module requiring github.com/llmtrace/llmtrace@$VERSION with examples/sdk's
#      main.go, builds it, prints how many modules it pulls, runs it against a dev platform.
# Needs: go, python3 (to unzip), network to the Go module proxy; _build/bin/llmtrace-devserver
# (make build).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
VERSION=${VERSION:-v0.1.0}
LIBS=(. internal/pdataview collectorexporter instrumentation/openai-go instrumentation/anthropic-sdk-go)
TMP=$(mktemp -d)
DEVPID=
# The exit status is the script's, never the clean-up's: the dev platform is stopped and waited
# for first (on SIGTERM it closes its database, removing dev.db-wal/-shm, which made a concurrent
# chmod -R fail and, under set -e, turned a passing run into exit 1 on CI), and a clean-up
# failure is reported, not returned.
cleanup() {
  local rc=$?
  set +e
  if [ -n "$DEVPID" ]; then kill "$DEVPID" 2>/dev/null; wait "$DEVPID" 2>/dev/null; fi
  chmod -R u+w "$TMP" 2>/dev/null
  rm -rf "$TMP" || echo "release-check: could not remove $TMP (left behind)" >&2
  exit "$rc"
}
trap cleanup EXIT
say() { printf 'release-check: %s\n' "$*"; }

DEVSERVER=$ROOT/_build/bin/llmtrace-devserver
[ -x "$DEVSERVER" ] || { say "$DEVSERVER is missing: run make build (make release-check does)" >&2; exit 1; }

PROXY=$TMP/proxy
(cd cmd && go run ./internal/modproxy -out "$PROXY" -version "$VERSION" -repo .. "${LIBS[@]}")
# A module cache keeps a module version for good (its files and the go command's index of
# them): this run reads the zips just written through a module cache of its own, filled from
# the proxy above, then from the machine's module cache (no download for what it holds), then
# from the usual proxy; -trimpath lets the build cache serve what was compiled before.
REAL_MODCACHE=$(go env GOMODCACHE)
export GOMODCACHE=$TMP/modcache
export GOPROXY="file://$PROXY,file://$REAL_MODCACHE/cache/download,$(go env GOPROXY)"
export GONOSUMDB=github.com/llmtrace
export GOFLAGS="$(go env GOFLAGS) -mod=mod -trimpath"
export GOWORK=off

for m in "${LIBS[@]}"; do
  path=$(cd "$m" && go list -m)
  zip=$PROXY/$path/@v/$VERSION.zip
  dir=$TMP/build/$(basename "$path")
  python3 -c 'import sys,zipfile; zipfile.ZipFile(sys.argv[1]).extractall(sys.argv[2])' "$zip" "$dir"
  cd "$dir/$path@$VERSION"
  for r in $(go mod edit -json | python3 -c 'import json,sys;print(" ".join(r["Old"]["Path"] for r in json.load(sys.stdin).get("Replace") or []))'); do
    go mod edit -dropreplace="$r"
  done
  say "$path@$VERSION: go build + go vet without replace directives"
  go build ./...
  go vet ./...
  cd "$ROOT"
done

APP=$TMP/app
mkdir -p "$APP"
cp examples/sdk/main.go "$APP/"
cd "$APP"
go mod init example.com/app >/dev/null 2>&1
go get "github.com/llmtrace/llmtrace@$VERSION" >/dev/null
go mod tidy
go build -o app .
say "a user module requiring github.com/llmtrace/llmtrace@$VERSION builds examples/sdk; its module graph: $(go list -m all | wc -l) modules ($(go list -m all | grep -c 'go.opentelemetry.io/collector' || true) of the collector)"
if go list -m all | grep -q 'go.opentelemetry.io/collector\|modernc.org/sqlite\|chromedp'; then
  say "the library module pulls the collector, sqlite or chromedp into a user's build" >&2; exit 1
fi

PORT=$(python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])')
"$DEVSERVER" -addr "127.0.0.1:$PORT" -db "$TMP/dev.db" >"$TMP/dev.log" 2>&1 &
DEVPID=$!
up=
for _ in $(seq 300); do
  curl -fsS "http://127.0.0.1:$PORT/" >/dev/null 2>&1 && { up=1; break; }
  kill -0 "$DEVPID" 2>/dev/null || break
  sleep 0.1
done
[ -n "$up" ] || { say "the dev platform did not answer on 127.0.0.1:$PORT; its log:" >&2; cat "$TMP/dev.log" >&2; exit 1; }
out=$(LLMTRACE_ENDPOINT="http://127.0.0.1:$PORT" ./app)
printf '%s\n' "$out"
link=$(printf '%s\n' "$out" | grep -o "http://127.0.0.1:$PORT/traces/[0-9a-f-]*" | head -1)
[ -n "$link" ] || { say "the example printed no trace link" >&2; exit 1; }
curl -fsS "$link" >/dev/null || { say "$link does not answer" >&2; exit 1; }
say "ok: the example ran as a user's module and its trace page answers ($link)"
