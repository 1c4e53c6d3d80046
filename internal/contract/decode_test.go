package contract

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/llmtrace/llmtrace/platform"
)

// TestDecodeEventRoundTrip: an event the sender's encoder writes passes the strict reading
// unchanged.
func TestDecodeEventRoundTrip(t *testing.T) {
	start := time.Date(2026, 11, 21, 10, 0, 0, 123456789, time.UTC)
	ev := platform.TraceEvent{
		TraceID: "019505a0-b7c2-7000-8000-000000000001", SpanID: "019505a0-b7c2-7000-8000-000000000002",
		ThreadID: "019505a0-b7c2-7000-8000-000000000000", Name: "chat gpt-4o", Type: platform.TypeLLM,
		StartTime: start, EndTime: start.Add(1500 * time.Millisecond), DurationMs: 1500,
		Usage: &platform.Usage{PromptTokens: 42, CompletionTokens: 17, TotalTokens: 59},
	}
	b, err := json.Marshal(ev)
	if err != nil {
		t.Fatal(err)
	}
	back, err := DecodeEvent(b)
	if err != nil {
		t.Fatalf("DecodeEvent of our own JSON: %v", err)
	}
	if !back.StartTime.Equal(ev.StartTime) || back.Usage.TotalTokens != 59 || back.Name != ev.Name {
		t.Fatalf("round trip changed the event: %+v", back)
	}
}

func TestDecodeEventRejects(t *testing.T) {
	base := `"traceId":"019505a0-b7c2-7000-8000-000000000001","spanId":"019505a0-b7c2-7000-8000-000000000002","threadId":"019505a0-b7c2-7000-8000-000000000000","name":"x","type":"llm"`
	cases := map[string]struct{ body, field string }{
		"fractional tokens": {`{` + base + `,"startTime":"2026-11-21T10:00:00Z","usage":{"prompt_tokens":1.5}}`, "usage.prompt_tokens"},
		"string tokens":     {`{` + base + `,"startTime":"2026-11-21T10:00:00Z","usage":{"prompt_tokens":"3"}}`, "usage.prompt_tokens"},
		"negative tokens":   {`{` + base + `,"startTime":"2026-11-21T10:00:00Z","usage":{"total_tokens":-3}}`, "usage.total_tokens"},
		"bad time":          {`{` + base + `,"startTime":"yesterday"}`, "startTime/endTime"},
		"missing start":     {`{` + base + `}`, "startTime"},
		"unknown key":       {`{` + base + `,"startTime":"2026-11-21T10:00:00Z","colour":"red"}`, "colour"},
		"not an object":     {`[1,2]`, "(event)"},
		"v4 trace":          {strings.Replace(`{`+base+`,"startTime":"2026-11-21T10:00:00Z"}`, "7000-8000-000000000001", "4000-8000-000000000001", 1), "traceId"},
		"too large":         {`{` + base + `,"startTime":"2026-11-21T10:00:00Z","input":"` + strings.Repeat("a", platform.MaxEventBytes) + `"}`, "(event)"},
	}
	for name, c := range cases {
		_, err := DecodeEvent([]byte(c.body))
		var ve *platform.ValidationError
		if !errors.As(err, &ve) {
			t.Errorf("%s: got %v, want *platform.ValidationError", name, err)
			continue
		}
		if ve.Field != c.field {
			t.Errorf("%s: field %q, want %q (%v)", name, ve.Field, c.field, err)
		}
	}
}
