package devserver

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/llmtrace/llmtrace/internal/mapping"
	"github.com/llmtrace/llmtrace/platform"
)

// The app's own conversation id (conv-heldout-7 in the captures' attributes) is what the
// list and the read API show and filter by, with the derived thread UUID beside it; the
// user and session ids are the app's as they are.
func TestAppConversationID(t *testing.T) {
	_, ts := newTestServer(t, testKey)
	agent := agentTrace(t)
	other := mapTraces(t, readCapture(t, "vercel-ai-v5-tool-loop.json"))
	if r := post(t, ts, bytes.NewReader(batchJSON(t, append(agent, other...))), nil); r.status != http.StatusOK {
		t.Fatalf("%d %s", r.status, r.body)
	}
	const conv = "conv-heldout-7" // testdata/captures: the app's conversation id attribute
	thread := mapping.ThreadUUID(conv)
	g := func(p string) reply { return get(t, ts, p) }
	all := listTraces(t, g, nil)
	if len(all) != 2 {
		t.Fatalf("%d traces", len(all))
	}
	for _, s := range all {
		if s.ConversationID != conv || s.ThreadID != thread || s.UserID != "user-heldout-42" || s.SessionID != "sess-heldout-001" {
			t.Errorf("%s: conversation %q thread %q user %q session %q", s.Name, s.ConversationID, s.ThreadID, s.UserID, s.SessionID)
		}
	}
	for _, q := range []url.Values{{"conversationId": {conv}}, {"conversationId": {strings.ToUpper(thread)}}, {"threadId": {thread}},
		{"userId": {"user-heldout-42"}}, {"sessionId": {"sess-heldout-001"}}} {
		if got := listTraces(t, g, q); len(got) != 2 {
			t.Errorf("%s: %d traces, want 2", q.Encode(), len(got))
		}
	}
	for _, q := range []url.Values{{"conversationId": {"conv-heldout"}}, {"threadId": {conv}}} {
		if got := listTraces(t, g, q); len(got) != 0 {
			t.Errorf("%s: %d traces, want none", q.Encode(), len(got))
		}
	}

	// The list page: the conversation cell names the app's id and the thread UUID.
	doc := parseHTML(t, g("/?conversationId="+conv).body)
	cells := findAll(doc, byClass("conversation"))
	if len(cells) != 2 {
		t.Fatalf("%d conversation cells", len(cells))
	}
	for _, c := range cells {
		if w := wordsOf(c); w != conv+" …"+thread[len(thread)-12:] || !strings.Contains(renderNode(c), `title="thread `+thread+`"`) {
			t.Errorf("conversation cell %q", renderNode(c))
		}
	}
	// The trace page: the app's id and the full UUID.
	page := wordsOf(parseHTML(t, g("/traces/"+agent[0].TraceID).body))
	if !strings.Contains(page, "Conversation "+conv+" · thread "+thread) {
		t.Errorf("trace page lacks the conversation:\n%s", page)
	}
	// /threads/<the app's id> leads to the thread, which is titled with the app's id.
	r := getNoFollow(t, ts, "/threads/"+conv)
	if r.status != http.StatusFound || r.header.Get("Location") != "/threads/"+thread {
		t.Fatalf("/threads/%s: %d %q", conv, r.status, r.header.Get("Location"))
	}
	if w := wordsOf(parseHTML(t, g("/threads/"+thread).body)); !strings.Contains(w, "Conversation "+conv+" thread "+thread) {
		t.Errorf("thread page:\n%.400s", w)
	}
	if r := g("/threads/no-such-conversation"); r.status != http.StatusNotFound {
		t.Errorf("unknown conversation: %d", r.status)
	}
}

