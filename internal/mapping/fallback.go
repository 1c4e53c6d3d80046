package mapping

import (
	"encoding/json"
	"strings"

	"github.com/llmtrace/llmtrace/platform"
	sc "github.com/llmtrace/llmtrace/semconv"
)

// The fallback: general rules for emitters no dialect names (issue 10, item 3). They apply
// after every named dialect and only where the dialects found nothing, so a named key
// always wins (docs/mapping.md, the fallback rows):
//
//   - a model call: a span no type rule knows (custom without a kind), or a model call
//     without model or usage keys, that carries a model name and token counts the core
//     recognises (fallbackCall) is an `llm` event with that model and usage;
//   - provider bodies: a model call's messages and answer from a JSON attribute holding a
//     provider's request / response body, recognised by shape (provider_body.go: the
//     input, tools and output rules, last in their rows);
//   - content: a JSON attribute whose last key segment is input / request / prompt
//     (output / response / completion) is the input (output) when the dialects found none
//     (fallbackContent); on a tool event first an attribute whose last segment names the
//     tool call's arguments (result): tool_call_args, tool_response, … (fbToolInputNames);
//   - trace identity: a key in any namespace whose last segment names a session, user or
//     conversation (fallbackIDs), ranked below every named key of the trace.
//
// A key's last segment is what follows its last '.' or ':' (the separators of OTel
// attribute names and of Genkit's genkit:* keys), the whole key when it has none.
//
// In the precedence table (precedence.go) the fallback is the last entry of the value rows:
// the bare input / output keys some frameworks write without a namespace. Its other rules
// run after the table's, from the Mapper (fallbackCall, applyUsage, fallbackModel,
// fallbackContent, fallbackIDs).
var fallback = &dialect{
	name:   "fallback",
	input:  bodyInput,
	tools:  bodyTools,
	output: bodyOutput,
	valueKeys: valueKeys{input: []string{sc.PlainInput}, toolInput: []string{sc.PlainInput},
		output: []string{sc.PlainOutput}, toolOutput: []string{sc.PlainOutput}},
	content: []string{sc.PlainInput, sc.PlainOutput},
	// Frameworks that name themselves as the provider (semconv/frameworks.go); any other
	// provider value equal to the span's instrumentation scope name is one too
	// (isFrameworkSystem).
	frameworkNames: []string{sc.LangSmithSystem, sc.ADKSystem},
}

// lastSegment returns what follows k's last '.' or ':'.
func lastSegment(k string) string { return k[lastSeparator(k)+1:] }

// lastSeparator returns the index of k's last '.' or ':', or -1 (by hand:
// strings.LastIndexAny builds a set per call).
func lastSeparator(k string) int {
	for i := len(k) - 1; i >= 0; i-- {
		if k[i] == '.' || k[i] == ':' {
			return i
		}
	}
	return -1
}

// keyPrefix returns k without its last segment (and separator).
func keyPrefix(k string) string {
	if i := lastSeparator(k); i >= 0 {
		return k[:i]
	}
	return ""
}

// Token-count names, in the order they are taken: the OTel / Anthropic / OpenAI Responses
// snake_case names, OpenAI Chat Completions' prompt/completion names, and the camelCase
// forms of JavaScript SDKs (Vercel AI SDK LanguageModelUsage, Genkit GenerationUsage,
// Bedrock Converse TokenUsage).
var (
	fbPromptNames     = []string{"input_tokens", "prompt_tokens", "inputTokens", "promptTokens"}
	fbCompletionNames = []string{"output_tokens", "completion_tokens", "outputTokens", "completionTokens"}
	fbTotalNames      = []string{"total_tokens", "totalTokens"}
	// Anthropic's usage object counts cache reads and writes apart from input_tokens
	// (Messages API "usage"); they are added so the prompt count is inclusive (OTel).
	fbCacheReadName  = "cache_read_input_tokens"
	fbCacheWriteName = "cache_creation_input_tokens"
	// Model-name keys: the last segment of a flat key, or a member of the JSON object that
	// holds the usage (a provider's response body: OpenAI, Anthropic, Mistral … "model").
	fbModelNames = []string{"model", "model_name", "modelName", "model_id", "modelId"}
)

