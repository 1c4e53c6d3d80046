package mapping

import (
	"slices"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/llmtrace/llmtrace/internal/jsonesc"
	"github.com/llmtrace/llmtrace/internal/mapping/prices"
	"github.com/llmtrace/llmtrace/platform"
	sc "github.com/llmtrace/llmtrace/semconv"
)

// MapOptions configure the mapping core.
type MapOptions struct {
	// MaxInputBytes caps the serialized input of one event, bytes; 0 means 256 KiB. Values
	// above MaxContentBytes (320 KiB) are lowered to it so an event stays under 1 MiB.
	// An input over the cap is replaced by {"truncated":true,"original_bytes":n,"preview":"…"}
	// and "input" is listed in metadata.truncated. The preview (at most 1 KiB of the JSON
	// text) shrinks to fit the cap; below 36 bytes plus n's digits the marker is
	// {"truncated":true}; under 18 bytes the field is omitted; 64 bytes is the smallest cap
	// that always keeps original_bytes (capJSON, map_metadata.go).
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
	// Metadata is merged into every event's metadata (span values win); in any order, the
	// last value of a key it repeats winning (finish sorts every event's entries).
	Metadata platform.Metadata
	// Prices prices the llm events whose spans report no cost (cost.go); nil means
	// prices.Vendored(). Build one with overrides with prices.New.
	Prices *prices.Table
}

const (
	defaultMaxIOBytes = 256 << 10
)

// Mapper maps OpenTelemetry spans onto platform events (docs/platform-api.md
// "TraceEvent"). It is safe for concurrent use. What it knows of a trace from earlier calls
// is passed to each call (TraceMemory, map_trace.go), so that trace-wide values and usage
// roll-ups also work when a trace's spans arrive in several calls; what it keeps itself are
// caches that do not change a result (pooled scratch, boxed values, unpriced counts).
type Mapper struct {
	opts  MapOptions
	rules *ruleset // the precedence table compiled (ruleset.go)
	attrs sync.Pool
	// prices, tableSource ("price_table:<date>") and unpriced: cost.go.
	prices      *prices.Table
	tableSource any // boxed once: metadata values are any
	unpriced    unpricedCounts
	ctxs        sync.Pool // *spanCtx: scratch buffers reused across Map calls
	boxes       *boxCache // recurring metadata values, boxed once (map_boxes.go)
	threads     *boxCache // ThreadUUID of recurring conversation ids (boxCache.memo)
}

// NewMapper returns a Mapper with opts (zero or negative caps mean the defaults).
func NewMapper(opts MapOptions) *Mapper {
	for _, p := range []*int{&opts.MaxInputBytes, &opts.MaxOutputBytes} {
		if *p <= 0 {
			*p = defaultMaxIOBytes
		}
		if *p > platform.MaxContentBytes {
			*p = platform.MaxContentBytes
		}
	}
	m := &Mapper{opts: opts, rules: compile(&precedence)}
	m.attrs.New = func() any { return &spanAttrs{rules: m.rules} }
	if m.prices = opts.Prices; m.prices == nil {
		m.prices = prices.Vendored()
	}
	m.tableSource = any(CostSourcePriceTablePrefix + m.prices.Date())
	m.boxes, m.threads = newBoxCache(), newBoxCache()
	return m
}

