package mapping

import (
	"bytes"
	"strings"

	"github.com/llmtrace/llmtrace/platform"
	sc "github.com/llmtrace/llmtrace/semconv"
)

// Tool arguments from the requesting tool call (issue 10, item 6). Some instrumentations
// record no arguments on a tool span — OpenLLMetry's @tool decorator records the Python
// function's own parameters, {"args": [], "kwargs": {}} for a tool the framework calls
// with none (traceloop-sdk decorators/base.py _handle_span_input) — while the model call
// that requested the tool, in the same trace, carries them. Such a tool event gets the
// arguments of the call with the same call id, else (a span naming no call id) of the one
// call in the trace with the same tool name, and metadata.input_from_tool_call = true.
//
// The calls are read from the model-call events' own output ("tool_calls") and input
// (the assistant messages' "tool_calls"), so every dialect's calls count, and they are
// remembered per trace in the trace memory (bounded: maxTraceToolCalls calls and
// maxTraceToolArgsBytes of arguments a trace), so a tool span mapped in a later Map call
// than its model call still finds them. A tool span mapped before the model call that
// requested it waits in the trace memory (at most maxTraceToolCalls a trace): the call's
// MapBatch reports its arguments (Batch.ToolArgs) and internal/tracestate sends the tool
// event again with them if the platform accepted it.

const (
	// maxTraceToolCalls bounds the tool calls remembered per trace; beyond it, calls are
	// not matched by name (one more call of the same name may be unknown).
	maxTraceToolCalls = 64
	// maxTraceToolArgsBytes bounds the argument bytes remembered per trace; a call over it
	// is remembered without arguments. With the trace memory's 4096 traces, the tool calls
	// hold at most about 64 MiB.
	maxTraceToolArgsBytes = 16 << 10
)

// toolCallRec is one tool call a model requested.
type toolCallRec struct {
	id, name string
	args     []byte // JSON; nil when over the byte bound
}

// traceToolCalls is what the trace memory keeps of a trace's tool calls.
type traceToolCalls struct {
	calls []toolCallRec
	bytes int
	full  bool // a call was not remembered: name matching is off
	// waiting are tool events mapped without arguments and no matching call yet; a later
	// call that brings theirs re-sends them (at most maxTraceToolCalls).
	waiting []waitingTool
}

// waitingTool is a tool event mapped without arguments.
type waitingTool struct {
	spanID           string // the event's spanId
	callID, toolName string
}

// pendingTool is a tool event of this call mapped without arguments.
type pendingTool struct {
	ev *platform.TraceEvent
	waitingTool
}

// eventToolCalls returns the tool calls of a model-call event: its output's tool_calls,
// then those of its input messages. They are read from the event's bytes exactly as
// json.Unmarshal decoded them into {"tool_calls":[{"id","name","arguments"}]} and
// {"messages":[{"tool_calls":[...]}]} (readToolCalls, toolcalls_read.go); the arguments
// alias the event's bytes (addToolCalls copies what it keeps).
func eventToolCalls(ev *platform.TraceEvent, dst []toolCallRec) []toolCallRec {
	if containsAt(ev.Output, toolCallsKey, 5) {
		dst = readToolCalls(ev.Output, false, dst)
	}
	if containsAt(ev.Input, toolCallsKey, 5) {
		dst = readToolCalls(ev.Input, true, dst)
	}
	return dst
}

// toolCallsKey is the key of an event's tool calls, as appendToolCalls writes it.
const toolCallsKey = `"tool_calls"`

// noArguments reports a tool input that records no arguments: none, null, "", {}, [] or
// OpenLLMetry's {"args": [], "kwargs": {}} (as json.Unmarshal into a
// map[string]json.RawMessage reads it: argsKwargsEmpty, toolcalls_read.go).
func noArguments(in []byte) bool {
	in = bytes.TrimSpace(in)
	switch string(in) {
	case "", "null", `""`, "{}", "[]":
		return true
	}
	return in[0] == '{' && argsKwargsEmpty(in)
}

// addToolCalls remembers calls of trace id in mem (deduplicated by id, else by name and
// arguments) and calls fn with the trace's calls so far; fn must not keep them.
func addToolCalls(mem TraceMemory, id [16]byte, calls []toolCallRec, fn func(*traceToolCalls)) {
	withTrace(mem, id, &toolCallsUpdate{calls, fn})
}

// toolCallsUpdate is addToolCalls' TraceUpdate.
type toolCallsUpdate struct {
	calls []toolCallRec
	fn    func(*traceToolCalls)
}

func (u *toolCallsUpdate) Update(t *TraceRecord) { t.toolCalls.add(u.calls, u.fn) }

// add is addToolCalls on one trace's calls.
func (tc *traceToolCalls) add(calls []toolCallRec, fn func(*traceToolCalls)) {
	for _, c := range calls {
		if tc.has(c) {
			continue
		}
		if len(tc.calls) >= maxTraceToolCalls {
			tc.full = true
			continue
		}
		if tc.bytes+len(c.args) > maxTraceToolArgsBytes {
			c.args = nil
		}
		c.args = bytes.Clone(c.args) // the event's bytes may be reused by the caller
		tc.bytes += len(c.args) + len(c.id) + len(c.name)
		tc.calls = append(tc.calls, c)
	}
	fn(tc)
}

