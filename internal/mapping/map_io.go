package mapping

import (
	"strings"

	"github.com/llmtrace/llmtrace/internal/jsonesc"
	"github.com/llmtrace/llmtrace/platform"
	sc "github.com/llmtrace/llmtrace/semconv"
)

// Content keys: mapped into input / output (or dropped by OmitContent), never copied into
// metadata — the alternative representations of one span's content are not duplicated.
var contentKeys = []string{
	sc.GenAIInputMessages, sc.GenAIOutputMessages, sc.GenAISystemInstructions, sc.GenAIToolDefinitions,
	sc.GenAIToolCallArgs, sc.GenAIToolCallResult, sc.GenAIPrompt, sc.GenAICompletion,
	sc.GenAIRetrievalQueryText, sc.GenAIRetrievalDocuments,
	sc.OIInputValue, sc.OIOutputValue, sc.OIInputMimeType, sc.OIOutputMimeType,
	sc.TLEntityInput, sc.TLEntityOutput,
	sc.AIPrompt, sc.AIPromptMessages, sc.AIPromptTools, sc.AIResponseText, sc.AIResponseToolCalls,
	sc.AIResponseObject, sc.AIResultText, sc.AIResultToolCalls, sc.AIResultObject,
	sc.AIToolCallArgs, sc.AIToolCallResult, sc.AIValue, sc.AIValues, sc.AIEmbedding, sc.AIEmbeddings,
	sc.LangfuseObservationInput, sc.LangfuseObservationOutput, sc.MLflowSpanInputs, sc.MLflowSpanOutputs,
	sc.PydanticToolArguments, sc.PydanticToolResponse, "final_result", "input", "output",
	sc.PydanticEvents, sc.PydanticAllMessagesEvents, sc.PydanticAllMessages,
	sc.OpenAIV2RequestMessages, sc.OpenAIV2ResponseContent, sc.GenkitInput, sc.GenkitOutput,
}

// inputRules read the messages and tool definitions a dialect keeps in one structured
// value; the first that knows the span decides, before the other dialects' keys.
var inputRules = [...]func(c *spanCtx) (msgs []nmsg, tools *jv, ok bool){
	(*spanCtx).genkitInput,   // ModelRequest.messages, .tools in genkit:input
	(*spanCtx).langfuseInput, // {messages, tools} or messages in langfuse.observation.input
}

// outputRules read a model's answer a dialect keeps in one structured value.
var outputRules = [...]func(c *spanCtx) (*nmsg, bool){
	(*spanCtx).genkitOutput,   // ModelResponse.message, .finishReason in genkit:output
	(*spanCtx).langfuseOutput, // an assistant message or text in langfuse.observation.output
}

// valueInputRules and valueOutputRules read the plain input and output values (tools,
// flows, any span without messages) a dialect encodes or wraps its own way; nil when the
// span has none, and the value keys decide.
var (
	valueInputRules = [...]func(c *spanCtx) *jv{
		(*spanCtx).genkitValueInput, // genkit:input, JSON of any type
	}
	valueOutputRules = [...]func(c *spanCtx) *jv{
		(*spanCtx).genkitValueOutput, // genkit:output, JSON of any type; tool.v2 {"output": …} unwrapped
	}
)

var contentPrefixes = []string{
	sc.OILLMInputMessages, sc.OILLMOutputMessages, sc.OILLMPrompts, sc.OILLMChoices, sc.OILLMTools,
	sc.OIEmbeddings, sc.OIRetrievalDocs, sc.TLRequestFunctions, sc.TLLegacyCompletions,
}

// Flattened Traceloop prompt/completion keys share the gen_ai.prompt. root with the official
// gen_ai.prompt.name, so only indexed keys (gen_ai.prompt.{i}.…) are content.
func isIndexedContent(key string) bool {
	for _, p := range [...]string{sc.TLPromptPrefix, sc.TLCompletionPrefix} {
		if len(key) > len(p) && key[:len(p)] == p && key[len(p)] >= '0' && key[len(p)] <= '9' {
			return true
		}
	}
	return false
}

// Deprecated per-message span events and their roles.
var messageEvents = map[string]string{
	sc.EventSystemMessage: "system", sc.EventUserMessage: "user",
	sc.EventAssistantMessage: "assistant", sc.EventToolMessage: "tool",
}