// resolvedTrace is what every event of one trace shares: the trace-wide values and the
// traceId / threadId strings (computed once per trace and Map call).
type resolvedTrace struct {
	id         [16]byte
	off, n     int32 // its spans: spanCtx.byTrace[off:off+n]
	ids        traceIDs
	version    uint64 // of ids, in the trace memory
	traceUUID  string
	threadUUID string
	traceHex   string // otel.trace_id
	// The otel.trace_id and conversation_id metadata values, boxed on first use.
	traceHexV, convV any
	// The trace's slabs of this call (spanCtx.slab and mdSlab while one of its spans is
	// built; see there) and how many of its spans are not built yet (spanCtx.spansLeft).
	slab   []byte
	mdSlab []platform.MetadataEntry
	left   int32
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
	rules      *ruleset  // the Mapper's
	boxes      *boxCache // the Mapper's
	opts       *MapOptions
	events     []spanEvent
	usedEvents []bool
	buf        []byte    // scratch: the JSON being built
	stage      []byte    // scratch: input and output before they are kept (staged)
	trees      treeArena // scratch: the trees of the span's attributes (attrJV)
	// prepTrees holds the trees prepare parses of the call's spans (spanAttrs.parsed),
	// read again by their builds: they live until the call ends (putCtx lets go of them).
	prepTrees jsonParser
	// slab holds the Input / Output bytes (and raw JSON metadata values) of the events of
	// one trace in one Map call: each event gets a capacity-limited slice of it (appending
	// to one never touches another), so a trace allocates one or a few slabs instead of
	// two arrays per event. MapBatch swaps in the slab of the trace of the span being built
	// (resolvedTrace.slab): a slab is never shared by two traces nor reused across calls,
	// so an event that is kept (internal/tracestate keeps a trace's accepted events and
	// lets them go together) keeps alive only its own trace's content of that call — see
	// room for how much that is.
	slab []byte
	// usages holds the Usage of the events of one Map call (one array, not one per event),
	// shared by the call's traces; never reused across calls. The stores that keep events
	// past the call copy an event's Usage into their own slot (internal/tracestate,
	// eventSlot), so what they keep does not hold this array.
	usages []platform.Usage
	// mdSlab holds the metadata entries of the events of one trace in one Map call
	// (finish, keepEntries), each event's a capacity-limited slice; swapped in per trace
	// like slab (resolvedTrace.mdSlab), never reused across calls.
	mdSlab    []platform.MetadataEntry
	spansLeft int          // the spans of the current trace not built yet in this call, this one included (room, entryRoom)
	md        metadata     // reused builder; the entries it builds belong to the event
	tree      spanTree     // resolveTrace's scratch
	resolve   traceResolve // resolveTrace's TraceUpdate
	sid       spanStrings  // the current span's ID strings
	// addEventFn is c.addEvent, bound once.
	addEventFn func(string, time.Time, Map) bool
	// The metadata entries asked for in this call and the events that got theirs (finish):
	// entryRoom's estimate of the entries of the events to come.
	mdAsked, mdEvents int

	// Map's scratch, cleared by putCtx: the prepared spans, each one's trace (an index in
	// rts), the traces and their spans grouped by trace.
	preps   []prepared
	group   []int32
	rts     []resolvedTrace
	byTrace []*prepared
}

// A new slab holds what is kept at that moment plus slabHeadroom bytes (the small values
// kept after an event's content, e.g. a list attribute in metadata), and room for the spans
// of its trace not built yet in this call, each assumed to keep as much (spansLeft), up to
// maxSlab: a trace whose spans are alike allocates one slab per call, and a trace of one
// span (a long trace getting one span per call) gets a slab of its event's size (plus
// lastSpanHeadroom, rounded up to the allocator's size class: room).
//
// How that bounds what a kept event holds: a slab holds only the bytes of its trace's
// events of one call (charged by mapping.KeptBytes: Input, Output and the raw metadata
// values), slabHeadroom, and the room reserved for the trace's spans still to come that
// they did not use. That room is at most the bytes of the event that opened the slab times
// the spans after it, and at most maxSlab: when the trace's events are alike it is used;
// at worst (one large event, then small ones) a slab holds up to 4 times what KeptBytes
// charges its events (a 4 KiB event then 7 empty ones: a 32 KiB slab, 8 KiB charged),
// and since each event is charged a fixed 512 bytes besides its content the factor falls
// as the trace's spans grow in number or size. An event kept without the other events of
// its trace and call (the log join lets events go one by one; the re-send memory
// overwrites an event accepted again) holds those too: at most maxSlab of content bytes
// per slab. Error events keep their output in their own array (errorEvent).
const (
	slabHeadroom     = 512
	lastSpanHeadroom = 64
	maxSlab          = 32 << 10
)

