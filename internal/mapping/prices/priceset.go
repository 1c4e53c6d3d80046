package prices

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"sort"
	"strings"
)

// priceSet is one ModelPrice of the table: prices in USD per unit.per usage units (per million
// tokens for the *_mtok keys), flat or tiered, in the order of the JSON object (calcPrice adds
// them up in that order).
type priceSet struct {
	entries []priceEntry
	// leafOrder lists the entries except requests, most dimensions first, then by usage key:
	// the order calcPrice computes their exclusive ("leaf") usage in.
	leafOrder []int
	// descendants[i] lists the entries whose units are descendants of entries[i]'s unit.
	descendants [][]int
	tiered      bool
	// priced reports whether a Usage can be priced at all: some token class or the request
	// count has a price (a model priced only by audio seconds or pages is not known here).
	priced bool
	// err is why calcPrice throws for every usage of this set (a price without its ancestor's
	// or its join's price); only possible in the vendored table, overrides are refused at load.
	err error
}

type priceEntry struct {
	unit *unit
	flat float64
	tier *tieredPrice // nil for a flat price
}

// tieredPrice is the package's TieredPrices: base applies until the call's total input tokens
// exceed a tier's start, then that tier's price applies (to the whole class, not to the tokens
// above the threshold); tiers sorted by start.
type tieredPrice struct {
	base  float64
	tiers []tier
}

type tier struct {
	start float64
	price float64
}

// parsePriceSet reads a ModelPrice object. Unknown price keys are ignored (with strict=false, as
// calcPrice does) or refused (strict, for overrides).
func parsePriceSet(raw json.RawMessage, reg *unitRegistry, strict bool) (*priceSet, []error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return nil, []error{fmt.Errorf("prices must be an object of price keys (input_mtok, output_mtok, ...) or an array of {constraint, prices}, got %s", clip(raw))}
	}
	ps := &priceSet{}
	var errs []error
	seen := map[string]bool{}
	for dec.More() {
		kt, err := dec.Token()
		if err != nil {
			return nil, []error{fmt.Errorf("prices are not valid JSON: %v", err)}
		}
		key := kt.(string)
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return nil, []error{fmt.Errorf("prices are not valid JSON: %v", err)}
		}
		if string(v) == "null" {
			continue
		}
		u := reg.byPrice[key]
		if u == nil {
			if strict {
				errs = append(errs, fmt.Errorf("%q is not a price key of genai-prices (token prices are input_mtok, output_mtok, cache_read_mtok, cache_write_mtok, input_audio_mtok, ...; all are in the units of data/genai-prices.json)", key))
			}
			continue
		}
		if seen[key] {
			errs = append(errs, fmt.Errorf("price key %q appears twice", key))
			continue
		}
		seen[key] = true
		e := priceEntry{unit: u}
		if f, ok := nonNegative(v); ok {
			e.flat = f
		} else if tp, ok := parseTiered(v); ok {
			e.tier = tp
			ps.tiered = true
		} else {
			errs = append(errs, fmt.Errorf("price %q is %s; a price is a non-negative number of USD per %s or {\"base\": n, \"tiers\": [{\"start\": input tokens, \"price\": n}]}", key, clip(v), perName(u)))
			continue
		}
		ps.entries = append(ps.entries, e)
	}
	if len(errs) > 0 {
		return nil, errs
	}
	ps.prepare(reg)
	return ps, nil
}

func perName(u *unit) string {
	switch {
	case u.per == 1e6 && strings.HasSuffix(u.usageKey, "_tokens"):
		return "million tokens"
	case u.per == 1e3:
		return "thousand " + strings.ReplaceAll(u.usageKey, "_", " ")
	}
	return fmt.Sprintf("%g %s", u.per, strings.ReplaceAll(u.usageKey, "_", " "))
}

func nonNegative(v json.RawMessage) (float64, bool) {
	var n json.Number
	if len(v) == 0 || v[0] == '"' || json.Unmarshal(v, &n) != nil {
		return 0, false
	}
	f, err := n.Float64()
	return f, err == nil && f >= 0 && !math.IsInf(f, 0)
}

func parseTiered(v json.RawMessage) (*tieredPrice, bool) {
	var raw struct {
		Base  json.RawMessage `json:"base"`
		Tiers []struct {
			Start json.RawMessage `json:"start"`
			Price json.RawMessage `json:"price"`
		} `json:"tiers"`
	}
	if err := json.Unmarshal(v, &raw); err != nil || raw.Base == nil || raw.Tiers == nil {
		return nil, false
	}
	base, ok := nonNegative(raw.Base)
	if !ok {
		return nil, false
	}
	tp := &tieredPrice{base: base}
	for _, t := range raw.Tiers {
		start, ok1 := nonNegative(t.Start)
		price, ok2 := nonNegative(t.Price)
		if !ok1 || !ok2 || start != math.Trunc(start) || start > 1<<53-1 {
			return nil, false
		}
		tp.tiers = append(tp.tiers, tier{start: start, price: price})
	}
	sort.SliceStable(tp.tiers, func(i, j int) bool { return tp.tiers[i].start < tp.tiers[j].start })
	return tp, true
}

// prepare precomputes the leaf order and descendants, and checks what calcPrice checks before
// pricing: every priced unit's ancestors are priced, and two compatible priced units have their
// join priced (so no usage is left between two classes).
func (ps *priceSet) prepare(reg *unitRegistry) {
	priced := map[string]bool{}
	for _, e := range ps.entries {
		priced[e.unit.priceKey] = true
		if e.unit.dims["family"] == "tokens" || e.unit.usageKey == requestsKey {
			ps.priced = true
		}
	}
	for _, e := range ps.entries {
		for _, a := range reg.units {
			if e.unit.ancestors[a.index] && !priced[a.priceKey] {
				ps.err = fmt.Errorf("price %q needs the price of its ancestor %q as well", e.unit.priceKey, a.priceKey)
				return
			}
		}
	}
	for i := range ps.entries {
		for j := i + 1; j < len(ps.entries); j++ {
			a, b := ps.entries[i].unit, ps.entries[j].unit
			if !compatible(a, b) {
				continue
			}
			m := reg.join(a, b)
			if m == nil {
				ps.err = fmt.Errorf("prices %q and %q overlap in a class genai-prices has no unit for", a.priceKey, b.priceKey)
				return
			}
			if !priced[m.priceKey] {
				ps.err = fmt.Errorf("prices %q and %q overlap: the price %q of their overlap is needed as well", a.priceKey, b.priceKey, m.priceKey)
				return
			}
		}
	}
	for i, e := range ps.entries {
		if e.unit.usageKey != requestsKey {
			ps.leafOrder = append(ps.leafOrder, i)
		}
	}
	sort.SliceStable(ps.leafOrder, func(i, j int) bool {
		a, b := ps.entries[ps.leafOrder[i]].unit, ps.entries[ps.leafOrder[j]].unit
		if len(a.dims) != len(b.dims) {
			return len(a.dims) > len(b.dims)
		}
		return a.usageKey < b.usageKey
	})
	ps.descendants = make([][]int, len(ps.entries))
	for i, e := range ps.entries {
		for j, d := range ps.entries {
			if i != j && e.unit.usageKey != requestsKey && d.unit.usageKey != requestsKey && subset(e.unit.dims, d.unit.dims) {
				ps.descendants[i] = append(ps.descendants[i], j)
			}
		}
	}
}
