package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"mime"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/klauspost/compress/gzip"
	"go.opentelemetry.io/collector/pdata/ptrace"
	"go.opentelemetry.io/collector/pdata/ptrace/ptraceotlp"
)

// options are the load's settings (flags of the command).
type options struct {
	URL         string        // the OTLP/HTTP traces endpoint, e.g. http://127.0.0.1:4318/v1/traces
	Spans       int           // spans per request
	Rate        float64       // target spans/s over all workers; 0: as fast as the endpoint accepts
	Duration    time.Duration // how long new requests are started
	Concurrency int           // requests in flight at most
	Encoding    string        // "proto" or "json"
	Compression string        // "none" or "gzip"
	Backoff     time.Duration // pause of a worker after a refusal without Retry-After
}

// Report is what one load run did, as the command prints it (-json: one JSON object).
type Report struct {
	SpansPerRequest int     `json:"spans_per_request"`
	Seconds         float64 `json:"seconds"`           // from the first request to the last reply
	Requests        int64   `json:"requests"`          // requests sent
	Accepted        int64   `json:"accepted_requests"` // answered 2xx
	Refused         int64   `json:"refused_requests"`  // answered 429, 502, 503 or 504: back-pressure, retryable (OTLP/HTTP spec)
	Failed          int64   `json:"failed_requests"`   // any other status, or no reply (FirstError says why)
	SpansAccepted   int64   `json:"spans_accepted"`    // spans of 2xx replies less partial_success.rejected_spans
	SpansRejected   int64   `json:"spans_rejected"`    // partial_success.rejected_spans of 2xx replies
	SpansPerSecond  float64 `json:"accepted_spans_per_s"`
	MissedTicks     int64   `json:"missed_ticks"` // with a Rate: requests not started because every worker was busy
	FirstError      string  `json:"first_error,omitempty"`
}

type counters struct {
	requests, accepted, refused, failed, spansAccepted, spansRejected, missed atomic.Int64
	firstErr                                                                  sync.Once
	err                                                                       string
}

func (c *counters) fail(err error) {
	c.failed.Add(1)
	c.firstErr.Do(func() { c.err = err.Error() })
}

// runLoad sends requests built from templates until o.Duration has passed, then waits for
// the requests in flight. Each request is a template with fresh IDs (template.refresh).
func runLoad(ctx context.Context, o options, templates []*template) Report {
	client := &http.Client{
		Timeout:   30 * time.Second,
		Transport: &http.Transport{MaxIdleConnsPerHost: o.Concurrency, MaxConnsPerHost: o.Concurrency},
	}
	ctx, cancel := context.WithTimeout(ctx, o.Duration)
	defer cancel()

	var tickets chan struct{}
	var c counters
	if o.Rate > 0 {
		tickets = make(chan struct{}, o.Concurrency)
		interval := max(time.Duration(float64(time.Second)*float64(o.Spans)/o.Rate), time.Microsecond)
		go pace(ctx, interval, tickets, &c.missed)
	}
	start := time.Now()
	var wg sync.WaitGroup
	for w := range o.Concurrency {
		var mine []*template
		for i := w; i < len(templates); i += o.Concurrency {
			mine = append(mine, templates[i])
		}
		wg.Go(func() { worker(ctx, o, client, mine, tickets, &c) })
	}
	wg.Wait()
	secs := time.Since(start).Seconds()
	return Report{
		SpansPerRequest: o.Spans, Seconds: secs,
		Requests: c.requests.Load(), Accepted: c.accepted.Load(), Refused: c.refused.Load(), Failed: c.failed.Load(),
		SpansAccepted: c.spansAccepted.Load(), SpansRejected: c.spansRejected.Load(),
		SpansPerSecond: float64(c.spansAccepted.Load()) / secs,
		MissedTicks:    c.missed.Load(), FirstError: c.err,
	}
}

// pace puts a ticket into tickets every interval; a ticket no worker could take (all busy,
// the buffer full) is counted in missed, not queued up.
func pace(ctx context.Context, interval time.Duration, tickets chan<- struct{}, missed *atomic.Int64) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			select {
			case tickets <- struct{}{}:
			default:
				missed.Add(1)
			}
		}
	}
}

