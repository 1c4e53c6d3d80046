package platformtest_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"testing"

	"github.com/llmtrace/llmtrace/internal/platformtest"
)

// Every error body the fake writes quotes the request's Authorization header (post sends
// "Bearer k"); success bodies and requests without the header are left alone.
func TestErrorBodiesEchoAuthorization(t *testing.T) {
	p := platformtest.New(t)
	body := []byte(`{"traces":[` + event(1) + `]}`)
	p.ReplyTo(0, platformtest.Status(400, `{"error":"malformed batch","details":["traces[0]: bad"]}`))
	p.ReplyTo(1, platformtest.Status(503, ""))
	p.ReplyTo(2, platformtest.Status(500, "oops"))
	p.ReplyTo(3, platformtest.RetryAfter(429, "7"))
	p.ReplyTo(4, platformtest.Status(401, `{"details":["no error member"]}`))
	want := []struct {
		status int
		body   string
	}{
		{400, `{"details":["traces[0]: bad"],"error":"malformed batch (request Authorization: Bearer k)"}`},
		{503, `request Authorization: Bearer k`},
		{500, `oops (request Authorization: Bearer k)`},
		{429, `{"error":"slow down (request Authorization: Bearer k)"}`},
		{401, `{"details":["no error member"],"error":"request Authorization: Bearer k"}`},
	}
	for i, w := range want {
		resp, got, err := post(t, p.URL(), "", body)
		if err != nil {
			t.Fatal(err)
		}
		if resp.StatusCode != w.status || got != w.body {
			t.Errorf("request %d: %d %q, want %d %q", i, resp.StatusCode, got, w.status, w.body)
		}
	}

	// The platform's own error replies: a body that does not decode, a malformed batch.
	resp, got, err := post(t, p.URL(), "", []byte(`{"traces":`))
	if err != nil {
		t.Fatal(err)
	}
	var e struct {
		Error   string   `json:"error"`
		Details []string `json:"details"`
	}
	if resp.StatusCode != 400 || json.Unmarshal([]byte(got), &e) != nil || e.Error != "malformed batch (request Authorization: Bearer k)" || len(e.Details) != 1 {
		t.Errorf("malformed batch: %d %s", resp.StatusCode, got)
	}

	// Success bodies are the contract's, untouched.
	if resp, got, err := post(t, p.URL(), "", body); err != nil || resp.StatusCode != 200 || got != "{\"accepted\":1,\"rejected\":null}\n" {
		t.Errorf("success reply %v %q %v", resp, got, err)
	}
}

func TestNoAuthorizationNoEcho(t *testing.T) {
	p := platformtest.New(t)
	p.SetReply(platformtest.Status(401, `{"error":"missing API key"}`))
	resp, err := http.Post(p.URL()+"/v1/traces", "application/json", bytes.NewReader([]byte(`{"traces":[`+event(1)+`]}`)))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	got, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 401 || string(got) != `{"error":"missing API key"}` {
		t.Errorf("%d %s, want the body unchanged", resp.StatusCode, got)
	}
	if platformtest.EchoAuthorization("x", http.Header{}) != "x" {
		t.Error("no header: body changed")
	}
}
