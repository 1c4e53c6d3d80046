package mapping

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"
	"unsafe"

	"github.com/llmtrace/llmtrace/platform"
	sc "github.com/llmtrace/llmtrace/semconv"
)

// The key lists the precedence table builds must equal, in order, the literal lists the
// core used before the rules moved into one file per dialect (internal/mapping at a8b2234:
// map_usage.go, map_provider.go, map_io.go, map_trace.go, map_metadata.go, map_type.go,
// copied verbatim). The first key present wins, so the order is behaviour: a change here
// changes which value an event carries when a span has several dialects' keys.
func TestPrecedenceKeyListsPinned(t *testing.T) {
	r := compile(&precedence)
	ordered := []struct {
		name      string
		got, want []string
	}{
		{"promptKeys", r.promptKeys, []string{sc.GenAIUsageInputTokens, sc.GenAIUsagePromptTokens, sc.OITokenPrompt,
			sc.AIUsageInputTokens, sc.AIUsagePromptTokens, sc.TLUsagePromptTokens}},
		{"completionKeys", r.completionKeys, []string{sc.GenAIUsageOutputTokens, sc.GenAIUsageCompletionTokens, sc.OITokenCompletion,
			sc.AIUsageOutputTokens, sc.AIUsageCompletionToks, sc.TLUsageCompletionTokens}},
		{"totalKeys", r.totalKeys, []string{sc.GenAIUsageTotalTokens, sc.TLUsageTotalTokens, sc.OITokenTotal, sc.AIUsageTotalTokens}},
		{"cachedKeys", r.cachedKeys, []string{sc.GenAIUsageCacheReadInputTokens, sc.GenAIUsageCacheReadOld, sc.OITokenCacheRead,
			sc.GenAIUsageInputDetailsCache, sc.GenAIUsageInputCachedSentry, sc.AIUsageCachedInput, sc.AIUsageCacheRead,
			sc.TLUsageCacheRead, sc.PydanticCacheRead}},
		{"cacheCreationKeys", r.cacheCreationKeys, []string{sc.GenAIUsageCacheCreationTokens, sc.GenAIUsageCacheCreationOld,
			sc.OITokenCacheWrite, sc.AIUsageCacheWrite, sc.StrandsCacheWriteTokens, sc.PydanticCacheWrite}},
		{"reasoningKeys", r.reasoningKeys, []string{sc.GenAIUsageReasoningTokens, sc.GenAIUsageReasoningOld, sc.OITokenReasoning,
			sc.GenAIUsageReasoningSentry, sc.AIUsageReasoning, sc.AIUsageReasoningDet, sc.OpenAIV2ReasoningDetails,
			sc.PydanticReasoning}},
		{"costKeys", r.costKeys, []string{sc.OICostTotal, sc.GenAIUsageCost, sc.GenAIUsageTotalCost, sc.PydanticOperationCost}},
		{"modelKeys", r.modelKeys, []string{sc.GenAIResponseModel, sc.OILLMResponseModelName, sc.AIResponseModel,
			sc.TLResponseModel, sc.GenAIRequestModel, sc.OILLMRequestModelName, sc.TLRequestModel, sc.AIModelID, sc.OILLMModelName,
			sc.OIEmbeddingModelName, sc.LangfuseObservationModelName, sc.TLAssocModelName}},
		{"providerKeys", r.providerKeys, []string{sc.GenAIProviderName, sc.GenAISystem, sc.OILLMProvider, sc.OILLMSystem,
			sc.AIModelProvider, sc.TLVendor, sc.TLAssocProvider}},
		{"valueInputKeys", r.valueInputKeys, []string{sc.LangfuseObservationInput, sc.GenAIInputMessages, sc.AIPromptMessages, sc.OIInputValue, sc.TLEntityInput, sc.AIPrompt,
			sc.GenAIToolCallArgs, sc.AIToolCallArgs, sc.GenAIRetrievalQueryText, sc.AIValue, sc.AIValues,
			sc.PydanticToolArguments, sc.MLflowSpanInputs, sc.GenkitInput, "input"}},
		{"toolInputKeys", r.toolInputKeys, []string{sc.GenAIToolCallArgs, sc.AIToolCallArgs, sc.OIInputValue, sc.TLEntityInput,
			sc.PydanticToolArguments, sc.LangfuseObservationInput, sc.MLflowSpanInputs, sc.GenkitInput, "input"}},
		{"valueOutputKeys", r.valueOutputKeys, []string{sc.LangfuseObservationOutput, sc.GenAIOutputMessages, sc.OIOutputValue, sc.TLEntityOutput,
			sc.GenAIToolCallResult, sc.AIToolCallResult, sc.AIResponseObject, sc.AIResultObject,
			sc.GenAIRetrievalDocuments, sc.AIEmbedding, sc.AIEmbeddings, sc.PydanticToolResponse, "final_result",
			sc.MLflowSpanOutputs, sc.GenkitOutput, "output"}},
		{"toolOutputKeys", r.toolOutputKeys, []string{sc.GenAIToolCallResult, sc.AIToolCallResult, sc.OIOutputValue, sc.TLEntityOutput,
			sc.PydanticToolResponse, sc.LangfuseObservationOutput, sc.MLflowSpanOutputs, sc.GenkitOutput, "output"}},
		{"conversationKeys", r.conversationKeys, []string{sc.GenAIConversationID,
			sc.AIMetadataPrefix + "conversationId", sc.AIRuntimeCtxPrefix + "conversationId", sc.AIContextPrefix + "conversationId",
			sc.AIMetadataPrefix + "threadId", sc.AIRuntimeCtxPrefix + "threadId", sc.AIContextPrefix + "threadId",
			sc.TLAssocConvID, sc.TLAssocThreadID, sc.TLAssocChatID,
			sc.LangfuseTraceConversationID}},
		{"userKeys", r.userKeys, []string{sc.LangfuseUserID, sc.UserID,
			sc.LangfuseObservationUserID, sc.LangfuseTraceUserID,
			sc.AIMetadataPrefix + "userId", sc.AIRuntimeCtxPrefix + "userId", sc.AIContextPrefix + "userId",
			sc.TLAssocUserID, sc.EnduserID, sc.TLUser, sc.GenAIUser}},
		{"sessionKeys", r.sessionKeys, []string{sc.LangfuseSessionID, sc.SessionID,
			sc.LangfuseObservationSessionID, sc.LangfuseTraceSessionID,
			sc.AIMetadataPrefix + "sessionId", sc.AIRuntimeCtxPrefix + "sessionId", sc.AIContextPrefix + "sessionId",
			sc.TLAssocSessionID, sc.GenkitSessionID, sc.GenkitAgentSessionID}},
		{"metaConversationKeys", r.metaConversationKeys, []string{"conversation_id", "conversationId", "thread_id", "threadId"}},
		{"metaUserKeys", r.metaUserKeys, []string{"user_id", "userId"}},
		{"metaSessionKeys", r.metaSessionKeys, []string{"session_id", "sessionId"}},
		{"toolCallIDKeys", r.toolCallIDKeys, []string{sc.GenAIToolCallID, sc.AIToolCallID, sc.OIToolCallID}},
		{"toolNameKeys", r.toolNameKeys, []string{sc.GenAIToolName, sc.OIToolName, sc.AIToolCallName, sc.TLEntityName}},
		{"embeddingTokenKeys", r.embeddingTokenKeys, []string{sc.AIUsageTokens}},
		{"noCacheKeys", r.noCacheKeys, []string{sc.AIUsageNoCacheTokens}},
		{"tagKeys", r.tagKeys, []string{sc.OITagTags, sc.AIMetadataPrefix + "tags", sc.LangfuseTraceTags, sc.LangfuseTags}},
	}
	for _, l := range ordered {
		if !slices.Equal(l.got, l.want) {
			t.Errorf("%s:\n got %q\nwant %q", l.name, l.got, l.want)
		}
	}

	// The finish reason: gen_ai.response.finish_reasons (a rule: string[]), then plain keys.
	if len(r.finishSteps) != 2 || r.finishSteps[0].rule == nil || r.finishSteps[1].rule != nil ||
		!slices.Equal(r.finishSteps[1].keys, []string{sc.OILLMFinishReason, sc.AIResponseFinish, sc.AIFinishReasonOld, sc.TLFinishReason, sc.GenAIFinishReasonOld}) {
		t.Errorf("finishSteps = %+v", r.finishSteps)
	}

	// Sets: every key is marked used (content) or tested (prefixes, JSON keys), order aside.
	sets := []struct {
		name      string
		got, want []string
	}{
		{"contentKeys", r.contentKeys, []string{
			sc.GenAIInputMessages, sc.GenAIOutputMessages, sc.GenAISystemInstructions, sc.GenAIToolDefinitions,
			sc.GenAIToolCallArgs, sc.GenAIToolCallResult, sc.GenAIPrompt, sc.GenAICompletion,
			sc.GenAIRetrievalQueryText, sc.GenAIRetrievalDocuments,
			sc.OIInputValue, sc.OIOutputValue, sc.OIInputMimeType, sc.OIOutputMimeType,
			sc.TLEntityInput, sc.TLEntityOutput,
			sc.AIPrompt, sc.AIPromptMessages, sc.AIPromptTools, sc.AIResponseText, sc.AIResponseToolCalls,
			sc.AIResponseObject, sc.AIResultText, sc.AIResultToolCalls, sc.AIResultObject,
			sc.AIToolCallArgs, sc.AIToolCallResult, sc.AIValue, sc.AIValues, sc.AIEmbedding, sc.AIEmbeddings,
			sc.LangfuseObservationInput, sc.LangfuseObservationOutput, sc.MLflowSpanInputs, sc.MLflowSpanOutputs,
			sc.PydanticToolArguments, sc.PydanticToolResponse, "final_result", "input", "output",
			sc.PydanticEvents, sc.PydanticAllMessagesEvents, sc.PydanticAllMessages,
			sc.OpenAIV2RequestMessages, sc.OpenAIV2ResponseContent, sc.GenkitInput, sc.GenkitOutput}},
		{"contentPrefixes", r.contentPrefixes, []string{
			sc.OILLMInputMessages, sc.OILLMOutputMessages, sc.OILLMPrompts, sc.OILLMChoices, sc.OILLMTools,
			sc.OIEmbeddings, sc.OIRetrievalDocs, sc.TLRequestFunctions, sc.TLLegacyCompletions}},
		{"indexedContentPrefixes", r.indexedContentPrefixes, []string{sc.TLPromptPrefix, sc.TLCompletionPrefix}},
		{"jsonStringKeys", slices.Collect(mapKeys(r.jsonStringKeys)), []string{
			sc.OIMetadata, sc.OILLMInvocationParams, sc.OIEmbeddingParams,
			sc.AIResponseProviderMD, sc.AIPromptToolChoice, sc.OIToolParameters,
			sc.LangfuseObservationMetadata, sc.LangfuseTraceMetadata, sc.LangfuseMetadata}},
		{"frameworkSystems", slices.Collect(mapKeys(r.frameworkSystems)), []string{sc.StrandsSystem, sc.LangSmithSystem, sc.ADKSystem}},
		{"anthropicInputKeys", r.anthropicInputKeys, []string{sc.AIUsagePromptTokens, sc.AIUsageInputTokens, sc.AIUsageCachedInput}},
	}
	for _, l := range sets {
		got, want := slices.Sorted(slices.Values(l.got)), slices.Sorted(slices.Values(l.want))
		if !slices.Equal(got, want) {
			t.Errorf("%s (as a set):\n got %q\nwant %q", l.name, got, want)
		}
	}
}

