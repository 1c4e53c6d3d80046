package mapping

import (
	"strings"

	"github.com/llmtrace/llmtrace/platform"
	sc "github.com/llmtrace/llmtrace/semconv"
)

// The Firebase Genkit dialect (Go github.com/firebase/genkit/go v1.4.0 and JS, which share
// the keys; semconv/genkit.go). Every Genkit span is an action run (core/tracing/tracing.go
// RunInNewSpan): genkit:type and genkit:metadata:subtype say what ran, genkit:input and
// genkit:output hold its input and output as JSON. A model action's are the ai package's
// ModelRequest {messages, tools, config, …} and ModelResponse {message, finishReason, usage,
// custom, …} (go/ai/gen.go), their messages {role: system|user|model|tool, content: [Part]}
// with parts {text} | {media:{contentType,url}} | {toolRequest:{name,ref,input}} |
// {toolResponse:{name,ref,output}} | {reasoning} | {data} | {custom} | {resource:{uri}}
// (go/ai/document.go). The util `generate` spans and flows repeat the last ModelResponse,
// usage included: usage is read on model spans only, the wrappers get roll-ups.
var genkit = &dialect{
	name:              "genkit",
	detect:            []string{sc.GenkitPrefix},
	spanType:          genkitType,
	request:           (*spanCtx).genkitInput,
	output:            (*spanCtx).genkitOutput,
	valueDecodeInput:  (*spanCtx).genkitValueInput,
	valueDecodeOutput: (*spanCtx).genkitValueOutput,
	valueKeys: valueKeys{input: []string{sc.GenkitInput}, toolInput: []string{sc.GenkitInput},
		output: []string{sc.GenkitOutput}, toolOutput: []string{sc.GenkitOutput}},
	content:      []string{sc.GenkitInput, sc.GenkitOutput},
	usage:        genkitUsage,
	model:        genkitModel,
	provider:     genkitProvider,
	failure:      genkitFailed,
	ids:          idKeys{session: []string{sc.GenkitSessionID, sc.GenkitAgentSessionID}},
	conversation: genkitConversation,
}

// genkitType reads genkit:type and genkit:metadata:subtype.
func genkitType(a *spanAttrs, name, scope string) (platform.Type, string, bool) {
	t := a.str(sc.GenkitType)
	if t == "" {
		return "", "", false
	}
	switch sub := a.str(sc.GenkitSubtype); sub {
	case sc.GenkitSubModel, sc.GenkitSubBackgroundModel:
		return platform.TypeLLM, "llm", true
	case sc.GenkitSubEmbedder:
		return platform.TypeLLM, "embedding", true
	case sc.GenkitSubTool, sc.GenkitSubToolV2:
		return platform.TypeTool, "tool", true
	case sc.GenkitSubFlow:
		return platform.TypeCustom, "workflow", true
	case sc.GenkitSubAgent:
		return platform.TypeCustom, "agent", true
	case sc.GenkitSubRetriever:
		return platform.TypeCustom, "retrieval", true
	case sc.GenkitSubEvaluator:
		return platform.TypeCustom, "evaluator", true
	case sc.GenkitSubPrompt:
		return platform.TypeCustom, "prompt", true
	case sc.GenkitSubUtil:
		return platform.TypeCustom, "task", true
	case "":
	default:
		return platform.TypeCustom, sub, true
	}
	switch t {
	case sc.GenkitTypeUtil: // Genkit JS writes no subtype on util spans
		return platform.TypeCustom, "task", true
	case sc.GenkitTypeFlowStep:
		return platform.TypeCustom, "step", true
	case "promptTemplate", "dotprompt":
		return platform.TypeCustom, "prompt", true
	}
	return platform.TypeCustom, t, true
}

// genkitProviders maps Genkit plugin names (the prefix of a model action's genkit:name,
// "plugin/model") that differ from their gen_ai.provider.name value: the Google GenAI
// plugin registers googleai (Gemini API) and vertexai (go/plugins/googlegenai/googlegenai.go
// googleAIProvider, vertexAIProvider). Other prefixes (openai, anthropic, ollama, deepseek,
// xai, mistral …) go through NormalizeProvider.
var genkitProviders = map[string]string{
	"googleai": sc.ProviderGCPGemini,
	"vertexai": sc.ProviderGCPVertexAI,
}

