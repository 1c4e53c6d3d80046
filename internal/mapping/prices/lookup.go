package prices

import (
	"regexp"
	"strings"
	"time"
)

// Price is a model's prices at one time, from Table.Lookup.
type Price struct {
	ProviderID    string // the table's provider id, e.g. "openai", "google", "aws"; as in calcPrice, the provider searched even when the model is its fallback provider's
	ModelID       string // the table's model id, e.g. "gpt-4o"
	ContextWindow int64  // context_window in tokens; 0 when the table has none
	Override      bool   // the model comes from an override table

	reg *unitRegistry
	set *priceSet
}

// Cost is the price in USD of one call with usage u, computed as the package's calcPrice does
// (see Usage for how the counts are read). ok is false when the cost is not known: the counts
// are inconsistent (a part above its whole, such as cache reads above the input tokens, or a
// negative count), or the model has no price for tokens or requests (only for audio seconds,
// pages, ...). A known cost may be 0 (price 0, or no tokens).
func (p Price) Cost(u Usage) (usd float64, ok bool) {
	if p.set == nil {
		return 0, false
	}
	return p.set.cost(p.reg, &u)
}

// providerIDs maps gen_ai.provider.name values (semconv v1.37+), the older gen_ai.system values
// and common short names (OpenInference llm.provider, the Vercel AI SDK's provider prefix) to the
// table's provider ids.
var providerIDs = map[string]string{
	"openai": "openai", "anthropic": "anthropic",
	"gcp.gemini": "google", "gcp.vertex_ai": "google", "gcp.gen_ai": "google", "vertex_ai": "google", "gemini": "google", "google": "google",
	"aws.bedrock": "aws", "aws": "aws", "amazon-bedrock": "aws", "bedrock": "aws",
	"azure.ai.openai": "azure", "azure.ai.inference": "azure", "az.ai.openai": "azure", "az.ai.inference": "azure", "azure": "azure", "azure-openai": "azure",
	"mistral_ai": "mistral", "mistralai": "mistral", "mistral": "mistral",
	"groq": "groq", "deepseek": "deepseek", "x_ai": "x-ai", "xai": "x-ai", "perplexity": "perplexity", "cohere": "cohere",
	"togetherai": "together", "together": "together", "fireworks": "fireworks", "cerebras": "cerebras", "openrouter": "openrouter",
}

// tableProvider is the provider name Lookup searches first: the mapped id of the whole name,
// else of its part before the first "." (Vercel AI SDK "groq.chat"), else the name itself
// (which the table resolves by id or provider_match).
func tableProvider(name string) string {
	n := strings.ToLower(strings.TrimSpace(name))
	if id, ok := providerIDs[n]; ok {
		return id
	}
	if i := strings.IndexByte(n, '.'); i > 0 {
		if id, ok := providerIDs[n[:i]]; ok {
			return id
		}
	}
	return n
}

var (
	bedrockID  = regexp.MustCompile(`^(?:(?:us|eu|apac|jp|au|ca|us-gov|global)\.)?(?:ai21|amazon|anthropic|cohere|deepseek|meta|mistral|moonshot|openai|qwen|writer)\.(.+?)(?:-v\d+(?::\d+)?)?$`)
	dateSuffix = regexp.MustCompile(`(?:-20\d{2}-\d{2}-\d{2}|[-@]20\d{6})$`)
)

// candidates are the names Lookup tries for a model, in order: the name (lower case, trimmed);
// without a "models/" prefix; after the first and after the last "/" (openai/gpt-4o,
// accounts/x/models/y); a Bedrock model id without its region, vendor and version
// (us.anthropic.claude-3-5-sonnet-20240620-v1:0 → claude-3-5-sonnet-20240620); then each of
// those without a trailing date (-2024-08-06, -20240806, @20240806) when it has one.
func candidates(model string) []string {
	out := make([]string, 0, 4)
	add := func(s string) {
		if s == "" {
			return
		}
		for _, o := range out {
			if o == s {
				return
			}
		}
		out = append(out, s)
	}
	m := strings.ToLower(strings.TrimSpace(model))
	add(m)
	s := strings.TrimPrefix(m, "models/")
	add(s)
	if i := strings.IndexByte(s, '/'); i >= 0 {
		add(s[i+1:])
		add(s[strings.LastIndexByte(s, '/')+1:])
	}
	if b := bedrockID.FindStringSubmatch(s); b != nil {
		add(b[1])
	}
	for _, n := range out {
		add(dateSuffix.ReplaceAllString(n, ""))
	}
	return out
}

