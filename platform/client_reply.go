package platform

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// replyKind is what a shipper does with one reply of POST /v1/traces
// (docs/platform-api.md "Response").
type replyKind int

const (
	// replyAccepted: 2xx; the events are delivered, except the ones in reply.rejected.
	replyAccepted replyKind = iota
	// replySplit: 413; split the batch in halves and send each.
	replySplit
	// replyFailed: any other status; reply.err says whether a retry can succeed.
	replyFailed
)

// platformRejection is one entry of a 200 reply's "rejected" list: the index of the event
// in that request's "traces" array and the platform's reason.
type platformRejection struct {
	Index int    `json:"index"`
	Error string `json:"error"`
}

// reply is the classification of one HTTP reply.
type reply struct {
	kind     replyKind
	accepted int                 // replyAccepted: the reply's "accepted" number (negative or fractional: its floor, at least 0)
	rejected []platformRejection // replyAccepted: events refused for good (request-relative indices)
	err      *NetworkError       // replyFailed only
}

// maxMessageBytes caps the part of a platform error body quoted in a NetworkError message.
const maxMessageBytes = 1024

// classifyReply maps an HTTP reply of POST /v1/traces onto what the shipper does, row by
// row of docs/platform-api.md "Response":
//
//   - 2xx (200 / 202 {"accepted": n}): accepted, n events stored; a 200 with
//     {"rejected": [{index, error}]} lists events the platform refused for good (never
//     retried). The sender compares n with the request's events (doc.go, "Delivery rules"). A 2xx whose body is not
//     the contract's reply (a JSON object with a numeric "accepted") is not a delivery: a
//     proxy or a web server answered, not the platform; permanent.
//   - 3xx (left unfollowed by the client's redirect policy: 301, 302, 303, or a 307/308
//     past the redirect limit): permanent; the message names the Location to configure.
//   - 400: permanent; the message carries the platform's "error" and "details".
//   - 401 / 403: permanent; the message says the API key is missing or invalid.
//   - 413: split the batch.
//   - 408, 429, 502, 503, 504: retryable, RetryAfter from Retry-After (seconds or an
//     HTTP date, relative to now).
//   - other 5xx: retryable (RetryAfter too when the platform sent one).
//   - anything else (other 4xx, 1xx, 3xx): permanent.
//
// body is at most the first bytes of the reply body (the caller bounds the read).
func classifyReply(status int, header http.Header, body []byte, now time.Time) reply {
	switch {
	case status >= 200 && status <= 299:
		if n, ok := plainAccepted(body); ok {
			return reply{kind: replyAccepted, accepted: n}
		}
		var ok struct {
			Accepted *float64            `json:"accepted"`
			Rejected []platformRejection `json:"rejected"`
		}
		if json.Unmarshal(body, &ok) == nil && ok.Accepted != nil {
			n := 0
			if a := math.Floor(*ok.Accepted); a > 0 {
				n = int(min(a, math.MaxInt32))
			}
			return reply{kind: replyAccepted, accepted: n, rejected: ok.Rejected}
		}
		return reply{kind: replyFailed, err: &NetworkError{StatusCode: status,
			Message: fmt.Sprintf("HTTP %d without the platform's reply {\"accepted\": n}: the endpoint is not the platform's ingest API (a proxy or web server answered); check endpoint", status) + quoteErrorBody(body)}}
	case status >= 300 && status <= 399:
		loc := header.Get("Location")
		if loc == "" {
			loc = "(no Location header)"
		}
		return reply{kind: replyFailed, err: &NetworkError{StatusCode: status,
			Message: fmt.Sprintf("HTTP %d: the endpoint redirects to %s; set endpoint to it (a POST is never re-sent as a GET)", status, sanitizeMessage(loc))}}
	case status == http.StatusRequestEntityTooLarge:
		return reply{kind: replySplit}
	}
	ne := &NetworkError{StatusCode: status}
	switch {
	case status == http.StatusBadRequest:
		ne.Message = "the platform refused the batch as malformed" + quoteErrorBody(body)
	case status == http.StatusUnauthorized || status == http.StatusForbidden:
		ne.Message = "the API key is missing or invalid; set a valid platform API key " +
			"(ClientConfig.APIKey, or api_key in the collector exporter's configuration)" + quoteErrorBody(body)
	case status == http.StatusRequestTimeout:
		ne.Retryable = true
		ne.Message = "the platform timed out reading the request" + quoteErrorBody(body)
	case status == http.StatusTooManyRequests:
		ne.Retryable = true
		ne.Message = "the platform is rate limiting" + quoteErrorBody(body)
	case status == http.StatusBadGateway || status == http.StatusServiceUnavailable || status == http.StatusGatewayTimeout:
		ne.Retryable = true
		ne.Message = "the platform is unavailable" + quoteErrorBody(body)
	case status >= 500 && status <= 599:
		ne.Retryable = true
		ne.Message = "the platform failed" + quoteErrorBody(body)
	default:
		ne.Message = "unexpected reply from the platform" + quoteErrorBody(body)
	}
	if ne.Retryable {
		ne.RetryAfter = parseRetryAfter(header.Get("Retry-After"), now)
	}
	return reply{kind: replyFailed, err: ne}
}

