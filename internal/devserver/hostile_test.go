package devserver

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/klauspost/compress/gzip"
)

// countingZeros is an endless-ish body of n bytes of JSON whitespace that counts how much
// of it the server pulled.
type countingZeros struct {
	left, read int64
}

func (c *countingZeros) Read(p []byte) (int, error) {
	if c.left <= 0 {
		return 0, io.EOF
	}
	n := int64(len(p))
	if n > c.left {
		n = c.left
	}
	for i := int64(0); i < n; {
		i += int64(copy(p[i:n], spaces[:]))
	}
	c.left -= n
	atomic.AddInt64(&c.read, n)
	return int(n), nil
}

const fiftyMiB = 50 << 20

var spaces = [32 << 10]byte(bytes.Repeat([]byte{' '}, 32<<10))

var bomb struct {
	once sync.Once
	b    []byte
	err  error
}

// gzipBomb returns a small gzip stream that decompresses to 50 MiB of JSON whitespace.
func gzipBomb(t *testing.T) []byte {
	t.Helper()
	bomb.once.Do(func() {
		var buf bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&buf, gzip.BestSpeed)
		if _, bomb.err = io.Copy(zw, &countingZeros{left: fiftyMiB}); bomb.err == nil {
			bomb.err = zw.Close()
		}
		bomb.b = buf.Bytes()
	})
	if bomb.err != nil {
		t.Fatal(bomb.err)
	}
	return bomb.b
}

// heapDelta runs f and returns how many bytes the whole process allocated meanwhile.
func heapDelta(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// A 50 MiB body is refused with 413 without being buffered, whether its length is
// announced, streamed chunked, or hidden inside a small gzip bomb.
func TestFiftyMiBBodyNotBuffered(t *testing.T) {
	srv, ts := newTestServer(t, testKey)

	// The same 50 MiB body, its length announced or streamed chunked; the bound on what the
	// process allocates meanwhile is looser for chunked (the transport's chunk buffers).
	for _, tt := range []struct {
		name     string
		chunked  bool
		maxAlloc uint64
	}{{"content-length", false, 20 << 20}, {"chunked", true, 40 << 20}} {
		t.Run(tt.name, func(t *testing.T) {
			body := &countingZeros{left: fiftyMiB}
			var status int
			alloc := heapDelta(func() {
				var r io.Reader = body
				if tt.chunked {
					r = io.MultiReader(body) // length unknown: chunked
				}
				req, _ := http.NewRequest(http.MethodPost, ts.URL+"/v1/traces", r)
				if !tt.chunked {
					req.ContentLength = fiftyMiB
				}
				req.Header.Set("Content-Type", "application/json")
				req.Header.Set("Authorization", "Bearer "+testKey)
				resp, err := ts.Client().Do(req)
				if err != nil {
					t.Logf("client saw %v (server closed the connection after 413)", err)
					return
				}
				status = resp.StatusCode
				resp.Body.Close()
			})
			if status != 0 && status != http.StatusRequestEntityTooLarge {
				t.Fatalf("status %d, want 413", status)
			}
			if got := atomic.LoadInt64(&body.read); got >= fiftyMiB {
				t.Fatalf("the whole 50 MiB body was consumed")
			}
			if alloc > tt.maxAlloc {
				t.Fatalf("allocated %d bytes for a refused 50 MiB body", alloc)
			}
		})
	}

	t.Run("gzip bomb", func(t *testing.T) {
		bomb := gzipBomb(t)
		if len(bomb) > 1<<20 {
			t.Fatalf("bomb is %d bytes compressed", len(bomb))
		}
		var r reply
		alloc := heapDelta(func() {
			r = post(t, ts, bytes.NewReader(bomb), map[string]string{"Content-Encoding": "gzip"})
		})
		if r.status != http.StatusRequestEntityTooLarge {
			t.Fatalf("status %d, want 413: %s", r.status, r.body)
		}
		// Reading stops one byte past 5 MiB; io.ReadAll's doubling allocates at most ~2× that.
		if alloc > 40<<20 {
			t.Fatalf("allocated %d bytes decompressing a 50 MiB gzip bomb", alloc)
		}
	})

	if n := count(t, srv); n != 0 {
		t.Fatalf("%d events stored", n)
	}
	mustGoodBatch(t, ts)
}

// After each kind of bad request the server still accepts a good batch.
func TestSurvivesBadInput(t *testing.T) {
	srv, ts := newTestServer(t, testKey)
	bomb := gzipBomb(t)
	for _, tc := range []struct {
		name string
		body func() io.Reader
		hdr  map[string]string
		want int
	}{
		{"malformed JSON", func() io.Reader { return strings.NewReader(`{"traces":[{]`) }, nil, http.StatusBadRequest},
		{"wrong content type", func() io.Reader { return strings.NewReader(`{"traces":[]}`) }, map[string]string{"Content-Type": "text/plain"}, http.StatusUnsupportedMediaType},
		{"50 MiB body", func() io.Reader { return &countingZeros{left: fiftyMiB} }, nil, http.StatusRequestEntityTooLarge},
		{"50 MiB gzip bomb", func() io.Reader { return bytes.NewReader(bomb) }, map[string]string{"Content-Encoding": "gzip"}, http.StatusRequestEntityTooLarge},
		{"invalid gzip", func() io.Reader { return strings.NewReader("definitely not gzip") }, map[string]string{"Content-Encoding": "gzip"}, http.StatusBadRequest},
		{"invalid zstd", func() io.Reader { return strings.NewReader("definitely not zstd") }, map[string]string{"Content-Encoding": "zstd"}, http.StatusBadRequest},
		{"wrong key", func() io.Reader { return strings.NewReader(`{"traces":[]}`) }, map[string]string{"Authorization": "Bearer nope"}, http.StatusForbidden},
		{"not an object", func() io.Reader { return strings.NewReader(`"traces"`) }, nil, http.StatusBadRequest},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req, _ := http.NewRequestWithContext(context.Background(), http.MethodPost, ts.URL+"/v1/traces", tc.body())
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Authorization", "Bearer "+testKey)
			for k, v := range tc.hdr {
				req.Header.Set(k, v)
			}
			resp, err := ts.Client().Do(req)
			if err == nil {
				resp.Body.Close()
				if resp.StatusCode != tc.want {
					t.Fatalf("status %d, want %d", resp.StatusCode, tc.want)
				}
			} else if tc.want != http.StatusRequestEntityTooLarge {
				t.Fatalf("request failed: %v", err)
			}
			mustGoodBatch(t, ts)
		})
	}
	if n := count(t, srv); n != 3*8 {
		t.Fatalf("%d stored, want the 24 events of the good batches", n)
	}
}