func mapKeys(m map[string]bool) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

// The rules run in the order they did before the table (type rules: map_type.go typeRules
// at a8b2234; the dialects' structured-value rules: the per-concern tables of genkit.go and
// langfuse.go's registration).
func TestPrecedenceRuleOrderPinned(t *testing.T) {
	r := compile(&precedence)
	ptrs := func(fs any) []uintptr {
		v := reflect.ValueOf(fs)
		out := make([]uintptr, v.Len())
		for i := range out {
			out[i] = v.Index(i).Pointer()
		}
		return out
	}
	for _, c := range []struct {
		name      string
		got, want any
	}{
		{"typeRules", r.typeRules, []func(*spanAttrs, string, string) (platform.Type, string, bool){langfuseType, genkitType,
			openAIAgentsType, openInferenceType, genAIType, vercelAIType, traceloopType, toolKeysType, agentSpanType, modelKeysType}},
		{"requestRules", r.requestRules, []func(*spanCtx) ([]nmsg, *jv, bool){(*spanCtx).genkitInput, (*spanCtx).langfuseInput}},
		{"inputRules", r.inputRules, []func(*spanCtx) ([]nmsg, *jv, bool){genAIInput, openInferenceInput, traceloopInput,
			vercelAIInput, pydanticAIInput, openAIV2Input, genAIEventsInput, genAIContentInput, openInferencePromptsInput, openAIAgentsInput, bodyInput}},
		{"toolsRules", r.toolsRules, []func(*spanCtx) *jv{genAITools, vercelAITools, openInferenceTools, traceloopTools, bodyTools}},
		{"outputRules", r.outputRules, []func(*spanCtx) (*nmsg, bool){(*spanCtx).genkitOutput, (*spanCtx).langfuseOutput,
			genAIOutput, pydanticAIOutput, openInferenceOutput, traceloopOutput, vercelAIOutput, genAIEventsOutput,
			openInferenceChoicesOutput, genAIContentOutput, openAIV2Output, bodyOutput}},
		{"valueEventInputRules", r.valueEventInputRules, []func(*spanCtx, bool) *jv{genAIContentValueInput, strandsToolInput}},
		{"valueEventOutputRules", r.valueEventOutputRules, []func(*spanCtx, bool) *jv{genAIContentValueOutput, strandsToolOutput}},
		{"usageRules", r.usageRules, []func(*prepared) (spanUsage, bool){genkitUsage, langfuseUsage}},
		{"failureRules", r.failureRules, []func(*spanAttrs) (bool, string){genkitFailed, langfuseFailed}},
		{"anthropicUsageRules", r.anthropicUsageRules, []func(*spanAttrs) (anthropicUsage, bool){vercelAIAnthropicUsage, openInferenceAnthropicUsage}},
	} {
		if !slices.Equal(ptrs(c.got), ptrs(c.want)) {
			t.Errorf("%s: the rules run in another order than pinned", c.name)
		}
	}
}

