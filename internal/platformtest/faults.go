package platformtest

import (
	"encoding/json"
	"io"
	"net"
	"net/http"
)

// Status answers with HTTP status code and body (Content-Type application/json when body
// is JSON): e.g. 400 malformed batch, 401 missing key, 413 too large, 503. An error body
// (code ≥ 400) quotes the request's Authorization header ([EchoAuthorization]).
func Status(code int, body string) Reply {
	return func(_ int, req *Request, w http.ResponseWriter) bool {
		body := body
		if code >= 400 {
			body = EchoAuthorization(body, req.Header)
		}
		if json.Valid([]byte(body)) {
			w.Header().Set("Content-Type", "application/json")
		}
		w.WriteHeader(code)
		_, _ = io.WriteString(w, body)
		return true
	}
}

// RetryAfter answers with code (429, 503, …) and a Retry-After header: delay-seconds
// ("7") or an HTTP date. The body {"error":"slow down"} quotes the request's Authorization
// header ([EchoAuthorization]).
func RetryAfter(code int, retryAfter string) Reply {
	return func(_ int, req *Request, w http.ResponseWriter) bool {
		w.Header().Set("Retry-After", retryAfter)
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(code)
		_, _ = io.WriteString(w, EchoAuthorization(`{"error":"slow down"}`, req.Header))
		return true
	}
}

// Hang is a platform that does not answer: it holds the request until release is closed,
// then answers as usual, or until the client gives up (no answer at all).
func Hang(release <-chan struct{}) Reply {
	return func(_ int, req *Request, _ http.ResponseWriter) bool {
		select {
		case <-release:
			return false
		case <-req.Context().Done():
			return true
		}
	}
}

// Reset drops the connection without an answer (TCP RST where the platform allows it):
// the client sees a transport error, not an HTTP status.
func Reset() Reply {
	return func(_ int, _ *Request, w http.ResponseWriter) bool {
		conn, _, err := http.NewResponseController(w).Hijack()
		if err != nil {
			http.Error(w, `{"error":"cannot reset"}`, http.StatusInternalServerError)
			return true
		}
		if tc, ok := conn.(*net.TCPConn); ok {
			_ = tc.SetLinger(0)
		}
		_ = conn.Close()
		return true
	}
}
