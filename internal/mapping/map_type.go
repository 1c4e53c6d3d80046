package mapping

import (
	"strings"
	"time"

	"github.com/llmtrace/llmtrace/platform"
	sc "github.com/llmtrace/llmtrace/semconv"
)

// classify decides the platform type and the finer kind (metadata.kind) of a span, by the
// first dialect that names an operation: langfuse.observation.type › openinference.span.kind
// › gen_ai.operation.name › AI SDK ai.operationId › traceloop.span.kind / llm.request.type ›
// tool keys › any model key (README.md "How spans map onto platform events"). OpenInference kinds are refined where the
// emitter marks a finer kind without a kind of its own: an OpenAI Agents handoff (TOOL named
// "handoff to …" without tool.name) is "handoff", a guardrail (CHAIN with guardrail.triggered)
// is "guardrail". Classification is by operation, never by
// context attributes such as gen_ai.agent.name on a chat span. aggregate marks kinds whose
// usage repeats their descendants' (agent, workflow, chain, step, task).
func classify(a *spanAttrs, name, scope string) (typ platform.Type, kind string) {
	if t := strings.ToLower(a.str(sc.LangfuseObservationType)); t != "" {
		switch t {
		case "generation":
			return platform.TypeLLM, "llm"
		case "embedding":
			return platform.TypeLLM, "embedding"
		case "tool":
			return platform.TypeTool, "tool"
		case "retriever":
			return platform.TypeCustom, "retrieval"
		case "chain", "agent", "guardrail", "evaluator", "event":
			return platform.TypeCustom, t
		}
	}
	if k := strings.ToUpper(a.str(sc.OISpanKind)); k != "" {
		switch k {
		case sc.OIKindLLM:
			return platform.TypeLLM, "llm"
		case sc.OIKindEmbedding:
			return platform.TypeLLM, "embedding"
		case sc.OIKindTool:
			if strings.HasPrefix(name, sc.OIHandoffNamePrefix) && !a.has(sc.OIToolName) {
				return platform.TypeTool, "handoff" // OpenAI Agents handoff: the model's transfer tool
			}
			return platform.TypeTool, "tool"
		case sc.OIKindAgent:
			return platform.TypeCustom, "agent"
		case sc.OIKindChain:
			if a.has(sc.OIGuardrailTriggered) {
				return platform.TypeCustom, "guardrail" // OpenAI Agents guardrail span
			}
			return platform.TypeCustom, "chain"
		case sc.OIKindRetriever:
			return platform.TypeCustom, "retrieval"
		case sc.OIKindReranker:
			return platform.TypeCustom, "reranker"
		case sc.OIKindGuardrail:
			return platform.TypeCustom, "guardrail"
		case sc.OIKindEvaluator:
			return platform.TypeCustom, "evaluator"
		case sc.OIKindPrompt:
			return platform.TypeCustom, "prompt"
		}
	}
	if op := strings.ToLower(a.str(sc.GenAIOperationName)); op != "" {
		switch op {
		case sc.OpChat, sc.OpTextCompletion, sc.OpGenerateContent, sc.OpCompletion, sc.OpGenerate:
			return platform.TypeLLM, "llm"
		case sc.OpEmbeddings:
			return platform.TypeLLM, "embedding"
		case sc.OpExecuteTool:
			return platform.TypeTool, "tool"
		case sc.OpInvokeAgent, sc.OpCreateAgent:
			return platform.TypeCustom, "agent"
		case sc.OpInvokeWorkflow:
			return platform.TypeCustom, "workflow"
		case sc.OpAgentStep, sc.OpExecuteLoop:
			return platform.TypeCustom, "step"
		case sc.OpRetrieval:
			return platform.TypeCustom, "retrieval"
		case sc.OpRerank:
			return platform.TypeCustom, "reranker"
		case sc.OpPlan:
			return platform.TypeCustom, "plan"
		case sc.OpHandoff, sc.OpGuardrail:
			return platform.TypeCustom, op
		}
		if strings.Contains(op, sc.OpMemoryPrefix) {
			return platform.TypeCustom, "memory"
		}
		// An unknown operation falls through to the other dialects.
	}
	opID := a.str(sc.AIOperationID)
	if opID == "" && scope == sc.AIScope && strings.HasPrefix(name, "ai.") {
		opID = name
	}
	if opID != "" {
		switch {
		case strings.HasSuffix(opID, sc.AIOpSuffixGen), strings.HasSuffix(opID, sc.AIOpSuffixStream):
			return platform.TypeLLM, "llm"
		case strings.HasSuffix(opID, sc.AIOpSuffixEmbed):
			return platform.TypeLLM, "embedding"
		case opID == sc.AIOpToolCall:
			return platform.TypeTool, "tool"
		case strings.HasPrefix(opID, "ai."):
			return platform.TypeCustom, "task" // outer ai.generateText / streamText / generateObject / embed …
		}
	}
	if k := strings.ToLower(a.str(sc.TLSpanKind)); k != "" {
		switch k {
		case sc.TLKindWorkflow, sc.TLKindTask, sc.TLKindAgent:
			return platform.TypeCustom, k
		case sc.TLKindTool:
			return platform.TypeTool, "tool"
		}
	}
	if rt := strings.ToLower(a.str(sc.TLRequestType)); rt != "" {
		switch rt {
		case sc.TLRequestChat, sc.TLRequestCompletion:
			return platform.TypeLLM, "llm"
		case sc.TLRequestEmbedding:
			return platform.TypeLLM, "embedding"
		case sc.TLRequestRerank:
			return platform.TypeCustom, "reranker"
		}
	}
	if a.has(sc.GenAIToolName) || a.has(sc.GenAIToolCallID) || a.has(sc.AIToolCallName) {
		return platform.TypeTool, "tool"
	}
	// An agent span that names no operation: pydantic-ai's agent run span of data formats
	// v1/v2 ("agent run", agent_name, model_name; pydantic_ai agent/__init__.py iter) or any
	// span named after the convention's "invoke_agent {gen_ai.agent.name}". Checked before
	// the model keys: an agent run may carry its model's name.
	if (scope == sc.PydanticScope && name == sc.PydanticAgentRunSpan && a.has(sc.PydanticAgentName)) ||
		strings.HasPrefix(name, sc.OpInvokeAgent+" ") {
		return platform.TypeCustom, "agent"
	}
	if name == sc.OpExecuteLoop { // Strands sets no operation name on its cycle spans
		return platform.TypeCustom, "step"
	}
	for _, k := range modelKeys {
		if a.has(k) {
			return platform.TypeLLM, "llm"
		}
	}
	return platform.TypeCustom, ""
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
// gen_ai.*, OpenInference, Traceloop, Vercel AI SDK ai.*, Langfuse), or events of the
// deprecated gen_ai message model. Plain HTTP / DB spans report false.
func HasGenAISemantics(s SpanView) bool {
	found := false
	if attrs := s.Attributes(); attrs != nil {
		attrs.Range(func(k string, _ Value) bool {
			if hasGenAIPrefix(k) {
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
	for _, p := range [...]string{"gen_ai.", "llm.", "openinference.", "traceloop.", "ai.", sc.LangfusePrefix, "embedding.", "retrieval.", "tool.", "input.value", "output.value"} {
		if strings.HasPrefix(k, p) {
			return true
		}
	}
	return false
}
