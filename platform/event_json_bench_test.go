package platform

import (
	"bytes"
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	jsonv2 "github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
	jsonv1 "github.com/go-json-experiment/json/v1"
)

// benchChatEvent is the event internal/pdataview's BenchmarkMapChatSpan maps and encodes
// (a chat span with official gen_ai keys), built by hand with the Go types the mapper puts
// in it: 1.5 KB input, 0.5 KB output, usage, 19 metadata keys; 3.2 KB as JSON, the same
// bytes as the mapped event.
func benchChatEvent() TraceEvent {
	para := strings.Repeat("The customer asks about their order status and delivery window. ", 7)
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	return TraceEvent{
		TraceID: "01020304-0506-7708-890a-0b0c0d0e0f10", SpanID: "01020304-0506-7010-880c-1014181c2000",
		ParentSpanID: "01020304-0506-7080-9c18-14100c080400", ThreadID: "d341755a-0926-7d33-a093-12ce7399f475",
		Name: "chat gpt-4o-mini", Type: TypeLLM,
		Input: json.RawMessage(`{"messages":[{"role":"user","content":"` + para + `"},{"role":"assistant","content":"` +
			para + `"},{"role":"user","content":"` + para + `"}],"system":"You are a helpful support agent."}`),
		Output:    json.RawMessage(`{"response":"` + para + `","finish_reason":"stop"}`),
		StartTime: start, EndTime: start.Add(850 * time.Millisecond), DurationMs: 850,
		Usage: &Usage{PromptTokens: 420, CompletionTokens: 170, TotalTokens: 590, CachedTokens: 128,
			CostUSD: 0.00015539999999999998, ContextWindowTokens: 128000, ContextUsedTokens: 590},
		Model: "gpt-4o-mini-2024-07-18", Provider: "openai",
		Metadata: MetadataFromMap(map[string]any{
			"conversation_id": "conv-42", "cost_source": "price_table:2026-11-25",
			"deployment.environment.name": "prod", "gen_ai.operation.name": "chat",
			"gen_ai.request.max_tokens": int64(512), "gen_ai.request.model": "gpt-4o-mini",
			"gen_ai.request.temperature": 0.2, "gen_ai.response.finish_reasons": json.RawMessage(`["stop"]`),
			"gen_ai.response.id": "chatcmpl-123", "kind": "llm", "otel.parent_span_id": "0807060504030201",
			"otel.scope.name": "@opentelemetry/instrumentation-openai", "otel.scope.version": "0.21.0",
			"otel.span_id": "0102030405060708", "otel.span_kind": "client",
			"otel.trace_id": "0102030405060708090a0b0c0d0e0f10", "server.address": "api.openai.com",
			"server.port": int64(443), "service.name": "support-agent",
		}),
		Status: StatusUnset,
	}
}

// benchPlainEvent has TraceEvent's fields and tags without its MarshalJSON method, so the
// libraries below encode it by reflection.
type benchPlainEvent TraceEvent

// v2AsV1 are the go-json-experiment options closest to encoding/json's bytes: v1 semantics
// (omitempty as v1, nil slices and maps as null, sorted map keys, U+2028/U+2029 escaped,
// invalid UTF-8 allowed) without HTML escaping.
var v2AsV1 = jsonv2.JoinOptions(jsonv1.DefaultOptionsV1(), jsontext.EscapeForHTML(false))

