package prices

import (
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"sync"
	"sync/atomic"
)

//go:embed data/genai-prices.json
var vendoredJSON []byte

// Table is a price table: the vendored genai-prices data, optionally with override tables
// layered over it. It is immutable after New and safe for concurrent use; lookups are cached
// by (provider, model).
type Table struct {
	reg       *unitRegistry
	providers []*provider // in search order: providers new in overrides first, then the vendored ones
	byID      map[string]*provider
	version   string
	date      string

	cache  sync.Map // lookupKey → *modelInfo (nil: not in the table)
	cached atomic.Int64
}

// maxCached bounds the lookup cache: past it the cache starts over, so a stream of distinct
// model names costs lookups but no memory.
const maxCached = 4096

type lookupKey struct{ provider, model string }

type unitJSON struct {
	Dimensions map[string]string `json:"dimensions"`
	Per        float64           `json:"per"`
	PriceKey   string            `json:"price_key"`
}

// providerJSON is a provider without its models: the vendored table reads them on first use
// (vendoredModels), an override table right away (modelsJSON).
type providerJSON struct {
	ID                     string          `json:"id"`
	ModelMatch             json.RawMessage `json:"model_match"`
	ProviderMatch          json.RawMessage `json:"provider_match"`
	FallbackModelProviders []string        `json:"fallback_model_providers"`
}

type modelsJSON struct {
	ID     string            `json:"id"`
	Models []json.RawMessage `json:"models"`
}

var vendored = sync.OnceValues(func() (*Table, error) { return parseVendored(vendoredJSON) })

// Vendored returns the table of data/genai-prices.json, parsed on first use and shared. It
// panics if the embedded file does not parse, which the package's tests rule out.
//
// The file's providers are read on first use (about 15 ms); each provider's models on the
// first Lookup that searches that provider, from the embedded bytes, and their regexes on
// their first test. The table's footprint in the heap is the providers searched, not the
// whole file (about 1.2 MB parsed, which every GC cycle would mark).
func Vendored() *Table {
	t, err := vendored()
	if err != nil {
		panic("prices: the vendored data/genai-prices.json does not parse: " + err.Error())
	}
	return t
}

func parseVendored(data []byte) (*Table, error) {
	f, err := splitFile(data)
	if err != nil {
		return nil, err
	}
	reg, err := newUnitRegistry(f.units)
	if err != nil {
		return nil, err
	}
	t := &Table{reg: reg, byID: map[string]*provider{}, version: f.version, date: f.taken}
	var errs []error
	for i, raw := range f.providers {
		where := fmt.Sprintf("providers[%d]", i)
		p, perrs := parseProviderHead(raw, false, where)
		errs = append(errs, perrs...)
		if p != nil {
			p.vendored = &vendoredModels{raw: raw, reg: reg, where: fmt.Sprintf("%s (provider %q)", where, p.id)}
			t.providers = append(t.providers, p)
			t.byID[p.id] = p
		}
	}
	return t, errors.Join(errs...)
}

// parseProvider reads one Provider with its models; its errors name where they are (where, the
// provider's id, the model's index and id).
func parseProvider(raw json.RawMessage, reg *unitRegistry, strict bool, where string) (*provider, []error) {
	var j modelsJSON
	if err := json.Unmarshal(raw, &j); err != nil {
		return nil, []error{fmt.Errorf("%s: a provider must be an object with id and models: %v", where, err)}
	}
	p, errs := parseProviderHead(raw, strict, where)
	if j.ID != "" {
		where = fmt.Sprintf("%s (provider %q)", where, j.ID)
	}
	models, merrs := parseModels(j.Models, reg, strict, where)
	errs = append(errs, merrs...)
	if len(errs) > 0 {
		return nil, errs
	}
	p.models = models
	return p, nil
}

// parseModels reads a provider's models; the models with errors are left out.
func parseModels(list []json.RawMessage, reg *unitRegistry, strict bool, where string) ([]*modelInfo, []error) {
	var models []*modelInfo
	var errs []error
	for i, mr := range list {
		m, merrs := parseModel(mr, reg, strict)
		for _, e := range merrs {
			mw := fmt.Sprintf("models[%d]", i)
			if m != nil && m.id != "" {
				mw = fmt.Sprintf("models[%d] (%q)", i, m.id)
			}
			errs = append(errs, fmt.Errorf("%s: %s: %v", where, mw, e))
		}
		if len(merrs) == 0 {
			models = append(models, m)
		}
	}
	return models, errs
}