// maxFallbackJSON bounds the attribute values parsed in search of a usage object, bytes.
const maxFallbackJSON = 1 << 20

// fallbackUsage is what fallbackCall found: a model name and a usage, and the keys they
// came from (consumed when used).
type fallbackUsage struct {
	model    string
	modelKey string
	usage    spanUsage
	hasUsage bool
	read     bool // the usage was looked for
	keys     []string
}

// fallbackCall reads a model call no dialect described: it runs when typ/kind come from
// no type rule (custom, no kind) or describe a model call. A span no rule knew that has
// both a model name and token counts becomes llm (typ and kind are set). The usage is
// applied by applyUsage, after the dialects' readUsage found none (a dialect's model call
// is searched only then); the model by fallbackModel, when no model key named one.
func fallbackCall(a *spanAttrs, typ *platform.Type, kind *string) fallbackUsage {
	var fb fallbackUsage
	unknown := *typ == platform.TypeCustom && *kind == ""
	if !unknown && *typ != platform.TypeLLM {
		return fb
	}
	if named, _ := a.firstStr(a.rules.modelKeys...); named == "" {
		fb.model, fb.modelKey = fallbackModelKey(a)
	}
	if unknown { // a model call of a dialect is read by applyUsage, when it has no usage
		fb.readUsage(a)
		if fb.model != "" && fb.hasUsage {
			*typ, *kind = platform.TypeLLM, "llm"
		}
	}
	return fb
}

// readUsage looks for token counts: flat keys, else a JSON usage object.
func (fb *fallbackUsage) readUsage(a *spanAttrs) {
	fb.read = true
	fb.readFlatUsage(a)
	if !fb.hasUsage {
		fb.readJSONUsage(a)
	}
}

// fallbackModelKey returns the value of the first flat key whose last segment is a
// model name (fbModelNames order, then the lowest key).
func fallbackModelKey(a *spanAttrs) (string, string) {
	best, bestKey, bestRank := "", "", len(fbModelNames)
	for i := range a.e {
		if a.e[i].fb&fbClassModel == 0 {
			continue
		}
		k := a.e[i].k
		r := indexOf(fbModelNames, lastSegment(k))
		if r < 0 || r > bestRank || a.e[i].v.Kind() != ValueStr || strings.TrimSpace(a.e[i].v.Str()) == "" {
			continue
		}
		if r < bestRank || k < bestKey {
			best, bestKey, bestRank = a.e[i].v.Str(), k, r
		}
	}
	return best, bestKey
}

// indexOfFold is indexOf under Unicode case folding.
func indexOfFold(list []string, s string) int {
	for i, x := range list {
		if strings.EqualFold(x, s) {
			return i
		}
	}
	return -1
}

func indexOf(list []string, s string) int {
	for i, x := range list {
		if x == s {
			return i
		}
	}
	return -1
}

// readFlatUsage reads token counts from flat keys whose last segment is a token-count
// name. All counts come from one namespace (the key without its last segment): the lowest
// one that holds a prompt or completion count, so two libraries' keys are never mixed.
func (fb *fallbackUsage) readFlatUsage(a *spanAttrs) {
	ns, found := "", false
	for i := range a.e {
		if a.e[i].fb&fbClassTokens == 0 {
			continue
		}
		k := a.e[i].k
		seg := lastSegment(k)
		if indexOf(fbPromptNames, seg) < 0 && indexOf(fbCompletionNames, seg) < 0 {
			continue
		}
		if _, ok := valueInt(a.e[i].v); !ok {
			continue
		}
		if p := keyPrefix(k); !found || p < ns {
			ns, found = p, true
		}
	}
	if !found {
		return
	}
	get := func(names ...string) (int64, bool) {
		for _, n := range names {
			for i := range a.e {
				if a.e[i].fb&fbClassTokens == 0 {
					continue
				}
				k := a.e[i].k
				if lastSegment(k) != n || keyPrefix(k) != ns {
					continue
				}
				if c, ok := valueInt(a.e[i].v); ok {
					fb.keys = append(fb.keys, k)
					return c, true
				}
			}
		}
		return 0, false
	}
	var f tokenFields
	f.prompt, f.hasPrompt = get(fbPromptNames...)
	f.completion, f.hasCompletion = get(fbCompletionNames...)
	f.total, f.hasTotal = get(fbTotalNames...)
	f.exclRead, _ = get(fbCacheReadName)
	f.exclWrite, _ = get(fbCacheWriteName)
	fb.usage, fb.hasUsage = f.usage()
}

