package otelbridge_test

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"reflect"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/trace"

	"github.com/llmtrace/llmtrace/internal/platformtest"
	"github.com/llmtrace/llmtrace/otelbridge"
)

// refusedURL is an http URL on which nothing listens (connection refused).
func refusedURL(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return "http://" + addr
}

// TestShutdownDrainHasOneBudget: with many batches queued against a refused connection
// and retries that would each take their own export timeout, Shutdown without a deadline
// ends after one export timeout in all, not one per batch; Stats are final when it
// returns and account for every span.
func TestShutdownDrainHasOneBudget(t *testing.T) {
	_ = captureOtelErrors(t)
	const budget = 500 * time.Millisecond
	p, tp := newProc(t, refusedURL(t),
		otelbridge.WithMaxQueueSize(10_000), otelbridge.WithMaxBatchSize(100),
		otelbridge.WithExportTimeout(budget),
		otelbridge.WithRetry(otelbridge.RetryConfig{Enabled: true, InitialInterval: 20 * time.Millisecond, MaxInterval: 50 * time.Millisecond, MaxElapsedTime: time.Hour}))
	endSpans(tp.Tracer("t"), 10_000, "queued")

	start := time.Now()
	err := p.Shutdown(context.Background())
	took := time.Since(start)
	if !errors.Is(err, context.DeadlineExceeded) || !strings.Contains(err.Error(), "export timeout") {
		t.Fatalf("Shutdown = %v, want an error naming the export timeout and wrapping DeadlineExceeded", err)
	}
	t.Logf("Shutdown with 100 batches against a refused connection took %v (budget %v)", took, budget)
	// 100 batches × their own 500 ms budget would be 50 s; one budget plus the time to fail
	// what is left fast is far below 10 × budget.
	if took > 10*budget {
		t.Fatalf("Shutdown took %v: the drain is not bounded by one export timeout (%v)", took, budget)
	}
	st := p.Stats()
	if st.Received != 10_000 || st.Dropped+st.EventsDropped+st.Sent != st.Received || st.EventsDropped == 0 {
		t.Fatalf("Stats at Shutdown's return = %+v: every span must be accounted for", st)
	}
	time.Sleep(200 * time.Millisecond)
	if later := p.Stats(); !reflect.DeepEqual(later, st) {
		t.Fatalf("Stats changed after Shutdown returned: %+v then %+v", st, later)
	}
}

// TestShutdownContextDeadlineWins: a context deadline earlier than the export timeout is
// the budget, and its error is returned.
func TestShutdownContextDeadlineWins(t *testing.T) {
	_ = captureOtelErrors(t)
	p, tp := newProc(t, refusedURL(t), otelbridge.WithExportTimeout(time.Minute))
	endSpans(tp.Tracer("t"), 50, "queued")
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	start := time.Now()
	if err := p.Shutdown(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Shutdown = %v, want the context's DeadlineExceeded", err)
	}
	if took := time.Since(start); took > 10*time.Second {
		t.Fatalf("Shutdown took %v with a 200 ms context", took)
	}
	if st := p.Stats(); st.EventsDropped != 50 {
		t.Fatalf("Stats = %+v, want the 50 events dropped", st)
	}
}

// TestQueueBytesBoundHoldsHeap: 100 KiB spans against a platform that never answers keep
// the heap within the byte bound plus a constant; the spans over it are dropped and
// counted, and End() never waits.
func TestQueueBytesBoundHoldsHeap(t *testing.T) {
	if testing.Short() {
		t.Skip("allocates ~200 MiB")
	}
	_ = captureOtelErrors(t)
	release := make(chan struct{})
	hang := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select { // never answers, keeps nothing
		case <-release:
		case <-r.Context().Done():
		}
	}))
	defer hang.Close()
	defer close(release)
	const bound = 16 << 20
	p, tp := newProc(t, hang.URL, otelbridge.WithMaxQueueBytes(bound), otelbridge.WithMaxQueueSize(100_000),
		otelbridge.WithMaxBatchSize(64))
	tr := tp.Tracer("t")

	heap := func() uint64 {
		runtime.GC()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		return ms.HeapInuse
	}
	before := heap()
	const spans = 1000 // 1000 × 100 KiB = 100 MiB offered
	for i := range spans {
		big := strings.Repeat(string(rune('a'+i%26)), 100<<10) // a new string per span
		_, s := tr.Start(context.Background(), "chat", trace.WithAttributes(
			attribute.String("gen_ai.operation.name", "chat"), attribute.String("gen_ai.input.messages", big)))
		s.End()
	}
	after := heap()
	st := p.Stats()
	grew := int64(after) - int64(before)
	t.Logf("HeapInuse grew %d MiB with a %d MiB bound; %d of %d spans dropped", grew>>20, bound>>20, st.Dropped, spans)
	if st.Dropped == 0 || st.Received != spans {
		t.Fatalf("Stats = %+v, want drops past the byte bound", st)
	}
	// The bound covers queued spans and batches; the in-flight batch's events and request
	// body and the client's pooled buffers (each about the 4 MiB batch) are the constant.
	if limit := int64(bound + 32<<20); grew > limit {
		t.Fatalf("heap grew %d MiB, over the bound %d MiB + 32 MiB", grew>>20, bound>>20)
	}
}

// TestProcessorRedirects: an endpoint answering 301, 302 or 303 has nothing sent —
// the events count as dropped (error.type the status) and the error names the location;
// 307 and 308 are followed to the platform with the body, without the API key (another
// origin).
func TestProcessorRedirects(t *testing.T) {
	for _, status := range []int{301, 302, 303, 307, 308} {
		t.Run(http.StatusText(status), func(t *testing.T) {
			_ = captureOtelErrors(t)
			plat := platformtest.New(t)
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				http.Redirect(w, r, plat.URL()+"/v1/traces", status)
			}))
			defer srv.Close()
			p, tp := newProc(t, srv.URL)
			endSpans(tp.Tracer("t"), 5, "chat")
			err := flush(t, p)
			st := p.Stats()
			if status == 307 || status == 308 {
				if err != nil || st.Sent != 5 || len(plat.Stored()) != 5 {
					t.Fatalf("ForceFlush = %v, Stats = %+v, stored %d: want 5 delivered through the redirect", err, st, len(plat.Stored()))
				}
				for _, r := range plat.Requests() {
					if r.Header.Get("Authorization") != "" {
						t.Error("the API key went to another origin")
					}
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), "redirects to "+plat.URL()+"/v1/traces") {
				t.Fatalf("ForceFlush = %v, want the redirect named", err)
			}
			if st.Sent != 0 || st.EventsDroppedBy[strconv.Itoa(status)] != 5 || st.EventsDropped != 5 || plat.RequestCount() != 0 {
				t.Fatalf("Stats = %+v, platform saw %d requests: want 0 sent, 5 dropped (error.type %d), none followed", st, plat.RequestCount(), status)
			}
		})
	}
}
