package mapping

import (
	"encoding/json"
	"slices"
	"sort"
	"strings"

	"github.com/llmtrace/llmtrace/platform"
	sc "github.com/llmtrace/llmtrace/semconv"
)

// Trace-wide values: thread (conversation), user and session are the same on every event of
// a trace, taken from whichever span carries them; the first key of each list
// (conversationKeys, userKeys, sessionKeys, built from the precedence table, precedence.go)
// wins, then the keys inside OpenInference's metadata object, then the dialects' rules, then
// (same key on several spans) the root span, then the lowest span ID — never input order.

// idVal is one candidate trace-wide value and its rank (lower wins).
type idVal struct {
	v    string
	prio int // index in the key list; noPrio when unset
	root bool
	span [8]byte
}

const noPrio = 1 << 30

func (a idVal) better(b idVal) bool {
	if a.prio != b.prio {
		return a.prio < b.prio
	}
	if a.root != b.root {
		return a.root
	}
	return string(a.span[:]) < string(b.span[:])
}

func pickID(a *spanAttrs, keys, oiKeys []string, oiMeta *jv) idVal {
	bits := a.rules.listBits(keys)
	for i := range keys {
		if j := a.at(keys, bits, i); j >= 0 {
			if s := valueString(a.e[j].v); s != "" {
				a.e[j].used = true
				return idVal{v: s, prio: i}
			}
		}
	}
	if oiMeta != nil {
		for i, k := range oiKeys {
			if s := valueStringJV(oiMeta.get(k)); s != "" {
				return idVal{v: s, prio: len(keys) + i}
			}
		}
	}
	return idVal{prio: noPrio}
}

func valueStringJV(v *jv) string {
	if v == nil {
		return ""
	}
	switch v.k {
	case 's', 'n':
		return v.s
	}
	return ""
}

// traceIDs are the resolved trace-wide values. tags is the sorted union of the tags of
// every span of the trace seen so far (bounded by maxTags).
type traceIDs struct {
	conv, user, session idVal
	tags                []string
}

func (t *traceIDs) merge(o traceIDs) {
	t.tags = unionTags(t.tags, o.tags)
	if o.conv.better(t.conv) {
		t.conv = o.conv
	}
	if o.user.better(t.user) {
		t.user = o.user
	}
	if o.session.better(t.session) {
		t.session = o.session
	}
}

// spanRec is what the memory keeps of a mapped span for later roll-ups.
type spanRec struct {
	parent   [8]byte
	ownUsage bool           // the span reported usage of its own
	emitted  platform.Usage // the usage its event carries (zero when rolled up)
}

// TraceMemory keeps what Map learns of each trace for later calls: its trace-wide values,
// its spans' parents and usage (for roll-ups) and the tool calls its model calls requested
// (toolargs.go). With it, a span mapped in a later call gets the thread / user / session
// found earlier, and an aggregate that ends after its children (a later batch) is still
// rolled up. Limits: a span mapped before any carrying span of its trace was seen cannot
// get their values, and a span whose usage-carrying descendants arrive in a later batch
// keeps its own usage. internal/tracestate's memory (memory.go) is the bounded implementation the
// shippers use; a nil TraceMemory makes each call stand alone.
type TraceMemory interface {
	// Trace calls u.Update with the record of trace id (the zero TraceRecord when the trace
	// is unknown or was forgotten), keeping every other call off that record until Update
	// returns. Update may change the record; it does not keep a pointer to it.
	Trace(id [16]byte, u TraceUpdate)
}

// TraceUpdate is what one Map call does to a trace's record (reading what earlier calls
// left, adding its own); only the mapping implements it.
type TraceUpdate interface {
	Update(*TraceRecord)
}

// TraceRecord is what a TraceMemory keeps of one trace; its zero value is an unknown trace.
// Only the mapping reads and changes it: a memory stores it and lets it go. It holds at
// most maxSpansPerTrace span records and maxTraceToolCalls tool calls (toolargs.go).
type TraceRecord struct {
	known   bool // ids and spans are set
	ids     traceIDs
	version uint64 // counts the changes of ids
	spans   map[[8]byte]spanRec
	// toolCalls are the tool calls its model calls requested (toolargs.go).
	toolCalls traceToolCalls
}

// init makes t a known trace.
func (t *TraceRecord) init() {
	if !t.known {
		t.known = true
		t.ids = traceIDs{conv: idVal{prio: noPrio}, user: idVal{prio: noPrio}, session: idVal{prio: noPrio}}
		t.spans = map[[8]byte]spanRec{}
	}
}

// withTrace calls u.Update with trace id's record in mem, or with a record of its own for
// this call when mem is nil.
func withTrace(mem TraceMemory, id [16]byte, u TraceUpdate) {
	if mem == nil {
		var t TraceRecord
		u.Update(&t)
		return
	}
	mem.Trace(id, u)
}

const (
	// maxSpansPerTrace bounds the span records of one trace: a span past it is not
	// remembered for later roll-ups.
	maxSpansPerTrace     = 4096
	maxAncestorWalkDepth = 1024
)

