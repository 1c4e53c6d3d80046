package devserver

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/llmtrace/llmtrace/platform"
	"golang.org/x/net/html"
)

const hostileName = `<script>alert("x")</script>`

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

func hasClass(n *html.Node, c string) bool {
	for _, f := range strings.Fields(attr(n, "class")) {
		if f == c {
			return true
		}
	}
	return false
}

func textOf(n *html.Node) string {
	var b strings.Builder
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.TextNode {
			b.WriteString(n.Data)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return b.String()
}

// findAll returns the elements for which match is true, in document order.
func findAll(n *html.Node, match func(*html.Node) bool) []*html.Node {
	var out []*html.Node
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode && match(n) {
			out = append(out, n)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return out
}

// wordsOf is the text of n with each text node's words separated by single spaces.
func wordsOf(n *html.Node) string {
	var words []string
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.TextNode {
			words = append(words, strings.Fields(n.Data)...)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return strings.Join(words, " ")
}

func byClass(c string) func(*html.Node) bool {
	return func(n *html.Node) bool { return hasClass(n, c) }
}

func parseHTML(t *testing.T, body []byte) *html.Node {
	t.Helper()
	doc, err := html.Parse(bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

// checkSelfContained fails when the page has inline script or loads anything from another
// origin (the page must work offline: no CDN).
func checkSelfContained(t *testing.T, doc *html.Node) {
	t.Helper()
	for _, s := range findAll(doc, func(n *html.Node) bool { return n.Data == "script" }) {
		if attr(s, "src") != "/static/app.js" || strings.TrimSpace(textOf(s)) != "" {
			t.Errorf("script element src=%q text %q: want only /static/app.js", attr(s, "src"), textOf(s))
		}
	}
	for _, n := range findAll(doc, func(n *html.Node) bool { return attr(n, "src") != "" || n.Data == "link" }) {
		for _, u := range []string{attr(n, "src"), attr(n, "href")} {
			if strings.Contains(u, "//") {
				t.Errorf("<%s> loads %q from another origin", n.Data, u)
			}
		}
	}
}

func TestPageEscapesAndIsSelfContained(t *testing.T) {
	_, ts := newTestServer(t, testKey)
	ids, evs := newTrace(t, t0, hostileName)
	evs[0].Input = json.RawMessage(`{"messages":[{"role":"user","content":"</pre><script>alert(1)</script>"}]}`)
	// encoding/json writes < and > as \u003c / \u003e; send them raw, as other clients may.
	body := batchJSON(t, evs)
	body = bytes.ReplaceAll(bytes.ReplaceAll(body, []byte(`\u003c`), []byte("<")), []byte(`\u003e`), []byte(">"))
	if !bytes.Contains(body, []byte("<script>")) {
		t.Fatal("test body lacks a raw <script>")
	}
	if r := post(t, ts, bytes.NewReader(body), nil); r.status != http.StatusOK {
		t.Fatalf("%d %s", r.status, r.body)
	}
	for _, path := range []string{"/", "/traces/" + ids.trace, "/threads/" + ids.thread} {
		r := get(t, ts, path)
		if r.status != http.StatusOK || !strings.HasPrefix(r.header.Get("Content-Type"), "text/html") {
			t.Fatalf("%s: %d %q", path, r.status, r.header.Get("Content-Type"))
		}
		if bytes.Contains(r.body, []byte("<script>alert")) || !bytes.Contains(r.body, []byte("&lt;script&gt;")) {
			t.Errorf("%s: hostile text not escaped", path)
		}
		checkSelfContained(t, parseHTML(t, r.body))
	}
	for path, ctype := range map[string]string{"/static/app.js": "text/javascript", "/static/app.css": "text/css"} {
		r := get(t, ts, path)
		if r.status != http.StatusOK || !strings.HasPrefix(r.header.Get("Content-Type"), ctype) || len(r.body) < 100 {
			t.Errorf("%s: %d %q %d bytes", path, r.status, r.header.Get("Content-Type"), len(r.body))
		}
		if bytes.Contains(r.body, []byte("http://")) || bytes.Contains(r.body, []byte("https://")) {
			t.Errorf("%s refers to another origin", path)
		}
	}
}

// The list shows a trace's status as the contract's three outcomes — "unset" when no span
// reported one — and "—" instead of 0 / 0 / 0 when no event reports usage.
func TestListStatusAndNoUsage(t *testing.T) {
	_, ts := newTestServer(t, testKey)
	unset, evU := newTrace(t, t0, "all unset")
	for i := range evU {
		evU[i].Status = ""
	}
	evU[2].Status = platform.StatusUnset
	noUsage, evN := newTrace(t, t0.Add(time.Minute), "no usage")
	evN[1].Usage = nil
	ok, evO := newTrace(t, t0.Add(2*time.Minute), "ok")
	if r := post(t, ts, bytes.NewReader(batchJSON(t, append(append(evU, evN...), evO...))), nil); r.status != http.StatusOK {
		t.Fatalf("%d %s", r.status, r.body)
	}
	want := map[string]struct {
		status platform.Status
		tokens string
	}{
		unset.trace:   {platform.StatusUnset, "42 / 17 / 59"},
		noUsage.trace: {platform.StatusOK, "—"},
		ok.trace:      {platform.StatusOK, "42 / 17 / 59"},
	}
	for _, s := range listTraces(t, func(p string) reply { return get(t, ts, p) }, nil) {
		if s.Status != want[s.TraceID].status {
			t.Errorf("%s: API status %q, want %q", s.Name, s.Status, want[s.TraceID].status)
		}
		if (s.Usage == nil) != (want[s.TraceID].tokens == "—") {
			t.Errorf("%s: API usage %+v", s.Name, s.Usage)
		}
	}
	doc := parseHTML(t, get(t, ts, "/").body)
	rows := findAll(doc, byClass("trace"))
	if len(rows) != 3 {
		t.Fatalf("%d rows", len(rows))
	}
	for _, row := range rows {
		w := want[attr(row, "data-trace-id")]
		cells := findAll(row, func(n *html.Node) bool { return n.Data == "td" })
		if got := strings.TrimSpace(textOf(cells[3])); got != string(w.status) {
			t.Errorf("%s: status cell %q, want %q", textOf(cells[1]), got, w.status)
		}
		if got := strings.TrimSpace(textOf(cells[6])); got != w.tokens {
			t.Errorf("%s: tokens cell %q, want %q", textOf(cells[1]), got, w.tokens)
		}
	}
}

// The trace page: the span tree in order with its timeline geometry, and each span's
// panel with the conversation rendered from input/output, usage, cost and roll-up.
func TestTracePage(t *testing.T) {
	_, ts := newTestServer(t, testKey)
	evs := agentTrace(t)
	evs[0].Metadata.Set("gen_ai.response.time_to_first_chunk", 0.0125) // seconds, as semconv records it
	evs[0].Usage.ContextWindowTokens, evs[0].Usage.ContextUsedTokens = 128000, 1234
	if r := post(t, ts, bytes.NewReader(batchJSON(t, evs)), nil); r.status != http.StatusOK {
		t.Fatalf("%d %s", r.status, r.body)
	}
	doc := parseHTML(t, get(t, ts, "/traces/"+evs[0].TraceID).body)
	checkSelfContained(t, doc)

	rows := findAll(doc, byClass("row"))
	var got []string
	for _, r := range rows {
		got = append(got, attr(r, "data-depth")+" "+strings.TrimSpace(textOf(findAll(r, byClass("row-name"))[0])))
	}
	want := []string{"0 invoke_agent weather-agent", "1 step 1", "2 chat gpt-4o-mini", "2 execute_tool get_weather",
		"3 exception AI_APICallError", "1 step 2", "2 chat gpt-4o-mini"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Fatalf("timeline rows\n%q\nwant\n%q", got, want)
	}
	if s := attr(findAll(rows[0], byClass("bar"))[0], "style"); s != "margin-left: 0.00%; width: 100.00%" {
		t.Errorf("root bar style %q", s)
	}
	// step 2 starts 69 ms into the 78.4 ms trace and lasts 8.2 ms.
	if s := attr(findAll(rows[5], byClass("bar"))[0], "style"); s != "margin-left: 88.01%; width: 10.46%" {
		t.Errorf("step 2 bar style %q", s)
	}

	panel := func(spanID string) string {
		for _, a := range findAll(doc, func(n *html.Node) bool { return n.Data == "article" }) {
			if attr(a, "data-span-id") == spanID {
				return wordsOf(a)
			}
		}
		t.Fatalf("no panel for %s", spanID)
		return ""
	}
	llm := panel(evs[0].SpanID)
	for _, s := range []string{"Time to first chunk 12.5 ms", "Context window 1234 of 128000 tokens", "Cost $0.0000165",
		"42 / 17 / 59 · 8 cached · 5 reasoning", "system You are a weather assistant.", "user What is the weather in Paris?",
		"assistant calls tool get_weather call_fake000032 { \"city\": \"Paris\" }", "finish reason: tool_call", "tools offered: get_weather"} {
		if !strings.Contains(llm, s) {
			t.Errorf("llm panel lacks %q:\n%s", s, llm)
		}
	}
	root := panel(evs[len(evs)-1].SpanID)
	if !strings.Contains(root, "Roll-up (this span and all below): 84 / 34 / 118 tokens · 16 cached · 10 reasoning · "+fixtureRollupText) {
		t.Errorf("root panel lacks the roll-up:\n%s", root)
	}
	tool := panel(evs[1].SpanID)
	for _, s := range []string{"AI_APICallError : The server had an error", "tool · get_weather answers call_fake000032",
		`"temperature_c": 21, "sky": "sunny"`, "calls tool get_weather call_fake000032"} {
		if !strings.Contains(tool, s) {
			t.Errorf("tool panel lacks %q:\n%s", s, tool)
		}
	}

	r := get(t, ts, "/traces/"+newV7(t))
	if r.status != http.StatusNotFound || !bytes.Contains(r.body, []byte("not found")) {
		t.Fatalf("unknown trace: %d %s", r.status, r.body)
	}
	if r := get(t, ts, "/?trace="+evs[0].TraceID); r.status != http.StatusOK || !bytes.Contains(r.body, []byte(`class="timeline"`)) {
		t.Fatalf("/?trace= does not lead to the trace: %d", r.status)
	}
}

// The conversation view lists one thread's traces oldest first; an unknown thread is 404.
func TestThreadPage(t *testing.T) {
	_, ts := newTestServer(t, testKey)
	a, evA := newTrace(t, t0.Add(time.Minute), "second turn")
	_, evB := newTrace(t, t0, "first turn")
	_, evC := newTrace(t, t0.Add(30*time.Second), "other thread")
	for i := range evB {
		evB[i].ThreadID = a.thread
	}
	if r := post(t, ts, bytes.NewReader(batchJSON(t, append(append(evA, evB...), evC...))), nil); r.status != http.StatusOK {
		t.Fatalf("%d %s", r.status, r.body)
	}
	doc := parseHTML(t, get(t, ts, "/threads/"+strings.ToUpper(a.thread)).body)
	var names []string
	for _, h := range findAll(doc, func(n *html.Node) bool { return n.Data == "h2" }) {
		names = append(names, strings.Fields(textOf(h))[0]+" "+strings.Fields(textOf(h))[1])
	}
	if strings.Join(names, "|") != "first turn|second turn" {
		t.Fatalf("turns %q, want first turn, second turn", names)
	}
	turn := wordsOf(findAll(doc, byClass("turn"))[0])
	if !strings.Contains(turn, "user Weather in Paris?") || !strings.Contains(turn, "assistant Sunny, 21 °C") {
		t.Errorf("turn does not render the root's messages: %s", turn)
	}
	if r := get(t, ts, "/threads/"+newV7(t)); r.status != http.StatusNotFound {
		t.Errorf("unknown thread: %d", r.status)
	}
}

func TestSpanTreeOrphansAndCycles(t *testing.T) {
	a, b, c, d := "a", "b", "c", "d"
	evs := []platform.TraceEvent{
		{SpanID: a, Name: "root"},
		{SpanID: b, ParentSpanID: "missing", Name: "orphan"}, // parent not stored: a root
		{SpanID: c, ParentSpanID: d, Name: "cycle c"},        // c ↔ d: unreachable from roots
		{SpanID: d, ParentSpanID: c, Name: "cycle d"},
		{SpanID: "e", ParentSpanID: a, Name: "child"},
	}
	got := spanTree(evs, time.Time{}, 0)
	var names []string
	var depths []int
	for _, s := range got {
		names = append(names, s.Ev.Name)
		depths = append(depths, s.Depth)
	}
	wantNames := []string{"root", "child", "orphan", "cycle c", "cycle d"}
	wantDepths := []int{0, 1, 0, 0, 1}
	if !equalStrings(names, wantNames) {
		t.Fatalf("order %v, want %v", names, wantNames)
	}
	for i := range depths {
		if depths[i] != wantDepths[i] {
			t.Fatalf("depths %v, want %v", depths, wantDepths)
		}
	}
}
