package mapping

import (
	"strings"

	"github.com/llmtrace/llmtrace/platform"
	sc "github.com/llmtrace/llmtrace/semconv"
)

// openAIAgents is the OpenAI Agents SDK's OpenInference processors
// (openinference-instrumentation-openai-agents, Python and JS): OpenInference spans with
// finer kinds the span kind does not name — a handoff (TOOL named "handoff to …" without
// tool.name) and a guardrail (CHAIN with guardrail.triggered) — and model calls that do not
// flatten their request, whose input.value is the Responses API input items.
var openAIAgents = &dialect{
	name:     "openai-agents (openinference)",
	spanType: openAIAgentsType,
	input:    openAIAgentsInput,
}

// openAIAgentsType reads the handoff and guardrail spans; every other span falls through
// to openInferenceType.
func openAIAgentsType(a *spanAttrs, name, scope string) (platform.Type, string, bool) {
	switch strings.ToUpper(a.str(sc.OISpanKind)) {
	case sc.OIKindTool:
		if strings.HasPrefix(name, sc.OIHandoffNamePrefix) && !a.has(sc.OIToolName) {
			return platform.TypeTool, "handoff", true // the model's transfer tool
		}
	case sc.OIKindChain:
		if a.has(sc.OIGuardrailTriggered) {
			return platform.TypeCustom, "guardrail", true
		}
	}
	return "", "", false
}

// openAIAgentsInput reads a model call's input.value when it is the Responses API input
// items (not plain text).
func openAIAgentsInput(c *spanCtx) ([]nmsg, *jv, bool) {
	if c.typ == platform.TypeLLM && c.a.str(sc.OIInputMimeType) != "text/plain" {
		if j := c.attrJV(sc.OIInputValue); j != nil && j.k == 'a' {
			if msgs, ok := responsesItems(j); ok {
				return msgs, nil, true
			}
		}
	}
	return nil, nil, false
}
