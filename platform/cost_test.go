package platform_test

import (
	"math"
	"math/rand/v2"
	"strconv"
	"testing"

	"github.com/llmtrace/llmtrace/platform"
)

func TestRoundCostUSD(t *testing.T) {
	for in, want := range map[float64]float64{
		42*0.15e-6 + 17*0.6e-6: 0.0000165, // 1.6499999999999998e-05 in float64
		0.000033:               0.000033,
		1.23456789012345:       1.23456789,
		0:                      0,
	} {
		if got := platform.RoundCostUSD(in); got != want {
			t.Errorf("RoundCostUSD(%v) = %v, want %v", in, got, want)
		}
	}
	if !math.IsNaN(platform.RoundCostUSD(math.NaN())) || !math.IsInf(platform.RoundCostUSD(math.Inf(1)), 1) {
		t.Error("NaN and Inf must pass through")
	}
}

// The arithmetic path agrees with strconv's rounding of the exact value on costs of every
// magnitude the platform sees (1e-12 … 1e6 USD).
func TestRoundCostUSDAgreesWithStrconv(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for range 200000 {
		c := math.Pow(10, -12+18*r.Float64())
		want, _ := strconv.ParseFloat(strconv.FormatFloat(c, 'g', platform.CostDigits, 64), 64)
		if got := platform.RoundCostUSD(c); got != want {
			t.Fatalf("RoundCostUSD(%v) = %v, strconv gives %v", c, got, want)
		}
	}
}

func BenchmarkRoundCostUSD(b *testing.B) {
	in, out := 0.15e-6, 0.6e-6
	c := 42*in + 17*out
	for b.Loop() {
		sinkCost = platform.RoundCostUSD(c)
	}
}

var sinkCost float64