// room makes sure the slab has n free bytes (roomWith, slabHeadroom).
func (c *spanCtx) room(n int) { c.roomWith(n, slabHeadroom) }

// roomWith makes sure the slab has n free bytes. A new slab for the last span of its trace
// in the call (spansLeft 1: a trace of one span) holds n bytes and headroom, rounded up to
// the allocator's size class (slices.Grow: the rounding is free room). keepPair asks for
// lastSpanHeadroom only: slabHeadroom there was 15 % of what BenchmarkMapChatSpan allocates
// (2688 bytes instead of 2048 for its 1980 bytes of content), and every byte allocated
// brings the next GC cycle nearer. A span whose raw metadata values (keep) outgrow that
// gets one more slab, with slabHeadroom for the values after it.
func (c *spanCtx) roomWith(n, headroom int) {
	if n > cap(c.slab)-len(c.slab) {
		if c.spansLeft <= 1 {
			c.slab = slices.Grow([]byte(nil), n+headroom)
			return
		}
		c.slab = make([]byte, 0, max(n+slabHeadroom, min(n*c.spansLeft+slabHeadroom, maxSlab)))
	}
}

// keep returns a copy of b that the event owns (a capacity-limited slice of the slab).
func (c *spanCtx) keep(b []byte) []byte {
	c.room(len(b))
	l := len(c.slab)
	c.slab = append(c.slab, b...)
	return c.slab[l:len(c.slab):len(c.slab)]
}

// keepPair is keep of in and out (nil stays nil), from one slab.
func (c *spanCtx) keepPair(in, out []byte) ([]byte, []byte) {
	c.roomWith(len(in)+len(out), lastSpanHeadroom)
	if in != nil {
		in = c.keep(in)
	}
	if out != nil {
		out = c.keep(out)
	}
	return in, out
}

// staged returns a copy of b in the span's staging buffer, which holds an event's input and
// output while they are built, redacted and capped, before keepPair copies them into the slab
// once (their sizes known). It is valid until the next span's setContent.
func (c *spanCtx) staged(b []byte) []byte {
	l := len(c.stage)
	c.stage = append(c.stage, b...)
	return c.stage[l:len(c.stage):len(c.stage)]
}

// Map maps spans (any order, any number of traces) onto events: one event per span, in
// input order, each followed by one `error` event per OTel exception event of the span.
// Trace-wide values (threadId, userId, sessionId, the chat root) and usage roll-ups are
// resolved over the whole batch, so the result does not depend on input order. Nil views
// are skipped. Map is MapBatch's Events with no TraceMemory: the call stands alone (the
// shippers use internal/tracestate, which passes its memory and re-sends accepted events).
//
// Map does not check events against the contract: that happens once per event, on the way
// out, in platform.Client.Send (which rejects an invalid event alone, e.g. a span without
// a start time) — or in `llmtrace map`, which sends nothing.
func (m *Mapper) Map(spans []SpanView) []platform.TraceEvent { return m.MapBatch(spans, nil).Events }