// readJSONUsage looks for a usage object in JSON attributes (a string holding a JSON
// object, at most maxFallbackJSON bytes, lowest key first; usage_details.go usageIn): the
// object itself when it holds a token count, else its usage / usage_metadata /
// usageMetadata member (a provider's response body: OpenAI Chat Completions and
// Responses, Anthropic Messages, Gemini generateContent, Mistral, …; an SDK's usage
// record), with its token details. A model string beside the usage (fbModelNames, Gemini's
// modelVersion) is the model when no key named one.
func (fb *fallbackUsage) readJSONUsage(a *spanAttrs) {
	f, obj, _, ok := jsonUsageAttr(a)
	if !ok {
		return
	}
	fb.usage, fb.hasUsage = f.usage()
	// The attribute is not consumed: it stays content (fallbackContent) or metadata.
	if fb.model != "" {
		return
	}
	for _, n := range fbBodyModelNames {
		if m := obj.get(n).str(); strings.TrimSpace(m) != "" {
			fb.model, fb.modelKey = m, ""
			return
		}
	}
}

// fbBodyModelNames are the members of a provider body that name its model.
var fbBodyModelNames = append(fbModelNames[:len(fbModelNames):len(fbModelNames)], "modelVersion")

// applyUsage puts the fallback's usage into su when the dialects found none on a model
// call, consuming its keys.
func (fb *fallbackUsage) applyUsage(a *spanAttrs, typ platform.Type, su *spanUsage) {
	if typ != platform.TypeLLM || !su.u.IsZero() {
		return
	}
	if !fb.read {
		fb.readUsage(a)
	}
	if !fb.hasUsage {
		return
	}
	*su = fb.usage
	a.use(fb.keys...)
}

// fallbackModel returns the fallback's model for a model call whose dialects named none,
// consuming its key.
func (c *spanCtx) fallbackModel() string {
	if c.typ != platform.TypeLLM || c.fb.model == "" {
		return ""
	}
	c.a.use(c.fb.modelKey)
	return c.fb.model
}

// Content names: the last key segment of a JSON attribute that holds a span's input or
// output, in the order they are taken.
var (
	fbInputNames  = []string{"input", "request", "prompt"}
	fbOutputNames = []string{"output", "response", "completion"}
)

// Tool content names: on a tool event, a last key segment that names a tool call's
// arguments (result) in a framework's own namespace — semconv's gen_ai.tool.call.arguments /
// gen_ai.tool.call.result spelled as frameworks spell them (Google ADK's
// gcp.vertex.agent.tool_call_args / tool_response, adk-js telemetry/tracing.ts
// traceToolCall) — is the input (output), whatever its value (a tool may answer in plain
// text), before the generic names above.
var (
	fbToolInputNames = []string{"tool_call_arguments", "tool_call_args", "tool_arguments", "tool_args", "tool_input",
		"toolCallArguments", "toolCallArgs", "toolArgs", "toolInput"}
	fbToolOutputNames = []string{"tool_call_result", "tool_call_response", "tool_result", "tool_response", "tool_output",
		"toolCallResult", "toolResult", "toolResponse", "toolOutput"}
	fbToolInputAll  = append(append([]string(nil), fbToolInputNames...), fbInputNames...)
	fbToolOutputAll = append(append([]string(nil), fbToolOutputNames...), fbOutputNames...)
)

// contentNames returns the fallback's input (output) names for the span's type, and how many
// of the first accept any value (the tool names on a tool event), not only JSON.
func (c *spanCtx) contentNames(output bool) (names []string, anyValue int) {
	switch {
	case c.typ == platform.TypeTool && output:
		return fbToolOutputAll, len(fbToolOutputNames)
	case c.typ == platform.TypeTool:
		return fbToolInputAll, len(fbToolInputNames)
	case output:
		return fbOutputNames, 0
	}
	return fbInputNames, 0
}

