package mapping

import (
	"strings"

	"github.com/llmtrace/llmtrace/platform"
	sc "github.com/llmtrace/llmtrace/semconv"
)

// The Langfuse SDK dialect (semconv/langfuse.go): the langfuse.observation.* keys of one
// observation (type, input, output, model, usage and cost details, level, status message)
// and the langfuse.trace.* keys of its trace, as the Langfuse JS SDK v4 writes them
// (@langfuse/tracing createObservationAttributes, @langfuse/core LangfuseOtelSpanAttributes)
// and Langfuse's OTLP ingest reads them. User and session are the OTel user.id / session.id
// (v4, read as openInference's) or langfuse.user.id / langfuse.session.id (older SDKs); the
// langfuse_user_id / langfuse_session_id / conversation_id an app puts in trace or
// observation metadata are langfuseMetadata.
var langfuse = &dialect{
	name:     "langfuse",
	detect:   []string{sc.LangfusePrefix},
	spanType: langfuseType,
	request:  (*spanCtx).langfuseInput,
	output:   (*spanCtx).langfuseOutput,
	valueKeys: valueKeys{input: []string{sc.LangfuseObservationInput}, toolInput: []string{sc.LangfuseObservationInput},
		output: []string{sc.LangfuseObservationOutput}, toolOutput: []string{sc.LangfuseObservationOutput}},
	content:      []string{sc.LangfuseObservationInput, sc.LangfuseObservationOutput},
	contentShown: langfuseTraceIO,
	usage:        langfuseUsage,
	modelKeys:    modelNames{name: []string{sc.LangfuseObservationModelName}},
	failure:      langfuseFailed,
	ids: idKeys{user: []string{sc.LangfuseUserID}, session: []string{sc.LangfuseSessionID},
		tags: []string{sc.LangfuseTraceTags, sc.LangfuseTags}},
	jsonKeys: []string{sc.LangfuseObservationMetadata, sc.LangfuseTraceMetadata, sc.LangfuseMetadata},
}

// langfuseMetadata is the trace-wide ids an app puts in Langfuse trace or observation
// metadata (langfuse.{trace,observation}.metadata.langfuse_user_id, …), which Langfuse's
// ingest reads as the trace's user and session.
var langfuseMetadata = &dialect{
	name: "langfuse metadata ids",
	ids: idKeys{
		conversation: []string{sc.LangfuseTraceConversationID},
		user:         []string{sc.LangfuseObservationUserID, sc.LangfuseTraceUserID},
		session:      []string{sc.LangfuseObservationSessionID, sc.LangfuseTraceSessionID},
	},
}

// langfuseType reads langfuse.observation.type; a span of Langfuse's generic type "span" is
// custom with no kind. A span without the key falls through (the SDK deletes it on
// startActiveObservation without asType): Langfuse's ingest then reads the other dialects.
func langfuseType(a *spanAttrs, name, scope string) (platform.Type, string, bool) {
	if t := strings.ToLower(a.str(sc.LangfuseObservationType)); t != "" {
		switch t {
		case "generation":
			return platform.TypeLLM, "llm", true
		case "embedding":
			return platform.TypeLLM, "embedding", true
		case "tool":
			return platform.TypeTool, "tool", true
		case "retriever":
			return platform.TypeCustom, "retrieval", true
		case "chain", "agent", "guardrail", "evaluator", "event":
			return platform.TypeCustom, t, true
		case "span":
			return platform.TypeCustom, "", true
		}
	}
	return "", "", false
}