// eventAttrsJV returns an event's attributes as a JSON object (strings parsed leniently).
func eventAttrsJV(m Map) jv {
	out := jv{k: 'o'}
	if m == nil {
		return out
	}
	m.Range(func(k string, v Value) bool {
		out.keys = append(out.keys, k)
		out.vals = append(out.vals, valueJV(v, true, 0))
		return true
	})
	return out
}

// attrJV returns a span attribute as JSON, parsing JSON strings leniently.
func (c *spanCtx) attrJV(key string) *jv {
	v, ok := c.a.get(key)
	if !ok {
		return nil
	}
	j := valueJV(v, true, 0)
	return &j
}

// eventAttr returns the attribute key of the first span event named name as JSON (strings
// parsed leniently) and the event's index, without marking the event used; nil and -1 when
// there is none.
func (c *spanCtx) eventAttr(name, key string) (*jv, int) {
	for i := range c.events {
		if c.events[i].name == name {
			o := eventAttrsJV(c.events[i].attrs)
			return o.get(key), i
		}
	}
	return nil, -1
}

// event returns the first span event named name.
func (c *spanCtx) event(name string) *spanEvent {
	for i := range c.events {
		if c.events[i].name == name {
			c.usedEvents[i] = true
			return &c.events[i]
		}
	}
	return nil
}

// detailsAttr returns key of the first gen_ai.client.inference.operation.details span
// event that carries it, with that event's attributes, marking the event used; nils when
// none does. A span may carry several such events: Strands Agents adds one with
// gen_ai.input.messages when the span starts and another with gen_ai.output.messages when it
// ends (strands-agents/sdk-python telemetry/tracer.py, gen_ai_latest_experimental).
func (c *spanCtx) detailsAttr(key string) (*jv, *jv) {
	for i := range c.events {
		if c.events[i].name != sc.EventInferenceDetails {
			continue
		}
		o := eventAttrsJV(c.events[i].attrs)
		if j := o.get(key); j != nil {
			c.usedEvents[i] = true
			return j, &o
		}
	}
	return nil, nil
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

// inputMessages finds the model-call messages of the span, the first dialect that has them.
func (c *spanCtx) inputMessages() ([]nmsg, *jv) {
	if j := c.attrJV(sc.GenAIInputMessages); j != nil && (j.k == 'a' || j.k == 'o') {
		return normMessages(j), c.attrJV(sc.GenAISystemInstructions)
	}
	if j, o := c.detailsAttr(sc.GenAIInputMessages); j != nil {
		return normMessages(j), o.get(sc.GenAISystemInstructions)
	}
	if c.a.hasIndexed(sc.OILLMInputMessages) {
		j := c.a.unflatten(sc.OILLMInputMessages)
		msgs := normMessages(&j)
		return msgs, c.requestSystem(msgs)
	}
	if c.a.hasIndexed(sc.TLPromptPrefix) {
		j := c.a.unflatten(sc.TLPromptPrefix)
		return normMessages(&j), nil
	}
	if j := c.attrJV(sc.AIPromptMessages); j != nil && j.k == 'a' {
		return normMessages(j), nil
	}
	// Pydantic AI: v2+ agent run spans carry the run's whole history in OTel message form;
	// v1 model-call and agent run spans carry event lists.
	if j := c.attrJV(sc.PydanticAllMessages); j != nil && j.k == 'a' {
		return normMessages(j), c.attrJV(sc.GenAISystemInstructions)
	}
	for _, k := range []string{sc.PydanticEvents, sc.PydanticAllMessagesEvents} {
		if j := c.attrJV(k); eventList(j) {
			if msgs, _ := eventListMessages(j); len(msgs) > 0 {
				return msgs, nil
			}
		}
	}
	if j := c.attrJV(sc.OpenAIV2RequestMessages); isMessageArray(j, false) {
		return normMessages(j), nil
	}
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
		msgs = append(msgs, m)
	}
	if len(msgs) > 0 {
		return msgs, nil
	}
	// v1.26: the gen_ai.content.prompt event's gen_ai.prompt (or the same as a span
	// attribute), JSON of the messages.
	if j, i := c.eventAttr(sc.EventContentPrompt, sc.GenAIPrompt); isMessageArray(j, false) {
		c.usedEvents[i] = true
		return normMessages(j), nil
	}
	if j := c.attrJV(sc.GenAIPrompt); isMessageArray(j, false) {
		return normMessages(j), nil
	}
	// llm.prompts.{i}: OpenInference's prompt.text (completions API, a user turn) or the
	// oldest OpenLLMetry role / content (a message).
	if c.a.hasIndexed(sc.OILLMPrompts) {
		j := c.a.unflatten(sc.OILLMPrompts)
		for i := range j.vals {
			e := &j.vals[i]
			if t := e.get("prompt").get("text"); t != nil {
				msgs = append(msgs, nmsg{role: "user", text: t.str(), hasText: true})
			} else if e.get("role") != nil || e.get("content") != nil {
				msgs = append(msgs, normMessage(e))
			}
		}
		return msgs, nil
	}
	// OpenInference model calls that do not flatten their request (the OpenAI Agents SDK
	// processor for some versions): input.value is the Responses API input items.
	if c.typ == platform.TypeLLM && c.a.str(sc.OIInputMimeType) != "text/plain" {
		if j := c.attrJV(sc.OIInputValue); j != nil && j.k == 'a' {
			if msgs, ok := responsesItems(j); ok {
				return msgs, nil
			}
		}
	}
	return nil, nil
}