// plainAccepted reads the platform's usual 2xx reply, {"accepted":n} with n a whole number
// of at most 9 digits (whitespace around the tokens allowed), without encoding/json; any
// other body returns false and goes through json.Unmarshal, which gives the same n for
// these bodies.
func plainAccepted(body []byte) (int, bool) {
	b := trimJSONSpace(body)
	const key = `"accepted"`
	if len(b) < 2 || b[0] != '{' || b[len(b)-1] != '}' {
		return 0, false
	}
	b = trimJSONSpace(b[1 : len(b)-1])
	if !bytes.HasPrefix(b, []byte(key)) {
		return 0, false
	}
	b = trimJSONSpace(b[len(key):])
	if len(b) == 0 || b[0] != ':' {
		return 0, false
	}
	b = trimJSONSpace(b[1:])
	if len(b) == 0 || len(b) > 9 || (b[0] == '0' && len(b) > 1) {
		return 0, false
	}
	n := 0
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, true
}

// trimJSONSpace removes JSON's insignificant whitespace (RFC 8259: space, tab, LF, CR) around b.
func trimJSONSpace(b []byte) []byte {
	isSpace := func(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }
	for len(b) > 0 && isSpace(b[0]) {
		b = b[1:]
	}
	for len(b) > 0 && isSpace(b[len(b)-1]) {
		b = b[:len(b)-1]
	}
	return b
}

// parseRetryAfter reads a Retry-After value (RFC 9110 §10.2.3): delay-seconds or an HTTP
// date, returned as the delay from now. Absent, unparsable and past values give 0.
func parseRetryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	if secs, err := strconv.ParseInt(v, 10, 64); err == nil {
		if secs <= 0 {
			return 0
		}
		if secs > math.MaxInt64/int64(time.Second) {
			return time.Duration(math.MaxInt64)
		}
		return time.Duration(secs) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil {
		if d := t.Sub(now); d > 0 {
			return d
		}
	}
	return 0
}

// quoteErrorBody renders the platform's error body for a NetworkError message:
// ": <error>: <details>" for the contract's {"error": "...", "details": [...]}, else
// ": platform said: <text>" for a non-empty body, else "". The result is single-line,
// printable and at most maxMessageBytes long.
func quoteErrorBody(body []byte) string {
	body = trimJSONSpace(body)
	if len(body) == 0 {
		return ""
	}
	var e struct {
		Error   string          `json:"error"`
		Details json.RawMessage `json:"details"`
	}
	var msg string
	if body[0] == '{' && json.Unmarshal(body, &e) == nil && (e.Error != "" || len(e.Details) > 0) {
		msg = e.Error
		if d := renderDetails(e.Details); d != "" {
			if msg != "" {
				msg += ": "
			}
			msg += d
		}
	} else {
		msg = "platform said: " + string(body)
	}
	return ": " + sanitizeMessage(msg)
}

// renderDetails renders a "details" value: a list of strings joined by "; ", anything else
// as compact JSON; null or absent as "".
func renderDetails(raw json.RawMessage) string {
	raw = trimJSONSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return ""
	}
	var list []string
	if json.Unmarshal(raw, &list) == nil {
		return strings.Join(list, "; ")
	}
	var b bytes.Buffer
	if json.Compact(&b, raw) == nil {
		return b.String()
	}
	return string(raw)
}

// sanitizeMessage makes s one printable line of at most maxMessageBytes bytes (cut at a
// rune boundary, "…" appended when cut).
func sanitizeMessage(s string) string {
	var b strings.Builder
	for _, r := range s {
		if b.Len() >= maxMessageBytes {
			b.WriteString("…")
			break
		}
		switch {
		case r == utf8.RuneError:
			b.WriteRune('\uFFFD')
		case unicode.IsSpace(r):
			b.WriteByte(' ')
		case unicode.IsPrint(r):
			b.WriteRune(r)
		}
	}
	return strings.TrimSpace(b.String())
}
