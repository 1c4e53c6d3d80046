package mapping_test

import (
	"encoding/hex"
	"encoding/json"
	"strconv"
	"testing"
	"time"

	"github.com/llmtrace/llmtrace/internal/mapping"
)

// The captures in testdata/captures are OTLP JSON (the protobuf-JSON mapping: hex IDs,
// int64 as strings). This module's tests read them without the collector's pdata, which
// lives in the internal/pdataview module, so that the library module's go.mod names no
// collector module (an app that imports otelbridge pulls none of it). The pdata path is
// tested on the same captures by cmd/llmtrace's goldens and the collector e2e tests.

type otlpDoc struct {
	ResourceSpans []struct {
		Resource   struct{ Attributes []otlpKV } `json:"resource"`
		ScopeSpans []struct {
			Scope struct{ Name, Version string } `json:"scope"`
			Spans []otlpSpan                     `json:"spans"`
		} `json:"scopeSpans"`
	} `json:"resourceSpans"`
}

type otlpSpan struct {
	TraceID, SpanID, ParentSpanID, Name string
	Kind                                int32
	StartTimeUnixNano, EndTimeUnixNano  string
	Attributes                          []otlpKV
	Events                              []struct {
		TimeUnixNano string
		Name         string
		Attributes   []otlpKV
	}
	Status struct {
		Code    int32
		Message string
	}
}

type otlpKV struct {
	Key   string
	Value otlpAny
}

type otlpAny struct {
	StringValue *string
	BoolValue   *bool
	IntValue    *json.Number
	DoubleValue *float64
	BytesValue  []byte
	ArrayValue  *struct{ Values []otlpAny }
	KvlistValue *struct{ Values []otlpKV }
}

func (a *otlpAny) value() mapping.Value {
	switch {
	case a.StringValue != nil:
		return mapping.StrValue(*a.StringValue)
	case a.BoolValue != nil:
		return mapping.BoolValue(*a.BoolValue)
	case a.IntValue != nil:
		i, _ := a.IntValue.Int64()
		return mapping.IntValue(i)
	case a.DoubleValue != nil:
		return mapping.DoubleValue(*a.DoubleValue)
	case a.BytesValue != nil:
		return mapping.BytesValue(a.BytesValue)
	case a.ArrayValue != nil:
		return mapping.ListValue(otlpList(a.ArrayValue.Values))
	case a.KvlistValue != nil:
		return mapping.MapValue(otlpMap(a.KvlistValue.Values))
	}
	return mapping.Value{}
}

type otlpMap []otlpKV

func (m otlpMap) Len() int { return len(m) }
func (m otlpMap) Range(fn func(string, mapping.Value) bool) {
	for i := range m {
		if !fn(m[i].Key, m[i].Value.value()) {
			return
		}
	}
}

type otlpList []otlpAny

func (l otlpList) Len() int                   { return len(l) }
func (l otlpList) At(i int) mapping.Value     { return l[i].value() }
func (s *otlpSpanView) TraceID() [16]byte     { return s.trace }
func (s *otlpSpanView) SpanID() [8]byte       { return s.span }
func (s *otlpSpanView) ParentSpanID() [8]byte { return s.parent }

type otlpSpanView struct {
	sp                   *otlpSpan
	trace                [16]byte
	span, parent         [8]byte
	res                  *otlpMap
	scopeName, scopeVers string
}

func (s *otlpSpanView) Name() string                   { return s.sp.Name }
func (s *otlpSpanView) Kind() mapping.SpanKind         { return mapping.SpanKind(s.sp.Kind) }
func (s *otlpSpanView) StartTime() time.Time           { return otlpTime(s.sp.StartTimeUnixNano) }
func (s *otlpSpanView) EndTime() time.Time             { return otlpTime(s.sp.EndTimeUnixNano) }
func (s *otlpSpanView) StatusCode() mapping.StatusCode { return mapping.StatusCode(s.sp.Status.Code) }
func (s *otlpSpanView) StatusMessage() string          { return s.sp.Status.Message }
func (s *otlpSpanView) Attributes() mapping.Map        { return otlpMap(s.sp.Attributes) }
func (s *otlpSpanView) Resource() mapping.Map          { return s.res }
func (s *otlpSpanView) Scope() (name, version string)  { return s.scopeName, s.scopeVers }
func (s *otlpSpanView) Events(fn func(string, time.Time, mapping.Map) bool) {
	for _, e := range s.sp.Events {
		if !fn(e.Name, otlpTime(e.TimeUnixNano), otlpMap(e.Attributes)) {
			return
		}
	}
}

func otlpTime(ns string) time.Time {
	n, err := strconv.ParseInt(ns, 10, 64)
	if err != nil || n == 0 {
		return time.Time{}
	}
	return time.Unix(0, n).UTC()
}

// readOTLPJSON returns one view per span of an OTLP JSON traces document, in document
// order (resource, scope, span), as internal/pdataview.Spans does for the collector.
func readOTLPJSON(t testing.TB, raw []byte) []mapping.SpanView {
	t.Helper()
	var doc otlpDoc
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatalf("reading OTLP JSON: %v", err)
	}
	var out []mapping.SpanView
	for r := range doc.ResourceSpans {
		rs := &doc.ResourceSpans[r]
		res := otlpMap(rs.Resource.Attributes)
		for s := range rs.ScopeSpans {
			ss := &rs.ScopeSpans[s]
			for k := range ss.Spans {
				sp := &ss.Spans[k]
				v := &otlpSpanView{sp: sp, res: &res, scopeName: ss.Scope.Name, scopeVers: ss.Scope.Version}
				hexID(t, v.trace[:], sp.TraceID)
				hexID(t, v.span[:], sp.SpanID)
				hexID(t, v.parent[:], sp.ParentSpanID)
				out = append(out, v)
			}
		}
	}
	return out
}

func hexID(t testing.TB, dst []byte, s string) {
	t.Helper()
	if s == "" {
		return
	}
	if n, err := hex.Decode(dst, []byte(s)); err != nil || n != len(dst) {
		t.Fatalf("OTLP JSON: bad id %q", s)
	}
}