// genkitProvider is a model action's provider, from the plugin prefix of genkit:name.
func genkitProvider(a *spanAttrs) string {
	if !genkitModelSpan(a) {
		return ""
	}
	plugin, _, ok := strings.Cut(a.str(sc.GenkitName), "/")
	if !ok || plugin == "" {
		return ""
	}
	if p, ok := genkitProviders[strings.ToLower(plugin)]; ok {
		return p
	}
	return NormalizeProvider(plugin)
}

// genkitModelSpan reports a model (or embedder) action span.
func genkitModelSpan(a *spanAttrs) bool {
	switch a.str(sc.GenkitSubtype) {
	case sc.GenkitSubModel, sc.GenkitSubBackgroundModel, sc.GenkitSubEmbedder:
		return a.has(sc.GenkitType)
	}
	return false
}

// genkitResponse returns the parsed genkit:output of a model action span, parsed once per
// span (spanAttrs.parsed: in prepare, for genkitUsage; the span's build reads the same tree,
// genkitOutput here, attrTree through spanCtx.parsedTree); nil for other spans.
func (p *prepared) genkitResponse() *jv {
	if p.gkParsed {
		return p.gkOut
	}
	p.gkParsed = true
	if !genkitModelSpan(p.a) {
		return nil
	}
	if v, ok := p.a.get(sc.GenkitOutput); ok && v.Kind() == ValueStr {
		if j := p.a.parsed(v.Str()); j != nil && j.k == 'o' {
			p.gkOut = j
		}
	}
	return p.gkOut
}

// genkitUsage reads a model action's ModelResponse.usage (go/ai/gen.go GenerationUsage,
// tokens): inputTokens → prompt, outputTokens → completion, totalTokens → total,
// cachedContentTokens → cached, thoughtsTokens → reasoning. The plugins fill it from the
// provider's own counts: compat_oai's outputTokens is OpenAI's completion_tokens, which
// includes reasoning (plugins/compat_oai/generate.go), googlegenai's is Gemini's
// candidatesTokenCount, which does not (plugins/googlegenai/gemini.go; Gemini's
// totalTokenCount counts the thoughts apart): when totalTokens = input + output + thoughts
// the thoughts are added to the completion (OTel counts reasoning in the output). When the
// usage has no cache or thoughts count at all, those of the provider's raw response
// (ModelResponse.raw's usage object: OpenAI's prompt_tokens_details.cached_tokens,
// completion_tokens_details.reasoning_tokens, …) are taken if it describes the same call.
func genkitUsage(p *prepared) (spanUsage, bool) {
	r := p.genkitResponse()
	u := r.get("usage")
	if u == nil || u.k != 'o' {
		return spanUsage{}, false
	}
	var su spanUsage
	in, hasIn := jvInt(u.get("inputTokens"))
	out, hasOut := jvInt(u.get("outputTokens"))
	total, hasTotal := jvInt(u.get("totalTokens"))
	cached, _ := jvInt(u.get("cachedContentTokens"))
	thoughts, _ := jvInt(u.get("thoughtsTokens"))
	if !hasIn && !hasOut && !hasTotal {
		return su, false
	}
	if thoughts > 0 && hasTotal && total == in+out+thoughts {
		out += thoughts
		su.converted = true
	}
	var creation int64
	if u.get("cachedContentTokens") == nil && u.get("thoughtsTokens") == nil && hasIn {
		// The plugin kept no details (Genkit JS compat-oai 1.42.0 fills only the three
		// counts); the provider's own response, ModelResponse.raw, may hold them: its usage
		// object, read as usage_details.go reads one, when it describes this call.
		if g, ok := usageIn(r.get("raw")); ok {
			cached, creation, thoughts = sameCallDetails(g, &in, &out, hasOut, &su)
		}
	}
	if !hasTotal || total < in+out {
		total = in + out
	}
	su.u = platform.Usage{PromptTokens: in, CompletionTokens: out, TotalTokens: total,
		CachedTokens: cached, ReasoningTokens: thoughts}
	su.cacheCreation = creation
	return su, true
}

