package devserver

import (
	"bytes"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/llmtrace/llmtrace/platform"
)

// BenchmarkIngest posts gzip batches of 100 three-span traces' worth of events (300
// events, new span IDs each time so every row is an insert) to a file database over
// loopback HTTP; events/s is the sustained ingest rate.
func BenchmarkIngest(b *testing.B) {
	srv, err := New(Config{DBPath: b.TempDir() + "/bench.db"})
	if err != nil {
		b.Fatal(err)
	}
	defer srv.Close()
	ts := newHTTPTest(b, srv)
	bodies := make([][]byte, 16)
	for i := range bodies {
		var evs []platform.TraceEvent
		for j := 0; j < 100; j++ {
			_, tr := newTrace(b, time.Now().UTC(), fmt.Sprintf("bench %d/%d", i, j))
			evs = append(evs, tr...)
		}
		bodies[i] = gzipBytes(b, batchJSON(b, evs))
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		req, _ := http.NewRequest(http.MethodPost, ts.URL+"/v1/traces", bytes.NewReader(bodies[i%len(bodies)]))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Content-Encoding", "gzip")
		resp, err := ts.Client().Do(req)
		if err != nil {
			b.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			b.Fatalf("status %d", resp.StatusCode)
		}
	}
	b.StopTimer()
	b.ReportMetric(float64(b.N*300)/b.Elapsed().Seconds(), "events/s")
}
