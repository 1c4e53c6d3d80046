package mapping

import (
	"strings"
	"time"

	"github.com/llmtrace/llmtrace/platform"
	sc "github.com/llmtrace/llmtrace/semconv"
)

// classify decides the platform type and the finer kind (metadata.kind) of a span: the
// first rule of typeRules that knows the span decides (README.md "How spans map onto
// platform events"). Classification is by operation, never by context attributes such as
// gen_ai.agent.name on a chat span; a span no rule knows is custom with no kind.
func classify(a *spanAttrs, name, scope string) (typ platform.Type, kind string) {
	for _, rule := range typeRules {
		if typ, kind, ok := rule(a, name, scope); ok {
			return typ, kind
		}
	}
	return platform.TypeCustom, ""
}

// typeRule is one dialect's reading of a span's type and kind; ok is false when the
// dialect names no operation it knows on the span.
type typeRule func(a *spanAttrs, name, scope string) (typ platform.Type, kind string, ok bool)

// typeRules is the cross-dialect precedence for type and kind: the first rule that knows
// the span decides.
var typeRules = [...]typeRule{
	langfuseType,      // langfuse.observation.type
	genkitType,        // genkit:type, genkit:metadata:subtype
	openInferenceType, // openinference.span.kind
	genAIType,         // gen_ai.operation.name
	vercelAIType,      // ai.operationId (or an ai.* span name in the AI SDK's scope)
	traceloopType,     // traceloop.span.kind, then llm.request.type
	toolKeysType,      // gen_ai.tool.name / gen_ai.tool.call.id / ai.toolCall.name
	agentSpanType,     // Pydantic AI "agent run", "invoke_agent {name}", Strands cycles
	modelKeysType,     // any model key: a model call
}

