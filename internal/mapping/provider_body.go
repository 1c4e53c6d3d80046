package mapping

import "github.com/llmtrace/llmtrace/platform"

// Provider bodies recognised by shape (issue 18): a model call whose dialects found no
// request messages (no answer) takes them from a JSON attribute — under any key, a
// framework's vendor-prefixed one included — that holds a provider's request (response)
// body, recognised by its members alone:
//
//   - OpenAI Chat Completions: request {model, messages: [{role, content, tool_calls?}],
//     tools?}; response {choices: [{message, finish_reason}], usage};
//   - OpenAI Responses: request {model, input: string | [items], instructions?, tools?};
//     response {object: "response", output: [{type: "message", content: [{type:
//     "output_text", text}]} | {type: "function_call", call_id, name, arguments}], usage};
//   - Anthropic Messages: request {model, system?, messages: [{role, content: string |
//     [blocks]}], tools?}; response {type: "message", role: "assistant", content: [{type:
//     "text", text} | {type: "tool_use", id, name, input}], stop_reason, usage};
//   - Gemini generateContent: request {contents: [{role, parts}], systemInstruction?,
//     tools?} (as Google's SDKs and Google ADK write it: system instruction and tools may sit
//     in a config member, adk-js telemetry/tracing.ts buildLlmRequestForTrace); response
//     {candidates: [{content: {role: "model", parts}, finishReason}], usageMetadata}, or one
//     candidate's {content: {role: "model", parts}, finishReason?, usageMetadata?} (ADK's
//     LlmResponse, gcp.vertex.agent.llm_response).
//
// That is how langsmith's OTel exporter (gen_ai.prompt / gen_ai.completion holding the
// wrapped client's request and response objects, langsmith experimental/otel/translator.ts
// setIOAttributes) and Google ADK (gcp.vertex.agent.llm_request / llm_response) carry a
// model call's content. The attribute taken is consumed. A span whose attributes hold no
// JSON object pays one first-byte test per string attribute, and only when no dialect found
// its messages.

// providerBodies are the request and response bodies found on one span (scanned once; nil
// until then, so spans that never look pay nothing).
type providerBodies struct {
	req, resp           *jv
	reqIdx, respIdx     int
	reqShape, respShape byte // 'c' chat / messages, 'r' responses, 'g' gemini, 'a' anthropic answer
	reqTaken            bool
}

// bodies scans the span's unconsumed JSON-object attributes once (lowest key first for each
// of request and response).
func (c *spanCtx) bodies() *providerBodies {
	if c.prepared.bodies != nil {
		return c.prepared.bodies
	}
	b := &providerBodies{}
	c.prepared.bodies = b
	for i := range c.a.e {
		e := &c.a.e[i]
		if e.used {
			continue
		}
		switch e.v.Kind() {
		case ValueStr:
			if len(e.v.Str()) > maxFallbackJSON || !looksLikeObject(e.v.Str()) {
				continue
			}
		case ValueMap:
		default:
			continue
		}
		j := c.attrTree(e.v)
		if j.k != 'o' {
			continue
		}
		if s := requestShape(j); s != 0 && (b.req == nil || e.k < c.a.e[b.reqIdx].k) {
			b.req, b.reqIdx, b.reqShape = j, i, s
		}
		if s := responseShape(j); s != 0 && (b.resp == nil || e.k < c.a.e[b.respIdx].k) {
			b.resp, b.respIdx, b.respShape = j, i, s
		}
	}
	return b
}

func isArray(v *jv) bool { return v != nil && v.k == 'a' }

// requestShape names the request body o is, 0 when none.
func requestShape(o *jv) byte {
	switch {
	case isMessageArray(o.get("messages"), false):
		return 'c'
	case isGeminiContents(o.get("contents")):
		return 'g'
	case o.get("messages") == nil && (o.get("model").str() != "" || o.get("instructions").str() != ""):
		if in := o.get("input"); in != nil && (in.k == 's' || isArray(in) && len(in.vals) > 0) {
			return 'r'
		}
	}
	return 0
}

// isGeminiContents reports a non-empty array of Gemini Content objects ({role?, parts: []}).
func isGeminiContents(v *jv) bool {
	if !isArray(v) || len(v.vals) == 0 {
		return false
	}
	for i := range v.vals {
		if !isGeminiContent(&v.vals[i]) {
			return false
		}
	}
	return true
}

func isGeminiContent(v *jv) bool { return v != nil && v.k == 'o' && isArray(v.get("parts")) }

// responseShape names the response body o is, 0 when none.
func responseShape(o *jv) byte {
	if ch := o.get("choices"); isMessageArray(ch, true) {
		return 'c'
	}
	if isArray(o.get("candidates")) && len(o.get("candidates").vals) > 0 && isGeminiContent(o.get("candidates").vals[0].get("content")) {
		return 'g'
	}
	if ct := o.get("content"); isGeminiContent(ct) &&
		(ct.get("role").str() == "model" || o.get("usageMetadata") != nil || o.get("finishReason") != nil) {
		return 'g'
	}
	if isArray(o.get("content")) && (o.get("type").str() == "message" || o.get("stop_reason") != nil) &&
		o.get("role").str() == "assistant" {
		return 'a'
	}
	if out := o.get("output"); isArray(out) && (o.get("object").str() == "response" || responsesOutput(out)) {
		return 'r'
	}
	return 0
}

