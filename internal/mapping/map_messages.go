package mapping

import (
	"strings"

	"github.com/llmtrace/llmtrace/internal/jsonesc"
)

// Message normalisation: every dialect's message shape (OTel {role, parts}, ChatML
// {role, content, tool_calls}, OpenInference flattened message / message_content / tool_call
// wrappers, AI SDK tool-call / tool-result parts, Anthropic tool_use / tool_result) becomes
// {role, content, name?, tool_calls?, tool_call_id?}: content is a string for plain text and
// the structured parts otherwise; tool calls are {id, name, arguments}.

type nmsg struct {
	role       string
	text       string
	hasText    bool
	textPlain  bool // text is one plain string (jv.plain): written as it is
	parts      []jv // structured non-tool parts, kept as sent (text parts included when mixed)
	content    *jv  // a tool result's structured content
	toolCalls  []ntool
	toolCallID string
	name       string
	finish     string
}

type ntool struct {
	id, name string
	args     jv
}

// unwrap strips OpenInference's single-key wrappers ({"message":{…}}, {"tool_call":{…}},
// {"message_content":{…}}).
func unwrap(v *jv) *jv {
	for v != nil && v.k == 'o' && len(v.keys) == 1 {
		switch v.keys[0] {
		case "message", "tool_call", "message_content":
			v = &v.vals[0]
			continue
		}
		break
	}
	return v
}

func firstOf(v *jv, keys ...string) *jv {
	for _, k := range keys {
		if m := v.get(k); m != nil && m.k != 'z' {
			return m
		}
	}
	return nil
}

// parsedArgs returns tool-call arguments as JSON, parsing a JSON string leniently.
func parsedArgs(v *jv) jv {
	if v == nil {
		return jv{}
	}
	if v.k == 's' && looksLikeJSON(v.s) {
		if j, ok := parseJSON(v.s); ok {
			return j
		}
	}
	return *v
}

// normToolCall normalises one tool call. Its id is the one the tool's result answers: a
// call_id beside an id is the call's own id and the id the output item's (OpenAI Responses
// function_call items {id: "fc_…", call_id: "call_…"}, and the OTel tool_call parts that
// @opentelemetry/instrumentation-openai makes of them), as responsesItems reads them.
func normToolCall(v *jv) ntool {
	v = unwrap(v)
	t := ntool{
		id:   firstOf(v, "call_id", "callId", "id", "toolCallId").str(),
		name: firstOf(v, "name", "toolName").str(),
	}
	args := firstOf(v, "arguments", "args", "input")
	if fn := v.get("function"); fn != nil && fn.k == 'o' {
		if t.name == "" {
			t.name = fn.get("name").str()
		}
		if args == nil {
			args = fn.get("arguments")
		}
	}
	t.args = parsedArgs(args)
	return t
}

func partType(v *jv) string { return strings.ToLower(v.get("type").str()) }

func isToolCallPart(t string) bool {
	switch t {
	case "tool_call", "tool-call", "function_call", "tool_use", "tool_calls":
		return true
	}
	return false
}

func isToolResultPart(t string) bool {
	switch t {
	case "tool_call_response", "tool-result", "tool_result", "function_call_output":
		return true
	}
	return false
}

// toolResultValue unwraps AI SDK's {type:"json"|"text", value} result wrapper.
func toolResultValue(v *jv) *jv {
	if v != nil && v.k == 'o' && v.get("type") != nil && v.get("value") != nil && len(v.keys) == 2 {
		return v.get("value")
	}
	return v
}

func (m *nmsg) addText(s string) { m.addTextPlain(s, false) }

// addTextJV adds the text of a string the parser read, keeping its plain mark.
func (m *nmsg) addTextJV(v *jv) { m.addTextPlain(v.s, v.plain) }

// addTextPlain adds s to the message's text; plain (see jv) holds while the text is one
// plain string.
func (m *nmsg) addTextPlain(s string, plain bool) {
	if m.hasText {
		m.text += "\n" + s
		m.textPlain = false
	} else {
		m.text, m.hasText, m.textPlain = s, true, plain
	}
}

