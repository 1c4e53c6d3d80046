package mapping

import (
	"github.com/llmtrace/llmtrace/internal/jsonesc"
	"github.com/llmtrace/llmtrace/platform"
	sc "github.com/llmtrace/llmtrace/semconv"
)

// The event's input and output, from the rules and keys of the dialects in the order of the
// precedence table (precedence.go): a model call's request (requestRules, else inputRules
// with toolsRules) and answer (outputRules, finishSteps); any span's plain values
// (valueDecode*Rules, the value keys, valueEvent*Rules).

// isIndexedContent reports a flattened content key under a prefix other keys share
// (indexedContentPrefixes: Traceloop's gen_ai.prompt.{i}.… beside the official
// gen_ai.prompt.name): only indexed keys are content.
func (r *ruleset) isIndexedContent(key string) bool {
	for _, p := range r.indexedContentPrefixes {
		if len(key) > len(p) && key[:len(p)] == p && key[len(p)] >= '0' && key[len(p)] <= '9' {
			return true
		}
	}
	return false
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
	return c.attrTree(v)
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

// inputMessages finds the model-call messages of the span and the system instructions kept
// apart from them: those of the first input rule whose keys are on the span (nils when it
// holds none, or no rule's keys are).
func (c *spanCtx) inputMessages() ([]nmsg, *jv) {
	for _, rule := range c.rules.inputRules {
		if msgs, sys, ok := rule(c); ok {
			return msgs, sys
		}
	}
	return nil, nil
}

// toolDefinitions finds the tools offered to the model: those of the first tools rule that
// finds some.
func (c *spanCtx) toolDefinitions() *jv {
	for _, rule := range c.rules.toolsRules {
		if t := rule(c); t != nil {
			return t
		}
	}
	return nil
}

// outputMessages finds the model's answer: that of the first output rule whose keys are on
// the span; nil when none.
func (c *spanCtx) outputMessages() *nmsg {
	for _, rule := range c.rules.outputRules {
		if m, ok := rule(c); ok {
			return m
		}
	}
	return nil
}

// pickOutput returns the answer among a dialect's output messages: the first, with the tool
// calls of the others (several choices); nil when there is none. msgs is the caller's own
// (fresh from normMessages / normChoices): its first message is returned, not copied.
func pickOutput(msgs []nmsg) *nmsg {
	if len(msgs) == 0 {
		return nil
	}
	out := &msgs[0]
	for i := 1; i < len(msgs); i++ {
		out.toolCalls = append(out.toolCalls, msgs[i].toolCalls...)
	}
	return out
}

// finishReason is the finish reason of the first finish-reason rule whose key is on the
// span, or the first plain-string finish-reason key present (consumed).
func (c *spanCtx) finishReason() *jv {
	for i := range c.rules.finishSteps {
		st := &c.rules.finishSteps[i]
		if st.rule != nil {
			if fr, ok := st.rule(c); ok {
				return fr
			}
			continue
		}
		bits := c.rules.listBits(st.keys)
		for i := range st.keys {
			if j := c.a.at(st.keys, bits, i); j >= 0 {
				if s := valueString(c.a.e[j].v); s != "" {
					c.a.e[j].used = true
					return c.treeRoot(jv{k: 's', s: s})
				}
			}
		}
	}
	return nil
}

// appendPlainValue appends the span's plain input (output false) or output value (tools,
// flows, any span without messages): the first value key present — toolInputKeys /
// toolOutputKeys on tool spans, valueInputKeys / valueOutputKeys on others, in the
// precedence table's order — else the first value a dialect finds in the span's events
// (valueEventInputRules / valueEventOutputRules); ok is false when there is none.
func (c *spanCtx) appendPlainValue(dst []byte, output, tool bool) ([]byte, bool) {
	keys, events := c.rules.valueInputKeys, c.rules.valueEventInputRules
	switch {
	case output && tool:
		keys, events = c.rules.toolOutputKeys, c.rules.valueEventOutputRules
	case output:
		keys, events = c.rules.valueOutputKeys, c.rules.valueEventOutputRules
	case tool:
		keys = c.rules.toolInputKeys
	}
	bits := c.rules.listBits(keys)
	for i := range keys {
		if v, ok := c.a.getAt(keys, bits, i); ok {
			return c.appendAttrJSON(dst, v), true
		}
	}
	for _, rule := range events {
		if j := rule(c, tool); j != nil {
			return appendJV(dst, j), true
		}
	}
	return dst, false
}

// appendAttrJSON appends an attribute value as appendJV(valueJV(v, true, 0)) writes it; a
// string holding a JSON object or array goes through appendJSONAttr.
func (c *spanCtx) appendAttrJSON(dst []byte, v Value) []byte {
	if v.Kind() == ValueStr {
		s := v.Str()
		if looksLikeJSON(s) {
			if out, ok := c.appendJSONAttr(dst, s); ok {
				return out
			}
		}
		return jsonesc.AppendString(dst, s)
	}
	j := valueJV(v, true, 0)
	return appendJV(dst, &j)
}

// appendJSONAttr is appendJSONText(dst, s) for a string s of the span's attributes holding a
// JSON object or array: written from the tree the span already parsed of s (parsedTree:
// answeredModel's, provider bodies', Genkit's, usage's in prepare), else parsed into a tree
// that lives only for the call.
func (c *spanCtx) appendJSONAttr(dst []byte, s string) ([]byte, bool) {
	if j := c.parsedTree(s); j != nil {
		if j.k == 's' {
			return dst, false // s did not parse
		}
		return appendJV(dst, j), true
	}
	return appendJSONText(dst, s)
}

// The input and output are written straight into the span's staging buffer (staged,
// mapper.go), where they stay until keepPair copies them into the slab: stageStart opens
// one, stageEnd closes it and returns it. Nothing else stages while one is open (the
// rules, systemJV and toolDefinitions run before the writing starts).

// stageStart returns the staging buffer to append one value to.
func (c *spanCtx) stageStart() []byte { return c.stage }

// stageEnd takes buf, the staging buffer stageStart returned with one value appended, and
// returns that value (capacity-limited: appending to it never touches the buffer).
func (c *spanCtx) stageEnd(buf []byte) []byte {
	l := len(c.stage)
	c.stage = buf
	return buf[l:len(buf):len(buf)]
}

// appendMessages writes the input's opening brace and its "messages" member; what follows
// and the closing brace are the caller's.
func appendMessages(buf []byte, msgs []nmsg) []byte {
	buf = append(buf, `{"messages":[`...)
	for i := range msgs {
		if i > 0 {
			buf = append(buf, ',')
		}
		buf = appendMessage(buf, &msgs[i])
	}
	return append(buf, ']')
}

// buildInput returns the event input (staged), or nil.
func (c *spanCtx) buildInput() []byte {
	if c.opts.OmitContent {
		return nil
	}
	tool := c.typ == platform.TypeTool
	if !tool {
		for _, rule := range c.rules.requestRules {
			if msgs, tools, ok := rule(c); ok {
				buf := appendMessages(c.stageStart(), msgs)
				if tools != nil {
					buf = append(buf, `,"tools":`...)
					buf = appendJV(buf, tools)
				}
				return c.stageEnd(append(buf, '}'))
			}
		}
		msgs, sys := c.inputMessages()
		if sys == nil && !hasRole(msgs, "system") {
			// gen_ai.system_instructions beside messages another dialect found (or alone):
			// the semconv's parts, or the plain string emitters send.
			sys = c.attrJV(sc.GenAISystemInstructions)
		}
		if msgs != nil || sys != nil {
			s := systemJV(sys)
			t := c.toolDefinitions()
			buf := appendMessages(c.stageStart(), msgs)
			if s.ok() && !systemRepeated(msgs, &s) {
				buf = append(buf, `,"system":`...)
				buf = appendJV(buf, &s)
			}
			if t != nil {
				buf = append(buf, `,"tools":`...)
				buf = appendJV(buf, t)
			}
			return c.stageEnd(append(buf, '}'))
		}
	}
	for _, rule := range c.rules.valueDecodeInputRules {
		if j := rule(c); j != nil {
			return c.stageEnd(appendJV(c.stageStart(), j))
		}
	}
	if buf, ok := c.appendPlainValue(c.stageStart(), false, tool); ok {
		return c.stageEnd(buf)
	}
	return nil
}

// buildOutput returns the event output (staged), or nil.
func (c *spanCtx) buildOutput() []byte {
	tool := c.typ == platform.TypeTool
	fr := c.finishReason()
	var m *nmsg
	if !tool {
		m = c.outputMessages()
	}
	if m != nil && m.finish != "" {
		fr = c.treeRoot(jv{k: 's', s: m.finish})
	}
	if c.opts.OmitContent {
		m = nil // finish reasons only
	}
	if m == nil && !c.opts.OmitContent {
		for _, rule := range c.rules.valueDecodeOutputRules {
			if j := rule(c); j != nil {
				return c.stageEnd(appendJV(c.stageStart(), j))
			}
		}
	}
	if m == nil && !c.opts.OmitContent {
		if buf, ok := c.appendPlainValue(c.stageStart(), true, tool); ok {
			return c.stageEnd(buf)
		}
	}
	if m == nil && fr == nil {
		return nil
	}
	buf := append(c.stageStart(), '{')
	open := len(buf)
	sep := func() {
		if len(buf) > open {
			buf = append(buf, ',')
		}
	}
	if m != nil {
		switch {
		case m.content != nil:
			sep()
			buf = append(buf, `"response":`...)
			buf = appendJV(buf, m.content)
		case m.hasText && m.textPlain:
			sep()
			buf = append(buf, `"response":"`...)
			buf = append(buf, m.text...)
			buf = append(buf, '"')
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
	if len(buf) == open {
		return nil // {}: the staging buffer is left as it was
	}
	return c.stageEnd(append(buf, '}'))
}

// hasRole reports whether one of msgs has role.
// systemRepeated reports system instructions (as systemJV gives them) that a system message
// of msgs already holds as its text: an emitter that writes the instructions both as
// gen_ai.system_instructions and as the first input message (@opentelemetry/
// instrumentation-openai 0.22.0 on the Responses API) has them shown once.
func systemRepeated(msgs []nmsg, sys *jv) bool {
	if sys.k != 's' {
		return false
	}
	for i := range msgs {
		if m := &msgs[i]; m.role == "system" && m.hasText && m.text == sys.s {
			return true
		}
	}
	return false
}

func hasRole(msgs []nmsg, role string) bool {
	for i := range msgs {
		if msgs[i].role == role {
			return true
		}
	}
	return false
}
