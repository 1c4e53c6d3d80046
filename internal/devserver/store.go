package devserver

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/llmtrace/llmtrace/otelbridge"

	_ "modernc.org/sqlite" // registers the "sqlite" database/sql driver (pure Go, no cgo)
)

// timeLayout stores times as fixed-width UTC text so that text order is time order
// (years 0000–9999, the range encoding/json accepts for time.Time).
const timeLayout = "2006-01-02T15:04:05.000000000Z"

// schema is the one table of the dev platform: one row per (traceId, spanId), the event as
// received (compacted JSON) plus the columns that listing and filtering read.
const schema = `
CREATE TABLE IF NOT EXISTS events (
	trace_id          TEXT    NOT NULL,
	span_id           TEXT    NOT NULL,
	parent_span_id    TEXT    NOT NULL DEFAULT '',
	thread_id         TEXT    NOT NULL,
	session_id        TEXT    NOT NULL DEFAULT '',
	user_id           TEXT    NOT NULL DEFAULT '',
	name              TEXT    NOT NULL,
	type              TEXT    NOT NULL,
	model             TEXT    NOT NULL DEFAULT '',
	start_time        TEXT    NOT NULL,
	end_time          TEXT    NOT NULL DEFAULT '',
	prompt_tokens     INTEGER NOT NULL DEFAULT 0,
	completion_tokens INTEGER NOT NULL DEFAULT 0,
	total_tokens      INTEGER NOT NULL DEFAULT 0,
	cost_usd          REAL    NOT NULL DEFAULT 0,
	status            TEXT    NOT NULL DEFAULT '',
	event_json        TEXT    NOT NULL,
	received_at       TEXT    NOT NULL,
	PRIMARY KEY (trace_id, span_id)
);
CREATE INDEX IF NOT EXISTS events_thread  ON events(thread_id);
CREATE INDEX IF NOT EXISTS events_session ON events(session_id) WHERE session_id <> '';
CREATE INDEX IF NOT EXISTS events_user    ON events(user_id) WHERE user_id <> '';
CREATE INDEX IF NOT EXISTS events_start   ON events(start_time);
`

const upsertSQL = `
INSERT INTO events (trace_id, span_id, parent_span_id, thread_id, session_id, user_id, name, type,
	model, start_time, end_time, prompt_tokens, completion_tokens, total_tokens, cost_usd, status,
	event_json, received_at)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (trace_id, span_id) DO UPDATE SET
	parent_span_id = excluded.parent_span_id, thread_id = excluded.thread_id,
	session_id = excluded.session_id, user_id = excluded.user_id, name = excluded.name,
	type = excluded.type, model = excluded.model, start_time = excluded.start_time,
	end_time = excluded.end_time, prompt_tokens = excluded.prompt_tokens,
	completion_tokens = excluded.completion_tokens, total_tokens = excluded.total_tokens,
	cost_usd = excluded.cost_usd, status = excluded.status, event_json = excluded.event_json,
	received_at = excluded.received_at`

// store is the SQLite event store.
type store struct {
	db *sql.DB
}

// openStore opens (creating if needed) the SQLite database at path. ":memory:" (or "")
// is a private in-memory database on a single connection; a file uses WAL, a 5 s busy
// timeout and IMMEDIATE write transactions so concurrent batches wait instead of failing.
func openStore(path string) (*store, error) {
	var dsn string
	memory := path == "" || path == ":memory:"
	if memory {
		dsn = ":memory:"
	} else {
		if strings.ContainsAny(path, "?#") {
			return nil, fmt.Errorf("devserver: database path %q must not contain '?' or '#'", path)
		}
		dsn = "file:" + path + "?_busy_timeout=5000&_journal_mode=WAL&_synchronous=NORMAL&_txlock=immediate"
	}
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("devserver: opening database %q: %w", path, err)
	}
	if memory {
		// Each connection to ":memory:" is its own empty database: keep exactly one.
		db.SetMaxOpenConns(1)
		db.SetMaxIdleConns(1)
		db.SetConnMaxLifetime(0)
		db.SetConnMaxIdleTime(0)
	} else {
		db.SetMaxOpenConns(4)
	}
	if _, err := db.Exec(schema); err != nil {
		db.Close()
		return nil, fmt.Errorf("devserver: creating schema in %q: %w", path, err)
	}
	return &store{db: db}, nil
}

