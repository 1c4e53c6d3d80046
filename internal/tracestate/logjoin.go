package tracestate

import (
	"bytes"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/llmtrace/llmtrace/internal/mapping"
	"github.com/llmtrace/llmtrace/platform"
)

// The join state of log records and spans (issue 18): three bounded memories behind one
// mutex. What a record becomes is the mapping's (internal/mapping/map_logs.go,
// mapper_logs.go); which records wait, which are done and which events are remembered
// for late ones is kept here.
//
//   - held: records waiting for their span, by trace + span ID (bounded in bytes,
//     LogHoldBytes; a record past LogHold is shipped on its own by ExpiredLogs, or by
//     MapLogs when the same record is passed again — the collector's retry).
//   - recent: copies of accepted span events, by platform spanId, for LogRecentWindow, so
//     that a record arriving after its span's event was accepted re-sends that event with
//     the content (the platform upserts by traceId + spanId).
//   - done: keys of records an accepted event carries, for doneTTL, so that a record passed
//     again (a retried log request) is acknowledged.
//
// The fast paths read two atomics: Map joins only when records are held, Delivered
// remembers only once logs were seen.

// Defaults of the log join.
const (
	// DefaultLogHold is how long a record waits for its span before it is shipped on its
	// own.
	DefaultLogHold = 30 * time.Second
	// DefaultLogHoldBytes bounds the records waiting for their spans, bytes (approximate);
	// a record that does not fit is shipped on its own at once.
	DefaultLogHoldBytes = 16 << 20
	// LogRecentWindow is how long an accepted event is remembered for records that arrive
	// after it.
	LogRecentWindow = 60 * time.Second
	// logRecentBytes bounds that memory, bytes (approximate).
	logRecentBytes = 16 << 20
	// doneTTL is how long the key of a record an accepted event carries is remembered.
	doneTTL = 10 * time.Minute
	// maxDone bounds that memory, keys.
	maxDone = 1 << 18
	// forgetAfter drops a held record nobody passed again or expired (the collector's log
	// request was given up upstream); counted in LogRecordsForgotten.
	forgetAfter = 10 * time.Minute
)

type spanKey24 [24]byte

func spanKeyOf(trace [16]byte, span [8]byte) (k spanKey24) {
	copy(k[:16], trace[:])
	copy(k[16:], span[:])
	return k
}

// heldRecord is one record waiting for its span.
type heldRecord struct {
	rec   mapping.LogRecord // owned (CloneLogRecord)
	key   [16]byte
	span  spanKey24
	seen  time.Time
	bytes int
	// joined: a Map call put the record into its span's event, not yet reported accepted.
	joined bool
	// mapped: when a Map call last put the record into its span's event. The hold counts
	// from the later of seen and mapped (waitingSince): while the span's batch is being
	// retried (a platform outage), the record keeps waiting for that event instead of being
	// shipped on its own after log_hold.
	mapped time.Time
}

// waitingSince is when the record's hold started: its arrival, or the last time its span
// was mapped with it.
func (h *heldRecord) waitingSince() time.Time {
	if h.mapped.After(h.seen) {
		return h.mapped
	}
	return h.seen
}

// emitted is what an event Map / MapLogs emitted carries, until Delivered reports it.
type emitted struct {
	keys [][16]byte
	how  emitKind
}

// emitKind tells how an event carries records.
type emitKind uint8

const (
	emitJoined emitKind = iota // the span's own event, records joined (Map)
	emitLate                   // the span's accepted event sent again with late records
	emitAlone                  // records on their own (not the span's event)
)

// recentEvent is one remembered event. Its Usage is a copy of its own (usage): the Map
// call's usages array is shared by all its traces (internal/mapping/mapper.go,
// spanCtx.usages); what ev points to besides is its own trace's (the content and entry
// slabs of its trace and call), charged by mapping.KeptBytes.
type recentEvent struct {
	ev    platform.TraceEvent
	usage platform.Usage
	at    time.Time
	bytes int
}

