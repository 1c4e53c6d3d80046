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
	r, err := strconv.ParseFloat(strconv.FormatFloat(c, 'g', CostDigits, 64), 64)
	if err != nil {
		return c
	}
	return r
}
