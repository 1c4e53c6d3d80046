package platform

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"
)

func validEvent() TraceEvent {
	start := time.Date(2026, 11, 21, 10, 0, 0, 123456789, time.UTC)
	return TraceEvent{
		TraceID:    "019505a0-b7c2-7000-8000-000000000001",
		SpanID:     "019505a0-b7c2-7000-8000-000000000002",
		ThreadID:   "019505a0-b7c2-7000-8000-000000000000",
		Name:       "chat gpt-4o",
		Type:       TypeLLM,
		StartTime:  start,
		EndTime:    start.Add(1500 * time.Millisecond),
		DurationMs: 1500,
		Usage:      &Usage{PromptTokens: 42, CompletionTokens: 17, TotalTokens: 59},
	}
}

func TestIsUUIDv7(t *testing.T) {
	for s, want := range map[string]bool{
		"019505a0-b7c2-7000-8000-000000000001": true,
		"019505A0-B7C2-7ABC-BFFF-000000000001": true,
		"019505a0-b7c2-4000-8000-000000000001": false, // v4
		"019505a0-b7c2-7000-c000-000000000001": false, // wrong variant
		"019505a0b7c2-7000-8000-0000000000011": false, // misplaced dash
		"019505a0-b7c2-7000-8000-00000000000g": false,
		"":                                     false,
	} {
		if got := IsUUIDv7(s); got != want {
			t.Errorf("IsUUIDv7(%q) = %v, want %v", s, got, want)
		}
	}
}

func TestValidateRules(t *testing.T) {
	if err := (&TraceEvent{}).Validate(); err == nil {
		t.Fatal("empty event validated")
	}
	ok := validEvent()
	if err := ok.Validate(); err != nil {
		t.Fatalf("valid event: %v", err)
	}
	cases := map[string]func(*TraceEvent){
		"traceId":                   func(e *TraceEvent) { e.TraceID = "019505a0-b7c2-4000-8000-000000000001" },
		"spanId":                    func(e *TraceEvent) { e.SpanID = "nope" },
		"parentSpanId":              func(e *TraceEvent) { e.ParentSpanID = "019505a0-b7c2-1000-8000-000000000001" },
		"threadId":                  func(e *TraceEvent) { e.ThreadID = "" },
		"name":                      func(e *TraceEvent) { e.Name = strings.Repeat("x", 513) },
		"type":                      func(e *TraceEvent) { e.Type = "agent" },
		"startTime":                 func(e *TraceEvent) { e.StartTime = time.Time{} },
		"endTime":                   func(e *TraceEvent) { e.EndTime = e.StartTime.Add(-time.Second) },
		"status":                    func(e *TraceEvent) { e.Status = "failed" },
		"usage.prompt_tokens":       func(e *TraceEvent) { e.Usage.PromptTokens = -1 },
		"usage.cost_usd":            func(e *TraceEvent) { e.Usage.CostUSD = -0.01 },
		"usage.context_used_tokens": func(e *TraceEvent) { e.Usage.ContextUsedTokens = -5 },
	}
	for field, mutate := range cases {
		ev := validEvent()
		mutate(&ev)
		err := ev.Validate()
		var ve *ValidationError
		if !errors.As(err, &ve) {
			t.Errorf("%s: got %v, want *ValidationError", field, err)
			continue
		}
		if ve.Field != field {
			t.Errorf("%s: error names field %q (%v)", field, ve.Field, err)
		}
	}
}

func TestEventJSONShape(t *testing.T) {
	ev := validEvent()
	b, err := json.Marshal(ev)
	if err != nil {
		t.Fatal(err)
	}
	s := string(b)
	for _, want := range []string{`"traceId":"019505a0-b7c2-7000-8000-000000000001"`, `"startTime":"2026-11-21T10:00:00.123456789Z"`,
		`"endTime":"2026-11-21T10:00:01.623456789Z"`, `"durationMs":1500`, `"usage":{"prompt_tokens":42,"completion_tokens":17,"total_tokens":59}`} {
		if !strings.Contains(s, want) {
			t.Errorf("JSON %s lacks %s", s, want)
		}
	}
	for _, absent := range []string{"null", "parentSpanId", "metadata", "tags", "error", "input", "output", "model"} {
		if strings.Contains(s, absent) {
			t.Errorf("JSON %s has absent field %s", s, absent)
		}
	}
}