// Lookup finds the prices of a model at time at (the call's start; zero means now). provider
// is the event's provider: a gen_ai.provider.name value (openai, anthropic, gcp.gemini,
// gcp.vertex_ai, aws.bedrock, azure.ai.openai, mistral_ai, groq, deepseek, x_ai, perplexity,
// cohere, ...), an older gen_ai.system value, the Vercel AI SDK's form ("groq.chat") or any name
// the table resolves by provider id or provider_match; it may be empty. model is the model name
// as the span reports it.
//
// Names tried, in order: the name (lower case, trimmed); without "models/"; after the first and
// after the last "/" (openai/gpt-4o); a Bedrock model id without region, vendor and version
// (us.anthropic.claude-3-5-sonnet-20240620-v1:0 → claude-3-5-sonnet-20240620); then each of
// those without a trailing date (-2024-08-06, -20240806, @20240806). They are searched first in
// the provider's table, then in the provider whose model_match claims the name (calcPrice's
// choice when no provider is given). Each search is calcPrice's: the provider's first model
// whose match rule matches (the rules name most dated snapshots), then its
// fallback_model_providers, then the same with a compact date rewritten (-20240806 →
// -2024-08-06). ok is false when nothing matches: such a call has no known cost (never 0).
//
// Results are cached by (provider, model), at most 4096 of them (then the cache starts over);
// the price at a time is picked per call. The first Lookup that searches a provider of the
// vendored table reads that provider's models (about 1 to 10 ms, by the provider's size:
// openai's 93 models about 3 ms, openrouter's 700 about 8 ms). Lookup and Cost together take
// about 0.5 µs and allocate nothing (BenchmarkLookupCost).
func (t *Table) Lookup(provider, model string, at time.Time) (Price, bool) {
	key := lookupKey{provider, model}
	var m *modelInfo
	var pid string
	if v, ok := t.cache.Load(key); ok {
		r := v.(*resolved)
		m, pid = r.model, r.provider
	} else {
		m, pid = t.resolve(provider, model)
		if t.cached.Add(1) > maxCached {
			t.cache.Clear()
			t.cached.Store(1)
		}
		t.cache.Store(key, &resolved{model: m, provider: pid})
	}
	if m == nil {
		return Price{}, false
	}
	if at.IsZero() {
		at = time.Now()
	}
	return Price{ProviderID: pid, ModelID: m.id, ContextWindow: m.contextWindow, Override: m.override, reg: t.reg, set: m.pricesAt(at)}, true
}

type resolved struct {
	model    *modelInfo
	provider string
}

func (t *Table) resolve(providerName, modelName string) (*modelInfo, string) {
	names := candidates(modelName)
	if strings.TrimSpace(providerName) != "" {
		id := tableProvider(providerName)
		for _, n := range names {
			if m, pid := t.find(id, n); m != nil {
				return m, pid
			}
		}
	}
	for _, n := range names {
		if m, pid := t.find("", n); m != nil {
			return m, pid
		}
	}
	return nil, ""
}

// find is calcPrice's search for a lower-case name: in the provider resolved from providerID
// when one is given (and only there), else in the first provider whose model_match matches.
func (t *Table) find(providerID, name string) (*modelInfo, string) {
	if providerID != "" {
		if p := t.findProvider(providerID); p != nil {
			return t.findModel(p, name)
		}
		return nil, ""
	}
	for _, p := range t.providers {
		if p.modelMatch != nil && p.modelMatch.match(name) {
			return t.findModel(p, name)
		}
	}
	return nil, ""
}

// findProvider resolves a provider name as the package does: by id, else the first provider
// whose provider_match matches.
func (t *Table) findProvider(name string) *provider {
	name = strings.ToLower(strings.TrimSpace(name))
	if p := t.byID[name]; p != nil {
		return p
	}
	for _, p := range t.providers {
		if p.providerMatch != nil && p.providerMatch.match(name) {
			return p
		}
	}
	return nil
}

// compactDate finds the compact dates the package rewrites in a name: -20240806 followed by
// "-", ":" or the end becomes -2024-08-06 when it is a real date.
var compactDate = regexp.MustCompile(`-(20\d{2})(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])`)

func rewriteCompactDates(name string) string {
	var b strings.Builder
	last := 0
	for _, g := range compactDate.FindAllStringSubmatchIndex(name, -1) {
		end := g[1]
		if end < len(name) && name[end] != '-' && name[end] != ':' {
			continue
		}
		y, mo, d := name[g[2]:g[3]], name[g[4]:g[5]], name[g[6]:g[7]]
		if t, err := time.Parse("20060102", y+mo+d); err != nil || t.Format("20060102") != y+mo+d {
			continue
		}
		b.WriteString(name[last:g[0]])
		b.WriteString("-" + y + "-" + mo + "-" + d)
		last = end
	}
	if last == 0 {
		return name
	}
	b.WriteString(name[last:])
	return b.String()
}

// findModel finds a model in provider p as the package does: its first model whose match rule
// matches, else in each of its fallback providers, else the same with compact dates rewritten.
func (t *Table) findModel(p *provider, name string) (*modelInfo, string) {
	if m, pid := t.findModelIn(p, name, true); m != nil {
		return m, pid
	}
	if rewritten := rewriteCompactDates(name); rewritten != name {
		return t.findModelIn(p, rewritten, true)
	}
	return nil, ""
}

func (t *Table) findModelIn(p *provider, name string, fallback bool) (*modelInfo, string) {
	for _, m := range p.models {
		if m.match.match(name) {
			return m, p.id
		}
	}
	for _, m := range p.vendoredModels() {
		if m.match.match(name) {
			return m, p.id
		}
	}
	if fallback {
		for _, id := range p.fallback {
			if fp := t.byID[id]; fp != nil {
				if m, _ := t.findModelIn(fp, name, false); m != nil {
					return m, p.id // as calcPrice: the provider searched, with the fallback's model
				}
			}
		}
	}
	return nil, ""
}
