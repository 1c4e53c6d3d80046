package tracestate

import (
	"time"

	"github.com/llmtrace/llmtrace/internal/mapping"
	"github.com/llmtrace/llmtrace/platform"
)

// MapLogs takes gen_ai log records (issue 18; see internal/mapping/map_logs.go for what
// each kind of record becomes) and returns what to send now and the fate of each record:
//   - a record an accepted event already carries: LogDone;
//   - a record whose span's event was accepted within LogRecentWindow: that event is sent
//     again with the record's content (Input / Output the event lacks, metadata keys it
//     lacks; never usage): LogMapped;
//   - otherwise the record waits for its span (LogHeld): the next Map call with the span
//     puts it into the span's event; a record passed again Options.LogHold after it came
//     and after its span was last mapped with it (or collected by ExpiredLogs then) is
//     shipped on its own (mapping.Mapper.MapRecord: a child event of its span, type custom,
//     metadata.kind = the event name, no usage): LogMapped. A record that does not fit the
//     hold's bytes (Options.LogHoldBytes) is shipped on its own at once.
//   - an application log (no gen_ai.* event name) or one without trace and span IDs:
//     LogIgnored (counted).
//
// Records are copied when held. Report the send of Events with Delivered, as for Map.
func (s *State) MapLogs(recs []mapping.LogRecord) LogsResult {
	j := s.logs
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
		if !mapping.IsGenAIRecord(r) {
			res.Fates[i] = LogIgnored
			j.ignored.Add(1)
			continue
		}
		key := mapping.RecordKey(r)
		if _, ok := j.done[key]; ok {
			res.Fates[i] = LogDone
			continue
		}
		uuid := mapping.SpanUUID(r.TraceID, r.SpanID)
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
		n := mapping.RecordBytes(r)
		if j.heldBytes+n > j.maxBytes {
			j.overflow.Add(1)
			alone = append(alone, aloneRecord{i, r, key})
			res.Fates[i] = LogMapped
			continue
		}
		h := &heldRecord{rec: mapping.CloneLogRecord(*r), key: key, span: spanKeyOf(r.TraceID, r.SpanID), seen: now, bytes: n}
		j.held[key] = h
		j.bySpan[h.span] = append(j.bySpan[h.span], h)
		j.heldBytes += n
		j.waiting.Add(1)
		res.Fates[i] = LogHeld
	}
	j.mu.Unlock()

	// Map outside the lock (Map takes it to join). Each pseudo span makes one event.
	var b mapping.Batch
	for _, g := range late {
		if s.mapLate(&b, g) {
			res.EventRecords = append(res.EventRecords, g.idx)
		}
	}
	for _, a := range alone {
		if s.mapAlone(&b, a) {
			res.EventRecords = append(res.EventRecords, []int{a.idx})
		}
	}
	res.Events = s.sent.resolved(&b)
	for len(res.EventRecords) < len(res.Events) {
		res.EventRecords = append(res.EventRecords, nil) // re-sent events carry no records
	}
	return res
}

// ExpectLogs tells the State that log records will come (a logs pipeline or log
// processor exists): from now on Delivered remembers accepted span events for
// LogRecentWindow, so that records arriving after their span's event re-send it with the
// content. MapLogs implies it; a shipper calls it when it is created, so that the first
// records after a start find the spans accepted just before them.
func (s *State) ExpectLogs() { s.logs.active.Store(true) }

// aloneRecord is a record to ship on its own: its index in the MapLogs call (-1 when it
// comes from the hold), the record and its key.
type aloneRecord struct {
	idx int
	rec *mapping.LogRecord
	key [16]byte
}

// ExpiredLogs returns, as events on their own, the held records that waited Options.LogHold
// without their span, and forgets them; records held while their span's event was mapped
// and then accepted come back at once in that event, sent again with their content. In-process shippers call it periodically; the
// collector instead passes the records again (MapLogs), since its durable queue holds them.
func (s *State) ExpiredLogs() []platform.TraceEvent {
	b := s.takeHeld(time.Now(), false)
	return s.sent.resolved(&b)
}

