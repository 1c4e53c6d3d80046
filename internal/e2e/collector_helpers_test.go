package e2e

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// repoRoot is the repository root (the directory holding builder-config.yaml), found upwards
// from the test's directory (this package is a module of its own, internal/e2e/go.mod).
func repoRoot(t *testing.T) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "builder-config.yaml")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("builder-config.yaml not found above the test directory")
		}
		dir = parent
	}
}

// binaries are the built programs the end-to-end tests drive.
type binaries struct {
	root, otelcol, devserver, llmtrace string
}

// needBinaries returns the built binaries or skips the test with what to run.
func needBinaries(t *testing.T) binaries {
	t.Helper()
	root := repoRoot(t)
	b := binaries{
		root:      root,
		otelcol:   filepath.Join(root, "_build", "otelcol-llmtrace", "otelcol-llmtrace"),
		devserver: filepath.Join(root, "_build", "bin", "llmtrace-devserver"),
		llmtrace:  filepath.Join(root, "_build", "bin", "llmtrace"),
	}
	newest := newestSource(t, root)
	for _, p := range []string{b.otelcol, b.devserver, b.llmtrace} {
		fi, err := os.Stat(p)
		problem := ""
		switch {
		case err != nil:
			problem = "is not built"
		case fi.ModTime().Before(newest):
			problem = "is older than its sources"
		}
		if problem == "" {
			continue
		}
		msg := fmt.Sprintf("%s %s; run `make build otelcol` first (`make test` does)", p, problem)
		if os.Getenv("LLMTRACE_REQUIRE_BINARIES") != "" {
			t.Fatal(msg) // under `make test`, a missing or stale binary is a failure, never a skip
		}
		t.Skip(msg)
	}
	return b
}

// newestSource is the latest modification time of the root module's non-test Go files and
// of go.mod / builder-config.yaml (what the binaries are built from).
func newestSource(t *testing.T, root string) time.Time {
	t.Helper()
	var newest time.Time
	err := filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		name := d.Name()
		if d.IsDir() {
			if path != root && (strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_") || name == "testdata" || name == "examples" || name == "instrumentation") {
				return filepath.SkipDir
			}
			return nil
		}
		if (strings.HasSuffix(name, ".go") && !strings.HasSuffix(name, "_test.go")) || path == filepath.Join(root, "go.mod") || path == filepath.Join(root, "builder-config.yaml") {
			if fi, err := d.Info(); err == nil && fi.ModTime().After(newest) {
				newest = fi.ModTime()
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return newest
}

// handedOut holds every port freeAddr returned in this test process: the kernel may hand
// a just-released port out again, and two listeners of one collector on the same port fail
// its start ("address already in use").
var handedOut sync.Map

// freeAddr reserves a loopback port and releases it for a child process to bind; it never
// returns the same port twice in one test process.
func freeAddr(t *testing.T) string {
	t.Helper()
	for range 100 {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		addr := ln.Addr().String()
		_ = ln.Close()
		if _, dup := handedOut.LoadOrStore(addr, true); !dup {
			return addr
		}
	}
	t.Fatal("no fresh loopback port after 100 tries")
	return ""
}

// proc is a child process whose combined output is kept for failure messages.
type proc struct {
	name string
	cmd  *exec.Cmd
	mu   sync.Mutex
	out  bytes.Buffer
	done chan struct{}
}

func (p *proc) Write(b []byte) (int, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.out.Write(b)
}

func (p *proc) log() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.out.String()
}

// startProc starts bin with args and extra env; it is stopped (SIGTERM, then SIGKILL) at
// the end of the test unless stopped before.
func startProc(t *testing.T, name, bin string, env []string, args ...string) *proc {
	t.Helper()
	p := &proc{name: name, done: make(chan struct{})}
	p.cmd = exec.Command(bin, args...)
	p.cmd.Env = append(os.Environ(), env...)
	p.cmd.Stdout = p
	p.cmd.Stderr = p
	if err := p.cmd.Start(); err != nil {
		t.Fatalf("starting %s: %v", name, err)
	}
	go func() { _ = p.cmd.Wait(); close(p.done) }()
	t.Cleanup(func() {
		p.stop(syscall.SIGTERM)
		if t.Failed() {
			t.Logf("%s output:\n%s", name, tail(p.log(), 60))
		}
	})
	return p
}

// stop sends sig and waits up to 15 s for the exit, then kills.
func (p *proc) stop(sig syscall.Signal) {
	select {
	case <-p.done:
		return
	default:
	}
	_ = p.cmd.Process.Signal(sig)
	select {
	case <-p.done:
	case <-time.After(15 * time.Second):
		_ = p.cmd.Process.Kill()
		<-p.done
	}
}

func (p *proc) exited() bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}

