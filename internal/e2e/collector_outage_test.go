package e2e

import (
	"bytes"
	"crypto/rand"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"
)

// freshPosts returns the captures as OTLP JSON bodies, each call with new trace IDs, so
// every post is new data (span IDs stay: events are keyed by trace and span).
type freshPosts struct {
	t       *testing.T
	bodies  []ptrace.Traces
	spans   []int
	dir     string
	n       int
	written []string // files of the posts the collector acknowledged
}

func newFreshPosts(t *testing.T, files []string) *freshPosts {
	fp := &freshPosts{t: t, dir: t.TempDir()}
	var um ptrace.JSONUnmarshaler
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		td, err := um.UnmarshalTraces(raw)
		if err != nil {
			t.Fatal(err)
		}
		fp.bodies = append(fp.bodies, td)
		fp.spans = append(fp.spans, td.SpanCount())
	}
	return fp
}

// next returns the next body (round robin over the captures) with fresh trace IDs and its
// span count.
func (fp *freshPosts) next() ([]byte, int) {
	i := fp.n % len(fp.bodies)
	fp.n++
	td := ptrace.NewTraces()
	fp.bodies[i].CopyTo(td)
	ids := map[pcommon.TraceID]pcommon.TraceID{}
	forEachSpan(td, func(s ptrace.Span) {
		id, ok := ids[s.TraceID()]
		if !ok {
			_, _ = rand.Read(id[:])
			ids[s.TraceID()] = id
		}
		s.SetTraceID(id)
	})
	var m ptrace.JSONMarshaler
	b, err := m.MarshalTraces(td)
	if err != nil {
		fp.t.Fatal(err)
	}
	return b, fp.spans[i]
}

// acknowledged records a body the collector answered 200.
func (fp *freshPosts) acknowledged(body []byte) {
	f := filepath.Join(fp.dir, fmt.Sprintf("post-%05d.json", len(fp.written)))
	if err := os.WriteFile(f, body, 0o644); err != nil {
		fp.t.Fatal(err)
	}
	fp.written = append(fp.written, f)
}

// postStatus posts body to the collector's OTLP/HTTP receiver and returns the status.
func postStatus(t *testing.T, httpAddr string, body []byte) int {
	t.Helper()
	resp, err := http.Post("http://"+httpAddr+"/v1/traces", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatalf("posting to the collector: %v", err)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	_ = resp.Body.Close()
	return resp.StatusCode
}

// TestCollectorOutageSoak keeps ~100 spans/s flowing into the collector (default
// configuration) for 60 s while the platform is down, then starts the platform: every
// event of every post the collector answered 200 is stored.
func TestCollectorOutageSoak(t *testing.T) {
	skipShort(t, "a 60 s soak; skipped with -short")
	b := needBinaries(t)
	fp := newFreshPosts(t, captures(t, b.root))
	devAddr := freeAddr(t)
	cenv := newCollectorEnv(t, "http://"+devAddr, "")
	col := startCollector(t, b, &cenv)

	const rate = 100 // spans per second
	start := time.Now()
	sent, refused := 0, 0
	for time.Since(start) < 60*time.Second {
		body, n := fp.next()
		if st := postStatus(t, cenv.httpAddr, body); st == http.StatusOK {
			fp.acknowledged(body)
			sent += n
		} else {
			refused++
		}
		// Pace to the rate: the next post is due when the spans so far are.
		if due := start.Add(time.Duration(sent+n) * time.Second / rate); time.Until(due) > 0 {
			time.Sleep(time.Until(due))
		}
	}
	t.Logf("%d spans in %d acknowledged posts over %v with the platform down; %d posts refused", sent, len(fp.written), time.Since(start).Round(time.Second), refused)
	if refused > 0 {
		t.Errorf("%d posts refused during a 60 s outage at %d spans/s: the default queue should hold it", refused, rate)
	}
	startDevserver(t, b, devAddr, filepath.Join(t.TempDir(), "dev.db"), "")
	want := expectedFromCLI(t, b, fp.written)
	got, _ := waitStored(t, devAddr, want, 3*time.Minute, col)
	if len(got) != len(want) {
		t.Fatalf("stored %d of %d acknowledged events", len(got), len(want))
	}
}

// TestCollectorFullQueueRefuses: with a queue of 300 spans and the platform down, the
// receiver refuses (HTTP 503: the OTLP sender retries) once the queue is full, instead of
// accepting and dropping; every post it answered 200 is delivered once the platform is up.
func TestCollectorFullQueueRefuses(t *testing.T) {
	skipShort(t, "starts the dev platform and the collector; skipped with -short")
	b := needBinaries(t)
	fp := newFreshPosts(t, captures(t, b.root))
	devAddr := freeAddr(t)
	cenv := newCollectorEnv(t, "http://"+devAddr, "")
	// The default configuration with a 300-span queue (and batches that fit it).
	yaml, err := os.ReadFile(filepath.Join(b.root, "testdata", "otelcol.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	small := strings.Replace(string(yaml), "min_size: 1000", "min_size: 100", 1)
	if small == string(yaml) {
		t.Fatal("testdata/otelcol.yaml has no `min_size: 1000` to lower")
	}
	cenv.config = filepath.Join(t.TempDir(), "otelcol.yaml")
	if err := os.WriteFile(cenv.config, []byte(small), 0o644); err != nil {
		t.Fatal(err)
	}
	cenv.extra = []string{"LLMTRACE_QUEUE_SIZE=300"}
	col := startCollector(t, b, &cenv)

	refusedWith := 0
	for i := 0; i < 500 && refusedWith == 0; i++ {
		body, _ := fp.next()
		switch st := postStatus(t, cenv.httpAddr, body); st {
		case http.StatusOK:
			fp.acknowledged(body)
		default:
			refusedWith = st
		}
	}
	t.Logf("%d posts acknowledged before the receiver refused with HTTP %d", len(fp.written), refusedWith)
	if refusedWith != http.StatusServiceUnavailable && refusedWith != http.StatusTooManyRequests {
		t.Fatalf("the full queue gave HTTP %d, want a retryable refusal (503 or 429)", refusedWith)
	}
	if len(fp.written) == 0 {
		t.Fatal("nothing was acknowledged before the queue was full")
	}
	startDevserver(t, b, devAddr, filepath.Join(t.TempDir(), "dev.db"), "")
	want := expectedFromCLI(t, b, fp.written)
	got, _ := waitStored(t, devAddr, want, 2*time.Minute, col)
	if len(got) != len(want) {
		t.Fatalf("stored %d of %d acknowledged events", len(got), len(want))
	}
}
