package fakellm

import (
	"bytes"
	"io"
	"net/http"
	"strings"
)

// Transport is an http.RoundTripper that answers every request with Reply from memory,
// byte for byte what a Server would send, without a network: for benchmarks that measure
// a client's own cost. The request body is read and discarded.
type Transport struct{ Reply Reply }

// RoundTrip implements http.RoundTripper.
func (t Transport) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Body != nil {
		_, _ = io.Copy(io.Discard, req.Body)
		_ = req.Body.Close()
	}
	rep := t.Reply
	status := rep.Status
	if status == 0 {
		status = http.StatusOK
	}
	h := rep.Header.Clone()
	if h == nil {
		h = http.Header{}
	}
	var body []byte
	if rep.Events == nil {
		if h.Get("Content-Type") == "" {
			h.Set("Content-Type", "application/json")
		}
		body = []byte(rep.Body)
	} else {
		h.Set("Content-Type", "text/event-stream; charset=utf-8")
		var b strings.Builder
		for _, ev := range rep.Events {
			if ev.Name != "" {
				b.WriteString("event: " + ev.Name + "\n")
			}
			b.WriteString("data: " + ev.Data + "\n\n")
		}
		body = []byte(b.String())
	}
	return &http.Response{
		Status: http.StatusText(status), StatusCode: status, Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
		Header: h, Body: io.NopCloser(bytes.NewReader(body)), ContentLength: int64(len(body)), Request: req,
	}, nil
}
