package devserver

import (
	"bytes"
	"encoding/json"
	"strconv"
	"strings"

	"github.com/llmtrace/llmtrace/platform"
)

// roundCost rounds a cost in USD as the mapping does (platform.RoundCostUSD: CostDigits
// significant digits).
func roundCost(c float64) float64 { return platform.RoundCostUSD(c) }

// formatUSD renders a cost in USD for the page: rounded to platform.CostDigits significant digits,
// in plain decimal notation without trailing zeros ("$0.0000165", "$1.25", "$12").
func formatUSD(c float64) string {
	return "$" + strconv.FormatFloat(roundCost(c), 'f', -1, 64)
}

// roundEventCost returns a stored event's JSON with the costs in USD rounded to platform.CostDigits
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
		if r == f { // already at most platform.CostDigits digits: keep its text
			return nil, false
		}
		b, err := json.Marshal(r)
		return b, err == nil
	})
	return out, err == nil
}

func isObject(v json.RawMessage) bool { return len(v) > 0 && v[0] == '{' }
