package otelbridge

import (
	"sort"
	"strings"
	"sync"
	"time"
	"unicode/utf8"
)

// MapOptions configure the mapping core.
type MapOptions struct {
	// MaxInputBytes caps the serialized input of one event, bytes; 0 means 256 KiB. Values
	// above 320 KiB are lowered to 320 KiB so an event stays under the 1 MiB contract limit.
	// An input over the cap is replaced by {"truncated":true,"original_bytes":n,"preview":"…"}
	// and "input" is listed in metadata.truncated.
	MaxInputBytes int
	// MaxOutputBytes caps the serialized output of one event, bytes; same rules as
	// MaxInputBytes.
	MaxOutputBytes int
	// OmitContent drops all message content, system instructions, tool definitions, tool
	// arguments and results (privacy), keeping usage, model, provider, timings and finish
	// reasons (output {"finish_reason": …}).
	OmitContent bool
	// Tags are added to every event.
	Tags []string
	// Metadata is merged into every event's metadata (span values win).
	Metadata map[string]any
}

const (
	defaultMaxIOBytes = 256 << 10
	maxMaxIOBytes     = 320 << 10
)

// Mapper maps OpenTelemetry spans onto platform events (seed 000 TraceEvent,
// platform-api.md). It is safe for concurrent use. It keeps a bounded memory of recent
// traces (4096 traces, 10 minutes, 4096 spans each) so that trace-wide values and usage
// roll-ups also work when a trace's spans arrive in several Map calls.
type Mapper struct {
	opts  MapOptions
	mem   *traceMemory
	attrs sync.Pool
	ctxs  sync.Pool // *spanCtx: scratch buffers reused across Map calls
}

// NewMapper returns a Mapper with opts (zero or negative caps mean the defaults).
func NewMapper(opts MapOptions) *Mapper {
	for _, p := range []*int{&opts.MaxInputBytes, &opts.MaxOutputBytes} {
		if *p <= 0 {
			*p = defaultMaxIOBytes
		}
		if *p > maxMaxIOBytes {
			*p = maxMaxIOBytes
		}
	}
	return &Mapper{opts: opts, mem: newTraceMemory(), attrs: sync.Pool{New: func() any { return new(spanAttrs) }}}
}

// spanEvent is one span event as read from the view.
type spanEvent struct {
	name  string
	t     time.Time
	attrs Map
}

// spanCtx carries one span through the building of its event.
type spanCtx struct {
	*prepared
	opts       *MapOptions
	events     []spanEvent
	usedEvents []bool
	buf        []byte
}

// Map maps spans (any order, any number of traces) onto events: one event per span, in
// input order, each followed by one `error` event per OTel exception event of the span.
// Trace-wide values (threadId, userId, sessionId, the chat root) and usage roll-ups are
// resolved over the whole batch plus the Mapper's memory of earlier batches, so within one
// call the result does not depend on input order. Every returned event passes
// (*TraceEvent).Validate; an event that would not (a bug) is left out and reported as a
// *ValidationError after the others are returned. Nil views are skipped.
func (m *Mapper) Map(spans []SpanView) ([]TraceEvent, error) {
	preps := make([]prepared, 0, len(spans))
	for _, sv := range spans {
		if sv == nil {
			continue
		}
		preps = append(preps, m.prepare(sv))
	}
	defer func() {
		for i := range preps {
			m.attrs.Put(preps[i].a)
		}
	}()

	// Group by trace, in first-seen order; resolve each trace once.
	byTrace := map[[16]byte][]*prepared{}
	var order [][16]byte
	for i := range preps {
		p := &preps[i]
		if _, ok := byTrace[p.trace]; !ok {
			order = append(order, p.trace)
		}
		byTrace[p.trace] = append(byTrace[p.trace], p)
	}
	resolved := make(map[[16]byte]traceIDs, len(order))
	for _, id := range order {
		resolved[id] = m.mem.resolveTrace(id, byTrace[id])
	}

	out := make([]TraceEvent, 0, len(preps))
	var firstErr error
	c := m.getCtx()
	defer m.putCtx(c)
	for i := range preps {
		c.prepared = &preps[i]
		ids := resolved[c.trace]
		n := len(out)
		out = c.build(out, &ids)
		for j := n; j < len(out); j++ {
			if err := out[j].Validate(); err != nil {
				if firstErr == nil {
					firstErr = err
				}
				out = append(out[:j], out[j+1:]...)
				j--
			}
		}
	}
	return out, firstErr
}

