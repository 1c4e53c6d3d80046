package platform

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
)

// BenchmarkClientSend sends 100 typical events (≈1.3 KB each serialized) to a loopback
// server that reads the body and answers 202: validation, serialization, framing,
// compression, idempotency key and the HTTP round trip. wire-B/op is the body as sent.
func BenchmarkClientSend(b *testing.B) {
	events := clientTestEvents(100)
	raw, _ := json.Marshal(Batch{Traces: events})
	for _, compression := range []string{CompressionGzip, CompressionZstd, CompressionNone} {
		b.Run(compression, func(b *testing.B) {
			var wire atomic.Int64
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				n, _ := io.Copy(io.Discard, r.Body)
				wire.Add(n)
				w.WriteHeader(http.StatusAccepted)
				_, _ = io.WriteString(w, `{"accepted":100}`)
			}))
			defer srv.Close()
			c, err := NewClient(ClientConfig{Endpoint: srv.URL, APIKey: "bench", Compression: compression})
			if err != nil {
				b.Fatal(err)
			}
			defer c.httpClient.CloseIdleConnections()
			ctx := context.Background()
			b.SetBytes(int64(len(raw)))
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				res, err := c.Send(ctx, events)
				if err != nil || res.Accepted != len(events) {
					b.Fatalf("Send = %+v, %v", res, err)
				}
			}
			b.StopTimer()
			b.ReportMetric(float64(wire.Load())/float64(b.N), "wire-B/op")
		})
	}
}

// BenchmarkClientSendBatch sends 5 000 typical events in one Send, what the collector
// exporter does with a sending-queue batch of 5 000 spans (testdata/otelcol.yaml's
// max_size): five requests of 1 000 events, one after another, gzip, to a loopback server
// that reads the body and answers {"accepted":1000}. B/op shows what Send holds per batch.
func BenchmarkClientSendBatch(b *testing.B) {
	events := clientTestEvents(5000)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		_, _ = io.WriteString(w, `{"accepted":1000}`)
	}))
	defer srv.Close()
	c, err := NewClient(ClientConfig{Endpoint: srv.URL, APIKey: "bench"})
	if err != nil {
		b.Fatal(err)
	}
	defer c.httpClient.CloseIdleConnections()
	b.ReportAllocs()
	for b.Loop() {
		res, err := c.Send(context.Background(), events)
		if err != nil || res.Accepted != len(events) {
			b.Fatalf("Send = %+v, %v", res, err)
		}
	}
}
