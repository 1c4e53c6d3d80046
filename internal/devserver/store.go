package devserver

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/llmtrace/llmtrace/platform"
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
	cached_tokens     INTEGER NOT NULL DEFAULT 0,
	reasoning_tokens  INTEGER NOT NULL DEFAULT 0,
	conversation_id   TEXT    NOT NULL DEFAULT '',
	PRIMARY KEY (trace_id, span_id)
);
CREATE INDEX IF NOT EXISTS events_thread  ON events(thread_id);
CREATE INDEX IF NOT EXISTS events_session ON events(session_id) WHERE session_id <> '';
CREATE INDEX IF NOT EXISTS events_user    ON events(user_id) WHERE user_id <> '';
CREATE INDEX IF NOT EXISTS events_start   ON events(start_time);
`

// laterColumns are the columns added after the first schema, with the backfill of rows a
// database file already holds: read from the stored JSON where SQLite's JSON functions can
// (json_valid refuses JSON nested past their 1000 levels; such rows keep the default).
// Every query reads these columns and never parses event_json, so one deeply nested event
// (valid for the contract, stored) cannot make a list fail.
var laterColumns = []struct{ name, def, backfill string }{
	{"cached_tokens", `INTEGER NOT NULL DEFAULT 0`, `COALESCE(json_extract(event_json, '$.usage.cached_tokens'), 0)`},
	{"reasoning_tokens", `INTEGER NOT NULL DEFAULT 0`, `COALESCE(json_extract(event_json, '$.usage.reasoning_tokens'), 0)`},
	{"conversation_id", `TEXT NOT NULL DEFAULT ''`, `COALESCE(CAST(json_extract(event_json, '$.metadata.conversation_id') AS TEXT), '')`},
}

const indexesOfLaterColumns = `
CREATE INDEX IF NOT EXISTS events_conversation ON events(conversation_id) WHERE conversation_id <> '';
`

const upsertSQL = `
INSERT INTO events (trace_id, span_id, parent_span_id, thread_id, session_id, user_id, name, type,
	model, start_time, end_time, prompt_tokens, completion_tokens, total_tokens, cost_usd, status,
	event_json, received_at, cached_tokens, reasoning_tokens, conversation_id)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (trace_id, span_id) DO UPDATE SET
	parent_span_id = excluded.parent_span_id, thread_id = excluded.thread_id,
	session_id = excluded.session_id, user_id = excluded.user_id, name = excluded.name,
	type = excluded.type, model = excluded.model, start_time = excluded.start_time,
	end_time = excluded.end_time, prompt_tokens = excluded.prompt_tokens,
	completion_tokens = excluded.completion_tokens, total_tokens = excluded.total_tokens,
	cost_usd = excluded.cost_usd, status = excluded.status, event_json = excluded.event_json,
	received_at = excluded.received_at, cached_tokens = excluded.cached_tokens,
	reasoning_tokens = excluded.reasoning_tokens, conversation_id = excluded.conversation_id`

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
	if err := addLaterColumns(db); err != nil {
		db.Close()
		return nil, fmt.Errorf("devserver: upgrading schema in %q: %w", path, err)
	}
	return &store{db: db}, nil
}

// addLaterColumns adds the laterColumns a database file made by an earlier version lacks,
// filling them from the stored events, and their indexes.
func addLaterColumns(db *sql.DB) error {
	rows, err := db.Query(`SELECT name FROM pragma_table_info('events')`)
	if err != nil {
		return err
	}
	have := map[string]bool{}
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			rows.Close()
			return err
		}
		have[n] = true
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, c := range laterColumns {
		if have[c.name] {
			continue
		}
		if _, err := db.Exec(`ALTER TABLE events ADD COLUMN ` + c.name + ` ` + c.def); err != nil {
			return err
		}
		if _, err := db.Exec(`UPDATE events SET ` + c.name + ` = ` + c.backfill + ` WHERE json_valid(event_json)`); err != nil {
			return err
		}
	}
	_, err = db.Exec(indexesOfLaterColumns)
	return err
}

func (s *store) close() error { return s.db.Close() }

// storedEvent is one valid event of a batch: the decoded event and its compacted JSON.
type storedEvent struct {
	ev  platform.TraceEvent
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
		var u platform.Usage
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
			u.TotalTokens, u.CostUSD, string(ev.Status), string(se.raw), now, u.CachedTokens,
			u.ReasoningTokens, conversationID(ev.Metadata)); err != nil {
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

// decodedEvent decodes a stored event: its metadata into a map of its own (the outer
// field shadows TraceEvent's), where the decoder's UseNumber reaches the values, which
// platform.Metadata.UnmarshalJSON decodes as float64.
type decodedEvent struct {
	platform.TraceEvent
	Metadata map[string]any `json:"metadata,omitempty"`
}

// decodeStored decodes stored event JSON into TraceEvents.
func decodeStored(raws []json.RawMessage) ([]platform.TraceEvent, error) {
	out := make([]platform.TraceEvent, 0, len(raws))
	for _, raw := range raws {
		var se decodedEvent
		dec := json.NewDecoder(bytes.NewReader(raw))
		dec.UseNumber() // metadata numbers keep their exact text
		if err := dec.Decode(&se); err != nil {
			return nil, fmt.Errorf("devserver: decoding stored event: %w", err)
		}
		ev := se.TraceEvent
		ev.Metadata = platform.MetadataFromMap(se.Metadata)
		out = append(out, ev)
	}
	return out, nil
}

// threadOfConversation returns the threadId of the latest event whose
// metadata.conversation_id is conv, or "" when none is stored.
func (s *store) threadOfConversation(ctx context.Context, conv string) (string, error) {
	var id string
	err := s.db.QueryRowContext(ctx, `SELECT thread_id FROM events
		WHERE conversation_id = ?
		ORDER BY start_time DESC LIMIT 1`, conv).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("devserver: finding conversation %q: %w", conv, err)
	}
	return id, nil
}

func (s *store) count(ctx context.Context) (int, error) {
	var n int
	if err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM events`).Scan(&n); err != nil {
		return 0, fmt.Errorf("devserver: counting events: %w", err)
	}
	return n, nil
}