// addContent reads a message's content: a string, one part object or an array of parts.
func (m *nmsg) addContent(v *jv) {
	v = unwrap(v)
	switch {
	case v == nil:
	case v.k == 's':
		m.addTextJV(v)
	case v.k == 'a':
		m.addParts(v.vals)
	case v.k == 'o':
		m.addPart(v)
	default:
		m.parts = append(m.parts, *v)
	}
}

// addParts reads an array of parts as addPart reads each. While every part, from the
// first, is kept as sent, m.parts is a capacity-limited slice of ps instead of a copy.
func (m *nmsg) addParts(ps []jv) {
	if len(m.parts) > 0 {
		for i := range ps {
			m.addPart(&ps[i])
		}
		return
	}
	for i := range ps {
		if p, keep := m.readPart(&ps[i]); !keep || p != &ps[i] {
			m.parts = append(m.parts, ps[:i]...)
			if keep {
				m.parts = append(m.parts, *p)
			}
			for j := i + 1; j < len(ps); j++ {
				m.addPart(&ps[j])
			}
			return
		}
	}
	m.parts = ps[:len(ps):len(ps)]
}

func (m *nmsg) addPart(p *jv) {
	if p, keep := m.readPart(p); keep {
		m.parts = append(m.parts, *p)
	}
}

// readPart reads one part: text into m.text, tool calls and results into their fields.
// keep reports whether the part (unwrapped: the returned p) also belongs in m.parts.
func (m *nmsg) readPart(p *jv) (_ *jv, keep bool) {
	p = unwrap(p)
	if p.k == 's' {
		m.addTextJV(p)
		return p, false
	}
	if p.k != 'o' {
		return p, true
	}
	t := partType(p)
	if t == "" {
		if done := m.readNativePart(p); done {
			return p, false
		}
	}
	switch {
	case t == "text" || t == "input_text" || t == "output_text" || (t == "" && isPlainTextPart(p)):
		if s := firstOf(p, "content", "text"); s != nil && s.k == 's' {
			m.addTextJV(s)
			return p, true
		}
	case isToolCallPart(t):
		m.toolCalls = append(m.toolCalls, normToolCall(p))
		return p, false
	case isToolResultPart(t) && (m.role == "tool" || m.role == "" || m.role == "function" || m.role == "user" && !m.hasText):
		if id := firstOf(p, "call_id", "callId", "id", "toolCallId", "tool_use_id").str(); id != "" { // as normToolCall
			m.toolCallID = id
		}
		if m.role == "user" {
			m.role = "tool" // Anthropic sends tool results in a user turn
		}
		m.setResult(converseResult(toolResultValue(firstOf(p, "response", "result", "output", "content"))))
		return p, false
	}
	return p, true
}

// memberObj returns the first of names that is an object member of p.
func memberObj(p *jv, names ...string) *jv {
	for _, n := range names {
		if u := p.get(n); u != nil && u.k == 'o' {
			return u
		}
	}
	return nil
}

// readNativePart reads a provider-native content block that has no type member, keyed by
// what it holds, into m's tool calls or tool result; done reports it was one:
//   - Bedrock Converse ContentBlock {toolUse: {toolUseId, name, input}} and {toolResult:
//     {toolUseId, content: [{text} | {json}], status}} (as Strands Agents and the Converse API
//     send them; a tool result travels in a user turn);
//   - Gemini Part {functionCall: {id?, name, args}} and {functionResponse: {id?, name,
//     response}} (Gemini API reference, Part; Python SDKs dump them in snake_case,
//     function_call / function_response), beside which Gemini 2.5+ may put a
//     thoughtSignature.
//
// Typed blocks (Anthropic tool_use / tool_result, OTel tool_call / tool_call_response, …)
// are read by readPart.
func (m *nmsg) readNativePart(p *jv) (done bool) {
	if u := memberObj(p, "toolUse"); u != nil {
		m.toolCalls = append(m.toolCalls, ntool{id: firstOf(u, "toolUseId", "id").str(),
			name: u.get("name").str(), args: parsedArgs(u.get("input"))})
		return true
	}
	if u := memberObj(p, "functionCall", "function_call"); u != nil && u.get("name") != nil {
		m.toolCalls = append(m.toolCalls, ntool{id: u.get("id").str(), name: u.get("name").str(),
			args: parsedArgs(firstOf(u, "args", "arguments"))})
		return true
	}
	resultTurn := m.role == "tool" || m.role == "" || m.role == "user" || m.role == "function"
	if u := memberObj(p, "toolResult"); u != nil && resultTurn {
		if id := firstOf(u, "toolUseId", "id").str(); id != "" {
			m.toolCallID = id
		}
		m.role = "tool" // Converse sends tool results in a user turn
		m.setResult(converseResult(u.get("content")))
		return true
	}
	if u := memberObj(p, "functionResponse", "function_response"); u != nil && resultTurn {
		if id := u.get("id").str(); id != "" {
			m.toolCallID = id
		}
		if m.name == "" {
			m.name = u.get("name").str()
		}
		m.role = "tool" // Gemini sends function responses in a user (or function) turn
		m.setResult(firstOf(u, "response", "output"))
		return true
	}
	return false
}

