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
//   - ConversationID: any of its events has that metadata.conversation_id (the app's own
//     conversation id, which the mapping keeps when it differs from threadId:
//     internal/mapping/mapper.go fillMetadata) or that threadId;
//   - Status: the root span's status (traceSummary.Status) is that value;
//   - HasError: non-nil selects traces with (true) or without (false) a failed event;
//   - From / To: the trace's earliest startTime is ≥ From and < To.
//
// Limit is the number of traces (0 = defaultListLimit), Offset how many matching traces to
// skip, Ascending lists oldest first instead of newest first.
type traceFilter struct {
	Name, Model string
	Type        platform.Type
	Status      platform.Status
	ThreadID    string
	SessionID   string
	// ConversationID is the app's own conversation id, or a threadId.
	ConversationID string
	HasError       *bool
	UserID         string
	From, To       time.Time
	Limit, Offset  int
	Ascending      bool
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
	ThreadID string `json:"threadId,omitempty"`
	// ConversationID is the app's own conversation id (the root span's
	// metadata.conversation_id), of which ThreadID is the UUID derived by
	// internal/mapping/ids.go ThreadUUID; omitted when the app's id is ThreadID itself or
	// unknown.
	ConversationID string `json:"conversationId,omitempty"`
	SessionID      string `json:"sessionId,omitempty"`
	UserID         string `json:"userId,omitempty"`
	// StartTime is the earliest startTime of the trace's events (UTC).
	StartTime time.Time `json:"startTime"`
	// DurationMs is the latest endTime (or startTime) minus StartTime, in milliseconds.
	DurationMs float64 `json:"durationMs"`
	// SpanCount is the number of stored events of the trace.
	SpanCount int `json:"spanCount"`
	// Usage is Σ usage over the trace's events (tokens; cost_usd in USD rounded to
	// platform.CostDigits significant digits), zero fields omitted; absent when no event reports
	// any usage.
	Usage *platform.Usage `json:"usage,omitempty"`
	// Status is the root span's status: "ok", "error", or "unset" (also when the root
	// reports none), as the trace page's header shows it.
	Status platform.Status `json:"status"`
	// Error is true when any event of the trace failed (status or type "error"), the root
	// or any span below it; ErrorCount counts those events.
	Error      bool `json:"error"`
	ErrorCount int  `json:"errorCount"`
}

// rootRank numbers a trace's events so that its root is 1: the events without
// parentSpanId first, then by startTime and spanId (the rule of traceSummary.Name).
const rootRank = `ROW_NUMBER() OVER (PARTITION BY trace_id ORDER BY parent_span_id <> '', start_time, span_id)`

// listTraces returns trace summaries matching f, newest (latest start) first unless
// f.Ascending.
func (s *store) listTraces(ctx context.Context, f traceFilter) ([]traceSummary, error) {
	limit := f.Limit
	if limit <= 0 {
		limit = defaultListLimit
	}
	var where, having []string
	var args []any
	anyEvent := func(cond string, v ...any) {
		where = append(where, `e.trace_id IN (SELECT trace_id FROM events WHERE `+cond+`)`)
		args = append(args, v...)
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
	if f.ConversationID != "" {
		anyEvent(`(conversation_id = ? OR thread_id = ?)`,
			f.ConversationID, strings.ToLower(f.ConversationID))
	}
	if f.Status != "" {
		statuses := []any{string(f.Status)}
		if f.Status == platform.StatusUnset {
			statuses = append(statuses, "")
		}
		where = append(where, `e.trace_id IN (SELECT trace_id FROM (SELECT trace_id, status, `+rootRank+
			` AS rn FROM events) WHERE rn = 1 AND status IN (?`+strings.Repeat(`, ?`, len(statuses)-1)+`))`)
		args = append(args, statuses...)
	}
	var havingArgs []any
	if f.HasError != nil {
		if *f.HasError {
			having = append(having, `errs > 0`)
		} else {
			having = append(having, `errs = 0`)
		}
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
		TOTAL(e.cached_tokens) AS cached, TOTAL(e.reasoning_tokens) AS reasoning,
		TOTAL(e.cost_usd) AS cost, SUM(e.status = 'error' OR e.type = 'error') AS errs
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
	SELECT trace_id, name, type, thread_id, session_id, user_id, status, conversation_id AS conv,
		` + rootRank + ` AS rn
	FROM events WHERE trace_id IN (SELECT trace_id FROM agg))
SELECT agg.trace_id, agg.n, agg.st, agg.et, agg.pt, agg.ct, agg.tt, agg.cached, agg.reasoning,
	agg.cost, agg.errs, root.name, root.type, root.thread_id, root.session_id, root.user_id,
	root.status, root.conv
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
		var status string
		if err := rows.Scan(&t.TraceID, &t.SpanCount, &start, &end, &pt, &ct, &tt, &cached, &reasoning,
			&cost, &t.ErrorCount, &t.Name, &t.Type, &t.ThreadID, &t.SessionID, &t.UserID,
			&status, &t.ConversationID); err != nil {
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
				ReasoningTokens: clampTokens(reasoning), CostUSD: roundCost(cost)}
		}
		t.Status = platform.Status(status)
		if t.Status == "" {
			t.Status = platform.StatusUnset
		}
		t.Error = t.ErrorCount > 0
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
