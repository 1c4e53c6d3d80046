package mapping

import (
	"github.com/llmtrace/llmtrace/platform"
)

// dialect is one emitter's way of describing a span: every rule the core knows about it, one
// field per concern. Each dialect lives in a file of its own (genai.go, openinference.go,
// traceloop.go, vercelai.go, …) and is registered, concern by concern, in the precedence
// table (precedence.go), which decides which dialect is asked first. A nil rule or an empty
// key list means the dialect has nothing to say about that concern.
//
// NewMapper compiles the table once (compile, ruleset.go): key lists are concatenated in
// table order, so reading a span costs what one flat list costs, and rules are gathered
// into slices the same way; docs/precedence.md shows the result, key by key. A dialect that spells one concern in keys spread across another dialect's (the
// deprecated gen_ai names, Sentry's cache counts, the AI SDK's tool-call keys, …) is a
// dialect value of its own — a variant, declared in the file of the dialect it extends —
// so that each table row names each dialect once.
type dialect struct {
	// name identifies the dialect in test failures: the emitter and, for a
	// variant, what it covers ("vercel-ai tool call").
	name string

	// detect are the attribute-key prefixes (or whole keys) that mark a span as carrying
	// this dialect, and scopes the instrumentation scope names whose spans carry it even
	// without such a key (GenAISemantics).
	detect, scopes []string

	// spanType reads the platform type and the finer kind (metadata.kind) of a span named
	// name in instrumentation scope scope; ok is false when the dialect names no
	// operation it knows on the span.
	spanType func(a *spanAttrs, name, scope string) (typ platform.Type, kind string, ok bool)

	// request reads a model call's whole request kept in one structured value (Genkit's
	// ModelRequest, Langfuse's observation input): its messages and the tools offered
	// (nil when none). When ok, that is the event input, even with no messages.
	request func(c *spanCtx) (msgs []nmsg, tools *jv, ok bool)
	// input reads a model call's request messages and the system instructions kept apart
	// from them (nil when none); ok is true when the dialect's message keys are on the
	// span, which ends the search even when they hold no message. The tools come from
	// the tools rules.
	input func(c *spanCtx) (msgs []nmsg, system *jv, ok bool)
	// tools reads the tool definitions offered to the model; nil when none.
	tools func(c *spanCtx) *jv
	// output reads a model call's answer: one assistant message (its finish reason set
	// when the dialect reports one with the message); ok is true when the dialect's output
	// keys are on the span, which ends the search even when they hold no message (m nil).
	output func(c *spanCtx) (m *nmsg, ok bool)
	// finishReason reads a finish reason the dialect does not keep as a plain string
	// (gen_ai.response.finish_reasons, a string array); ok is true when its key is on the
	// span, which ends the search even when it holds no reason (fr nil).
	finishReason func(c *spanCtx) (fr *jv, ok bool)
	// finishReasonKeys hold the finish reason as a plain string.
	finishReasonKeys []string

	// valueDecodeInput / valueDecodeOutput read the plain input / output value (tools,
	// flows, any span without messages) of a dialect that encodes or wraps its values its
	// own way, before any value key is read; nil when the span has none.
	valueDecodeInput, valueDecodeOutput func(c *spanCtx) *jv
	// valueKeys hold the plain input and output values as they are.
	valueKeys valueKeys
	// toolKeys name, on a tool span, the tool call it executes and the tool
	// (toolargs.go: the arguments of a tool span that carries none come from that call).
	toolKeys toolKeys
	// valueEventInput / valueEventOutput read a plain input / output value from the
	// span's events, after every value key; tool is true on tool spans. Nil when the span
	// has none.
	valueEventInput, valueEventOutput func(c *spanCtx, tool bool) *jv

	// content are the attribute keys, and contentPrefixes the flattened key prefixes,
	// that hold content: mapped into input / output (or dropped by OmitContent), never
	// copied into metadata. indexedContent are prefixes under which only indexed keys
	// ({prefix}{i}.…) are content, because the prefix is shared with other keys.
	content, contentPrefixes, indexedContent []string
	// contentShown marks consumed, once the content keys are, the keys whose values the
	// event's input or output already shows (Langfuse's trace input equal to the
	// observation's); they stay in metadata otherwise.
	contentShown func(a *spanAttrs)

	// usageKeys hold the span's own token counts and cost, per usage field.
	usageKeys usageKeys
	// usage reads usage the dialect keeps inside a structured value, for a span whose
	// usage keys say nothing; ok is false when it finds none.
	usage func(p *prepared) (spanUsage, bool)

	// modelKeys hold the span's model name, by kind of name.
	modelKeys modelNames
	// model gives the model of a span no model key names, from the dialect's structured
	// values; "" when none.
	model func(p *prepared) string
	// providerKeys hold the provider name, any dialect's spelling (NormalizeProvider).
	providerKeys []string
	// provider gives the provider of a span no provider key names, from the dialect's
	// own keys; "" when none.
	provider func(a *spanAttrs) string
	// frameworkNames are provider-key values (gen_ai.system, gen_ai.provider.name) that
	// name the instrumenting framework rather than the provider: skipped, and the provider
	// inferred like a missing one.
	frameworkNames []string
	// anthropicUsage finds Anthropic's raw Messages API usage object the dialect carries
	// beside its own counts (read for provider anthropic only; readUsage).
	anthropicUsage func(a *spanAttrs) (anthropicUsage, bool)
	// anthropicCache reads the cache write (creation) and read counts (tokens) of an
	// Anthropic call that the dialect keeps outside its usage keys; they fill in counts the
	// usage keys did not report.
	anthropicCache func(a *spanAttrs) (write int64, hasWrite bool, read int64, hasRead bool)

	// failure reads the dialect's own failure signal, for spans whose OTel status may not
	// say it: failed, and the error message to use when the status message is empty.
	failure func(a *spanAttrs) (failed bool, message string)

	// ids hold the trace-wide values (conversation, user, session) and the tags a span
	// may carry; metadataIDs the keys read inside the dialect's `metadata` JSON object,
	// ranked after every direct key.
	ids, metadataIDs idKeys
	// conversation reads a conversation the dialect spells in more than one key; "" when
	// none. It ranks after every key.
	conversation func(a *spanAttrs) string

	// jsonKeys are attributes whose string value is JSON by the dialect's definition: in
	// metadata they become objects when they parse.
	jsonKeys []string
}

