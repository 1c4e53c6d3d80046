package devserver

import (
	"encoding/json"
	"fmt"
	"math"
	"sort"
	"time"

	"github.com/llmtrace/llmtrace/platform"
	"github.com/llmtrace/llmtrace/semconv"
)

// traceView is one trace as the trace page shows it: totals over its events, and its
// spans in tree order with their timeline geometry and rendered content.
type traceView struct {
	TraceID    string
	Name       string
	Start      time.Time
	DurationMs float64
	// Status is the root span's status (unset when it reports none); ErrorCount counts the
	// events that failed (status or type error), the root included.
	Status     platform.Status
	ErrorCount int
	// Usage is Σ usage over the events (nil when none reports any).
	Usage     *usageView
	Models    []string
	Providers []string
	Tags      []string
	UserID    string
	SessionID string
	ThreadID  string
	// ConversationID is the app's own conversation id (metadata.conversation_id), of which
	// ThreadID is the derived UUID; "" when ThreadID is the app's id itself.
	ConversationID string
	Spans          []spanView
}

// spanView is one span: the event, its depth in the tree, its bar on the timeline (offset
// and width in % of the trace's duration) and what the detail panel shows.
type spanView struct {
	Ev         platform.TraceEvent
	Depth      int
	Indent     float64 // em
	Status     platform.Status
	Duration   string // ms, "" without endTime
	StartAt    string // ms after the trace's start
	OffsetPct  float64
	WidthPct   float64
	Kind       string // metadata.kind: agent, step, llm, tool, exception, …
	TTFC       string // time to first chunk, ms; "" when unknown
	Usage      *usageView
	Rollup     *usageView // metadata.usage_rollup: this span and everything below it
	Context    string     // "1 234 of 128 000 tokens" (context_used_tokens of context_window_tokens)
	Input      conversation
	Output     conversation
	InputRaw   string
	OutputRaw  string
	Metadata   string
	IsRootLike bool // a root, or an agent/step span: the roll-up is shown prominently
	// Stacktrace is the output's "stacktrace" (error events: exception.stacktrace, kept by
	// internal/mapping/mapper.go errorEvent) with its line breaks, shown preformatted.
	Stacktrace string
}

// usageView is usage for display: token counts, and the cost in USD when known.
type usageView struct {
	Prompt, Completion, Total, Cached, Reasoning int64
	Cost                                         string // "$0.000123"; "" when unknown
}

// newUsageView renders u; nil when it reports nothing.
func newUsageView(u *platform.Usage) *usageView {
	if u == nil || (u.PromptTokens|u.CompletionTokens|u.TotalTokens|u.CachedTokens|u.ReasoningTokens) == 0 && u.CostUSD == 0 {
		return nil
	}
	v := &usageView{Prompt: u.PromptTokens, Completion: u.CompletionTokens, Total: u.TotalTokens,
		Cached: u.CachedTokens, Reasoning: u.ReasoningTokens}
	if u.CostUSD > 0 {
		v.Cost = formatUSD(u.CostUSD)
	}
	return v
}

// newTraceView builds the trace page's view of events (non-empty, ordered by startTime).
func newTraceView(id string, events []platform.TraceEvent) traceView {
	tv := traceView{TraceID: id, Status: platform.StatusUnset}
	start, end := events[0].StartTime, events[0].StartTime
	var total platform.Usage
	models, providers, tags := map[string]bool{}, map[string]bool{}, map[string]bool{}
	for _, ev := range events {
		if ev.StartTime.Before(start) {
			start = ev.StartTime
		}
		e := ev.EndTime
		if e.IsZero() {
			e = ev.StartTime
		}
		if e.After(end) {
			end = e
		}
		if ev.Status == platform.StatusError || ev.Type == platform.TypeError {
			tv.ErrorCount++
		}
		if ev.Usage != nil {
			u := ev.Usage
			total.PromptTokens += u.PromptTokens
			total.CompletionTokens += u.CompletionTokens
			total.TotalTokens += u.TotalTokens
			total.CachedTokens += u.CachedTokens
			total.ReasoningTokens += u.ReasoningTokens
			total.CostUSD += u.CostUSD
		}
		addSet(models, ev.Model)
		addSet(providers, ev.Provider)
		for _, t := range ev.Tags {
			addSet(tags, t)
		}
	}
	tv.Start = start
	tv.DurationMs = msBetween(start, end)
	tv.Usage = newUsageView(&total)
	tv.Models, tv.Providers, tv.Tags = sortedKeys(models), sortedKeys(providers), sortedKeys(tags)
	tv.Spans = spanTree(events, start, tv.DurationMs)
	root := tv.Spans[0].Ev
	tv.Name, tv.Status = root.Name, tv.Spans[0].Status
	tv.UserID, tv.SessionID, tv.ThreadID = root.UserID, root.SessionID, root.ThreadID
	tv.ConversationID = conversationID(root.Metadata)
	for _, s := range tv.Spans { // a child may carry what the root lacks
		tv.UserID = firstNonEmpty(tv.UserID, s.Ev.UserID)
		tv.SessionID = firstNonEmpty(tv.SessionID, s.Ev.SessionID)
		if s.Ev.ThreadID == tv.ThreadID {
			tv.ConversationID = firstNonEmpty(tv.ConversationID, conversationID(s.Ev.Metadata))
		}
	}
	return tv
}

// conversationID is metadata.conversation_id: the app's own conversation id, which the
// mapping keeps when it differs from the threadId derived from it
// (internal/mapping/mapper.go fillMetadata).
func conversationID(md platform.Metadata) string {
	switch v := md.Get("conversation_id").(type) {
	case string:
		return v
	case json.Number:
		return v.String()
	}
	return ""
}