type timedKey struct {
	at  time.Time
	key string
}

type doneKey struct {
	at  time.Time
	key [16]byte
}

type logJoin struct {
	hold     time.Duration
	maxBytes int

	active  atomic.Bool  // MapLogs was called: Delivered remembers accepted events
	waiting atomic.Int64 // records held (Map's fast path)

	mu        sync.Mutex
	held      map[[16]byte]*heldRecord
	bySpan    map[spanKey24][]*heldRecord
	heldBytes int
	lastSweep time.Time
	pending   map[string]emitted // platform spanId → the records its event carries
	recent    map[string]*recentEvent
	recentQ   []timedKey
	recentB   int
	done      map[[16]byte]time.Time
	doneQ     []doneKey
	// expired: records shipped on their own whose event was not accepted; passed again,
	// they are shipped on their own at once.
	expired map[[16]byte]time.Time

	joined, late, alone, ignored, overflow, forgotten atomic.Int64
}

func newLogJoin(hold time.Duration, maxBytes int) *logJoin {
	if hold <= 0 {
		hold = DefaultLogHold
	}
	if maxBytes <= 0 {
		maxBytes = DefaultLogHoldBytes
	}
	return &logJoin{hold: hold, maxBytes: maxBytes, held: map[[16]byte]*heldRecord{},
		bySpan: map[spanKey24][]*heldRecord{}, pending: map[string]emitted{},
		recent: map[string]*recentEvent{}, done: map[[16]byte]time.Time{}, expired: map[[16]byte]time.Time{}}
}

// join returns sv with the records held for it (sv itself when there are none) and notes
// which records its event carries.
func (j *logJoin) join(sv mapping.SpanView) mapping.SpanView {
	k := spanKeyOf(sv.TraceID(), sv.SpanID())
	j.mu.Lock()
	hs := j.bySpan[k]
	if len(hs) == 0 {
		j.mu.Unlock()
		return sv
	}
	recs := make([]*mapping.LogRecord, len(hs))
	keys := make([][16]byte, len(hs))
	now := time.Now()
	for i, h := range hs {
		h.joined, h.mapped = true, now
		recs[i] = &h.rec
		keys[i] = h.key
	}
	j.pending[mapping.SpanUUID(sv.TraceID(), sv.SpanID())] = emitted{keys: keys}
	j.mu.Unlock()
	return mapping.JoinRecords(sv, recs)
}

// remove drops h from the held memory; the caller holds mu.
func (j *logJoin) remove(h *heldRecord) {
	if _, ok := j.held[h.key]; !ok {
		return
	}
	delete(j.held, h.key)
	hs := j.bySpan[h.span]
	for i, x := range hs {
		if x == h {
			hs = append(hs[:i], hs[i+1:]...)
			break
		}
	}
	if len(hs) == 0 {
		delete(j.bySpan, h.span)
	} else {
		j.bySpan[h.span] = hs
	}
	j.heldBytes -= h.bytes
	j.waiting.Add(-1)
}

// markDone records that an accepted event carries key; the caller holds mu.
func (j *logJoin) markDone(key [16]byte, now time.Time) {
	if h := j.held[key]; h != nil {
		j.remove(h)
	}
	delete(j.expired, key)
	if _, ok := j.done[key]; !ok {
		j.doneQ = append(j.doneQ, doneKey{now, key})
	}
	j.done[key] = now
	for len(j.doneQ) > 0 && (len(j.doneQ) > maxDone || now.Sub(j.doneQ[0].at) > doneTTL) {
		d := j.doneQ[0]
		j.doneQ = j.doneQ[1:]
		if at, ok := j.done[d.key]; ok && !at.After(d.at) {
			delete(j.done, d.key)
		}
	}
}

