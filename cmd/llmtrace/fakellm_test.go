package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/llmtrace/llmtrace/internal/fakellm"
)

// syncBuffer is a bytes.Buffer the command writes to while the test reads it.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

var baseURLLine = regexp.MustCompile(`(?m)^  (\S+) +([A-Z_]+)=(http://\S+) +(.+)$`)

// `llmtrace fakellm -addr 127.0.0.1:0` prints one line per provider of internal/fakellm
// with the base URL its SDKs' variable should hold; an SDK-shaped request to that base
// URL is answered; cancelling (the signal) stops it with exit 0 and the port closed.
func TestFakeLLMServesEveryProvider(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var stdout, stderr syncBuffer
	done := make(chan int, 1)
	go func() { done <- fakellmCommand(ctx, []string{"-addr", "127.0.0.1:0"}, &stdout, &stderr) }()

	var lines [][]string
	for deadline := time.Now().Add(10 * time.Second); len(lines) < len(fakellm.Providers()); time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("no base URLs printed: stdout %q stderr %q", stdout.String(), stderr.String())
		}
		lines = baseURLLine.FindAllStringSubmatch(stdout.String(), -1)
	}
	base := map[string]string{}
	for i, p := range fakellm.Providers() {
		l := lines[i]
		if l[1] != p.Name || l[2] != p.BaseURLEnv || !strings.Contains(l[4], p.Routes[0].Path) {
			t.Errorf("line for %s: %q", p.Name, l[0])
		}
		base[p.Name] = l[3]
	}
	// The paths the SDKs append to their base URL.
	for _, tc := range []struct{ provider, path, body, want string }{
		{"openai", "/chat/completions", `{"model":"gpt-4o-mini","messages":[{"role":"user","content":"Hello"}]}`, `"content":"fakellm reply to: Hello"`},
		{"anthropic", "/v1/messages", `{"model":"claude-sonnet-4-5","max_tokens":10,"messages":[{"role":"user","content":"Hello"}]}`, `"text":"fakellm reply to: Hello"`},
	} {
		resp, err := http.Post(base[tc.provider]+tc.path, "application/json", strings.NewReader(tc.body))
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || !json.Valid(b) || !strings.Contains(string(b), tc.want) {
			t.Errorf("%s: %d %s", tc.provider, resp.StatusCode, b)
		}
	}

	cancel()
	select {
	case code := <-done:
		if code != 0 || stderr.String() != "" {
			t.Errorf("exit %d, stderr %q", code, stderr.String())
		}
	case <-time.After(10 * time.Second):
		t.Fatal("fakellm did not stop")
	}
	if _, err := http.Get(base["anthropic"] + "/"); err == nil {
		t.Error("still serving after the stop")
	}
}

// An address in use is exit 1 with one line saying so; usage errors are exit 2.
func TestFakeLLMErrors(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	var stdout, stderr bytes.Buffer
	code := fakellmCommand(context.Background(), []string{"-addr", ln.Addr().String()}, &stdout, &stderr)
	if want := "llmtrace fakellm: " + ln.Addr().String() + " is already in use"; code != 1 || stdout.Len() != 0 ||
		!strings.HasPrefix(stderr.String(), want) || strings.Count(stderr.String(), "\n") != 1 {
		t.Errorf("busy port: exit %d stdout %q stderr %q, want 1 and %q", code, stdout.String(), stderr.String(), want)
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"fakellm", "--bogus"}, "flag provided but not defined: -bogus"},
		{[]string{"fakellm", "extra"}, "takes no arguments"},
	} {
		out, stderr, code := runArgs(tc.args...)
		if code != 2 || out != "" || !strings.Contains(stderr, tc.want) || !strings.Contains(stderr, "Usage: llmtrace fakellm") {
			t.Errorf("%q: exit %d stdout %q stderr %q", tc.args, code, out, stderr)
		}
	}
	for _, args := range [][]string{{"help", "fakellm"}, {"fakellm", "-h"}} {
		if out, _, code := runArgs(args...); code != 0 || !strings.Contains(out, "-addr") || !strings.Contains(out, defaultFakeLLMAddr) {
			t.Errorf("%q: exit %d %q", args, code, out)
		}
	}
}
