package tracestate

import (
	"sync"
	"sync/atomic"
	"time"
	"unsafe"

	"github.com/llmtrace/llmtrace/internal/mapping"
	"github.com/llmtrace/llmtrace/platform"
)

// Late trace-wide values are filled in by re-sending, never by holding spans.
//
// A trace's spans may reach the Mapper in several Map calls (a collector releases spans as
// they arrive; the root of an agent run often ends seconds after its children). The
// platform upserts by (traceId, spanId) (docs/platform-api.md "Guarantees"), so when a
// later span reveals the trace's thread, user, session or tags (mapping.Batch.Traces), or
// the arguments of a tool event mapped without them (mapping.Batch.ToolArgs), the events of
// that trace the platform already accepted are sent again with the values filled in. The
// State keeps what the shipper reports as accepted (Delivered) until RootGrace after the
// trace's root span was accepted (the trace is then taken as complete and its events let
// go: frameworks that end the root before its children, such as Google's ADK, reveal the
// conversation on a child that ends milliseconds after the root), bounded in bytes (LRU by
// trace), and appends the re-sent events after the batch's own. Nothing waits for a trace to
// complete, so nothing acknowledged is held in front of a persistent queue.
//
// Limits: the memory of accepted events is per process: after a restart, events accepted
// before it are not re-sent when a late span arrives (they keep the values they had); and
// a value first revealed by a span that ends more than RootGrace after its trace's root
// reaches only that span and the ones after it.

// DefaultResendMemoryBytes bounds the accepted events a State keeps for re-sending,
// bytes (approximate: content plus a fixed overhead per event).
const DefaultResendMemoryBytes = 32 << 20

// RootGrace is how long the events of a trace stay open to a re-send after the trace's
// root span was accepted.
const RootGrace = 30 * time.Second

// sentTrace is one trace's accepted events (by spanId) and its latest trace-wide values.
//
// Where the events live: delivered copies the accepted events of one trace in one call
// into one slab (a slice of exactly their number) and events points into it; an event
// accepted again (the same spanId: a retry, a re-send) or given its tool arguments is
// overwritten in its slot, so every slot of a slab stays one of events until the trace is
// let go (drop). A slab therefore lives exactly as long as its trace's entry: no slot is
// ever dead while another keeps the slab, and a slab never holds another trace's events.
// What the slabs cost is charged with the events: mapping.KeptBytes's fixed part per event
// is at least the size of a slot (eventSlotBytes, the event and a copy of its Usage;
// TestResendSlotFitsKeptBytes), a slot left unused (the same spanId twice in one call) is
// charged eventSlotBytes, and the whole is let go with the trace; so
// DefaultResendMemoryBytes bounds the slabs as it bounded the one-event copies before them.
// What the events point to is the mapping's and is charged by KeptBytes: the ID strings,
// one string per trace and Map call (internal/mapping/ids.go, idStrings), Input / Output
// and raw metadata values, in the content slabs of their trace and Map call
// (internal/mapping/mapper.go, spanCtx.slab), and the metadata entries, in the entry slabs
// of their trace and call (map_metadata.go, entryRoom). Those slabs are one trace's: as the
// store keeps a trace's accepted events together and lets them go together, what it keeps
// holds no other trace's content, and no more of its own than the bound in mapper.go
// (room) allows beyond what its events are charged. The Map call's array of Usage values,
// shared by its traces (spanCtx.usages), is not held: the slot keeps its own copy.
type sentTrace struct {
	key    string // traceId
	latest mapping.TraceValues
	known  bool // latest was set by a Map call
	// rootAt: when the trace's root span was accepted with the latest values (zero: not
	// yet); RootGrace later the trace is taken as complete and its events let go.
	rootAt time.Time
	events map[string]*platform.TraceEvent // &eventSlot.ev of the trace's slabs
	bytes  int
	// prev, next: its neighbours in the store's LRU (traceLRU), nil at the ends.
	prev, next *sentTrace

	// During one delivered call: how many of its accepted events are of this trace, and
	// the slab they are copied into (both reset before the call returns).
	n    int
	slab []eventSlot
}

// eventSlot is one kept event and its own copy of its Usage (the Map call's usages array
// is shared by all its traces: internal/mapping/mapper.go, spanCtx.usages).
type eventSlot struct {
	ev    platform.TraceEvent // first: slotOf converts &ev back to its slot
	usage platform.Usage
}

// eventSlotBytes is what one slot of a slab costs without its content, bytes.
const eventSlotBytes = int(unsafe.Sizeof(eventSlot{}))

// slotOf returns the slot of a kept event (an event of sentTrace.events).
func slotOf(ev *platform.TraceEvent) *eventSlot { return (*eventSlot)(unsafe.Pointer(ev)) }

