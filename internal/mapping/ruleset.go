package mapping

import (
	"reflect"
	"slices"
	"unsafe"

	"github.com/llmtrace/llmtrace/platform"
)

// ruleset is the precedence table compiled: each concern's rules gathered into one slice
// and its key lists concatenated into one flat list, in table order, so reading a span costs
// what one flat list costs. NewMapper compiles it once (compile) and every reader reaches it
// through the span's attributes (spanAttrs.rules). Each field names the table row(s) it is
// compiled from; order records where every entry came from (docs/precedence.md).
type ruleset struct {
	typeRules []func(a *spanAttrs, name, scope string) (platform.Type, string, bool) // spanType

	requestRules []func(c *spanCtx) ([]nmsg, *jv, bool) // request
	inputRules   []func(c *spanCtx) ([]nmsg, *jv, bool) // input
	toolsRules   []func(c *spanCtx) *jv                 // tools
	outputRules  []func(c *spanCtx) (*nmsg, bool)       // output
	finishSteps  []finishStep                           // finishReason

	valueDecodeInputRules, valueDecodeOutputRules []func(c *spanCtx) *jv            // valueDecode
	valueInputKeys, valueOutputKeys               []string                          // valueInput, valueOutput
	toolInputKeys, toolOutputKeys                 []string                          // toolInput, toolOutput
	valueEventInputRules, valueEventOutputRules   []func(c *spanCtx, tool bool) *jv // valueEvents

	// Read from every dialect (table.all), order aside.
	detectPrefixes, detectScopes                         []string
	contentKeys, contentPrefixes, indexedContentPrefixes []string
	contentShownRules                                    []func(a *spanAttrs)
	jsonStringKeys                                       map[string]bool

	toolCallIDKeys, toolNameKeys []string // toolCallID, toolName

	promptKeys, completionKeys, totalKeys, cachedKeys   []string // usagePrompt, …
	cacheCreationKeys, reasoningKeys, costKeys          []string
	embeddingTokenKeys, noCacheKeys, anthropicInputKeys []string // usageEmbedding, usageNoCache, usageAnthropicInput
	usageRules                                          []func(p *prepared) (spanUsage, bool)

	modelKeys           []string // modelResponse, then modelRequest, then modelName
	modelResponseN      int      // modelKeys[:modelResponseN] are the modelResponse keys
	modelRules          []func(p *prepared) string
	providerKeys        []string
	providerRules       []func(a *spanAttrs) string // provider
	frameworkSystems    map[string]bool             // frameworkNames
	anthropicUsageRules []func(a *spanAttrs) (anthropicUsage, bool)
	anthropicCacheRules []func(a *spanAttrs) (write int64, hasWrite bool, read int64, hasRead bool)

	failureRules []func(a *spanAttrs) (bool, string)

	conversationKeys, userKeys, sessionKeys, tagKeys    []string
	metaConversationKeys, metaUserKeys, metaSessionKeys []string // metadataIDs
	conversationRules                                   []func(a *spanAttrs) string

	// order is every entry of the lists above, list by list in the order compile builds
	// them, each with the table row and dialect it comes from: what
	// testdata/precedence.golden and docs/precedence.md show (precedence_doc_test.go).
	order []ruleEntry

	// keys indexes the attribute-key lists above (indexKeys).
	keys keyIndex
	// segClasses classes attribute keys for the fallback rules (fallback_class.go).
	segClasses *segClassTable
}

// keyIndex holds every attribute-key list of a ruleset (the *Keys fields and the finish
// steps' keys), one after the other in keys: each list is a window of it (indexKeys).
// bits[i] is the presence-filter bit of keys[i] (attrHash, map_attrs.go), computed once by
// compile, so a reader handed a compiled list finds its keys' bits by the list's place in
// keys (ruleset.listBits) instead of hashing each key per span: the mapping asks a span for
// over two hundred of these keys and most are absent, each answered by one bit test.
type keyIndex struct {
	keys []string
	bits []uint16
}

// ruleEntry is one entry of a compiled list: an attribute key (or, for frameworkSystems, a
// provider-key value) or a rule of dialect, from table row row.
type ruleEntry struct {
	list    string // the ruleset field, e.g. "promptKeys"
	row     string // the table field, e.g. "usagePrompt"
	dialect *dialect
	key     string
	rule    any // a func value; nil for a key
}