// The header's status is the root span's (unset in the agent capture, whose spans report
// no status), with the failed spans counted beside it; the list says the same.
func TestHeaderStatusIsRoot(t *testing.T) {
	_, ts := newTestServer(t, testKey)
	agent := agentTrace(t)
	if r := post(t, ts, bytes.NewReader(batchJSON(t, agent)), nil); r.status != http.StatusOK {
		t.Fatalf("%d %s", r.status, r.body)
	}
	var root, children string
	for _, ev := range agent {
		if ev.ParentSpanID == "" {
			root = string(ev.Status)
		} else if ev.Status != "" && ev.Status != "unset" {
			children += string(ev.Status) + " "
		}
	}
	if root != "unset" || children != "error error " {
		t.Fatalf("fixture: root %q, children %q; want an unset root over two failed events", root, children)
	}
	doc := parseHTML(t, get(t, ts, "/traces/"+agent[0].TraceID).body)
	h1 := findAll(doc, func(n *html.Node) bool { return n.Data == "h1" })[0]
	if w := wordsOf(h1); w != "invoke_agent weather-agent unset 2 failed" {
		t.Errorf("header %q, want the root's status and the failed count", w)
	}
	s := listTraces(t, func(p string) reply { return get(t, ts, p) }, nil)[0]
	if s.Status != "unset" || !s.Error || s.ErrorCount != 2 {
		t.Errorf("summary: status %q error %v count %d", s.Status, s.Error, s.ErrorCount)
	}
}

// Costs leave the read API rounded to 10 significant digits: 42 × 0.15e-6 + 17 × 0.6e-6 is
// 0.000016499999999999998 in float64, and its sum over the trace 0.000032999999999999996.
// The mapping already rounds what it writes (platform.RoundCostUSD); a client that does not
// (the costs are set back to the float64 sums here) gets them rounded by the read API;
// the page shows them the same way.
func TestCostRounding(t *testing.T) {
	srv, ts := newTestServer(t, testKey)
	evs := mapTraces(t, readCapture(t, "vercel-ai-v5-tool-loop.json"))
	in, out := 0.15e-6, 0.6e-6 // float64 arithmetic, not exact constant arithmetic
	noisy := 42*in + 17*out    // 0.000016499999999999998
	var raw []float64
	for i := range evs {
		if ev := &evs[i]; ev.Usage != nil && ev.Usage.CostUSD != 0 {
			raw = append(raw, ev.Usage.CostUSD)
			ev.Usage.CostUSD = noisy
		}
		if ru, ok := evs[i].Metadata.Get("usage_rollup").(platform.Metadata); ok && ru.Get("cost_usd") != nil {
			ru.Set("cost_usd", noisy+noisy)
		}
	}
	if len(raw) != 2 || raw[0] != 0.0000165 {
		t.Fatalf("fixture: mapped costs %v, want two of 0.0000165 (rounded by the mapping)", raw)
	}
	if r := post(t, ts, bytes.NewReader(batchJSON(t, evs)), nil); r.status != http.StatusOK {
		t.Fatalf("%d %s", r.status, r.body)
	}
	id := evs[0].TraceID
	body := string(get(t, ts, "/v1/traces/"+id).body)
	if strings.Count(body, `"cost_usd":0.0000165,`) != 2 || !strings.Contains(body, `"usage_rollup":{"completion_tokens":34,"cost_usd":0.000033,`) ||
		strings.Contains(body, "0.0000164999") || strings.Contains(body, "0.0000329999") {
		t.Errorf("events: costs not rounded:\n%s", body)
	}
	list := string(get(t, ts, "/v1/traces").body)
	if !strings.Contains(list, `"cost_usd":0.000033}`) {
		t.Errorf("summary cost not rounded: %s", list)
	}
	// The stored events keep the cost as received (Server.Events).
	stored, err := srv.Events(t.Context(), id)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, ev := range stored {
		if ev.Usage != nil && ev.Usage.CostUSD == 0.000016499999999999998 {
			n++
		}
	}
	if n != 2 {
		t.Errorf("%d stored events keep the received cost, want 2", n)
	}
	page := wordsOf(parseHTML(t, get(t, ts, "/traces/"+id).body))
	if !strings.Contains(page, "Cost $0.000033 ") || !strings.Contains(page, "Cost $0.0000165 ") || strings.Contains(page, "0.0000164") {
		t.Errorf("page costs:\n%s", page)
	}
	for c, want := range map[float64]string{0.000016499999999999998: "$0.0000165", 1.2345678901234: "$1.23456789",
		12: "$12", 0.1 + 0.2: "$0.3", 1e-12: "$0.000000000001"} {
		if got := formatUSD(c); got != want {
			t.Errorf("formatUSD(%v) = %q, want %q", c, got, want)
		}
	}
}

