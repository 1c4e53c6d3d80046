package prices

import (
	"testing"
)

func TestMatchRules(t *testing.T) {
	tb := mustNew(t, `[{"id": "acme", "models": [
		{"id": "eq", "match": {"equals": "Acme-One"}, "prices": {"input_mtok": 1}},
		{"id": "sw", "match": {"starts_with": "acme-two"}, "prices": {"input_mtok": 2}},
		{"id": "ew", "match": {"ends_with": "-three"}, "prices": {"input_mtok": 3}},
		{"id": "ct", "match": {"contains": "four"}, "prices": {"input_mtok": 4}},
		{"id": "rx", "match": {"regex": "^acme-(?!beta)five-\\d{2}$"}, "prices": {"input_mtok": 5}},
		{"id": "or", "match": {"or": [{"equals": "six-a"}, {"equals": "six-b"}]}, "prices": {"input_mtok": 6}},
		{"id": "and", "match": {"and": [{"starts_with": "acme-"}, {"ends_with": "-seven"}]}, "prices": {"input_mtok": 7}}
	]}]`)
	for _, c := range []struct {
		name string
		want string // "" = no match
	}{
		{"acme-one", "eq"}, {"ACME-ONE", "eq"}, {"acme-one-x", ""},
		{"acme-two", "sw"}, {"acme-two-mini", "sw"}, {"x-acme-two", ""},
		{"big-three", "ew"}, {"big-three-x", ""},
		{"the-four-thing", "ct"}, {"fou", ""},
		{"acme-five-12", "rx"}, {"ACME-FIVE-12", "rx"}, {"acme-betafive-12", ""}, {"acme-five-123", ""},
		{"six-a", "or"}, {"six-b", "or"}, {"six-c", ""},
		{"acme-lucky-seven", "and"}, {"lucky-seven", ""},
	} {
		p, ok := tb.Lookup("acme", c.name, day)
		got := ""
		if ok && p.ProviderID == "acme" {
			got = p.ModelID
		}
		if got != c.want {
			t.Errorf("%q matched %q (provider %q), want %q", c.name, got, p.ProviderID, c.want)
		}
	}
}

// The vendored table's lookahead regexes (Go's regexp has no lookahead) are evaluated with
// JavaScript semantics: mistral's model_match refuses names with a "vendor/" prefix.
func TestMatchLookaheadRegexFromTable(t *testing.T) {
	tb := Vendored()
	m := tb.byID["mistral"].modelMatch
	for name, want := range map[string]bool{"mistral-large-latest": true, "codestral-2501": true, "mistralai/mistral-large": false, "gpt-4o": false} {
		if got := m.match(name); got != want {
			t.Errorf("mistral model_match(%q) = %v, want %v", name, got, want)
		}
	}
}

func TestMatchFirstRuleWins(t *testing.T) {
	tb := mustNew(t, `{"providers": [{"id": "acme", "models": [
		{"id": "specific", "match": {"equals": "acme-x-pro"}, "prices": {"input_mtok": 9}},
		{"id": "family", "match": {"starts_with": "acme-x"}, "prices": {"input_mtok": 1}}
	]}]}`)
	for name, want := range map[string]string{"acme-x-pro": "specific", "acme-x-lite": "family"} {
		if p, _ := tb.Lookup("acme", name, day); p.ModelID != want {
			t.Errorf("%q → %q, want %q", name, p.ModelID, want)
		}
	}
}
