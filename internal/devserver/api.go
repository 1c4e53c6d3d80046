package devserver

import (
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/llmtrace/llmtrace/internal/mapping"
	"github.com/llmtrace/llmtrace/platform"
)

// traceList is the reply of GET /v1/traces.
type traceList struct {
	Traces []traceSummary `json:"traces"`
}

// traceEvents is the reply of GET /v1/traces/{traceId}: the stored events as received
// (UUIDs in lower case), ordered by startTime.
type traceEvents struct {
	Events []json.RawMessage `json:"events"`
}

// handleList is GET /v1/traces?name=&model=&type=&status=&threadId=&sessionId=&userId=
// &from=&to=&limit=&offset=&order=: trace summaries, newest first (parseFilter).
func (s *Server) handleList(w http.ResponseWriter, r *http.Request) {
	f, herr := parseFilter(r)
	if herr != nil {
		writeJSON(w, herr.status, errorReply{Error: herr.msg, Details: herr.details})
		return
	}
	list, err := s.store.listTraces(r.Context(), f)
	if err != nil {
		writeJSON(w, http.StatusInternalServerError, errorReply{Error: err.Error()})
		return
	}
	writeJSON(w, http.StatusOK, traceList{Traces: list})
}

// parseFilter reads the list query: name, model, type, status (the root span's), error
// (true or false: any failed event), threadId, conversationId (the app's own id or a
// threadId), sessionId, userId, from, to (RFC 3339, or the UTC "2006-01-02T15:04" / "2006-01-02" of a date
// input), limit (1–1000), offset (≥ 0) and order (desc, the default, or asc). A bad value
// is 400 naming the parameter.
func parseFilter(r *http.Request) (traceFilter, *httpError) {
	q := r.URL.Query()
	f := traceFilter{Name: q.Get("name"), Model: q.Get("model"),
		ThreadID: strings.ToLower(q.Get("threadId")), SessionID: q.Get("sessionId"), UserID: q.Get("userId"),
		ConversationID: strings.TrimSpace(q.Get("conversationId"))}
	switch v := q.Get("error"); v {
	case "":
	case "true", "false":
		b := v == "true"
		f.HasError = &b
	default:
		return f, fail(http.StatusBadRequest, fmt.Sprintf("invalid error %q: want true or false", v))
	}
	if v := q.Get("type"); v != "" {
		switch t := platform.Type(v); t {
		case platform.TypeLLM, platform.TypeTool, platform.TypeChat, platform.TypeError, platform.TypeCustom:
			f.Type = t
		default:
			return f, fail(http.StatusBadRequest, fmt.Sprintf("invalid type %q: want llm, tool, chat, error or custom", v))
		}
	}
	if v := q.Get("status"); v != "" {
		switch st := platform.Status(v); st {
		case platform.StatusOK, platform.StatusError, platform.StatusUnset:
			f.Status = st
		default:
			return f, fail(http.StatusBadRequest, fmt.Sprintf("invalid status %q: want ok, error or unset", v))
		}
	}
	for _, p := range []struct {
		name string
		dst  *time.Time
	}{{"from", &f.From}, {"to", &f.To}} {
		if v := q.Get(p.name); v != "" {
			t, ok := parseQueryTime(v)
			if !ok {
				return f, fail(http.StatusBadRequest, fmt.Sprintf("invalid %s %q: want an RFC 3339 time or 2006-01-02T15:04 (UTC)", p.name, v))
			}
			*p.dst = t
		}
	}
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > maxListLimit {
			return f, fail(http.StatusBadRequest, fmt.Sprintf("invalid limit %q: want an integer 1–%d", v, maxListLimit))
		}
		f.Limit = n
	}
	if v := q.Get("offset"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return f, fail(http.StatusBadRequest, fmt.Sprintf("invalid offset %q: want an integer ≥ 0", v))
		}
		f.Offset = n
	}
	switch v := q.Get("order"); v {
	case "", "desc":
	case "asc":
		f.Ascending = true
	default:
		return f, fail(http.StatusBadRequest, fmt.Sprintf("invalid order %q: want asc or desc", v))
	}
	return f, nil
}

// parseQueryTime accepts RFC 3339 and the UTC forms an HTML date/datetime-local input sends.
func parseQueryTime(v string) (time.Time, bool) {
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05", "2006-01-02T15:04", "2006-01-02"} {
		if t, err := time.Parse(layout, v); err == nil {
			return t.UTC(), true
		}
	}
	return time.Time{}, false
}

// handleTrace is GET /v1/traces/{traceId}: {"events": [events…]} ordered by startTime,
// 404 when no event of that trace is stored. The ID matches in any case; an OTel trace id
// (32 hex digits) is read as the trace UUID it maps to (internal/mapping/ids.go
// TraceUUID). Each event is served as stored, with usage.cost_usd rounded to platform.CostDigits
// significant digits (roundEventCost).
func (s *Server) handleTrace(w http.ResponseWriter, r *http.Request) {
	id := strings.ToLower(r.PathValue("traceId"))
	if u, ok := otelTraceUUID(id); ok {
		id = u
	}
	raws, err := s.store.rawEvents(r.Context(), id)
	if err != nil {
		writeJSON(w, http.StatusInternalServerError, errorReply{Error: err.Error()})
		return
	}
	if len(raws) == 0 {
		writeJSON(w, http.StatusNotFound, errorReply{Error: fmt.Sprintf("trace %q not found", id)})
		return
	}
	for i, raw := range raws {
		raws[i] = roundEventCost(raw)
	}
	writeJSON(w, http.StatusOK, traceEvents{Events: raws})
}

// otelTraceUUID reads an OTel trace id as 32 hex digits (any case) and returns the trace
// UUID the mapping gives it (internal/mapping/ids.go TraceUUID); false for anything else.
func otelTraceUUID(id string) (string, bool) {
	if len(id) != 32 {
		return "", false
	}
	var b [16]byte
	if _, err := hex.Decode(b[:], []byte(id)); err != nil {
		return "", false
	}
	return mapping.TraceUUID(b), true
}
