package mapping

import (
	"encoding/json"
	"maps"
	"strings"
	"time"

	"github.com/llmtrace/llmtrace/platform"
)

// MapLogs takes gen_ai log records (issue 18; see map_logs.go for what each kind of record
// becomes) and returns what to send now and the fate of each record:
//   - a record an accepted event already carries: LogDone;
//   - a record whose span's event was accepted within LogRecentWindow: that event is sent
//     again with the record's content (Input / Output the event lacks, metadata keys it
//     lacks; never usage): LogMapped;
//   - otherwise the record waits for its span (LogHeld): the next Map call with the span
//     puts it into the span's event; a record passed again MapOptions.LogHold after it came
//     and after its span was last mapped with it (or collected by ExpiredLogs then) is
//     shipped on its own: a child event of its span (spanId
//     SpanUUID(trace, logAloneSpanID(key)), deterministic from the record), type custom,
//     metadata.kind = the event name, no usage: LogMapped. A record that does not fit the
//     hold's bytes (MapOptions.LogHoldBytes) is shipped on its own at once.
//   - an application log (no gen_ai.* event name) or one without trace and span IDs:
//     LogIgnored (counted).
//
// Records are copied when held. Report the send of Events with Delivered, as for Map.
func (m *Mapper) MapLogs(recs []LogRecord, mem TraceMemory) LogsResult {
	j := m.logs
	j.active.Store(true)
	now := time.Now()
	res := LogsResult{Fates: make([]LogFate, len(recs))}
	var late []*lateGroup
	lateBy := map[string]*lateGroup{}
	var alone []aloneRecord

	j.mu.Lock()
	j.sweep(now)
	for i := range recs {
		r := &recs[i]
		if kindOf(r.EventName) == logIgnored || r.TraceID == [16]byte{} || r.SpanID == [8]byte{} {
			res.Fates[i] = LogIgnored
			j.ignored.Add(1)
			continue
		}
		key := recordKey(r)
		if _, ok := j.done[key]; ok {
			res.Fates[i] = LogDone
			continue
		}
		uuid := SpanUUID(r.TraceID, r.SpanID)
		if h := j.held[key]; h != nil {
			// A record held while its span was mapped and accepted (it came between the
			// span's Map and Delivered) joins that event late, as one arriving after it.
			_, spanAccepted := j.recent[uuid]
			if h.joined || !spanAccepted && now.Sub(h.waitingSince()) < j.hold {
				res.Fates[i] = LogHeld
				continue
			}
			j.remove(h)
			if !spanAccepted {
				alone = append(alone, aloneRecord{i, &h.rec, key})
				res.Fates[i] = LogMapped
				continue
			}
		}
		if _, ok := j.expired[key]; ok {
			alone = append(alone, aloneRecord{i, r, key})
			res.Fates[i] = LogMapped
			continue
		}
		if re := j.recent[uuid]; re != nil {
			late = addLate(late, lateBy, re, i, r, key)
			res.Fates[i] = LogMapped
			continue
		}
		n := approxRecordBytes(r)
		if j.heldBytes+n > j.maxBytes {
			j.overflow.Add(1)
			alone = append(alone, aloneRecord{i, r, key})
			res.Fates[i] = LogMapped
			continue
		}
		h := &heldRecord{rec: CloneLogRecord(*r), key: key, span: spanKeyOf(r.TraceID, r.SpanID), seen: now, bytes: n}
		j.held[key] = h
		j.bySpan[h.span] = append(j.bySpan[h.span], h)
		j.heldBytes += n
		j.waiting.Add(1)
		res.Fates[i] = LogHeld
	}
	j.mu.Unlock()

	// Map outside the lock (Map takes it to join). Each pseudo span makes one event.
	for _, g := range late {
		if m.mapLate(&res.Batch, g, mem) {
			res.EventRecords = append(res.EventRecords, g.idx)
		}
	}
	for _, a := range alone {
		if m.mapAlone(&res.Batch, a, mem) {
			res.EventRecords = append(res.EventRecords, []int{a.idx})
		}
	}
	return res
}

// ExpectLogs tells the Mapper that log records will come (a logs pipeline or log
// processor exists): from now on Delivered remembers accepted span events for
// LogRecentWindow, so that records arriving after their span's event re-send it with the
// content. MapLogs implies it; a shipper calls it when it is created, so that the first
// records after a start find the spans accepted just before them.
func (m *Mapper) ExpectLogs() { m.logs.active.Store(true) }

// aloneRecord is a record to ship on its own: its index in the MapLogs call (-1 when it
// comes from the hold), the record and its key.
type aloneRecord struct {
	idx int
	rec *LogRecord
	key [16]byte
}

// ExpiredLogs returns, as events on their own, the held records that waited MapOptions.LogHold
// without their span, and forgets them; records held while their span's event was mapped
// and then accepted come back at once in that event, sent again with their content. In-process shippers call it periodically; the
// collector instead passes the records again (MapLogs), since its durable queue holds them.
func (m *Mapper) ExpiredLogs(mem TraceMemory) Batch { return m.takeHeld(time.Now(), false, mem) }

