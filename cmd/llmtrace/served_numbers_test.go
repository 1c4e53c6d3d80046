package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/llmtrace/llmtrace/internal/mapping"
	"github.com/llmtrace/llmtrace/platform"
)

// TestCapturesServedNumbers checks the mapping of every capture against an oracle that does
// not come from the mapping code: the numbers the fake providers served
// (testdata/captures/README.md "Served numbers") and the capture's own OTLP attributes, read
// here with encoding/json. Unlike TestGolden (whose files `-update` writes from the code),
// a wrong mapping fails it. Per capture:
//
//   - every model-call span (servedModelCall) is one `llm` event, and there are no other
//     `llm` events; its model is the dated snapshot the provider answered with when the span
//     carries one anywhere (README: "Response model names are dated snapshots"), else the
//     span's own model attribute;
//   - a successful call's usage is what was served per call — prompt 42, completion 17,
//     total 59 — plus cached 8 and reasoning 5 where the span carries them (a key naming
//     cache / reasoning or thoughts with exactly that value, anywhere in its attributes, JSON
//     strings included); a failed call has no usage; no other event has usage; so the sums
//     over the events equal served-per-call × calls (a roll-up counted again would show);
//   - content: a model call whose span or log records (the capture's resourceLogs, joined
//     by trace and span id) carry the user's prompt has it among its event's input
//     messages; one whose answer (an output / completion / response key, a gen_ai.choice or
//     gen_ai.output.messages record) holds the served text answer has output.response, one
//     whose answer names the served tool has output.tool_calls naming it
//     (checkServedContent) — so content that only log records carry must reach the events;
//   - every tool span (servedToolCall) is a `tool` event that carries the tool's name, the
//     served `get_weather`;
//   - span status ERROR (or Langfuse level ERROR) → status error, OK → ok, else unset; every
//     `exception` span event → one `error` event under its span;
//   - where the trace's spans carry the served user / session / conversation
//     (user-heldout-42, sess-heldout-001, conv-heldout-7) under a key naming a user, session,
//     conversation or thread, every event of the trace has them
//     (the thread is mapping.ThreadUUID of the conversation, pinned by known values in
//     internal/mapping's TestThreadUUIDKnownValues); user, session and thread are the same on
//     every event of a trace. (A trace without the served conversation may still have a
//     thread of its own, e.g. Genkit JS's agent session: not a served number.)
//
// servedDisagreements lists where the mapping disagrees with the served numbers today: those
// assertions are left out (logged) so the integrator decides.
func TestCapturesServedNumbers(t *testing.T) {
	for _, f := range captures(t) {
		name := strings.TrimSuffix(filepath.Base(f), ".json")
		t.Run(name, func(t *testing.T) {
			checkServed(t, name, readServedCapture(t, f), mapCapture(t, f))
		})
	}
}

// The served numbers (testdata/captures/README.md "Served numbers").
const (
	servedPrompt     = 42
	servedCompletion = 17
	servedTotal      = 59
	servedCached     = 8
	servedReasoning  = 5
	servedTool       = "get_weather"
	servedUser       = "user-heldout-42"
	servedSession    = "sess-heldout-001"
	servedConv       = "conv-heldout-7"
)

// servedDisagreements: capture → assertion left out, with why. Each was found by this test.
// None today: Genkit JS's cached / reasoning counts in genkit:output.raw.usage and
// LangChain's answered model in output.value's LLMResult are read (internal/mapping
// genkit.go genkitUsage, answered_model.go).
var servedDisagreements = map[string]map[string]string{}

// servedRawSpan is one span of an OTLP JSON document, as the capture has it.
type servedRawSpan struct {
	TraceID      string                  `json:"traceId"`
	SpanID       string                  `json:"spanId"`
	ParentSpanID string                  `json:"parentSpanId"`
	Name         string                  `json:"name"`
	Attributes   []servedRawKV           `json:"attributes"`
	Status       servedRawStatus         `json:"status"`
	Events       []struct{ Name string } `json:"events"`

	attrs map[string]any // decoded: string, float64, bool, []any, map[string]any
	// records are the capture's log records that name this span (resourceLogs: trace and
	// span id), each its event name (eventName, else the event.name attribute), attributes
	// and body, decoded.
	records []servedRecord
}

// servedRecord is one log record of the capture, decoded.
type servedRecord struct {
	event string
	attrs map[string]any
	body  any
}

