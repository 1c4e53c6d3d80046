package prices

import (
	"fmt"
	"os"
	"strings"
	"testing"
)

// The vendored file parses (each provider's models, which Lookup reads on first use, too),
// every model has a usable rule (its regexes, which compile on first use, compile) and prices,
// and calcPrice would accept every price set (no missing ancestor or overlap price).
func TestVendoredTable(t *testing.T) {
	tb, err := vendored()
	if err != nil {
		t.Fatalf("vendored table: %v", err)
	}
	models := 0
	for _, p := range tb.providers {
		for _, m := range []*matcher{p.modelMatch, p.providerMatch} {
			if err := compileAll(m); err != nil {
				t.Errorf("%s: %v", p.id, err)
			}
		}
		ms := p.vendoredModels()
		if p.vendored == nil || p.vendored.err != nil || len(p.models) > 0 || len(ms) == 0 {
			t.Errorf("%s: vendored models %d (%v), other models %d", p.id, len(ms), p.vendored.err, len(p.models))
		}
		for _, m := range ms {
			models++
			if m.match == nil || len(m.prices) == 0 {
				t.Errorf("%s/%s: no match rule or prices", p.id, m.id)
			} else if err := compileAll(m.match); err != nil {
				t.Errorf("%s/%s: %v", p.id, m.id, err)
			}
			for _, c := range m.prices {
				if c.prices.err != nil {
					t.Errorf("%s/%s: %v", p.id, m.id, c.prices.err)
				}
			}
		}
	}
	if len(tb.providers) < 40 || models < 1500 {
		t.Errorf("%d providers, %d models: the vendored file looks truncated", len(tb.providers), models)
	}
	if tb.Version() == "" || len(tb.Date()) != len("2006-01-02") {
		t.Errorf("version %q, date %q", tb.Version(), tb.Date())
	}
}

// The package documentation names the version and date of the vendored file (`make prices`
// changes both: update doc.go with them).
func TestDocNamesVendoredVersionAndDate(t *testing.T) {
	doc, err := os.ReadFile("doc.go")
	if err != nil {
		t.Fatal(err)
	}
	tb := Vendored()
	want := "version " + tb.Version() + ", taken " + tb.Date()
	if !strings.Contains(strings.Join(strings.Fields(strings.ReplaceAll(string(doc), "//", "")), " "), want) {
		t.Errorf("doc.go does not say %q", want)
	}
}

func TestNewWithoutOverridesIsVendored(t *testing.T) {
	tb, err := New()
	if err != nil || tb != Vendored() {
		t.Errorf("New() = %p, %v; want the vendored table %p", tb, err, Vendored())
	}
}

// compileAll compiles every regex of a match rule (nil: none).
func compileAll(m *matcher) error {
	if m == nil {
		return nil
	}
	if m.op == opRegex {
		if _, err := compileRegex(m.s); err != nil {
			return fmt.Errorf("regex %q does not compile: %v", m.s, err)
		}
	}
	for _, s := range m.subs {
		if err := compileAll(s); err != nil {
			return err
		}
	}
	return nil
}
