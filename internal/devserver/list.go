package devserver

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/llmtrace/llmtrace/platform"
)

// traceFilter selects traces for listTraces. A trace matches when all the set fields
// match:
//   - Name and Model: any of its events' name / model contains the text (case-insensitive
//     for ASCII);
//   - Type, ThreadID, SessionID, UserID: any of its events has exactly that value;
//   - Status: the trace's status (traceSummary.Status) is that value;
//   - From / To: the trace's earliest startTime is ≥ From and < To.
//
// Limit is the number of traces (0 = defaultListLimit), Offset how many matching traces to
// skip, Ascending lists oldest first instead of newest first.
type traceFilter struct {
	Name, Model   string
	Type          platform.Type
	Status        platform.Status
	ThreadID      string
	SessionID     string
	UserID        string
	From, To      time.Time
	Limit, Offset int
	Ascending     bool
}

// List limits of GET /v1/traces (traces, not events).
const (
	defaultListLimit = 50
	maxListLimit     = 1000
)

// traceSummary is one row of GET /v1/traces: one trace with its root span's name, its
// time span, its span count, its status and the sum of its events' usage.
type traceSummary struct {
	// TraceID is the trace's UUID v7.
	TraceID string `json:"traceId"`
	// Name is the root span's name: the event without parentSpanId, else the earliest.
	Name string `json:"name"`
	// Type is the root span's type.
	Type platform.Type `json:"type"`
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
	// Usage is Σ usage over the trace's events (tokens; cost_usd in USD), zero fields
	// omitted; absent when no event reports any usage.
	Usage *platform.Usage `json:"usage,omitempty"`
	// Status is "error" when any event has status or type "error", else "ok" when any
	// event has status "ok", else "unset" (no span reported an outcome).
	Status platform.Status `json:"status"`
	// Error is Status == "error".
	Error bool `json:"error"`
}

