package genaiclient

import (
	"bytes"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"go.opentelemetry.io/otel/attribute"
)

// server.port comes from the URL, else the scheme's default.
func TestServerAttributes(t *testing.T) {
	for raw, want := range map[string][]attribute.KeyValue{
		"https://api.openai.com/v1/chat/completions": {attribute.String("server.address", "api.openai.com"), attribute.Int("server.port", 443)},
		"http://127.0.0.1:8080/v1/messages":          {attribute.String("server.address", "127.0.0.1"), attribute.Int("server.port", 8080)},
	} {
		u, _ := url.Parse(raw)
		gs, ws := attribute.NewSet(ServerAttributes(u)...), attribute.NewSet(want...)
		if !gs.Equals(&ws) {
			got := ServerAttributes(u)
			t.Errorf("%s: %v", raw, got)
		}
	}
}

// The capture variable reads the OpenTelemetry GenAI values.
func TestCaptureFromEnv(t *testing.T) {
	for v, want := range map[string]bool{"": false, "true": true, "TRUE": true, "false": false,
		"SPAN_ONLY": true, "span_and_event": true, "NO_CONTENT": false, "EVENT_ONLY": false} {
		t.Setenv("OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT", v)
		if got := CaptureFromEnv(); got != want {
			t.Errorf("%q: %v", v, got)
		}
	}
}

// The request body is read without being consumed, with or without GetBody; an error
// reply's body is read and put back whole, past MaxErrorBody too.
func TestBodiesAreNotConsumed(t *testing.T) {
	req, _ := http.NewRequest(http.MethodPost, "http://x/v1/messages", strings.NewReader(`{"model":"m"}`))
	b, err := ReadRequestBody(req)
	rest, _ := io.ReadAll(req.Body)
	if err != nil || string(b) != `{"model":"m"}` || string(rest) != string(b) {
		t.Errorf("with GetBody: %q %q %v", b, rest, err)
	}
	req.GetBody = nil
	req.Body = io.NopCloser(strings.NewReader("abc"))
	b, _ = ReadRequestBody(req)
	rest, _ = io.ReadAll(req.Body)
	if string(b) != "abc" || string(rest) != "abc" {
		t.Errorf("without GetBody: %q %q", b, rest)
	}

	big := bytes.Repeat([]byte("x"), MaxErrorBody+10)
	resp := &http.Response{Body: io.NopCloser(bytes.NewReader(big))}
	head := ReadErrorBody(resp)
	all, _ := io.ReadAll(resp.Body)
	if len(head) != MaxErrorBody || !bytes.Equal(all, big) {
		t.Errorf("error body: head %d, whole %d of %d", len(head), len(all), len(big))
	}
}
