package platform

import (
	"math"
	"strconv"
)

// CostDigits is how many significant digits a cost in USD (Usage.CostUSD) keeps on the wire.
// Prices are per million tokens with at most a few digits, so ten keep every real cost
// exactly while dropping float noise such as the 0.000016499999999999998 that
// 42 × 0.15e-6 + 17 × 0.6e-6 gives in float64.
const CostDigits = 10

// RoundCostUSD returns c, a cost in USD, rounded to CostDigits significant digits (0, NaN
// and ±Inf as they are). The mapping rounds every cost it writes with it, and the dev
// platform every cost it serves, so both show the same number.
func RoundCostUSD(c float64) float64 {
	if c == 0 || math.IsNaN(c) || math.IsInf(c, 0) {
		return c
	}
	// Scale to a 10-digit integer, round, scale back: exact powers of ten up to 1e22 make the
	// division correctly rounded, so the result is the float64 nearest to the rounded
	// decimal, as strconv gives it. Costs too small or too large for that take strconv.
	k := CostDigits - 1 - int(math.Floor(math.Log10(math.Abs(c))))
	if k >= 0 && k < len(pow10) {
		m := c * pow10[k]
		if a := math.Abs(m); a >= 1e9 && a < 1e10 {
			return math.Round(m) / pow10[k]
		}
	}
	r, err := strconv.ParseFloat(strconv.FormatFloat(c, 'g', CostDigits, 64), 64)
	if err != nil {
		return c
	}
	return r
}

// pow10 are the powers of ten a float64 holds exactly.
var pow10 = [...]float64{1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12,
	1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22}
