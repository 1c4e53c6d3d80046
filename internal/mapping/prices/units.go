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
	index      int
	compatible []bool // by unit index: the units that agree with this one on every shared dimension
	usageKey   string
	priceKey   string
	per        float64
	dims       map[string]string
	direction  string
	ancestors  []bool // by unit index: the units whose dimensions are a subset of this one's
}

// unitRegistry is the package's unit registry (its dist/index.js class built from the same
// units object), with the lookups calcPrice uses.
type unitRegistry struct {
	units   []*unit
	byUsage map[string]*unit
	byPrice map[string]*unit
	byDims  map[string]*unit
	joins   [][]*unit             // joins[a][b]: the unit with the union of a's and b's dimensions, or nil
	fields  [len(usageKeys)]*unit // the units of the Usage fields
	input   *unit                 // input_tokens: the count tiers are on
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
	for i, k := range usageKeys {
		if r.fields[i] = r.byUsage[k]; r.fields[i] == nil {
			return nil, fmt.Errorf("the unit registry has no usage key %q", k)
		}
	}
	r.input = r.byUsage["input_tokens"]
	r.joins = make([][]*unit, len(r.units))
	for _, a := range r.units {
		r.joins[a.index] = make([]*unit, len(r.units))
		a.compatible = make([]bool, len(r.units))
		for _, b := range r.units {
			a.compatible[b.index] = agree(a, b)
			r.joins[a.index][b.index] = r.computeJoin(a, b)
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
func compatible(a, b *unit) bool { return a.compatible[b.index] }

func agree(a, b *unit) bool {
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
func (r *unitRegistry) join(a, b *unit) *unit { return r.joins[a.index][b.index] }

func (r *unitRegistry) computeJoin(a, b *unit) *unit {
	if !agree(a, b) {
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