// remember keeps a copy of an accepted span event for late records; the caller holds mu.
func (j *logJoin) remember(ev *platform.TraceEvent, now time.Time) {
	n := mapping.KeptBytes(ev)
	if old := j.recent[ev.SpanID]; old != nil {
		j.recentB -= old.bytes
	}
	r := &recentEvent{ev: *ev, at: now, bytes: n}
	if ev.Usage != nil {
		r.usage = *ev.Usage
		r.ev.Usage = &r.usage
	}
	j.recent[ev.SpanID] = r
	j.recentB += n
	j.recentQ = append(j.recentQ, timedKey{now, ev.SpanID})
	for len(j.recentQ) > 0 && (j.recentB > logRecentBytes || now.Sub(j.recentQ[0].at) > LogRecentWindow) {
		q := j.recentQ[0]
		j.recentQ = j.recentQ[1:]
		if r := j.recent[q.key]; r != nil && !r.at.After(q.at) {
			delete(j.recent, q.key)
			j.recentB -= r.bytes
		}
	}
	if len(j.recentQ) == 0 {
		j.recentQ = nil // let the array go
	}
}

// delivered is State.Delivered's part: records whose events were accepted are done (and
// counted), those whose events were not are free to expire again; accepted span events
// are remembered for late records.
func (j *logJoin) delivered(events []platform.TraceEvent, accepted []bool) {
	if !j.active.Load() && j.waiting.Load() == 0 {
		return
	}
	now := time.Now()
	j.mu.Lock()
	defer j.mu.Unlock()
	for i := range events {
		ev := &events[i]
		e, carries := j.pending[ev.SpanID]
		if carries {
			delete(j.pending, ev.SpanID)
		}
		if !accepted[i] {
			for _, k := range e.keys {
				if h := j.held[k]; h != nil {
					h.joined = false
				}
				if carries && e.how == emitAlone {
					j.expired[k] = now
				}
			}
			continue
		}
		for _, k := range e.keys {
			j.markDone(k, now)
		}
		if carries {
			[...]*atomic.Int64{emitJoined: &j.joined, emitLate: &j.late, emitAlone: &j.alone}[e.how].Add(int64(len(e.keys)))
		}
		if j.active.Load() && !(carries && e.how == emitAlone) && ev.Type != platform.TypeError {
			j.remember(ev, now)
		}
	}
}

// LogFate is what MapLogs made of one record.
type LogFate uint8

const (
	// LogIgnored: not a gen_ai event (an application log), or without trace and span IDs.
	LogIgnored LogFate = iota
	// LogDone: an event the platform accepted already carries the record.
	LogDone
	// LogHeld: the record waits for its span (or for the answer on the span's event that
	// carries it); pass it again later — or call ExpiredLogs — to learn its fate.
	LogHeld
	// LogMapped: the record is in an event of the result (its span's accepted event sent
	// again with the content, or the record on its own); it is done once that event is
	// reported accepted (Delivered).
	LogMapped
)

// LogsResult is what MapLogs returns.
type LogsResult struct {
	// Events are the events to send: accepted span events sent again with the content of
	// records that came after them, records shipped on their own, then the accepted events
	// their mapping changed (resend.go; they carry no records).
	Events []platform.TraceEvent
	// Fates[i] is the fate of the i-th record passed.
	Fates []LogFate
	// EventRecords[k] are the indexes of the records Events[k] carries.
	EventRecords [][]int
}

// sortAlone orders records by trace, span and time.
func sortAlone(a []aloneRecord) {
	slices.SortFunc(a, func(x, y aloneRecord) int {
		if c := bytes.Compare(x.rec.TraceID[:], y.rec.TraceID[:]); c != 0 {
			return c
		}
		if c := bytes.Compare(x.rec.SpanID[:], y.rec.SpanID[:]); c != 0 {
			return c
		}
		if c := x.rec.Time.Compare(y.rec.Time); c != 0 {
			return c
		}
		return bytes.Compare(x.key[:], y.key[:])
	})
}
