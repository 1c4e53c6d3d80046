package devserver

import (
	"bytes"
	"embed"
	"encoding/json"
	"html/template"
	"net/http"
	"strconv"
	"strings"

	"github.com/llmtrace/llmtrace/otelbridge"
)

//go:embed templates/page.html
var templateFS embed.FS

var pageTemplate = template.Must(template.ParseFS(templateFS, "templates/page.html"))

// pageListLimit is how many recent traces the page lists.
const pageListLimit = 100

// pageData feeds templates/page.html: either the trace list or one trace's span tree.
type pageData struct {
	List     []traceSummary
	Trace    *traceSummary
	TraceID  string
	Spans    []pageSpan
	NotFound string
}

// pageSpan is one row of the span tree: the event, its depth under the trace's roots, and
// its input/output/metadata pretty-printed for the <details> blocks.
type pageSpan struct {
	Ev       otelbridge.TraceEvent
	Depth    int
	Indent   float64 // em
	Duration string  // ms, "" when the event has no endTime
	Input    string
	Output   string
	Metadata string
}

// handlePage is GET / (recent traces, or one trace with ?trace=<id>) and
// GET /traces/{traceId} (one trace as an indented span tree).
func (s *Server) handlePage(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("traceId")
	if id == "" {
		id = r.URL.Query().Get("trace")
	}
	var data pageData
	status := http.StatusOK
	if id == "" {
		list, err := s.store.listTraces(r.Context(), traceFilter{Limit: pageListLimit})
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		data.List = list
	} else {
		raws, err := s.store.rawEvents(r.Context(), id)
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		events, err := decodeStored(raws)
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		if len(events) == 0 {
			data.NotFound = id
			status = http.StatusNotFound
		} else {
			data.TraceID = id
			data.Spans = spanTree(events)
			data.Trace = &traceSummary{TraceID: id, Name: data.Spans[0].Ev.Name}
		}
	}
	var buf bytes.Buffer
	if err := pageTemplate.ExecuteTemplate(&buf, "page", data); err != nil {
		http.Error(w, "rendering page: "+err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

// spanTree orders events depth-first from the roots (no parentSpanId, or a parent that is
// not stored), children by startTime as given. Events caught in a parent cycle are shown
// as roots, so every event appears exactly once.
func spanTree(events []otelbridge.TraceEvent) []pageSpan {
	byID := make(map[string]bool, len(events))
	for _, ev := range events {
		byID[ev.SpanID] = true
	}
	children := make(map[string][]int)
	var roots []int
	for i, ev := range events {
		if ev.ParentSpanID == "" || ev.ParentSpanID == ev.SpanID || !byID[ev.ParentSpanID] {
			roots = append(roots, i)
		} else {
			children[ev.ParentSpanID] = append(children[ev.ParentSpanID], i)
		}
	}
	out := make([]pageSpan, 0, len(events))
	seen := make([]bool, len(events))
	var walk func(i, depth int)
	walk = func(i, depth int) {
		if seen[i] {
			return
		}
		seen[i] = true
		out = append(out, newPageSpan(events[i], depth))
		for _, c := range children[events[i].SpanID] {
			walk(c, depth+1)
		}
	}
	for _, i := range roots {
		walk(i, 0)
	}
	for i := range events { // cycles: no root reaches them
		walk(i, 0)
	}
	return out
}

func newPageSpan(ev otelbridge.TraceEvent, depth int) pageSpan {
	ps := pageSpan{Ev: ev, Depth: depth, Indent: 1.5 * float64(depth),
		Input: prettyJSON(ev.Input), Output: prettyJSON(ev.Output)}
	if !ev.EndTime.IsZero() {
		ps.Duration = formatMs(ev.DurationMs)
		if ev.DurationMs == 0 {
			ps.Duration = formatMs(float64(ev.EndTime.Sub(ev.StartTime).Microseconds()) / 1000)
		}
	}
	if len(ev.Metadata) > 0 {
		if b, err := json.MarshalIndent(ev.Metadata, "", "  "); err == nil {
			ps.Metadata = string(b)
		}
	}
	return ps
}

func prettyJSON(raw json.RawMessage) string {
	if len(raw) == 0 || string(raw) == "null" {
		return ""
	}
	var buf bytes.Buffer
	if err := json.Indent(&buf, raw, "", "  "); err != nil {
		return string(raw)
	}
	return buf.String()
}

// formatMs renders a duration in milliseconds for people: two decimals below 10 ms, one
// below 1 s, none above, trailing zeros dropped (0.83, 7.52, 58.8, 100, 1500).
func formatMs(ms float64) string {
	prec := 1
	switch {
	case ms < 10:
		prec = 2
	case ms >= 1000:
		prec = 0
	}
	s := strconv.FormatFloat(ms, 'f', prec, 64)
	if strings.Contains(s, ".") {
		s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	}
	return s
}
