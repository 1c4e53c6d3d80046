package tracestate

import (
	"time"

	"github.com/llmtrace/llmtrace/internal/mapping"
	"github.com/llmtrace/llmtrace/platform"
)

// Options configure a State.
type Options struct {
	// Map configures the mapping (mapping.MapOptions).
	Map mapping.MapOptions
	// LogHold is how long a gen_ai log record waits for its span (MapLogs) before it is
	// shipped on its own; 0 means DefaultLogHold (30 s).
	LogHold time.Duration
	// LogHoldBytes bounds the records waiting for their spans, bytes; 0 means
	// DefaultLogHoldBytes (16 MiB).
	LogHoldBytes int
}

// State maps spans and log records with a Mapper against its memory of recent traces,
// joins log records to their spans (logjoin.go, logs.go) and sends again, with the next
// call's events, the accepted events a later call changed (resend.go).
type State struct {
	m    *mapping.Mapper
	mem  *memory // what each call resolves its traces against (memory.go)
	sent *resendStore
	logs *logJoin
}

// New returns a State on a new Mapper with opts.Map.
func New(opts Options) *State {
	return &State{m: mapping.NewMapper(opts.Map), mem: newMemory(), sent: newResendStore(DefaultResendMemoryBytes),
		logs: newLogJoin(opts.LogHold, opts.LogHoldBytes)}
}

// Map maps spans (mapping.Mapper.MapBatch, against the State's memory of earlier calls),
// each with the log records held for it joined, and appends the accepted events of their
// traces that must be sent again: with the trace-wide values or tool arguments this call
// found.
func (s *State) Map(spans []mapping.SpanView) []platform.TraceEvent {
	if s.logs.waiting.Load() > 0 {
		joined := make([]mapping.SpanView, len(spans))
		for i, sv := range spans {
			if sv != nil {
				sv = s.logs.join(sv) // records that name the span (logjoin.go)
			}
			joined[i] = sv
		}
		spans = joined
	}
	b := s.m.MapBatch(spans, s.mem)
	return s.sent.resolved(&b)
}

// Delivered tells the State what the platform did with events (res is Client.Send's
// result for exactly these events, from Map, MapLogs, ExpiredLogs or FlushLogs): accepted
// ones are kept for re-sending, the log records an accepted event carries are done, those
// of an event not accepted may be shipped again. An event counts as accepted unless res
// lists it as rejected or undelivered (res.Unaccounted events cannot be told apart from
// accepted ones). Shippers call it after every Send.
func (s *State) Delivered(events []platform.TraceEvent, res platform.SendResult) {
	accepted := res.AcceptedEvents(len(events))
	s.sent.delivered(events, accepted)
	s.logs.delivered(events, accepted)
}

// Stats are a State's re-send counts since it was created.
type Stats struct {
	// EventsResent counts accepted events sent again because a later call changed their
	// trace's thread, user, session or tags, or found a tool event's arguments.
	EventsResent int64
	// EventsForgotten counts accepted events dropped from the re-send memory (its bounds):
	// a late trace-wide value no longer reaches them.
	EventsForgotten int64
}

// Stats returns the re-send counts.
func (s *State) Stats() Stats {
	return Stats{EventsResent: s.sent.resent.Load(), EventsForgotten: s.sent.forgotten.Load()}
}

// Unpriced is mapping.Mapper.Unpriced: llm events without a price, by model.
func (s *State) Unpriced() map[string]int64 { return s.m.Unpriced() }