// valueKeys are the attribute keys holding a span's plain input and output values, for
// model and other spans (input, output) and for tool spans (toolInput, toolOutput).
type valueKeys struct {
	input, output, toolInput, toolOutput []string
}

// usageKeys are the attribute keys of each usage field: token counts (prompt includes
// cached and cache creation, completion includes reasoning, as readUsage reads them) and
// cost (USD); embedding is an embedding call's one count, the prompt and the total when no
// prompt / total key is present. Two keys settle how readUsage reads an Anthropic call's
// prompt count: noCache holds the prompt tokens without cache reads and writes (the prompt
// count is exclusive when it equals them); anthropicInput are prompt keys that, for
// provider anthropic, hold Anthropic's own input_tokens, which exclude the cache.
type usageKeys struct {
	prompt, completion, total, cached, cacheCreation, reasoning, cost []string
	embedding, noCache, anthropicInput                                []string
}

// modelNames are the attribute keys naming a span's model: the model that answered
// (response), the model asked for (request), and a model named without saying which
// (name). Every dialect's response keys rank above every request key, and those above
// every name key.
type modelNames struct {
	response, request, name []string
}

// toolKeys are the attribute keys of a tool span's tool call id and tool name.
type toolKeys struct {
	callID, name []string
}

// idKeys are the attribute keys of the trace-wide values and of the tags.
type idKeys struct {
	conversation, user, session, tags []string
}
