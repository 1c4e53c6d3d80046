package e2e

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestCollectorEndToEnd: the dev platform (with an API key) and the built otelcol-llmtrace
// with testdata/otelcol.yaml (key from ${env:LLMTRACE_API_KEY}); every capture is posted
// to OTLP/HTTP; the stored events equal `llmtrace map` of the same captures, event by event.
func TestCollectorEndToEnd(t *testing.T) {
	b, files, want := needCaptureRun(t)
	if len(want) == 0 {
		t.Fatal("llmtrace map produced no events for the captures")
	}

	platformAddr := freeAddr(t)
	startDevserver(t, b, platformAddr, filepath.Join(t.TempDir(), "dev.db"), "e2e-key")
	cenv := newCollectorEnv(t, "http://"+platformAddr, "e2e-key")
	col := startCollector(t, b, &cenv)

	postCaptures(t, cenv.httpAddr, files)
	got, total := waitStored(t, platformAddr, want, 60*time.Second, col)
	t.Logf("%d captures, %d events from `llmtrace map`, %d stored by the dev platform", len(files), len(want), total)
	if total != len(want) {
		t.Errorf("the dev platform holds %d events for the captures' traces, want %d", total, len(want))
	}
	for k, w := range want {
		g, ok := got[k]
		if !ok {
			t.Errorf("event %s missing on the platform", k)
			continue
		}
		wj, _ := json.Marshal(w)
		gj, _ := json.Marshal(g)
		if string(wj) != string(gj) {
			t.Errorf("event %s differs between the collector path and `llmtrace map`:\ncollector: %s\nmap:       %s", k, gj, wj)
		}
	}
	if strings.Contains(col.log(), "e2e-key") {
		t.Error("the collector logged the API key")
	}
}

// TestOtelcolValidatesEveryYAML runs `otelcol-llmtrace validate --config=…` on every
// collector YAML in the repository.
func TestOtelcolValidatesEveryYAML(t *testing.T) {
	b := needBinaries(t)
	var configs []string
	err := filepath.WalkDir(b.root, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		name := d.Name()
		if d.IsDir() && (name == "_build" || name == ".git" || name == "node_modules") {
			return filepath.SkipDir
		}
		if d.IsDir() || !(strings.HasSuffix(name, ".yaml") || strings.HasSuffix(name, ".yml")) {
			return nil
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		// A collector config has a service section with pipelines.
		if strings.Contains(string(data), "\nservice:") && strings.Contains(string(data), "pipelines:") {
			configs = append(configs, path)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(configs) == 0 {
		t.Fatal("no collector YAML found in the repository")
	}
	env := append(os.Environ(), "LLMTRACE_API_KEY=validate-key")
	for _, c := range configs {
		rel, _ := filepath.Rel(b.root, c)
		t.Run(rel, func(t *testing.T) {
			cmd := exec.Command(b.otelcol, "validate", "--config="+c)
			cmd.Dir = b.root
			cmd.Env = env
			if out, err := cmd.CombinedOutput(); err != nil {
				t.Fatalf("otelcol-llmtrace validate --config=%s: %v\n%s", rel, err, out)
			}
		})
	}

	// And a broken one is refused with our sentence.
	bad := filepath.Join(t.TempDir(), "bad.yaml")
	if err := os.WriteFile(bad, []byte("receivers: {otlp: {protocols: {http: {}}}}\nexporters: {llmtrace: {}}\nservice: {pipelines: {traces: {receivers: [otlp], exporters: [llmtrace]}}}\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(b.otelcol, "validate", "--config="+bad).CombinedOutput()
	if err == nil || !strings.Contains(string(out), "endpoint: missing; set the platform's base URL, e.g. https://api.example.com") {
		t.Fatalf("validate of a config without endpoint: err %v, output:\n%s", err, out)
	}
}