// stacktraceOf returns the "stacktrace" string of an object output (an error event's
// {type, message, stacktrace}), "" when there is none.
func stacktraceOf(raw json.RawMessage) string {
	if len(raw) == 0 || raw[0] != '{' {
		return ""
	}
	var out struct {
		Stacktrace string `json:"stacktrace"`
	}
	if json.Unmarshal(raw, &out) != nil {
		return ""
	}
	return out.Stacktrace
}

// spanTree orders events depth-first from the roots (no parentSpanId, or a parent that is
// not stored), children by startTime as given. Events caught in a parent cycle are shown
// as roots, so every event appears exactly once.
func spanTree(events []platform.TraceEvent, start time.Time, totalMs float64) []spanView {
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
	out := make([]spanView, 0, len(events))
	seen := make([]bool, len(events))
	var walk func(i, depth int)
	walk = func(i, depth int) {
		if seen[i] {
			return
		}
		seen[i] = true
		out = append(out, newSpanView(events[i], depth, start, totalMs))
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

func newSpanView(ev platform.TraceEvent, depth int, traceStart time.Time, totalMs float64) spanView {
	sv := spanView{Ev: ev, Depth: depth, Indent: 1.1 * float64(depth), Status: ev.Status,
		InputRaw: prettyJSON(ev.Input), OutputRaw: prettyJSON(ev.Output)}
	if sv.Status == "" {
		sv.Status = platform.StatusUnset
	}
	offset := msBetween(traceStart, ev.StartTime)
	sv.StartAt = formatMs(offset)
	var dur float64
	if !ev.EndTime.IsZero() {
		dur = ev.DurationMs
		if dur == 0 {
			dur = msBetween(ev.StartTime, ev.EndTime)
		}
		sv.Duration = formatMs(dur)
	}
	if totalMs > 0 {
		sv.OffsetPct = round2(100 * offset / totalMs)
		sv.WidthPct = round2(100 * dur / totalMs)
	} else {
		sv.WidthPct = 100
	}
	sv.WidthPct = max(sv.WidthPct, 0.4) // an instant still shows
	if sv.OffsetPct+sv.WidthPct > 100 {
		sv.OffsetPct = max(0, 100-sv.WidthPct)
	}
	sv.Kind, _ = ev.Metadata.Get("kind").(string)
	sv.TTFC = timeToFirstChunk(ev.Metadata)
	sv.Usage = newUsageView(ev.Usage)
	switch m := ev.Metadata.Get("usage_rollup").(type) {
	case map[string]any: // decoded (decodeStored)
		sv.Rollup = newUsageView(usageFromMap(m))
	case platform.Metadata: // as the mapping builds it
		sv.Rollup = newUsageView(usageFromMap(m.Map()))
	}
	if u := ev.Usage; u != nil && u.ContextWindowTokens > 0 {
		if u.ContextUsedTokens > 0 {
			sv.Context = fmt.Sprintf("%d of %d tokens", u.ContextUsedTokens, u.ContextWindowTokens)
		} else {
			sv.Context = fmt.Sprintf("%d tokens", u.ContextWindowTokens)
		}
	}
	sv.IsRootLike = ev.ParentSpanID == "" || sv.Kind == "agent" || sv.Kind == "step"
	sv.Input = renderContent(ev.Input, false, &ev)
	sv.Output = renderContent(ev.Output, true, &ev)
	if !sv.Output.Recognised {
		sv.Stacktrace = stacktraceOf(ev.Output)
	}
	if len(ev.Metadata) > 0 {
		if b, err := json.MarshalIndent(ev.Metadata, "", "  "); err == nil {
			sv.Metadata = string(b)
		}
	}
	return sv
}

// timeToFirstChunk reads the time to the first streamed chunk from metadata, in ms:
// gen_ai.response.time_to_first_chunk (seconds, semconv) or ai.response.msToFirstChunk
// (ms, Vercel AI SDK).
func timeToFirstChunk(md platform.Metadata) string {
	if s, ok := number(md.Get(semconv.GenAIResponseTTFC)); ok {
		return formatMs(s * 1000)
	}
	if ms, ok := number(md.Get("ai.response.msToFirstChunk")); ok {
		return formatMs(ms)
	}
	return ""
}

// usageFromMap reads a usage object kept in metadata (usage_rollup, the mapper's
// usageJSON: token counts and cost_usd).
func usageFromMap(m map[string]any) *platform.Usage {
	get := func(k string) int64 {
		f, _ := number(m[k])
		return int64(f)
	}
	cost, _ := number(m["cost_usd"])
	return &platform.Usage{PromptTokens: get("prompt_tokens"), CompletionTokens: get("completion_tokens"),
		TotalTokens: get("total_tokens"), CachedTokens: get("cached_tokens"),
		ReasoningTokens: get("reasoning_tokens"), CostUSD: cost}
}

// number reads a JSON number decoded with UseNumber (or a float64).
func number(v any) (float64, bool) {
	switch x := v.(type) {
	case json.Number:
		f, err := x.Float64()
		return f, err == nil
	case float64:
		return x, true
	case int64:
		return float64(x), true
	}
	return 0, false
}

func msBetween(a, b time.Time) float64 { return float64(b.Sub(a)) / float64(time.Millisecond) }

func round2(f float64) float64 { return math.Round(f*100) / 100 }

func addSet(m map[string]bool, s string) {
	if s != "" {
		m[s] = true
	}
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func firstNonEmpty(a, b string) string {
	if a != "" {
		return a
	}
	return b
}