// An OTel trace id in hex (as SDKs, collector logs and the examples print it) leads to
// the trace: the page redirects to the trace UUID, the read API answers for it.
func TestHexTraceID(t *testing.T) {
	_, ts := newTestServer(t, testKey)
	evs := mapTraces(t, readCapture(t, "vercel-ai-v5-tool-loop.json"))
	if r := post(t, ts, bytes.NewReader(batchJSON(t, evs)), nil); r.status != http.StatusOK {
		t.Fatalf("%d %s", r.status, r.body)
	}
	hexID, _ := evs[0].Metadata.Get("otel.trace_id").(string)
	if len(hexID) != 32 || hexID == strings.ReplaceAll(evs[0].TraceID, "-", "") {
		t.Fatalf("fixture: otel.trace_id %q for trace %s", hexID, evs[0].TraceID)
	}
	for _, id := range []string{hexID, strings.ToUpper(hexID)} {
		r := getNoFollow(t, ts, "/traces/"+id)
		if r.status != http.StatusFound || r.header.Get("Location") != "/traces/"+evs[0].TraceID {
			t.Errorf("/traces/%s: %d Location %q, want /traces/%s", id, r.status, r.header.Get("Location"), evs[0].TraceID)
		}
		if r := get(t, ts, "/v1/traces/"+id); r.status != http.StatusOK || !bytes.Contains(r.body, []byte(evs[0].TraceID)) {
			t.Errorf("/v1/traces/%s: %d", id, r.status)
		}
	}
	// Followed (the client follows redirects): /?trace=<hex> ends on the trace page.
	if r := get(t, ts, "/?trace="+hexID); r.status != http.StatusOK || !bytes.Contains(r.body, []byte(`class="timeline"`)) {
		t.Errorf("/?trace=<hex>: %d", r.status)
	}
	if r := get(t, ts, "/traces/"+hexID[:31]+"g"); r.status != http.StatusNotFound {
		t.Errorf("32 characters that are not hex: %d, want 404", r.status)
	}
}

// An error event's stack trace is shown preformatted, one frame a line, not as a JSON
// string with literal \n.
func TestStacktracePreformatted(t *testing.T) {
	_, ts := newTestServer(t, testKey)
	agent := agentTrace(t)
	if r := post(t, ts, bytes.NewReader(batchJSON(t, agent)), nil); r.status != http.StatusOK {
		t.Fatalf("%d %s", r.status, r.body)
	}
	doc := parseHTML(t, get(t, ts, "/traces/"+agent[0].TraceID).body)
	pres := findAll(doc, byClass("stacktrace"))
	if len(pres) != 1 {
		t.Fatalf("%d stack traces, want 1 (the exception event)", len(pres))
	}
	st := textOf(pres[0])
	lines := strings.Split(st, "\n")
	if len(lines) < 5 || !strings.HasPrefix(lines[0], "AI_APICallError: The server had an error") ||
		!strings.HasPrefix(lines[1], "    at file:///srv/app/node_modules/") || strings.Contains(st, `\n`) {
		t.Errorf("stack trace:\n%s", st)
	}
}

// renderNode is n as HTML text.
func renderNode(n *html.Node) string {
	var b strings.Builder
	html.Render(&b, n)
	return b.String()
}

// getNoFollow is get without following redirects.
func getNoFollow(t *testing.T, ts *httptest.Server, path string) reply {
	t.Helper()
	c := *ts.Client()
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	resp, err := c.Get(ts.URL + path)
	if err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return reply{status: resp.StatusCode, header: resp.Header, body: b}
}