// listTraces returns trace summaries matching f, newest (latest start) first unless
// f.Ascending.
func (s *store) listTraces(ctx context.Context, f traceFilter) ([]traceSummary, error) {
	limit := f.Limit
	if limit <= 0 {
		limit = defaultListLimit
	}
	var where, having []string
	var args []any
	anyEvent := func(cond string, v any) {
		where = append(where, `e.trace_id IN (SELECT trace_id FROM events WHERE `+cond+`)`)
		args = append(args, v)
	}
	if f.Name != "" {
		anyEvent(`name LIKE ? ESCAPE '\'`, likeContains(f.Name))
	}
	if f.Model != "" {
		anyEvent(`model LIKE ? ESCAPE '\'`, likeContains(f.Model))
	}
	if f.Type != "" {
		anyEvent(`type = ?`, string(f.Type))
	}
	for _, c := range []struct{ col, v string }{
		{"thread_id", f.ThreadID}, {"session_id", f.SessionID}, {"user_id", f.UserID},
	} {
		if c.v != "" {
			anyEvent(c.col+` = ?`, c.v)
		}
	}
	var havingArgs []any
	switch f.Status {
	case platform.StatusError:
		having = append(having, `err = 1`)
	case platform.StatusOK:
		having = append(having, `err = 0 AND anyok = 1`)
	case platform.StatusUnset:
		having = append(having, `err = 0 AND anyok = 0`)
	}
	if !f.From.IsZero() {
		having = append(having, `st >= ?`)
		havingArgs = append(havingArgs, f.From.UTC().Format(timeLayout))
	}
	if !f.To.IsZero() {
		having = append(having, `st < ?`)
		havingArgs = append(havingArgs, f.To.UTC().Format(timeLayout))
	}
	dir := "DESC"
	if f.Ascending {
		dir = "ASC"
	}
	q := `
WITH agg AS (
	SELECT e.trace_id, COUNT(*) AS n, MIN(e.start_time) AS st,
		MAX(CASE WHEN e.end_time <> '' THEN e.end_time ELSE e.start_time END) AS et,
		TOTAL(e.prompt_tokens) AS pt, TOTAL(e.completion_tokens) AS ct, TOTAL(e.total_tokens) AS tt,
		TOTAL(json_extract(e.event_json, '$.usage.cached_tokens')) AS cached,
		TOTAL(json_extract(e.event_json, '$.usage.reasoning_tokens')) AS reasoning,
		TOTAL(e.cost_usd) AS cost, MAX(e.status = 'error' OR e.type = 'error') AS err,
		MAX(e.status = 'ok') AS anyok
	FROM events e`
	if len(where) > 0 {
		q += ` WHERE ` + strings.Join(where, ` AND `)
	}
	q += ` GROUP BY e.trace_id`
	if len(having) > 0 {
		q += ` HAVING ` + strings.Join(having, ` AND `)
	}
	q += ` ORDER BY st ` + dir + `, e.trace_id ` + dir + ` LIMIT ? OFFSET ?),
root AS (
	SELECT trace_id, name, type, thread_id, session_id, user_id,
		ROW_NUMBER() OVER (PARTITION BY trace_id ORDER BY parent_span_id <> '', start_time, span_id) AS rn
	FROM events WHERE trace_id IN (SELECT trace_id FROM agg))
SELECT agg.trace_id, agg.n, agg.st, agg.et, agg.pt, agg.ct, agg.tt, agg.cached, agg.reasoning,
	agg.cost, agg.err, agg.anyok, root.name, root.type, root.thread_id, root.session_id, root.user_id
FROM agg JOIN root ON root.trace_id = agg.trace_id AND root.rn = 1
ORDER BY agg.st ` + dir + `, agg.trace_id ` + dir
	args = append(append(args, havingArgs...), limit, max(f.Offset, 0))
	rows, err := s.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("devserver: listing traces: %w", err)
	}
	defer rows.Close()
	out := []traceSummary{}
	for rows.Next() {
		var t traceSummary
		var start, end string
		var pt, ct, tt, cached, reasoning, cost float64
		var isErr, anyOK int
		if err := rows.Scan(&t.TraceID, &t.SpanCount, &start, &end, &pt, &ct, &tt, &cached, &reasoning,
			&cost, &isErr, &anyOK, &t.Name, &t.Type, &t.ThreadID, &t.SessionID, &t.UserID); err != nil {
			return nil, fmt.Errorf("devserver: listing traces: %w", err)
		}
		st, err1 := time.Parse(timeLayout, start)
		et, err2 := time.Parse(timeLayout, end)
		if err := errors.Join(err1, err2); err != nil {
			return nil, fmt.Errorf("devserver: listing traces: stored time: %w", err)
		}
		t.StartTime = st
		t.DurationMs = float64(et.Sub(st)) / float64(time.Millisecond)
		if pt+ct+tt+cached+reasoning+cost > 0 {
			t.Usage = &platform.Usage{PromptTokens: clampTokens(pt), CompletionTokens: clampTokens(ct),
				TotalTokens: clampTokens(tt), CachedTokens: clampTokens(cached),
				ReasoningTokens: clampTokens(reasoning), CostUSD: cost}
		}
		switch {
		case isErr != 0:
			t.Status, t.Error = platform.StatusError, true
		case anyOK != 0:
			t.Status = platform.StatusOK
		default:
			t.Status = platform.StatusUnset
		}
		out = append(out, t)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("devserver: listing traces: %w", err)
	}
	return out, nil
}

// likeContains is a LIKE pattern (ESCAPE '\') matching values that contain s.
func likeContains(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
	return "%" + r.Replace(s) + "%"
}

// clampTokens converts a TOTAL() of token counts (a float, so that sums never overflow)
// back to an int64 count.
func clampTokens(f float64) int64 {
	if f >= math.MaxInt64 {
		return math.MaxInt64
	}
	return int64(f)
}
