package mapping

import (
	"reflect"
	"slices"

	"github.com/llmtrace/llmtrace/platform"
)

// The cross-dialect precedence: for each concern, the dialects that have something to say
// about it, in the order they are asked. The first dialect whose rule knows the span decides
// (type, messages, finish reason, model and provider rules, failure); key lists are the
// concatenation of each dialect's keys in row order, and the first key present wins (usage
// fields, model, provider, plain values, trace-wide ids). README.md "How spans map onto
// platform events" states the resulting order per event field.
//
// A dialect is listed in a row exactly when it defines that concern's rule or keys
// (precedence_test.go checks both ways). The generic cross-dialect rules (anyToolKeys,
// anyAgentSpan, anyModelKey in map_type.go) and the general fallback (fallback.go, last)
// are rows' entries like any dialect.
var precedence = struct {
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
}{
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

// The rules and key lists of every concern, built once from precedence by init.
var (
	typeRules []func(a *spanAttrs, name, scope string) (platform.Type, string, bool)

	requestRules []func(c *spanCtx) ([]nmsg, *jv, bool)
	inputRules   []func(c *spanCtx) ([]nmsg, *jv, bool)
	toolsRules   []func(c *spanCtx) *jv
	outputRules  []func(c *spanCtx) (*nmsg, bool)
	finishSteps  []finishStep

	valueDecodeInputRules, valueDecodeOutputRules []func(c *spanCtx) *jv
	valueInputKeys, valueOutputKeys               []string
	toolInputKeys, toolOutputKeys                 []string
	valueEventInputRules, valueEventOutputRules   []func(c *spanCtx, tool bool) *jv

	contentKeys, contentPrefixes, indexedContentPrefixes []string
	contentShownRules                                    []func(a *spanAttrs)
	genAIPrefixes, genAIScopes                           []string
	toolCallIDKeys, toolNameKeys                         []string
	jsonStringKeys                                       map[string]bool

	promptKeys, completionKeys, totalKeys, cachedKeys   []string
	cacheCreationKeys, reasoningKeys, costKeys          []string
	embeddingTokenKeys, noCacheKeys, anthropicInputKeys []string
	usageRules                                          []func(p *prepared) (spanUsage, bool)

	modelKeys           []string
	modelResponseKeys   []string
	modelRules          []func(p *prepared) string
	providerKeys        []string
	providerRules       []func(a *spanAttrs) string
	frameworkSystems    map[string]bool
	anthropicUsageRules []func(a *spanAttrs) (anthropicUsage, bool)
	anthropicCacheRules []func(a *spanAttrs) (write int64, hasWrite bool, read int64, hasRead bool)

	failureRules []func(a *spanAttrs) (bool, string)

	conversationKeys, userKeys, sessionKeys, tagKeys    []string
	metaConversationKeys, metaUserKeys, metaSessionKeys []string
	conversationRules                                   []func(a *spanAttrs) string
)

// finishStep is one step of the finish-reason search: a rule, then plain-string keys.
type finishStep struct {
	rule func(c *spanCtx) (*jv, bool)
	keys []string
}

func init() {
	p := &precedence
	typeRules = gatherRules(p.spanType, func(d *dialect) func(*spanAttrs, string, string) (platform.Type, string, bool) { return d.spanType })

	requestRules = gatherRules(p.request, func(d *dialect) func(*spanCtx) ([]nmsg, *jv, bool) { return d.request })
	inputRules = gatherRules(p.input, func(d *dialect) func(*spanCtx) ([]nmsg, *jv, bool) { return d.input })
	toolsRules = gatherRules(p.tools, func(d *dialect) func(*spanCtx) *jv { return d.tools })
	outputRules = gatherRules(p.output, func(d *dialect) func(*spanCtx) (*nmsg, bool) { return d.output })
	for _, d := range p.finishReason {
		if d.finishReason != nil {
			finishSteps = append(finishSteps, finishStep{rule: d.finishReason})
		}
		if len(d.finishReasonKeys) == 0 {
			continue
		}
		if n := len(finishSteps); n > 0 && finishSteps[n-1].rule == nil {
			finishSteps[n-1].keys = append(finishSteps[n-1].keys, d.finishReasonKeys...)
		} else {
			finishSteps = append(finishSteps, finishStep{keys: slices.Clone(d.finishReasonKeys)})
		}
	}

	valueDecodeInputRules = gatherRules(p.valueDecode, func(d *dialect) func(*spanCtx) *jv { return d.valueDecodeInput })
	valueDecodeOutputRules = gatherRules(p.valueDecode, func(d *dialect) func(*spanCtx) *jv { return d.valueDecodeOutput })
	valueInputKeys = concatKeys(p.valueInput, func(d *dialect) []string { return d.valueKeys.input })
	valueOutputKeys = concatKeys(p.valueOutput, func(d *dialect) []string { return d.valueKeys.output })
	toolInputKeys = concatKeys(p.toolInput, func(d *dialect) []string { return d.valueKeys.toolInput })
	toolOutputKeys = concatKeys(p.toolOutput, func(d *dialect) []string { return d.valueKeys.toolOutput })
	valueEventInputRules = gatherRules(p.valueEvents, func(d *dialect) func(*spanCtx, bool) *jv { return d.valueEventInput })
	valueEventOutputRules = gatherRules(p.valueEvents, func(d *dialect) func(*spanCtx, bool) *jv { return d.valueEventOutput })

	contentKeys = concatKeys(p.all, func(d *dialect) []string { return d.content })
	contentPrefixes = concatKeys(p.all, func(d *dialect) []string { return d.contentPrefixes })
	contentShownRules = gatherRules(p.all, func(d *dialect) func(*spanAttrs) { return d.contentShown })
	indexedContentPrefixes = concatKeys(p.all, func(d *dialect) []string { return d.indexedContent })
	genAIScopes = compactKeys(concatKeys(p.all, func(d *dialect) []string { return d.scopes }))
	toolCallIDKeys = concatKeys(p.toolCallID, func(d *dialect) []string { return d.toolKeys.callID })
	toolNameKeys = concatKeys(p.toolName, func(d *dialect) []string { return d.toolKeys.name })
	genAIPrefixes = compactKeys(concatKeys(p.all, func(d *dialect) []string { return d.detect }))
	jsonStringKeys = map[string]bool{}
	for _, k := range concatKeys(p.all, func(d *dialect) []string { return d.jsonKeys }) {
		jsonStringKeys[k] = true
	}

	promptKeys = concatKeys(p.usagePrompt, func(d *dialect) []string { return d.usageKeys.prompt })
	completionKeys = concatKeys(p.usageCompletion, func(d *dialect) []string { return d.usageKeys.completion })
	totalKeys = concatKeys(p.usageTotal, func(d *dialect) []string { return d.usageKeys.total })
	cachedKeys = concatKeys(p.usageCached, func(d *dialect) []string { return d.usageKeys.cached })
	cacheCreationKeys = concatKeys(p.usageCacheCreation, func(d *dialect) []string { return d.usageKeys.cacheCreation })
	reasoningKeys = concatKeys(p.usageReasoning, func(d *dialect) []string { return d.usageKeys.reasoning })
	costKeys = concatKeys(p.usageCost, func(d *dialect) []string { return d.usageKeys.cost })
	embeddingTokenKeys = concatKeys(p.usageEmbedding, func(d *dialect) []string { return d.usageKeys.embedding })
	noCacheKeys = concatKeys(p.usageNoCache, func(d *dialect) []string { return d.usageKeys.noCache })
	anthropicInputKeys = concatKeys(p.usageAnthropicInput, func(d *dialect) []string { return d.usageKeys.anthropicInput })
	usageRules = gatherRules(p.usage, func(d *dialect) func(*prepared) (spanUsage, bool) { return d.usage })

	modelResponseKeys = concatKeys(p.modelResponse, func(d *dialect) []string { return d.modelKeys.response })
	modelKeys = slices.Concat(modelResponseKeys,
		concatKeys(p.modelRequest, func(d *dialect) []string { return d.modelKeys.request }),
		concatKeys(p.modelName, func(d *dialect) []string { return d.modelKeys.name }))
	modelRules = gatherRules(p.model, func(d *dialect) func(*prepared) string { return d.model })
	providerKeys = concatKeys(p.providerKeys, func(d *dialect) []string { return d.providerKeys })
	providerRules = gatherRules(p.provider, func(d *dialect) func(*spanAttrs) string { return d.provider })
	frameworkSystems = map[string]bool{}
	for _, s := range concatKeys(p.frameworkNames, func(d *dialect) []string { return d.frameworkNames }) {
		frameworkSystems[s] = true
	}
	anthropicUsageRules = gatherRules(p.anthropicUsage, func(d *dialect) func(*spanAttrs) (anthropicUsage, bool) { return d.anthropicUsage })
	anthropicCacheRules = gatherRules(p.anthropicCache, func(d *dialect) func(*spanAttrs) (int64, bool, int64, bool) { return d.anthropicCache })

	failureRules = gatherRules(p.failure, func(d *dialect) func(*spanAttrs) (bool, string) { return d.failure })

	conversationKeys = concatKeys(p.conversation, func(d *dialect) []string { return d.ids.conversation })
	userKeys = concatKeys(p.user, func(d *dialect) []string { return d.ids.user })
	sessionKeys = concatKeys(p.session, func(d *dialect) []string { return d.ids.session })
	tagKeys = concatKeys(p.tags, func(d *dialect) []string { return d.ids.tags })
	metaConversationKeys = concatKeys(p.metadataIDs, func(d *dialect) []string { return d.metadataIDs.conversation })
	metaUserKeys = concatKeys(p.metadataIDs, func(d *dialect) []string { return d.metadataIDs.user })
	metaSessionKeys = concatKeys(p.metadataIDs, func(d *dialect) []string { return d.metadataIDs.session })
	conversationRules = gatherRules(p.conversationRule, func(d *dialect) func(*spanAttrs) string { return d.conversation })
}

// gatherRules returns the non-nil rule of each dialect of row, in row order.
func gatherRules[F any](row []*dialect, rule func(*dialect) F) []F {
	var out []F
	for _, d := range row {
		if f := rule(d); !reflect.ValueOf(&f).Elem().IsNil() {
			out = append(out, f)
		}
	}
	return out
}

// concatKeys returns the keys of each dialect of row, concatenated in row order.
func concatKeys(row []*dialect, list func(*dialect) []string) []string {
	var out []string
	for _, d := range row {
		out = append(out, list(d)...)
	}
	return out[:len(out):len(out)]
}

// compactKeys returns list without repeated keys, first occurrence kept.
func compactKeys(list []string) []string {
	var out []string
	for _, k := range list {
		if !slices.Contains(out, k) {
			out = append(out, k)
		}
	}
	return out
}