// maxPooledScratch is the largest scratch buffer a pooled spanCtx keeps, bytes.
const maxPooledScratch = 1 << 20

func (m *Mapper) getCtx() *spanCtx {
	if c, ok := m.ctxs.Get().(*spanCtx); ok {
		return c
	}
	return &spanCtx{opts: &m.opts, buf: make([]byte, 0, 4<<10)}
}

// putCtx drops c's references to span data and pools it.
func (m *Mapper) putCtx(c *spanCtx) {
	c.prepared = nil
	clear(c.events)
	c.events = c.events[:0]
	if cap(c.buf) > maxPooledScratch {
		c.buf = nil
	}
	m.ctxs.Put(c)
}

// prepare reads what the trace pass needs: IDs, type, usage, trace-wide candidates.
func (m *Mapper) prepare(sv SpanView) prepared {
	a := m.attrs.Get().(*spanAttrs)
	a.reset(sv.Attributes())
	p := prepared{sv: sv, a: a, trace: sv.TraceID(), span: sv.SpanID(), parent: sv.ParentSpanID()}
	p.root = p.parent == [8]byte{}
	scope, _ := sv.Scope()
	p.typ, p.kind = classify(a, sv.Name(), scope)
	p.provider = readProvider(a, p.typ == TypeLLM)
	p.usage = readUsage(a, p.provider)
	p.ownUsage = !p.usage.u.IsZero() && (p.usage.u.PromptTokens != 0 || p.usage.u.CompletionTokens != 0 ||
		p.usage.u.TotalTokens != 0 || p.usage.u.CostUSD != 0)
	readIDs(&p)
	return p
}