// finishStep is one step of the finish-reason search: a rule, then plain-string keys.
type finishStep struct {
	rule func(c *spanCtx) (*jv, bool)
	keys []string
}

// compile builds the ruleset of t. It never fails: the table's consistency (every dialect
// in the rows of the concerns it defines, and only there) is checked by precedence_test.go.
func compile(t *table) *ruleset {
	r := &ruleset{segClasses: fallbackSegClasses()}
	r.typeRules = gather(r, "typeRules", "spanType", t.spanType, func(d *dialect) func(*spanAttrs, string, string) (platform.Type, string, bool) { return d.spanType })

	r.requestRules = gather(r, "requestRules", "request", t.request, func(d *dialect) func(*spanCtx) ([]nmsg, *jv, bool) { return d.request })
	r.inputRules = gather(r, "inputRules", "input", t.input, func(d *dialect) func(*spanCtx) ([]nmsg, *jv, bool) { return d.input })
	r.toolsRules = gather(r, "toolsRules", "tools", t.tools, func(d *dialect) func(*spanCtx) *jv { return d.tools })
	r.outputRules = gather(r, "outputRules", "output", t.output, func(d *dialect) func(*spanCtx) (*nmsg, bool) { return d.output })
	for _, d := range t.finishReason {
		if d.finishReason != nil {
			r.finishSteps = append(r.finishSteps, finishStep{rule: d.finishReason})
			r.order = append(r.order, ruleEntry{list: "finishSteps", row: "finishReason", dialect: d, rule: d.finishReason})
		}
		if len(d.finishReasonKeys) == 0 {
			continue
		}
		for _, k := range d.finishReasonKeys {
			r.order = append(r.order, ruleEntry{list: "finishSteps", row: "finishReason", dialect: d, key: k})
		}
		if n := len(r.finishSteps); n > 0 && r.finishSteps[n-1].rule == nil {
			r.finishSteps[n-1].keys = append(r.finishSteps[n-1].keys, d.finishReasonKeys...)
		} else {
			r.finishSteps = append(r.finishSteps, finishStep{keys: slices.Clone(d.finishReasonKeys)})
		}
	}

	r.valueDecodeInputRules = gather(r, "valueDecodeInputRules", "valueDecode", t.valueDecode, func(d *dialect) func(*spanCtx) *jv { return d.valueDecodeInput })
	r.valueDecodeOutputRules = gather(r, "valueDecodeOutputRules", "valueDecode", t.valueDecode, func(d *dialect) func(*spanCtx) *jv { return d.valueDecodeOutput })
	r.valueInputKeys = r.concat("valueInputKeys", "valueInput", t.valueInput, func(d *dialect) []string { return d.valueKeys.input })
	r.valueOutputKeys = r.concat("valueOutputKeys", "valueOutput", t.valueOutput, func(d *dialect) []string { return d.valueKeys.output })
	r.toolInputKeys = r.concat("toolInputKeys", "toolInput", t.toolInput, func(d *dialect) []string { return d.valueKeys.toolInput })
	r.toolOutputKeys = r.concat("toolOutputKeys", "toolOutput", t.toolOutput, func(d *dialect) []string { return d.valueKeys.toolOutput })
	r.valueEventInputRules = gather(r, "valueEventInputRules", "valueEvents", t.valueEvents, func(d *dialect) func(*spanCtx, bool) *jv { return d.valueEventInput })
	r.valueEventOutputRules = gather(r, "valueEventOutputRules", "valueEvents", t.valueEvents, func(d *dialect) func(*spanCtx, bool) *jv { return d.valueEventOutput })

	r.detectPrefixes = r.concat("detectPrefixes", "all", t.all, func(d *dialect) []string { return d.detect })
	r.detectScopes = r.concat("detectScopes", "all", t.all, func(d *dialect) []string { return d.scopes })
	r.contentKeys = r.concat("contentKeys", "all", t.all, func(d *dialect) []string { return d.content })
	r.contentPrefixes = r.concat("contentPrefixes", "all", t.all, func(d *dialect) []string { return d.contentPrefixes })
	r.contentShownRules = gather(r, "contentShownRules", "all", t.all, func(d *dialect) func(*spanAttrs) { return d.contentShown })
	r.indexedContentPrefixes = r.concat("indexedContentPrefixes", "all", t.all, func(d *dialect) []string { return d.indexedContent })
	r.jsonStringKeys = set(r.concat("jsonStringKeys", "all", t.all, func(d *dialect) []string { return d.jsonKeys }))
	r.toolCallIDKeys = r.concat("toolCallIDKeys", "toolCallID", t.toolCallID, func(d *dialect) []string { return d.toolKeys.callID })
	r.toolNameKeys = r.concat("toolNameKeys", "toolName", t.toolName, func(d *dialect) []string { return d.toolKeys.name })

	r.promptKeys = r.concat("promptKeys", "usagePrompt", t.usagePrompt, func(d *dialect) []string { return d.usageKeys.prompt })
	r.completionKeys = r.concat("completionKeys", "usageCompletion", t.usageCompletion, func(d *dialect) []string { return d.usageKeys.completion })
	r.totalKeys = r.concat("totalKeys", "usageTotal", t.usageTotal, func(d *dialect) []string { return d.usageKeys.total })
	r.cachedKeys = r.concat("cachedKeys", "usageCached", t.usageCached, func(d *dialect) []string { return d.usageKeys.cached })
	r.cacheCreationKeys = r.concat("cacheCreationKeys", "usageCacheCreation", t.usageCacheCreation, func(d *dialect) []string { return d.usageKeys.cacheCreation })
	r.reasoningKeys = r.concat("reasoningKeys", "usageReasoning", t.usageReasoning, func(d *dialect) []string { return d.usageKeys.reasoning })
	r.costKeys = r.concat("costKeys", "usageCost", t.usageCost, func(d *dialect) []string { return d.usageKeys.cost })
	r.embeddingTokenKeys = r.concat("embeddingTokenKeys", "usageEmbedding", t.usageEmbedding, func(d *dialect) []string { return d.usageKeys.embedding })
	r.noCacheKeys = r.concat("noCacheKeys", "usageNoCache", t.usageNoCache, func(d *dialect) []string { return d.usageKeys.noCache })
	r.anthropicInputKeys = r.concat("anthropicInputKeys", "usageAnthropicInput", t.usageAnthropicInput, func(d *dialect) []string { return d.usageKeys.anthropicInput })
	r.usageRules = gather(r, "usageRules", "usage", t.usage, func(d *dialect) func(*prepared) (spanUsage, bool) { return d.usage })

	response := r.concat("modelKeys", "modelResponse", t.modelResponse, func(d *dialect) []string { return d.modelKeys.response })
	r.modelResponseN = len(response)
	r.modelKeys = slices.Concat(response,
		r.concat("modelKeys", "modelRequest", t.modelRequest, func(d *dialect) []string { return d.modelKeys.request }),
		r.concat("modelKeys", "modelName", t.modelName, func(d *dialect) []string { return d.modelKeys.name }))
	r.modelRules = gather(r, "modelRules", "model", t.model, func(d *dialect) func(*prepared) string { return d.model })
	r.providerKeys = r.concat("providerKeys", "providerKeys", t.providerKeys, func(d *dialect) []string { return d.providerKeys })
	r.providerRules = gather(r, "providerRules", "provider", t.provider, func(d *dialect) func(*spanAttrs) string { return d.provider })
	r.frameworkSystems = set(r.concat("frameworkSystems", "frameworkNames", t.frameworkNames, func(d *dialect) []string { return d.frameworkNames }))
	r.anthropicUsageRules = gather(r, "anthropicUsageRules", "anthropicUsage", t.anthropicUsage, func(d *dialect) func(*spanAttrs) (anthropicUsage, bool) { return d.anthropicUsage })
	r.anthropicCacheRules = gather(r, "anthropicCacheRules", "anthropicCache", t.anthropicCache, func(d *dialect) func(*spanAttrs) (int64, bool, int64, bool) { return d.anthropicCache })

	r.failureRules = gather(r, "failureRules", "failure", t.failure, func(d *dialect) func(*spanAttrs) (bool, string) { return d.failure })

	r.conversationKeys = r.concat("conversationKeys", "conversation", t.conversation, func(d *dialect) []string { return d.ids.conversation })
	r.userKeys = r.concat("userKeys", "user", t.user, func(d *dialect) []string { return d.ids.user })
	r.sessionKeys = r.concat("sessionKeys", "session", t.session, func(d *dialect) []string { return d.ids.session })
	r.tagKeys = r.concat("tagKeys", "tags", t.tags, func(d *dialect) []string { return d.ids.tags })
	r.metaConversationKeys = r.concat("metaConversationKeys", "metadataIDs", t.metadataIDs, func(d *dialect) []string { return d.metadataIDs.conversation })
	r.metaUserKeys = r.concat("metaUserKeys", "metadataIDs", t.metadataIDs, func(d *dialect) []string { return d.metadataIDs.user })
	r.metaSessionKeys = r.concat("metaSessionKeys", "metadataIDs", t.metadataIDs, func(d *dialect) []string { return d.metadataIDs.session })
	r.conversationRules = gather(r, "conversationRules", "conversationRule", t.conversationRule, func(d *dialect) func(*spanAttrs) string { return d.conversation })
	r.indexKeys()
	return r
}