// openInferenceType reads openinference.span.kind, refined where the emitter marks a finer
// kind without a kind of its own: an OpenAI Agents handoff (TOOL named "handoff to …"
// without tool.name) is "handoff", a guardrail (CHAIN with guardrail.triggered) "guardrail".
func openInferenceType(a *spanAttrs, name, scope string) (platform.Type, string, bool) {
	if k := strings.ToUpper(a.str(sc.OISpanKind)); k != "" {
		switch k {
		case sc.OIKindLLM:
			return platform.TypeLLM, "llm", true
		case sc.OIKindEmbedding:
			return platform.TypeLLM, "embedding", true
		case sc.OIKindTool:
			if strings.HasPrefix(name, sc.OIHandoffNamePrefix) && !a.has(sc.OIToolName) {
				return platform.TypeTool, "handoff", true // OpenAI Agents handoff: the model's transfer tool
			}
			return platform.TypeTool, "tool", true
		case sc.OIKindAgent:
			return platform.TypeCustom, "agent", true
		case sc.OIKindChain:
			if a.has(sc.OIGuardrailTriggered) {
				return platform.TypeCustom, "guardrail", true // OpenAI Agents guardrail span
			}
			return platform.TypeCustom, "chain", true
		case sc.OIKindRetriever:
			return platform.TypeCustom, "retrieval", true
		case sc.OIKindReranker:
			return platform.TypeCustom, "reranker", true
		case sc.OIKindGuardrail:
			return platform.TypeCustom, "guardrail", true
		case sc.OIKindEvaluator:
			return platform.TypeCustom, "evaluator", true
		case sc.OIKindPrompt:
			return platform.TypeCustom, "prompt", true
		}
	}
	return "", "", false
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

// vercelAIType reads the Vercel AI SDK's ai.operationId, or the span name of an ai.* span
// in the AI SDK's scope.
func vercelAIType(a *spanAttrs, name, scope string) (platform.Type, string, bool) {
	opID := a.str(sc.AIOperationID)
	if opID == "" && scope == sc.AIScope && strings.HasPrefix(name, "ai.") {
		opID = name
	}
	if opID != "" {
		switch {
		case strings.HasSuffix(opID, sc.AIOpSuffixGen), strings.HasSuffix(opID, sc.AIOpSuffixStream):
			return platform.TypeLLM, "llm", true
		case strings.HasSuffix(opID, sc.AIOpSuffixEmbed):
			return platform.TypeLLM, "embedding", true
		case opID == sc.AIOpToolCall:
			return platform.TypeTool, "tool", true
		case strings.HasPrefix(opID, "ai."):
			return platform.TypeCustom, "task", true // outer ai.generateText / streamText / generateObject / embed …
		}
	}
	return "", "", false
}

// traceloopType reads traceloop.span.kind, then llm.request.type (OpenLLMetry).
func traceloopType(a *spanAttrs, name, scope string) (platform.Type, string, bool) {
	if k := strings.ToLower(a.str(sc.TLSpanKind)); k != "" {
		switch k {
		case sc.TLKindWorkflow, sc.TLKindTask, sc.TLKindAgent:
			return platform.TypeCustom, k, true
		case sc.TLKindTool:
			return platform.TypeTool, "tool", true
		}
	}
	if rt := strings.ToLower(a.str(sc.TLRequestType)); rt != "" {
		switch rt {
		case sc.TLRequestChat, sc.TLRequestCompletion:
			return platform.TypeLLM, "llm", true
		case sc.TLRequestEmbedding:
			return platform.TypeLLM, "embedding", true
		case sc.TLRequestRerank:
			return platform.TypeCustom, "reranker", true
		}
	}
	return "", "", false
}

// toolKeysType: a span naming a tool or tool call is a tool execution.
func toolKeysType(a *spanAttrs, name, scope string) (platform.Type, string, bool) {
	if a.has(sc.GenAIToolName) || a.has(sc.GenAIToolCallID) || a.has(sc.AIToolCallName) {
		return platform.TypeTool, "tool", true
	}
	return "", "", false
}

// agentSpanType: agent and loop spans that name no operation.
func agentSpanType(a *spanAttrs, name, scope string) (platform.Type, string, bool) {
	// An agent span that names no operation: pydantic-ai's agent run span of data formats
	// v1/v2 ("agent run", agent_name, model_name; pydantic_ai agent/__init__.py iter) or any
	// span named after the convention's "invoke_agent {gen_ai.agent.name}". Checked before
	// the model keys: an agent run may carry its model's name.
	if (scope == sc.PydanticScope && name == sc.PydanticAgentRunSpan && a.has(sc.PydanticAgentName)) ||
		strings.HasPrefix(name, sc.OpInvokeAgent+" ") {
		return platform.TypeCustom, "agent", true
	}
	if name == sc.OpExecuteLoop { // Strands sets no operation name on its cycle spans
		return platform.TypeCustom, "step", true
	}
	return "", "", false
}

// modelKeysType is the general fallback: a span naming a model is a model call.
func modelKeysType(a *spanAttrs, name, scope string) (platform.Type, string, bool) {
	for _, k := range modelKeys {
		if a.has(k) {
			return platform.TypeLLM, "llm", true
		}
	}
	return "", "", false
}

// isAggregateKind reports kinds that enclose model calls and often repeat their usage.
func isAggregateKind(kind string) bool {
	switch kind {
	case "agent", "workflow", "chain", "step", "task":
		return true
	}
	return false
}

// HasGenAISemantics reports whether s carries attributes of any gen_ai dialect (official
// gen_ai.*, OpenInference, Traceloop, Vercel AI SDK ai.*, Langfuse, Genkit genkit:*), or events of the
// deprecated gen_ai message model, or a token count the fallback reads (fallback.go).
// Plain HTTP / DB spans report false.
func HasGenAISemantics(s SpanView) bool {
	found := false
	if attrs := s.Attributes(); attrs != nil {
		attrs.Range(func(k string, _ Value) bool {
			if hasGenAIPrefix(k) || isFallbackTokenKey(k) {
				found = true
				return false
			}
			return true
		})
	}
	if found {
		return true
	}
	if name, _ := s.Scope(); name == sc.AIScope {
		return true
	}
	s.Events(func(name string, _ time.Time, _ Map) bool {
		if strings.HasPrefix(name, "gen_ai.") {
			found = true
			return false
		}
		return true
	})
	return found
}

func hasGenAIPrefix(k string) bool {
	for _, p := range [...]string{"gen_ai.", "llm.", "openinference.", "traceloop.", "ai.", sc.LangfusePrefix, "genkit:", "embedding.", "retrieval.", "tool.", "input.value", "output.value"} {
		if strings.HasPrefix(k, p) {
			return true
		}
	}
	return false
}