type servedRawRecord struct {
	TraceID    string         `json:"traceId"`
	SpanID     string         `json:"spanId"`
	EventName  string         `json:"eventName"`
	Attributes []servedRawKV  `json:"attributes"`
	Body       servedRawValue `json:"body"`
}

type servedRawStatus struct {
	Code json.RawMessage `json:"code"` // a number, or the enum's name
}

type servedRawKV struct {
	Key   string         `json:"key"`
	Value servedRawValue `json:"value"`
}

type servedRawValue struct {
	StringValue *string          `json:"stringValue"`
	IntValue    *json.RawMessage `json:"intValue"` // "42" or 42
	DoubleValue *float64         `json:"doubleValue"`
	BoolValue   *bool            `json:"boolValue"`
	ArrayValue  *struct {
		Values []servedRawValue `json:"values"`
	} `json:"arrayValue"`
	KvlistValue *struct {
		Values []servedRawKV `json:"values"`
	} `json:"kvlistValue"`
}

func (v servedRawValue) decode() any {
	switch {
	case v.StringValue != nil:
		return *v.StringValue
	case v.IntValue != nil:
		n, _ := strconv.ParseFloat(strings.Trim(string(*v.IntValue), `"`), 64)
		return n
	case v.DoubleValue != nil:
		return *v.DoubleValue
	case v.BoolValue != nil:
		return *v.BoolValue
	case v.ArrayValue != nil:
		l := []any{}
		for _, x := range v.ArrayValue.Values {
			l = append(l, x.decode())
		}
		return l
	case v.KvlistValue != nil:
		m := map[string]any{}
		for _, kv := range v.KvlistValue.Values {
			m[kv.Key] = kv.Value.decode()
		}
		return m
	}
	return nil
}

func readServedCapture(t *testing.T, path string) []*servedRawSpan {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		ResourceSpans []struct {
			ScopeSpans []struct {
				Spans []*servedRawSpan `json:"spans"`
			} `json:"scopeSpans"`
		} `json:"resourceSpans"`
		ResourceLogs []struct {
			ScopeLogs []struct {
				LogRecords []servedRawRecord `json:"logRecords"`
			} `json:"scopeLogs"`
		} `json:"resourceLogs"`
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	var spans []*servedRawSpan
	byID := map[string]*servedRawSpan{}
	for _, rs := range doc.ResourceSpans {
		for _, ss := range rs.ScopeSpans {
			for _, s := range ss.Spans {
				s.attrs = map[string]any{}
				for _, kv := range s.Attributes {
					s.attrs[kv.Key] = kv.Value.decode()
				}
				spans = append(spans, s)
				byID[s.TraceID+"/"+s.SpanID] = s
			}
		}
	}
	if len(spans) == 0 {
		t.Fatalf("%s: no spans", path)
	}
	for _, rl := range doc.ResourceLogs {
		for _, sl := range rl.ScopeLogs {
			for _, r := range sl.LogRecords {
				rec := servedRecord{event: r.EventName, attrs: map[string]any{}, body: r.Body.decode()}
				for _, kv := range r.Attributes {
					rec.attrs[kv.Key] = kv.Value.decode()
				}
				if rec.event == "" {
					rec.event, _ = rec.attrs["event.name"].(string)
				}
				s := byID[r.TraceID+"/"+r.SpanID]
				if s == nil {
					t.Fatalf("%s: a log record names span %s/%s, which the capture does not hold", path, r.TraceID, r.SpanID)
				}
				s.records = append(s.records, rec)
			}
		}
	}
	return spans
}

func (s *servedRawSpan) str(k string) string { v, _ := s.attrs[k].(string); return v }

// statusCode is the span's OTLP status code: 0 unset, 1 ok, 2 error.
func (s *servedRawSpan) statusCode() int {
	c := strings.Trim(string(s.Status.Code), `"`)
	switch c {
	case "", "0", "STATUS_CODE_UNSET":
		return 0
	case "1", "STATUS_CODE_OK":
		return 1
	case "2", "STATUS_CODE_ERROR":
		return 2
	}
	return -1
}

// failed: OTel status ERROR, or a Langfuse observation of level ERROR (README: Langfuse's
// failed generation has no OTel error status).
func (s *servedRawSpan) failed() bool {
	return s.statusCode() == 2 || s.str("langfuse.observation.level") == "ERROR"
}

