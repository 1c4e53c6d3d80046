package platformtest_test

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/klauspost/compress/zstd"

	"github.com/llmtrace/llmtrace/internal/platformtest"
)

// event is a valid TraceEvent (docs/platform-api.md) with spanId ending in n.
func event(n int) string {
	return fmt.Sprintf(`{"traceId":"01932c4e-0001-7000-8000-000000000001","spanId":"01932c4e-0002-7000-8000-%012x",`+
		`"threadId":"01932c4e-0003-7000-8000-000000000001","name":"chat gpt-4o-mini","type":"llm","startTime":"2025-11-21T12:00:00Z"}`, n)
}

func encode(t *testing.T, encoding string, body []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	switch encoding {
	case "":
		return body
	case "gzip":
		zw := gzip.NewWriter(&buf)
		_, _ = zw.Write(body)
		_ = zw.Close()
	case "zstd":
		zw, err := zstd.NewWriter(&buf)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = zw.Write(body)
		_ = zw.Close()
	default:
		return body
	}
	return buf.Bytes()
}

func post(t *testing.T, url, encoding string, body []byte) (*http.Response, string, error) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, url+"/v1/traces", bytes.NewReader(encode(t, encoding, body)))
	if err != nil {
		t.Fatal(err)
	}
	if encoding != "" {
		req.Header.Set("Content-Encoding", encoding)
	}
	req.Header.Set("Authorization", "Bearer k")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, "", err
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b), nil
}

// Each Content-Encoding is undone exactly once; valid events are stored by (traceId,
// spanId), an invalid one is rejected by index, and the request is recorded.
func TestDecodesOneLayerAndRejectsInvalidEvents(t *testing.T) {
	for _, enc := range []string{"", "gzip", "zstd"} {
		t.Run("encoding="+enc, func(t *testing.T) {
			p := platformtest.New(t)
			body := []byte(`{"traces":[` + event(1) + `,{"spanId":"not-a-uuid"},` + event(2) + `]}`)
			resp, reply, err := post(t, p.URL(), enc, body)
			if err != nil {
				t.Fatal(err)
			}
			if resp.StatusCode != 200 || !strings.Contains(reply, `"accepted":2`) || !strings.Contains(reply, `"index":1`) {
				t.Fatalf("reply %d %s, want 200 with 2 accepted and index 1 rejected", resp.StatusCode, reply)
			}
			reqs := p.Requests()
			if len(reqs) != 1 || !bytes.Equal(reqs[0].Body, body) || len(reqs[0].Events) != 2 || len(reqs[0].Rejected) != 1 {
				t.Fatalf("recorded %+v", reqs)
			}
			if reqs[0].Header.Get("Authorization") != "Bearer k" || reqs[0].WireBytes != len(encode(t, enc, body)) {
				t.Errorf("header %v, wire bytes %d", reqs[0].Header, reqs[0].WireBytes)
			}
			if _, ok := p.Stored()[platformtest.Key{TraceID: reqs[0].Events[1].TraceID, SpanID: reqs[0].Events[1].SpanID}]; !ok || len(p.Stored()) != 2 {
				t.Errorf("stored %v, want both valid events", p.Stored())
			}
		})
	}
}

func TestBadEncodingIs400AndNotRecorded(t *testing.T) {
	p := platformtest.New(t)
	for _, enc := range []string{"br", "gzip-but-plain"} {
		body := []byte(`{"traces":[` + event(1) + `]}`)
		req, _ := http.NewRequest(http.MethodPost, p.URL()+"/v1/traces", bytes.NewReader(body))
		req.Header.Set("Content-Encoding", strings.TrimSuffix(enc, "-but-plain"))
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 400 {
			t.Errorf("%s: status %d, want 400", enc, resp.StatusCode)
		}
	}
	if n := p.RequestCount(); n != 0 {
		t.Errorf("%d requests recorded, want 0", n)
	}
}

// ReplyTo overrides only the n-th request; the faults answer as documented.
func TestFaults(t *testing.T) {
	p := platformtest.New(t)
	release := make(chan struct{})
	p.ReplyTo(0, platformtest.Status(413, ""))
	p.ReplyTo(1, platformtest.RetryAfter(429, "7"))
	p.ReplyTo(2, platformtest.Reset())
	p.ReplyTo(3, platformtest.Hang(release))
	body := []byte(`{"traces":[` + event(1) + `]}`)

	if resp, _, err := post(t, p.URL(), "", body); err != nil || resp.StatusCode != 413 {
		t.Fatalf("request 0: %v %v, want 413", resp, err)
	}
	if resp, _, err := post(t, p.URL(), "", body); err != nil || resp.StatusCode != 429 || resp.Header.Get("Retry-After") != "7" {
		t.Fatalf("request 1: %v %v, want 429 Retry-After: 7", resp, err)
	}
	if _, _, err := post(t, p.URL(), "", body); err == nil {
		t.Fatal("request 2: no error, want a transport error from the reset")
	}
	if len(p.Stored()) != 0 {
		t.Fatalf("stored %d events from faulted requests", len(p.Stored()))
	}
	go func() { time.Sleep(50 * time.Millisecond); close(release) }()
	start := time.Now()
	resp, _, err := post(t, p.URL(), "", body)
	if err != nil || resp.StatusCode != 200 || time.Since(start) < 50*time.Millisecond {
		t.Fatalf("request 3: %v %v after %v, want 200 once released", resp, err, time.Since(start))
	}
	if resp, _, err := post(t, p.URL(), "", body); err != nil || resp.StatusCode != 200 {
		t.Fatalf("request 4: %v %v, want the default 200", resp, err)
	}
	if n, ev := p.RequestCount(), len(p.Events()); n != 5 || ev != 5 || len(p.Stored()) != 1 {
		t.Fatalf("%d requests, %d events, %d stored; want 5, 5, 1", n, ev, len(p.Stored()))
	}
}
