package prices

import (
	"fmt"
	"sort"
	"strings"
)

// unit is one entry of the package's unit registry (the "units" object of the vendored file):
// a usage key such as "cache_read_tokens", the price key that prices it ("cache_read_mtok"),
// how many usage units one price is for (per: 1e6 for *_mtok) and its dimensions. A unit whose
// dimensions include all of another's is that unit's descendant: cache_read_tokens
// {direction: input, family: tokens, token_type: cache_read} is a part of input_tokens
// {direction: input, family: tokens}.
type unit struct {
	index     int
	usageKey  string
	priceKey  string
	per       float64
	dims      map[string]string
	direction string
	ancestors []bool // by unit index: the units whose dimensions are a subset of this one's
}

// unitRegistry is the package's unit registry (its dist/index.js class built from the same
// units object), with the lookups calcPrice uses.
type unitRegistry struct {
	units   []*unit
	byUsage map[string]*unit
	byPrice map[string]*unit
	byDims  map[string]*unit
}

// requestsKey is the one unit calcPrice never reads from the usage: a priced call counts 1 request.
const requestsKey = "requests"

func newUnitRegistry(raw map[string]unitJSON) (*unitRegistry, error) {
	keys := make([]string, 0, len(raw))
	for k := range raw {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	r := &unitRegistry{byUsage: map[string]*unit{}, byPrice: map[string]*unit{}, byDims: map[string]*unit{}}
	for i, k := range keys {
		j := raw[k]
		if j.Per <= 0 || len(j.Dimensions) == 0 {
			return nil, fmt.Errorf("unit %q has no positive per or no dimensions", k)
		}
		u := &unit{index: i, usageKey: k, priceKey: j.PriceKey, per: j.Per, dims: j.Dimensions, direction: j.Dimensions["direction"]}
		if u.priceKey == "" {
			u.priceKey = k
		}
		r.units = append(r.units, u)
		r.byUsage[k] = u
		r.byPrice[u.priceKey] = u
		r.byDims[dimsKey(u.dims)] = u
	}
	for _, u := range r.units {
		u.ancestors = make([]bool, len(r.units))
		for _, o := range r.units {
			u.ancestors[o.index] = o != u && subset(o.dims, u.dims)
		}
	}
	return r, nil
}

func dimsKey(d map[string]string) string {
	ks := make([]string, 0, len(d))
	for k, v := range d {
		ks = append(ks, k+"="+v)
	}
	sort.Strings(ks)
	return strings.Join(ks, ",")
}

// subset reports whether every dimension of a is in b with the same value.
func subset(a, b map[string]string) bool {
	for k, v := range a {
		if bv, ok := b[k]; !ok || bv != v {
			return false
		}
	}
	return true
}

// compatible reports whether a and b agree on every dimension they share.
func compatible(a, b *unit) bool {
	for k, v := range a.dims {
		if bv, ok := b.dims[k]; ok && bv != v {
			return false
		}
	}
	return true
}

// related reports whether a and b are the same unit or one is the other's ancestor.
func related(a, b *unit) bool {
	return a == b || b.ancestors[a.index] || a.ancestors[b.index]
}

// join is the registered unit with the union of a's and b's dimensions (nil when the registry
// has none or they disagree on a dimension).
func (r *unitRegistry) join(a, b *unit) *unit {
	if !compatible(a, b) {
		return nil
	}
	d := make(map[string]string, len(a.dims)+len(b.dims))
	for k, v := range a.dims {
		d[k] = v
	}
	for k, v := range b.dims {
		d[k] = v
	}
	return r.byDims[dimsKey(d)]
}
