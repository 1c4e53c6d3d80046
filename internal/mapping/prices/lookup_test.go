package prices

import (
	"fmt"
	"testing"
	"time"
)

func TestLookupNormalisesNames(t *testing.T) {
	tb := Vendored()
	for _, c := range []struct{ provider, model, wantProvider, wantModel string }{
		{"openai", "gpt-4o", "openai", "gpt-4o"},
		{"openai", "gpt-4o-2024-08-06", "openai", "gpt-4o"},         // the table's rule names the snapshot
		{"openai", "gpt-4o-mini-20240718", "openai", "gpt-4o-mini"}, // compact date, rewritten as the package does
		{"openai", "gpt-4o-2099-01-01", "openai", "gpt-4o"},         // unknown snapshot: date stripped last
		{"openai", "  GPT-4o  ", "openai", "gpt-4o"},                // case and spaces
		{"", "openai/gpt-4o", "openai", "gpt-4o"},                   // provider prefix
		{"openai", "openai/gpt-4o", "openai", "gpt-4o"},             //
		{"gcp.gemini", "models/gemini-1.5-pro", "google", "gemini-1.5-pro"},
		{"gcp.vertex_ai", "claude-3-5-sonnet@20240620", "google", "claude-3-5-sonnet"},
		{"aws.bedrock", "us.anthropic.claude-3-5-sonnet-20240620-v1:0", "aws", "regional.anthropic.claude-3-5-sonnet-20240620-v1:0"},
		{"aws.bedrock", "claude-sonnet-4-5", "anthropic", "claude-sonnet-4-5"}, // not in the provider's table: the provider claiming the name
		{"", "eu.anthropic.claude-3-haiku-20240307-v1:0", "anthropic", "claude-3-haiku"},
		{"azure.ai.openai", "gpt-4o", "azure", "gpt-4o"},
		{"mistral_ai", "mistral-large-latest", "mistral", "mistral-large"},
		{"x_ai", "grok-3", "x-ai", "grok-3"},
		{"groq.chat", "llama-3.3-70b-versatile", "groq", "llama-3.3-70b-versatile"}, // Vercel AI SDK provider id
		{"openai.chat", "gpt-4o-mini", "openai", "gpt-4o-mini"},
		{"deepseek", "deepseek-chat", "deepseek", "deepseek-chat"},
		{"perplexity", "sonar-pro", "perplexity", "sonar-pro"},
	} {
		p, ok := tb.Lookup(c.provider, c.model, day)
		if !ok || p.ProviderID != c.wantProvider || p.ModelID != c.wantModel {
			t.Errorf("Lookup(%q, %q) = %s/%s %v, want %s/%s", c.provider, c.model, p.ProviderID, p.ModelID, ok, c.wantProvider, c.wantModel)
		}
	}
}

func TestLookupUnknownModel(t *testing.T) {
	tb := Vendored()
	for _, c := range [][2]string{{"openai", "my-own-model"}, {"", "llama-3.3-70b-versatile"}, {"vllm", "qwen2.5-7b-instruct"}, {"", ""}, {"openai", ""}} {
		if p, ok := tb.Lookup(c[0], c[1], day); ok {
			t.Errorf("Lookup(%q, %q) = %s/%s, want not found", c[0], c[1], p.ProviderID, p.ModelID)
		}
	}
}

func TestLookupContextWindow(t *testing.T) {
	p, _ := Vendored().Lookup("openai", "gpt-4o-2024-08-06", day)
	if p.ContextWindow != 128_000 {
		t.Errorf("gpt-4o context window %d, want 128000", p.ContextWindow)
	}
}

// The cache holds at most maxCached names: a stream of distinct names does not grow it.
func TestLookupCacheBounded(t *testing.T) {
	tb := mustNew(t, `[{"id": "acme", "models": [{"id": "m", "match": {"starts_with": "m-"}, "prices": {"input_mtok": 1}}]}]`)
	for i := 0; i < 3*maxCached; i++ {
		if _, ok := tb.Lookup("acme", fmt.Sprintf("m-%d", i), day); !ok {
			t.Fatalf("m-%d not found", i)
		}
	}
	n := 0
	tb.cache.Range(func(any, any) bool { n++; return true })
	if n > maxCached {
		t.Errorf("cache holds %d entries, bound %d", n, maxCached)
	}
	// cached results, found and not found, stay right
	for i := 0; i < 2; i++ {
		if _, ok := tb.Lookup("acme", "m-1", day); !ok {
			t.Error("m-1 not found from cache")
		}
		if _, ok := tb.Lookup("acme", "x-1", day); ok {
			t.Error("x-1 found from cache")
		}
	}
}

// A zero time is now: the prices of today apply.
func TestLookupZeroTimeIsNow(t *testing.T) {
	tb := mustNew(t, `[{"id": "acme", "models": [{"id": "m", "match": {"equals": "m"}, "prices": [
		{"prices": {"input_mtok": 1}}, {"constraint": {"start_date": "2000-01-01"}, "prices": {"input_mtok": 2}}]}]}]`)
	near(t, "zero time", cost(t, tb, "acme", "m", time.Time{}, Usage{InputTokens: 1e6}), 2)
}