// servedModelCall reports a span that is one call to the provider, by each dialect's own
// marker (gen_ai semconv operation names, the AI SDK's doGenerate / doStream operations,
// OpenInference LLM spans, Genkit model actions, Langfuse generations).
func servedModelCall(s *servedRawSpan) bool {
	switch s.str("gen_ai.operation.name") {
	case "chat", "text_completion", "generate_content":
		return true
	}
	op := s.str("ai.operationId")
	return strings.HasSuffix(op, ".doGenerate") || strings.HasSuffix(op, ".doStream") ||
		s.str("openinference.span.kind") == "LLM" || s.str("genkit:metadata:subtype") == "model" ||
		s.str("langfuse.observation.type") == "generation" ||
		// Google ADK: a call_llm span that traceCallLlm filled (adk-js telemetry/tracing.ts).
		// A bare call_llm (a run that failed before: no attribute at all, no error status,
		// README) says nothing of a model call, and no assertion is made about it.
		s.Name == "call_llm" && s.str("gcp.vertex.agent.llm_request") != ""
}

// servedToolCall reports a tool execution span and the tool's name, by each dialect's marker.
func servedToolCall(s *servedRawSpan) (string, bool) {
	switch {
	case s.str("gen_ai.operation.name") == "execute_tool":
		return s.str("gen_ai.tool.name"), true
	case s.str("ai.operationId") == "ai.toolCall":
		return s.str("ai.toolCall.name"), true
	case s.str("openinference.span.kind") == "TOOL":
		if n := s.str("tool.name"); n != "" {
			return n, true
		}
		return s.Name, true
	case s.str("traceloop.span.kind") == "tool":
		return s.str("traceloop.entity.name"), true
	case s.str("genkit:metadata:subtype") == "tool" || s.str("genkit:metadata:subtype") == "tool.v2":
		return s.str("genkit:name"), true
	case s.str("langfuse.observation.type") == "tool":
		return s.Name, true
	}
	return "", false
}

// walk calls fn for every key and value in the span's attributes, descending into lists,
// maps and strings that hold JSON objects or arrays.
func (s *servedRawSpan) walk(fn func(key string, v any)) {
	var rec func(k string, v any, depth int)
	rec = func(k string, v any, depth int) {
		if depth > 32 {
			return
		}
		fn(k, v)
		switch x := v.(type) {
		case string:
			if t := strings.TrimSpace(x); strings.HasPrefix(t, "{") || strings.HasPrefix(t, "[") {
				var j any
				if json.Unmarshal([]byte(t), &j) == nil {
					rec(k, j, depth+1)
				}
			}
		case []any:
			for _, e := range x {
				rec(k, e, depth+1)
			}
		case map[string]any:
			for kk, e := range x {
				rec(kk, e, depth+1)
			}
		}
	}
	for k, v := range s.attrs {
		rec(k, v, 0)
	}
	for _, r := range s.records {
		for k, v := range r.attrs {
			rec(k, v, 0)
		}
		rec(r.event, r.body, 0)
	}
}

// answerPlace reports an attribute key or record that holds a model call's answer (not its
// request): a key naming an output, completion or response, a gen_ai.choice record, a
// record's gen_ai.output.messages.
func answerPlace(key string) bool {
	k := strings.ToLower(key)
	return strings.Contains(k, "output") || strings.Contains(k, "completion") || strings.Contains(k, "response") ||
		k == "gen_ai.choice"
}

// carriesAnswer reports whether the span (attributes, or its records) holds text in an
// answer place (answerPlace), at any depth below it.
func (s *servedRawSpan) carriesAnswer(text string) bool {
	found := false
	var rec func(v any, depth int)
	rec = func(v any, depth int) {
		if depth > 32 || found {
			return
		}
		switch x := v.(type) {
		case string:
			if strings.Contains(x, text) && !strings.Contains(x, servedPromptText) {
				found = true
			}
		case []any:
			for _, e := range x {
				rec(e, depth+1)
			}
		case map[string]any:
			for _, e := range x {
				rec(e, depth+1)
			}
		}
	}
	for k, v := range s.attrs {
		if answerPlace(k) {
			rec(v, 0)
		}
	}
	for _, r := range s.records {
		if answerPlace(r.event) {
			rec(r.body, 0)
		}
		for k, v := range r.attrs {
			if answerPlace(k) {
				rec(v, 0)
			}
		}
	}
	return found
}

// carriesText reports the text anywhere in the span's attributes or records.
func (s *servedRawSpan) carriesText(text string) bool {
	found := false
	s.walk(func(_ string, v any) {
		if x, ok := v.(string); ok && strings.Contains(x, text) {
			found = true
		}
	})
	return found
}

