package mapping

import (
	"strings"

	"github.com/llmtrace/llmtrace/platform"
	sc "github.com/llmtrace/llmtrace/semconv"
)

// The official gen_ai semantic conventions, current names (semconv v1.37–v1.41,
// semconv/genai.go): gen_ai.operation.name, the model call's gen_ai.input.messages /
// gen_ai.output.messages / gen_ai.system_instructions / gen_ai.tool.definitions (as span
// attributes or on the opt-in gen_ai.client.inference.operation.details event),
// gen_ai.usage.*, gen_ai.response.model / gen_ai.request.model, gen_ai.provider.name and
// gen_ai.conversation.id. Tool executions (genAIExecuteTool) and retrievals (genAIRetrieval) keep
// their values in keys of their own.
var genAI = &dialect{
	name:         "gen_ai",
	detect:       []string{sc.GenAIPrefix},
	spanType:     genAIType,
	input:        genAIInput,
	tools:        genAITools,
	output:       genAIOutput,
	finishReason: genAIFinishReason,
	valueKeys:    valueKeys{input: []string{sc.GenAIInputMessages}, output: []string{sc.GenAIOutputMessages}},
	content:      []string{sc.GenAIInputMessages, sc.GenAIOutputMessages, sc.GenAISystemInstructions, sc.GenAIToolDefinitions},
	usageKeys: usageKeys{
		prompt: []string{sc.GenAIUsageInputTokens}, completion: []string{sc.GenAIUsageOutputTokens},
		cached: []string{sc.GenAIUsageCacheReadInputTokens}, cacheCreation: []string{sc.GenAIUsageCacheCreationTokens},
		reasoning: []string{sc.GenAIUsageReasoningTokens},
	},
	modelKeys:    modelNames{response: []string{sc.GenAIResponseModel}, request: []string{sc.GenAIRequestModel}},
	providerKeys: []string{sc.GenAIProviderName},
	ids:          idKeys{conversation: []string{sc.GenAIConversationID}},
}

// genAIExecuteTool is an execute_tool span's arguments and result (gen_ai.tool.call.arguments,
// gen_ai.tool.call.result).
var genAIExecuteTool = &dialect{
	name: "gen_ai execute_tool",
	valueKeys: valueKeys{input: []string{sc.GenAIToolCallArgs}, toolInput: []string{sc.GenAIToolCallArgs},
		output: []string{sc.GenAIToolCallResult}, toolOutput: []string{sc.GenAIToolCallResult}},
	toolKeys: toolKeys{callID: []string{sc.GenAIToolCallID}, name: []string{sc.GenAIToolName}},
	content:  []string{sc.GenAIToolCallArgs, sc.GenAIToolCallResult},
}

// genAIRetrieval is a retrieval span's query and documents (gen_ai.retrieval.query.text,
// gen_ai.retrieval.documents).
var genAIRetrieval = &dialect{
	name:      "gen_ai retrieval",
	valueKeys: valueKeys{input: []string{sc.GenAIRetrievalQueryText}, output: []string{sc.GenAIRetrievalDocuments}},
	content:   []string{sc.GenAIRetrievalQueryText, sc.GenAIRetrievalDocuments},
}

// genAIType reads gen_ai.operation.name; an unknown operation falls through to the other
// dialects.
func genAIType(a *spanAttrs, name, scope string) (platform.Type, string, bool) {
	if op := strings.ToLower(a.str(sc.GenAIOperationName)); op != "" {
		switch op {
		case sc.OpChat, sc.OpTextCompletion, sc.OpGenerateContent, sc.OpCompletion, sc.OpGenerate:
			return platform.TypeLLM, "llm", true
		case sc.OpEmbeddings:
			return platform.TypeLLM, "embedding", true
		case sc.OpExecuteTool:
			return platform.TypeTool, "tool", true
		case sc.OpInvokeAgent, sc.OpCreateAgent:
			return platform.TypeCustom, "agent", true
		case sc.OpInvokeWorkflow:
			return platform.TypeCustom, "workflow", true
		case sc.OpAgentStep, sc.OpExecuteLoop:
			return platform.TypeCustom, "step", true
		case sc.OpRetrieval:
			return platform.TypeCustom, "retrieval", true
		case sc.OpRerank:
			return platform.TypeCustom, "reranker", true
		case sc.OpPlan:
			return platform.TypeCustom, "plan", true
		case sc.OpHandoff, sc.OpGuardrail:
			return platform.TypeCustom, op, true
		}
		if strings.Contains(op, sc.OpMemoryPrefix) {
			return platform.TypeCustom, "memory", true
		}
		// An unknown operation falls through to the other dialects.
	}
	return "", "", false
}

// genAIInput reads gen_ai.input.messages (an array, or one message object) with
// gen_ai.system_instructions, as span attributes or on the inference-details event.
func genAIInput(c *spanCtx) ([]nmsg, *jv, bool) {
	if j := c.attrJV(sc.GenAIInputMessages); j != nil && (j.k == 'a' || j.k == 'o') {
		return c.messages(j), c.attrJV(sc.GenAISystemInstructions), true
	}
	if j, o := c.detailsAttr(sc.GenAIInputMessages); j != nil {
		return c.messages(j), o.get(sc.GenAISystemInstructions), true
	}
	return nil, nil, false
}

// genAITools reads gen_ai.tool.definitions.
func genAITools(c *spanCtx) *jv { return c.attrJV(sc.GenAIToolDefinitions) }

// genAIOutput reads gen_ai.output.messages, as a span attribute or on the
// inference-details event.
func genAIOutput(c *spanCtx) (*nmsg, bool) {
	if j := c.attrJV(sc.GenAIOutputMessages); j != nil && (j.k == 'a' || j.k == 'o') {
		return pickOutput(c.messages(j)), true
	}
	if j, _ := c.detailsAttr(sc.GenAIOutputMessages); j != nil {
		return pickOutput(c.messages(j)), true
	}
	return nil, false
}

// genAIFinishReason reads gen_ai.response.finish_reasons (string[]): its only reason as a
// string, several as an array, none as nil.
func genAIFinishReason(c *spanCtx) (*jv, bool) {
	v, ok := c.a.get(sc.GenAIResponseFinishReason)
	if !ok {
		return nil, false
	}
	if l := v.List(); v.Kind() == ValueList && l != nil && l.Len() == 1 {
		return c.treeRoot(valueJV(l.At(0), true, 1)), true
	}
	j := valueJV(v, true, 0)
	if j.k == 'a' && len(j.vals) == 1 {
		return &j.vals[0], true
	}
	if j.k == 'a' && len(j.vals) == 0 {
		return nil, true
	}
	return &j, true
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
