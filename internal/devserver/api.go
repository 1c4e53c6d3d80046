package devserver

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
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

// handleList is GET /v1/traces?limit=&threadId=&sessionId=&userId=: trace summaries,
// newest first. limit is 1–1000 (default 50); a bad limit is 400.
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

func parseFilter(r *http.Request) (traceFilter, *httpError) {
	q := r.URL.Query()
	f := traceFilter{ThreadID: q.Get("threadId"), SessionID: q.Get("sessionId"), UserID: q.Get("userId")}
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > maxListLimit {
			return f, fail(http.StatusBadRequest, fmt.Sprintf("invalid limit %q: want an integer 1–%d", v, maxListLimit))
		}
		f.Limit = n
	}
	return f, nil
}

// handleTrace is GET /v1/traces/{traceId}: {"events": [events…]} ordered by startTime,
// 404 when no event of that trace is stored. The ID matches in any case.
func (s *Server) handleTrace(w http.ResponseWriter, r *http.Request) {
	id := strings.ToLower(r.PathValue("traceId"))
	raws, err := s.store.rawEvents(r.Context(), id)
	if err != nil {
		writeJSON(w, http.StatusInternalServerError, errorReply{Error: err.Error()})
		return
	}
	if len(raws) == 0 {
		writeJSON(w, http.StatusNotFound, errorReply{Error: fmt.Sprintf("trace %q not found", id)})
		return
	}
	writeJSON(w, http.StatusOK, traceEvents{Events: raws})
}
