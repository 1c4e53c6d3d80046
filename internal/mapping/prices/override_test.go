package prices

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestOverrideWinsOverVendored(t *testing.T) {
	tb := mustNew(t, `[{"id": "openai", "models": [
		{"id": "gpt-4o-negotiated", "match": {"starts_with": "gpt-4o"}, "prices": {"input_mtok": 1, "output_mtok": 2}, "context_window": 64000}]}]`)
	p, ok := tb.Lookup("openai", "gpt-4o-2024-08-06", day)
	if !ok || p.ModelID != "gpt-4o-negotiated" || !p.Override || p.ContextWindow != 64000 {
		t.Fatalf("Lookup = %+v %v, want the override", p, ok)
	}
	near(t, "negotiated", cost(t, tb, "openai", "gpt-4o", day, Usage{InputTokens: 1e6, OutputTokens: 1e6}), 3)
	// the rest of the provider's table is still there, and the vendored table is untouched
	if p, ok := tb.Lookup("openai", "gpt-4.1", day); !ok || p.Override {
		t.Errorf("gpt-4.1 = %+v %v, want the vendored model", p, ok)
	}
	if p, _ := Vendored().Lookup("openai", "gpt-4o", day); p.Override || p.ModelID != "gpt-4o" {
		t.Errorf("the vendored table changed: %+v", p)
	}
}

// A self-hosted model at price 0 on purpose: known, cost 0.
func TestOverrideSelfHostedZero(t *testing.T) {
	tb := mustNew(t, `{"providers": [{"id": "self-hosted", "provider_match": {"or": [{"equals": "vllm"}, {"equals": "ollama"}]},
		"models": [{"id": "llama", "match": {"contains": "llama"}, "prices": {"input_mtok": 0, "output_mtok": 0}}]}]}`)
	for _, provider := range []string{"vllm", "ollama", "self-hosted"} {
		p, ok := tb.Lookup(provider, "meta-llama/Llama-3.1-8B-Instruct", day)
		if !ok || p.ProviderID != "self-hosted" {
			t.Fatalf("Lookup(%q) = %+v %v", provider, p, ok)
		}
		if usd, ok := p.Cost(Usage{InputTokens: 5000, OutputTokens: 500}); !ok || usd != 0 {
			t.Errorf("self-hosted cost %v %v, want 0 known", usd, ok)
		}
	}
}

// Later overrides win over earlier ones (e.g. a file, then inline models).
func TestOverrideLayers(t *testing.T) {
	tb := mustNew(t,
		`[{"id": "acme", "models": [{"id": "file", "match": {"equals": "m"}, "prices": {"input_mtok": 1}}]}]`,
		`[{"id": "acme", "models": [{"id": "inline", "match": {"equals": "m"}, "prices": {"input_mtok": 2}}]}]`)
	if p, _ := tb.Lookup("acme", "m", day); p.ModelID != "inline" {
		t.Errorf("got %q, want the later override", p.ModelID)
	}
}

func TestOverrideFromFile(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("testdata", "overrides.json"))
	if err != nil {
		t.Fatal(err)
	}
	tb, err := New(data)
	if err != nil {
		t.Fatal(err)
	}
	near(t, "fine-tune", cost(t, tb, "openai", "ft:gpt-4o-mini-2024-07-18:acme::abc123", day, Usage{InputTokens: 1e6, CacheReadInputTokens: 5e5, OutputTokens: 1e6}), 0.5*0.15+0.5*0.075+1.2)
}

