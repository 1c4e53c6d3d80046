package e2e

import (
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"testing"
)

// TestMakeRunOnce runs scripts/run.sh (what `make run` calls) with RUN_ONCE=1 on free
// ports: it must print the number of stored events, equal to `llmtrace map` of the
// captures, and the dev platform's URL, then stop both processes.
func TestMakeRunOnce(t *testing.T) {
	skipShort(t, "starts the dev platform and the collector; skipped with -short")
	b, _, want := needCaptureRun(t)
	devAddr := freeAddr(t)
	_, metricsPort, _ := net.SplitHostPort(freeAddr(t))
	cmd := exec.Command("bash", filepath.Join(b.root, "scripts", "run.sh"))
	cmd.Dir = b.root
	cmd.Env = append(os.Environ(),
		"RUN_ONCE=1", "SKIP_BUILD=1",
		"RUN_DIR="+t.TempDir(),
		"LLMTRACE_DEV_ADDR="+devAddr,
		"OTLP_GRPC_ENDPOINT="+freeAddr(t),
		"OTLP_HTTP_ENDPOINT="+freeAddr(t),
		"OTELCOL_METRICS_PORT="+metricsPort,
	)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("scripts/run.sh: %v\n%s", err, out)
	}
	m := regexp.MustCompile(`the dev platform stored (\d+) events`).FindSubmatch(out)
	if m == nil {
		t.Fatalf("run.sh did not print the event count:\n%s", out)
	}
	if n, _ := strconv.Atoi(string(m[1])); n != len(want) {
		t.Errorf("run.sh reports %d stored events, `llmtrace map` gives %d:\n%s", n, len(want), out)
	}
	if !regexp.MustCompile(`open http://` + regexp.QuoteMeta(devAddr) + `/`).Match(out) {
		t.Errorf("run.sh did not print the page URL:\n%s", out)
	}
	if !regexp.MustCompile(`stopped the collector and the dev platform`).Match(out) {
		t.Errorf("run.sh did not stop its processes:\n%s", out)
	}
	// Both ports are free again.
	for _, a := range []string{devAddr} {
		if c, err := net.Dial("tcp", a); err == nil {
			_ = c.Close()
			t.Errorf("%s still answers after run.sh exited", a)
		}
	}
}