// keyLists are the attribute-key lists of r, every one indexKeys gathers into r.keys
// (precedence_test.go checks that no *Keys field is missing).
func (r *ruleset) keyLists() []*[]string {
	lists := []*[]string{
		&r.valueInputKeys, &r.valueOutputKeys, &r.toolInputKeys, &r.toolOutputKeys,
		&r.contentKeys, &r.toolCallIDKeys, &r.toolNameKeys,
		&r.promptKeys, &r.completionKeys, &r.totalKeys, &r.cachedKeys, &r.cacheCreationKeys,
		&r.reasoningKeys, &r.costKeys, &r.embeddingTokenKeys, &r.noCacheKeys, &r.anthropicInputKeys,
		&r.modelKeys, &r.providerKeys,
		&r.conversationKeys, &r.userKeys, &r.sessionKeys, &r.tagKeys,
		&r.metaConversationKeys, &r.metaUserKeys, &r.metaSessionKeys,
	}
	for i := range r.finishSteps {
		lists = append(lists, &r.finishSteps[i].keys)
	}
	return lists
}

// indexKeys copies every key list of r into r.keys.keys, points each list at its window
// of it (same keys, same order: the lists read as before) and computes r.keys.bits.
func (r *ruleset) indexKeys() {
	lists := r.keyLists()
	n := 0
	for _, l := range lists {
		n += len(*l)
	}
	all := make([]string, 0, n)
	for _, l := range lists {
		if len(*l) == 0 {
			continue // nil stays nil
		}
		start := len(all)
		all = append(all, *l...)
		*l = all[start:len(all):len(all)]
	}
	bits := make([]uint16, n)
	for i, k := range all {
		bits[i] = uint16(attrHash(k))
	}
	r.keys = keyIndex{keys: all, bits: bits}
}