func worker(ctx context.Context, o options, client *http.Client, mine []*template, tickets <-chan struct{}, c *counters) {
	rng := rand.New(rand.NewPCG(rand.Uint64(), rand.Uint64()))
	var buf bytes.Buffer
	for i := 0; ; i++ {
		if tickets != nil {
			select {
			case <-ctx.Done():
				return
			case <-tickets:
			}
		} else if ctx.Err() != nil {
			return
		}
		t := mine[i%len(mine)]
		t.refresh(rng)
		body, err := encode(&buf, t.td, o.Encoding, o.Compression)
		if err != nil {
			c.fail(err)
			return
		}
		c.requests.Add(1)
		wait := post(client, o, body, t.td.SpanCount(), c)
		if wait > 0 {
			select {
			case <-ctx.Done():
				return
			case <-time.After(wait):
			}
		}
	}
}

// encode marshals td as an ExportTraceServiceRequest in encoding ("proto" or "json"),
// compressed per compression ("none" or "gzip"), into buf.
func encode(buf *bytes.Buffer, td ptrace.Traces, encoding, compression string) ([]byte, error) {
	req := ptraceotlp.NewExportRequestFromTraces(td)
	var raw []byte
	var err error
	if encoding == "json" {
		raw, err = req.MarshalJSON()
	} else {
		raw, err = req.MarshalProto()
	}
	if err != nil || compression != "gzip" {
		return raw, err
	}
	buf.Reset()
	zw, _ := gzip.NewWriterLevel(buf, gzip.BestSpeed)
	if _, err := zw.Write(raw); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// post sends one request and counts its outcome; it returns how long the worker should
// pause (after a refusal: Retry-After when given in seconds, else o.Backoff).
func post(client *http.Client, o options, body []byte, spans int, c *counters) time.Duration {
	req, err := http.NewRequest(http.MethodPost, o.URL, bytes.NewReader(body))
	if err != nil {
		c.fail(err)
		return o.Backoff
	}
	if o.Encoding == "json" {
		req.Header.Set("Content-Type", "application/json")
	} else {
		req.Header.Set("Content-Type", "application/x-protobuf")
	}
	if o.Compression == "gzip" {
		req.Header.Set("Content-Encoding", "gzip")
	}
	resp, err := client.Do(req)
	if err != nil {
		c.fail(err)
		return o.Backoff
	}
	defer resp.Body.Close()
	reply, err := io.ReadAll(resp.Body)
	switch {
	case err != nil:
		c.fail(fmt.Errorf("reading the reply: %w", err))
		return o.Backoff
	case resp.StatusCode/100 == 2:
		c.accepted.Add(1)
		rejected := rejectedSpans(resp.Header.Get("Content-Type"), reply)
		c.spansRejected.Add(rejected)
		c.spansAccepted.Add(int64(spans) - rejected)
		return 0
	case resp.StatusCode == 429 || resp.StatusCode == 502 || resp.StatusCode == 503 || resp.StatusCode == 504:
		c.refused.Add(1)
		if s, err := strconv.Atoi(resp.Header.Get("Retry-After")); err == nil && s > 0 {
			return time.Duration(s) * time.Second
		}
		return o.Backoff
	default:
		c.fail(fmt.Errorf("HTTP %d: %.200s", resp.StatusCode, reply))
		return o.Backoff
	}
}

// rejectedSpans reads partial_success.rejected_spans of an ExportTraceServiceResponse (0
// for an empty or undecodable reply).
func rejectedSpans(contentType string, reply []byte) int64 {
	if len(reply) == 0 {
		return 0
	}
	resp := ptraceotlp.NewExportResponse()
	ct, _, _ := mime.ParseMediaType(contentType)
	var err error
	if ct == "application/json" {
		err = resp.UnmarshalJSON(reply)
	} else {
		err = resp.UnmarshalProto(reply)
	}
	if err != nil {
		return 0
	}
	return resp.PartialSuccess().RejectedSpans()
}