func (s *store) close() error { return s.db.Close() }

// storedEvent is one valid event of a batch: the decoded event and its compacted JSON.
type storedEvent struct {
	ev  otelbridge.TraceEvent
	raw []byte
}

// upsert writes events in one transaction, replacing any event with the same
// (traceId, spanId).
func (s *store) upsert(ctx context.Context, events []storedEvent) (err error) {
	if len(events) == 0 {
		return nil
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("beginning transaction: %w", err)
	}
	defer func() {
		if err != nil {
			tx.Rollback()
		}
	}()
	stmt, err := tx.PrepareContext(ctx, upsertSQL)
	if err != nil {
		return fmt.Errorf("preparing upsert: %w", err)
	}
	defer stmt.Close()
	now := time.Now().UTC().Format(timeLayout)
	for _, se := range events {
		ev := &se.ev
		var u otelbridge.Usage
		if ev.Usage != nil {
			u = *ev.Usage
		}
		end := ""
		if !ev.EndTime.IsZero() {
			end = ev.EndTime.UTC().Format(timeLayout)
		}
		if _, err = stmt.ExecContext(ctx, ev.TraceID, ev.SpanID, ev.ParentSpanID, ev.ThreadID,
			ev.SessionID, ev.UserID, ev.Name, string(ev.Type), ev.Model,
			ev.StartTime.UTC().Format(timeLayout), end, u.PromptTokens, u.CompletionTokens,
			u.TotalTokens, u.CostUSD, string(ev.Status), string(se.raw), now); err != nil {
			return fmt.Errorf("upserting span %s: %w", ev.SpanID, err)
		}
	}
	if err = tx.Commit(); err != nil {
		return fmt.Errorf("committing batch: %w", err)
	}
	return nil
}

// rawEvents returns the stored JSON of the events of traceID ("" for all traces),
// ordered by trace, then startTime, then spanId.
func (s *store) rawEvents(ctx context.Context, traceID string) ([]json.RawMessage, error) {
	q := `SELECT event_json FROM events`
	var args []any
	if traceID != "" {
		q += ` WHERE trace_id = ?`
		args = append(args, traceID)
	}
	q += ` ORDER BY trace_id, start_time, span_id`
	rows, err := s.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("devserver: reading events: %w", err)
	}
	defer rows.Close()
	var out []json.RawMessage
	for rows.Next() {
		var raw string
		if err := rows.Scan(&raw); err != nil {
			return nil, fmt.Errorf("devserver: reading events: %w", err)
		}
		out = append(out, json.RawMessage(raw))
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("devserver: reading events: %w", err)
	}
	return out, nil
}

// decodeStored decodes stored event JSON into TraceEvents.
func decodeStored(raws []json.RawMessage) ([]otelbridge.TraceEvent, error) {
	out := make([]otelbridge.TraceEvent, 0, len(raws))
	for _, raw := range raws {
		var ev otelbridge.TraceEvent
		dec := json.NewDecoder(bytes.NewReader(raw))
		dec.UseNumber() // metadata numbers keep their exact text
		if err := dec.Decode(&ev); err != nil {
			return nil, fmt.Errorf("devserver: decoding stored event: %w", err)
		}
		out = append(out, ev)
	}
	return out, nil
}

