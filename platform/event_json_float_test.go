package platform

import (
	"encoding/json"
	"math"
	"math/rand/v2"
	"testing"
)

// TestAppendFloatJSONShortDecimals checks appendFloatJSON, whose short-decimal path
// (appendShortDecimal) skips strconv, against encoding/json on the values it takes (short
// decimals, integers, the mapping's rounded costs), around its bounds (1e-6, 1e15, 2^50
// once scaled, maxShortDecimals), on powers of ten and their neighbours, and on random bit
// patterns, which it mostly leaves to strconv. The short path must be taken for the common
// shapes (else the test checks nothing new).
func TestAppendFloatJSONShortDecimals(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 12))
	var vals []float64
	for k := range 23 {
		p := math.Pow(10, float64(k))
		vals = append(vals, p, 1/p, math.Nextafter(p, 0), math.Nextafter(p, math.Inf(1)),
			math.Nextafter(1/p, 0), math.Nextafter(1/p, 1))
	}
	vals = append(vals, 0.2, 0.95, 0.0001554, 850, 1e-6, 1e15, 1<<50, 1<<53, 123456789.123,
		math.Nextafter(1e-6, 0), math.Nextafter(1e15, 0), 0.5, 1.5, 2.675, 1e-7, 5e-324, math.MaxFloat64,
		0.000001, 0.0000015, 999999999999999.9, 99999999999999.98, 0.3, 0.7, 1.1, 2.2, 3.3)
	for range 20000 {
		// m × 10^-k, the shapes the short path takes, and slightly off them.
		m := float64(r.Int64N(1 << uint(1+r.IntN(52))))
		f := m / math.Pow(10, float64(r.IntN(20)))
		vals = append(vals, f, math.Nextafter(f, 0), math.Nextafter(f, math.Inf(1)), RoundCostUSD(f*1e-3))
		vals = append(vals, math.Float64frombits(r.Uint64()), float64(r.Int64N(1<<40))/float64(1+r.IntN(1000)))
	}
	short := 0
	for _, v := range vals {
		for _, f := range []float64{v, -v} {
			if math.IsNaN(f) || math.IsInf(f, 0) {
				continue
			}
			want, err := json.Marshal(f)
			if err != nil {
				t.Fatal(err)
			}
			got, err := appendFloatJSON(nil, f, 64)
			if err != nil || string(got) != string(want) {
				t.Fatalf("appendFloatJSON(%v) = %s, %v; encoding/json %s", f, got, err, want)
			}
			if _, ok := appendShortDecimal(nil, f); ok {
				short++
			}
		}
	}
	for _, f := range []float64{0.2, 0.0001554, 850, -0.95, 1e-6, 999999999999999} {
		if _, ok := appendShortDecimal(nil, f); !ok {
			t.Errorf("%v: not written by the short-decimal path", f)
		}
	}
	tenth, fifth := 0.1, 0.2
	for _, f := range []float64{0, math.Copysign(0, -1), tenth + fifth, 1e15, 1e-7} {
		if _, ok := appendShortDecimal(nil, f); ok {
			t.Errorf("%v: written by the short-decimal path", f)
		}
	}
	t.Logf("%d of %d values by the short-decimal path", short, 2*len(vals))
}