// concern is one row of the precedence table with the dialect field it orders.
type concern struct {
	name string
	row  []*dialect
	has  func(d *dialect) bool
}

func concerns() []concern {
	p := &precedence
	keys := func(f func(d *dialect) []string) func(d *dialect) bool {
		return func(d *dialect) bool { return len(f(d)) > 0 }
	}
	return []concern{
		{"spanType", p.spanType, func(d *dialect) bool { return d.spanType != nil }},
		{"request", p.request, func(d *dialect) bool { return d.request != nil }},
		{"input", p.input, func(d *dialect) bool { return d.input != nil }},
		{"tools", p.tools, func(d *dialect) bool { return d.tools != nil }},
		{"output", p.output, func(d *dialect) bool { return d.output != nil }},
		{"finishReason", p.finishReason, func(d *dialect) bool { return d.finishReason != nil || len(d.finishReasonKeys) > 0 }},
		{"valueDecode", p.valueDecode, func(d *dialect) bool { return d.valueDecodeInput != nil || d.valueDecodeOutput != nil }},
		{"valueInput", p.valueInput, keys(func(d *dialect) []string { return d.valueKeys.input })},
		{"valueOutput", p.valueOutput, keys(func(d *dialect) []string { return d.valueKeys.output })},
		{"toolInput", p.toolInput, keys(func(d *dialect) []string { return d.valueKeys.toolInput })},
		{"toolOutput", p.toolOutput, keys(func(d *dialect) []string { return d.valueKeys.toolOutput })},
		{"toolCallID", p.toolCallID, keys(func(d *dialect) []string { return d.toolKeys.callID })},
		{"toolName", p.toolName, keys(func(d *dialect) []string { return d.toolKeys.name })},
		{"usageEmbedding", p.usageEmbedding, keys(func(d *dialect) []string { return d.usageKeys.embedding })},
		{"usageNoCache", p.usageNoCache, keys(func(d *dialect) []string { return d.usageKeys.noCache })},
		{"usageAnthropicInput", p.usageAnthropicInput, keys(func(d *dialect) []string { return d.usageKeys.anthropicInput })},
		{"valueEvents", p.valueEvents, func(d *dialect) bool { return d.valueEventInput != nil || d.valueEventOutput != nil }},
		{"usagePrompt", p.usagePrompt, keys(func(d *dialect) []string { return d.usageKeys.prompt })},
		{"usageCompletion", p.usageCompletion, keys(func(d *dialect) []string { return d.usageKeys.completion })},
		{"usageTotal", p.usageTotal, keys(func(d *dialect) []string { return d.usageKeys.total })},
		{"usageCached", p.usageCached, keys(func(d *dialect) []string { return d.usageKeys.cached })},
		{"usageCacheCreation", p.usageCacheCreation, keys(func(d *dialect) []string { return d.usageKeys.cacheCreation })},
		{"usageReasoning", p.usageReasoning, keys(func(d *dialect) []string { return d.usageKeys.reasoning })},
		{"usageCost", p.usageCost, keys(func(d *dialect) []string { return d.usageKeys.cost })},
		{"usage", p.usage, func(d *dialect) bool { return d.usage != nil }},
		{"modelResponse", p.modelResponse, keys(func(d *dialect) []string { return d.modelKeys.response })},
		{"modelRequest", p.modelRequest, keys(func(d *dialect) []string { return d.modelKeys.request })},
		{"modelName", p.modelName, keys(func(d *dialect) []string { return d.modelKeys.name })},
		{"model", p.model, func(d *dialect) bool { return d.model != nil }},
		{"providerKeys", p.providerKeys, keys(func(d *dialect) []string { return d.providerKeys })},
		{"provider", p.provider, func(d *dialect) bool { return d.provider != nil }},
		{"frameworkNames", p.frameworkNames, keys(func(d *dialect) []string { return d.frameworkNames })},
		{"anthropicUsage", p.anthropicUsage, func(d *dialect) bool { return d.anthropicUsage != nil }},
		{"anthropicCache", p.anthropicCache, func(d *dialect) bool { return d.anthropicCache != nil }},
		{"failure", p.failure, func(d *dialect) bool { return d.failure != nil }},
		{"conversation", p.conversation, keys(func(d *dialect) []string { return d.ids.conversation })},
		{"user", p.user, keys(func(d *dialect) []string { return d.ids.user })},
		{"session", p.session, keys(func(d *dialect) []string { return d.ids.session })},
		{"tags", p.tags, keys(func(d *dialect) []string { return d.ids.tags })},
		{"metadataIDs", p.metadataIDs, func(d *dialect) bool {
			return len(d.metadataIDs.conversation)+len(d.metadataIDs.user)+len(d.metadataIDs.session)+len(d.metadataIDs.tags) > 0
		}},
		{"conversationRule", p.conversationRule, func(d *dialect) bool { return d.conversation != nil }},
	}
}