// carries reports a number equal to want under a key that contains one of words.
func (s *servedRawSpan) carries(want float64, words ...string) bool {
	found := false
	s.walk(func(k string, v any) {
		n, ok := v.(float64)
		if !ok || n != want {
			return
		}
		lk := strings.ToLower(k)
		for _, w := range words {
			if strings.Contains(lk, w) {
				found = true
			}
		}
	})
	return found
}

var servedDatedModel = regexp.MustCompile(`^[a-z0-9.\-]+-\d{4}-\d{2}-\d{2}$`)

// wantModel is the model the span's event must name: the dated snapshot the provider
// answered with when the span carries one under a key naming a model, else its own model
// attribute (per dialect).
func (s *servedRawSpan) wantModel() string {
	dated := ""
	s.walk(func(k string, v any) {
		if x, ok := v.(string); ok && dated == "" && strings.Contains(strings.ToLower(k), "model") && servedDatedModel.MatchString(x) {
			dated = x
		}
	})
	if dated != "" && !s.failed() {
		return dated
	}
	for _, k := range []string{"gen_ai.response.model", "ai.response.model", "gen_ai.request.model", "ai.model.id",
		"llm.model_name", "langfuse.observation.model.name"} {
		if v := s.str(k); v != "" {
			return v
		}
	}
	if n := s.str("genkit:name"); n != "" { // "openai/gpt-4o-mini": provider/model
		return n[strings.LastIndex(n, "/")+1:]
	}
	return ""
}