// MapBatch is Map, resolving each trace also against what mem remembers of it (and
// recording this call there; nil: none), and reporting each trace's values and the tool
// arguments found for tool events of earlier calls (Batch).
func (m *Mapper) MapBatch(spans []SpanView, mem TraceMemory) Batch {
	c := m.getCtx()
	defer m.putCtx(c)
	// The prepared spans live in c's scratch (pooled; putCtx clears them): nothing keeps a
	// *prepared past this call (resolveTrace and fillToolArgs drop theirs).
	preps := c.preps[:0]
	for _, sv := range spans {
		if sv == nil {
			continue
		}
		preps = append(preps, prepared{})
		p := &preps[len(preps)-1]
		p.trees = &c.prepTrees
		m.prepare(p, sv)
	}
	c.preps = preps
	defer func() {
		for i := range preps {
			preps[i].a.release()
			m.attrs.Put(preps[i].a)
		}
	}()

	// Group by trace, in first-seen order (input order within a trace); resolve each trace
	// once. group[i] is preps[i]'s trace index in rts; byTrace holds each trace's spans
	// contiguously. One trace (the common case) needs no map.
	group := c.group[:0]
	rts := c.rts[:0]
	var index map[[16]byte]int32
	for i := range preps {
		g := int32(len(rts) - 1)
		if g < 0 || rts[g].id != preps[i].trace {
			if index == nil && len(rts) > 0 {
				index = make(map[[16]byte]int32)
				for j := range rts {
					index[rts[j].id] = int32(j)
				}
			}
			var ok bool
			if g, ok = index[preps[i].trace]; !ok {
				g = int32(len(rts))
				rts = append(rts, resolvedTrace{id: preps[i].trace})
				if index != nil {
					index[preps[i].trace] = g
				}
			}
		}
		rts[g].n++
		group = append(group, g)
	}
	byTrace := slices.Grow(c.byTrace[:0], len(preps))[:len(preps)]
	for g, off := 0, int32(0); g < len(rts); g++ {
		rts[g].off, off = off, off+rts[g].n
		rts[g].n = 0
	}
	for i, g := range group {
		rt := &rts[g]
		byTrace[rt.off+rt.n] = &preps[i]
		rt.n++
	}
	c.group, c.rts, c.byTrace = group, rts, byTrace
	for i := range rts {
		rt := &rts[i]
		rt.ids, rt.version = c.resolveTrace(mem, rt.id, byTrace[rt.off:rt.off+rt.n])
		rt.traceUUID, rt.traceHex = idStrings(rt.id, byTrace[rt.off:rt.off+rt.n])
		rt.threadUUID = rt.traceUUID
		if conv := rt.ids.conv.v; conv != "" {
			rt.threadUUID = m.threads.memo(conv, ThreadUUID)
		}
	}

	var out []platform.TraceEvent
	var traces []TraceValues
	if len(preps) == 1 {
		// One span: its event, its usage and its trace's values in one allocation.
		one := new(struct {
			ev [1]platform.TraceEvent
			u  [1]platform.Usage
			tv [1]TraceValues
		})
		out, c.usages, traces = one.ev[:0], one.u[:0], one.tv[:]
	} else {
		// Room for an error event per failed span too (a span's exception events come with
		// its error status): growing out later would copy every event before.
		failed := 0
		for i := range preps {
			if preps[i].sv.StatusCode() == StatusCodeError {
				failed++
			}
		}
		out = make([]platform.TraceEvent, 0, len(preps)+failed)
		c.usages = make([]platform.Usage, 0, len(preps))
		traces = make([]TraceValues, len(rts))
	}
	for i := range rts {
		rts[i].left = rts[i].n
	}
	for i := range preps {
		// The span's trace's slabs (spanCtx.slab): every event points only into its own
		// trace's slabs of this call.
		rt := &rts[group[i]]
		c.prepared = &preps[i]
		c.slab, c.mdSlab, c.spansLeft = rt.slab, rt.mdSlab, int(rt.left) // room's and entryRoom's estimate
		out = c.build(out, rt)
		rt.slab, rt.mdSlab, c.slab, c.mdSlab = c.slab, c.mdSlab, nil, nil
		rt.left--
	}
	b := Batch{Events: out, Traces: traces}
	for i := range rts {
		rt := &rts[i]
		b.Traces[i] = TraceValues{TraceID: rt.traceUUID, Version: rt.version, ThreadID: rt.threadUUID, UserID: rt.ids.user.v,
			SessionID: rt.ids.session.v, ConversationID: rt.ids.conv.v, Tags: normTags(append(rt.ids.tags[:len(rt.ids.tags):len(rt.ids.tags)], m.opts.Tags...))}
	}
	m.fillToolArgs(&b, preps, mem)
	return b
}

