package prices

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/llmtrace/llmtrace/internal/mapping/prices/oracle"
)

// The oracle: the pinned npm package's own calcPrice, run with node by
// scripts/genai-prices.mjs (which installs the package under _build/genai-prices/ once).
// Without node the test skips, unless LLMTRACE_REQUIRE_NODE=1 (set by `make test`): then it
// fails.

type oracleCase struct {
	oracle.Case

	usage Usage
	at    time.Time
}

func newCase(provider, model string, u Usage, at time.Time, chain bool) oracleCase {
	at = at.UTC().Truncate(time.Millisecond)
	m := map[string]float64{}
	for i, v := range u.values() {
		if v != 0 {
			m[usageKeys[i]] = float64(v)
		}
	}
	return oracleCase{Case: oracle.Case{Provider: provider, Model: model, Usage: m, TimeMS: at.UnixMilli(), Chain: chain}, usage: u, at: at}
}

func repoRoot(t testing.TB) string {
	root, err := filepath.Abs(filepath.Join("..", "..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	return root
}

// runOracle runs calcPrice over the cases.
func runOracle(t *testing.T, cases []oracleCase) []oracle.Result {
	t.Helper()
	in := make([]oracle.Case, len(cases))
	for i, c := range cases {
		in[i] = c.Case
	}
	return oracle.Run(t, repoRoot(t), Vendored().Version(), providerIDs, in)
}

var oracleUsages = []Usage{
	{InputTokens: 1000, OutputTokens: 100},
	{InputTokens: 5000, OutputTokens: 700, CacheReadInputTokens: 3000, CacheCreationInputTokens: 1200},
	{InputTokens: 42, OutputTokens: 17, CacheReadInputTokens: 8, ReasoningOutputTokens: 5},
	{InputTokens: 250_000, OutputTokens: 4000, CacheReadInputTokens: 100_000, CacheCreationInputTokens: 50_000, ReasoningOutputTokens: 1500},
	{InputTokens: 1200, OutputTokens: 300, AudioInputTokens: 400, AudioOutputTokens: 200, ImageInputTokens: 100, CacheReadInputTokens: 300},
	{InputTokens: 100, OutputTokens: 10, CacheReadInputTokens: 200}, // cache reads above the input: calcPrice throws
	{InputTokens: 1_000_001, OutputTokens: 1},
	{OutputTokens: 50, ReasoningOutputTokens: 50},
	{},
}

var oracleTimes = []time.Time{
	time.Date(2024, 6, 1, 12, 0, 0, 0, time.UTC),
	time.Date(2026, 3, 12, 23, 59, 59, 999e6, time.UTC),
	time.Date(2026, 3, 13, 0, 0, 0, 0, time.UTC),
	time.Date(2026, 8, 17, 0, 30, 0, 0, time.UTC),
	time.Date(2026, 8, 17, 16, 29, 59, 999e6, time.UTC),
	time.Date(2026, 8, 18, 2, 0, 0, 0, time.UTC),
	time.Date(2026, 8, 18, 7, 15, 0, 0, time.UTC),
	time.Date(2026, 11, 21, 23, 34, 35, 192e6, time.UTC),
	time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC),
}

// tableCases asks for every model of the vendored table by its id, with and without its
// provider, rotating usages and times; conditional and tiered models get every combination.
func tableCases(tb *Table) []oracleCase {
	var cases []oracleCase
	n := 0
	for _, p := range tb.providers {
		for _, m := range p.vendoredModels() {
			special := len(m.prices) > 1
			for _, c := range m.prices {
				special = special || c.prices.tiered
			}
			for _, provider := range []string{p.id, ""} {
				if special {
					for _, u := range oracleUsages {
						for _, at := range oracleTimes {
							cases = append(cases, newCase(provider, m.id, u, at, false))
						}
					}
					continue
				}
				for k := 0; k < 2; k++ {
					n++
					cases = append(cases, newCase(provider, m.id, oracleUsages[n%len(oracleUsages)], oracleTimes[n%len(oracleTimes)], false))
				}
			}
		}
	}
	return cases
}

// testdataModels collects every model and provider name in the repository's captures and golden
// files (OTLP attributes and the platform's event fields).
func testdataModels(t *testing.T) (models, providers []string) {
	root := repoRoot(t)
	modelKeys := map[string]bool{"model": true, "gen_ai.request.model": true, "gen_ai.response.model": true,
		"llm.model_name": true, "ai.model.id": true, "ai.response.model": true}
	providerKeys := map[string]bool{"provider": true, "gen_ai.system": true, "gen_ai.provider.name": true,
		"llm.provider": true, "llm.system": true, "ai.model.provider": true}
	ms, ps := map[string]bool{}, map[string]bool{}
	var walk func(v any)
	walk = func(v any) {
		switch x := v.(type) {
		case map[string]any:
			if k, ok := x["key"].(string); ok {
				if val, ok := x["value"].(map[string]any); ok {
					if s, ok := val["stringValue"].(string); ok {
						if modelKeys[k] {
							ms[s] = true
						}
						if providerKeys[k] {
							ps[s] = true
						}
					}
				}
			}
			for k, e := range x {
				if s, ok := e.(string); ok {
					if modelKeys[k] {
						ms[s] = true
					}
					if providerKeys[k] {
						ps[s] = true
					}
				}
				walk(e)
			}
		case []any:
			for _, e := range x {
				walk(e)
			}
		}
	}
	for _, dir := range []string{"testdata/captures", "testdata/golden"} {
		files, err := filepath.Glob(filepath.Join(root, dir, "*.json"))
		if err != nil || len(files) == 0 {
			t.Fatalf("no JSON files in %s: %v", dir, err)
		}
		for _, f := range files {
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			var v any
			if err := json.Unmarshal(data, &v); err != nil {
				t.Fatalf("%s: %v", f, err)
			}
			walk(v)
		}
	}
	for s := range ms {
		models = append(models, s)
	}
	for s := range ps {
		providers = append(providers, s)
	}
	sort.Strings(models)
	sort.Strings(providers)
	return models, providers
}

// chainCases run Table.Lookup's whole search (provider names, name normalisation) against the
// same search written in scripts/genai-prices.mjs over calcPrice.
func chainCases(t *testing.T) []oracleCase {
	models, providers := testdataModels(t)
	if len(models) == 0 {
		t.Fatal("no model names found in testdata")
	}
	t.Logf("testdata: models %q, providers %q", models, providers)
	models = append(models,
		"openai/gpt-4o", "OpenAI/GPT-4o-2024-08-06", "anthropic/claude-3.5-sonnet", "models/gemini-1.5-pro",
		"models/gemini-2.0-flash-001", "us.anthropic.claude-3-5-sonnet-20240620-v1:0", "anthropic.claude-3-haiku-20240307-v1:0",
		"eu.meta.llama3-2-3b-instruct-v1:0", "global.anthropic.claude-sonnet-4-5-20250929-v1:0", "claude-3-5-sonnet@20240620",
		"gpt-4o-2099-01-01", "gpt-4o-mini-20240718", "claude-sonnet-4-20250514", "gpt-4.1-2025-04-14", "o3-mini",
		"deepseek-chat", "grok-3", "mistral-large-latest", "llama-3.3-70b-versatile", "sonar-pro", "command-r-plus",
		"accounts/fireworks/models/llama-v3p1-70b-instruct", "meta-llama/Llama-3.3-70B-Instruct-Turbo",
		"my-fine-tune", "", "  GPT-4o  ")
	providers = append(providers, "", "openai", "anthropic", "gcp.gemini", "gcp.vertex_ai", "aws.bedrock", "azure.ai.openai",
		"mistral_ai", "groq", "deepseek", "x_ai", "perplexity", "openai.chat", "groq.chat", "vllm", "OpenAI")
	var cases []oracleCase
	for _, p := range providers {
		for i, m := range models {
			for j, at := range []time.Time{time.Date(2026, 11, 21, 23, 34, 35, 192e6, time.UTC), time.Date(2025, 5, 1, 3, 0, 0, 0, time.UTC)} {
				u := oracleUsages[(i+j)%len(oracleUsages)]
				cases = append(cases, newCase(p, m, u, at, true))
			}
			// the usage of the golden llm events: 42 in (8 from cache), 17 out (5 reasoning)
			cases = append(cases, newCase(p, m, Usage{InputTokens: 42, OutputTokens: 17, CacheReadInputTokens: 8, ReasoningOutputTokens: 5}, time.Date(2026, 11, 21, 23, 34, 35, 192e6, time.UTC), true))
		}
	}
	return cases
}

func TestOracleCalcPrice(t *testing.T) {
	tb := Vendored()
	cases := append(tableCases(tb), chainCases(t)...)
	results := runOracle(t, cases)
	var found, priced, thrown, chained int
	for i, c := range cases {
		r := results[i]
		what := fmt.Sprintf("case %d: calcPrice(%v, %q, {providerId: %q, timestamp: %s}) chain=%v", i, c.Usage, c.Model, c.Provider, c.at.Format(time.RFC3339Nano), c.Chain)
		var p Price
		var ok bool
		if c.Chain {
			chained++
			p, ok = tb.Lookup(c.Provider, c.Model, c.at)
		} else {
			var m *modelInfo
			var pid string
			m, pid = tb.find(c.Provider, strings.ToLower(strings.TrimSpace(c.Model)))
			if ok = m != nil; ok {
				p = Price{ProviderID: pid, ModelID: m.id, ContextWindow: m.contextWindow, reg: tb.reg, set: m.pricesAt(c.at)}
			}
		}
		if ok != r.Found {
			t.Errorf("%s: found %v, calcPrice found %v (%s/%s)", what, ok, r.Found, r.Provider, r.Model)
			continue
		}
		if !ok {
			continue
		}
		found++
		usd, known := p.Cost(c.usage)
		if r.Error != "" {
			thrown++
			if known {
				t.Errorf("%s: cost %v, calcPrice threw %q", what, usd, r.Error)
			}
			continue
		}
		if p.ProviderID != r.Provider || p.ModelID != r.Model {
			t.Errorf("%s: model %s/%s, calcPrice %s/%s", what, p.ProviderID, p.ModelID, r.Provider, r.Model)
		}
		if p.ContextWindow != r.ContextWindow {
			t.Errorf("%s: context window %d, calcPrice's model has %d", what, p.ContextWindow, r.ContextWindow)
		}
		if !known {
			if !p.set.priced && r.TotalPrice == 0 {
				continue // priced only by units a span does not report (audio seconds, ...): not known here, 0 there
			}
			t.Errorf("%s: cost not known, calcPrice %v", what, r.TotalPrice)
			continue
		}
		priced++
		if math.Abs(usd-r.TotalPrice) > 1e-9 {
			t.Errorf("%s: cost %.12g USD, calcPrice %.12g USD", what, usd, r.TotalPrice)
		}
	}
	t.Logf("%d cases (%d through Lookup's whole search): %d found, %d priced equal to calcPrice, %d refused by both", len(cases), chained, found, priced, thrown)
	if priced < 1000 || thrown == 0 {
		t.Errorf("too few cases exercised: %d priced, %d thrown", priced, thrown)
	}
}