// genkitModel is a model action's model: the provider's response model where the plugin
// keeps it (compat_oai: ModelResponse.custom.model, plugins/compat_oai/generate.go; an
// OpenAI-shaped raw response's model, as Genkit JS compat-oai keeps it), else genkit:name
// without its plugin prefix.
func genkitModel(p *prepared) string {
	if !genkitModelSpan(p.a) {
		return ""
	}
	r := p.genkitResponse()
	if m := r.get("custom").get("model").str(); m != "" {
		return m
	}
	if m := r.get("raw").get("model").str(); m != "" {
		return m
	}
	name := p.a.str(sc.GenkitName)
	if _, m, ok := strings.Cut(name, "/"); ok && m != "" {
		return m
	}
	return name
}

// genkitFailed: genkit:state=error, or genkit:isFailureSource (core/tracing/tracing.go
// sets both with the span's error status; a failed span has no genkit:output).
func genkitFailed(a *spanAttrs) (bool, string) {
	if a.str(sc.GenkitState) == "error" {
		a.use(sc.GenkitState)
		return true, ""
	}
	if v, ok := a.get(sc.GenkitIsFailureSource); ok && v.Bool() {
		return true, ""
	}
	return false, ""
}

// genkitConversation is the conversation of a Genkit JS chat session: genkit:sessionId, with
// genkit:threadName when the session has several threads (js/ai/src/chat.ts), or a 1.42
// agent's genkit:metadata:agent:sessionId (@genkit-ai/ai lib/agent.mjs). Only the span that
// starts the turn carries them; the trace pass gives the value to every event.
func genkitConversation(a *spanAttrs) string {
	if s := a.str(sc.GenkitSessionID); s != "" {
		if t := a.str(sc.GenkitThreadName); t != "" {
			a.use(sc.GenkitThreadName)
			return s + "/" + t
		}
		return s
	}
	return a.str(sc.GenkitAgentSessionID)
}

// genkitInput reads the messages and tools of a model action's ModelRequest (or of a util
// generate span's options, which hold the same messages).
func (c *spanCtx) genkitInput() (msgs []nmsg, tools *jv, ok bool) {
	if !c.a.has(sc.GenkitType) || c.typ == platform.TypeTool {
		return nil, nil, false
	}
	v, has := c.a.get(sc.GenkitInput)
	if !has || v.Kind() != ValueStr || !strings.Contains(v.Str(), `"messages"`) {
		return nil, nil, false
	}
	req := c.attrTree(v)
	ms := req.get("messages")
	if ms == nil || ms.k != 'a' {
		return nil, nil, false
	}
	a := c.arena()
	msgs = a.takeMsgs(len(ms.vals)) // one each, more only with toolResponse parts
	for i := range ms.vals {
		msgs = genkitMessages(msgs, &ms.vals[i], &a.p)
	}
	if t := req.get("tools"); t != nil && t.k == 'a' && len(t.vals) > 0 {
		tools = t
	}
	return msgs, tools, true
}

// genkitOutput reads the answer of a ModelResponse (model actions and the util generate
// spans that repeat it): the message and finishReason.
func (c *spanCtx) genkitOutput() (*nmsg, bool) {
	if !c.a.has(sc.GenkitType) || c.typ == platform.TypeTool {
		return nil, false
	}
	r := c.genkitResponse()
	if r == nil {
		v, has := c.a.get(sc.GenkitOutput)
		if !has || v.Kind() != ValueStr || !strings.Contains(v.Str(), `"message"`) {
			return nil, false
		}
		if r = c.attrTree(v); r.k != 'o' {
			return nil, false
		}
	}
	msg := r.get("message")
	if msg == nil || msg.k != 'o' {
		return nil, false
	}
	a := c.arena()
	ms := genkitMessages(a.takeMsgs(1), msg, &a.p)
	if len(ms) == 0 {
		return nil, false
	}
	m := ms[0]
	for i := 1; i < len(ms); i++ {
		m.toolCalls = append(m.toolCalls, ms[i].toolCalls...)
	}
	m.finish = r.get("finishReason").str()
	return &m, true
}

