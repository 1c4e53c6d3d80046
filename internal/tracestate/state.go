package tracestate

import (
	"github.com/llmtrace/llmtrace/internal/mapping"
	"github.com/llmtrace/llmtrace/platform"
)

// State maps spans and log records with a Mapper and sends again, with the next call's
// events, the accepted events a later call changed (resend.go).
type State struct {
	m    *mapping.Mapper
	mem  *Memory // what each call resolves its traces against (memory.go)
	sent *resendStore
}

// New returns a State on a new Mapper with opts.
func New(opts mapping.MapOptions) *State {
	return &State{m: mapping.NewMapper(opts), mem: NewMemory(), sent: newResendStore(DefaultResendMemoryBytes)}
}

// Map maps spans (mapping.Mapper.MapBatch, against the State's Memory of earlier calls)
// and appends the accepted events of their traces that must be sent again: with the
// trace-wide values or tool arguments this call found.
func (s *State) Map(spans []mapping.SpanView) []platform.TraceEvent {
	b := s.m.MapBatch(spans, s.mem)
	return s.sent.resolved(&b)
}

// MapLogs maps log records (mapping.Mapper.MapLogs) and appends, as Map does, the accepted
// events their mapping changed; those carry no records (EventRecords nil).
func (s *State) MapLogs(recs []mapping.LogRecord) mapping.LogsResult {
	r := s.m.MapLogs(recs, s.mem)
	r.Events = s.sent.resolved(&r.Batch)
	for len(r.EventRecords) < len(r.Events) {
		r.EventRecords = append(r.EventRecords, nil)
	}
	return r
}

// ExpiredLogs returns the held log records that waited their hold without their span
// (mapping.Mapper.ExpiredLogs), plus the accepted events their mapping changed.
func (s *State) ExpiredLogs() []platform.TraceEvent {
	b := s.m.ExpiredLogs(s.mem)
	return s.sent.resolved(&b)
}

// FlushLogs returns every held log record as an event (mapping.Mapper.FlushLogs), plus the
// accepted events their mapping changed.
func (s *State) FlushLogs() []platform.TraceEvent {
	b := s.m.FlushLogs(s.mem)
	return s.sent.resolved(&b)
}

// ExpectLogs is mapping.Mapper.ExpectLogs: log records will come.
func (s *State) ExpectLogs() { s.m.ExpectLogs() }

// LogStats is mapping.Mapper.LogStats.
func (s *State) LogStats() mapping.LogJoinStats { return s.m.LogStats() }

// Delivered tells the State what the platform did with events (res is Client.Send's
// result for exactly these events): accepted ones are kept for re-sending, and the
// Mapper's log join learns which records are done. An event counts as accepted unless
// res lists it as rejected or undelivered (res.Unaccounted events cannot be told apart
// from accepted ones). Shippers call it after every Send.
func (s *State) Delivered(events []platform.TraceEvent, res platform.SendResult) {
	accepted := res.AcceptedEvents(len(events))
	s.sent.delivered(events, accepted)
	s.m.Delivered(events, accepted)
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
