package prices

import (
	"math"
	"testing"
	"time"
)

var day = time.Date(2026, 11, 21, 12, 0, 0, 0, time.UTC)

// mustNew builds the vendored table with the override tables over it.
func mustNew(t *testing.T, overrides ...string) *Table {
	t.Helper()
	bs := make([][]byte, len(overrides))
	for i, o := range overrides {
		bs[i] = []byte(o)
	}
	tb, err := New(bs...)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return tb
}

// cost looks a model up and prices u; it fails the test when either is not known.
func cost(t *testing.T, tb *Table, provider, model string, at time.Time, u Usage) float64 {
	t.Helper()
	p, ok := tb.Lookup(provider, model, at)
	if !ok {
		t.Fatalf("Lookup(%q, %q) found nothing", provider, model)
	}
	usd, ok := p.Cost(u)
	if !ok {
		t.Fatalf("Cost(%+v) of %s/%s not known", u, p.ProviderID, p.ModelID)
	}
	return usd
}

func near(t *testing.T, what string, got, want float64) {
	t.Helper()
	if math.Abs(got-want) > 1e-12 {
		t.Errorf("%s: %.15g USD, want %.15g", what, got, want)
	}
}