// genkitValueInput is genkit:input as the JSON value it is (a flow's input may be a JSON
// string, "Paris", base.JSONString in go/internal/base/json.go), its Genkit messages
// normalised (genkitNormValue).
func (c *spanCtx) genkitValueInput() *jv { return genkitNormValue(c.genkitJSON(sc.GenkitInput)) }

// genkitValueOutput is genkit:output as the JSON value it is; a tool.v2 action's is a
// MultipartToolResponse {output, content?} (go/ai/gen.go), whose output is the tool's
// result (a plain tool action's output is the result itself).
func (c *spanCtx) genkitValueOutput() *jv {
	j := c.genkitJSON(sc.GenkitOutput)
	if j != nil && j.k == 'o' && c.a.str(sc.GenkitSubtype) == sc.GenkitSubToolV2 {
		if o := j.get("output"); o != nil && len(j.keys) == 1 {
			return o
		}
	}
	if c.typ == platform.TypeTool {
		return j
	}
	return genkitNormValue(j)
}

// genkitNormValue normalises the Genkit messages of a step's or agent's value (JS agents:
// a turn's input {message}, its output {state: {messages, artifacts, …}}, @genkit-ai/ai
// lib/agent.mjs): "messages" holding Genkit messages and a single "message" become
// "messages" in the gen_ai form, and a value that is only {state} shows the state's keys.
// Other values are returned as they are.
func genkitNormValue(j *jv) *jv {
	if j == nil || j.k != 'o' {
		return j
	}
	if len(j.keys) == 1 && j.keys[0] == "state" && j.vals[0].get("messages") != nil {
		j = &j.vals[0]
	}
	var out *jv
	for i, k := range j.keys {
		v := &j.vals[i]
		var msgs []jv
		switch {
		case k == "messages" && v.k == 'a' && len(v.vals) > 0 && genkitMessage(&v.vals[0]):
			msgs = v.vals
		case k == "message" && genkitMessage(v) && j.get("messages") == nil:
			msgs = []jv{*v}
		default:
			continue
		}
		if out == nil {
			cp := jv{k: 'o', keys: append([]string(nil), j.keys...), vals: append([]jv(nil), j.vals...)}
			out = &cp
		}
		var b []byte
		b = append(b, '[')
		n := 0
		for m := range msgs {
			for _, nm := range genkitMessages(nil, &msgs[m], nil) {
				if n > 0 {
					b = append(b, ',')
				}
				b = appendMessage(b, &nm)
				n++
			}
		}
		b = append(b, ']')
		if pj, ok := parseJSON(string(b)); ok {
			out.keys[i], out.vals[i] = "messages", pj
		}
	}
	if out == nil {
		return j
	}
	return out
}

// genkitMessage reports a Genkit message: {role, content: [Part]}.
func genkitMessage(v *jv) bool {
	c := v.get("content")
	return v.get("role").str() != "" && c != nil && c.k == 'a'
}

// genkitJSON parses a Genkit JSON attribute of a Genkit span (jsonAttrTree: once per span,
// the tree shared with the span's other readers); a value that does not parse is kept as
// the string it is.
func (c *spanCtx) genkitJSON(key string) *jv {
	if !c.a.has(sc.GenkitType) {
		return nil
	}
	v, ok := c.a.get(key)
	if !ok {
		return nil
	}
	return c.jsonAttrTree(v)
}

