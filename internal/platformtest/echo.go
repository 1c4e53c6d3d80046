package platformtest

import (
	"encoding/json"
	"net/http"
	"strings"
)

// EchoAuthorization returns an error body (status ≥ 400) quoting the request's
// Authorization header, as a careless platform or proxy may ("invalid key Bearer sk-…"):
// every error body of a Platform passes through it, so a shipper's API-key redaction is
// tested on every error path and a test asserting that an error never holds the key can
// fail. Without an Authorization header body is returned unchanged. Otherwise:
//
//   - a JSON object: its "error" member gets " (request Authorization: <header>)"
//     appended (or, when it has no non-empty string "error", becomes the quote alone);
//     the other members are kept;
//   - any other non-empty body: " (request Authorization: <header>)" is appended;
//   - an empty body becomes "request Authorization: <header>".
func EchoAuthorization(body string, h http.Header) string {
	auth := h.Get("Authorization")
	if auth == "" {
		return body
	}
	quote := "request Authorization: " + auth
	var obj map[string]any
	if strings.HasPrefix(strings.TrimSpace(body), "{") && json.Unmarshal([]byte(body), &obj) == nil {
		if msg, ok := obj["error"].(string); ok && msg != "" {
			obj["error"] = msg + " (" + quote + ")"
		} else {
			obj["error"] = quote
		}
		if b, err := json.Marshal(obj); err == nil {
			return string(b)
		}
	}
	if strings.TrimSpace(body) == "" {
		return quote
	}
	return body + " (" + quote + ")"
}