// FlushLogs returns every held record no Map call has put into its span's event, each as an
// event on its own, and forgets them: at shutdown, and at the end of `llmtrace map`.
func (s *State) FlushLogs() []platform.TraceEvent {
	b := s.takeHeld(time.Now(), true)
	return s.sent.resolved(&b)
}

func (s *State) takeHeld(now time.Time, all bool) mapping.Batch {
	j := s.logs
	if j.waiting.Load() == 0 {
		return mapping.Batch{}
	}
	var alone, lateRecs []aloneRecord
	j.mu.Lock()
	for _, h := range j.held {
		if h.joined {
			continue
		}
		// Held while its span was mapped and accepted: the span's event, sent again late.
		if _, ok := j.recent[mapping.SpanUUID(h.rec.TraceID, h.rec.SpanID)]; ok {
			lateRecs = append(lateRecs, aloneRecord{-1, &h.rec, h.key})
		} else if all || now.Sub(h.waitingSince()) >= j.hold {
			alone = append(alone, aloneRecord{-1, &h.rec, h.key})
		}
	}
	sortAlone(lateRecs)
	var late []*lateGroup
	lateBy := map[string]*lateGroup{}
	for _, a := range lateRecs {
		late = addLate(late, lateBy, j.recent[mapping.SpanUUID(a.rec.TraceID, a.rec.SpanID)], -1, a.rec, a.key)
	}
	for _, a := range append(alone, lateRecs...) {
		j.remove(j.held[a.key])
	}
	j.mu.Unlock()
	var b mapping.Batch
	for _, g := range late {
		s.mapLate(&b, g)
	}
	// Deterministic order: by span, then time (map iteration is random).
	sortAlone(alone)
	for _, a := range alone {
		s.mapAlone(&b, a)
	}
	return b
}

// lateGroup is records of one span whose event was accepted before them: idx are their
// indexes in the MapLogs call (-1 from ExpiredLogs), stored the accepted event.
type lateGroup struct {
	idx    []int
	recs   []*mapping.LogRecord
	keys   [][16]byte
	stored platform.TraceEvent
}

// addLate adds record r (index i, key) to the late group of its span's accepted event re;
// the caller holds mu.
func addLate(late []*lateGroup, by map[string]*lateGroup, re *recentEvent, i int, r *mapping.LogRecord, key [16]byte) []*lateGroup {
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
func (s *State) mapLate(b *mapping.Batch, g *lateGroup) bool {
	r := s.m.MapLateRecords(&g.stored, g.recs, g.keys[0], s.mem)
	if len(r.Events) == 0 {
		return false
	}
	s.logs.emit(r.Events[0].SpanID, g.keys, emitLate)
	addBatch(b, r)
	return true
}

// mapAlone adds to b one record's event on its own, notes what it carries and reports
// whether there was one.
func (s *State) mapAlone(b *mapping.Batch, a aloneRecord) bool {
	r := s.m.MapRecord(a.rec, a.key, s.mem)
	if len(r.Events) == 0 {
		return false
	}
	s.logs.emit(r.Events[0].SpanID, [][16]byte{a.key}, emitAlone)
	addBatch(b, r)
	return true
}

// addBatch appends o's events, traces and tool arguments to b, keeping per trace the newest
// values (a MapLogs call maps several times and may see a trace more than once).
func addBatch(b *mapping.Batch, o mapping.Batch) {
	b.Events = append(b.Events, o.Events...)
	for _, t := range o.Traces {
		if w := inCall(b.Traces, t.TraceID); w == nil {
			b.Traces = append(b.Traces, t)
		} else if t.Version >= w.Version {
			*w = t
		}
	}
	b.ToolArgs = append(b.ToolArgs, o.ToolArgs...)
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

// LogJoinStats are the log join's counts since the State was created.
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
func (s *State) LogStats() LogJoinStats {
	j := s.logs
	return LogJoinStats{Held: j.waiting.Load(), Joined: j.joined.Load(), Late: j.late.Load(),
		Alone: j.alone.Load(), Overflow: j.overflow.Load(), Ignored: j.ignored.Load(), Forgotten: j.forgotten.Load()}
}
