package genaiclient

import (
	"bytes"
	"io"
	"net/http"

	"go.opentelemetry.io/otel/trace"
)

// Reply is what an instrumentation does with each kind of reply to a traced call.
type Reply struct {
	// APIError records a 4xx / 5xx reply (status and its body, read and restored for the
	// SDK) on the span; the span is then ended.
	APIError func(span trace.Span, status int, body []byte)
	// Stream handles a text/event-stream reply, event by event as the app reads it; it
	// ends the span when the stream ends or the body is closed.
	Stream SSEHandler
	// JSON reads a whole JSON reply (the SDK reads all of it before returning anyway).
	JSON func(body []byte)
	// End sets the response attributes and ends the span (JSON replies).
	End func()
}

// Finish completes a traced HTTP attempt with what next returned: a transport error is
// recorded and the span ended; an API error goes to r.APIError; an event stream is
// wrapped so r.Stream sees it as it passes; a JSON body is read once, handed to r.JSON and
// given back to the SDK unchanged (with the read error, if any, at its end).
func Finish(span trace.Span, resp *http.Response, err error, r Reply) (*http.Response, error) {
	if err != nil {
		RecordError(span, err)
		span.End()
		return resp, err
	}
	if resp.StatusCode >= 400 {
		r.APIError(span, resp.StatusCode, ReadErrorBody(resp))
		span.End()
		return resp, nil
	}
	if IsEventStream(resp) {
		resp.Body = NewSSEBody(resp.Body, r.Stream)
		return resp, nil
	}
	b, rerr := io.ReadAll(resp.Body)
	resp.Body.Close()
	resp.Body = io.NopCloser(io.MultiReader(bytes.NewReader(b), errReader{rerr}))
	if rerr != nil {
		RecordError(span, rerr)
	} else {
		r.JSON(b)
	}
	r.End()
	return resp, nil
}
