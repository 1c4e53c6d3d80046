package platform

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"
)

// TestClassifyReply covers every row of docs/platform-api.md "Response".
func TestClassifyReply(t *testing.T) {
	now := time.Date(2025, 11, 21, 12, 0, 0, 0, time.UTC)
	ra := func(v string) http.Header { return http.Header{"Retry-After": {v}} }
	tests := []struct {
		name       string
		status     int
		header     http.Header
		body       string
		kind       replyKind
		rejected   []platformRejection
		retryable  bool
		retryAfter time.Duration
		msg        []string // substrings of the NetworkError message
	}{
		{name: "200 accepted", status: 200, body: `{"accepted":3}`, kind: replyAccepted},
		{name: "202 accepted", status: 202, body: `{"accepted":3}`, kind: replyAccepted},
		{name: "202 empty body", status: 202, kind: replyFailed, msg: []string{"not the platform's ingest API"}},
		{name: "200 not JSON", status: 200, body: `OK`, kind: replyFailed, msg: []string{"not the platform's ingest API", "platform said: OK"}},
		{name: "200 HTML", status: 200, body: `<html>login</html>`, kind: replyFailed, msg: []string{"not the platform's ingest API"}},
		{name: "200 JSON without accepted", status: 200, body: `{"ok":true}`, kind: replyFailed},
		{name: "200 partial", status: 200, body: `{"accepted":1,"rejected":[{"index":0,"error":"traceId: not a UUID v7"},{"index":2,"error":"type: bad"}]}`,
			kind: replyAccepted, rejected: []platformRejection{{0, "traceId: not a UUID v7"}, {2, "type: bad"}}},
		{name: "400 error and details", status: 400, body: `{"error":"invalid batch","details":["traces: missing","event 3: bad type"]}`,
			kind: replyFailed, msg: []string{"malformed", "invalid batch", "traces: missing; event 3: bad type"}},
		{name: "400 object details", status: 400, body: `{"error":"invalid batch","details":[{"index":1,"field":"name"}]}`,
			kind: replyFailed, msg: []string{"invalid batch", `[{"index":1,"field":"name"}]`}},
		{name: "400 text body", status: 400, body: "bad\nrequest", kind: replyFailed, msg: []string{"platform said: bad request"}},
		{name: "401", status: 401, body: `{"error":"unknown key"}`, kind: replyFailed, msg: []string{"API key is missing or invalid", "APIKey", "unknown key"}},
		{name: "403", status: 403, kind: replyFailed, msg: []string{"API key is missing or invalid", "api_key"}},
		{name: "413", status: 413, body: "too large", kind: replySplit},
		{name: "408", status: 408, kind: replyFailed, retryable: true, msg: []string{"timed out"}},
		{name: "429 seconds", status: 429, header: ra("7"), kind: replyFailed, retryable: true, retryAfter: 7 * time.Second, msg: []string{"rate limiting"}},
		{name: "429 http date", status: 429, header: ra(now.Add(90 * time.Second).Format(http.TimeFormat)), kind: replyFailed, retryable: true, retryAfter: 90 * time.Second},
		{name: "502", status: 502, kind: replyFailed, retryable: true, msg: []string{"unavailable"}},
		{name: "503 seconds", status: 503, header: ra("120"), body: `{"error":"maintenance"}`, kind: replyFailed, retryable: true, retryAfter: 2 * time.Minute, msg: []string{"unavailable", "maintenance"}},
		{name: "503 past date", status: 503, header: ra(now.Add(-time.Hour).Format(http.TimeFormat)), kind: replyFailed, retryable: true},
		{name: "503 garbage", status: 503, header: ra("soon"), kind: replyFailed, retryable: true},
		{name: "504", status: 504, header: ra("1"), kind: replyFailed, retryable: true, retryAfter: time.Second},
		{name: "500", status: 500, kind: replyFailed, retryable: true, msg: []string{"the platform failed"}},
		{name: "501", status: 501, kind: replyFailed, retryable: true},
		{name: "599 with Retry-After", status: 599, header: ra("3"), kind: replyFailed, retryable: true, retryAfter: 3 * time.Second},
		{name: "404", status: 404, body: "404 page not found", kind: replyFailed, msg: []string{"unexpected reply", "404 page not found"}},
		{name: "409", status: 409, kind: replyFailed},
		{name: "422", status: 422, kind: replyFailed},
		{name: "301", status: 301, header: http.Header{"Location": {"https://new.example/v1/traces"}}, kind: replyFailed, msg: []string{"redirects to https://new.example/v1/traces; set endpoint to it"}},
		{name: "302", status: 302, kind: replyFailed, msg: []string{"redirects to (no Location header)"}},
		{name: "303", status: 303, header: http.Header{"Location": {"/elsewhere"}}, kind: replyFailed, msg: []string{"redirects to /elsewhere"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := tt.header
			if h == nil {
				h = http.Header{}
			}
			r := classifyReply(tt.status, h, []byte(tt.body), now)
			if r.kind != tt.kind {
				t.Fatalf("kind = %d, want %d", r.kind, tt.kind)
			}
			if len(r.rejected) != len(tt.rejected) {
				t.Fatalf("rejected = %v, want %v", r.rejected, tt.rejected)
			}
			for i := range r.rejected {
				if r.rejected[i] != tt.rejected[i] {
					t.Errorf("rejected[%d] = %v, want %v", i, r.rejected[i], tt.rejected[i])
				}
			}
			if tt.kind != replyFailed {
				if r.err != nil {
					t.Fatalf("err = %v, want nil", r.err)
				}
				return
			}
			if r.err == nil {
				t.Fatal("err = nil, want a *NetworkError")
			}
			if r.err.StatusCode != tt.status || r.err.Retryable != tt.retryable || r.err.RetryAfter != tt.retryAfter {
				t.Errorf("err = {status %d retryable %v after %v}, want {%d %v %v}",
					r.err.StatusCode, r.err.Retryable, r.err.RetryAfter, tt.status, tt.retryable, tt.retryAfter)
			}
			if !containsAllOf(r.err.Message, tt.msg...) {
				t.Errorf("message %q lacks %q", r.err.Message, tt.msg)
			}
			if d, ok := RetryDelay(r.err); ok != tt.retryable || d != tt.retryAfter {
				t.Errorf("RetryDelay = %v, %v; want %v, %v", d, ok, tt.retryAfter, tt.retryable)
			}
		})
	}
}

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2025, 11, 21, 12, 0, 0, 0, time.UTC)
	for _, tt := range []struct {
		in   string
		want time.Duration
	}{
		{"", 0}, {"0", 0}, {"-5", 0}, {" 30 ", 30 * time.Second}, {"1.5", 0}, {"soon", 0},
		{now.Add(45 * time.Second).Format(http.TimeFormat), 45 * time.Second},
		{now.Add(45 * time.Second).Format(time.RFC850), 45 * time.Second}, // obsolete form http.ParseTime accepts
		{now.Add(-time.Second).Format(http.TimeFormat), 0},
		{"99999999999999999", time.Duration(1<<63 - 1)},
	} {
		if got := parseRetryAfter(tt.in, now); got != tt.want {
			t.Errorf("parseRetryAfter(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

func TestQuoteErrorBodyBounded(t *testing.T) {
	long := `{"error":"` + strings.Repeat("é", 5000) + `"}`
	got := quoteErrorBody([]byte(long))
	if len(got) > maxMessageBytes+16 || !strings.HasSuffix(got, "…") {
		t.Errorf("quoteErrorBody of a %d byte error: %d bytes, suffix %q", len(long), len(got), got[len(got)-8:])
	}
	if got := quoteErrorBody([]byte("line1\r\nline2\x00\x1b[31m")); got != ": platform said: line1  line2[31m" {
		t.Errorf("control characters kept: %q", got)
	}
}

func TestRetryDelayOtherErrors(t *testing.T) {
	for _, err := range []error{nil, &ValidationError{Index: -1}, &NetworkError{StatusCode: 400, RetryAfter: time.Second}} {
		if d, ok := RetryDelay(err); ok || d != 0 {
			t.Errorf("RetryDelay(%v) = %v, %v; want 0, false", err, d, ok)
		}
	}
}

// The fast path for {"accepted":n} agrees with encoding/json wherever it answers, and
// leaves every other body to it.
func TestPlainAcceptedAgreesWithJSON(t *testing.T) {
	for _, body := range []string{
		`{"accepted":100}`, "{\"accepted\":100}\n", ` { "accepted" : 7 } `, `{"accepted":0}`,
		`{"accepted":999999999}`, `{"accepted":1000000000}`, `{"accepted":007}`, `{"accepted":-1}`,
		`{"accepted":1.5}`, `{"accepted":1e3}`, `{"accepted":"5"}`, `{"accepted":}`, `{"accepted":5,"rejected":[]}`,
		`{"Accepted":5}`, "{\"accepted\":5\u00a0}", `{"accepted":5`, `"accepted":5}`, `{}`, ``, `{"accepted":5}{`,
	} {
		n, ok := plainAccepted([]byte(body))
		var want struct {
			Accepted *float64 `json:"accepted"`
		}
		jsonOK := json.Unmarshal([]byte(body), &want) == nil && want.Accepted != nil
		if ok && (!jsonOK || float64(n) != *want.Accepted) {
			t.Errorf("plainAccepted(%q) = %d, true; encoding/json says %v, %v", body, n, jsonOK, want.Accepted)
		}
		if r := classifyReply(200, nil, []byte(body), time.Now()); jsonOK != (r.kind == replyAccepted) {
			t.Errorf("classifyReply(%q).kind = %v, encoding/json accepts: %v", body, r.kind, jsonOK)
		}
	}
	if _, ok := plainAccepted([]byte(`{"accepted":100}`)); !ok {
		t.Error("the usual reply misses the fast path")
	}
}