// listBits returns the filter bits of keys when keys is a compiled list (a window of
// r.keys.keys, or part of one), else nil: the bit of keys[i] is listBits(keys)[i].
func (r *ruleset) listBits(keys []string) []uint16 {
	all := r.keys.keys
	if len(keys) == 0 || len(all) == 0 {
		return nil
	}
	// keys' place in all, by address: a slice that is no window of it starts outside all's
	// array (distinct allocations do not overlap), off is then out of range.
	off := (uintptr(unsafe.Pointer(unsafe.SliceData(keys))) - uintptr(unsafe.Pointer(unsafe.SliceData(all)))) / unsafe.Sizeof("")
	if off >= uintptr(len(all)) || uintptr(len(keys)) > uintptr(len(all))-off {
		return nil
	}
	return r.keys.bits[off : off+uintptr(len(keys))]
}

// gather returns the non-nil rule of each dialect of row (table field rowName), in row
// order, and records them in r.order as list.
func gather[F any](r *ruleset, list, rowName string, row []*dialect, rule func(*dialect) F) []F {
	var out []F
	for _, d := range row {
		if f := rule(d); !reflect.ValueOf(&f).Elem().IsNil() {
			out = append(out, f)
			r.order = append(r.order, ruleEntry{list: list, row: rowName, dialect: d, rule: f})
		}
	}
	return out
}

// concat returns the keys of each dialect of row (table field rowName), concatenated in
// row order, and records them in r.order as list.
func (r *ruleset) concat(list, rowName string, row []*dialect, keys func(*dialect) []string) []string {
	var out []string
	for _, d := range row {
		for _, k := range keys(d) {
			out = append(out, k)
			r.order = append(r.order, ruleEntry{list: list, row: rowName, dialect: d, key: k})
		}
	}
	return out[:len(out):len(out)]
}

// set returns keys as a set.
func set(keys []string) map[string]bool {
	m := make(map[string]bool, len(keys))
	for _, k := range keys {
		m[k] = true
	}
	return m
}