// parseProviderHead reads a Provider's id, match rules and fallback providers; its errors name
// where they are (where, the provider's id).
func parseProviderHead(raw json.RawMessage, strict bool, where string) (*provider, []error) {
	var j providerJSON
	if err := json.Unmarshal(raw, &j); err != nil {
		return nil, []error{fmt.Errorf("%s: a provider must be an object with id and models: %v", where, err)}
	}
	var errs []error
	if j.ID == "" {
		errs = append(errs, fmt.Errorf("%s: the provider has no id (a genai-prices provider id such as \"openai\", or your own)", where))
	} else {
		where = fmt.Sprintf("%s (provider %q)", where, j.ID)
	}
	p := &provider{id: j.ID, fallback: j.FallbackModelProviders}
	for _, f := range []struct {
		name string
		raw  json.RawMessage
		dst  **matcher
	}{{"model_match", j.ModelMatch, &p.modelMatch}, {"provider_match", j.ProviderMatch, &p.providerMatch}} {
		if len(f.raw) == 0 || string(f.raw) == "null" {
			continue
		}
		m, err := parseMatch(f.raw, strict)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %s: %v", where, f.name, err))
		}
		*f.dst = m
	}
	if len(errs) > 0 {
		return nil, errs
	}
	return p, nil
}

// New returns the vendored table with the override tables layered over it, each later one over
// the earlier ones. An override has the JSON shape of the vendored file's providers: an array of
// providers (or an object with a "providers" array), each {"id", "models": [{"id", "match",
// "prices", "context_window"?}], "provider_match"?, "model_match"?}. Its models win over the
// table's: a provider with a known id (e.g. "openai") gets them ahead of its own models; a new
// provider is searched before the vendored ones, by its id or provider_match. Price 0 is a
// valid price (self-hosted models).
//
// Every mistake is reported, one sentence each, joined in the error (nothing is loaded then):
// a missing id, match or prices; an unknown match operation; a regex that does not compile; a
// price key genai-prices does not know; a negative or non-numeric price; a bad tier or
// constraint; a price whose ancestor or overlap price is missing (e.g. cache_write_1h_mtok
// without cache_write_mtok).
func New(overrides ...[]byte) (*Table, error) {
	base, err := vendored()
	if err != nil {
		return nil, err
	}
	if len(overrides) == 0 {
		return base, nil
	}
	t := &Table{reg: base.reg, byID: map[string]*provider{}, version: base.version, date: base.date}
	for _, p := range base.providers {
		cp := *p
		t.providers = append(t.providers, &cp)
		t.byID[cp.id] = &cp
	}
	var errs []error
	for n, data := range overrides {
		ps, oerrs := parseOverride(data, base.reg, fmt.Sprintf("price override %d", n+1))
		errs = append(errs, oerrs...)
		var fresh []*provider
		for _, p := range ps {
			if old := t.byID[p.id]; old != nil {
				old.models = append(append([]*modelInfo{}, p.models...), old.models...)
				if p.modelMatch != nil {
					old.modelMatch = p.modelMatch
				}
				if p.providerMatch != nil {
					old.providerMatch = p.providerMatch
				}
				if p.fallback != nil {
					old.fallback = p.fallback
				}
				continue
			}
			t.byID[p.id] = p
			fresh = append(fresh, p)
		}
		t.providers = append(fresh, t.providers...)
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return t, nil
}

func parseOverride(data []byte, reg *unitRegistry, where string) ([]*provider, []error) {
	var list []json.RawMessage
	if err := json.Unmarshal(data, &list); err != nil {
		var obj struct {
			Providers []json.RawMessage `json:"providers"`
		}
		if err2 := json.Unmarshal(data, &obj); err2 != nil || obj.Providers == nil {
			return nil, []error{fmt.Errorf("%s is not a JSON array of providers nor an object with \"providers\": %v", where, err)}
		}
		list = obj.Providers
	}
	var out []*provider
	var errs []error
	ids := map[string]bool{}
	for i, raw := range list {
		p, perrs := parseProvider(raw, reg, true, fmt.Sprintf("%s: providers[%d]", where, i))
		errs = append(errs, perrs...)
		if p == nil {
			continue
		}
		if ids[p.id] {
			errs = append(errs, fmt.Errorf("%s: providers[%d]: provider %q appears twice; put its models in one entry", where, i, p.id))
			continue
		}
		ids[p.id] = true
		for _, m := range p.models {
			m.override = true
		}
		out = append(out, p)
	}
	return out, errs
}

// Version is the genai-prices package version the vendored data comes from (e.g. "0.1.8").
func (t *Table) Version() string { return t.version }

// Date is the UTC date the vendored data was taken (YYYY-MM-DD).
func (t *Table) Date() string { return t.date }

// ProviderAliases returns a copy of the provider names Lookup maps to the table's provider
// ids (gen_ai.provider.name values, older gen_ai.system values, common short names), for
// tests and documentation.
func ProviderAliases() map[string]string { return maps.Clone(providerIDs) }
