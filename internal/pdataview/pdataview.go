// Package pdataview presents collector pdata spans (ptrace.Span with its resource and
// instrumentation scope) as mapping.SpanView, without copying attributes, so the
// collector exporter and the CLI feed the same mapping core as the SDK path.
package pdataview

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/llmtrace/llmtrace/internal/mapping"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"
)

// Spans returns one view per span of td, in document order (resource, scope, span).
func Spans(td ptrace.Traces) []mapping.SpanView {
	n := td.SpanCount()
	var out []mapping.SpanView
	var views []spanView
	if n == 1 {
		// One span (a common request): the view and the slice in one allocation.
		one := new(struct {
			views [1]spanView
			out   [1]mapping.SpanView
		})
		views, out = one.views[:], one.out[:0]
	} else {
		out = make([]mapping.SpanView, 0, n)
		views = make([]spanView, n)
	}
	i := 0
	rss := td.ResourceSpans()
	for r := 0; r < rss.Len(); r++ {
		rs := rss.At(r)
		var res *pmap // the first view's resource view, shared by the resource's spans
		sss := rs.ScopeSpans()
		for s := 0; s < sss.Len(); s++ {
			ss := sss.At(s)
			spans := ss.Spans()
			for k := 0; k < spans.Len(); k++ {
				sp := spans.At(k)
				v := &views[i]
				*v = spanView{span: sp, scope: ss.Scope(), attrs: pmap{sp.Attributes()}}
				if res == nil {
					v.ownRes = pmap{rs.Resource().Attributes()}
					res = &v.ownRes
				}
				v.resAttrs = res
				out = append(out, v)
				i++
			}
		}
	}
	return out
}

type spanView struct {
	span  ptrace.Span
	scope pcommon.InstrumentationScope
	// The attribute views, built once: Attributes and Resource hand out pointers to them
	// (no allocation per call). All spans of one resource share one resource view (the
	// first span's ownRes), so the mapping can tell that their resources are the same.
	attrs, ownRes pmap
	resAttrs      *pmap
}

func (v *spanView) TraceID() [16]byte      { return v.span.TraceID() }
func (v *spanView) SpanID() [8]byte        { return v.span.SpanID() }
func (v *spanView) ParentSpanID() [8]byte  { return v.span.ParentSpanID() }
func (v *spanView) Name() string           { return v.span.Name() }
func (v *spanView) Kind() mapping.SpanKind { return mapping.SpanKind(v.span.Kind()) }
func (v *spanView) StartTime() time.Time   { return nanos(v.span.StartTimestamp()) }
func (v *spanView) EndTime() time.Time     { return nanos(v.span.EndTimestamp()) }
func (v *spanView) StatusCode() mapping.StatusCode {
	return mapping.StatusCode(v.span.Status().Code())
}
func (v *spanView) StatusMessage() string         { return v.span.Status().Message() }
func (v *spanView) Attributes() mapping.Map       { return &v.attrs }
func (v *spanView) Resource() mapping.Map         { return v.resAttrs }
func (v *spanView) Scope() (name, version string) { return v.scope.Name(), v.scope.Version() }

func (v *spanView) Events(fn func(name string, t time.Time, attrs mapping.Map) bool) {
	evs := v.span.Events()
	for i := 0; i < evs.Len(); i++ {
		e := evs.At(i)
		if !fn(e.Name(), nanos(e.Timestamp()), Map(e.Attributes())) {
			return
		}
	}
}

// nanos converts an OTLP timestamp; 0 (unset) becomes the zero time.
func nanos(ts pcommon.Timestamp) time.Time {
	if ts == 0 {
		return time.Time{}
	}
	return time.Unix(0, int64(ts)).UTC()
}

// Map presents a pcommon.Map as an mapping.Map (no copy).
func Map(m pcommon.Map) mapping.Map { return &pmap{m} }

type pmap struct{ m pcommon.Map }

func (p *pmap) Len() int { return p.m.Len() }
func (p *pmap) Range(fn func(string, mapping.Value) bool) {
	p.m.Range(func(k string, v pcommon.Value) bool { return fn(k, Value(v)) })
}

type pslice struct{ s pcommon.Slice }

func (p pslice) Len() int               { return p.s.Len() }
func (p pslice) At(i int) mapping.Value { return Value(p.s.At(i)) }

// Value presents a pcommon.Value as an mapping.Value (strings, maps and slices not copied).
func Value(v pcommon.Value) mapping.Value {
	switch v.Type() {
	case pcommon.ValueTypeStr:
		return mapping.StrValue(v.Str())
	case pcommon.ValueTypeInt:
		return mapping.IntValue(v.Int())
	case pcommon.ValueTypeDouble:
		return mapping.DoubleValue(v.Double())
	case pcommon.ValueTypeBool:
		return mapping.BoolValue(v.Bool())
	case pcommon.ValueTypeBytes:
		return mapping.BytesValue(v.Bytes().AsRaw())
	case pcommon.ValueTypeSlice:
		return mapping.ListValue(pslice{v.Slice()})
	case pcommon.ValueTypeMap:
		return mapping.MapValue(&pmap{v.Map()})
	}
	return mapping.Value{}
}

// ReadOTLPJSON reads one OTLP/JSON traces document ({"resourceSpans": […]}, as
// ptrace.JSONMarshaler and OTLP/HTTP JSON write it). Empty input, input that is not JSON,
// a truncated document and a JSON document without resourceSpans each give an error
// whose message is one line.
func ReadOTLPJSON(r io.Reader) (ptrace.Traces, error) {
	b, err := io.ReadAll(r)
	if err != nil {
		return ptrace.Traces{}, fmt.Errorf("reading OTLP JSON: %w", err)
	}
	b = bytes.TrimSpace(b)
	if len(b) == 0 {
		return ptrace.Traces{}, errors.New("empty input: want an OTLP JSON traces document")
	}
	if b[0] != '{' {
		return ptrace.Traces{}, errors.New("not an OTLP JSON traces document (does not start with '{')")
	}
	td, err := (&ptrace.JSONUnmarshaler{}).UnmarshalTraces(b)
	if err != nil {
		return ptrace.Traces{}, fmt.Errorf("invalid or truncated OTLP JSON: %s", oneLine(err.Error()))
	}
	if td.ResourceSpans().Len() == 0 && !bytes.Contains(b, []byte(`"resourceSpans"`)) && !bytes.Contains(b, []byte(`"resource_spans"`)) {
		return ptrace.Traces{}, errors.New("not an OTLP JSON traces document (no resourceSpans)")
	}
	return td, nil
}

func oneLine(s string) string {
	s = string(bytes.ReplaceAll([]byte(s), []byte("\n"), []byte(" ")))
	if len(s) > 300 {
		s = s[:300] + "…"
	}
	return s
}
