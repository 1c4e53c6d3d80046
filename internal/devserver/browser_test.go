package devserver

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// requireBrowserEnv, when set (make test and .ci/run set it), turns a missing Chromium
// into a failure instead of a skip.
const requireBrowserEnv = "LLMTRACE_REQUIRE_BROWSER"

// chromiumPath finds Debian's chromium (or $LLMTRACE_CHROMIUM).
func chromiumPath(t *testing.T) string {
	t.Helper()
	if p := os.Getenv("LLMTRACE_CHROMIUM"); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv(requireBrowserEnv) != "" {
		t.Fatalf("no chromium on PATH and %s is set: install it (apt-get install -y chromium; .ci/run does)", requireBrowserEnv)
	}
	t.Skipf("no chromium on PATH; set %s=1 to make this a failure", requireBrowserEnv)
	return ""
}

// newBrowser starts headless Chromium with a fresh profile and the flags that keep it off
// the network (loopback only) and returns the chromedp context of one tab. The browser
// lives until the test ends.
func newBrowser(t *testing.T) context.Context {
	t.Helper()
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chromiumPath(t)),
		chromedp.Flag("headless", true),
		chromedp.Flag("no-sandbox", true),
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("no-first-run", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1440, 1000),
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelTab := chromedp.NewContext(actx)
	t.Cleanup(func() { cancelTab(); cancelAlloc() })
	// The first call starts the browser; it must not carry a timeout (chromedp.Run).
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("starting chromium: %v", err)
	}
	return ctx
}

// stepTimeout bounds each browser step.
const stepTimeout = 30 * time.Second

// do runs browser actions as one named step.
func do(t *testing.T, ctx context.Context, step string, actions ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	sctx, cancel := context.WithTimeout(ctx, stepTimeout)
	defer cancel()
	if err := chromedp.Do(sctx, actions...); err != nil {
		t.Fatalf("%s: %v", step, err)
	}
}

// eval evaluates a JavaScript expression in the page and decodes its value.
func eval[T any](t *testing.T, ctx context.Context, expr string) T {
	t.Helper()
	sctx, cancel := context.WithTimeout(ctx, stepTimeout)
	defer cancel()
	v, err := chromedp.Run(sctx, chromedp.Evaluate[T](expr))
	if err != nil {
		t.Fatalf("evaluating %s: %v", expr, err)
	}
	return v
}

// screenshot saves a PNG of the whole page.
func screenshot(t *testing.T, ctx context.Context, path string) {
	t.Helper()
	sctx, cancel := context.WithTimeout(ctx, stepTimeout)
	defer cancel()
	png, err := chromedp.Run(sctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatalf("screenshot: %v", err)
	}
	if err := os.WriteFile(path, png, 0o644); err != nil {
		t.Fatal(err)
	}
}