// requestSystem returns the top-level "system" of input.value when that is a JSON request
// body (Anthropic Messages API: a string or an array of text blocks, which OpenInference's
// Anthropic instrumentor does not flatten into llm.input_messages), unless msgs already
// hold a system message; nil otherwise.
func (c *spanCtx) requestSystem(msgs []nmsg) *jv {
	for i := range msgs {
		if msgs[i].role == "system" {
			return nil
		}
	}
	v, ok := c.a.get(sc.OIInputValue)
	if !ok || v.Kind() != ValueStr || c.a.str(sc.OIInputMimeType) == "text/plain" {
		return nil
	}
	s := v.Str()
	if !strings.Contains(s, `"system"`) || !looksLikeJSON(s) {
		return nil
	}
	body, ok := parseJSON(s)
	if !ok || body.k != 'o' {
		return nil
	}
	if sys := body.get("system"); sys != nil && (sys.k == 's' || sys.k == 'a') {
		return sys
	}
	return nil
}

// toolDefinitions finds the tools offered to the model.
func (c *spanCtx) toolDefinitions() *jv {
	if j := c.attrJV(sc.GenAIToolDefinitions); j != nil {
		return j
	}
	if v, ok := c.a.get(sc.AIPromptTools); ok {
		j := valueJV(v, true, 0)
		for i := range j.vals { // string[] of JSON
			j.vals[i] = parsedArgs(&j.vals[i])
		}
		return &j
	}
	if c.a.hasIndexed(sc.OILLMTools) {
		j := c.a.unflatten(sc.OILLMTools)
		for i := range j.vals {
			if s := j.vals[i].get("tool"); s != nil {
				if js := s.get("json_schema"); js != nil {
					j.vals[i] = *js
				}
			}
		}
		return &j
	}
	if c.a.hasIndexed(sc.TLRequestFunctions) {
		j := c.a.unflatten(sc.TLRequestFunctions)
		return &j
	}
	return nil
}

// Plain input / output value keys in priority order, for model and other spans and for tool
// spans.
var (
	valueInputKeys = []string{sc.LangfuseObservationInput, sc.GenAIInputMessages, sc.AIPromptMessages, sc.OIInputValue, sc.TLEntityInput, sc.AIPrompt,
		sc.GenAIToolCallArgs, sc.AIToolCallArgs, sc.GenAIRetrievalQueryText, sc.AIValue, sc.AIValues,
		sc.PydanticToolArguments, sc.MLflowSpanInputs, sc.GenkitInput, "input"}
	toolInputKeys = []string{sc.GenAIToolCallArgs, sc.AIToolCallArgs, sc.OIInputValue, sc.TLEntityInput,
		sc.PydanticToolArguments, sc.LangfuseObservationInput, sc.MLflowSpanInputs, sc.GenkitInput, "input"}
	valueOutputKeys = []string{sc.LangfuseObservationOutput, sc.GenAIOutputMessages, sc.OIOutputValue, sc.TLEntityOutput,
		sc.GenAIToolCallResult, sc.AIToolCallResult, sc.AIResponseObject, sc.AIResultObject,
		sc.GenAIRetrievalDocuments, sc.AIEmbedding, sc.AIEmbeddings, sc.PydanticToolResponse, "final_result",
		sc.MLflowSpanOutputs, sc.GenkitOutput, "output"}
	toolOutputKeys = []string{sc.GenAIToolCallResult, sc.AIToolCallResult, sc.OIOutputValue, sc.TLEntityOutput,
		sc.PydanticToolResponse, sc.LangfuseObservationOutput, sc.MLflowSpanOutputs, sc.GenkitOutput, "output"}
)