func tail(s string, lines int) string {
	parts := strings.Split(s, "\n")
	if len(parts) > lines {
		parts = parts[len(parts)-lines:]
	}
	return strings.Join(parts, "\n")
}

// waitFor polls cond every 100 ms until it is true, the process died or timeout passed.
func waitFor(t *testing.T, what string, timeout time.Duration, p *proc, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		if cond() {
			return
		}
		if p != nil && p.exited() {
			t.Fatalf("%s exited while waiting for %s:\n%s", p.name, what, tail(p.log(), 40))
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("timed out after %s waiting for %s", timeout, what)
}

// collectorEnv holds what testdata/otelcol.yaml reads from the environment.
type collectorEnv struct {
	grpcAddr, httpAddr, metricsPort, platformURL, apiKey, storageDir string
	extra                                                            []string // more NAME=value
	config                                                           string   // "" = testdata/otelcol.yaml
	overlay                                                          string   // a second --config merged over config ("" = none)
}

func newCollectorEnv(t *testing.T, platformURL, apiKey string) collectorEnv {
	_, port, _ := net.SplitHostPort(freeAddr(t))
	return collectorEnv{
		grpcAddr:    freeAddr(t),
		httpAddr:    freeAddr(t),
		metricsPort: port,
		platformURL: platformURL,
		apiKey:      apiKey,
		storageDir:  filepath.Join(t.TempDir(), "queue"),
	}
}

func (c collectorEnv) env() []string {
	return append([]string{
		"OTLP_GRPC_ENDPOINT=" + c.grpcAddr,
		"OTLP_HTTP_ENDPOINT=" + c.httpAddr,
		"OTELCOL_METRICS_PORT=" + c.metricsPort,
		"LLMTRACE_ENDPOINT=" + c.platformURL,
		"LLMTRACE_API_KEY=" + c.apiKey,
		"LLMTRACE_STORAGE_DIR=" + c.storageDir,
	}, c.extra...)
}

// startCollector runs otelcol-llmtrace with c's configuration (default
// testdata/otelcol.yaml) and waits until its OTLP/HTTP receiver answers. freeAddr releases
// a port before the collector binds it, so another process may take it in between: when
// the collector fails to bind, it is started again on fresh ports (written to c).
func startCollector(t *testing.T, b binaries, c *collectorEnv) *proc {
	t.Helper()
	config := c.config
	if config == "" {
		config = filepath.Join(b.root, "testdata", "otelcol.yaml")
	}
	for attempt := 1; ; attempt++ {
		args := []string{"--config=" + config}
		if c.overlay != "" {
			args = append(args, "--config="+c.overlay)
		}
		p := startProc(t, "otelcol-llmtrace", b.otelcol, c.env(), args...)
		deadline := time.Now().Add(30 * time.Second)
		for time.Now().Before(deadline) && !p.exited() {
			if postOTLP(c.httpAddr, []byte(`{"resourceSpans":[]}`)) == nil {
				return p
			}
			time.Sleep(100 * time.Millisecond)
		}
		if p.exited() && attempt < 3 && strings.Contains(p.log(), "address already in use") {
			t.Logf("the collector lost a port race (%s); retrying on fresh ports", tail(p.log(), 1))
			_, port, _ := net.SplitHostPort(freeAddr(t))
			c.grpcAddr, c.httpAddr, c.metricsPort = freeAddr(t), freeAddr(t), port
			continue
		}
		t.Fatalf("the collector's OTLP/HTTP receiver did not answer:\n%s", tail(p.log(), 40))
	}
}

// startDevserver runs llmtrace-devserver on addr with a SQLite file under dir.
func startDevserver(t *testing.T, b binaries, addr, dbPath, apiKey string) *proc {
	t.Helper()
	p := startProc(t, "llmtrace-devserver", b.devserver, nil, "-addr", addr, "-db", dbPath, "-api-key", apiKey)
	waitFor(t, "the dev platform", 20*time.Second, p, func() bool {
		resp, err := http.Get("http://" + addr + "/v1/traces?limit=1")
		if err != nil {
			return false
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		_ = resp.Body.Close()
		return resp.StatusCode == http.StatusOK
	})
	return p
}

func postOTLP(httpAddr string, body []byte) error { return postSignal(httpAddr, "/v1/traces", body) }

// postSignal posts an OTLP JSON body to the collector's OTLP/HTTP path (/v1/traces,
// /v1/logs).
func postSignal(httpAddr, path string, body []byte) error {
	resp, err := http.Post("http://"+httpAddr+path, "application/json", bytes.NewReader(body))
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	msg, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("OTLP/HTTP answered %d: %s", resp.StatusCode, msg)
	}
	return nil
}

// postCaptures posts each capture file to the collector's OTLP/HTTP receiver at httpAddr as
// scripts/run.sh does: a document that holds resourceLogs to /v1/logs first (an app's
// records are emitted during the call, before its span ends and is exported), then every
// document to /v1/traces — each time the whole document, since an OTLP/JSON receiver
// ignores the fields of the other signal (OTLP specification, "JSON Protobuf Encoding":
// receivers MUST ignore fields with unknown names).
func postCaptures(t *testing.T, httpAddr string, files []string) {
	t.Helper()
	for _, f := range files {
		body, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if hasResourceLogs(t, body) {
			if err := postSignal(httpAddr, "/v1/logs", body); err != nil {
				t.Fatalf("posting %s to /v1/logs: %v", filepath.Base(f), err)
			}
		}
		if err := postOTLP(httpAddr, body); err != nil {
			t.Fatalf("posting %s: %v", filepath.Base(f), err)
		}
	}
}

// hasResourceLogs reports an OTLP JSON document with a non-empty resourceLogs array.
func hasResourceLogs(t *testing.T, body []byte) bool {
	t.Helper()
	var doc struct {
		ResourceLogs []json.RawMessage `json:"resourceLogs"`
	}
	if err := json.Unmarshal(body, &doc); err != nil {
		t.Fatalf("not an OTLP JSON document: %v", err)
	}
	return len(doc.ResourceLogs) > 0
}

// skipShort skips a test that starts processes when go test runs with -short; why says
// what it would start.
func skipShort(t *testing.T, why string) {
	t.Helper()
	if testing.Short() {
		t.Skip(why)
	}
}

// needCaptureRun is the collector tests' common start: the built binaries (or a skip), the
// capture files, and what `llmtrace map` makes of them (traceId/spanId → event).
func needCaptureRun(t *testing.T) (b binaries, files []string, want map[string]any) {
	t.Helper()
	b = needBinaries(t)
	files = captures(t, b.root)
	return b, files, expectedFromCLI(t, b, files)
}

// captures returns the paths of testdata/captures/*.json (fails when there are none).
func captures(t *testing.T, root string) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(root, "testdata", "captures", "*.json"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no captures in testdata/captures (err %v)", err)
	}
	sort.Strings(files)
	return files
}

