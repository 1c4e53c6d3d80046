package mapping

// table is the cross-dialect precedence: for each concern, the dialects that have something
// to say about it, in the order they are asked. The first dialect whose rule knows the span
// decides (type, messages, finish reason, model and provider rules, failure); key lists are
// the concatenation of each dialect's keys in row order, and the first key present wins
// (usage fields, model, provider, plain values, trace-wide ids). NewMapper compiles the one
// table, precedence, into the ruleset the Mapper reads (compile, ruleset.go); the resolved
// order, key by key with its dialect, is internal/mapping/testdata/precedence.golden and
// docs/precedence.md (both generated: go test ./internal/mapping -run Precedence -update). docs/mapping.md explains
// the resulting order per event field.
//
// A dialect is listed in a row exactly when it defines that concern's rule or keys
// (precedence_test.go checks both ways). The generic cross-dialect rules (anyToolKeys,
// anyAgentSpan, anyModelKey in map_type.go) and the general fallback (fallback.go, last)
// are rows' entries like any dialect.
type table struct {
	all []*dialect // every registered dialect: detection, content and JSON keys

	spanType []*dialect

	request, input, tools, output []*dialect
	finishReason                  []*dialect

	valueDecode                                    []*dialect // before every value key
	valueInput, valueOutput, toolInput, toolOutput []*dialect // value keys
	valueEvents                                    []*dialect // after every value key
	toolCallID, toolName                           []*dialect

	usagePrompt, usageCompletion, usageTotal, usageCached []*dialect
	usageCacheCreation, usageReasoning, usageCost         []*dialect
	usageEmbedding, usageNoCache, usageAnthropicInput     []*dialect
	usage                                                 []*dialect // structured usage, when no usage key says anything

	modelResponse, modelRequest, modelName []*dialect
	model                                  []*dialect // when no model key names one
	providerKeys                           []*dialect
	provider                               []*dialect // when no provider key names one
	frameworkNames                         []*dialect
	anthropicUsage, anthropicCache         []*dialect // provider anthropic: raw usage objects

	failure []*dialect

	conversation, user, session, tags []*dialect
	metadataIDs                       []*dialect // inside OpenInference's metadata object
	conversationRule                  []*dialect // after every conversation key
}

// precedence is the table NewMapper compiles.
var precedence = table{
	all: []*dialect{genAI, genAIExecuteTool, genAIRetrieval, genAIDeprecated, genAIEvents, genAIContentEvents,
		sentry, openAIV2, openInference, openInferencePrompts, openAIAgents, traceloop, traceloopAssociation,
		langchain, vercelAI, vercelAIOuter, vercelAITool, vercelAIEmbed, pydanticAI, pydanticAITool, strands,
		mlflow, genkit, langfuse, langfuseMetadata, otel, anyToolKeys, anyAgentSpan, anyModelKey, fallback},

	spanType: []*dialect{langfuse, genkit, openAIAgents, openInference, genAI, vercelAI, traceloop,
		anyToolKeys, anyAgentSpan, anyModelKey},

	request: []*dialect{genkit, langfuse},
	input: []*dialect{genAI, openInference, traceloop, vercelAI, pydanticAI, openAIV2, genAIEvents,
		genAIContentEvents, openInferencePrompts, openAIAgents, fallback},
	tools: []*dialect{genAI, vercelAI, openInference, traceloop, fallback},
	output: []*dialect{genkit, langfuse, genAI, pydanticAI, openInference, traceloop, vercelAI, genAIEvents,
		openInferencePrompts, genAIContentEvents, openAIV2, fallback},
	finishReason: []*dialect{genAI, openInference, vercelAI, traceloop, genAIDeprecated},

	valueDecode: []*dialect{genkit},
	valueInput: []*dialect{langfuse, genAI, vercelAI, openInference, traceloop, vercelAIOuter, genAIExecuteTool,
		vercelAITool, genAIRetrieval, vercelAIEmbed, pydanticAITool, mlflow, genkit, fallback},
	toolInput: []*dialect{genAIExecuteTool, vercelAITool, openInference, traceloop, pydanticAITool, langfuse, mlflow,
		genkit, fallback},
	valueOutput: []*dialect{langfuse, genAI, openInference, traceloop, genAIExecuteTool, vercelAITool, vercelAIOuter,
		genAIRetrieval, vercelAIEmbed, pydanticAITool, pydanticAI, mlflow, genkit, fallback},
	toolOutput: []*dialect{genAIExecuteTool, vercelAITool, openInference, traceloop, pydanticAITool, langfuse, mlflow,
		genkit, fallback},
	valueEvents: []*dialect{genAIContentEvents, strands},
	toolCallID:  []*dialect{genAIExecuteTool, vercelAITool, openInference},
	toolName:    []*dialect{genAIExecuteTool, openInference, vercelAITool, traceloop},

	usagePrompt:         []*dialect{genAI, genAIDeprecated, openInference, vercelAI, traceloop},
	usageCompletion:     []*dialect{genAI, genAIDeprecated, openInference, vercelAI, traceloop},
	usageTotal:          []*dialect{genAIDeprecated, traceloop, openInference, vercelAI},
	usageCached:         []*dialect{genAI, genAIDeprecated, openInference, sentry, vercelAI, traceloop, pydanticAI},
	usageCacheCreation:  []*dialect{genAI, genAIDeprecated, openInference, vercelAI, strands, pydanticAI},
	usageReasoning:      []*dialect{genAI, genAIDeprecated, openInference, sentry, vercelAI, openAIV2, pydanticAI},
	usageCost:           []*dialect{openInference, genAIDeprecated, pydanticAI},
	usageEmbedding:      []*dialect{vercelAIEmbed},
	usageNoCache:        []*dialect{vercelAI},
	usageAnthropicInput: []*dialect{vercelAI},
	usage:               []*dialect{genkit, langfuse},

	modelResponse:  []*dialect{genAI, openInference, vercelAI, traceloop},
	modelRequest:   []*dialect{genAI, openInference, traceloop, vercelAI},
	modelName:      []*dialect{openInference, langfuse, langchain},
	model:          []*dialect{genkit},
	providerKeys:   []*dialect{genAI, genAIDeprecated, openInference, vercelAI, traceloop, langchain},
	provider:       []*dialect{genkit},
	frameworkNames: []*dialect{strands, fallback},
	anthropicUsage: []*dialect{vercelAI, openInference},
	anthropicCache: []*dialect{vercelAI},

	failure: []*dialect{genkit, langfuse},

	conversation:     []*dialect{genAI, vercelAI, traceloopAssociation, langfuseMetadata},
	user:             []*dialect{langfuse, openInference, langfuseMetadata, vercelAI, traceloopAssociation, otel, traceloop, genAIDeprecated},
	session:          []*dialect{langfuse, openInference, langfuseMetadata, vercelAI, traceloopAssociation, genkit},
	tags:             []*dialect{openInference, vercelAI, langfuse},
	metadataIDs:      []*dialect{openInference},
	conversationRule: []*dialect{genkit},
}
