package otelbridge

import (
	"time"

	"github.com/llmtrace/llmtrace/internal/mapping"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
)

// sdkSpanView presents a finished OTel Go SDK span (sdktrace.ReadOnlySpan, as handed to
// SpanProcessor.OnEnd) as a SpanView. Span, event and resource attributes are read in
// place, not copied; attribute.SLICE / MAP values and typed slices become List / Map
// values when read.
func sdkSpanView(s sdktrace.ReadOnlySpan) mapping.SpanView { return sdkSpan{s} }

type sdkSpan struct{ s sdktrace.ReadOnlySpan }

func (v sdkSpan) TraceID() [16]byte { return v.s.SpanContext().TraceID() }
func (v sdkSpan) SpanID() [8]byte   { return v.s.SpanContext().SpanID() }

func (v sdkSpan) ParentSpanID() [8]byte { return v.s.Parent().SpanID() }
func (v sdkSpan) Name() string          { return v.s.Name() }

// Kind: trace.SpanKind uses the OTLP numbering (0 unspecified … 5 consumer).
func (v sdkSpan) Kind() mapping.SpanKind         { return mapping.SpanKind(v.s.SpanKind()) }
func (v sdkSpan) StartTime() time.Time           { return v.s.StartTime() }
func (v sdkSpan) EndTime() time.Time             { return v.s.EndTime() }
func (v sdkSpan) StatusMessage() string          { return v.s.Status().Description }
func (v sdkSpan) Attributes() mapping.Map        { return kvMap(v.s.Attributes()) }
func (v sdkSpan) StatusCode() mapping.StatusCode { return statusCode(v.s.Status().Code) }

func (v sdkSpan) Events(fn func(name string, t time.Time, attrs mapping.Map) bool) {
	for _, e := range v.s.Events() {
		if !fn(e.Name, e.Time, kvMap(e.Attributes)) {
			return
		}
	}
}

func (v sdkSpan) Resource() mapping.Map { return resourceMap{v.s.Resource()} }

func (v sdkSpan) Scope() (name, version string) {
	sc := v.s.InstrumentationScope()
	return sc.Name, sc.Version
}

// statusCode maps OTel Go's codes (Unset 0, Error 1, Ok 2) onto OTLP's (Unset 0, Ok 1,
// Error 2).
func statusCode(c codes.Code) mapping.StatusCode {
	switch c {
	case codes.Ok:
		return mapping.StatusCodeOK
	case codes.Error:
		return mapping.StatusCodeError
	}
	return mapping.StatusCodeUnset
}

// kvMap is a Map over attribute key-values, read in place.
type kvMap []attribute.KeyValue

func (m kvMap) Len() int { return len(m) }

func (m kvMap) Range(fn func(key string, v mapping.Value) bool) {
	for _, kv := range m {
		if !fn(string(kv.Key), attrValue(kv.Value)) {
			return
		}
	}
}

// resourceMap is a Map over a resource's attribute set, iterated in place. A nil resource
// is empty.
type resourceMap struct{ r *resource.Resource }

func (m resourceMap) Len() int {
	if m.r == nil {
		return 0
	}
	return m.r.Len()
}

func (m resourceMap) Range(fn func(key string, v mapping.Value) bool) {
	if m.r == nil {
		return
	}
	it := m.r.Iter()
	for it.Next() {
		kv := it.Attribute()
		if !fn(string(kv.Key), attrValue(kv.Value)) {
			return
		}
	}
}

// attrValue converts one attribute.Value. Scalars cost nothing; slices and maps are
// wrapped (attribute's accessors hand out one copy of the backing array).
func attrValue(v attribute.Value) mapping.Value {
	switch v.Type() {
	case attribute.BOOL:
		return mapping.BoolValue(v.AsBool())
	case attribute.INT64:
		return mapping.IntValue(v.AsInt64())
	case attribute.FLOAT64:
		return mapping.DoubleValue(v.AsFloat64())
	case attribute.STRING:
		return mapping.StrValue(v.AsString())
	case attribute.BYTESLICE:
		return mapping.BytesValue(v.AsByteSlice())
	case attribute.BOOLSLICE:
		return mapping.ListValue(sliceList[bool]{v.AsBoolSlice(), mapping.BoolValue})
	case attribute.INT64SLICE:
		return mapping.ListValue(sliceList[int64]{v.AsInt64Slice(), mapping.IntValue})
	case attribute.FLOAT64SLICE:
		return mapping.ListValue(sliceList[float64]{v.AsFloat64Slice(), mapping.DoubleValue})
	case attribute.STRINGSLICE:
		return mapping.ListValue(sliceList[string]{v.AsStringSlice(), mapping.StrValue})
	case attribute.SLICE:
		return mapping.ListValue(sliceList[attribute.Value]{v.AsSlice(), attrValue})
	case attribute.MAP:
		return mapping.MapValue(kvMap(v.AsMap()))
	}
	return mapping.Value{}
}

// sliceList is a List over a typed slice.
type sliceList[T any] struct {
	s  []T
	to func(T) mapping.Value
}

func (l sliceList[T]) Len() int               { return len(l.s) }
func (l sliceList[T]) At(i int) mapping.Value { return l.to(l.s[i]) }
