package mapping

import (
	"slices"
	"strings"
	"time"

	"github.com/llmtrace/llmtrace/platform"
	sc "github.com/llmtrace/llmtrace/semconv"
)

// classify decides the platform type and the finer kind (metadata.kind) of a span: the
// first type rule of the precedence table (precedence.spanType, precedence.go) that knows
// the span decides (docs/mapping.md, the type rows). Classification is by operation, never
// by context attributes such as gen_ai.agent.name on a chat span; a span no rule knows is
// custom with no kind.
func classify(a *spanAttrs, name, scope string) (typ platform.Type, kind string) {
	for _, rule := range a.rules.typeRules {
		if typ, kind, ok := rule(a, name, scope); ok {
			return typ, kind
		}
	}
	return platform.TypeCustom, ""
}

// The generic type rules: they read keys of several dialects and are registered in the
// precedence table (precedence.go) after every dialect's own type rule.
var (
	anyToolKeys  = &dialect{name: "tool keys", spanType: toolKeysType}
	anyAgentSpan = &dialect{name: "agent spans", spanType: agentSpanType}
	anyModelKey  = &dialect{name: "model keys", spanType: modelKeysType}
)

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
	if a.hasOne(a.rules.modelKeys) {
		return platform.TypeLLM, "llm", true
	}
	return "", "", false
}

// unwrapModelCall, in the trace pass (resolveTrace, map_trace.go): a span typed as a model
// call that reports no usage of its own while a descendant in its trace does — in this Map
// call or remembered from an earlier one — wraps the real call (a framework's or SDK's span
// around the instrumented client's: langsmith's traceable embedding run around the
// wrapped client's, an agent framework's model step around the provider SDK's span). It
// becomes custom, its kind (metadata.kind) and model kept, so the trace holds one llm event
// per call; its usage_rollup shows the call's usage.
func unwrapModelCall(p *prepared) {
	if p.typ == platform.TypeLLM && !p.ownUsage && p.hasUsageDesc {
		p.typ = platform.TypeCustom
	}
}

// isAggregateKind reports kinds that enclose model calls and often repeat their usage.
func isAggregateKind(kind string) bool {
	switch kind {
	case "agent", "workflow", "chain", "step", "task":
		return true
	}
	return false
}

// GenAISemantics returns a test of whether a span carries attributes of any gen_ai dialect
// (a detection prefix of a dialect: official gen_ai.*, OpenInference, Traceloop, Vercel AI
// SDK ai.*, Langfuse, Genkit genkit:*), comes from a dialect's instrumentation scope, has
// events of the deprecated gen_ai message model, or a token count the fallback reads
// (fallback.go); plain HTTP / DB spans report false. It compiles the precedence table
// (compile, ruleset.go), so call it once and reuse the test, which is safe for concurrent
// use (otelbridge.GenAIOnly does, once per filter).
func GenAISemantics() func(SpanView) bool {
	return compile(&precedence).hasGenAISemantics
}

func (r *ruleset) hasGenAISemantics(s SpanView) bool {
	found := false
	if attrs := s.Attributes(); attrs != nil {
		attrs.Range(func(k string, _ Value) bool {
			if r.hasGenAIPrefix(k) || isFallbackTokenKey(k) {
				found = true
				return false
			}
			return true
		})
	}
	if found {
		return true
	}
	if name, _ := s.Scope(); slices.Contains(r.detectScopes, name) {
		return true
	}
	s.Events(func(name string, _ time.Time, _ Map) bool {
		if strings.HasPrefix(name, sc.GenAIPrefix) {
			found = true
			return false
		}
		return true
	})
	return found
}

func (r *ruleset) hasGenAIPrefix(k string) bool {
	for _, p := range r.detectPrefixes {
		if strings.HasPrefix(k, p) {
			return true
		}
	}
	return false
}