func checkServed(t *testing.T, name string, spans []*servedRawSpan, c capture) {
	known := servedDisagreements[name]
	skip := func(what string) bool {
		if why, ok := known[what]; ok {
			t.Logf("left out (known disagreement): %s — %s", what, why)
			return true
		}
		return false
	}
	// The capture's spans and their events, by the original span ID (metadata.otel.span_id).
	bySpan := map[string]*platform.TraceEvent{}
	for i := range c.events {
		e := &c.events[i]
		if e.Type == platform.TypeError && strings.HasPrefix(e.Name, "exception") && e.ParentSpanID != "" {
			continue // one per exception event, checked below
		}
		id, _ := e.Metadata.Get("otel.span_id").(string)
		if bySpan[id] != nil {
			t.Errorf("two events for span %s", id)
		}
		bySpan[id] = e
	}
	exceptions := 0
	for _, s := range spans {
		for _, ev := range s.Events {
			if ev.Name == "exception" {
				exceptions++
			}
		}
	}
	if len(c.events) != len(spans)+exceptions {
		t.Errorf("%d events, want %d spans + %d exception events", len(c.events), len(spans), exceptions)
	}

	var calls, okCalls, llmEvents int
	var sum, want platform.Usage
	for i := range c.events {
		if u := c.events[i].Usage; u != nil {
			addServedUsage(&sum, u)
		}
		if c.events[i].Type == platform.TypeLLM {
			llmEvents++
		}
	}
	errorEvents := map[string]int{} // event span ID → error events under it
	for i := range c.events {
		if e := &c.events[i]; e.Type == platform.TypeError && e.ParentSpanID != "" && strings.HasPrefix(e.Name, "exception") {
			errorEvents[e.ParentSpanID]++
		}
	}
	traceSpans := map[string][]*servedRawSpan{}
	for _, s := range spans {
		traceSpans[s.TraceID] = append(traceSpans[s.TraceID], s)
		e := bySpan[s.SpanID]
		if e == nil {
			t.Errorf("span %s %q: no event", s.SpanID, s.Name)
			continue
		}
		// Status.
		wantStatus := platform.StatusUnset
		if s.failed() {
			wantStatus = platform.StatusError
		} else if s.statusCode() == 1 {
			wantStatus = platform.StatusOK
		}
		if e.Status != wantStatus {
			t.Errorf("%s: status %s, want %s (span status %s)", s.Name, e.Status, wantStatus, s.Status.Code)
		}
		n := 0
		for _, ev := range s.Events {
			if ev.Name == "exception" {
				n++
			}
		}
		if errorEvents[e.SpanID] != n {
			t.Errorf("%s: %d error events, want one per exception event (%d)", s.Name, errorEvents[e.SpanID], n)
		}
		// Tools.
		if tool, ok := servedToolCall(s); ok {
			if tool != servedTool {
				t.Errorf("tool span %q names tool %q, served %q", s.Name, tool, servedTool)
			}
			if e.Type != platform.TypeTool || !servedEventNames(e, tool) {
				t.Errorf("tool span %q: event %q type %s does not carry tool %q", s.Name, e.Name, e.Type, tool)
			}
		}
		// Model calls.
		if !servedModelCall(s) {
			if e.Usage != nil {
				t.Errorf("%s (%s, not a model call) carries usage %+v: counted twice", s.Name, e.Type, *e.Usage)
			}
			continue
		}
		calls++
		if e.Type != platform.TypeLLM {
			t.Errorf("model call %q: type %s", s.Name, e.Type)
		}
		if m := s.wantModel(); e.Model != m && !skip("model") {
			t.Errorf("model call %q: model %q, want %q", s.Name, e.Model, m)
		}
		checkServedContent(t, s, e)
		if s.failed() {
			if e.Usage != nil && (e.Usage.PromptTokens != 0 || e.Usage.CompletionTokens != 0) {
				t.Errorf("failed call %q reports usage %+v", s.Name, *e.Usage)
			}
			continue
		}
		okCalls++
		w := platform.Usage{PromptTokens: servedPrompt, CompletionTokens: servedCompletion, TotalTokens: servedTotal}
		if s.carries(servedCached, "cache") {
			w.CachedTokens = servedCached
		}
		if s.carries(servedReasoning, "reasoning", "thought") {
			w.ReasoningTokens = servedReasoning
		}
		addServedUsage(&want, &w)
		if e.Usage == nil {
			t.Errorf("model call %q: no usage, want %+v", s.Name, w)
			continue
		}
		g := *e.Usage
		if g.PromptTokens != w.PromptTokens || g.CompletionTokens != w.CompletionTokens || g.TotalTokens != w.TotalTokens {
			t.Errorf("model call %q: prompt/completion/total %d/%d/%d, served %d/%d/%d", s.Name,
				g.PromptTokens, g.CompletionTokens, g.TotalTokens, w.PromptTokens, w.CompletionTokens, w.TotalTokens)
		}
		if g.CachedTokens != w.CachedTokens && !skip("cached") {
			t.Errorf("model call %q: cached %d, the span carries %d", s.Name, g.CachedTokens, w.CachedTokens)
		}
		if g.ReasoningTokens != w.ReasoningTokens && !skip("reasoning") {
			t.Errorf("model call %q: reasoning %d, the span carries %d", s.Name, g.ReasoningTokens, w.ReasoningTokens)
		}
	}
	if calls == 0 || llmEvents != calls {
		t.Errorf("%d llm events, %d model-call spans", llmEvents, calls)
	}
	// The sums: served per call × successful calls, nothing counted twice.
	if sum.PromptTokens != servedPrompt*int64(okCalls) || sum.CompletionTokens != servedCompletion*int64(okCalls) ||
		sum.TotalTokens != servedTotal*int64(okCalls) {
		t.Errorf("Σ prompt/completion/total %d/%d/%d over %d successful calls, want %d/%d/%d", sum.PromptTokens,
			sum.CompletionTokens, sum.TotalTokens, okCalls, servedPrompt*okCalls, servedCompletion*okCalls, servedTotal*okCalls)
	}
	if sum.CachedTokens != want.CachedTokens && !skip("cached") {
		t.Errorf("Σ cached %d, want %d", sum.CachedTokens, want.CachedTokens)
	}
	if sum.ReasoningTokens != want.ReasoningTokens && !skip("reasoning") {
		t.Errorf("Σ reasoning %d, want %d", sum.ReasoningTokens, want.ReasoningTokens)
	}

	// Trace-wide served values.
	for trace, ss := range traceSpans {
		var events []*platform.TraceEvent
		for i := range c.events {
			if id, _ := c.events[i].Metadata.Get("otel.trace_id").(string); id == trace {
				events = append(events, &c.events[i])
			}
		}
		if len(events) == 0 {
			t.Errorf("trace %s: no events", trace)
			continue
		}
		hasUser, hasSession := servedCarriesText(ss, servedUser, "user"), servedCarriesText(ss, servedSession, "session")
		hasConv := servedCarriesText(ss, servedConv, "conversation", "thread")
		for _, e := range events {
			if hasUser && e.UserID != servedUser {
				t.Errorf("trace %s, %s: userId %q, the trace carries %q", trace, e.Name, e.UserID, servedUser)
			}
			if hasSession && e.SessionID != servedSession {
				t.Errorf("trace %s, %s: sessionId %q, the trace carries %q", trace, e.Name, e.SessionID, servedSession)
			}
			if hasConv && e.ThreadID != mapping.ThreadUUID(servedConv) {
				t.Errorf("trace %s, %s: threadId %s, want ThreadUUID(%q) %s", trace, e.Name, e.ThreadID, servedConv, mapping.ThreadUUID(servedConv))
			}
			if !hasConv && e.ThreadID == mapping.ThreadUUID(servedConv) {
				t.Errorf("trace %s, %s: threadId of %q, which the trace does not carry", trace, e.Name, servedConv)
			}
			if e.UserID != events[0].UserID || e.SessionID != events[0].SessionID || e.ThreadID != events[0].ThreadID {
				t.Errorf("trace %s: user/session/thread differ between %s and %s", trace, e.Name, events[0].Name)
			}
		}
	}
}

