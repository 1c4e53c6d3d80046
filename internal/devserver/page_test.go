package devserver

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"

	"github.com/llmtrace/llmtrace/otelbridge"
)

const hostileName = `<script>alert("x")</script>`

// renderedSpan is one span row of the tree as a browser would parse it.
type renderedSpan struct {
	depth, style, name string
	text               string // all text of the row
	details            []string
}

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

// parsePage parses an HTML page and returns its span rows, its <script> elements' text and
// the trace links of the list.
func parsePage(t *testing.T, body []byte) (spans []renderedSpan, scripts []string, links []string) {
	t.Helper()
	doc, err := html.Parse(bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			switch {
			case n.Data == "script":
				scripts = append(scripts, textOf(n))
			case n.Data == "a" && strings.HasPrefix(attr(n, "href"), "/traces/"):
				links = append(links, textOf(n))
			case n.Data == "div" && hasClass(n, "span"):
				rs := renderedSpan{depth: attr(n, "data-depth"), style: attr(n, "style"), text: textOf(n)}
				for c := n.FirstChild; c != nil; c = c.NextSibling {
					if c.Type == html.ElementNode && c.Data == "strong" && hasClass(c, "name") {
						rs.name = textOf(c)
					}
					if c.Type == html.ElementNode && c.Data == "details" {
						rs.details = append(rs.details, textOf(c))
					}
				}
				spans = append(spans, rs)
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	return spans, scripts, links
}

func TestPage(t *testing.T) {
	_, ts := newTestServer(t, testKey)
	ids, evs := newTrace(t, t0, hostileName)
	evs[0].Input = json.RawMessage(`{"messages":[{"role":"user","content":"</pre><script>alert(1)</script>"}]}`)
	_, other := newTrace(t, t0.Add(-time.Hour), "older trace")
	// encoding/json writes < and > as \u003c / \u003e; send them raw, as other clients may.
	body := batchJSON(t, append(evs, other...))
	body = bytes.ReplaceAll(bytes.ReplaceAll(body, []byte(`\u003c`), []byte("<")), []byte(`\u003e`), []byte(">"))
	if !bytes.Contains(body, []byte("<script>")) {
		t.Fatal("test body lacks a raw <script>")
	}
	if r := post(t, ts, bytes.NewReader(body), nil); r.status != http.StatusOK {
		t.Fatalf("%d %s", r.status, r.body)
	}

	t.Run("list", func(t *testing.T) {
		r := get(t, ts, "/")
		if r.status != http.StatusOK || !strings.HasPrefix(r.header.Get("Content-Type"), "text/html") {
			t.Fatalf("%d %q", r.status, r.header.Get("Content-Type"))
		}
		if bytes.Contains(r.body, []byte("<script>")) {
			t.Fatalf("unescaped <script> in the list page")
		}
		if !bytes.Contains(r.body, []byte("&lt;script&gt;")) {
			t.Fatalf("hostile name not shown escaped")
		}
		_, scripts, links := parsePage(t, r.body)
		if len(scripts) != 0 {
			t.Fatalf("page has script elements: %q", scripts)
		}
		if len(links) != 2 || links[0] != hostileName || links[1] != "older trace" {
			t.Fatalf("trace links %q, want the two root names newest first", links)
		}
	})

	for _, path := range []string{"/traces/" + ids.trace, "/?trace=" + ids.trace} {
		t.Run("tree "+path, func(t *testing.T) {
			r := get(t, ts, path)
			if r.status != http.StatusOK {
				t.Fatalf("%d %s", r.status, r.body)
			}
			spans, scripts, _ := parsePage(t, r.body)
			if len(scripts) != 0 {
				t.Fatalf("page has script elements: %q", scripts)
			}
			want := []struct{ depth, name string }{{"0", hostileName}, {"1", "chat gpt-4o-mini"}, {"2", "execute_tool get_weather"}}
			if len(spans) != len(want) {
				t.Fatalf("%d span rows, want %d", len(spans), len(want))
			}
			for i, w := range want {
				if spans[i].depth != w.depth || spans[i].name != w.name {
					t.Errorf("row %d: depth %s name %q, want depth %s name %q", i, spans[i].depth, spans[i].name, w.depth, w.name)
				}
			}
			if spans[2].style != "margin-left: 3em" {
				t.Errorf("grandchild indentation style %q", spans[2].style)
			}
			llm := spans[1].text
			for _, s := range []string{"llm", "model gpt-4o-mini-2024-07-18", "tokens 42 in / 17 out / 59 total", "100 ms", "ok"} {
				if !strings.Contains(llm, s) {
					t.Errorf("llm row %q lacks %q", llm, s)
				}
			}
			if len(spans[0].details) == 0 || !strings.Contains(spans[0].details[0], `"content": "</pre><script>alert(1)</script>"`) {
				t.Errorf("root input details %q", spans[0].details)
			}
			if !strings.Contains(spans[2].text, "unset") || !strings.Contains(spans[2].text, "10 ms") {
				t.Errorf("tool row %q", spans[2].text)
			}
		})
	}

	t.Run("unknown trace", func(t *testing.T) {
		r := get(t, ts, "/traces/"+newV7(t))
		if r.status != http.StatusNotFound || !bytes.Contains(r.body, []byte("not found")) {
			t.Fatalf("%d %s", r.status, r.body)
		}
	})
}

func TestSpanTreeOrphansAndCycles(t *testing.T) {
	a, b, c, d := "a", "b", "c", "d"
	evs := []otelbridge.TraceEvent{
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