func (s *store) count(ctx context.Context) (int, error) {
	var n int
	if err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM events`).Scan(&n); err != nil {
		return 0, fmt.Errorf("devserver: counting events: %w", err)
	}
	return n, nil
}

// traceFilter selects traces for ListTraces: a trace matches when any of its events has
// the given threadId / sessionId / userId (empty = any). Limit is the number of traces
// (newest first); 0 means defaultListLimit.
type traceFilter struct {
	ThreadID  string
	SessionID string
	UserID    string
	Limit     int
}

// List limits of GET /v1/traces (traces, not events).
const (
	defaultListLimit = 50
	maxListLimit     = 1000
)

// traceSummary is one row of GET /v1/traces: one trace with its root span's name, its
// time span, its span count and the sum of its events' usage.
type traceSummary struct {
	// TraceID is the trace's UUID v7.
	TraceID string `json:"traceId"`
	// Name is the root span's name: the event without parentSpanId, else the earliest.
	Name string `json:"name"`
	// Type is the root span's type.
	Type otelbridge.Type `json:"type"`
	// ThreadID, SessionID and UserID are the root span's (omitted when empty).
	ThreadID  string `json:"threadId,omitempty"`
	SessionID string `json:"sessionId,omitempty"`
	UserID    string `json:"userId,omitempty"`
	// StartTime is the earliest startTime of the trace's events (UTC).
	StartTime time.Time `json:"startTime"`
	// DurationMs is the latest endTime (or startTime) minus StartTime, in milliseconds.
	DurationMs float64 `json:"durationMs"`
	// SpanCount is the number of stored events of the trace.
	SpanCount int `json:"spanCount"`
	// Usage is Σ usage over the trace's events (tokens, USD); zero fields omitted.
	Usage otelbridge.Usage `json:"usage"`
	// Error is true when any event has status "error" or type "error".
	Error bool `json:"error"`
}

// listTraces returns trace summaries matching f, newest (latest start) first.
func (s *store) listTraces(ctx context.Context, f traceFilter) ([]traceSummary, error) {
	limit := f.Limit
	if limit <= 0 {
		limit = defaultListLimit
	}
	var where []string
	var args []any
	for _, c := range []struct{ col, v string }{
		{"thread_id", f.ThreadID}, {"session_id", f.SessionID}, {"user_id", f.UserID},
	} {
		if c.v != "" {
			where = append(where, `e.trace_id IN (SELECT trace_id FROM events WHERE `+c.col+` = ?)`)
			args = append(args, c.v)
		}
	}
	q := `
WITH agg AS (
	SELECT e.trace_id, COUNT(*) AS n, MIN(e.start_time) AS st,
		MAX(CASE WHEN e.end_time <> '' THEN e.end_time ELSE e.start_time END) AS et,
		TOTAL(e.prompt_tokens) AS pt, TOTAL(e.completion_tokens) AS ct, TOTAL(e.total_tokens) AS tt,
		TOTAL(e.cost_usd) AS cost, MAX(e.status = 'error' OR e.type = 'error') AS err
	FROM events e`
	if len(where) > 0 {
		q += ` WHERE ` + strings.Join(where, ` AND `)
	}
	q += `
	GROUP BY e.trace_id ORDER BY st DESC, e.trace_id DESC LIMIT ?),
root AS (
	SELECT trace_id, name, type, thread_id, session_id, user_id,
		ROW_NUMBER() OVER (PARTITION BY trace_id ORDER BY parent_span_id <> '', start_time, span_id) AS rn
	FROM events WHERE trace_id IN (SELECT trace_id FROM agg))
SELECT agg.trace_id, agg.n, agg.st, agg.et, agg.pt, agg.ct, agg.tt, agg.cost, agg.err,
	root.name, root.type, root.thread_id, root.session_id, root.user_id
FROM agg JOIN root ON root.trace_id = agg.trace_id AND root.rn = 1
ORDER BY agg.st DESC, agg.trace_id DESC`
	args = append(args, limit)
	rows, err := s.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("devserver: listing traces: %w", err)
	}
	defer rows.Close()
	out := []traceSummary{}
	for rows.Next() {
		var t traceSummary
		var start, end string
		var pt, ct, tt float64
		var isErr int
		if err := rows.Scan(&t.TraceID, &t.SpanCount, &start, &end, &pt, &ct, &tt, &t.Usage.CostUSD,
			&isErr, &t.Name, &t.Type, &t.ThreadID, &t.SessionID, &t.UserID); err != nil {
			return nil, fmt.Errorf("devserver: listing traces: %w", err)
		}
		st, err1 := time.Parse(timeLayout, start)
		et, err2 := time.Parse(timeLayout, end)
		if err := errors.Join(err1, err2); err != nil {
			return nil, fmt.Errorf("devserver: listing traces: stored time: %w", err)
		}
		t.StartTime = st
		t.DurationMs = float64(et.Sub(st)) / float64(time.Millisecond)
		t.Usage.PromptTokens, t.Usage.CompletionTokens, t.Usage.TotalTokens = clampTokens(pt), clampTokens(ct), clampTokens(tt)
		t.Error = isErr != 0
		out = append(out, t)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("devserver: listing traces: %w", err)
	}
	return out, nil
}

// clampTokens converts a TOTAL() of token counts (a float, so that sums never overflow)
// back to an int64 count.
func clampTokens(f float64) int64 {
	if f >= math.MaxInt64 {
		return math.MaxInt64
	}
	return int64(f)
}