// appendValueInput appends the first plain input value of the span's dialect, as
// appendJV(valueInput(tool)) would, streaming the attribute values; ok is false when there
// is none.
func (c *spanCtx) appendValueInput(dst []byte, tool bool) ([]byte, bool) {
	keys := valueInputKeys
	if tool {
		keys = toolInputKeys
	}
	for _, k := range keys {
		if v, ok := c.a.get(k); ok {
			return c.appendAttrJSON(dst, v), true
		}
	}
	if j := c.valueInput(tool); j != nil {
		return appendJV(dst, j), true
	}
	return dst, false
}

// appendValueOutput is appendValueInput's twin for valueOutput.
func (c *spanCtx) appendValueOutput(dst []byte, tool bool) ([]byte, bool) {
	keys := valueOutputKeys
	if tool {
		keys = toolOutputKeys
	}
	for _, k := range keys {
		if v, ok := c.a.get(k); ok {
			return c.appendAttrJSON(dst, v), true
		}
	}
	if j := c.valueOutput(tool); j != nil {
		return appendJV(dst, j), true
	}
	return dst, false
}

// appendAttrJSON appends an attribute value as appendJV(valueJV(v, true, 0)) writes it:
// strings that hold a JSON object or array are re-encoded without building their tree.
func (c *spanCtx) appendAttrJSON(dst []byte, v Value) []byte {
	if v.Kind() == ValueStr && c.fast {
		s := v.Str()
		if looksLikeJSON(s) {
			if out, ok := appendJSONText(dst, s); ok {
				return out
			}
		}
		return jsonesc.AppendString(dst, s)
	}
	j := valueJV(v, true, 0)
	return appendJV(dst, &j)
}

// valueInput is the first plain input value of the span's dialect.
func (c *spanCtx) valueInput(tool bool) *jv {
	keys := valueInputKeys
	if tool {
		keys = toolInputKeys
	}
	for _, k := range keys {
		if j := c.attrJV(k); j != nil {
			return j
		}
	}
	if ev := c.event(sc.EventContentPrompt); ev != nil {
		o := eventAttrsJV(ev.attrs)
		if p := o.get(sc.GenAIPrompt); p != nil {
			return p
		}
	}
	if j := c.attrJV(sc.GenAIPrompt); j != nil || !tool {
		return j
	}
	return c.toolEventInput()
}