// BenchmarkEncodeEvent encodes the chat event of BenchmarkMapChatSpan four ways in one run:
// AppendJSON (what the Client and BenchmarkMapChatSpan use), encoding/json's json.Marshal,
// go-json-experiment's json.Marshal with v1 options (the same bytes but for invalid UTF-8,
// see TestBenchEncodersAgree) and a go-json-experiment jsontext.Encoder driven field by
// field (encodeEventJSONText).
func BenchmarkEncodeEvent(b *testing.B) {
	ev := benchChatEvent()
	plain := (*benchPlainEvent)(&ev)
	b.Run("AppendJSON", func(b *testing.B) {
		var buf []byte
		b.ReportAllocs()
		for b.Loop() {
			var err error
			if buf, err = ev.AppendJSON(buf[:0]); err != nil {
				b.Fatal(err)
			}
		}
		b.SetBytes(int64(len(buf)))
	})
	b.Run("encoding-json.Marshal", func(b *testing.B) {
		b.ReportAllocs()
		var out []byte
		for b.Loop() {
			var err error
			if out, err = json.Marshal(plain); err != nil {
				b.Fatal(err)
			}
		}
		b.SetBytes(int64(len(out)))
	})
	b.Run("encoding-json.Encoder", func(b *testing.B) {
		var buf bytes.Buffer
		enc := json.NewEncoder(&buf)
		enc.SetEscapeHTML(false)
		b.ReportAllocs()
		for b.Loop() {
			buf.Reset()
			if err := enc.Encode(plain); err != nil {
				b.Fatal(err)
			}
		}
		b.SetBytes(int64(buf.Len()))
	})
	b.Run("jsonv2.Marshal", func(b *testing.B) {
		b.ReportAllocs()
		var out []byte
		for b.Loop() {
			var err error
			if out, err = jsonv2.Marshal(plain, v2AsV1); err != nil {
				b.Fatal(err)
			}
		}
		b.SetBytes(int64(len(out)))
	})
	b.Run("jsonv2.MarshalWrite", func(b *testing.B) {
		var buf bytes.Buffer
		b.ReportAllocs()
		for b.Loop() {
			buf.Reset()
			if err := jsonv2.MarshalWrite(&buf, plain, v2AsV1); err != nil {
				b.Fatal(err)
			}
		}
		b.SetBytes(int64(buf.Len()))
	})
	b.Run("jsontext.Encoder", func(b *testing.B) {
		var buf bytes.Buffer
		enc := jsontext.NewEncoder(&buf, jsonTextOpts)
		b.ReportAllocs()
		for b.Loop() {
			buf.Reset()
			enc.Reset(&buf, jsonTextOpts)
			if err := encodeEventJSONText(enc, &ev); err != nil {
				b.Fatal(err)
			}
		}
		b.SetBytes(int64(buf.Len()))
	})
}

// jsonTextOpts make a jsontext.Encoder write what encoding/json writes without HTML
// escaping, but for invalid UTF-8 (a raw U+FFFD instead of \ufffd).
var jsonTextOpts = jsonv2.JoinOptions(jsontext.EscapeForHTML(false), jsontext.EscapeForJS(true),
	jsontext.AllowInvalidUTF8(true), jsontext.AllowDuplicateNames(true), jsontext.PreserveRawStrings(true))

