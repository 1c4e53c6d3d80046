package otelbridge

import (
	"bytes"
	"testing"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/sdk/instrumentation"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"

	"github.com/llmtrace/llmtrace/internal/mapping"
)

func mapOf(t *testing.T, m mapping.Map) map[string]mapping.Value {
	t.Helper()
	out := map[string]mapping.Value{}
	n := 0
	m.Range(func(k string, v mapping.Value) bool {
		out[k] = v
		n++
		return true
	})
	if n != m.Len() {
		t.Fatalf("Range visited %d, Len %d", n, m.Len())
	}
	return out
}

func TestSDKSpanViewPresentsEverySpanField(t *testing.T) {
	tid := trace.TraceID{0x01, 0x93, 0x2c, 0x4e, 1, 2, 0x70, 3, 0x80, 4, 5, 6, 7, 8, 9, 10}
	sid := trace.SpanID{1, 2, 3, 4, 5, 6, 7, 8}
	pid := trace.SpanID{8, 7, 6, 5, 4, 3, 2, 1}
	start := time.Date(2025, 11, 21, 12, 0, 0, 123, time.UTC)
	stub := tracetest.SpanStub{
		Name:        "chat gpt-4o",
		SpanContext: trace.NewSpanContext(trace.SpanContextConfig{TraceID: tid, SpanID: sid, TraceFlags: trace.FlagsSampled}),
		Parent:      trace.NewSpanContext(trace.SpanContextConfig{TraceID: tid, SpanID: pid}),
		SpanKind:    trace.SpanKindClient,
		StartTime:   start,
		EndTime:     start.Add(1500 * time.Millisecond),
		Attributes: []attribute.KeyValue{
			attribute.String("gen_ai.request.model", "gpt-4o"),
			attribute.Int64("gen_ai.usage.input_tokens", 82),
			attribute.Float64("gen_ai.request.temperature", 0.2),
			attribute.Bool("stream", true),
			attribute.StringSlice("gen_ai.response.finish_reasons", []string{"stop", "length"}),
			attribute.Int64Slice("ints", []int64{1, 2}),
			attribute.BoolSlice("bools", []bool{true}),
			attribute.Float64Slice("floats", []float64{0.5}),
			{Key: "blob", Value: attribute.ByteSliceValue([]byte{0xde, 0xad})},
			{Key: "gen_ai.input.messages", Value: attribute.SliceValue(
				attribute.MapValue(attribute.String("role", "user"), attribute.KeyValue{Key: "parts", Value: attribute.SliceValue(attribute.StringValue("hi"))}),
			)},
			{Key: "empty", Value: attribute.Value{}},
		},
		Events: []sdktrace.Event{
			{Name: "exception", Time: start.Add(time.Second), Attributes: []attribute.KeyValue{attribute.String("exception.type", "ValueError")}},
			{Name: "second", Time: start.Add(2 * time.Second)},
		},
		Status:               sdktrace.Status{Code: codes.Error, Description: "boom"},
		Resource:             resource.NewSchemaless(attribute.String("service.name", "svc"), attribute.String("deployment.environment.name", "prod")),
		InstrumentationScope: instrumentation.Scope{Name: "github.com/acme/genai", Version: "1.2.3"},
	}
	v := sdkSpanView(stub.Snapshot())

	if v.TraceID() != [16]byte(tid) || v.SpanID() != [8]byte(sid) || v.ParentSpanID() != [8]byte(pid) {
		t.Fatal("IDs differ")
	}
	if v.Name() != "chat gpt-4o" || v.Kind() != mapping.SpanKindClient {
		t.Fatalf("name %q kind %d", v.Name(), v.Kind())
	}
	if !v.StartTime().Equal(start) || !v.EndTime().Equal(start.Add(1500*time.Millisecond)) {
		t.Fatal("times differ")
	}
	// OTel Go numbers Error 1 / Ok 2; OTLP (and SpanView) Ok 1 / Error 2.
	if v.StatusCode() != mapping.StatusCodeError || v.StatusMessage() != "boom" {
		t.Fatalf("status %d %q", v.StatusCode(), v.StatusMessage())
	}
	if n, ver := v.Scope(); n != "github.com/acme/genai" || ver != "1.2.3" {
		t.Fatalf("scope %s %s", n, ver)
	}
	res := mapOf(t, v.Resource())
	if res["service.name"].Str() != "svc" || res["deployment.environment.name"].Str() != "prod" {
		t.Fatalf("resource %v", res)
	}

	a := mapOf(t, v.Attributes())
	if a["gen_ai.request.model"].Str() != "gpt-4o" || a["gen_ai.usage.input_tokens"].Int() != 82 ||
		a["gen_ai.request.temperature"].Double() != 0.2 || !a["stream"].Bool() {
		t.Fatalf("scalars: %+v", a)
	}
	if a["empty"].Kind() != mapping.ValueEmpty {
		t.Fatal("empty value not empty")
	}
	if b := a["blob"]; b.Kind() != mapping.ValueBytes || !bytes.Equal(b.Bytes(), []byte{0xde, 0xad}) {
		t.Fatalf("bytes: %v", b.Bytes())
	}
	fr := a["gen_ai.response.finish_reasons"].List()
	if fr == nil || fr.Len() != 2 || fr.At(1).Str() != "length" {
		t.Fatal("string slice")
	}
	if l := a["ints"].List(); l.Len() != 2 || l.At(1).Int() != 2 {
		t.Fatal("int slice")
	}
	if l := a["bools"].List(); l.Len() != 1 || !l.At(0).Bool() {
		t.Fatal("bool slice")
	}
	if l := a["floats"].List(); l.Len() != 1 || l.At(0).Double() != 0.5 {
		t.Fatal("float slice")
	}
	msgs := a["gen_ai.input.messages"]
	if msgs.Kind() != mapping.ValueList || msgs.List().Len() != 1 {
		t.Fatalf("SLICE value: kind %d", msgs.Kind())
	}
	first := msgs.List().At(0)
	if first.Kind() != mapping.ValueMap {
		t.Fatalf("MAP inside SLICE: kind %d", first.Kind())
	}
	fm := mapOf(t, first.Map())
	if parts := fm["parts"].List(); fm["role"].Str() != "user" || parts == nil || parts.Len() != 1 || parts.At(0).Str() != "hi" {
		t.Fatalf("nested map %v", fm)
	}

	var names []string
	v.Events(func(name string, ts time.Time, attrs mapping.Map) bool {
		names = append(names, name)
		if name == "exception" {
			if m := mapOf(t, attrs); m["exception.type"].Str() != "ValueError" || !ts.Equal(start.Add(time.Second)) {
				t.Errorf("exception event %v at %v", m, ts)
			}
		}
		return false // stop after the first
	})
	if len(names) != 1 {
		t.Fatalf("Events did not stop when fn returned false: %v", names)
	}
}