// langfuseUsage reads langfuse.observation.usage_details (a JSON object, usage type →
// tokens) and langfuse.observation.cost_details (usage type → USD; "total", else the sum).
// Langfuse's usage types: input, output, total and details named input_* (input_cached_tokens,
// input_audio_tokens, …) and output_* (output_reasoning_tokens, …), which @langfuse/openai
// subtracts from input and output (its usage_details 34 / 12 for OpenAI's 42 / 17 with 8
// cached and 5 reasoning tokens): input and output are exclusive of the details, as
// Langfuse's ingest reads them, and are made inclusive here (OTel semantics) — unless the
// map states a total equal to input + output, which says they already include them (a map
// an app wrote by hand).
func langfuseUsage(p *prepared) (spanUsage, bool) {
	a := p.a
	var su spanUsage
	found := false
	if v, ok := a.get(sc.LangfuseObservationUsageDetails); ok {
		if j := a.valueTree(v); j.k == 'o' {
			var in, out, total, inDet, outDet int64
			hasIn, hasOut, hasTotal, unmapped := false, false, false, false
			for i, k := range j.keys {
				n, ok := jvInt(&j.vals[i])
				if !ok {
					continue
				}
				switch {
				case k == "input":
					in, hasIn = n, true
				case k == "output":
					out, hasOut = n, true
				case k == "total":
					total, hasTotal = n, true
				case strings.HasPrefix(k, "input_"):
					inDet += n
				case strings.HasPrefix(k, "output_"):
					outDet += n
				}
				switch k {
				case "input", "output", "total":
				case "input_cached_tokens", "input_cache_read":
					su.u.CachedTokens = n
				case "output_reasoning_tokens", "output_reasoning":
					su.u.ReasoningTokens = n
				default:
					unmapped = unmapped || n != 0 // audio, prediction, … tokens: no event field
				}
			}
			if hasIn || hasOut || hasTotal {
				found = true
				if inDet+outDet > 0 && !(hasTotal && total == in+out) {
					in += inDet
					out += outDet
					su.converted = true
				}
				if !hasTotal {
					total = in + out
				}
				su.u.PromptTokens, su.u.CompletionTokens, su.u.TotalTokens = in, out, total
				if !unmapped { // else the map stays in metadata, its other counts with it
					a.use(sc.LangfuseObservationUsageDetails)
				}
			}
		}
	}
	if v, ok := a.get(sc.LangfuseObservationCostDetails); ok {
		if j := a.valueTree(v); j.k == 'o' {
			var sum float64
			var hasTotal bool
			for i, k := range j.keys {
				f, ok := jvFloat(&j.vals[i])
				if !ok {
					continue
				}
				found = true
				if k == "total" {
					su.u.CostUSD, hasTotal = f, true
				} else {
					sum += f
				}
			}
			if !hasTotal {
				su.u.CostUSD = sum
			}
			// The key stays in metadata: the per-type breakdown has no event field.
		}
	}
	return su, found
}

// langfuseFailed: level ERROR is the SDK's failure signal (@langfuse/openai records a failed
// call as level ERROR and status_message, leaving the OTel status unset); the status message
// is the error's.
func langfuseFailed(a *spanAttrs) (bool, string) {
	if !strings.EqualFold(a.str(sc.LangfuseObservationLevel), sc.LangfuseLevelError) {
		return false, ""
	}
	a.use(sc.LangfuseObservationLevel, sc.LangfuseObservationStatusMsg)
	return true, a.str(sc.LangfuseObservationStatusMsg)
}

// langfuseInput reads a generation's messages from langfuse.observation.input: an object
// {messages, tools} (what @langfuse/openai records of a chat completion request) or an
// array of messages.
func (c *spanCtx) langfuseInput() (msgs []nmsg, tools *jv, ok bool) {
	if c.typ != platform.TypeLLM {
		return nil, nil, false
	}
	j := c.attrJV(sc.LangfuseObservationInput)
	if j == nil {
		return nil, nil, false
	}
	if ms := j.get("messages"); isMessageArray(ms, false) {
		if t := j.get("tools"); t != nil && t.k == 'a' {
			tools = t
		}
		return c.messages(ms), tools, true
	}
	if isMessageArray(j, false) {
		return c.messages(j), nil, true
	}
	return nil, nil, false
}

// langfuseOutput reads a generation's answer from langfuse.observation.output: an assistant
// message {role, content, tool_calls} or the answer's text (streamed generations).
func (c *spanCtx) langfuseOutput() (*nmsg, bool) {
	if c.typ != platform.TypeLLM {
		return nil, false
	}
	j := c.attrJV(sc.LangfuseObservationOutput)
	switch {
	case j == nil:
		return nil, false
	case j.k == 's':
		m := nmsg{role: "assistant"}
		m.addTextJV(j)
		return &m, true
	case j.k == 'o' && j.get("role") != nil:
		m := normMessage(j)
		return &m, true
	}
	return nil, false
}

// langfuseTraceIO marks langfuse.trace.input / output consumed where the event shows them:
// they equal the span's observation input / output (the SDK's updateTrace on the span that
// also records them). Otherwise they stay in metadata.
func langfuseTraceIO(a *spanAttrs) {
	for _, k := range [][2]string{{sc.LangfuseTraceInput, sc.LangfuseObservationInput}, {sc.LangfuseTraceOutput, sc.LangfuseObservationOutput}} {
		tv, ok := a.get(k[0])
		if !ok {
			continue
		}
		if ov, ok := a.get(k[1]); ok && valueString(ov) == valueString(tv) {
			a.use(k[0])
		}
	}
}

// jvFloat returns a JSON number that is a finite amount ≥ 0 (USD).
func jvFloat(v *jv) (float64, bool) {
	if v == nil || v.k != 'n' {
		return 0, false
	}
	return valueFloat(StrValue(v.s))
}