// isPlainTextPart reports an untyped text part: {text} alone, or beside Gemini's
// thoughtSignature; a Gemini thought summary ({text, thought: true}) is not answer text.
func isPlainTextPart(p *jv) bool {
	if t := p.get("text"); t == nil || t.k != 's' {
		return false
	}
	for _, k := range p.keys {
		switch k {
		case "text", "thoughtSignature", "thought_signature":
		default:
			return false
		}
	}
	return true
}

// setResult stores a tool result: text as the message text, anything else as its content.
func (m *nmsg) setResult(r *jv) {
	if r != nil && r.k == 's' {
		m.addTextJV(r)
	} else if r != nil {
		rr := *r
		m.content = &rr
	}
}

// converseResult unwraps Bedrock Converse tool-result content ([{"text": …} | {"json": …}],
// as Strands Agents reports it): text blocks joined by "\n" (one string), a single json
// block as its value; anything else as it is.
func converseResult(v *jv) *jv {
	if v == nil || v.k != 'a' || len(v.vals) == 0 {
		return v
	}
	var text []string
	for i := range v.vals {
		b := &v.vals[i]
		if b.k != 'o' || len(b.keys) != 1 {
			return v
		}
		switch {
		case b.keys[0] == "json" && len(v.vals) == 1:
			return &b.vals[0]
		case b.keys[0] == "text" && b.vals[0].k == 's':
			text = append(text, b.vals[0].s)
		default:
			return v
		}
	}
	return &jv{k: 's', s: strings.Join(text, "\n")}
}

// normMessage normalises one message object of any dialect.
func normMessage(v *jv) nmsg {
	v = unwrap(v)
	var m nmsg
	if v == nil {
		return m
	}
	if v.k == 's' { // a bare string is a user turn
		m.role = "user"
		m.addTextJV(v)
		return m
	}
	m.role = v.get("role").str()
	m.name = v.get("name").str()
	m.finish = firstOf(v, "finish_reason", "finishReason").str()
	m.toolCallID = firstOf(v, "tool_call_id", "toolCallId").str()
	if m.role == "tool" && m.toolCallID == "" {
		m.toolCallID = v.get("id").str() // deprecated gen_ai.tool.message event
	}
	for _, key := range []string{"parts", "content", "contents"} {
		if c := v.get(key); c != nil && c.k != 'z' {
			m.addContent(c)
			break
		}
	}
	if tc := firstOf(v, "tool_calls", "toolCalls"); tc != nil {
		tc = unwrap(tc)
		if tc.k == 'a' {
			for i := range tc.vals {
				m.toolCalls = append(m.toolCalls, normToolCall(&tc.vals[i]))
			}
		}
	}
	if fc := v.get("function_call"); fc != nil && fc.k == 'o' && fc.get("name") != nil && len(m.toolCalls) == 0 {
		m.toolCalls = append(m.toolCalls, normToolCall(fc)) // OpenAI's legacy function calling
	}
	if m.role == "" {
		m.role = v.get("type").str() // OpenAI Responses input items: {"type":"message",…}
	}
	return m
}