// maxPooledScratch is the largest scratch buffer a pooled spanCtx keeps, bytes;
// maxPooledSpans the most prepared spans it keeps room for (about 630 bytes each: a
// larger call's scratch is left to the GC).
const (
	maxPooledScratch = 1 << 20
	maxPooledSpans   = 1 << 10
)

func (m *Mapper) getCtx() *spanCtx {
	if c, ok := m.ctxs.Get().(*spanCtx); ok {
		return c
	}
	return &spanCtx{rules: m.rules, opts: &m.opts, boxes: m.boxes, buf: make([]byte, 0, 4<<10)}
}

// putCtx drops c's references to span data and pools it.
func (m *Mapper) putCtx(c *spanCtx) {
	c.prepared = nil
	c.trees.reset()
	c.prepTrees.letGo()
	clear(c.events)
	c.events = c.events[:0]
	c.slab = nil // the events own it now
	c.usages = nil
	c.mdSlab, c.spansLeft = nil, 0 // the events own the entry slab now
	c.mdAsked, c.mdEvents = 0, 0
	c.md.reset()
	c.sid = spanStrings{}
	clear(c.preps)
	clear(c.rts)
	clear(c.byTrace)
	c.preps, c.group, c.rts, c.byTrace = c.preps[:0], c.group[:0], c.rts[:0], c.byTrace[:0]
	if cap(c.preps) > maxPooledSpans {
		c.preps, c.group, c.rts, c.byTrace = nil, nil, nil, nil
	}
	if cap(c.buf) > maxPooledScratch {
		c.buf = nil
	}
	if cap(c.stage) > maxPooledScratch {
		c.stage = nil
	}
	m.ctxs.Put(c)
}

// prepare reads into p (zero) what the trace pass needs: IDs, type, usage, trace-wide
// candidates.
func (m *Mapper) prepare(p *prepared, sv SpanView) {
	a := m.attrs.Get().(*spanAttrs)
	a.reset(sv.Attributes())
	a.parser = p.trees
	p.sv, p.a, p.trace, p.span, p.parent = sv, a, sv.TraceID(), sv.SpanID(), sv.ParentSpanID()
	p.root = p.parent == [8]byte{}
	scope, _ := sv.Scope()
	p.typ, p.kind = classify(a, sv.Name(), scope)
	p.fb = fallbackCall(a, &p.typ, &p.kind)
	p.provider, p.providerInferred = readProvider(a, p.typ == platform.TypeLLM, p.fb.model, scope)
	p.usage = readUsage(a, p.provider)
	if p.usage.u.IsZero() {
		for _, rule := range m.rules.usageRules {
			if u, ok := rule(p); ok {
				p.usage = u
				break
			}
		}
	}
	p.fb.applyUsage(a, p.typ, &p.usage)
	p.ownUsage = !p.usage.u.IsZero() && (p.usage.u.PromptTokens != 0 || p.usage.u.CompletionTokens != 0 ||
		p.usage.u.TotalTokens != 0 || p.usage.u.CostUSD != 0)
	m.price(p)
	readIDs(p)
}