// genkitMessages appends to dst one Genkit message turned into normalised messages: role
// model is the assistant; each toolResponse part of a tool message is a tool message of its
// own (one tool_call_id each), after the message. The parts it builds are reserved in p's
// slabs (the span's arena: valid while its event is built), or of their own when p is nil.
func genkitMessages(dst []nmsg, v *jv, p *jsonParser) []nmsg {
	role := v.get("role").str()
	if role == "model" {
		role = "assistant"
	}
	// The message's slot comes first; the tool messages of its toolResponse parts follow it.
	at := len(dst)
	dst = append(dst, nmsg{role: role})
	content := v.get("content")
	if content == nil || content.k != 'a' {
		return dst
	}
	var m nmsg
	m.role = role
	if p != nil {
		m.parts = reserve(&p.vslab, len(content.vals))[:0]
	}
	for i := range content.vals {
		part := &content.vals[i]
		switch {
		case part.get("text") != nil:
			s := part.get("text").str()
			m.addText(s)
			m.parts = append(m.parts, genkitPart("text", &jv{k: 's', s: s}, p))
		case part.get("toolRequest") != nil:
			r := part.get("toolRequest")
			m.toolCalls = append(m.toolCalls, ntool{id: r.get("ref").str(), name: r.get("name").str(), args: parsedArgs(r.get("input"))})
		case part.get("toolResponse") != nil:
			r := part.get("toolResponse")
			t := nmsg{role: "tool", toolCallID: r.get("ref").str(), name: r.get("name").str()}
			t.setResult(r.get("output"))
			dst = append(dst, t)
		case part.get("media") != nil:
			m.parts = append(m.parts, genkitMedia(part.get("media")))
		case part.get("reasoning") != nil:
			m.parts = append(m.parts, genkitPart("reasoning", part.get("reasoning"), p))
		case part.get("data") != nil:
			m.parts = append(m.parts, genkitPart("data", part.get("data"), p))
		case part.get("custom") != nil:
			m.parts = append(m.parts, genkitPart("custom", part.get("custom"), p))
		case part.get("resource") != nil:
			m.parts = append(m.parts, jv{k: 'o', keys: []string{"type", "uri"},
				vals: []jv{{k: 's', s: "uri"}, {k: 's', s: part.get("resource").get("uri").str()}}})
		default:
			m.parts = append(m.parts, *part)
		}
	}
	if m.hasText || len(m.parts) > 0 || len(m.toolCalls) > 0 || len(dst) == at+1 {
		dst[at] = m
		return dst
	}
	// Only tool messages: the message's slot goes.
	return append(dst[:at], dst[at+1:]...)
}

// genkitPartKeys are the names of a {type, content} part the mapping builds; shared by
// those parts, whose trees nothing changes (map_messages.go writes them out).
var genkitPartKeys = []string{"type", "content"}

// genkitPart is a gen_ai part {type, content}, its members reserved in p's slabs (nil: of
// their own).
func genkitPart(typ string, content *jv, p *jsonParser) jv {
	var vals []jv
	if p != nil {
		vals = reserve(&p.vslab, 2)
	} else {
		vals = make([]jv, 2)
	}
	vals[0], vals[1] = jv{k: 's', s: typ}, *content
	return jv{k: 'o', keys: genkitPartKeys, vals: vals}
}

// genkitMedia turns a media part {contentType, url} into a gen_ai part: a data: URL into a
// blob {type, modality, mime_type, content (base64)}, any other URL into a uri part.
func genkitMedia(m *jv) jv {
	ct, url := m.get("contentType").str(), m.get("url").str()
	if rest, ok := strings.CutPrefix(url, "data:"); ok {
		meta, data, found := strings.Cut(rest, ",")
		if found && strings.HasSuffix(meta, ";base64") {
			if ct == "" {
				ct = strings.TrimSuffix(meta, ";base64")
			}
			return partJV("blob", ct, "content", data)
		}
	}
	return partJV("uri", ct, "uri", url)
}

// partJV builds {type, modality?, mime_type?, key: val}; the modality is the MIME type's
// top-level type when it is image, video or audio.
func partJV(typ, mime, key, val string) jv {
	o := jv{k: 'o', keys: []string{"type"}, vals: []jv{{k: 's', s: typ}}}
	if top, _, _ := strings.Cut(mime, "/"); top == "image" || top == "video" || top == "audio" {
		o.keys = append(o.keys, "modality")
		o.vals = append(o.vals, jv{k: 's', s: top})
	}
	if mime != "" {
		o.keys = append(o.keys, "mime_type")
		o.vals = append(o.vals, jv{k: 's', s: mime})
	}
	o.keys = append(o.keys, key)
	o.vals = append(o.vals, jv{k: 's', s: val})
	return o
}