// expectedFromCLI runs `llmtrace map` on each capture and returns traceId/spanId → event
// (decoded JSON), the reference the collector path must reproduce. The reference is the
// same mapping core: this checks that the collector path (queue, retry, re-send)
// reproduces it and loses nothing; the values themselves are pinned by testdata/golden
// (cmd/llmtrace TestGolden) and internal/mapping's literal tests.
func expectedFromCLI(t *testing.T, b binaries, files []string) map[string]any {
	t.Helper()
	want := map[string]any{}
	for _, f := range files {
		out, err := exec.Command(b.llmtrace, "map", f).Output()
		if err != nil {
			t.Fatalf("llmtrace map %s: %v", f, err)
		}
		for k, v := range decodeEvents(t, out) {
			want[k] = v
		}
	}
	return want
}

// decodeEvents decodes {"traces":[...]} into traceId/spanId → event.
func decodeEvents(t *testing.T, body []byte) map[string]any {
	t.Helper()
	var batch struct {
		Traces []map[string]any `json:"traces"`
	}
	if err := json.Unmarshal(body, &batch); err != nil {
		t.Fatalf("decoding events: %v: %.200s", err, body)
	}
	out := make(map[string]any, len(batch.Traces))
	for _, ev := range batch.Traces {
		roundCosts(ev)
		out[fmt.Sprint(ev["traceId"], "/", ev["spanId"])] = ev
	}
	return out
}