// build appends the span's event and its error events.
func (c *spanCtx) build(out []platform.TraceEvent, rt *resolvedTrace) []platform.TraceEvent {
	ids := &rt.ids
	sv := c.sv
	c.events = c.events[:0]
	if c.addEventFn == nil {
		c.addEventFn = c.addEvent // bound once: a closure per span would allocate
	}
	sv.Events(c.addEventFn)
	c.usedEvents = append(c.usedEvents[:0], make([]bool, len(c.events))...)

	c.sid = c.prepared.sid
	// The event is built in its slot of out (past len, so zero: out is never written past
	// its length), not copied there when done: a copy of an event is a pass of write
	// barriers over its pointers while the GC marks.
	if len(out) == cap(out) {
		out = slices.Grow(out, 1)
	}
	out = out[:len(out)+1]
	ev := &out[len(out)-1]
	ev.TraceID, ev.SpanID = rt.traceUUID, c.sid.uuid
	ev.Name = eventName(sv.Name(), c.kind)
	ev.Type, ev.Provider = c.typ, c.provider
	ev.UserID, ev.SessionID = ids.user.v, ids.session.v
	ev.ParentSpanID = c.sid.parentUUID
	ev.ThreadID = rt.threadUUID
	ev.Type = conversationRootType(ev.Type, c.root, ids.conv.v)
	ev.StartTime, ev.EndTime, ev.DurationMs = spanTimes(sv.StartTime(), sv.EndTime())

	aggregate := c.hasUsageDesc
	if !isAggregateKind(c.kind) || !aggregate {
		if m := c.answeredModel(); m != "" {
			ev.Model = m
			c.a.useValue(c.rules.modelKeys, m)
		} else {
			ev.Model = readModel(c.a)
		}
		for _, rule := range c.rules.modelRules {
			if ev.Model != "" {
				break
			}
			ev.Model = rule(c.prepared)
		}
	}
	if ev.Model == "" {
		ev.Model = c.fallbackModel()
	}
	if c.ownUsage && !c.hasUsageDesc {
		c.usages = append(c.usages, c.usage.u)
		ev.Usage = &c.usages[len(c.usages)-1]
		ev.Usage.CostUSD = platform.RoundCostUSD(ev.Usage.CostUSD)
	}

	md := c.newMetadata(sv.Resource())
	truncated := c.setContent(ev) // content before leftovers, so mapped keys are consumed
	// The trace-wide union (sorted), then the span's own (already in it) and the options'.
	ev.Tags = normTags(append(readTags(c.a, ids.tags), c.opts.Tags...))
	excIdx := c.setStatus(ev)
	c.fillMetadata(md, ev, rt, excIdx, truncated)
	ev.Metadata = md.finish()

	// One error event per exception event.
	for n, i := range excIdx {
		if n >= MaxExceptionEvents {
			break
		}
		out = append(out, c.errorEvent(ev, n, &c.events[i])) // ev stays valid: a grown out keeps the old array alive
	}
	return out
}

// addEvent collects one span event (build's Events callback).
func (c *spanCtx) addEvent(name string, t time.Time, attrs Map) bool {
	c.events = append(c.events, spanEvent{name, t, attrs})
	return true
}

// setContent sets ev.Input and ev.Output, each capped at its MapOptions limit, marks the
// content keys used, and returns which of "input" / "output" were truncated.
func (c *spanCtx) setContent(ev *platform.TraceEvent) (truncated []any) {
	c.stage = c.stage[:0]
	in := c.buildInput()
	outb := c.buildOutput()
	c.a.use(c.rules.contentKeys...)
	for _, rule := range c.rules.contentShownRules {
		rule(c.a)
	}
	for _, p := range c.rules.contentPrefixes {
		c.a.usePrefix(p)
	}
	if in == nil {
		in = c.fallbackContent(c.contentNames(false))
	}
	if outb == nil {
		outb = c.fallbackContent(c.contentNames(true))
	}
	in, outb = redactBlobs(in), redactBlobs(outb) // multimodal.go: before the caps
	var cut bool
	if in, cut = capJSON(in, c.opts.MaxInputBytes); cut {
		truncated = append(truncated, "input")
	}
	if outb, cut = capJSON(outb, c.opts.MaxOutputBytes); cut {
		truncated = append(truncated, "output")
	}
	ev.Input, ev.Output = c.keepPair(in, outb)
	return truncated
}