// FlushLogs returns every held record no Map call has put into its span's event, each as an
// event on its own, and forgets them: at shutdown, and at the end of `llmtrace map`.
func (m *Mapper) FlushLogs(mem TraceMemory) Batch { return m.takeHeld(time.Now(), true, mem) }

func (m *Mapper) takeHeld(now time.Time, all bool, mem TraceMemory) Batch {
	j := m.logs
	if j.waiting.Load() == 0 {
		return Batch{}
	}
	var alone, lateRecs []aloneRecord
	j.mu.Lock()
	for _, h := range j.held {
		if h.joined {
			continue
		}
		// Held while its span was mapped and accepted: the span's event, sent again late.
		if _, ok := j.recent[SpanUUID(h.rec.TraceID, h.rec.SpanID)]; ok {
			lateRecs = append(lateRecs, aloneRecord{-1, &h.rec, h.key})
		} else if all || now.Sub(h.waitingSince()) >= j.hold {
			alone = append(alone, aloneRecord{-1, &h.rec, h.key})
		}
	}
	sortAlone(lateRecs)
	var late []*lateGroup
	lateBy := map[string]*lateGroup{}
	for _, a := range lateRecs {
		late = addLate(late, lateBy, j.recent[SpanUUID(a.rec.TraceID, a.rec.SpanID)], -1, a.rec, a.key)
	}
	for _, a := range append(alone, lateRecs...) {
		j.remove(j.held[a.key])
	}
	j.mu.Unlock()
	var b Batch
	for _, g := range late {
		m.mapLate(&b, g, mem)
	}
	// Deterministic order: by span, then time (map iteration is random).
	sortAlone(alone)
	for _, a := range alone {
		m.mapAlone(&b, a, mem)
	}
	return b
}

// lateGroup is records of one span whose event was accepted before them: idx are their
// indexes in the MapLogs call (-1 from ExpiredLogs), stored the accepted event.
type lateGroup struct {
	idx    []int
	recs   []*LogRecord
	keys   [][16]byte
	stored platform.TraceEvent
}

// addLate adds record r (index i, key) to the late group of its span's accepted event re;
// the caller holds mu.
func addLate(late []*lateGroup, by map[string]*lateGroup, re *recentEvent, i int, r *LogRecord, key [16]byte) []*lateGroup {
	g := by[re.ev.SpanID]
	if g == nil {
		g = &lateGroup{stored: re.ev}
		by[re.ev.SpanID] = g
		late = append(late, g)
	}
	if i >= 0 {
		g.idx = append(g.idx, i)
	}
	g.recs, g.keys = append(g.recs, r), append(g.keys, key)
	return late
}

// mapLate adds to b a late group's event: its span's accepted event with the records'
// content merged; it notes what the event carries and reports whether there was one. The
// caller does not hold mu.
func (m *Mapper) mapLate(b *Batch, g *lateGroup, mem TraceMemory) bool {
	r := m.MapBatch([]SpanView{newRecordsSpan(g.recs, g.keys[0])}, mem)
	if len(r.Events) == 0 {
		return false
	}
	r.Events = []platform.TraceEvent{mergeLate(&g.stored, &r.Events[0])}
	m.logs.emit(r.Events[0].SpanID, g.keys, emitLate)
	b.add(r)
	return true
}

// mapAlone adds to b one record's event on its own, notes what it carries and reports
// whether there was one.
func (m *Mapper) mapAlone(b *Batch, a aloneRecord, mem TraceMemory) bool {
	r := m.MapBatch([]SpanView{newRecordsSpan([]*LogRecord{a.rec}, a.key)}, mem)
	if len(r.Events) == 0 {
		return false
	}
	r.Events = r.Events[:1]
	ev := &r.Events[0]
	ev.Type, ev.Usage = platform.TypeCustom, nil
	md := maps.Clone(ev.Metadata)
	if md == nil {
		md = map[string]any{}
	}
	// Not the mapping's own: the pseudo span's ID and kind (the record names its span in
	// otel.parent_span_id), nor usage or pricing (the span's event has them).
	for _, k := range []string{"otel.span_id", "otel.span_kind", "provider_inferred", "cost_source", "usage_rollup", "usage_reported"} {
		delete(md, k)
	}
	md["kind"] = a.rec.EventName
	md["otel.log_record"] = true
	ev.Metadata = md
	m.logs.emit(ev.SpanID, [][16]byte{a.key}, emitAlone)
	b.add(r)
	return true
}

// emit notes that the event with platform spanId id carries the records keys.
func (j *logJoin) emit(id string, keys [][16]byte, how emitKind) {
	j.mu.Lock()
	e := j.pending[id]
	e.keys = append(e.keys, keys...)
	e.how = how
	j.pending[id] = e
	j.mu.Unlock()
}