// A dialect is listed in a row of the precedence table exactly when it defines that
// concern's rule or keys: a rule defined but not registered would never run, a dialect
// registered without the rule would hold a place that says nothing. Every dialect is in
// precedence.all (detection, content and JSON keys are read from there), once.
func TestPrecedenceTableConsistent(t *testing.T) {
	all := precedence.all
	for i, d := range all {
		if d == nil || d.name == "" {
			t.Fatalf("precedence.all[%d] is nil or has no name", i)
		}
		if slices.Index(all, d) != i {
			t.Errorf("%q is listed twice in precedence.all", d.name)
		}
		if slices.IndexFunc(all, func(o *dialect) bool { return o.name == d.name }) != i {
			t.Errorf("two dialects are named %q", d.name)
		}
	}
	for _, c := range concerns() {
		for i, d := range c.row {
			if !slices.Contains(all, d) {
				t.Errorf("%s: %q is not in precedence.all", c.name, d.name)
			}
			if slices.Index(c.row, d) != i {
				t.Errorf("%s: %q is listed twice", c.name, d.name)
			}
			if !c.has(d) {
				t.Errorf("%s: %q is listed but defines no %s rule or keys", c.name, d.name, c.name)
			}
		}
		for _, d := range all {
			if c.has(d) && !slices.Contains(c.row, d) {
				t.Errorf("%s: %q defines a %s rule or keys but is not listed in precedence.%s", c.name, d.name, c.name, c.name)
			}
		}
	}
	// Each field of dialect that holds a rule or keys is ordered by some concern (or read
	// from precedence.all): a new field needs its row.
	fromAll := map[string]bool{"name": true, "detect": true, "scopes": true, "content": true, "contentPrefixes": true,
		"indexedContent": true, "contentShown": true, "jsonKeys": true}
	probe := &dialect{}
	rv := reflect.ValueOf(probe).Elem()
	for i := 0; i < rv.NumField(); i++ {
		f := rv.Type().Field(i)
		if fromAll[f.Name] {
			continue
		}
		field := reflect.NewAt(f.Type, unsafe.Pointer(rv.Field(i).UnsafeAddr())).Elem() // unexported
		setNonZero(t, field)
		covered := false
		for _, c := range concerns() {
			if c.has(probe) {
				covered = true
			}
		}
		field.SetZero()
		if !covered {
			t.Errorf("dialect field %s is ordered by no row of the precedence table", f.Name)
		}
	}
}

