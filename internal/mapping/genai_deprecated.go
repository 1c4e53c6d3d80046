package mapping

import (
	sc "github.com/llmtrace/llmtrace/semconv"
)

// The deprecated gen_ai names real emitters still send (semconv v1.26–v1.36,
// semconv/genai_deprecated.go), in three dialects by what they replaced:
//   - genAIDeprecated: the old key names (gen_ai.system, gen_ai.usage.prompt_tokens /
//     completion_tokens, the flat cache and reasoning counts, gen_ai.user, the old AI SDK's
//     gen_ai.finishReason) and the non-standard total and cost keys;
//   - genAIEvents: the per-message span events of v1.28–v1.36 (gen_ai.system.message,
//     gen_ai.user.message, gen_ai.assistant.message, gen_ai.tool.message, gen_ai.choice);
//   - genAIContentEvents: v1.26's gen_ai.content.prompt / gen_ai.content.completion events
//     and their gen_ai.prompt / gen_ai.completion attributes (also set on the span).
var genAIDeprecated = &dialect{
	name:             "gen_ai deprecated names",
	finishReasonKeys: []string{sc.GenAIFinishReasonOld},
	usageKeys: usageKeys{
		prompt: []string{sc.GenAIUsagePromptTokens}, completion: []string{sc.GenAIUsageCompletionTokens},
		total: []string{sc.GenAIUsageTotalTokens}, cached: []string{sc.GenAIUsageCacheReadOld},
		cacheCreation: []string{sc.GenAIUsageCacheCreationOld}, reasoning: []string{sc.GenAIUsageReasoningOld},
		cost: []string{sc.GenAIUsageCost, sc.GenAIUsageTotalCost},
	},
	providerKeys: []string{sc.GenAISystem},
	ids:          idKeys{user: []string{sc.GenAIUser}},
}

var genAIEvents = &dialect{
	name:   "gen_ai message events (v1.28-v1.36)",
	input:  genAIEventsInput,
	output: genAIEventsOutput,
}

var genAIContentEvents = &dialect{
	name:             "gen_ai content events (v1.26)",
	input:            genAIContentInput,
	output:           genAIContentOutput,
	valueEventInput:  genAIContentValueInput,
	valueEventOutput: genAIContentValueOutput,
	content:          []string{sc.GenAIPrompt, sc.GenAICompletion},
}

// Deprecated per-message span events and their roles.
var messageEvents = map[string]string{
	sc.EventSystemMessage: "system", sc.EventUserMessage: "user",
	sc.EventAssistantMessage: "assistant", sc.EventToolMessage: "tool",
}

// genAIEventsInput reads the per-message events, each one message (role from the event
// name when the body has none). A gen_ai.tool.message body is {content, id, role?}
// (semconv v1.28–v1.36, gen-ai-events.md): id is the tool call the message answers, and
// content the tool's result, any value — an object that is not a typed content part is
// that result as it is, not a part of a message (toolMessageResult).
func genAIEventsInput(c *spanCtx) ([]nmsg, *jv, bool) {
	var msgs []nmsg
	for i := range c.events {
		role, ok := messageEvents[c.events[i].name]
		if !ok {
			continue
		}
		c.usedEvents[i] = true
		o := eventAttrsJV(c.events[i].attrs)
		m := normMessage(&o)
		if m.role == "" {
			m.role = role
		}
		if role == "tool" && m.role == "tool" {
			toolMessageResult(&m, &o)
		}
		msgs = append(msgs, m)
	}
	return msgs, nil, len(msgs) > 0
}

// toolMessageResult completes a tool message read from a gen_ai.tool.message body o whose
// role came from the event name: the tool call id from its id, and a content object that
// is no typed part (no type member, no provider-native block) as the result itself.
func toolMessageResult(m *nmsg, o *jv) {
	if m.toolCallID == "" {
		m.toolCallID = o.get("id").str()
	}
	ct := unwrap(o.get("content"))
	if ct == nil || ct.k != 'o' || partType(ct) != "" || len(m.toolCalls) > 0 || m.hasText || m.content != nil {
		return
	}
	if len(m.parts) == 1 && len(ct.keys) > 0 {
		m.parts = nil
		m.setResult(ct)
	}
}

// genAIEventsOutput reads the gen_ai.choice event: its message, or (Strands Agents) the
// answer's content blocks (JSON) or text, and its finish_reason.
func genAIEventsOutput(c *spanCtx) (*nmsg, bool) {
	ev := c.event(sc.EventChoice)
	if ev == nil {
		return nil, false
	}
	o := eventAttrsJV(ev.attrs)
	var m nmsg
	if msg := o.get("message"); msg != nil && msg.k == 'o' {
		m = normMessage(msg)
	} else {
		// Strands Agents: the answer's content blocks (JSON) or its text.
		m = nmsg{role: "assistant"}
		m.addContent(msg)
	}
	if m.finish == "" {
		m.finish = o.get("finish_reason").str()
	}
	return &m, true
}

// genAIContentInput reads v1.26's gen_ai.content.prompt event's gen_ai.prompt (or the same
// as a span attribute), JSON of the messages.
func genAIContentInput(c *spanCtx) ([]nmsg, *jv, bool) {
	if j, i := c.eventAttr(sc.EventContentPrompt, sc.GenAIPrompt); isMessageArray(j, false) {
		c.usedEvents[i] = true
		return c.messages(j), nil, true
	}
	if j := c.attrJV(sc.GenAIPrompt); isMessageArray(j, false) {
		return c.messages(j), nil, true
	}
	return nil, nil, false
}

// genAIContentOutput reads v1.26's gen_ai.content.completion event's gen_ai.completion —
// JSON of the messages or choices, or the answer's text — or the same messages as a span
// attribute.
func genAIContentOutput(c *spanCtx) (*nmsg, bool) {
	if j, i := c.eventAttr(sc.EventContentCompletion, sc.GenAICompletion); j != nil {
		switch {
		case j.k == 's':
			c.usedEvents[i] = true
			m := nmsg{role: "assistant"}
			m.addTextJV(j)
			return &m, true
		case isMessageArray(j, true) || isMessageArray(&jv{k: 'a', vals: []jv{*j}}, true):
			c.usedEvents[i] = true
			return pickOutput(normChoices(j)), true
		}
	}
	if j := c.attrJV(sc.GenAICompletion); isMessageArray(j, true) {
		return pickOutput(normChoices(j)), true
	}
	return nil, false
}

// genAIContentValueInput is the gen_ai.prompt of the gen_ai.content.prompt event, else the
// gen_ai.prompt attribute, as a plain value.
func genAIContentValueInput(c *spanCtx, tool bool) *jv {
	if ev := c.event(sc.EventContentPrompt); ev != nil {
		o := eventAttrsJV(ev.attrs)
		if p := o.get(sc.GenAIPrompt); p != nil {
			return p
		}
	}
	return c.attrJV(sc.GenAIPrompt)
}

// genAIContentValueOutput is genAIContentValueInput's twin for gen_ai.completion.
func genAIContentValueOutput(c *spanCtx, tool bool) *jv {
	if ev := c.event(sc.EventContentCompletion); ev != nil {
		o := eventAttrsJV(ev.attrs)
		if p := o.get(sc.GenAICompletion); p != nil {
			return p
		}
	}
	return c.attrJV(sc.GenAICompletion)
}