// prepared is the first-pass reading of one span.
type prepared struct {
	sv       SpanView
	a        *spanAttrs
	trace    [16]byte
	span     [8]byte
	parent   [8]byte
	root     bool
	typ      platform.Type
	kind     string
	provider string
	// providerInferred: no provider key named provider; inferProvider found it.
	providerInferred bool
	fb               fallbackUsage // fallback.go: model and usage no dialect named
	usage            spanUsage
	ownUsage         bool
	ids              traceIDs
	oiMeta           *jv
	gkOut            *jv             // genkit:output of a model action, parsed (genkitResponse)
	gkParsed         bool            // gkOut was looked for
	bodies           *providerBodies // provider_body.go: request / response bodies by shape, once looked for
	sid              spanStrings     // its event's ID strings (idStrings, ids.go)
	// trees is the Map call's parser for the trees prepare parses of the span's attributes
	// (spanAttrs.parsed): spanCtx.prepTrees, set by MapBatch; when nil, they are parseJSON's.
	trees *jsonParser
	// resolved in the trace pass
	hasUsageDesc bool
	rollup       platform.Usage
}

// resolveTrace settles the trace-wide values and usage roll-ups of one trace's spans in
// this batch against what mem remembers of the trace, and records them there.
func (c *spanCtx) resolveTrace(mem TraceMemory, id [16]byte, spans []*prepared) (traceIDs, uint64) {
	r := &c.resolve // the call's: passing it as a TraceUpdate allocates nothing
	r.c, r.spans = c, spans
	withTrace(mem, id, r)
	r.c, r.spans = nil, nil
	return r.ids, r.version
}

// traceResolve is resolveTrace's TraceUpdate: its spans against the record, the result in
// ids and version.
type traceResolve struct {
	c       *spanCtx
	spans   []*prepared
	ids     traceIDs
	version uint64
}

func (r *traceResolve) Update(t *TraceRecord) {
	t.init()
	r.ids, r.version = r.c.resolveRecord(t, r.spans)
}

// resolveRecord is resolveTrace on the trace's record t.
func (c *spanCtx) resolveRecord(t *TraceRecord, spans []*prepared) (traceIDs, uint64) {
	ids := t.ids
	for _, p := range spans {
		ids.merge(p.ids)
	}
	if ids.conv.v != t.ids.conv.v || ids.user.v != t.ids.user.v || ids.session.v != t.ids.session.v || !slices.Equal(ids.tags, t.ids.tags) {
		t.version++
	}
	t.ids = ids

	// The trace's span tree: the remembered spans, then this batch's (a batch span replaces
	// a remembered one with the same ID, a later batch span an earlier one). The scratch
	// (c.tree) is the call's.
	tr := &c.tree
	tr.nodes = tr.nodes[:0]
	tr.useIndex = len(t.spans)+len(spans) > linearNodes
	if tr.useIndex {
		if tr.index == nil {
			tr.index = make(map[[8]byte]int32, len(t.spans)+len(spans))
		}
		clear(tr.index)
	}
	for sid, r := range t.spans {
		tr.addNode(resolveNode{span: sid, parent: r.parent, own: r.ownUsage, emitted: r.emitted})
	}
	for _, p := range spans {
		tr.addNode(resolveNode{span: p.span, parent: p.parent, own: p.ownUsage, p: p})
	}
	nodes := tr.nodes
	for i := range nodes {
		nodes[i].up = -1
		if nodes[i].parent != ([8]byte{}) {
			nodes[i].up = tr.findNode(nodes[i].parent)
		}
	}
	// A span has usage descendants when some descendant reported usage of its own.
	for i := range nodes {
		if nodes[i].own {
			for up, seen := nodes[i].up, 0; up >= 0 && seen < maxAncestorWalkDepth; up, seen = nodes[up].up, seen+1 {
				nodes[up].hasDesc = true
			}
		}
	}
	for i := range nodes {
		n := &nodes[i]
		if n.p != nil {
			n.p.hasUsageDesc = n.hasDesc
			unwrapModelCall(n.p)
			if n.own && !n.hasDesc {
				n.emitted = n.p.usage.u
			}
		}
	}
	for i := range nodes {
		if nodes[i].emitted == (platform.Usage{}) {
			continue
		}
		e := nodes[i].emitted
		for up, seen := nodes[i].up, 0; up >= 0 && seen < maxAncestorWalkDepth; up, seen = nodes[up].up, seen+1 {
			if nodes[up].p != nil {
				addUsage(&nodes[up].p.rollup, &e)
			}
		}
	}
	for _, p := range spans {
		if len(t.spans) >= maxSpansPerTrace {
			break
		}
		n := &nodes[tr.findNode(p.span)]
		t.spans[p.span] = spanRec{parent: p.parent, ownUsage: p.ownUsage, emitted: n.emitted}
	}
	clear(tr.nodes) // drop the references to this batch's spans
	if cap(tr.nodes) > maxPooledNodes {
		tr.nodes, tr.index = nil, nil
	}
	return ids, t.version
}