// own points a kept event's Usage at its slot's copy (after the event was written into the
// slot), so that the slot holds nothing of the Map call but what KeptBytes charges.
func own(ev *platform.TraceEvent) {
	if s := slotOf(ev); ev.Usage != nil && ev.Usage != &s.usage {
		s.usage = *ev.Usage
		ev.Usage = &s.usage
	}
}

// spanKey names one event of the store: its traceId and spanId.
type spanKey struct{ trace, span string }

// traceLRU orders a store's traces, front the most recently touched: a list through the
// traces themselves (sentTrace.prev, next), so a new trace costs no list element.
type traceLRU struct {
	front, back *sentTrace
	n           int
}

// Len returns the number of traces.
func (l *traceLRU) Len() int { return l.n }

func (l *traceLRU) pushFront(t *sentTrace) {
	t.prev, t.next = nil, l.front
	if l.front != nil {
		l.front.prev = t
	} else {
		l.back = t
	}
	l.front = t
	l.n++
}

func (l *traceLRU) remove(t *sentTrace) {
	if t.prev != nil {
		t.prev.next = t.next
	} else {
		l.front = t.next
	}
	if t.next != nil {
		t.next.prev = t.prev
	} else {
		l.back = t.prev
	}
	t.prev, t.next = nil, nil
	l.n--
}

func (l *traceLRU) moveToFront(t *sentTrace) {
	if l.front != t {
		l.remove(t)
		l.pushFront(t)
	}
}

// resendStore is the State's bounded memory of accepted events; safe for concurrent use.
type resendStore struct {
	mu     sync.Mutex
	traces map[string]*sentTrace
	lru    traceLRU
	bytes  int
	max    int
	// pending: accepted events whose values were stale when accepted, or whose re-send
	// was not accepted; the next Map call re-emits them.
	pending map[spanKey]*platform.TraceEvent
	// byEvent: scratch of delivered, the trace of each accepted event of the call.
	byEvent []*sentTrace

	now func() time.Time // time.Now; tests set a clock

	resent, forgotten atomic.Int64
}

func newResendStore(max int) *resendStore {
	return &resendStore{traces: map[string]*sentTrace{}, pending: map[spanKey]*platform.TraceEvent{}, max: max, now: time.Now}
}

// touch returns the trace's entry, creating it; the caller holds mu.
func (s *resendStore) touch(traceID string) *sentTrace {
	t := s.traces[traceID]
	if t == nil {
		t = &sentTrace{key: traceID, bytes: traceEntryBytes} // events: made by delivered, sized
		s.lru.pushFront(t)
		s.traces[traceID] = t
		s.bytes += traceEntryBytes
	} else {
		s.lru.moveToFront(t)
	}
	return t
}

// evict lets go of the least recently used traces that are complete (root accepted more
// than RootGrace ago), then of the least recently used traces until the store fits max
// bytes and at most MaxTraces traces (as many as the trace memory: beyond, late values are not resolved anyway), counting what those
// still held as forgotten; the caller holds mu.
func (s *resendStore) evict() {
	var now time.Time // read only when a complete trace is at the back (time.Now costs)
	for t := s.lru.back; t != nil; t = s.lru.back {
		if t.rootAt.IsZero() {
			break
		}
		if now.IsZero() {
			now = s.now()
		}
		if now.Sub(t.rootAt) < RootGrace {
			break
		}
		s.drop(t)
	}
	for (s.bytes > s.max || s.lru.Len() > MaxTraces) && s.lru.Len() > 0 {
		t := s.lru.back
		s.forgotten.Add(int64(len(t.events)))
		s.drop(t)
	}
}

// drop removes t and its events; the caller holds mu.
func (s *resendStore) drop(t *sentTrace) {
	s.lru.remove(t)
	delete(s.traces, t.key)
	s.bytes -= t.bytes
	for _, ev := range t.events {
		delete(s.pending, spanKey{ev.TraceID, ev.SpanID})
	}
}

