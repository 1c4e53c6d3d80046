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

// roundEventCost returns a stored event's JSON with the costs in USD rounded to costDigits
// significant digits: usage.cost_usd, and the cost_usd of the usage objects the mapping
// keeps in metadata (usage_rollup, usage_reported: internal/mapping/mapper.go
// fillMetadata). Everything else, and an event whose costs need no rounding, is returned
// byte for byte; input and output are never touched. Stored events keep the costs as
// received (Server.Events returns them); only the read API's copy is rounded.
func roundEventCost(raw json.RawMessage) json.RawMessage {
	if !bytes.Contains(raw, []byte(`"cost_usd"`)) {
		return raw
	}
	out, err := rewriteMembers(raw, func(key string, val json.RawMessage) (json.RawMessage, bool) {
		switch {
		case strings.EqualFold(key, "usage"):
			return roundCostMember(val)
		case strings.EqualFold(key, "metadata") && isObject(val):
			nm, err := rewriteMembers(val, func(_ string, v json.RawMessage) (json.RawMessage, bool) {
				return roundCostMember(v)
			})
			return nm, err == nil
		}
		return nil, false
	})
	if err != nil {
		return raw
	}
	return out
}

// roundCostMember rewrites the cost_usd member of a usage object; false when obj is not an
// object or has no cost to round.
func roundCostMember(obj json.RawMessage) (json.RawMessage, bool) {
	if !isObject(obj) || !bytes.Contains(obj, []byte(`"cost_usd"`)) {
		return nil, false
	}
	out, err := rewriteMembers(obj, func(k string, v json.RawMessage) (json.RawMessage, bool) {
		if k != "cost_usd" {
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
	return out, err == nil
}

func isObject(v json.RawMessage) bool { return len(v) > 0 && v[0] == '{' }