func TestSDKSpanViewRootAndStatusCodes(t *testing.T) {
	for _, c := range []struct {
		in   codes.Code
		want mapping.StatusCode
	}{{codes.Unset, mapping.StatusCodeUnset}, {codes.Ok, mapping.StatusCodeOK}, {codes.Error, mapping.StatusCodeError}} {
		v := sdkSpanView(tracetest.SpanStub{Name: "x", Status: sdktrace.Status{Code: c.in}}.Snapshot())
		if v.StatusCode() != c.want {
			t.Errorf("%v → %d, want %d", c.in, v.StatusCode(), c.want)
		}
		if v.ParentSpanID() != ([8]byte{}) || v.Resource().Len() != 0 {
			t.Error("root span has a parent or a resource")
		}
	}
}

func BenchmarkSDKSpanViewAttributes(b *testing.B) {
	stub := tracetest.SpanStub{Name: "chat", Attributes: []attribute.KeyValue{
		attribute.String("gen_ai.operation.name", "chat"), attribute.String("gen_ai.request.model", "gpt-4o"),
		attribute.Int64("gen_ai.usage.input_tokens", 82), attribute.Int64("gen_ai.usage.output_tokens", 18),
	}}
	ro := stub.Snapshot()
	b.ReportAllocs()
	for b.Loop() {
		n := 0
		sdkSpanView(ro).Attributes().Range(func(string, mapping.Value) bool { n++; return true })
	}
}
