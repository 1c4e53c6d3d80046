package platform_test

import (
	"math"
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
