package collectorexporter

import (
	"bytes"
	"context"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/llmtrace/llmtrace/internal/platformtest"
)

// TestRetryKeepsIdempotencyKeyAndOrder runs exporterhelper's retry (retry_on_failure on)
// against a platform answering the second of three requests 503, then 200: the
// undelivered spans come back to pushTraces, are mapped again, and the request that
// failed is re-sent as it was — the same Idempotency-Key (docs/platform-api.md "Request")
// and the same events in the same order, byte for byte — followed by the request that was
// never sent.
func TestRetryKeepsIdempotencyKeyAndOrder(t *testing.T) {
	p := platformtest.New(t)
	p.ReplyTo(1, platformtest.Status(http.StatusServiceUnavailable, `{"error":"maintenance"}`))
	exp := startRetryingExporter(t, p.URL())

	td := genAITraces(9, 3, 3) // 9 events → requests of 3: ok, 503, (not sent); retry: 2 requests
	require.NoError(t, exp.ConsumeTraces(context.Background(), td))

	reqs := p.Requests()
	require.Len(t, reqs, 4, "ok, 503, then the retry's two requests")
	failed, retry := reqs[1], reqs[2]
	assert.NotEmpty(t, failed.Header.Get("Idempotency-Key"))
	assert.Equal(t, failed.Header.Get("Idempotency-Key"), retry.Header.Get("Idempotency-Key"),
		"the retry of the failed request carries its Idempotency-Key")
	require.Len(t, failed.Events, 3)
	assert.Equal(t, spanIDsOf(failed), spanIDsOf(retry), "the same events in the same order")
	assert.True(t, bytes.Equal(failed.Body, retry.Body), "the same body, byte for byte:\n failed: %.300s\n retry:  %.300s", failed.Body, retry.Body)
	assert.NotEqual(t, reqs[0].Header.Get("Idempotency-Key"), reqs[3].Header.Get("Idempotency-Key"))
	assert.Len(t, p.Stored(), 9, "every event delivered")
}

func spanIDsOf(r *platformtest.Request) []string {
	out := make([]string, len(r.Events))
	for i, ev := range r.Events {
		out[i] = ev.SpanID
	}
	return out
}
