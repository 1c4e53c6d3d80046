package main

import (
	"bytes"
	"context"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/klauspost/compress/gzip"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"
	"go.opentelemetry.io/collector/pdata/ptrace/ptraceotlp"
)

const captures = "../../../testdata/captures"

func testPool(t *testing.T) *pool {
	t.Helper()
	p, err := loadPool(captures)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// decode reads a request body as the collector's OTLP receiver would.
func decode(t *testing.T, body []byte, encoding, compression string) ptrace.Traces {
	t.Helper()
	if compression == "gzip" {
		zr, err := gzip.NewReader(bytes.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		if body, err = io.ReadAll(zr); err != nil {
			t.Fatal(err)
		}
	}
	req := ptraceotlp.NewExportRequest()
	var err error
	if encoding == "json" {
		err = req.UnmarshalJSON(body)
	} else {
		err = req.UnmarshalProto(body)
	}
	if err != nil {
		t.Fatalf("%s/%s: %v", encoding, compression, err)
	}
	return req.Traces()
}

func eachSpan(td ptrace.Traces, f func(ptrace.Span)) {
	for i := range td.ResourceSpans().Len() {
		rs := td.ResourceSpans().At(i)
		for j := range rs.ScopeSpans().Len() {
			ss := rs.ScopeSpans().At(j)
			for k := range ss.Spans().Len() {
				f(ss.Spans().At(k))
			}
		}
	}
}

// Every capture span is in the pool, and each request is exactly n of them, in every
// encoding, with gen_ai attributes and each span under its captured resource.
func TestTemplateIsAValidRequest(t *testing.T) {
	p := testPool(t)
	total := 0
	for _, tr := range p.traces {
		total += tr.SpanCount()
	}
	if total != p.spans || len(p.traces) < 2 {
		t.Fatalf("pool: %d spans in %d traces, counted %d", total, len(p.traces), p.spans)
	}
	for _, n := range []int{1, 77, total + 5} {
		tp := p.template(3, n)
		for _, enc := range []string{"proto", "json"} {
			for _, comp := range []string{"none", "gzip"} {
				var buf bytes.Buffer
				body, err := encode(&buf, tp.td, enc, comp)
				if err != nil {
					t.Fatal(err)
				}
				td := decode(t, body, enc, comp)
				if td.SpanCount() != n {
					t.Fatalf("n=%d %s/%s: %d spans", n, enc, comp, td.SpanCount())
				}
				genAI := 0
				eachSpan(td, func(sp ptrace.Span) {
					for k := range sp.Attributes().All() {
						if strings.HasPrefix(k, "gen_ai.") {
							genAI++
							return
						}
					}
				})
				if n >= 77 && genAI == 0 { // the mix of the captures: 39 of their 106 spans carry gen_ai.*
					t.Errorf("n=%d: %d spans with a gen_ai.* attribute", n, genAI)
				}
			}
		}
		// Whole traces only: each trace copy has all the spans of its pool trace.
		perCopy := make([]int, tp.copies)
		for _, o := range tp.orig {
			perCopy[o.copy]++
		}
		for c, k := range perCopy {
			if k != tp.sources[c].SpanCount() {
				t.Errorf("n=%d: trace %d of the request has %d of its %d spans", n, c, k, tp.sources[c].SpanCount())
			}
		}
		for i := range tp.td.ResourceSpans().Len() {
			if _, ok := tp.td.ResourceSpans().At(i).Resource().Attributes().Get("service.name"); !ok {
				t.Errorf("n=%d: resource %d lost its service.name", n, i)
			}
		}
	}
}

// A pool whose traces are all larger than the request: the request is the start of one, cut
// short, with no empty resource or scope entries.
func TestTemplateCutsWhenNoWholeTraceFits(t *testing.T) {
	dir := t.TempDir()
	b, err := os.ReadFile(captures + "/google-adk-js-gemini-agent-tool.json") // traces of 5, 5 and 3 spans
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(dir+"/c.json", b, 0o644); err != nil {
		t.Fatal(err)
	}
	p, err := loadPool(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range []int{2, 7} {
		tp := p.template(0, n)
		if tp.td.SpanCount() != n || tp.copies != (n+4)/5 {
			t.Errorf("n=%d: %d spans in %d traces", n, tp.td.SpanCount(), tp.copies)
		}
		for i := range tp.td.ResourceSpans().Len() {
			rs := tp.td.ResourceSpans().At(i)
			for j := range rs.ScopeSpans().Len() {
				if rs.ScopeSpans().At(j).Spans().Len() == 0 {
					t.Errorf("n=%d: an empty scope entry", n)
				}
			}
		}
	}
}

// refresh: no span ID or trace ID of one request comes back in the next, span IDs are
// unique within a request (also when a trace is taken twice), and every parent link of the
// captures that stays inside the request still points at its parent.
func TestRefreshGivesFreshIDsKeepingParents(t *testing.T) {
	p := testPool(t)
	n := p.spans*2 + 7 // every trace at least twice
	tp := p.template(0, n)
	rng := rand.New(rand.NewPCG(1, 2))
	seenTraces := map[pcommon.TraceID]bool{}
	seenSpans := map[pcommon.SpanID]bool{}
	for round := range 3 {
		tp.refresh(rng)
		spans := map[pcommon.SpanID]bool{}
		traces := map[pcommon.TraceID]bool{}
		for _, sp := range tp.spans {
			if seenTraces[sp.TraceID()] {
				t.Fatalf("round %d: trace ID %s of an earlier request", round, sp.TraceID())
			}
			if seenSpans[sp.SpanID()] || spans[sp.SpanID()] {
				t.Fatalf("round %d: span ID %s seen before", round, sp.SpanID())
			}
			spans[sp.SpanID()] = true
			traces[sp.TraceID()] = true
		}
		if len(traces) != tp.copies {
			t.Fatalf("round %d: %d trace IDs for %d traces", round, len(traces), tp.copies)
		}
		// Parent links: a span whose captured parent is in the same trace copy of the
		// template has that span's new ID as parent.
		newOf := map[spanKey]pcommon.SpanID{}
		for i, sp := range tp.spans {
			newOf[spanKey{tp.orig[i].copy, tp.orig[i].span}] = sp.SpanID()
		}
		linked := 0
		for i, sp := range tp.spans {
			o := tp.orig[i]
			if want, ok := newOf[spanKey{o.copy, o.parent}]; ok && !o.parent.IsEmpty() {
				linked++
				if sp.ParentSpanID() != want {
					t.Fatalf("round %d: span %d parent %s, want %s", round, i, sp.ParentSpanID(), want)
				}
				if tp.spans[i].TraceID() != traceOf(tp, o.copy) {
					t.Fatalf("round %d: span %d left its trace", round, i)
				}
			}
		}
		if linked == 0 {
			t.Fatal("no parent link inside the request: the captures have nested spans")
		}
		for id := range spans {
			seenSpans[id] = true
		}
		for id := range traces {
			seenTraces[id] = true
		}
	}
}

func traceOf(tp *template, copy int) pcommon.TraceID {
	for i, o := range tp.orig {
		if o.copy == copy {
			return tp.spans[i].TraceID()
		}
	}
	return pcommon.TraceID{}
}

// runLoad over real HTTP: every request is a valid OTLP request; 2xx, partial success and
// refusals are counted as the server answered them.
func TestRunLoadCountsReplies(t *testing.T) {
	p := testPool(t)
	var n atomic.Int64
	var spans, bad atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		req := ptraceotlp.NewExportRequest()
		if r.Header.Get("Content-Type") != "application/x-protobuf" || req.UnmarshalProto(body) != nil {
			bad.Add(1)
			http.Error(w, "bad", http.StatusBadRequest)
			return
		}
		spans.Add(int64(req.Traces().SpanCount()))
		if n.Add(1)%2 == 0 {
			w.Header().Set("Retry-After", "0")
			http.Error(w, "queue full", http.StatusServiceUnavailable)
			return
		}
		resp := ptraceotlp.NewExportResponse()
		resp.PartialSuccess().SetRejectedSpans(3)
		b, _ := resp.MarshalProto()
		w.Header().Set("Content-Type", "application/x-protobuf")
		_, _ = w.Write(b)
	}))
	defer srv.Close()

	templates := []*template{p.template(0, 20), p.template(1, 20)}
	r := runLoad(context.Background(), options{
		URL: srv.URL, Spans: 20, Duration: 300 * time.Millisecond, Concurrency: 2,
		Encoding: "proto", Compression: "none", Backoff: time.Millisecond,
	}, templates)
	if bad.Load() != 0 || r.Failed != 0 || r.FirstError != "" {
		t.Fatalf("%d bad requests, report %+v", bad.Load(), r)
	}
	if r.Requests != n.Load() || r.Requests < 2 || r.Accepted+r.Refused != r.Requests || spans.Load() != 20*r.Requests {
		t.Fatalf("report %+v; server saw %d requests, %d spans", r, n.Load(), spans.Load())
	}
	if r.Accepted < 1 || r.Refused < 1 || r.SpansRejected != 3*r.Accepted || r.SpansAccepted != 17*r.Accepted {
		t.Errorf("report %+v: want 17 accepted and 3 rejected spans per accepted request", r)
	}
}

// A server that answers neither 2xx nor a refusal: failures, with the first one's words.
func TestRunLoadFailures(t *testing.T) {
	p := testPool(t)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "no such pipeline", http.StatusNotFound)
	}))
	defer srv.Close()
	r := runLoad(context.Background(), options{
		URL: srv.URL, Spans: 5, Duration: 100 * time.Millisecond, Concurrency: 1,
		Encoding: "json", Compression: "gzip", Backoff: time.Millisecond,
	}, []*template{p.template(0, 5)})
	if r.Failed == 0 || r.Failed != r.Requests || r.Accepted != 0 || !strings.Contains(r.FirstError, "HTTP 404: no such pipeline") {
		t.Errorf("report %+v", r)
	}
}

func TestLoadPoolErrors(t *testing.T) {
	if _, err := loadPool(t.TempDir()); err == nil || !strings.Contains(err.Error(), "no spans") {
		t.Errorf("empty directory: %v", err)
	}
}