// responsesOutput reports an array of OpenAI Responses output items with at least one
// message or function_call item.
func responsesOutput(v *jv) bool {
	found := false
	for i := range v.vals {
		it := &v.vals[i]
		if it.k != 'o' || it.get("type").str() == "" {
			return false
		}
		switch it.get("type").str() {
		case "message", "function_call":
			found = true
		}
	}
	return found
}

// bodyInput is the fallback's input rule: the request body's messages and system
// instructions, on a model call.
func bodyInput(c *spanCtx) ([]nmsg, *jv, bool) {
	if c.typ != platform.TypeLLM {
		return nil, nil, false
	}
	b := c.bodies()
	if b.req == nil {
		return nil, nil, false
	}
	var msgs []nmsg
	var sys *jv
	o := b.req
	switch b.reqShape {
	case 'c':
		msgs = c.messages(o.get("messages"))
		sys = o.get("system") // Anthropic; OpenAI keeps it among the messages
	case 'r':
		in := o.get("input")
		if in.k == 's' {
			m := nmsg{role: "user"}
			m.addTextJV(in)
			msgs = []nmsg{m}
		} else if items, ok := responsesItems(in); ok {
			msgs = items
		} else {
			msgs = c.messages(in)
		}
		sys = o.get("instructions")
	case 'g':
		msgs = geminiMessages(o.get("contents"))
		sys = firstOf(o, "systemInstruction", "system_instruction")
		if sys == nil {
			sys = firstOf(o.get("config"), "systemInstruction", "system_instruction")
		}
		if sys != nil && isGeminiContent(sys) {
			sys = sys.get("parts")
		}
	}
	c.a.e[b.reqIdx].used = true
	b.reqTaken = true
	return msgs, sys, true
}

// bodyTools is the fallback's tools rule: the tools of the request body bodyInput took.
func bodyTools(c *spanCtx) *jv {
	b := c.prepared.bodies
	if b == nil || !b.reqTaken {
		return nil
	}
	if t := b.req.get("tools"); t != nil && t.k != 'z' {
		return t
	}
	if t := b.req.get("config").get("tools"); t != nil && t.k != 'z' {
		return t
	}
	return nil
}

// bodyOutput is the fallback's output rule: the response body's answer, on a model call.
func bodyOutput(c *spanCtx) (*nmsg, bool) {
	if c.typ != platform.TypeLLM {
		return nil, false
	}
	b := c.bodies()
	if b.resp == nil {
		return nil, false
	}
	o := b.resp
	var m *nmsg
	switch b.respShape {
	case 'c':
		m = pickOutput(normChoices(o.get("choices")))
	case 'a':
		mm := normMessage(o)
		mm.finish = o.get("stop_reason").str()
		m = &mm
	case 'g':
		if cands := o.get("candidates"); isArray(cands) {
			msgs := make([]nmsg, 0, len(cands.vals))
			for i := range cands.vals {
				if ct := cands.vals[i].get("content"); isGeminiContent(ct) {
					mm := geminiMessage(ct)
					mm.finish = cands.vals[i].get("finishReason").str()
					msgs = append(msgs, mm)
				}
			}
			m = pickOutput(msgs)
		} else {
			mm := geminiMessage(o.get("content"))
			mm.finish = o.get("finishReason").str()
			m = &mm
		}
	case 'r':
		m = responsesAnswer(o.get("output"))
	}
	if m != nil && m.role == "" {
		m.role = "assistant"
	}
	c.a.e[b.respIdx].used = true
	return m, true
}

// geminiMessage normalises one Gemini Content {role, parts}: role "model" is the
// assistant; parts as readPart reads them (text, functionCall, functionResponse).
func geminiMessage(v *jv) nmsg {
	m := normMessage(v)
	if m.role == "model" {
		m.role = "assistant"
	}
	return m
}

func geminiMessages(v *jv) []nmsg {
	out := make([]nmsg, 0, len(v.vals))
	for i := range v.vals {
		out = append(out, geminiMessage(&v.vals[i]))
	}
	return out
}

// responsesAnswer reads OpenAI Responses output items: message items' text and parts,
// function_call items as tool calls; other items (reasoning, hosted tool calls) are not
// part of the answer.
func responsesAnswer(out *jv) *nmsg {
	m := nmsg{role: "assistant"}
	for i := range out.vals {
		it := &out.vals[i]
		switch it.get("type").str() {
		case "message":
			mm := normMessage(it)
			if mm.hasText {
				m.addText(mm.text)
			}
			if !allTextParts(mm.parts) {
				m.parts = append(m.parts, mm.parts...)
			}
			m.toolCalls = append(m.toolCalls, mm.toolCalls...)
		case "function_call":
			m.toolCalls = append(m.toolCalls, ntool{id: firstOf(it, "call_id", "id").str(), name: it.get("name").str(),
				args: parsedArgs(it.get("arguments"))})
		}
	}
	return &m
}