func (tc *traceToolCalls) has(c toolCallRec) bool {
	for _, x := range tc.calls {
		if c.id != "" && x.id == c.id || c.id == "" && x.id == "" && x.name == c.name && bytes.Equal(x.args, c.args) {
			return true
		}
	}
	return false
}

// match returns the arguments for a tool span with call id callID and tool name name.
func (tc *traceToolCalls) match(callID, name string) []byte {
	if callID != "" {
		for _, x := range tc.calls {
			if x.id == callID {
				return x.args
			}
		}
		return nil
	}
	if tc.full || name == "" {
		return nil
	}
	var found []byte
	n := 0
	for _, x := range tc.calls {
		if x.name == name {
			found, n = x.args, n+1
		}
	}
	if n != 1 {
		return nil
	}
	return found
}

// fillToolArgs gives the tool events of b that record no arguments those of their
// requesting tool call (see above); preps are the Map call's spans, mem its memory. For a tool event of an
// earlier call whose call arrives now it adds the arguments to b.ToolArgs (the shipper
// sends that event again if the platform accepted it: internal/tracestate).
func (m *Mapper) fillToolArgs(b *Batch, preps []prepared, mem TraceMemory) {
	if m.opts.OmitContent {
		return
	}
	out := b.Events
	var (
		calls   map[string][]toolCallRec // by traceId; the maps are made on first need
		waiting map[string][]pendingTool
		tools   map[string]*prepared // by event spanId
	)
	for i := range out {
		ev := &out[i]
		switch ev.Type {
		case platform.TypeLLM:
			prev := calls[ev.TraceID]
			if cs := eventToolCalls(ev, prev); len(cs) > len(prev) {
				if calls == nil {
					calls = map[string][]toolCallRec{}
				}
				calls[ev.TraceID] = cs
			}
		case platform.TypeTool:
			if !noArguments(ev.Input) {
				continue
			}
			if tools == nil {
				tools = make(map[string]*prepared)
				for j := range preps {
					if p := &preps[j]; p.typ == platform.TypeTool {
						tools[SpanUUID(p.trace, p.span)] = p
					}
				}
			}
			p := tools[ev.SpanID]
			if p == nil {
				continue
			}
			id, _ := p.a.firstStr(p.a.rules.toolCallIDKeys...)
			name, _ := p.a.firstStr(p.a.rules.toolNameKeys...)
			if name == "" {
				name = strings.TrimPrefix(ev.Name, sc.OpExecuteTool+" ")
			}
			if waiting == nil {
				waiting = map[string][]pendingTool{}
			}
			waiting[ev.TraceID] = append(waiting[ev.TraceID], pendingTool{ev, waitingTool{ev.SpanID, id, name}})
		}
	}
	if len(calls) == 0 && len(waiting) == 0 {
		return
	}
	b.ToolArgs = append(b.ToolArgs, m.matchToolCalls(preps, calls, waiting, mem)...)
}

// matchToolCalls remembers the calls of each trace of preps and gives the waiting tool
// events theirs (fillToolArgs; apart so that only a call with tool calls or tools pays for
// the closures); it returns the arguments found for tool events of earlier calls.
func (m *Mapper) matchToolCalls(preps []prepared, calls map[string][]toolCallRec, waiting map[string][]pendingTool, mem TraceMemory) (later []ToolArgs) {
	for i := range preps {
		if len(calls) == 0 && len(waiting) == 0 {
			break // every trace with calls or waiting tools is done
		}
		if i > 0 && preps[i].trace == preps[i-1].trace {
			continue // its trace was just done (a trace's spans often come together)
		}
		trace := TraceUUID(preps[i].trace)
		cs, ok := calls[trace]
		if !ok && len(waiting[trace]) == 0 {
			continue
		}
		delete(calls, trace)
		w := waiting[trace]
		delete(waiting, trace)
		addToolCalls(mem, preps[i].trace, cs, func(tc *traceToolCalls) {
			for _, p := range w {
				if args := tc.match(p.callID, p.toolName); m.fits(args) {
					p.ev.Input = args
					p.ev.Metadata.Set("input_from_tool_call", true)
				} else if len(tc.waiting) < maxTraceToolCalls {
					tc.waiting = append(tc.waiting, p.waitingTool)
				}
			}
			if len(cs) == 0 {
				return
			}
			kept := tc.waiting[:0]
			for _, wt := range tc.waiting {
				if args := tc.match(wt.callID, wt.toolName); m.fits(args) {
					later = append(later, ToolArgs{TraceID: trace, SpanID: wt.spanID, Args: args})
					continue
				}
				kept = append(kept, wt)
			}
			tc.waiting = kept
		})
	}
	return later
}

// fits reports arguments worth filling in: some, within MaxInputBytes (a tool event's
// input is never truncated for them: larger ones are left out).
func (m *Mapper) fits(args []byte) bool {
	return len(args) > 0 && len(args) <= m.opts.MaxInputBytes && !noArguments(args)
}