// roundCosts rounds an event's costs in USD as the dev platform's read API serves them
// (internal/devserver/cost.go roundEventCost: usage.cost_usd and the cost_usd of the usage
// objects in metadata, to 10 significant digits), so that `llmtrace map`'s events compare
// with GET /v1/traces/{traceId}'s.
func roundCosts(ev map[string]any) {
	round := func(obj any) {
		if m, ok := obj.(map[string]any); ok {
			if c, ok := m["cost_usd"].(float64); ok && c != 0 {
				m["cost_usd"], _ = strconv.ParseFloat(strconv.FormatFloat(c, 'g', 10, 64), 64)
			}
		}
	}
	round(ev["usage"])
	if md, ok := ev["metadata"].(map[string]any); ok {
		for _, v := range md {
			round(v)
		}
	}
}

// stored fetches GET /v1/traces/{traceId} for every trace in want and returns what the dev
// platform holds, keyed like want, plus the number of events it returned in total.
func stored(t *testing.T, platformAddr string, want map[string]any) (map[string]any, int) {
	t.Helper()
	traces := map[string]bool{}
	for k := range want {
		traces[strings.SplitN(k, "/", 2)[0]] = true
	}
	got := map[string]any{}
	total := 0
	for tid := range traces {
		resp, err := http.Get("http://" + platformAddr + "/v1/traces/" + tid)
		if err != nil {
			continue
		}
		body, _ := io.ReadAll(resp.Body)
		_ = resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			continue
		}
		var reply struct {
			Events []map[string]any `json:"events"`
		}
		if err := json.Unmarshal(body, &reply); err != nil {
			t.Fatalf("decoding GET /v1/traces/%s: %v: %.200s", tid, err, body)
		}
		total += len(reply.Events)
		for _, ev := range reply.Events {
			got[fmt.Sprint(ev["traceId"], "/", ev["spanId"])] = ev
		}
	}
	return got, total
}

// waitStored waits until the dev platform holds every key of want, then up to settleTime
// more until every stored event equals its want (an event a later request completes — log
// records arriving after their span's event was accepted re-send it with the content — is
// updated in place), and returns what it holds then for the caller to compare.
func waitStored(t *testing.T, platformAddr string, want map[string]any, timeout time.Duration, collector *proc) (map[string]any, int) {
	t.Helper()
	var got map[string]any
	var total int
	waitFor(t, fmt.Sprintf("%d events on the dev platform", len(want)), timeout, collector, func() bool {
		got, total = stored(t, platformAddr, want)
		return len(got) >= len(want)
	})
	for deadline := time.Now().Add(settleTime); !sameEvents(got, want) && time.Now().Before(deadline) && !collector.exited(); {
		time.Sleep(100 * time.Millisecond)
		got, total = stored(t, platformAddr, want)
	}
	return got, total
}

// settleTime bounds how long waitStored waits for late re-sends once every event is there.
const settleTime = 30 * time.Second

// sameEvents reports whether got holds every event of want, equal as JSON.
func sameEvents(got, want map[string]any) bool {
	for k, w := range want {
		g, ok := got[k]
		if !ok {
			return false
		}
		wj, _ := json.Marshal(w)
		gj, _ := json.Marshal(g)
		if string(wj) != string(gj) {
			return false
		}
	}
	return true
}