// encodeEventJSONText writes ev through enc token by token, as AppendJSON does byte by byte:
// the strongest use of the library for this struct (no reflection).
func encodeEventJSONText(enc *jsontext.Encoder, ev *TraceEvent) error {
	var scratch [64]byte
	str := func(k, v string) {
		enc.WriteToken(jsontext.String(k))
		enc.WriteToken(jsontext.String(v))
	}
	optStr := func(k, v string) {
		if v != "" {
			str(k, v)
		}
	}
	timeVal := func(k string, t time.Time) {
		enc.WriteToken(jsontext.String(k))
		b := append(scratch[:0], '"')
		b = t.AppendFormat(b, time.RFC3339Nano)
		enc.WriteValue(append(b, '"'))
	}
	enc.WriteToken(jsontext.BeginObject)
	str("traceId", ev.TraceID)
	str("spanId", ev.SpanID)
	optStr("parentSpanId", ev.ParentSpanID)
	str("threadId", ev.ThreadID)
	str("name", ev.Name)
	str("type", string(ev.Type))
	if len(ev.Input) > 0 {
		enc.WriteToken(jsontext.String("input"))
		enc.WriteValue(jsontext.Value(ev.Input))
	}
	if len(ev.Output) > 0 {
		enc.WriteToken(jsontext.String("output"))
		enc.WriteValue(jsontext.Value(ev.Output))
	}
	timeVal("startTime", ev.StartTime)
	if !ev.EndTime.IsZero() {
		timeVal("endTime", ev.EndTime)
	}
	if ev.DurationMs != 0 {
		enc.WriteToken(jsontext.String("durationMs"))
		enc.WriteToken(jsontext.Float(ev.DurationMs))
	}
	if u := ev.Usage; u != nil {
		enc.WriteToken(jsontext.String("usage"))
		enc.WriteToken(jsontext.BeginObject)
		for _, f := range [...]struct {
			k string
			v int64
		}{{"prompt_tokens", u.PromptTokens}, {"completion_tokens", u.CompletionTokens},
			{"total_tokens", u.TotalTokens}, {"cached_tokens", u.CachedTokens}, {"reasoning_tokens", u.ReasoningTokens}} {
			if f.v != 0 {
				enc.WriteToken(jsontext.String(f.k))
				enc.WriteToken(jsontext.Int(f.v))
			}
		}
		if u.CostUSD != 0 {
			enc.WriteToken(jsontext.String("cost_usd"))
			enc.WriteToken(jsontext.Float(u.CostUSD))
		}
		if u.ContextWindowTokens != 0 {
			enc.WriteToken(jsontext.String("context_window_tokens"))
			enc.WriteToken(jsontext.Int(u.ContextWindowTokens))
		}
		if u.ContextUsedTokens != 0 {
			enc.WriteToken(jsontext.String("context_used_tokens"))
			enc.WriteToken(jsontext.Int(u.ContextUsedTokens))
		}
		enc.WriteToken(jsontext.EndObject)
	}
	optStr("model", ev.Model)
	optStr("provider", ev.Provider)
	if len(ev.Metadata) > 0 {
		enc.WriteToken(jsontext.String("metadata"))
		enc.WriteToken(jsontext.BeginObject)
		keys := make([]string, 0, len(ev.Metadata))
		for k := range ev.Metadata.All() {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, k := range keys {
			enc.WriteToken(jsontext.String(k))
			switch v := ev.Metadata.Get(k).(type) {
			case string:
				enc.WriteToken(jsontext.String(v))
			case int64:
				enc.WriteToken(jsontext.Int(v))
			case float64:
				enc.WriteToken(jsontext.Float(v))
			case bool:
				enc.WriteToken(jsontext.Bool(v))
			case json.RawMessage:
				enc.WriteValue(jsontext.Value(v))
			default: // not in the benchmark's event
				if err := jsonv2.MarshalEncode(enc, v, v2AsV1); err != nil {
					return err
				}
			}
		}
		enc.WriteToken(jsontext.EndObject)
	}
	if len(ev.Tags) > 0 {
		enc.WriteToken(jsontext.String("tags"))
		enc.WriteToken(jsontext.BeginArray)
		for _, t := range ev.Tags {
			enc.WriteToken(jsontext.String(t))
		}
		enc.WriteToken(jsontext.EndArray)
	}
	optStr("status", string(ev.Status))
	if e := ev.Error; e != nil {
		enc.WriteToken(jsontext.String("error"))
		enc.WriteToken(jsontext.BeginObject)
		str("type", e.Type)
		str("message", e.Message)
		enc.WriteToken(jsontext.EndObject)
	}
	optStr("userId", ev.UserID)
	optStr("sessionId", ev.SessionID)
	return enc.WriteToken(jsontext.EndObject)
}

// TestBenchEncodersAgree: the encoders BenchmarkEncodeEvent compares write the same bytes
// for its event (so the benchmark compares the same work), and on the one input class where
// go-json-experiment cannot be made to agree — invalid UTF-8 in a string, which every
// jsontext path writes as a raw U+FFFD where encoding/json and AppendJSON write \ufffd —
// they differ as documented in BenchmarkEncodeEvent.
func TestBenchEncodersAgree(t *testing.T) {
	encoders := map[string]func(ev *TraceEvent) ([]byte, error){
		"encoding/json": func(ev *TraceEvent) ([]byte, error) { return json.Marshal((*benchPlainEvent)(ev)) },
		"jsonv2.Marshal": func(ev *TraceEvent) ([]byte, error) {
			return jsonv2.Marshal((*benchPlainEvent)(ev), v2AsV1)
		},
		"jsontext.Encoder": func(ev *TraceEvent) ([]byte, error) {
			var buf bytes.Buffer
			err := encodeEventJSONText(jsontext.NewEncoder(&buf, jsonTextOpts), ev)
			return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), err
		},
	}
	ev := benchChatEvent()
	want, err := ev.AppendJSON(nil)
	if err != nil {
		t.Fatal(err)
	}
	for name, enc := range encoders {
		if got, err := enc(&ev); err != nil || !bytes.Equal(got, want) {
			t.Errorf("%s: %v\n got %s\nwant %s", name, err, got, want)
		}
	}
	bad := benchChatEvent()
	bad.Name = "chat \xff"
	want, err = bad.AppendJSON(nil)
	if err != nil || !bytes.Contains(want, []byte(`"chat \ufffd"`)) {
		t.Fatalf("AppendJSON: %s, %v", want, err)
	}
	if ref, _ := encoders["encoding/json"](&bad); !bytes.Equal(ref, want) {
		t.Errorf("encoding/json writes %s", ref)
	}
	for _, name := range []string{"jsonv2.Marshal", "jsontext.Encoder"} {
		if got, err := encoders[name](&bad); err != nil || !bytes.Contains(got, []byte("\"chat \ufffd\"")) {
			t.Errorf("%s: %v, %.200s; want a raw U+FFFD", name, err, got)
		}
	}
}
