package devserver

import (
	"bytes"
	"embed"
	"encoding/json"
	"html/template"
	"io/fs"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/llmtrace/llmtrace/platform"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

var pageTemplate = template.Must(template.New("").Funcs(template.FuncMap{
	"pct":     func(f float64) template.CSS { return template.CSS(strconv.FormatFloat(f, 'f', 2, 64) + "%") },
	"em":      func(f float64) template.CSS { return template.CSS(strconv.FormatFloat(f, 'f', 2, 64) + "em") },
	"utc":     func(t time.Time) string { return t.UTC().Format("2006-01-02 15:04:05.000") },
	"ms":      formatMs,
	"short":   func(id string) string { return shortID(id) },
	"filters": filterLink,
	"usd":     formatUSD,
	"strs":    func(s ...string) []string { return s },
}).ParseFS(templateFS, "templates/*.html"))

// staticFiles serves the page's CSS and JavaScript (embedded: no build step, no CDN).
var staticFiles = func() http.Handler {
	sub, err := fs.Sub(staticFS, "static")
	if err != nil {
		panic(err)
	}
	return http.StripPrefix("/static/", http.FileServerFS(sub))
}()

// pageSize is how many traces the list and the conversation view show per page.
const pageSize = 50

// listPage feeds the "list" template: the filters as given, one page of traces and the
// links to the neighbouring pages.
type listPage struct {
	Title    string
	Q        url.Values
	List     []traceSummary
	Offset   int
	Prev     string // "" on the first page
	Next     string // "" when this page is not full
	Error    string
	Filtered bool
}

// threadPage feeds the "thread" template: one conversation's traces, oldest first, each
// with its root span's input and output rendered.
type threadPage struct {
	Title          string
	ThreadID       string
	ConversationID string // the app's own id of the conversation; "" when it is ThreadID
	Turns          []threadTurn
	Next           string
}

type threadTurn struct {
	Summary traceSummary
	Input   conversation
	Output  conversation
}

// tracePage feeds the "trace" template.
type tracePage struct {
	Title string
	Trace traceView
}

// handleListPage is GET /: the trace list with filters (parseFilter's parameters), 50 a
// page. GET /?trace=<id> redirects to that trace's page (a trace UUID, or an OTel trace id
// in hex, which handleTracePage redirects on).
func (s *Server) handleListPage(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if id := q.Get("trace"); id != "" {
		http.Redirect(w, r, "/traces/"+url.PathEscape(id), http.StatusFound)
		return
	}
	data := listPage{Title: "Traces", Q: q}
	f, herr := parseFilter(r)
	status := http.StatusOK
	if herr != nil {
		data.Error, status = herr.msg, herr.status
	} else {
		f.Limit = pageSize
		list, err := s.store.listTraces(r.Context(), f)
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		data.List, data.Offset = list, f.Offset
		if f.Offset > 0 {
			data.Prev = withOffset(q, max(0, f.Offset-pageSize))
		}
		if len(list) == pageSize {
			data.Next = withOffset(q, f.Offset+pageSize)
		}
	}
	for k, v := range q {
		if k != "offset" && len(v) > 0 && v[0] != "" {
			data.Filtered = true
		}
	}
	s.render(w, status, "list", data)
}

// handleThreadPage is GET /threads/{threadId}: one conversation's traces in order.
func (s *Server) handleThreadPage(w http.ResponseWriter, r *http.Request) {
	id := strings.ToLower(r.PathValue("threadId"))
	offset, _ := strconv.Atoi(r.URL.Query().Get("offset"))
	list, err := s.store.listTraces(r.Context(), traceFilter{ThreadID: id, Ascending: true,
		Limit: pageSize, Offset: max(offset, 0)})
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	if len(list) == 0 && offset <= 0 && !platform.IsUUIDv7(id) {
		// The app's own conversation id (metadata.conversation_id): go to its thread.
		thread, err := s.store.threadOfConversation(r.Context(), r.PathValue("threadId"))
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		if thread != "" {
			http.Redirect(w, r, "/threads/"+url.PathEscape(thread), http.StatusFound)
			return
		}
	}
	data := threadPage{Title: "Conversation " + shortID(id), ThreadID: id}
	for _, sum := range list {
		if data.ConversationID == "" && sum.ConversationID != "" {
			data.ConversationID = sum.ConversationID
			data.Title = "Conversation " + sum.ConversationID
		}
		turn := threadTurn{Summary: sum}
		events, err := s.events(r, sum.TraceID)
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		if len(events) > 0 {
			root := spanTree(events, events[0].StartTime, 0)[0].Ev
			turn.Input = renderContent(root.Input, false, &root)
			turn.Output = renderContent(root.Output, true, &root)
		}
		data.Turns = append(data.Turns, turn)
	}
	if len(list) == pageSize {
		data.Next = withOffset(r.URL.Query(), max(offset, 0)+pageSize)
	}
	status := http.StatusOK
	if len(list) == 0 {
		status = http.StatusNotFound
	}
	s.render(w, status, "thread", data)
}

// handleTracePage is GET /traces/{traceId} (or /?trace=<id>): the trace view. An OTel
// trace id (32 hex digits, as SDKs and collector logs print it) redirects (302) to the
// page of the trace UUID it maps to (internal/mapping/ids.go TraceUUID).
func (s *Server) handleTracePage(w http.ResponseWriter, r *http.Request) {
	id := strings.ToLower(r.PathValue("traceId"))
	if u, ok := otelTraceUUID(id); ok {
		http.Redirect(w, r, "/traces/"+u, http.StatusFound)
		return
	}
	events, err := s.events(r, id)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	if len(events) == 0 {
		s.render(w, http.StatusNotFound, "notfound", tracePage{Title: "Trace not found", Trace: traceView{TraceID: id}})
		return
	}
	tv := newTraceView(id, events)
	s.render(w, http.StatusOK, "trace", tracePage{Title: tv.Name, Trace: tv})
}

func (s *Server) events(r *http.Request, traceID string) ([]platform.TraceEvent, error) {
	raws, err := s.store.rawEvents(r.Context(), traceID)
	if err != nil {
		return nil, err
	}
	return decodeStored(raws)
}

func (s *Server) render(w http.ResponseWriter, status int, name string, data any) {
	var buf bytes.Buffer
	if err := pageTemplate.ExecuteTemplate(&buf, name, data); err != nil {
		http.Error(w, "rendering page: "+err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Content-Security-Policy", "default-src 'self'; style-src 'self' 'unsafe-inline'; script-src 'self'; img-src 'self' data:")
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

// withOffset is the list URL with q's filters and the given offset.
func withOffset(q url.Values, offset int) string {
	c := url.Values{}
	for k, v := range q {
		c[k] = v
	}
	c.Set("offset", strconv.Itoa(offset))
	return "?" + c.Encode()
}

// filterLink is the list URL filtered by one key (threadId, sessionId, userId, model …).
func filterLink(key, value string) string {
	return "/?" + url.Values{key: {value}}.Encode()
}

// shortID is the last 12 characters of a UUID, enough to tell traces apart on a page.
func shortID(id string) string {
	if len(id) > 12 {
		return "…" + id[len(id)-12:]
	}
	return id
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