// setNonZero gives a rule field a function and a key field (or a struct of key lists) keys.
func setNonZero(t *testing.T, v reflect.Value) {
	switch v.Kind() {
	case reflect.Func:
		v.Set(reflect.MakeFunc(v.Type(), func([]reflect.Value) []reflect.Value { return nil }))
	case reflect.Slice:
		v.Set(reflect.ValueOf([]string{"k"}))
	case reflect.Struct:
		for i := 0; i < v.NumField(); i++ {
			setNonZero(t, reflect.NewAt(v.Type().Field(i).Type, unsafe.Pointer(v.Field(i).UnsafeAddr())).Elem())
		}
	default:
		t.Fatalf("dialect field of kind %s", v.Kind())
	}
}

// Every dialect value declared in the package's files (`var x = &dialect{…}`) is registered
// in precedence.all: a dialect file whose value is not in the table would be dead code.
func TestEveryDialectRegistered(t *testing.T) {
	fset := token.NewFileSet()
	entries, err := os.ReadDir(".")
	if err != nil {
		t.Fatal(err)
	}
	declared := 0
	for _, e := range entries {
		if !strings.HasSuffix(e.Name(), ".go") || strings.HasSuffix(e.Name(), "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, e.Name(), nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			if u, ok := n.(*ast.UnaryExpr); ok && u.Op == token.AND {
				if cl, ok := u.X.(*ast.CompositeLit); ok {
					if id, ok := cl.Type.(*ast.Ident); ok && id.Name == "dialect" {
						declared++
					}
				}
			}
			return true
		})
	}
	if declared != len(precedence.all) {
		t.Errorf("%d dialect values declared in internal/mapping, %d in precedence.all", declared, len(precedence.all))
	}
}
