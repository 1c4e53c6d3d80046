package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/llmtrace/llmtrace/internal/contract"
	"github.com/llmtrace/llmtrace/internal/mapping"
	"github.com/llmtrace/llmtrace/internal/pdataview"
	"github.com/llmtrace/llmtrace/internal/tracestate"
	"github.com/llmtrace/llmtrace/platform"
)

var update = flag.Bool("update", false, "rewrite testdata/golden/*.json")

const capturesDir = "../../testdata/captures"

// captures returns the capture files of testdata/captures, after checking that they are
// exactly the seven of the project's first set (otel-contrib-*, vercel-ai-*,
// openinference-*, traceloop-*) plus the ones its README's table lists: a capture added
// without its README row, or a row without its file, fails here.
func captures(t *testing.T) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(capturesDir, "*.json"))
	if err != nil {
		t.Fatal(err)
	}
	readme, err := os.ReadFile(filepath.Join(capturesDir, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]bool{}
	for _, m := range readmeRow.FindAllStringSubmatch(string(readme), -1) {
		want[m[1]] = true
	}
	if len(want) == 0 {
		t.Fatalf("no capture rows in %s/README.md", capturesDir)
	}
	firstSet := 0
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".json")
		switch {
		case want[name]:
			delete(want, name)
		case firstSetCapture.MatchString(name):
			firstSet++
		default:
			t.Errorf("capture %s has no row in %s/README.md", name, capturesDir)
		}
	}
	for name := range want {
		t.Errorf("README.md lists %s, which is not in %s", name, capturesDir)
	}
	if firstSet != 7 {
		t.Errorf("%d captures of the first set (README: seven), want 7", firstSet)
	}
	return files
}

var (
	// readmeRow matches a row of testdata/captures/README.md's table: "| `name` | …".
	readmeRow = regexp.MustCompile("(?m)^\\| `([a-z0-9-]+)` \\|")
	// firstSetCapture: the seven files that came with the project (README: "The seven files
	// of the first set").
	firstSetCapture = regexp.MustCompile(`^(otel-contrib|vercel-ai|openinference|traceloop)-`)
)

func runMap(t *testing.T, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	var out, errb bytes.Buffer
	code = run(append([]string{"map"}, args...), strings.NewReader(""), &out, &errb)
	return out.String(), errb.String(), code
}