// toolEventInput is a tool span's arguments carried in span events (Strands Agents
// execute_tool spans, strands-agents/sdk-python telemetry/tracer.py start_tool_call_span):
// the tool_call part of the inference-details event's gen_ai.input.messages
// (gen_ai_latest_experimental), else the content of the gen_ai.tool.message event.
func (c *spanCtx) toolEventInput() *jv {
	if j, _ := c.detailsAttr(sc.GenAIInputMessages); j != nil {
		for _, m := range normMessages(j) {
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

// toolEventOutput is a tool span's result carried in span events (Strands Agents
// end_tool_call_span): the tool_call_response part of the inference-details event's
// gen_ai.output.messages, else the message of the gen_ai.choice event.
func (c *spanCtx) toolEventOutput() *jv {
	if j, _ := c.detailsAttr(sc.GenAIOutputMessages); j != nil {
		for _, m := range normMessages(j) {
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

func (c *spanCtx) valueOutput(tool bool) *jv {
	keys := valueOutputKeys
	if tool {
		keys = toolOutputKeys
	}
	for _, k := range keys {
		if j := c.attrJV(k); j != nil {
			return j
		}
	}
	if ev := c.event(sc.EventContentCompletion); ev != nil {
		o := eventAttrsJV(ev.attrs)
		if p := o.get(sc.GenAICompletion); p != nil {
			return p
		}
	}
	if j := c.attrJV(sc.GenAICompletion); j != nil || !tool {
		return j
	}
	return c.toolEventOutput()
}

// outputMessages finds the model's answer: the first assistant message of the first dialect
// that has one.
func (c *spanCtx) outputMessages() (*nmsg, bool) {
	pick := func(msgs []nmsg) (*nmsg, bool) {
		if len(msgs) == 0 {
			return nil, false
		}
		out := msgs[0]
		for i := 1; i < len(msgs); i++ { // several choices: gather their tool calls
			out.toolCalls = append(out.toolCalls, msgs[i].toolCalls...)
		}
		return &out, true
	}
	for _, rule := range outputRules {
		if m, ok := rule(c); ok {
			return m, true
		}
	}
	if j := c.attrJV(sc.GenAIOutputMessages); j != nil && (j.k == 'a' || j.k == 'o') {
		return pick(normMessages(j))
	}
	if j, _ := c.detailsAttr(sc.GenAIOutputMessages); j != nil {
		return pick(normMessages(j))
	}
	if j := c.attrJV(sc.PydanticEvents); eventList(j) {
		if _, choice := eventListMessages(j); choice != nil {
			return choice, true
		}
	}
	if c.a.hasIndexed(sc.OILLMOutputMessages) {
		j := c.a.unflatten(sc.OILLMOutputMessages)
		return pick(normMessages(&j))
	}
	if c.a.hasIndexed(sc.TLCompletionPrefix) {
		j := c.a.unflatten(sc.TLCompletionPrefix)
		return pick(normMessages(&j))
	}
	if c.a.hasIndexed(sc.TLLegacyCompletions) {
		j := c.a.unflatten(sc.TLLegacyCompletions)
		return pick(normMessages(&j))
	}
	text, tcs := c.a.str(sc.AIResponseText), c.attrJV(sc.AIResponseToolCalls)
	if text == "" && tcs == nil {
		text, tcs = c.a.str(sc.AIResultText), c.attrJV(sc.AIResultToolCalls)
	}
	if text != "" || tcs != nil {
		m := nmsg{role: "assistant"}
		if text != "" {
			m.addText(text)
		}
		if tcs != nil && tcs.k == 'a' {
			for i := range tcs.vals {
				m.toolCalls = append(m.toolCalls, normToolCall(&tcs.vals[i]))
			}
		}
		return &m, true
	}
	if ev := c.event(sc.EventChoice); ev != nil {
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
	if c.a.hasIndexed(sc.OILLMChoices) {
		j := c.a.unflatten(sc.OILLMChoices)
		m := nmsg{role: "assistant"}
		for i := range j.vals {
			if t := j.vals[i].get("completion").get("text"); t != nil {
				m.addText(t.str())
			}
		}
		return &m, m.hasText
	}
	// v1.26: the gen_ai.content.completion event's gen_ai.completion — JSON of the messages
	// or choices, or the answer's text — or the same messages as a span attribute.
	if j, i := c.eventAttr(sc.EventContentCompletion, sc.GenAICompletion); j != nil {
		switch {
		case j.k == 's':
			c.usedEvents[i] = true
			m := nmsg{role: "assistant"}
			m.addText(j.s)
			return &m, true
		case isMessageArray(j, true) || isMessageArray(&jv{k: 'a', vals: []jv{*j}}, true):
			c.usedEvents[i] = true
			return pick(normChoices(j))
		}
	}
	if j := c.attrJV(sc.GenAICompletion); isMessageArray(j, true) {
		return pick(normChoices(j))
	}
	if s := c.a.str(sc.OpenAIV2ResponseContent); s != "" {
		m := nmsg{role: "assistant"}
		m.addText(s)
		return &m, true
	}
	return nil, false
}

// finishReason is the first finish reason any dialect reports.
func (c *spanCtx) finishReason() *jv {
	if v, ok := c.a.get(sc.GenAIResponseFinishReason); ok {
		if l := v.List(); v.Kind() == ValueList && l != nil && l.Len() == 1 {
			j := valueJV(l.At(0), true, 1)
			return &j
		}
		j := valueJV(v, true, 0)
		if j.k == 'a' && len(j.vals) == 1 {
			return &j.vals[0]
		}
		if j.k == 'a' && len(j.vals) == 0 {
			return nil
		}
		return &j
	}
	for _, k := range []string{sc.OILLMFinishReason, sc.AIResponseFinish, sc.AIFinishReasonOld, sc.TLFinishReason, sc.GenAIFinishReasonOld} {
		if s := c.a.str(k); s != "" {
			c.a.use(k)
			return &jv{k: 's', s: s}
		}
	}
	return nil
}

// buildInput returns the event input, or nil.
func (c *spanCtx) buildInput() []byte {
	if c.opts.OmitContent {
		return nil
	}
	tool := c.typ == platform.TypeTool
	if !tool {
		if buf, ok := c.fastInput(); ok {
			c.buf = buf
			return c.keep(buf)
		}
		for _, rule := range inputRules {
			if msgs, tools, ok := rule(c); ok {
				buf := append(c.buf[:0], `{"messages":[`...)
				for i := range msgs {
					if i > 0 {
						buf = append(buf, ',')
					}
					buf = appendMessage(buf, &msgs[i])
				}
				buf = append(buf, ']')
				if tools != nil {
					buf = append(buf, `,"tools":`...)
					buf = appendJV(buf, tools)
				}
				buf = append(buf, '}')
				c.buf = buf
				return c.keep(buf)
			}
		}
		if msgs, sys := c.inputMessages(); msgs != nil || sys != nil {
			buf := append(c.buf[:0], `{"messages":[`...)
			for i := range msgs {
				if i > 0 {
					buf = append(buf, ',')
				}
				buf = appendMessage(buf, &msgs[i])
			}
			buf = append(buf, ']')
			if s := systemJV(sys); s.ok() {
				buf = append(buf, `,"system":`...)
				buf = appendJV(buf, &s)
			}
			if t := c.toolDefinitions(); t != nil {
				buf = append(buf, `,"tools":`...)
				buf = appendJV(buf, t)
			}
			buf = append(buf, '}')
			c.buf = buf
			return c.keep(buf)
		}
	}
	for _, rule := range valueInputRules {
		if j := rule(c); j != nil {
			buf := appendJV(c.buf[:0], j)
			c.buf = buf
			return c.keep(buf)
		}
	}
	if buf, ok := c.appendValueInput(c.buf[:0], tool); ok {
		c.buf = buf
		return c.keep(buf)
	}
	return nil
}

// buildOutput returns the event output, or nil.
func (c *spanCtx) buildOutput() []byte {
	tool := c.typ == platform.TypeTool
	if !tool {
		if out, ok := c.fastOutput(); ok {
			return out
		}
	}
	fr := c.finishReason()
	var m *nmsg
	if !tool {
		m, _ = c.outputMessages()
	}
	if m != nil && m.finish != "" {
		fr = &jv{k: 's', s: m.finish}
	}
	if c.opts.OmitContent {
		m = nil // finish reasons only
	}
	if m == nil && !c.opts.OmitContent {
		for _, rule := range valueOutputRules {
			if j := rule(c); j != nil {
				buf := appendJV(c.buf[:0], j)
				c.buf = buf
				return c.keep(buf)
			}
		}
	}
	if m == nil && !c.opts.OmitContent {
		if buf, ok := c.appendValueOutput(c.buf[:0], tool); ok {
			c.buf = buf
			return c.keep(buf)
		}
	}
	if m == nil && fr == nil {
		return nil
	}
	buf := append(c.buf[:0], '{')
	sep := func() {
		if len(buf) > 1 {
			buf = append(buf, ',')
		}
	}
	if m != nil {
		switch {
		case m.content != nil:
			sep()
			buf = append(buf, `"response":`...)
			buf = appendJV(buf, m.content)
		case m.hasText:
			sep()
			buf = append(buf, `"response":`...)
			buf = jsonesc.AppendString(buf, m.text)
		}
		if m.content == nil && len(m.parts) > 0 && !allTextParts(m.parts) {
			var other []jv // structured non-text parts (images, tool results, reasoning …)
			for i := range m.parts {
				if p := unwrap(&m.parts[i]); !(p.k == 'o' && allTextParts(m.parts[i:i+1])) {
					other = append(other, m.parts[i])
				}
			}
			sep()
			buf = append(buf, `"parts":`...)
			buf = appendJV(buf, &jv{k: 'a', vals: other})
		}
		if len(m.toolCalls) > 0 {
			sep()
			buf = append(buf, `"tool_calls":`...)
			buf = appendToolCalls(buf, m.toolCalls)
		}
	}
	if fr != nil {
		sep()
		buf = append(buf, `"finish_reason":`...)
		buf = appendJV(buf, fr)
	}
	buf = append(buf, '}')
	c.buf = buf
	if len(buf) == 2 {
		return nil
	}
	return c.keep(buf)
}

// fastInput builds the input of a model call whose gen_ai.input.messages is a JSON string
// of plain-text messages (fastMessages), streaming; ok is false otherwise, and the general
// path (inputMessages) decides. The bytes are the general path's.
func (c *spanCtx) fastInput() ([]byte, bool) {
	if !c.fast {
		return nil, false
	}
	v, ok := c.a.get(sc.GenAIInputMessages)
	if !ok || v.Kind() != ValueStr {
		return nil, false
	}
	msgs, txt, ok := fastMessages(v.Str(), c.fmsgs[:0], c.txt[:0])
	c.fmsgs, c.txt = msgs, txt
	if !ok {
		return nil, false
	}
	buf := append(c.buf[:0], `{"messages":[`...)
	for i := range msgs {
		if i > 0 {
			buf = append(buf, ',')
		}
		buf = appendFastMessage(buf, &msgs[i], txt)
	}
	buf = append(buf, ']')
	if sv, ok := c.a.get(sc.GenAISystemInstructions); ok {
		buf = append(buf, `,"system":`...)
		buf = c.appendSystem(buf, sv)
	}
	if tv, ok := c.a.get(sc.GenAIToolDefinitions); ok {
		buf = append(buf, `,"tools":`...)
		buf = c.appendAttrJSON(buf, tv)
	} else if t := c.toolDefinitions(); t != nil {
		buf = append(buf, `,"tools":`...)
		buf = appendJV(buf, t)
	}
	return append(buf, '}'), true
}

// appendSystem appends gen_ai.system_instructions as systemJV renders it: an array of text
// parts joined into one string, streaming; other shapes through the tree.
func (c *spanCtx) appendSystem(dst []byte, v Value) []byte {
	if v.Kind() == ValueStr {
		s := v.Str()
		if !looksLikeJSON(s) {
			return jsonesc.AppendString(dst, s)
		}
		if m, txt, ok := fastTextParts(s, c.txt[:0]); ok && m.hasText {
			c.txt = txt
			dst = append(dst, '"')
			dst = append(dst, txt[m.text0:m.text1]...)
			return append(dst, '"')
		}
	}
	j := valueJV(v, true, 0)
	sys := systemJV(&j)
	return appendJV(dst, &sys)
}

// fastOutput builds the output of a model call whose gen_ai.output.messages is a JSON
// string of one or more plain-text messages, streaming: {"response": the first message's
// text, "finish_reason": its finish reason or the span's}. ok is false otherwise, and the
// general path (outputMessages) decides. The bytes are the general path's.
func (c *spanCtx) fastOutput() ([]byte, bool) {
	if !c.fast {
		return nil, false
	}
	v, ok := c.a.get(sc.GenAIOutputMessages)
	if !ok || v.Kind() != ValueStr {
		return nil, false
	}
	msgs, txt, ok := fastMessages(v.Str(), c.fmsgs[:0], c.txt[:0])
	c.fmsgs, c.txt = msgs, txt
	if !ok || len(msgs) == 0 {
		return nil, false
	}
	fr := c.finishReason()
	m := &msgs[0]
	if m.finish != "" {
		fr = &jv{k: 's', s: m.finish}
	}
	buf := append(c.buf[:0], '{')
	if !c.opts.OmitContent && m.hasText {
		buf = append(buf, `"response":"`...)
		buf = append(buf, txt[m.text0:m.text1]...)
		buf = append(buf, '"')
	}
	if fr != nil {
		if len(buf) > 1 {
			buf = append(buf, ',')
		}
		buf = append(buf, `"finish_reason":`...)
		buf = appendJV(buf, fr)
	}
	buf = append(buf, '}')
	c.buf = buf
	if len(buf) == 2 {
		return nil, true
	}
	return c.keep(buf), true
}