// Each mistake is one sentence naming where it is; nothing is loaded.
func TestOverrideValidation(t *testing.T) {
	for _, c := range []struct {
		name, json string
		want       []string
	}{
		{"not JSON", `{`, []string{"price override 1 is not a JSON array of providers"}},
		{"missing ids", `[{"models": [{"match": {"equals": "x"}, "prices": {"input_mtok": 1}}]}]`,
			[]string{"providers[0]: the provider has no id", "models[0]: the model has no id"}},
		{"unknown op", `[{"id": "a", "models": [{"id": "m", "match": {"start_with": "x"}, "prices": {"input_mtok": 1}}]}]`,
			[]string{`providers[0] (provider "a"): models[0] ("m"): unknown match operation "start_with"`}},
		{"two ops", `[{"id": "a", "models": [{"id": "m", "match": {"equals": "x", "contains": "y"}, "prices": {"input_mtok": 1}}]}]`,
			[]string{"exactly one operation, got 2 (contains, equals)"}},
		{"bad regex", `[{"id": "a", "models": [{"id": "m", "match": {"or": [{"regex": "gpt-(4o"}]}, "prices": {"input_mtok": 1}}]}]`,
			[]string{`regex "gpt-(4o" does not compile`}},
		{"negative price", `[{"id": "a", "models": [{"id": "m", "match": {"equals": "m"}, "prices": {"input_mtok": -1}}]}]`,
			[]string{`price "input_mtok" is -1; a price is a non-negative number of USD per million tokens`}},
		{"string price", `[{"id": "a", "models": [{"id": "m", "match": {"equals": "m"}, "prices": {"output_mtok": "2.5"}}]}]`,
			[]string{`price "output_mtok" is "2.5"`}},
		{"unknown price key", `[{"id": "a", "models": [{"id": "m", "match": {"equals": "m"}, "prices": {"input_mtoks": 1}}]}]`,
			[]string{`"input_mtoks" is not a price key of genai-prices`}},
		{"missing ancestor", `[{"id": "a", "models": [{"id": "m", "match": {"equals": "m"}, "prices": {"input_mtok": 1, "cache_write_1h_mtok": 2}}]}]`,
			[]string{`price "cache_write_1h_mtok" needs the price of its ancestor "cache_write_mtok" as well`}},
		{"missing overlap", `[{"id": "a", "models": [{"id": "m", "match": {"equals": "m"}, "prices": {"input_mtok": 1, "cache_read_mtok": 1, "input_audio_mtok": 2}}]}]`,
			[]string{`the price "cache_audio_read_mtok" of their overlap is needed`}},
		{"bad tier", `[{"id": "a", "models": [{"id": "m", "match": {"equals": "m"}, "prices": {"input_mtok": {"base": 1, "tiers": [{"start": 1.5, "price": 2}]}}}]}]`,
			[]string{`price "input_mtok" is {"base": 1`}},
		{"bad date", `[{"id": "a", "models": [{"id": "m", "match": {"equals": "m"}, "prices": [{"constraint": {"start_date": "2026-13-01"}, "prices": {"input_mtok": 1}}]}]}]`,
			[]string{`prices[0]: start_date "2026-13-01" is not a date YYYY-MM-DD`}},
		{"bad time", `[{"id": "a", "models": [{"id": "m", "match": {"equals": "m"}, "prices": [{"constraint": {"start_time": "25:00:00Z", "end_time": "01:00:00Z"}, "prices": {"input_mtok": 1}}]}]}]`,
			[]string{`time of day "25:00:00Z" is out of range`}},
		{"missing match and prices", `[{"id": "a", "models": [{"id": "m"}]}]`,
			[]string{"the model has no match rule", "the model has no prices"}},
		{"bad context window", `[{"id": "a", "models": [{"id": "m", "match": {"equals": "m"}, "prices": {"input_mtok": 1}, "context_window": -5}]}]`,
			[]string{"context_window is -5"}},
		{"models not an array", `[{"id": "a", "models": {"id": "m", "match": {"equals": "m"}, "prices": {"input_mtok": 1}}}]`,
			[]string{`providers[0]: a provider must be an object with id and models`}},
		{"duplicate provider", `[{"id": "a", "models": []}, {"id": "a", "models": []}]`,
			[]string{`provider "a" appears twice`}},
		{"several mistakes, all reported", `[{"id": "a", "models": [
			{"id": "m1", "match": {"equal": "m"}, "prices": {"input_mtok": 1}},
			{"id": "m2", "match": {"equals": "m"}, "prices": {"input_mtok": -2}}]}]`,
			[]string{`models[0] ("m1"): unknown match operation "equal"`, `models[1] ("m2"): price "input_mtok" is -2`}},
	} {
		tb, err := New([]byte(c.json))
		if err == nil {
			t.Errorf("%s: no error", c.name)
			continue
		}
		if tb != nil {
			t.Errorf("%s: a table was returned with the error", c.name)
		}
		msg := err.Error()
		for _, w := range c.want {
			if !strings.Contains(msg, w) {
				t.Errorf("%s: error %q lacks %q", c.name, msg, w)
			}
		}
		if lines := strings.Count(msg, "\n") + 1; lines != len(c.want) {
			t.Errorf("%s: %d sentences, want %d:\n%s", c.name, lines, len(c.want), msg)
		}
	}
}
