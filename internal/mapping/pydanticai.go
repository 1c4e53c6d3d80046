package mapping

import (
	sc "github.com/llmtrace/llmtrace/semconv"
)

// Pydantic AI (semconv/frameworks.go; pydantic/pydantic-ai pydantic_ai_slim/pydantic_ai
// models/instrumented.py, agent/__init__.py): data format v1 keeps a model call's messages in
// the JSON attribute `events` (a list of deprecated gen_ai events) and an agent run's in
// `all_messages_events`; v2+ keep the agent run's whole history in
// `pydantic_ai.all_messages` (OTel message form) and its answer in `final_result`. Usage
// details are flattened as gen_ai.usage.details.*, the call's price is operation.cost.
// Tool spans are pydanticAITool. The agent run span of v1/v2, which names no operation, is
// typed by anyAgentSpan (map_type.go).
var pydanticAI = &dialect{
	name:      "pydantic-ai",
	input:     pydanticAIInput,
	output:    pydanticAIOutput,
	valueKeys: valueKeys{output: []string{sc.PydanticFinalResult}},
	content:   []string{sc.PydanticFinalResult, sc.PydanticEvents, sc.PydanticAllMessagesEvents, sc.PydanticAllMessages},
	usageKeys: usageKeys{cached: []string{sc.PydanticCacheRead}, cacheCreation: []string{sc.PydanticCacheWrite},
		reasoning: []string{sc.PydanticReasoning}, cost: []string{sc.PydanticOperationCost}},
}

// pydanticAITool is a tool span's tool_arguments and tool_response.
var pydanticAITool = &dialect{
	name: "pydantic-ai tool",
	valueKeys: valueKeys{input: []string{sc.PydanticToolArguments}, toolInput: []string{sc.PydanticToolArguments},
		output: []string{sc.PydanticToolResponse}, toolOutput: []string{sc.PydanticToolResponse}},
	content: []string{sc.PydanticToolArguments, sc.PydanticToolResponse},
}

// pydanticAIInput reads a v2+ agent run's pydantic_ai.all_messages (with
// gen_ai.system_instructions), else the messages of a v1 event list (`events` of a model
// call, `all_messages_events` of an agent run).
func pydanticAIInput(c *spanCtx) ([]nmsg, *jv, bool) {
	if j := c.attrJV(sc.PydanticAllMessages); j != nil && j.k == 'a' {
		return c.messages(j), c.attrJV(sc.GenAISystemInstructions), true
	}
	for _, k := range [...]string{sc.PydanticEvents, sc.PydanticAllMessagesEvents} {
		if j := c.attrJV(k); eventList(j) {
			if msgs, _ := eventListMessages(j); len(msgs) > 0 {
				return msgs, nil, true
			}
		}
	}
	return nil, nil, false
}

// pydanticAIOutput reads the gen_ai.choice entry of a v1 model call's `events`.
func pydanticAIOutput(c *spanCtx) (*nmsg, bool) {
	if j := c.attrJV(sc.PydanticEvents); eventList(j) {
		if _, choice := eventListMessages(j); choice != nil {
			return choice, true
		}
	}
	return nil, false
}

// eventList reports whether v is a Pydantic AI v1 event list: an array of objects each
// naming its event in "event.name".
func eventList(v *jv) bool {
	if v == nil || v.k != 'a' || len(v.vals) == 0 {
		return false
	}
	for i := range v.vals {
		if v.vals[i].k != 'o' || v.vals[i].get(sc.EventNameKey) == nil {
			return false
		}
	}
	return true
}

// eventListMessages returns the messages of a Pydantic AI v1 event list (the `events` or
// `all_messages_events` attribute: each entry is a deprecated gen_ai event's body merged
// with its attributes, pydantic_ai models/instrumented.py event_to_dict): the
// gen_ai.{system,user,assistant,tool}.message entries as messages (role from the event name
// when the body has none), and the gen_ai.choice entry's message separately.
func eventListMessages(v *jv) (msgs []nmsg, choice *nmsg) {
	for i := range v.vals {
		e := &v.vals[i]
		name := e.get(sc.EventNameKey).str()
		if name == sc.EventChoice {
			m := nmsg{role: "assistant"}
			if msg := e.get("message"); msg != nil && msg.k == 'o' {
				m = normMessage(msg)
				if m.role == "" {
					m.role = "assistant"
				}
			} else {
				m.addContent(msg)
			}
			if m.finish == "" {
				m.finish = firstOf(e, "finish_reason", "finishReason").str()
			}
			choice = &m
			continue
		}
		m := normMessage(e)
		if r, ok := messageEvents[name]; ok && (m.role == "" || name == sc.EventToolMessage) {
			m.role = r
		}
		if m.role == "" {
			continue
		}
		msgs = append(msgs, m)
	}
	return msgs, choice
}
