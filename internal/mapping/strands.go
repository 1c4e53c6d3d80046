package mapping

import (
	sc "github.com/llmtrace/llmtrace/semconv"
)

// Strands Agents (strands-agents/sdk-python src/strands/telemetry/tracer.py;
// semconv/frameworks.go): gen_ai otherwise, with a cache-write count of its own
// (gen_ai.usage.cache_write_input_tokens), gen_ai.system naming the framework
// (frameworkNames), event-loop cycle spans without an operation name
// (anyAgentSpan, map_type.go), and tool spans whose arguments and result are carried in
// span events.
var strands = &dialect{
	name: "strands-agents",
	// Strands sets "strands-agents" as gen_ai.system (gen_ai.provider.name) on every span
	// (tracer.py _get_common_attributes): the provider is inferred like a missing one.
	frameworkNames:   []string{sc.StrandsSystem},
	valueEventInput:  strandsToolInput,
	valueEventOutput: strandsToolOutput,
	usageKeys:        usageKeys{cacheCreation: []string{sc.StrandsCacheWriteTokens}},
}

// strandsToolInput is a tool span's arguments carried in span events (execute_tool spans,
// start_tool_call_span): the tool_call part of the inference-details event's
// gen_ai.input.messages (gen_ai_latest_experimental), else the content of the
// gen_ai.tool.message event. Nil on other spans.
func strandsToolInput(c *spanCtx, tool bool) *jv {
	if !tool {
		return nil
	}
	if j, _ := c.detailsAttr(sc.GenAIInputMessages); j != nil {
		for _, m := range c.messages(j) {
			if len(m.toolCalls) == 1 {
				a := m.toolCalls[0].args
				return &a
			}
		}
		return j
	}
	for i := range c.events {
		if c.events[i].name == sc.EventToolMessage {
			c.usedEvents[i] = true
			o := eventAttrsJV(c.events[i].attrs)
			return o.get("content")
		}
	}
	return nil
}

// strandsToolOutput is a tool span's result carried in span events (end_tool_call_span):
// the tool_call_response part of the inference-details event's gen_ai.output.messages, else
// the message of the gen_ai.choice event. Nil on other spans.
func strandsToolOutput(c *spanCtx, tool bool) *jv {
	if !tool {
		return nil
	}
	if j, _ := c.detailsAttr(sc.GenAIOutputMessages); j != nil {
		for _, m := range c.messages(j) {
			if m.content != nil {
				return m.content
			}
			if m.hasText {
				j := parsedArgs(&jv{k: 's', s: m.text})
				return &j
			}
		}
		return j
	}
	if ev := c.event(sc.EventChoice); ev != nil {
		o := eventAttrsJV(ev.attrs)
		if r := converseResult(o.get("message")); r != nil {
			j := parsedArgs(r) // a text result that is JSON, as tool results elsewhere
			return &j
		}
	}
	return nil
}