// normMessages normalises an array of messages (or a single message object).
func normMessages(v *jv) []nmsg {
	v = unwrap(v)
	if v == nil {
		return nil
	}
	if v.k == 'o' {
		return []nmsg{normMessage(v)}
	}
	if v.k != 'a' {
		return nil
	}
	out := make([]nmsg, 0, len(v.vals))
	for i := range v.vals {
		out = append(out, normMessage(&v.vals[i]))
	}
	return out
}

// messages is normMessages with the slice taken from c's arena (valid while c builds the
// current span's event; capacity-limited, so an append to it never touches another).
func (c *spanCtx) messages(v *jv) []nmsg {
	v = unwrap(v)
	if v == nil || v.k != 'a' && v.k != 'o' {
		return nil
	}
	n := 1
	if v.k == 'a' {
		n = len(v.vals)
	}
	out := c.arena().takeMsgs(n)
	if v.k == 'o' {
		return append(out, normMessage(v))
	}
	for i := range v.vals {
		out = append(out, normMessage(&v.vals[i]))
	}
	return out
}

// isMessageArray reports whether v is a non-empty array of message objects (each with a
// role), as the v1.26 gen_ai.prompt / gen_ai.completion values carry them; with choices,
// OpenAI-style choices {message: {…}, finish_reason} count too.
func isMessageArray(v *jv, choices bool) bool {
	if v == nil || v.k != 'a' || len(v.vals) == 0 {
		return false
	}
	for i := range v.vals {
		m := unwrap(&v.vals[i])
		if m.k != 'o' {
			return false
		}
		if m.get("role") == nil && !(choices && m.get("message") != nil && m.get("message").k == 'o') {
			return false
		}
	}
	return true
}

// normChoices normalises a model answer: an array (or one object) of messages, or of
// OpenAI-style choices {message, finish_reason, index} (the message's finish reason is
// the choice's).
func normChoices(v *jv) []nmsg {
	v = unwrap(v)
	if v == nil || v.k != 'a' && v.k != 'o' {
		return nil
	}
	items := v.vals
	if v.k == 'o' {
		items = []jv{*v}
	}
	out := make([]nmsg, 0, len(items))
	for i := range items {
		c := &items[i]
		msg := c.get("message")
		if c.k != 'o' || c.get("role") != nil || msg == nil || msg.k != 'o' {
			out = append(out, normMessage(c))
			continue
		}
		m := normMessage(msg)
		if m.role == "" {
			m.role = "assistant"
		}
		if m.finish == "" {
			m.finish = firstOf(c, "finish_reason", "finishReason").str()
		}
		out = append(out, m)
	}
	return out
}

// responsesItems turns OpenAI Responses API input items (the array `input` of
// responses.create, as the OpenAI Agents SDK passes it) into messages, the way the SDK's own
// Chat Completions converter does (openai-agents-python models/chatcmpl_converter.py,
// Converter.items_to_messages): a message item ({type:"message"} or the bare {role,
// content} form) is a message; a function_call item {call_id, name, arguments} is a tool call
// of the assistant message right before it, or of a new assistant message; a
// function_call_output item {call_id, output} is a tool message with tool_call_id. ok is
// false for anything else (not an array, or an item of another type — reasoning, hosted
// tool calls, item references …): the caller then keeps the items as sent.
func responsesItems(v *jv) ([]nmsg, bool) {
	if v == nil || v.k != 'a' || len(v.vals) == 0 {
		return nil, false
	}
	out := make([]nmsg, 0, len(v.vals))
	for i := range v.vals {
		it := &v.vals[i]
		if it.k != 'o' {
			return nil, false
		}
		switch typ := it.get("type"); {
		case typ == nil || typ.str() == "message":
			if it.get("role").str() == "" {
				return nil, false
			}
			out = append(out, normMessage(it))
		case typ.str() == "function_call":
			t := ntool{id: firstOf(it, "call_id", "id").str(), name: it.get("name").str(), args: parsedArgs(it.get("arguments"))}
			if n := len(out); n > 0 && out[n-1].role == "assistant" {
				out[n-1].toolCalls = append(out[n-1].toolCalls, t)
			} else {
				out = append(out, nmsg{role: "assistant", toolCalls: []ntool{t}})
			}
		case typ.str() == "function_call_output":
			m := nmsg{role: "tool", toolCallID: firstOf(it, "call_id", "id").str()}
			m.addContent(it.get("output"))
			out = append(out, m)
		default:
			return nil, false
		}
	}
	return out, true
}