// build appends the span's event and its error events.
func (c *spanCtx) build(out []TraceEvent, ids *traceIDs) []TraceEvent {
	sv := c.sv
	c.events = c.events[:0]
	sv.Events(func(name string, t time.Time, attrs Map) bool {
		c.events = append(c.events, spanEvent{name, t, attrs})
		return true
	})
	c.usedEvents = append(c.usedEvents[:0], make([]bool, len(c.events))...)

	ev := TraceEvent{
		TraceID:   TraceUUID(c.trace),
		SpanID:    SpanUUID(c.trace, c.span),
		Name:      eventName(sv.Name(), c.kind),
		Type:      c.typ,
		Provider:  c.provider,
		UserID:    ids.user.v,
		SessionID: ids.session.v,
	}
	if !c.root {
		ev.ParentSpanID = SpanUUID(c.trace, c.parent)
	}
	ev.ThreadID = ThreadUUID(ids.conv.v)
	if ev.ThreadID == "" {
		ev.ThreadID = ev.TraceID
	}
	if c.root && ids.conv.v != "" {
		ev.Type = TypeChat
	}
	ev.StartTime, ev.EndTime, ev.DurationMs = spanTimes(sv.StartTime(), sv.EndTime())

	aggregate := c.hasUsageDesc
	if !isAggregateKind(c.kind) || !aggregate {
		ev.Model = readModel(c.a)
	}
	if c.ownUsage && !c.hasUsageDesc {
		u := c.usage.u
		ev.Usage = &u
	}

	md := newMetadata(c.opts.Metadata)
	md.resource(sv.Resource())
	scopeName, scopeVersion := sv.Scope()

	// Content before leftovers, so mapped keys are consumed.
	in := c.buildInput()
	outb := c.buildOutput()
	for k := range c.a.m {
		if contentKeySet[k] {
			c.a.used[k] = struct{}{}
		}
	}
	for _, p := range contentPrefixes {
		c.a.usePrefix(p)
	}
	var truncated []any
	var cut bool
	if in, cut = capJSON(in, c.opts.MaxInputBytes); cut {
		truncated = append(truncated, "input")
	}
	if outb, cut = capJSON(outb, c.opts.MaxOutputBytes); cut {
		truncated = append(truncated, "output")
	}
	ev.Input, ev.Output = in, outb

	ev.Tags = readTags(c.a, nil)
	ev.Tags = normTags(append(ev.Tags, c.opts.Tags...))

	// Status and error.
	code := sv.StatusCode()
	errType := c.a.str("error.type")
	switch {
	case code == StatusCodeError || errType != "":
		ev.Status = StatusError
	case code == StatusCodeOK:
		ev.Status = StatusOK
	default:
		ev.Status = StatusUnset
	}
	var excIdx []int
	for i := range c.events {
		if c.events[i].name == "exception" {
			excIdx = append(excIdx, i)
			c.usedEvents[i] = true
		}
	}
	if ev.Status == StatusError {
		e := &EventError{Type: errType, Message: sv.StatusMessage()}
		if len(excIdx) > 0 {
			x := c.events[excIdx[0]].attrs
			if e.Type == "" {
				e.Type = mapStr(x, "exception.type")
			}
			if e.Message == "" {
				e.Message = mapStr(x, "exception.message")
			}
		}
		if e.Type == "" {
			e.Type = "error"
		}
		ev.Error = e
		c.a.use("error.type")
	}

	// Metadata: leftovers, then what the mapping knows.
	md.scope(scopeName, scopeVersion)
	md.leftovers(c.a)
	md.events(c.events, c.usedEvents)
	md.set("otel.span_kind", spanKindName(sv.Kind()))
	md.set("otel.trace_id", hexID(c.trace[:]))
	md.set("otel.span_id", hexID(c.span[:]))
	if !c.root {
		md.set("otel.parent_span_id", hexID(c.parent[:]))
	}
	if c.kind != "" {
		md.set("kind", c.kind)
	}
	if ids.conv.v != "" && ids.conv.v != ev.ThreadID {
		md.set("conversation_id", ids.conv.v)
	}
	if c.hasUsageDesc {
		md.set("usage_rollup", usageJSON(&c.rollup))
		if c.ownUsage {
			md.set("usage_reported", usageJSON(&c.usage.u))
		}
	}
	if c.usage.cacheCreation > 0 {
		md.set("cache_creation_tokens", c.usage.cacheCreation)
	}
	if c.usage.converted {
		md.set("usage_converted", "exclusive input counts made inclusive")
	}
	if len(excIdx) > MaxExceptionEvents {
		md.set("exceptions_dropped", len(excIdx)-MaxExceptionEvents)
	}
	if len(truncated) > 0 {
		md.set("truncated", truncated)
	}
	ev.Metadata = md.finish()
	out = append(out, ev)

	// One error event per exception event.
	for n, i := range excIdx {
		if n >= MaxExceptionEvents {
			break
		}
		out = append(out, c.errorEvent(&ev, n, &c.events[i]))
	}
	return out
}

