#!/usr/bin/env bash
# Re-records one real capture: scripts/capture/run.sh NAME (genkit-js, langfuse-js,
# langchain-openinference, otel-js-openai, google-adk-js, langsmith-js). It installs NAME's
# pinned npm packages (network to the npm registry: this is why make test never runs it),
# starts the Go OTLP receiver (traces, and logs on /v1/logs)
# (internal/otlpcapture/receiver) on loopback, runs NAME/capture.mjs against it and the script's
# own loopback fake OpenAI server, and writes testdata/captures/<file> named by the script.
# The Genkit for Go captures come from: cd examples/genkit && go run . -capture ../../testdata/captures
set -euo pipefail
name=${1:?usage: scripts/capture/run.sh NAME}
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
dir="$here/$name"
[ -f "$dir/capture.mjs" ] || { echo "no $dir/capture.mjs" >&2; exit 2; }
out=$(sed -n 's/^export const CAPTURE_FILE = .\(.*\).;$/\1/p' "$dir/capture.mjs")
[ -n "$out" ] || { echo "$dir/capture.mjs exports no CAPTURE_FILE" >&2; exit 2; }
[ -d "$dir/node_modules" ] && [ -z "${CAPTURE_NPM_CI:-}" ] || (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
bin=$(mktemp -d)/receiver
(cd "$root" && go -C internal/otlpcapture build -o "$bin" ./receiver)
port=${CAPTURE_PORT:-4319}
"$bin" -addr "127.0.0.1:$port" -out "$root/testdata/captures/$out" &
rpid=$!
trap 'kill $rpid 2>/dev/null || true' EXIT
for _ in $(seq 50); do curl -s -o /dev/null "http://127.0.0.1:$port/" && break; sleep 0.1; done
(cd "$dir" && CAPTURE_OTLP_ENDPOINT="http://127.0.0.1:$port" node capture.mjs)
kill -TERM $rpid
wait $rpid
trap - EXIT