func appendToolCalls(dst []byte, tcs []ntool) []byte {
	dst = append(dst, '[')
	for i := range tcs {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = append(dst, '{')
		sep := false
		if tcs[i].id != "" {
			dst = append(dst, `"id":`...)
			dst = jsonesc.AppendString(dst, tcs[i].id)
			sep = true
		}
		if sep {
			dst = append(dst, ',')
		}
		dst = append(dst, `"name":`...)
		dst = jsonesc.AppendString(dst, tcs[i].name)
		if tcs[i].args.ok() {
			dst = append(dst, `,"arguments":`...)
			dst = appendJV(dst, &tcs[i].args)
		}
		dst = append(dst, '}')
	}
	return append(dst, ']')
}

// appendMessage writes {role, content, name?, tool_calls?, tool_call_id?}.
func appendMessage(dst []byte, m *nmsg) []byte {
	dst = append(dst, `{"role":`...)
	dst = jsonesc.AppendString(dst, m.role)
	switch {
	case m.content != nil:
		dst = append(dst, `,"content":`...)
		dst = appendJV(dst, m.content)
	case len(m.parts) > 0 && !(m.hasText && allTextParts(m.parts)):
		dst = append(dst, `,"content":`...)
		dst = appendJV(dst, &jv{k: 'a', vals: m.parts})
	case m.hasText && m.textPlain:
		dst = append(dst, `,"content":"`...)
		dst = append(dst, m.text...)
		dst = append(dst, '"')
	case m.hasText:
		dst = append(dst, `,"content":`...)
		dst = jsonesc.AppendString(dst, m.text)
	}
	if m.name != "" {
		dst = append(dst, `,"name":`...)
		dst = jsonesc.AppendString(dst, m.name)
	}
	if len(m.toolCalls) > 0 {
		dst = append(dst, `,"tool_calls":`...)
		dst = appendToolCalls(dst, m.toolCalls)
	}
	if m.toolCallID != "" {
		dst = append(dst, `,"tool_call_id":`...)
		dst = jsonesc.AppendString(dst, m.toolCallID)
	}
	return append(dst, '}')
}

func allTextParts(parts []jv) bool {
	for i := range parts {
		p := unwrap(&parts[i])
		if p.k != 'o' {
			return false
		}
		switch partType(p) {
		case "text", "input_text", "output_text", "":
		default:
			return false
		}
	}
	return true
}

// hasMessage reports whether one of vs is a full message (an object with a role).
func hasMessage(vs []jv) bool {
	for i := range vs {
		if p := unwrap(&vs[i]); p.k == 'o' && p.get("role") != nil {
			return true
		}
	}
	return false
}

// systemJV turns gen_ai.system_instructions (parts, or full messages as LiteLLM sends) into
// a string when it is all text, else keeps it structured.
func systemJV(v *jv) jv {
	if v == nil {
		return jv{}
	}
	if v.k == 's' {
		return *v
	}
	var m nmsg
	switch {
	case v.k == 'a' && !hasMessage(v.vals):
		m.addParts(v.vals)
	case v.k == 'a':
		for i := range v.vals {
			p := unwrap(&v.vals[i])
			if p.k == 'o' && p.get("role") != nil { // a full message
				mm := normMessage(p)
				if len(mm.parts) > 0 && !allTextParts(mm.parts) || mm.content != nil || !mm.hasText {
					return *v
				}
				m.addText(mm.text)
				continue
			}
			m.addPart(p)
		}
	default:
		m.addPart(v)
	}
	if m.hasText && (len(m.parts) == 0 || allTextParts(m.parts)) && len(m.toolCalls) == 0 && m.content == nil {
		return jv{k: 's', s: m.text}
	}
	return *v
}