// fallbackContent returns the span's input (output) from the first JSON attribute whose
// last key segment is in names (then the lowest key) that no rule consumed, re-encoded;
// nil when there is none. The first anyValue names take a string of any text too. The
// attribute is consumed either way (also with OmitContent, which returns nil): content
// never goes to metadata.
func (c *spanCtx) fallbackContent(names []string, anyValue int) []byte {
	best, bestRank := -1, len(names)
	for i := range c.a.e {
		e := &c.a.e[i]
		if e.used || e.fb&fbClassContent == 0 || c.rules.isIndexedContent(e.k) || c.a.underUsedPrefix(e.k) {
			continue
		}
		r := indexOfFold(names, lastSegment(e.k))
		if r < 0 || r > bestRank || !(isJSONValue(e.v) || r < anyValue && e.v.Kind() == ValueStr && e.v.Str() != "") {
			continue
		}
		if r < bestRank || e.k < c.a.e[best].k {
			best, bestRank = i, r
		}
	}
	if best < 0 {
		return nil
	}
	c.a.e[best].used = true
	if c.opts.OmitContent {
		return nil
	}
	c.buf = c.appendAttrJSON(c.buf[:0], c.a.e[best].v)
	return c.staged(c.buf)
}

// isJSONValue reports a map or list value, or a string holding a JSON object or array.
func isJSONValue(v Value) bool {
	switch v.Kind() {
	case ValueMap, ValueList:
		return true
	case ValueStr:
		s := strings.TrimSpace(v.Str())
		return len(s) >= 2 && (s[0] == '{' || s[0] == '[') && json.Valid([]byte(s))
	}
	return false
}

// Trace-identity names: a key in any namespace whose last segment is one of these names a
// conversation, user or session.
var (
	fbConversationNames = []string{"conversationId", "conversation_id", "threadId", "thread_id"}
	fbUserNames         = []string{"userId", "user_id"}
	fbSessionNames      = []string{"sessionId", "session_id"}
)

// fallbackPrio ranks the fallback's identity candidates below every named key (the key
// lists built in precedence.go and OpenInference's metadata keys are far shorter).
const fallbackPrio = 1 << 20

// fallbackIDs fills the span's conversation, user and session candidates that no named
// key gave from keys in any namespace (fbConversationNames, …; first name, then lowest
// key), consuming the key taken.
//
// One pass over the attributes serves the three lists (their names are distinct, so a key
// matches at most one); only keys of the ID class (fbClassID, fallback_class.go) are split.
func fallbackIDs(p *prepared) {
	xs := [...]struct {
		v          *idVal
		names      []string
		best, rank int
	}{{&p.ids.conv, fbConversationNames, -1, 0}, {&p.ids.user, fbUserNames, -1, 0}, {&p.ids.session, fbSessionNames, -1, 0}}
	open := false
	for i := range xs {
		xs[i].rank = len(xs[i].names)
		open = open || xs[i].v.prio == noPrio
	}
	if !open {
		return
	}
	for i := range p.a.e {
		e := &p.a.e[i]
		if e.fb&fbClassID == 0 || e.used {
			continue
		}
		seg := lastSegment(e.k)
		for j := range xs {
			x := &xs[j]
			if x.v.prio != noPrio {
				continue
			}
			r := indexOf(x.names, seg)
			if r < 0 || r > x.rank || valueString(e.v) == "" {
				continue
			}
			if r < x.rank || e.k < p.a.e[x.best].k {
				x.best, x.rank = i, r
			}
			break
		}
	}
	for j := range xs {
		if x := &xs[j]; x.best >= 0 {
			p.a.e[x.best].used = true
			*x.v = idVal{v: valueString(p.a.e[x.best].v), prio: fallbackPrio + x.rank}
		}
	}
}

// isFallbackTokenKey reports a key whose last segment is a token-count name: a span
// carrying one has gen_ai semantics for GenAISemantics.
func isFallbackTokenKey(k string) bool {
	seg := lastSegment(k)
	return indexOf(fbPromptNames, seg) >= 0 || indexOf(fbCompletionNames, seg) >= 0 || indexOf(fbTotalNames, seg) >= 0
}
