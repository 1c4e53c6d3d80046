package devserver

import (
	"bytes"
	"encoding/json"
	"math"
	"strconv"
	"strings"
)

// costDigits is how many significant digits a cost in USD keeps on the wire (the read
// API) and on the page. Prices are per million tokens with at most a few digits, so ten
// keep every real cost exactly while dropping float noise such as the
// 0.000016499999999999998 that 42 × 0.15e-6 + 17 × 0.6e-6 gives in float64.
const costDigits = 10

// roundCost rounds a cost in USD to costDigits significant digits (0, NaN and ±Inf as
// they are).
func roundCost(c float64) float64 {
	if c == 0 || math.IsNaN(c) || math.IsInf(c, 0) {
		return c
	}
	r, err := strconv.ParseFloat(strconv.FormatFloat(c, 'g', costDigits, 64), 64)
	if err != nil {
		return c
	}
	return r
}

// formatUSD renders a cost in USD for the page: rounded to costDigits significant digits,
// in plain decimal notation without trailing zeros ("$0.0000165", "$1.25", "$12").
func formatUSD(c float64) string {
	return "$" + strconv.FormatFloat(roundCost(c), 'f', -1, 64)
}

// roundEventCost returns a stored event's JSON with usage.cost_usd rounded to costDigits
// significant digits; everything else, and an event whose cost needs no rounding, is
// returned byte for byte. Stored events keep the cost as received (Server.Events returns
// it); only the read API's copy is rounded.
func roundEventCost(raw json.RawMessage) json.RawMessage {
	if !bytes.Contains(raw, []byte(`"cost_usd"`)) {
		return raw
	}
	out, err := rewriteMembers(raw, func(key string, val json.RawMessage) (json.RawMessage, bool) {
		if !strings.EqualFold(key, "usage") || len(val) == 0 || val[0] != '{' {
			return nil, false
		}
		nu, err := rewriteMembers(val, func(k string, v json.RawMessage) (json.RawMessage, bool) {
			if !strings.EqualFold(k, "cost_usd") {
				return nil, false
			}
			f, err := strconv.ParseFloat(string(v), 64)
			if err != nil {
				return nil, false
			}
			r := roundCost(f)
			if r == f { // already at most costDigits digits: keep its text
				return nil, false
			}
			b, err := json.Marshal(r)
			return b, err == nil
		})
		return nu, err == nil
	})
	if err != nil {
		return raw
	}
	return out
}