// errorEvent builds the `error` event of the n-th exception event of the span whose event
// is parent: a child of it with output {type, message, stacktrace}.
func (c *spanCtx) errorEvent(parent *TraceEvent, n int, x *spanEvent) TraceEvent {
	typ, msg, stack := mapStr(x.attrs, "exception.type"), mapStr(x.attrs, "exception.message"), mapStr(x.attrs, "exception.stacktrace")
	name := "exception"
	if typ != "" {
		name += " " + typ
	}
	t := x.t
	if t.IsZero() || t.Before(parent.StartTime) {
		t = parent.StartTime
	}
	ev := TraceEvent{
		TraceID: parent.TraceID, SpanID: ExceptionEventUUID(c.trace, c.span, n), ParentSpanID: parent.SpanID,
		ThreadID: parent.ThreadID, Name: eventName(name, "exception"), Type: TypeError,
		StartTime: t.UTC(), Status: StatusError, UserID: parent.UserID, SessionID: parent.SessionID,
		Tags: parent.Tags,
	}
	et := typ
	if et == "" {
		et = "exception"
	}
	ev.Error = &EventError{Type: et, Message: msg}
	o := append(c.buf[:0], `{"type":`...)
	o = appendJSONString(o, typ)
	o = append(o, `,"message":`...)
	o = appendJSONString(o, msg)
	if stack != "" {
		o = append(o, `,"stacktrace":`...)
		o = appendJSONString(o, stack)
	}
	o = append(o, '}')
	c.buf = o
	ev.Output, _ = capJSON(cloneBytes(o), c.opts.MaxOutputBytes)
	md := newMetadata(c.opts.Metadata)
	md.resource(c.sv.Resource())
	md.scope(c.sv.Scope())
	if x.attrs != nil {
		x.attrs.Range(func(k string, v Value) bool {
			switch k {
			case "exception.type", "exception.message", "exception.stacktrace":
			default:
				md.setValue(k, v)
			}
			return true
		})
	}
	md.set("kind", "exception")
	md.set("otel.trace_id", hexID(c.trace[:]))
	md.set("otel.span_id", hexID(c.span[:]))
	md.set("otel.exception_index", n)
	if cid, ok := parent.Metadata["conversation_id"]; ok {
		md.set("conversation_id", cid)
	}
	ev.Metadata = md.finish()
	return ev
}

func eventName(name, kind string) string {
	if name == "" {
		name = kind
	}
	if name == "" {
		name = "span"
	}
	if !utf8.ValidString(name) {
		name = strings.ToValidUTF8(name, "\ufffd")
	}
	return truncateUTF8(name, MaxNameBytes)
}

func spanTimes(start, end time.Time) (time.Time, time.Time, float64) {
	if start.IsZero() {
		start = end
	}
	if start.IsZero() {
		start = time.Unix(0, 0)
	}
	start = start.UTC()
	if end.IsZero() || end.Before(start) {
		return start, time.Time{}, 0
	}
	end = end.UTC()
	return start, end, float64(end.Sub(start).Nanoseconds()) / 1e6
}

func spanKindName(k SpanKind) string {
	switch k {
	case SpanKindInternal:
		return "internal"
	case SpanKindServer:
		return "server"
	case SpanKindClient:
		return "client"
	case SpanKindProducer:
		return "producer"
	case SpanKindConsumer:
		return "consumer"
	}
	return "unspecified"
}

func mapStr(m Map, key string) string {
	s := ""
	if m != nil {
		m.Range(func(k string, v Value) bool {
			if k == key {
				s = valueString(v)
				return false
			}
			return true
		})
	}
	return s
}

const (
	maxTags     = 64
	maxTagBytes = 256
)

// normTags trims, bounds and de-duplicates tags, keeping first-seen order.
func normTags(tags []string) []string {
	if len(tags) == 0 {
		return nil
	}
	out := tags[:0]
	for _, t := range tags {
		t = truncateUTF8(trimSpace(t), maxTagBytes)
		if t == "" || contains(out, t) {
			continue
		}
		out = append(out, t)
		if len(out) == maxTags {
			break
		}
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

func contains(s []string, v string) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

func trimSpace(s string) string {
	for len(s) > 0 && (s[0] == ' ' || s[0] == '\t' || s[0] == '\n' || s[0] == '"') {
		s = s[1:]
	}
	for len(s) > 0 && (s[len(s)-1] == ' ' || s[len(s)-1] == '\t' || s[len(s)-1] == '\n' || s[len(s)-1] == '"') {
		s = s[:len(s)-1]
	}
	return s
}

// sortedKeys is used by tests and the metadata writer for stable iteration.
func sortedKeys(m map[string]Value) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