// setStatus sets ev.Status from the span status and error.type, and ev.Error for a failed
// span (from the first exception event where the status says nothing). It returns the
// indexes of the span's exception events, each of which becomes an error event.
func (c *spanCtx) setStatus(ev *platform.TraceEvent) (excIdx []int) {
	code := c.sv.StatusCode()
	errType := c.a.str(sc.ErrorType)
	failed, failMsg := false, ""
	for _, rule := range c.rules.failureRules {
		if failed, failMsg = rule(c.a); failed {
			break
		}
	}
	switch {
	case code == StatusCodeError || errType != "" || failed:
		ev.Status = platform.StatusError
	case code == StatusCodeOK:
		ev.Status = platform.StatusOK
	default:
		ev.Status = platform.StatusUnset
	}
	for i := range c.events {
		if c.events[i].name == sc.ExceptionEvent {
			excIdx = append(excIdx, i)
			c.usedEvents[i] = true
		}
	}
	if ev.Status == platform.StatusError {
		e := &platform.EventError{Type: errType, Message: c.sv.StatusMessage()}
		if e.Message == "" {
			e.Message = failMsg
		}
		if len(excIdx) > 0 {
			x := c.events[excIdx[0]].attrs
			if e.Type == "" {
				e.Type = mapStr(x, sc.ExceptionType)
			}
			if e.Message == "" {
				e.Message = mapStr(x, sc.ExceptionMessage)
			}
		}
		if e.Type == "" {
			e.Type = "error"
		}
		ev.Error = e
		c.a.use(sc.ErrorType)
	}
	return excIdx
}

// fillMetadata puts into md the scope, the attributes and events no rule consumed, then
// what the mapping knows: OTel span kind and hex IDs, kind, conversation id, usage
// roll-up and conversions, dropped exceptions, truncation.
func (c *spanCtx) fillMetadata(md *metadata, ev *platform.TraceEvent, rt *resolvedTrace, excIdx []int, truncated []any) {
	ids := &rt.ids
	md.scope(c.sv.Scope())
	md.leftovers(c.a)
	c.evaluations(md) // evaluation.go: before the unused events, which exclude them
	md.events(c.events, c.usedEvents)
	// The computed values, each key once, in key order: the builder sorts by insertion, so
	// a run in order costs one comparison an entry (metadata.sortOrder).
	if c.usage.cacheCreation > 0 {
		md.set("cache_creation_tokens", c.usage.cacheCreation)
	}
	if ids.conv.v != "" && ids.conv.v != ev.ThreadID {
		if rt.convV == nil {
			rt.convV = c.boxes.str(ids.conv.v) // boxed once per trace and call
		}
		md.set("conversation_id", rt.convV)
	}
	if c.usage.costSource != nil {
		md.set("cost_source", c.usage.costSource)
	}
	if len(excIdx) > MaxExceptionEvents {
		md.set("exceptions_dropped", len(excIdx)-MaxExceptionEvents)
	}
	if c.kind != "" {
		md.set("kind", c.boxes.str(c.kind))
	}
	if !c.root {
		md.set("otel.parent_span_id", c.sid.parentHex)
	}
	md.set("otel.span_id", c.sid.hex)
	md.set("otel.span_kind", spanKindBoxed(c.sv.Kind()))
	if rt.traceHexV == nil {
		rt.traceHexV = c.boxes.str(rt.traceHex) // boxed once per trace and call
	}
	md.set("otel.trace_id", rt.traceHexV)
	if c.providerInferred {
		md.set("provider_inferred", true)
	}
	if len(truncated) > 0 {
		md.set("truncated", truncated)
	}
	if c.usage.converted {
		md.set("usage_converted", "exclusive input counts made inclusive")
	}
	if c.hasUsageDesc {
		if c.ownUsage {
			md.set("usage_reported", c.usageJSON(&c.usage.u))
		}
		md.set("usage_rollup", c.usageJSON(&c.rollup))
	}
}