// servedPromptText is in every user prompt the capture programs sent ("What is the weather
// in Paris?", "Stream me the weather in Paris.").
const servedPromptText = "weather in Paris"

// checkServedContent: a model call whose span or log records carry the user's prompt has
// it among its event's input messages; one whose answer (answerPlace) names the served tool
// has an output.tool_calls naming it, and one whose answer holds text about Paris has an
// output.response — so a capture whose content is in log records (resourceLogs) must have
// it joined into its llm events.
func checkServedContent(t *testing.T, s *servedRawSpan, e *platform.TraceEvent) {
	t.Helper()
	if s.carriesText(servedPromptText) {
		var in struct {
			Messages []json.RawMessage `json:"messages"`
		}
		if json.Unmarshal(e.Input, &in) != nil || len(in.Messages) == 0 || !strings.Contains(string(e.Input), servedPromptText) {
			t.Errorf("model call %q (%s): the span carries the prompt, the event's input has no such message: %.300s", s.Name, s.SpanID, e.Input)
		}
	}
	if s.failed() {
		return
	}
	var out struct {
		Response  json.RawMessage `json:"response"`
		ToolCalls []struct {
			Name string `json:"name"`
		} `json:"tool_calls"`
	}
	_ = json.Unmarshal(e.Output, &out)
	switch {
	case s.carriesAnswer(servedAnswerEnd):
		if len(out.Response) == 0 || !strings.Contains(string(out.Response), servedAnswerEnd) {
			t.Errorf("model call %q (%s): answered in text, output %.300s", s.Name, s.SpanID, e.Output)
		}
	case s.carriesAnswer(servedTool):
		if len(out.ToolCalls) == 0 || out.ToolCalls[0].Name != servedTool {
			t.Errorf("model call %q (%s): answered with a call to %s, output %.300s", s.Name, s.SpanID, servedTool, e.Output)
		}
	}
}

// servedAnswerEnd ends every text answer of the fakes ("It is 18 °C and clear in Paris.",
// the first set's "It is 21 degrees and sunny in Paris."); carriesAnswer skips the prompts,
// one of which ends the same way.
const servedAnswerEnd = "in Paris."

func addServedUsage(dst, u *platform.Usage) {
	dst.PromptTokens += u.PromptTokens
	dst.CompletionTokens += u.CompletionTokens
	dst.TotalTokens += u.TotalTokens
	dst.CachedTokens += u.CachedTokens
	dst.ReasoningTokens += u.ReasoningTokens
}

// servedEventNames reports an event that carries name: in its own name or as a metadata value.
func servedEventNames(e *platform.TraceEvent, name string) bool {
	if strings.Contains(e.Name, name) {
		return true
	}
	for _, v := range e.Metadata.All() {
		if s, ok := v.(string); ok && s == name {
			return true
		}
	}
	return false
}

// servedCarriesText reports a span of ss with text somewhere in its attributes under a key
// that contains one of words (case-insensitive): a served value under a key of another
// meaning (Google ADK writes its session id as gen_ai.conversation.id) is not that value.
func servedCarriesText(ss []*servedRawSpan, text string, words ...string) bool {
	for _, s := range ss {
		found := false
		s.walk(func(k string, v any) {
			x, ok := v.(string)
			if !ok || !strings.Contains(x, text) {
				return
			}
			lk := strings.ToLower(k)
			for _, w := range words {
				if strings.Contains(lk, w) {
					found = true
				}
			}
		})
		if found {
			return true
		}
	}
	return false
}
