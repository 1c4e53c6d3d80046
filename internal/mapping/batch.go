package mapping

import (
	"encoding/json"
	"slices"

	"github.com/llmtrace/llmtrace/platform"
)

// What a Map call reports besides its events. Map's events depend only on the spans passed
// and the TraceMemory passed (map_trace.go: trace-wide values and usage roll-ups of spans
// seen in earlier calls); what happens to events already sent — the re-send of accepted
// events with late trace-wide values or tool arguments — is the caller's, from what
// MapBatch reports (internal/tracestate keeps the accepted events and re-sends them for the
// three shippers).

// Batch is what MapBatch, MapLateRecords and MapRecord make of one call.
type Batch struct {
	// Events are the events to send: one per span, in input order, each followed by one
	// error event per OTel exception event of the span (Map).
	Events []platform.TraceEvent
	// Traces are the trace-wide values of every trace of the call, resolved against the
	// trace memory: what each event of the trace should carry, including events accepted
	// in earlier calls (TraceValues.Matches / Apply).
	Traces []TraceValues
	// ToolArgs are arguments found in this call for tool events of earlier calls that were
	// mapped without them (toolargs.go): an accepted such event should be sent again with
	// them (ToolArgs.Apply).
	ToolArgs []ToolArgs
}

// TraceValues are the values every event of one trace shares.
type TraceValues struct {
	// TraceID is the platform traceId (UUID v7 string, TraceUUID).
	TraceID string
	// Version counts the changes of the trace's values in the trace memory: of two
	// TraceValues of one trace, the higher version is the newer.
	Version uint64
	// ThreadID, UserID and SessionID are the events' threadId, userId and sessionId;
	// ConversationID is the conversation id ThreadID comes from ("" when none: ThreadID is
	// then the TraceID).
	ThreadID, UserID, SessionID, ConversationID string
	// Tags are the events' tags: the union of the trace's span tags and MapOptions.Tags,
	// normalised (sorted, de-duplicated).
	Tags []string
}

// Matches reports whether ev already carries v.
func (v *TraceValues) Matches(ev *platform.TraceEvent) bool {
	return ev.ThreadID == v.ThreadID && ev.UserID == v.UserID && ev.SessionID == v.SessionID &&
		slices.Equal(ev.Tags, v.Tags) && ev.Type == conversationRootType(ev.Type, ev.ParentSpanID == "", v.ConversationID)
}

// Apply returns a copy of ev that carries v: threadId, userId, sessionId, tags, the root's
// type (conversationRootType) and metadata.conversation_id. ev's metadata is copied
// before it changes (the caller that sent ev may still read it).
func (v *TraceValues) Apply(ev *platform.TraceEvent) platform.TraceEvent {
	cp := *ev
	cp.ThreadID, cp.UserID, cp.SessionID, cp.Tags = v.ThreadID, v.UserID, v.SessionID, v.Tags
	cp.Type = conversationRootType(ev.Type, ev.ParentSpanID == "", v.ConversationID)
	if v.ConversationID != "" && v.ConversationID != v.ThreadID && cp.Metadata.Get("conversation_id") != v.ConversationID {
		cp.Metadata = cp.Metadata.Clone()
		cp.Metadata.Set("conversation_id", v.ConversationID)
	}
	return cp
}

// ToolArgs are the arguments of the tool call a tool event's span executed, found after
// the event was mapped without them.
type ToolArgs struct {
	// TraceID and SpanID are the tool event's traceId and spanId.
	TraceID, SpanID string
	// Args is the call's arguments (JSON), within MapOptions.MaxInputBytes.
	Args json.RawMessage
}

// Apply returns a copy of ev with Args as its input and metadata.input_from_tool_call =
// true; ev's metadata is copied before it changes.
func (a *ToolArgs) Apply(ev *platform.TraceEvent) platform.TraceEvent {
	cp := *ev
	cp.Input = a.Args
	cp.Metadata = ev.Metadata.Clone()
	cp.Metadata.Set("input_from_tool_call", true)
	return cp
}

// conversationRootType is the type of an event given its trace's conversation: the root
// span of a trace with a conversation is the conversation turn, "chat", unless it is itself
// a model call ("llm") or a tool execution ("tool"), which keep their type wherever they
// sit; an "error" event stays one. It is the one place this rule lives: the build and the
// re-send (TraceValues.Apply) both use it.
func conversationRootType(t platform.Type, root bool, conversationID string) platform.Type {
	if root && conversationID != "" && t == platform.TypeCustom {
		return platform.TypeChat
	}
	return t
}

// addTraces adds ts to b.Traces, keeping per trace the newest values (a call that maps
// several times, as MapLogs does, sees a trace more than once).
func (b *Batch) addTraces(ts []TraceValues) {
	for _, t := range ts {
		i := slices.IndexFunc(b.Traces, func(x TraceValues) bool { return x.TraceID == t.TraceID })
		switch {
		case i < 0:
			b.Traces = append(b.Traces, t)
		case t.Version >= b.Traces[i].Version:
			b.Traces[i] = t
		}
	}
}

// add appends o's events, traces and tool arguments to b.
func (b *Batch) add(o Batch) {
	b.Events = append(b.Events, o.Events...)
	b.addTraces(o.Traces)
	b.ToolArgs = append(b.ToolArgs, o.ToolArgs...)
}

// KeptBytes estimates what keeping a copy of ev costs, bytes (the log join's and
// internal/tracestate's memory bounds count it): a fixed 512 per event (the event's struct
// and its Usage, copied into the store's slot, and its share of its trace's ID string,
// about 104 bytes: ids.go, idStrings), Input and Output, 96 per metadata entry (an entry is
// 32 bytes of its trace's entry slab, the rest covers a boxed value) plus the bytes of the
// entry's value that are its own (a string, a raw JSON value in its trace's content slab,
// a nested object or list), and the bytes of its tags and error. What the slabs hold
// beyond what their events are charged is bounded in internal/mapping/mapper.go (room)
// and map_metadata.go (entryRoom).
func KeptBytes(ev *platform.TraceEvent) int {
	n := 512 + len(ev.Input) + len(ev.Output) + metadataBytes(ev.Metadata)
	for _, t := range ev.Tags {
		n += 16 + len(t)
	}
	if ev.Error != nil {
		n += 32 + len(ev.Error.Type) + len(ev.Error.Message)
	}
	return n
}

// metadataBytes is what KeptBytes charges for md.
func metadataBytes(md platform.Metadata) int {
	n := 0
	for i := range md {
		n += 96 + valueBytes(md[i].Value)
	}
	return n
}

// valueBytes is what a metadata value holds beyond its entry and box (KeptBytes): the
// bytes of a string or raw JSON value, the entries or elements of a nested value.
func valueBytes(v any) int {
	switch v := v.(type) {
	case string:
		return len(v)
	case json.RawMessage:
		return len(v)
	case []byte:
		return len(v)
	case platform.Metadata:
		return metadataBytes(v)
	case []any:
		n := 0
		for _, x := range v {
			n += 16 + valueBytes(x)
		}
		return n
	case []string:
		n := 0
		for _, x := range v {
			n += 16 + len(x)
		}
		return n
	}
	return 0
}