// buildDir is the repository's _build directory, where test artifacts go.
func buildDir(t *testing.T) string {
	t.Helper()
	dir, err := filepath.Abs(filepath.Join("..", "..", "_build"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

// TestBrowser loads the dev platform in headless Chromium with a real agent trace (an
// agent, two model calls, a tool that fails: agentTrace) and a second trace, and checks
// what a person sees: the list and a filter narrowing it, the timeline bars, the messages
// and tool call rendered as a conversation, the cost, the roll-up, the raw input one click
// away, a trace arriving while the list is open. It saves screenshots under _build/.
func TestBrowser(t *testing.T) {
	ctx := newBrowser(t)
	_, ts := newTestServer(t, testKey)
	agent := agentTrace(t)
	other := mapTraces(t, readCapture(t, "vercel-ai-v5-tool-loop.json"))
	if r := post(t, ts, bytes.NewReader(batchJSON(t, append(agent, other...))), nil); r.status != http.StatusOK ||
		r.json(t)["accepted"] != float64(len(agent)+len(other)) {
		t.Fatalf("ingest: %d %s", r.status, r.body)
	}
	traceID := agent[0].TraceID
	out := buildDir(t)

	css := func(s string) chromedp.CSS { return chromedp.CSS(s) }
	do(t, ctx, "list", chromedp.Navigate(ts.URL+"/"), chromedp.WaitVisible(css(`table.traces`)))
	rows := eval[int](t, ctx, `document.querySelectorAll("table.traces tbody tr").length`)
	listText := eval[string](t, ctx, `document.querySelector("table.traces").innerText`)
	// A trace that arrives while the list is open appears without a reload (the page
	// re-fetches itself every 5 s while "Refresh every 5 s" is checked).
	late := mapTraces(t, readCapture(t, "openinference-openai-chat-tool.json"))
	if r := post(t, ts, bytes.NewReader(batchJSON(t, late)), nil); r.status != http.StatusOK {
		t.Fatalf("ingest: %d %s", r.status, r.body)
	}
	do(t, ctx, "live refresh", chromedp.WaitVisible(css(`table.traces tr[data-trace-id="`+late[0].TraceID+`"]`)))
	if n := eval[int](t, ctx, `document.querySelectorAll("table.traces tbody tr").length`); n != 3 {
		t.Fatalf("after the refresh the list has %d rows, want 3", n)
	}
	do(t, ctx, "filter by name",
		chromedp.SendKeys(css(`input[name="name"]`), "invoke_agent"),
		chromedp.Click(css(`form.filters button[type="submit"]`)),
		chromedp.WaitVisible(css(`a.clear`)), // the "Clear filters" link of a filtered list
	)
	filtered := eval[int](t, ctx, `document.querySelectorAll("table.traces tbody tr").length`)
	if rows != 2 || filtered != 1 {
		t.Fatalf("list has %d rows, %d after filtering by name, want 2 then 1", rows, filtered)
	}
	for _, want := range []string{"invoke_agent weather-agent", "2 failed", "ai.generateText", "unset", fixtureRollupText, "84 / 34 / 118",
		"conv-heldout-7 …7bda37f9e415", "$0.000033\t"} {
		if !strings.Contains(listText, want) {
			t.Errorf("list lacks %q:\n%s", want, listText)
		}
	}
	// The app's own conversation id finds the conversation's three traces.
	do(t, ctx, "filter by the app's conversation id",
		chromedp.Navigate(ts.URL+"/"), chromedp.WaitVisible(css(`table.traces`)),
		chromedp.SendKeys(css(`input[name="conversationId"]`), "conv-heldout-7"),
		chromedp.Click(css(`form.filters button[type="submit"]`)),
		chromedp.WaitVisible(css(`a.clear`)),
	)
	if n := eval[int](t, ctx, `document.querySelectorAll("table.traces tbody tr").length`); n != 3 {
		t.Errorf("conversationId=conv-heldout-7 lists %d traces, want 3", n)
	}
	do(t, ctx, "back to the name filter", chromedp.Navigate(ts.URL+"/?name=invoke_agent"), chromedp.WaitVisible(css(`a.clear`)))

	do(t, ctx, "open the trace",
		chromedp.Click(css(`table.traces a[href="/traces/`+traceID+`"]`)),
		chromedp.WaitVisible(css(`.timeline .bar`)),
	)
	// The header: the root span's status (the agent reports none) and the failures below it;
	// the conversation by the app's id with the thread UUID beside it.
	if h1 := eval[string](t, ctx, `document.querySelector("h1").innerText`); h1 != "invoke_agent weather-agent unset 2 failed" {
		t.Errorf("header %q", h1)
	}
	if c := eval[string](t, ctx, `document.querySelector("dd.conversation").innerText`); c != "conv-heldout-7 · thread "+agent[0].ThreadID {
		t.Errorf("conversation %q", c)
	}
	bars := eval[[]float64](t, ctx, `[...document.querySelectorAll(".timeline .bar")].map(b => b.getBoundingClientRect().width)`)
	if len(bars) != len(agent) {
		t.Fatalf("%d timeline bars, want one per span (%d)", len(bars), len(agent))
	}
	for i, w := range bars {
		if w < 1 {
			t.Errorf("bar %d is %.2f px wide", i, w)
		}
	}
	if bars[0] < 200 {
		t.Errorf("the root's bar spans %.0f px, want the whole track", bars[0])
	}
	// The root (the agent) is selected first: its roll-up over both calls, with the cost.
	rootText := eval[string](t, ctx, `document.querySelector(".details article.span.shown").innerText`)
	for _, want := range []string{"invoke_agent weather-agent", "Roll-up", "84 / 34 / 118", "16 cached", "10 reasoning", fixtureRollupText, "agent"} {
		if !strings.Contains(rootText, want) {
			t.Errorf("root panel lacks %q:\n%s", want, rootText)
		}
	}

	llmPanel := `#span-` + agent[0].SpanID // the first chat call
	do(t, ctx, "select the first model call",
		chromedp.Click(css(fmt.Sprintf(`.timeline .row[data-span-id="%s"] a`, agent[0].SpanID))),
		chromedp.WaitVisible(css(llmPanel)),
	)
	llmText := eval[string](t, ctx, `document.querySelector("`+llmPanel+`").innerText`)
	for _, want := range []string{
		"SYSTEM", "You are a weather assistant.", "USER", "What is the weather in Paris?",
		"ASSISTANT", "calls tool", "get_weather", `"city": "Paris"`, "call_fake000032",
		"gpt-4o-mini-2024-07-18", "openai", "42 / 17 / 59", "8 cached", "5 reasoning", "$0.0000165",
	} {
		if !strings.Contains(llmText, want) {
			t.Errorf("model call panel lacks %q:\n%s", want, llmText)
		}
	}
	screenshot(t, ctx, filepath.Join(out, "devserver-trace.png"))
	rawOf := `document.querySelector("` + llmPanel + ` details.raw-input").innerText`
	rawBefore := eval[string](t, ctx, rawOf)
	do(t, ctx, "expand the raw input",
		chromedp.Click(css(llmPanel+` details.raw-input summary`)),
		chromedp.WaitVisible(css(llmPanel+` details.raw-input pre`)),
	)
	rawAfter := eval[string](t, ctx, rawOf)
	if strings.Contains(rawBefore, `"inputSchema"`) || !strings.Contains(rawAfter, `"inputSchema"`) {
		t.Errorf("raw input: before the click %q, after %q; want it hidden, then shown", rawBefore, rawAfter)
	}
	screenshot(t, ctx, filepath.Join(out, "devserver-trace-raw-input.png"))

	toolPanel := `#span-` + agent[1].SpanID
	do(t, ctx, "select the tool",
		chromedp.Click(css(fmt.Sprintf(`.timeline .row[data-span-id="%s"] a`, agent[1].SpanID))),
		chromedp.WaitVisible(css(toolPanel)),
	)
	toolText := eval[string](t, ctx, `document.querySelector("`+toolPanel+`").innerText`)
	for _, want := range []string{"execute_tool get_weather", "error", "AI_APICallError", "calls tool", `"city": "Paris"`, "TOOL", "sunny"} {
		if !strings.Contains(toolText, want) {
			t.Errorf("tool panel lacks %q:\n%s", want, toolText)
		}
	}
	if n := eval[int](t, ctx, `document.querySelectorAll(".timeline .bar-error").length`); n != 2 {
		t.Errorf("%d error bars, want 2 (the failed tool span and its exception event)", n)
	}
	var exc string
	for _, ev := range agent {
		if ev.Type == "error" {
			exc = ev.SpanID
		}
	}
	do(t, ctx, "select the exception",
		chromedp.Click(css(fmt.Sprintf(`.timeline .row[data-span-id="%s"] a`, exc))),
		chromedp.WaitVisible(css(`#span-`+exc+` pre.stacktrace`)),
	)
	stack := eval[string](t, ctx, `document.querySelector("#span-`+exc+` pre.stacktrace").innerText`)
	stackLines := eval[int](t, ctx, `(() => { const p = document.querySelector("#span-`+exc+` pre.stacktrace");
		return Math.round(p.getBoundingClientRect().height / parseFloat(getComputedStyle(p).lineHeight)); })()`)
	if !strings.HasPrefix(stack, "AI_APICallError: The server had an error") || !strings.Contains(stack, "\n    at ") ||
		strings.Contains(stack, `\n`) || stackLines < 5 {
		t.Errorf("stack trace shown on %d lines:\n%s", stackLines, stack)
	}
	screenshot(t, ctx, filepath.Join(out, "devserver-stacktrace.png"))

	// An OTel trace id in hex, as SDKs print it, opens the trace's page.
	hexID, _ := agent[0].Metadata.Get("otel.trace_id").(string)
	do(t, ctx, "open by the OTel trace id", chromedp.Navigate(ts.URL+"/traces/"+hexID), chromedp.WaitVisible(css(`.timeline`)))
	if p := eval[string](t, ctx, `location.pathname`); p != "/traces/"+traceID {
		t.Errorf("/traces/%s ends at %s, want /traces/%s", hexID, p, traceID)
	}

	// The three captures carry the same conversation id (conv-heldout-7), so they share a
	// thread: the conversation view shows the three traces oldest first.
	if agent[0].ThreadID != other[0].ThreadID || agent[0].ThreadID != late[0].ThreadID {
		t.Fatalf("the captures' threads differ: %s, %s, %s", agent[0].ThreadID, other[0].ThreadID, late[0].ThreadID)
	}
	do(t, ctx, "conversation view", chromedp.Navigate(ts.URL+"/threads/"+agent[0].ThreadID), chromedp.WaitVisible(css(`ol.turns`)))
	turns := eval[[]string](t, ctx, `[...document.querySelectorAll("ol.turns > li")].map(li => li.innerText)`)
	wantTurns := []string{"ai.generateText", "invoke_agent weather-agent", "weather-agent"} // by start time
	if len(turns) != len(wantTurns) {
		t.Fatalf("conversation shows %d traces, want %d: %q", len(turns), len(wantTurns), turns)
	}
	for i, w := range wantTurns {
		if !strings.HasPrefix(turns[i], w+" ") || !strings.Contains(turns[i], "What is the weather in Paris?") ||
			!strings.Contains(turns[i], "It is 21 degrees and sunny in Paris.") {
			t.Errorf("turn %d: %q, want %s with the question and the answer", i, turns[i], w)
		}
	}
	screenshot(t, ctx, filepath.Join(out, "devserver-conversation.png"))
	t.Logf("screenshots in %s", out)
}

// With -read-key the page stays usable: the browser gets the login form, the key typed
// once opens the list and every later page (a cookie), and the link with ?key= works too.
func TestBrowserReadKey(t *testing.T) {
	ctx := newBrowser(t)
	_, addr := listenServer(t, Config{APIKey: testKey, ReadKey: readKey})
	base := "http://" + addr
	agent := agentTrace(t)
	resp, text := rawRequest(t, addr, "POST", "/v1/traces", addr,
		map[string]string{"Content-Type": "application/json", "Authorization": "Bearer " + testKey}, string(batchJSON(t, agent)))
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("ingest: %d %s", resp.StatusCode, text)
	}
	css := func(s string) chromedp.CSS { return chromedp.CSS(s) }
	do(t, ctx, "login form", chromedp.Navigate(base+"/traces/"+agent[0].TraceID), chromedp.WaitVisible(css(`form.login`)))
	if n := eval[int](t, ctx, `document.querySelectorAll(".timeline").length`); n != 0 {
		t.Fatal("the trace is shown without the read key")
	}
	do(t, ctx, "wrong key",
		chromedp.SendKeys(css(`form.login input[name="key"]`), "not-the-key"),
		chromedp.Submit(css(`form.login`)),
		chromedp.WaitVisible(css(`form.login .error-text, .error-text`)),
	)
	do(t, ctx, "right key",
		chromedp.SendKeys(css(`form.login input[name="key"]`), readKey),
		chromedp.Submit(css(`form.login`)),
		chromedp.WaitVisible(css(`.timeline .bar`)),
	)
	if p := eval[string](t, ctx, `location.pathname`); p != "/traces/"+agent[0].TraceID {
		t.Errorf("after login the browser is at %s", p)
	}
	do(t, ctx, "the list, by cookie", chromedp.Navigate(base+"/"), chromedp.WaitVisible(css(`table.traces`)))
	do(t, ctx, "the JSON link, by cookie", chromedp.Navigate(base+"/v1/traces/"+agent[0].TraceID), chromedp.WaitReady(css(`body`)))
	if body := eval[string](t, ctx, `document.body.innerText`); !strings.HasPrefix(body, `{"events":[`) {
		t.Errorf("read API in the browser: %.200s", body)
	}

	// A fresh browser with the ?key= link lands on the page, the key gone from the URL.
	ctx2 := newBrowser(t)
	do(t, ctx2, "?key= link", chromedp.Navigate(base+"/?key="+readKey), chromedp.WaitVisible(css(`table.traces`)))
	if u := eval[string](t, ctx2, `location.href`); strings.Contains(u, "key=") {
		t.Errorf("the key stays in the URL: %s", u)
	}
}
