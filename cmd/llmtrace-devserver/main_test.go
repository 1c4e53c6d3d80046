package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime/debug"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/google/uuid"
)

// lockedBuffer collects the server's log output from another goroutine.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

var listenRE = regexp.MustCompile(`msg=listening addr=(127\.0\.0\.1:\d+)`)

// batch returns a one-event batch of a new trace and that trace's ID.
func batch(t *testing.T) (string, []byte) {
	t.Helper()
	id := func() string { u, _ := uuid.NewV7(); return u.String() }
	trace := id()
	body := fmt.Sprintf(`{"traces":[{"traceId":%q,"spanId":%q,"threadId":%q,"name":"chat gpt-4o-mini","type":"llm",`+
		`"startTime":"2026-03-01T12:00:00.000000001Z","endTime":"2026-03-01T12:00:00.1Z","durationMs":99.999999,`+
		`"usage":{"prompt_tokens":42,"completion_tokens":17,"total_tokens":59}}]}`, trace, id(), id())
	return trace, []byte(body)
}

func send(t *testing.T, base, key string, body []byte) (int, string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, base+"/v1/traces", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Idempotency-Key", "0196a1b2-0000-7000-8000-000000000001")
	if key != "" {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("POST: %v", err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// checkServing drives a running devserver at base: auth, ingest, read back, page.
func checkServing(t *testing.T, base, key string) {
	t.Helper()
	trace, body := batch(t)
	if code, _ := send(t, base, "", body); code != http.StatusUnauthorized {
		t.Fatalf("without key: %d, want 401", code)
	}
	if code, reply := send(t, base, key, body); code != http.StatusOK || strings.TrimSpace(reply) != `{"accepted":1}` {
		t.Fatalf("with key: %d %s", code, reply)
	}
	resp, err := http.Get(base + "/v1/traces/" + trace)
	if err != nil {
		t.Fatal(err)
	}
	var got struct {
		Events []map[string]any `json:"events"`
	}
	err = json.NewDecoder(resp.Body).Decode(&got)
	resp.Body.Close()
	if err != nil || resp.StatusCode != http.StatusOK || len(got.Events) != 1 || got.Events[0]["traceId"] != trace {
		t.Fatalf("GET trace: %d %+v %v", resp.StatusCode, got, err)
	}
	resp, err = http.Get(base + "/")
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !bytes.Contains(page, []byte("chat gpt-4o-mini")) {
		t.Fatalf("page: %d %s", resp.StatusCode, page)
	}
}

func waitListening(t *testing.T, logs func() string) string {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		if m := listenRE.FindStringSubmatch(logs()); m != nil {
			return "http://" + m[1]
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("server did not log its address; logs:\n%s", logs())
	return ""
}

// run serves on a free port with the key from the environment, logs one line per batch
// and returns nil once its context is cancelled (graceful shutdown).
func TestRun(t *testing.T) {
	t.Setenv("LLMTRACE_DEVSERVER_API_KEY", "env-key")
	db := filepath.Join(t.TempDir(), "dev.db")
	var logs lockedBuffer
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- run(ctx, []string{"-addr", "127.0.0.1:0", "-db", db}, io.Discard, &logs) }()
	base := waitListening(t, logs.String)
	checkServing(t, base, "env-key")
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("run: %v", err)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("run did not return after cancel")
	}
	out := logs.String()
	if !regexp.MustCompile(`msg=batch accepted=1 rejected=0 idempotency_key=0196a1b2-0000-7000-8000-000000000001`).MatchString(out) {
		t.Fatalf("no batch log line:\n%s", out)
	}
	if strings.Contains(out, "env-key") {
		t.Fatalf("logs contain the API key:\n%s", out)
	}
	if _, err := os.Stat(db); err != nil {
		t.Fatalf("database file: %v", err)
	}
}

func TestRunFlagErrors(t *testing.T) {
	var logs lockedBuffer
	if err := run(context.Background(), []string{"-nope"}, io.Discard, &logs); err == nil {
		t.Fatal("unknown flag accepted")
	}
	if err := run(context.Background(), []string{"extra"}, io.Discard, &logs); err == nil || !strings.Contains(err.Error(), "unexpected arguments") {
		t.Fatalf("positional argument: %v", err)
	}
	if err := run(context.Background(), []string{"-db", filepath.Join(t.TempDir(), "missing", "x.db"), "-addr", "127.0.0.1:0"}, io.Discard, &logs); err == nil {
		t.Fatal("a database in a missing directory was accepted")
	}
	if err := run(context.Background(), []string{"-h"}, io.Discard, &logs); err != nil || !strings.Contains(logs.String(), "-api-key") {
		t.Fatalf("-h: %v, usage %q", err, logs.String())
	}
}

// The built binary starts on a free port, answers, and exits 0 on SIGTERM.
func TestBinary(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := filepath.Join(t.TempDir(), "llmtrace-devserver")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	// -version names the revision that `go version -m` reads from the same binary.
	ver, err := exec.Command(bin, "-version").Output()
	if err != nil {
		t.Fatalf("-version: %v", err)
	}
	meta, err := exec.Command("go", "version", "-m", bin).Output()
	if err != nil {
		t.Fatalf("go version -m: %v", err)
	}
	if m := regexp.MustCompile(`\bvcs\.revision=([0-9a-f]+)`).FindSubmatch(meta); m != nil && !bytes.Contains(ver, m[1]) {
		t.Errorf("-version %q lacks the revision %s", ver, m[1])
	} else if m == nil {
		t.Logf("built without VCS information; -version: %s", ver)
	}
	cmd := exec.Command(bin, "-addr", "127.0.0.1:0", "-db", filepath.Join(t.TempDir(), "dev.db"), "-api-key", "flag-key")
	cmd.Env = append(os.Environ(), "LLMTRACE_DEVSERVER_API_KEY=env-key-loses")
	var logs lockedBuffer
	cmd.Stderr = &logs // Wait returns only after all of it is copied
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := false
	t.Cleanup(func() {
		if !exited {
			cmd.Process.Kill()
			cmd.Wait()
		}
	})
	base := waitListening(t, logs.String)
	checkServing(t, base, "flag-key")
	checkForgedHost(t, base)
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	waited := make(chan error, 1)
	go func() { waited <- cmd.Wait() }()
	select {
	case err := <-waited:
		exited = true
		if err != nil {
			t.Fatalf("exit after SIGTERM: %v\n%s", err, logs.String())
		}
	case <-time.After(15 * time.Second):
		t.Fatal("no exit after SIGTERM")
	}
	if !strings.Contains(logs.String(), "msg=\"shutting down\"") {
		t.Fatalf("no shutdown line:\n%s", logs.String())
	}
}

// checkForgedHost sends requests to base with another name in Host, as a browser does
// after DNS rebinding: 421 on the read API and the page, nothing served.
func checkForgedHost(t *testing.T, base string) {
	t.Helper()
	for _, path := range []string{"/v1/traces", "/"} {
		req, _ := http.NewRequest(http.MethodGet, base+path, nil)
		req.Host = "rebind.example:" + req.URL.Port()
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusMisdirectedRequest || !strings.Contains(string(b), "rebind.example") {
			t.Fatalf("GET %s with a forged Host: %d %s", path, resp.StatusCode, b)
		}
	}
}

// -read-key protects the read API (Bearer) and the page; -allow-host adds a name.
func TestRunReadKeyAndAllowHost(t *testing.T) {
	t.Setenv("LLMTRACE_DEVSERVER_READ_KEY", "env-read")
	var logs lockedBuffer
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"-addr", "127.0.0.1:0", "-db", ":memory:", "-allow-host", "host.docker.internal,dev.box"}, io.Discard, &logs)
	}()
	base := waitListening(t, logs.String)
	status := func(path, host, auth string) int {
		req, _ := http.NewRequest(http.MethodGet, base+path, nil)
		if host != "" {
			req.Host = host + ":" + req.URL.Port()
		}
		if auth != "" {
			req.Header.Set("Authorization", "Bearer "+auth)
		}
		c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
		resp, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	for _, tc := range []struct {
		path, host, auth string
		want             int
	}{
		{"/v1/traces", "", "", http.StatusUnauthorized},
		{"/v1/traces", "", "env-rea", http.StatusForbidden},
		{"/v1/traces", "", "env-read", http.StatusOK},
		{"/v1/traces", "host.docker.internal", "env-read", http.StatusOK},
		{"/v1/traces", "dev.box", "env-read", http.StatusOK},
		{"/v1/traces", "rebind.example", "env-read", http.StatusMisdirectedRequest},
		{"/", "", "", http.StatusUnauthorized},
		{"/?key=env-read", "", "", http.StatusSeeOther},
	} {
		if got := status(tc.path, tc.host, tc.auth); got != tc.want {
			t.Errorf("GET %s (Host %q, key %q): %d, want %d", tc.path, tc.host, tc.auth, got, tc.want)
		}
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("run: %v", err)
	}
	if out := logs.String(); !strings.Contains(out, "read_key_required=true") || strings.Contains(out, "env-read") {
		t.Fatalf("logs:\n%s", out)
	}
}

