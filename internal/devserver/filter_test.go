package devserver

import (
	"bytes"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/llmtrace/llmtrace/platform"
)

// Each filter of GET /v1/traces (and the page's form) narrows the list as documented;
// offset pages through it; order=asc lists oldest first; bad values are 400.
func TestListFilters(t *testing.T) {
	_, ts := newTestServer(t, testKey)
	g := func(p string) reply { return get(t, ts, p) }
	a, evA := newTrace(t, t0, "weather agent")
	b, evB := newTrace(t, t0.Add(time.Hour), "billing agent")
	c, evC := newTrace(t, t0.Add(2*time.Hour), "weather agent")
	evB[1].Model = "claude-sonnet-4"
	evB[2].Status, evB[2].Error = platform.StatusError, &platform.EventError{Type: "E", Message: "m"}
	evB[0].Status = platform.StatusError // the root failed too
	evC[0].Status = ""                   // a root that reports no status is "unset"
	for i := range evC {
		evC[i].Status = platform.StatusUnset
	}
	evC[2].Type = platform.TypeCustom
	evC[2].Name = "lookup_%_under_score"
	if r := post(t, ts, bytes.NewReader(batchJSON(t, append(append(evA, evB...), evC...))), nil); r.status != http.StatusOK {
		t.Fatalf("%d %s", r.status, r.body)
	}
	for _, tc := range []struct {
		q    string
		want []string
	}{
		{"", []string{c.trace, b.trace, a.trace}},
		{"name=BILLING", []string{b.trace}},              // case-insensitive
		{"name=get_weather", []string{b.trace, a.trace}}, // a child span's name
		{"name=" + url.QueryEscape("%_"), []string{c.trace}},
		{"model=claude", []string{b.trace}},
		{"model=gpt-4o", []string{c.trace, a.trace}},
		{"type=tool", []string{b.trace, a.trace}},
		{"type=custom", []string{c.trace}},
		{"status=error", []string{b.trace}}, // the root's status
		{"status=ok", []string{a.trace}},
		{"status=unset", []string{c.trace}},
		{"error=true", []string{b.trace}}, // any failed event
		{"error=false", []string{c.trace, a.trace}},
		{"status=unset&error=true", nil},
		{"from=" + url.QueryEscape(t0.Add(30*time.Minute).Format(time.RFC3339)), []string{c.trace, b.trace}},
		{"to=" + t0.Add(90*time.Minute).Format("2006-01-02T15:04"), []string{b.trace, a.trace}},
		{"from=2026-03-01T12:30&to=2026-03-01T13:30", []string{b.trace}},
		{"limit=1&offset=1", []string{b.trace}},
		{"limit=2&offset=2", []string{a.trace}},
		{"order=asc&limit=2", []string{a.trace, b.trace}},
		{"name=weather+agent&status=ok", []string{a.trace}},
	} {
		q, _ := url.ParseQuery(tc.q)
		var ids []string
		for _, s := range listTraces(t, g, q) {
			ids = append(ids, s.TraceID)
		}
		if !equalStrings(ids, tc.want) {
			t.Errorf("%s: got %v, want %v", tc.q, ids, tc.want)
		}
	}
	for _, bad := range []string{"type=agent", "status=fine", "error=yes", "from=yesterday", "to=1", "offset=-1", "offset=x", "order=up"} {
		if r := g("/v1/traces?" + bad); r.status != http.StatusBadRequest || r.json(t)["error"] == nil {
			t.Errorf("%s: %d %s", bad, r.status, r.body)
		}
		if r := g("/?" + bad); r.status != http.StatusBadRequest || !bytes.Contains(r.body, []byte(`role="alert"`)) {
			t.Errorf("page %s: %d", bad, r.status)
		}
	}
	// The page paginates 50 a page: "Older" appears only when a page is full.
	if r := g("/"); bytes.Contains(r.body, []byte(`rel="next"`)) || bytes.Contains(r.body, []byte(`rel="prev"`)) {
		t.Errorf("a 3-trace list links to other pages")
	}
	if r := g("/?offset=1"); !bytes.Contains(r.body, []byte(`rel="prev"`)) {
		t.Errorf("page 2 does not link back")
	}
}