// errorEvent builds the `error` event of the n-th exception event of the span whose event
// is parent: a child of it with output {type, message, stacktrace}.
func (c *spanCtx) errorEvent(parent *platform.TraceEvent, n int, x *spanEvent) platform.TraceEvent {
	typ, msg, stack := mapStr(x.attrs, sc.ExceptionType), mapStr(x.attrs, sc.ExceptionMessage), mapStr(x.attrs, sc.ExceptionStacktrace)
	name := "exception"
	if typ != "" {
		name += " " + typ
	}
	t := x.t
	if t.IsZero() || t.Before(parent.StartTime) {
		t = parent.StartTime
	}
	ev := platform.TraceEvent{
		TraceID: parent.TraceID, SpanID: ExceptionEventUUID(c.trace, c.span, n), ParentSpanID: parent.SpanID,
		ThreadID: parent.ThreadID, Name: eventName(name, "exception"), Type: platform.TypeError,
		StartTime: t.UTC(), Status: platform.StatusError, UserID: parent.UserID, SessionID: parent.SessionID,
		Tags: parent.Tags,
	}
	et := typ
	if et == "" {
		et = "exception"
	}
	ev.Error = &platform.EventError{Type: et, Message: msg}
	o := append(c.buf[:0], `{"type":`...)
	o = jsonesc.AppendString(o, typ)
	o = append(o, `,"message":`...)
	o = jsonesc.AppendString(o, msg)
	if stack != "" {
		o = append(o, `,"stacktrace":`...)
		o = jsonesc.AppendString(o, stack)
	}
	o = append(o, '}')
	c.buf = o
	// Its own array, not the trace's slab: the log join remembers the span's event but not
	// its error events (internal/tracestate/logjoin.go), so a stack trace in the slab would
	// be held, uncharged, by the span's event.
	ev.Output, _ = capJSON(slices.Clone(o), c.opts.MaxOutputBytes)
	md := c.newMetadata(c.sv.Resource())
	md.scope(c.sv.Scope())
	if x.attrs != nil {
		x.attrs.Range(func(k string, v Value) bool {
			switch k {
			case sc.ExceptionType, sc.ExceptionMessage, sc.ExceptionStacktrace:
			default:
				md.setValue(k, v)
			}
			return true
		})
	}
	md.set("kind", "exception")
	traceHex, spanHex, _ := c.hexIDs(false)
	md.set("otel.trace_id", traceHex)
	md.set("otel.span_id", spanHex)
	md.set("otel.exception_index", n)
	if cid, ok := parent.Metadata.Lookup("conversation_id"); ok {
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
	return truncateUTF8(name, platform.MaxNameBytes)
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

// hexIDs returns the span's OTel trace, span and (when parent) parent span IDs as lower-case
// hex, sharing one string.
func (c *spanCtx) hexIDs(parent bool) (trace, span, par string) {
	var b [64]byte
	hexInto(b[0:32], c.trace[:])
	hexInto(b[32:48], c.span[:])
	n := 48
	if parent {
		hexInto(b[48:64], c.parent[:])
		n = 64
	}
	s := string(b[:n])
	trace, span = s[:32], s[32:48]
	if parent {
		par = s[48:64]
	}
	return trace, span, par
}

func hexInto(dst, src []byte) {
	for i, c := range src {
		dst[2*i] = hexDigits[c>>4]
		dst[2*i+1] = hexDigits[c&0x0f]
	}
}

// spanKindValues are the otel.span_kind metadata values, boxed once.
var spanKindValues = func() (out [6]any) {
	for k := range out {
		out[k] = spanKindName(SpanKind(k))
	}
	return out
}()

func spanKindBoxed(k SpanKind) any {
	if k >= 0 && int(k) < len(spanKindValues) {
		return spanKindValues[k]
	}
	return spanKindName(k)
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

// normTags returns tags trimmed, bounded and de-duplicated, keeping first-seen order, in a
// new slice (tags may share its array with the trace memory's union, so it is never
// written).
func normTags(tags []string) []string {
	if len(tags) == 0 {
		return nil
	}
	out := make([]string, 0, min(len(tags), maxTags))
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