// mergeLate returns a copy of the accepted event stored with the content of pseudo, the
// late records mapped alone: its Input when stored has none, its Output when stored has
// none or only a finish reason, and the metadata keys stored lacks (not the mapping's own
// otel.* / kind keys). Usage, model and provider stay the span's.
func mergeLate(stored, pseudo *platform.TraceEvent) platform.TraceEvent {
	cp := *stored
	if len(cp.Input) == 0 && len(pseudo.Input) > 0 {
		cp.Input = pseudo.Input
	} else if len(pseudo.Input) > 0 {
		cp.Input = mergeLateInput(cp.Input, pseudo.Input)
	}
	if len(pseudo.Output) > 0 && (len(cp.Output) == 0 || onlyFinishReason(cp.Output)) {
		cp.Output = pseudo.Output
	}
	var md map[string]any
	for k, v := range pseudo.Metadata {
		if strings.HasPrefix(k, "otel.") || k == "kind" || k == "provider_inferred" || k == "conversation_id" {
			continue
		}
		if _, ok := cp.Metadata[k]; ok {
			continue
		}
		if md == nil {
			md = maps.Clone(cp.Metadata)
			if md == nil {
				md = map[string]any{}
			}
		}
		md[k] = v
	}
	if md != nil {
		cp.Metadata = md
	}
	return cp
}

// mergeLateInput merges the input of late records into a stored input that has no messages
// (only the span's own system instructions or tools: {"messages":[],"system":…}) as the
// join would have written it had the records come first (map_io.go buildInput): the
// records' messages, then the system instructions unless a system message already holds
// them (systemRepeated), then the tools; the records' system / tools before the span's.
// A stored input with messages, or one that is no such object, is kept.
func mergeLateInput(stored, late json.RawMessage) json.RawMessage {
	var s, l map[string]json.RawMessage
	if json.Unmarshal(stored, &s) != nil || json.Unmarshal(late, &l) != nil {
		return stored
	}
	var sm []json.RawMessage
	if json.Unmarshal(s["messages"], &sm) != nil || len(sm) > 0 || len(l["messages"]) == 0 {
		return stored
	}
	for k := range s {
		if k != "messages" && k != "system" && k != "tools" {
			return stored
		}
	}
	out := append([]byte(`{"messages":`), l["messages"]...)
	sys := l["system"]
	if sys == nil {
		sys = s["system"]
		var text string
		if json.Unmarshal(sys, &text) == nil && lateSystemRepeated(l["messages"], text) {
			sys = nil
		}
	}
	if sys != nil {
		out = append(append(out, `,"system":`...), sys...)
	}
	tools := l["tools"]
	if tools == nil {
		tools = s["tools"]
	}
	if tools != nil {
		out = append(append(out, `,"tools":`...), tools...)
	}
	return append(out, '}')
}

// lateSystemRepeated is systemRepeated on encoded messages ({role, content} as
// appendMessage writes them).
func lateSystemRepeated(msgs json.RawMessage, text string) bool {
	var ms []struct {
		Role    string `json:"role"`
		Content any    `json:"content"`
	}
	if json.Unmarshal(msgs, &ms) != nil {
		return false
	}
	for _, m := range ms {
		if c, ok := m.Content.(string); ok && m.Role == "system" && c == text {
			return true
		}
	}
	return false
}

// onlyFinishReason reports an output that is {"finish_reason": …} alone (a span whose
// answer travelled in log records).
func onlyFinishReason(out json.RawMessage) bool {
	var o map[string]json.RawMessage
	if json.Unmarshal(out, &o) != nil {
		return false
	}
	_, ok := o["finish_reason"]
	return ok && len(o) == 1
}

// sweep forgets held records past forgetAfter and expired keys past doneTTL, at most once a
// second; the caller holds mu.
func (j *logJoin) sweep(now time.Time) {
	if now.Sub(j.lastSweep) < time.Second {
		return
	}
	j.lastSweep = now
	for _, h := range j.held {
		if !h.joined && now.Sub(h.seen) > forgetAfter {
			j.remove(h)
			j.forgotten.Add(1)
		}
	}
	for k, at := range j.expired {
		if now.Sub(at) > doneTTL {
			delete(j.expired, k)
		}
	}
}

// LogJoinStats are the log join's counts since the Mapper was created.
type LogJoinStats struct {
	// Held is the number of records waiting for their span now.
	Held int64
	// Joined counts records carried by their span's accepted event.
	Joined int64
	// Late counts records carried by an accepted event sent again because they came
	// after it.
	Late int64
	// Alone counts records accepted as events on their own (their span never came within
	// the hold, or the hold was full).
	Alone int64
	// Overflow counts records shipped on their own at once because the hold was full.
	Overflow int64
	// Ignored counts records that are no gen_ai event or name no span.
	Ignored int64
	// Forgotten counts held records dropped from memory after 10 minutes without their
	// span, their record passed again or an ExpiredLogs call (a collector whose log request
	// was given up upstream).
	Forgotten int64
}

// LogStats returns the log join's counts.
func (m *Mapper) LogStats() LogJoinStats {
	j := m.logs
	return LogJoinStats{Held: j.waiting.Load(), Joined: j.joined.Load(), Late: j.late.Load(),
		Alone: j.alone.Load(), Overflow: j.overflow.Load(), Ignored: j.ignored.Load(), Forgotten: j.forgotten.Load()}
}
