// Command benchconfig writes the collector configurations `make bench-collector`
// (scripts/bench-collector.sh) runs otelcol-llmtrace with: the repository's
// testdata/otelcol.yaml with file_storage's fsync set, and, for -exporter otlphttp, its
// llmtrace exporter swapped for the otlphttp exporter (component type otlp_http, the name
// collector v0.162.0 gives it; "otlphttp" is a deprecated alias) with the same endpoint,
// compression, timeout, sending_queue (persistent queue and batch settings) and
// retry_on_failure. The
// receivers, processors, extensions and telemetry stay as they are, ${env:...} references
// included, so the two exporters are measured in the same pipeline.
//
//	go run ./internal/benchconfig -base ../testdata/otelcol.yaml -exporter otlphttp -fsync=false > otelcol-bench.yaml
package main

import (
	"flag"
	"fmt"
	"os"
)

func main() {
	base := flag.String("base", "testdata/otelcol.yaml", "the collector configuration to derive from")
	exporter := flag.String("exporter", "llmtrace", "the traces and logs exporter: llmtrace or otlphttp")
	fsync := flag.Bool("fsync", true, "file_storage's fsync setting")
	flag.Parse()
	in, err := os.ReadFile(*base)
	if err == nil {
		var out []byte
		if out, err = derive(in, *exporter, *fsync); err == nil {
			fmt.Printf("# Derived from %s by cmd/internal/benchconfig: exporter %s, fsync %t.\n", *base, *exporter, *fsync)
			_, err = os.Stdout.Write(out)
		}
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "benchconfig:", err)
		os.Exit(1)
	}
}