// TestGolden compares `llmtrace map --pretty` of every capture with testdata/golden.
func TestGolden(t *testing.T) {
	for _, f := range captures(t) {
		name := strings.TrimSuffix(filepath.Base(f), ".json")
		t.Run(name, func(t *testing.T) {
			out, stderr, code := runMap(t, "--pretty", f)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			golden := filepath.Join("../../testdata/golden", name+".json")
			if *update {
				if err := os.WriteFile(golden, []byte(out), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (cd cmd && go test ./llmtrace -run Golden -update)", err)
			}
			if out != string(want) {
				t.Errorf("output differs from %s; rerun with -update after checking the change", golden)
			}
		})
	}
}

type capture struct {
	events []platform.TraceEvent
	byID   map[string]*platform.TraceEvent
}

func mapCapture(t *testing.T, path string) capture {
	t.Helper()
	out, stderr, code := runMap(t, path)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	// Every event decodes strictly and validates as the platform would read it.
	var raw struct{ Traces []json.RawMessage }
	if err := json.Unmarshal([]byte(out), &raw); err != nil {
		t.Fatal(err)
	}
	c := capture{byID: map[string]*platform.TraceEvent{}}
	for i, r := range raw.Traces {
		ev, err := contract.DecodeEvent(r)
		if err != nil {
			t.Fatalf("event %d: %v", i, err)
		}
		c.events = append(c.events, ev)
	}
	for i := range c.events {
		c.byID[c.events[i].SpanID] = &c.events[i]
	}
	return c
}

func (c capture) named(name string) []*platform.TraceEvent {
	var out []*platform.TraceEvent
	for i := range c.events {
		if c.events[i].Name == name {
			out = append(out, &c.events[i])
		}
	}
	return out
}

func (c capture) types() map[platform.Type]int {
	m := map[platform.Type]int{}
	for _, e := range c.events {
		m[e.Type]++
	}
	return m
}

// checkCommon asserts what holds on every capture: one trace; parents present; trace-wide
// thread/user/session; Σ prompt tokens; models are the dated snapshots; provider openai.
// The expected threadId is mapping.ThreadUUID of the conversation id (the core's own
// derivation, pinned by known values in internal/mapping's TestThreadUUIDKnownValues).
func checkCommon(t *testing.T, c capture, wantPrompt int64, wantConv, wantUser, wantSession string) {
	t.Helper()
	var sum int64
	roots := 0
	for _, e := range c.events {
		if e.TraceID != c.events[0].TraceID || e.ThreadID != c.events[0].ThreadID ||
			e.UserID != wantUser || e.SessionID != wantSession {
			t.Errorf("%s: trace/thread/user/session %s %s %q %q not trace-wide (want user %q session %q)",
				e.Name, e.TraceID, e.ThreadID, e.UserID, e.SessionID, wantUser, wantSession)
		}
		if e.ParentSpanID == "" {
			roots++
		} else if c.byID[e.ParentSpanID] == nil {
			t.Errorf("%s: parent %s not among the events", e.Name, e.ParentSpanID)
		}
		if e.Usage != nil {
			sum += e.Usage.PromptTokens
			if e.Type != platform.TypeLLM {
				t.Errorf("%s (%s) carries usage", e.Name, e.Type)
			}
		}
		if e.Type == platform.TypeLLM && e.Status != platform.StatusError {
			if !strings.Contains(e.Model, "-20") {
				t.Errorf("%s: model %q is not the dated snapshot", e.Name, e.Model)
			}
			if e.Provider != "openai" {
				t.Errorf("%s: provider %q", e.Name, e.Provider)
			}
			if e.Usage == nil || e.Usage.PromptTokens != 42 || e.Usage.CompletionTokens != 17 || e.Usage.TotalTokens != 59 {
				t.Errorf("%s: usage %+v", e.Name, e.Usage)
			}
		}
		if e.Metadata.Get("otel.trace_id") == nil || e.Metadata.Get("otel.span_id") == nil {
			t.Errorf("%s: original hex ids missing from metadata", e.Name)
		}
	}
	if roots != 1 {
		t.Errorf("%d roots, want 1", roots)
	}
	if sum != wantPrompt {
		t.Errorf("Σ usage.prompt_tokens = %d, want %d", sum, wantPrompt)
	}
	thread := c.events[0].ThreadID
	if wantConv != "" {
		if thread != mapping.ThreadUUID(wantConv) {
			t.Errorf("threadId %s, want ThreadUUID(%q)", thread, wantConv)
		}
		for _, e := range c.events {
			if e.Metadata.Get("conversation_id") != wantConv {
				t.Errorf("%s: metadata.conversation_id = %v", e.Name, e.Metadata.Get("conversation_id"))
			}
		}
	} else if thread != c.events[0].TraceID {
		t.Errorf("threadId %s, want the traceId %s (no conversation id)", thread, c.events[0].TraceID)
	}
	for _, e := range c.events {
		if e.ParentSpanID == "" && (wantConv != "") != (e.Type == platform.TypeChat) {
			t.Errorf("root %s has type %s (conversation %q)", e.Name, e.Type, wantConv)
		}
	}
}

// mapAndCheck maps testdata/captures/file and runs checkCommon with Σ prompt tokens
// wantPrompt and, when conversational, the captures' conversation, user and session
// (conv-heldout-7, user-heldout-42, sess-heldout-001); it also checks the number of events
// of each type in wantTypes (other types may occur).
func mapAndCheck(t *testing.T, file string, wantPrompt int64, conversational bool, wantTypes map[platform.Type]int) capture {
	t.Helper()
	c := mapCapture(t, filepath.Join(capturesDir, file))
	if conversational {
		checkCommon(t, c, wantPrompt, "conv-heldout-7", "user-heldout-42", "sess-heldout-001")
	} else {
		checkCommon(t, c, wantPrompt, "", "", "")
	}
	got := c.types()
	for typ, n := range wantTypes {
		if got[typ] != n {
			t.Errorf("types %v, want %v among them", got, wantTypes)
			break
		}
	}
	return c
}

func rollup(t *testing.T, e *platform.TraceEvent) float64 {
	t.Helper()
	r, ok := e.Metadata.Get("usage_rollup").(map[string]any)
	if !ok {
		t.Fatalf("%s: no metadata.usage_rollup", e.Name)
	}
	return r["prompt_tokens"].(float64)
}

func TestCaptureOtelContrib(t *testing.T) {
	c := mapAndCheck(t, "otel-contrib-openai-chat-tool.json", 84, false, map[platform.Type]int{platform.TypeLLM: 2, platform.TypeCustom: 1})
	if len(c.events) != 3 {
		t.Errorf("types %v", c.types())
	}
	llm := c.named("chat gpt-4o-mini")[0]
	if llm.Metadata.Get("gen_ai.request.model") != "gpt-4o-mini" || llm.Metadata.Get("server.address") != "127.0.0.1" ||
		llm.Metadata.Get("service.name") != "heldout-otel-contrib-openai" || llm.Metadata.Get("otel.scope.name") != "@opentelemetry/instrumentation-openai" {
		t.Errorf("metadata %v", llm.Metadata)
	}
	if rollup(t, c.named("heldout-app chat-tool")[0]) != 84 {
		t.Error("root roll-up")
	}
}

func TestCaptureVercelV5ToolLoop(t *testing.T) {
	c := mapAndCheck(t, "vercel-ai-v5-tool-loop.json", 84, true, map[platform.Type]int{platform.TypeLLM: 2, platform.TypeTool: 1, platform.TypeChat: 1})
	root := c.named("ai.generateText")[0]
	if root.Usage != nil || rollup(t, root) != 84 || root.Metadata.Get("kind") != "task" {
		t.Errorf("outer ai.generateText: usage %+v metadata %v", root.Usage, root.Metadata)
	}
	tool := c.named("ai.toolCall")[0]
	if string(tool.Input) != `{"city":"Paris"}` || !strings.Contains(string(tool.Output), `"temperature_c":21`) {
		t.Errorf("tool io %s %s", tool.Input, tool.Output)
	}
	first := c.named("ai.generateText.doGenerate")[0]
	if !strings.Contains(string(first.Input), `{"role":"user","content":"What is the weather in Paris?"}`) ||
		!strings.Contains(string(first.Output), `"tool_calls":[{"id":"call_fake000013","name":"get_weather","arguments":{"city":"Paris"}}]`) {
		t.Errorf("llm io %s %s", first.Input, first.Output)
	}
}

func TestCaptureVercelV5Error(t *testing.T) {
	c := mapAndCheck(t, "vercel-ai-v5-error-500.json", 0, true, nil)
	errs := c.named("exception AI_APICallError")
	if len(errs) != 2 {
		t.Fatalf("%d error events, want 2 (one per exception event)", len(errs))
	}
	for _, e := range errs {
		p := c.byID[e.ParentSpanID]
		if e.Type != platform.TypeError || e.Status != platform.StatusError || p == nil ||
			e.Error.Type != "AI_APICallError" || !strings.Contains(string(e.Output), `"stacktrace":"AI_APICallError`) {
			t.Errorf("error event %+v", e)
		}
		if p.Status != platform.StatusError || p.Error == nil || p.Error.Type != "AI_APICallError" ||
			p.Error.Message != "The server had an error while processing your request (fake)" {
			t.Errorf("failed span %s: status %s error %+v", p.Name, p.Status, p.Error)
		}
	}
	if c.named("ai.generateText.doGenerate")[0].Type != platform.TypeLLM || c.named("ai.generateText")[0].Type != platform.TypeChat {
		t.Error("a failed span must keep its type")
	}
}

func TestCaptureVercelV7(t *testing.T) {
	c := mapAndCheck(t, "vercel-ai-v7-otel-tool-loop.json", 84, true, nil)
	root := c.named("invoke_agent weather-agent")[0]
	if root.Usage != nil || rollup(t, root) != 84 || root.Metadata.Get("kind") != "agent" {
		t.Errorf("invoke_agent usage %+v", root.Usage)
	}
	for _, s := range append(c.named("step 1"), c.named("step 2")...) {
		if s.Usage != nil || rollup(t, s) != 42 || s.Metadata.Get("kind") != "step" {
			t.Errorf("%s usage %+v", s.Name, s.Usage)
		}
	}
	chat := c.named("chat gpt-4o-mini")
	if chat[0].Usage.CachedTokens != 8 || !strings.Contains(string(chat[0].Input), `"system":"You are a weather assistant."`) {
		t.Errorf("chat usage %+v input %s", chat[0].Usage, chat[0].Input)
	}
	if !strings.Contains(string(chat[1].Input), `{"role":"tool","content":{"city":"Paris","temperature_c":21,"sky":"sunny"},"tool_call_id":"call_fake000032"}`) {
		t.Errorf("tool result message: %s", chat[1].Input)
	}
}

func TestCaptureOpenInferenceChat(t *testing.T) {
	c := mapAndCheck(t, "openinference-openai-chat-tool.json", 84, true, map[platform.Type]int{platform.TypeLLM: 2, platform.TypeTool: 1, platform.TypeChat: 1})
	llm := c.named("OpenAI Chat Completions")[0]
	if llm.Usage.CachedTokens != 8 || llm.Usage.ReasoningTokens != 5 {
		t.Errorf("usage %+v", llm.Usage)
	}
	if _, dup := llm.Metadata.Lookup("input.value"); dup {
		t.Error("content duplicated into metadata")
	}
	if md, ok := llm.Metadata.Get("metadata").(map[string]any); !ok || md["tenant"] != "acme" {
		t.Errorf("OpenInference metadata JSON not kept as an object: %v", llm.Metadata.Get("metadata"))
	}
}

func TestCaptureOpenInferenceAgents(t *testing.T) {
	c := mapAndCheck(t, "openinference-openai-agents-agent-tool.json", 84, false, nil)
	kinds := map[string]int{}
	for _, e := range c.events {
		kinds[e.Metadata.Get("kind").(string)]++
	}
	if kinds["agent"] != 2 || kinds["chain"] != 3 || kinds["llm"] != 2 || kinds["tool"] != 1 {
		t.Errorf("kinds %v", kinds)
	}
	for _, e := range c.named("turn") {
		if rollup(t, e) != 42 {
			t.Errorf("turn roll-up")
		}
	}
}

func TestCaptureTraceloop(t *testing.T) {
	c := mapAndCheck(t, "traceloop-openai-chat-tool.json", 84, true,
		map[platform.Type]int{platform.TypeLLM: 2, platform.TypeTool: 1, platform.TypeChat: 1, platform.TypeCustom: 1})
	if c.named("weather_agent.agent")[0].Metadata.Get("kind") != "agent" || c.named("weather_workflow.workflow")[0].Metadata.Get("kind") != "workflow" {
		t.Error("traceloop kinds")
	}
}

// TestOrderAndBatchIndependence maps every capture shuffled, and split into per-span
// batches (children first) through one Mapper: the events the platform holds (each batch
// accepted, re-sent events upserted) are the same as in one call.
// Its reference is the mapping core itself (a property test); the values are pinned by
// TestGolden.
func TestOrderAndBatchIndependence(t *testing.T) {
	for _, f := range captures(t) {
		fh, _ := os.Open(f)
		td, err := pdataview.ReadOTLPJSON(fh)
		fh.Close()
		if err != nil {
			t.Fatal(err)
		}
		views := pdataview.Spans(td)
		want := canon(t, tracestate.New(tracestate.Options{Map: mapping.MapOptions{}}), [][]mapping.SpanView{views})
		for seed := uint64(1); seed <= 3; seed++ {
			s := append([]mapping.SpanView(nil), views...)
			rand.New(rand.NewPCG(seed, seed)).Shuffle(len(s), func(i, j int) { s[i], s[j] = s[j], s[i] })
			if got := canon(t, tracestate.New(tracestate.Options{Map: mapping.MapOptions{}}), [][]mapping.SpanView{s}); got != want {
				t.Errorf("%s: shuffled input changes the result", filepath.Base(f))
			}
		}
		// Children first, the root in a later Map call (the collector / processor case).
		var kids, root []mapping.SpanView
		for _, v := range views {
			if v.ParentSpanID() == [8]byte{} {
				root = append(root, v)
			} else {
				kids = append(kids, v)
			}
		}
		if got := canon(t, tracestate.New(tracestate.Options{Map: mapping.MapOptions{}}), [][]mapping.SpanView{kids, root}); got != want {
			t.Errorf("%s: root in a later batch changes the result", filepath.Base(f))
		}
		// One span per Map call in end-time order (real captures have parents ending a few
		// µs before their last child): the usage invariant still holds.
		s := append([]mapping.SpanView(nil), views...)
		sort.SliceStable(s, func(i, j int) bool { return s[i].EndTime().Before(s[j].EndTime()) })
		m := tracestate.New(tracestate.Options{Map: mapping.MapOptions{}})
		var sum, wantSum int64
		for _, v := range s {
			evs := m.Map([]mapping.SpanView{v})
			for _, e := range evs {
				if e.Usage != nil {
					sum += e.Usage.PromptTokens
				}
			}
		}
		evs := mapping.NewMapper(mapping.MapOptions{}).Map(views)
		for _, e := range evs {
			if e.Usage != nil {
				wantSum += e.Usage.PromptTokens
			}
		}
		if sum != wantSum {
			t.Errorf("%s: per-span batches sum %d prompt tokens, one batch %d", filepath.Base(f), sum, wantSum)
		}
	}
}

// canon maps batches in order, each reported delivered (as a shipper does), and returns
// the platform's final state: the last event of each span ID (docs/platform-api.md
// "Guarantees"), sorted. A trace-wide value a later batch brings (a session only the root
// carries) reaches the earlier events through the State's re-sends (internal/tracestate).
func canon(t *testing.T, m *tracestate.State, batches [][]mapping.SpanView) string {
	// What the platform ends up with: each batch accepted, upserted by (traceId, spanId),
	// so a later batch's re-sent events (late trace-wide values, e.g. a session id only the
	// root carries) replace the earlier ones.
	byID := map[string]platform.TraceEvent{}
	for _, b := range batches {
		evs := m.Map(b)
		m.Delivered(evs, platform.SendResult{Accepted: len(evs)})
		for _, e := range evs {
			byID[e.TraceID+"/"+e.SpanID] = e
		}
	}
	all := make([]platform.TraceEvent, 0, len(byID))
	for _, e := range byID {
		all = append(all, e)
	}
	sort.Slice(all, func(i, j int) bool { return all[i].SpanID < all[j].SpanID })
	b, _ := json.Marshal(all)
	return string(b)
}

// TestOutputIsBatchJSON: the output is json.Marshal of the Batch of the mapping core's
// events — self-referential, it checks the CLI's framing; TestGolden pins the values.
func TestOutputIsBatchJSON(t *testing.T) {
	f := filepath.Join(capturesDir, "vercel-ai-v5-tool-loop.json")
	out, _, code := runMap(t, f)
	fh, _ := os.Open(f)
	defer fh.Close()
	td, _ := pdataview.ReadOTLPJSON(fh)
	evs := mapping.NewMapper(mapping.MapOptions{}).Map(pdataview.Spans(td))
	want, _ := json.Marshal(platform.Batch{Traces: evs})
	if code != 0 || out != string(want)+"\n" {
		t.Errorf("output is not json.Marshal(Batch)")
	}
}

func TestOmitContentFlag(t *testing.T) {
	out, _, code := runMap(t, "--omit-content", filepath.Join(capturesDir, "traceloop-openai-chat-tool.json"))
	if code != 0 || strings.Contains(out, "Paris") || !strings.Contains(out, `"prompt_tokens":42`) || !strings.Contains(out, `"finish_reason":"stop"`) {
		t.Errorf("omit-content output keeps content or loses usage: %.400s", out)
	}
}

func TestBadInput(t *testing.T) {
	dir := t.TempDir()
	whole, _ := os.ReadFile(filepath.Join(capturesDir, "vercel-ai-v5-tool-loop.json"))
	cases := map[string]string{
		"truncated.json": string(whole[:len(whole)/2]),
		"notjson.txt":    "hello world",
		"other.json":     `{"foo": 1}`,
		"empty.json":     "",
	}
	for name, body := range cases {
		p := filepath.Join(dir, name)
		os.WriteFile(p, []byte(body), 0o644)
		out, stderr, code := runMap(t, p)
		if code != 1 || out != "" || strings.Count(stderr, "\n") != 1 || !strings.HasPrefix(stderr, "llmtrace map: ") {
			t.Errorf("%s: exit %d stdout %q stderr %q", name, code, out, stderr)
		}
	}
	if _, stderr, code := runMap(t, filepath.Join(dir, "missing.json")); code != 1 || strings.Count(stderr, "\n") != 1 {
		t.Errorf("missing file: %d %q", code, stderr)
	}
	var errb bytes.Buffer
	if code := run([]string{"frobnicate"}, strings.NewReader(""), &bytes.Buffer{}, &errb); code != 2 {
		t.Errorf("unknown subcommand exit %d", code)
	}
	var out bytes.Buffer
	if code := run([]string{"map", "-"}, bytes.NewReader(whole), &out, &errb); code != 0 || !strings.HasPrefix(out.String(), `{"traces":[`) {
		t.Errorf("stdin: exit %d", code)
	}
}