// -version prints one line from the build info; formatVersion renders a release build.
func TestVersion(t *testing.T) {
	var out bytes.Buffer
	if err := run(context.Background(), []string{"-version"}, &out, io.Discard); err != nil {
		t.Fatal(err)
	}
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		t.Fatal("no build info in the test binary")
	}
	line := strings.TrimSpace(out.String())
	if !strings.HasPrefix(line, "llmtrace-devserver ") || !strings.Contains(line, bi.Main.Version) ||
		!strings.HasSuffix(line, bi.GoVersion) || strings.Count(out.String(), "\n") != 1 {
		t.Fatalf("-version printed %q (module version %q)", out.String(), bi.Main.Version)
	}
	rel := &debug.BuildInfo{GoVersion: "go1.24.1", Main: debug.Module{Path: "github.com/llmtrace/llmtrace", Version: "v0.1.0"},
		Settings: []debug.BuildSetting{{Key: "vcs", Value: "git"}, {Key: "vcs.revision", Value: "0123abcd"},
			{Key: "vcs.time", Value: "2026-03-01T12:00:00Z"}, {Key: "vcs.modified", Value: "false"}}}
	if got, want := formatVersion(rel), "llmtrace-devserver v0.1.0 revision 0123abcd 2026-03-01T12:00:00Z go1.24.1"; got != want {
		t.Errorf("release build: %q, want %q", got, want)
	}
	rel.Settings[3].Value = "true"
	if got := formatVersion(rel); !strings.Contains(got, " modified ") {
		t.Errorf("modified tree: %q", got)
	}
}