// spanTree is resolveTrace's scratch: the span tree of the trace being resolved and, for
// larger trees, an index from span ID to node.
type spanTree struct {
	nodes    []resolveNode
	index    map[[8]byte]int32
	useIndex bool
}

// resolveNode is one span of the tree resolveTrace walks.
type resolveNode struct {
	span, parent [8]byte
	up           int32 // index of the parent node, -1 when it is not known
	own          bool
	hasDesc      bool
	emitted      platform.Usage
	p            *prepared // nil for a remembered span
}

const (
	// linearNodes is the tree size up to which nodes are found by a scan, not the index.
	linearNodes = 16
	// maxPooledNodes is the largest node scratch a pooled spanCtx keeps between calls.
	maxPooledNodes = 1 << 14
)

// addNode adds n, replacing the node with the same span ID.
func (m *spanTree) addNode(n resolveNode) {
	if i := m.findNode(n.span); i >= 0 {
		m.nodes[i] = n
		return
	}
	if m.useIndex {
		m.index[n.span] = int32(len(m.nodes))
	}
	m.nodes = append(m.nodes, n)
}

// findNode returns the index of span's node, or -1.
func (m *spanTree) findNode(span [8]byte) int32 {
	if m.useIndex {
		if i, ok := m.index[span]; ok {
			return i
		}
		return -1
	}
	for i := range m.nodes {
		if m.nodes[i].span == span {
			return int32(i)
		}
	}
	return -1
}

// unionTags returns the sorted, de-duplicated union of a and b, at most maxTags long; a is
// never modified (it may be shared with the trace memory).
func unionTags(a, b []string) []string {
	if len(b) == 0 {
		return a
	}
	out := make([]string, 0, len(a)+len(b))
	out = append(out, a...)
	for _, t := range b {
		if t = truncateUTF8(trimSpace(t), maxTagBytes); t != "" && !contains(out, t) {
			out = append(out, t)
		}
	}
	if len(out) == len(a) {
		return a
	}
	sort.Strings(out)
	if len(out) > maxTags {
		out = out[:maxTags]
	}
	return out[:len(out):len(out)]
}

// readIDs reads one span's candidate trace-wide values, including its tags.
func readIDs(p *prepared) {
	a, r := p.a, p.a.rules
	p.ids.tags = readTags(a, nil)
	if v, ok := a.get(sc.OIMetadata); ok {
		if s := v.Str(); v.Kind() == ValueStr {
			if looksLikeJSON(s) { // parsed once: the event's metadata writes the same tree
				if j := a.parsed(s); j != nil && j.k == 'o' {
					p.oiMeta = j
				}
			}
		} else if j := valueJV(v, true, 0); j.k == 'o' {
			p.oiMeta = &j
		}
	}
	p.ids.conv = pickID(a, r.conversationKeys, r.metaConversationKeys, p.oiMeta)
	for i, rule := range r.conversationRules {
		if p.ids.conv.v != "" {
			break
		}
		if s := rule(a); s != "" {
			p.ids.conv = idVal{v: s, prio: len(r.conversationKeys) + len(r.metaConversationKeys) + i}
		}
	}
	p.ids.user = pickID(a, r.userKeys, r.metaUserKeys, p.oiMeta)
	p.ids.session = pickID(a, r.sessionKeys, r.metaSessionKeys, p.oiMeta)
	fallbackIDs(p)
	for _, v := range []*idVal{&p.ids.conv, &p.ids.user, &p.ids.session} {
		v.root, v.span = p.root, p.span
	}
}

// readTags collects the span's tags from tagKeys (precedence.go: tag.tags of OpenInference,
// ai.telemetry.metadata.tags, langfuse.trace.tags, langfuse.tags); an array, a JSON-array string, comma-separated text or
// a single string. They are appended to a copy of dst (dst is never modified), so the
// trace-wide union (traceIDs.tags) can be passed as dst.
func readTags(a *spanAttrs, dst []string) []string {
	dst = dst[:len(dst):len(dst)] // appending copies: dst may be shared
	keys := a.rules.tagKeys
	bits := a.rules.listBits(keys)
	for i := range keys {
		j := a.at(keys, bits, i)
		if j < 0 {
			continue
		}
		v := a.e[j].v
		if v.Kind() == ValueEmpty {
			continue
		}
		a.e[j].used = true
		switch v.Kind() {
		case ValueList:
			l := v.List()
			for i := 0; l != nil && i < l.Len(); i++ {
				dst = append(dst, valueString(l.At(i)))
			}
		case ValueStr:
			s := strings.TrimSpace(v.Str())
			var arr []string
			if strings.HasPrefix(s, "[") && json.Unmarshal([]byte(s), &arr) == nil {
				dst = append(dst, arr...)
			} else {
				dst = append(dst, strings.Split(s, ",")...)
			}
		default:
			dst = append(dst, valueString(v))
		}
	}
	return dst
}