// resolved records the latest trace-wide values of the traces of one Map call (b.Traces),
// gives the accepted events b.ToolArgs names their arguments, and appends to b.Events a
// patched copy of every accepted event that changed, plus the pending ones.
func (s *resendStore) resolved(b *mapping.Batch) []platform.TraceEvent {
	out := b.Events
	s.mu.Lock()
	defer s.mu.Unlock()
	for i := range b.ToolArgs {
		a := &b.ToolArgs[i]
		t := s.traces[a.TraceID]
		if t == nil || t.events[a.SpanID] == nil {
			continue // not accepted (yet), or let go with its trace
		}
		old := t.events[a.SpanID]
		cp := a.Apply(old)
		n := mapping.KeptBytes(&cp) - mapping.KeptBytes(old)
		*old, t.bytes, s.bytes = cp, t.bytes+n, s.bytes+n // in its slot (sentTrace); pending sees it too
		own(old)
		if w := inCall(b.Traces, a.TraceID); w != nil && !w.Matches(old) {
			continue // re-sent below with the new trace-wide values
		}
		out = append(out, *old)
		s.resent.Add(1)
	}
	for i := range b.Traces {
		w := &b.Traces[i]
		t := s.touch(w.TraceID)
		if t.known && t.latest.Version > w.Version {
			continue // a concurrent Map call already recorded newer values
		}
		t.latest, t.known = *w, true
		for _, ev := range t.events {
			if !w.Matches(ev) {
				out = append(out, w.Apply(ev))
				s.resent.Add(1)
			}
		}
	}
	for k, ev := range s.pending {
		if t := s.traces[ev.TraceID]; t != nil && t.known && !t.latest.Matches(ev) && inCall(b.Traces, ev.TraceID) == nil {
			out = append(out, t.latest.Apply(ev))
			s.resent.Add(1)
		}
		delete(s.pending, k)
	}
	s.evict()
	return out
}

// inCall returns the values a Map call reports for traceID, nil when the call has none of
// its spans (its stale events are then re-emitted by the trace's own pass).
func inCall(traces []mapping.TraceValues, traceID string) *mapping.TraceValues {
	for i := range traces {
		if traces[i].TraceID == traceID {
			return &traces[i]
		}
	}
	return nil
}

// traceEntryBytes is what one trace's entry costs without events, bytes (approximate): the
// sentTrace (224 bytes), its events map and its place in the store's traces map. A trace
// of one event without content holds about 940 bytes of heap, this plus KeptBytes's 512
// (TestKeptBytesChargesWhatIsHeld measures the whole).
const traceEntryBytes = 512

// delivered keeps copies of the events of res that the platform accepted; one accepted
// with values older than its trace's latest is queued for the next Map call. The copies of
// one trace are one slab (sentTrace); an event the store already holds is overwritten in
// its slot.
func (s *resendStore) delivered(events []platform.TraceEvent, accepted []bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	// The trace of every accepted event, touched in event order (the LRU order is the
	// events'), and how many new slots each needs (an event it holds keeps its slot).
	byEvent := s.byEvent[:0]
	for i := range events {
		if accepted[i] {
			t := s.touch(events[i].TraceID)
			if t.events[events[i].SpanID] == nil {
				t.n++
			}
			byEvent = append(byEvent, t)
		}
	}
	j := 0
	for i := range events {
		if !accepted[i] {
			// Not accepted now; if an earlier version was, re-send it with the next Map.
			if t := s.traces[events[i].TraceID]; t != nil {
				if old := t.events[events[i].SpanID]; old != nil && t.known && !t.latest.Matches(old) {
					s.pending[spanKey{old.TraceID, old.SpanID}] = old
				}
			}
			continue
		}
		t := byEvent[j]
		j++
		src := &events[i] // copied below: the caller's slice may be reused
		stale := t.known && !t.latest.Matches(src)
		if t.rootAt.IsZero() && !stale && src.ParentSpanID == "" && src.Type != platform.TypeError {
			t.rootAt = s.now() // the root is in with the latest values: complete RootGrace from now
		}
		ev := t.events[src.SpanID]
		if ev != nil { // accepted before: its slot takes the new version
			n := mapping.KeptBytes(ev)
			t.bytes -= n
			s.bytes -= n
			*ev = *src
		} else {
			if t.slab == nil {
				t.slab = make([]eventSlot, 0, t.n)
				if t.events == nil {
					t.events = make(map[string]*platform.TraceEvent, t.n)
				}
			}
			t.slab = append(t.slab, eventSlot{ev: *src}) // within its capacity: the slots never move
			ev = &t.slab[len(t.slab)-1].ev
			t.events[ev.SpanID] = ev
		}
		own(ev)
		n := mapping.KeptBytes(ev)
		t.bytes += n
		s.bytes += n
		if stale {
			s.pending[spanKey{ev.TraceID, ev.SpanID}] = ev
		} else {
			delete(s.pending, spanKey{ev.TraceID, ev.SpanID})
		}
	}
	for _, t := range byEvent {
		if t.n > 0 {
			if unused := cap(t.slab) - len(t.slab); unused > 0 { // a spanId twice in the call
				t.bytes += unused * eventSlotBytes
				s.bytes += unused * eventSlotBytes
			}
			t.n, t.slab = 0, nil
		}
	}
	clear(byEvent) // the scratch keeps no trace alive
	s.byEvent = byEvent[:0]
	s.evict()
}
