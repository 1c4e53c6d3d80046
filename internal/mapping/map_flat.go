package mapping

import (
	"cmp"
	"slices"
	"strconv"
	"strings"
)

// Flattened arrays: OpenInference (llm.input_messages.{i}.message.role, llm.tools.{i}.…)
// and Traceloop (gen_ai.prompt.{i}.content, …) write a list of objects as one attribute
// per leaf, the path in the key. unflatten rebuilds the list as a tree.

// unflatten rebuilds the flattened keys prefix + "{i}.a.b…" (OpenInference llm.input_messages,
// Traceloop gen_ai.prompt, …) into an array of objects, ordered by index. Only keys whose first
// segment is a decimal index are read; at most maxFlatItems items are kept.
//
// The path is the rest of the key split at every '.' (empty segments included); the last
// attribute of a path gives its value (strings that look like JSON parsed, valueJV). A node
// whose children are all integers (strconv.Atoi) becomes an array ordered by their value
// (equal values: in attribute order), any other node with children an object with its keys
// in byte order, a leaf its value, and a node deeper than maxJSONDepth its value or null.
// The tree's containers share two exact-size arrays (members, names): reserved in p's slabs
// (the tree then lives as long as p's other trees), or of their own when p is nil; so do the
// trees of the JSON strings among the leaves.
func (a *spanAttrs) unflatten(prefix string, p *jsonParser) jv {
	f := &a.flat
	f.nodes = append(f.nodes[:0], flatNode{first: -1, last: -1, next: -1})
	for i := range a.e {
		k := a.e[i].k
		if len(k) <= len(prefix) || !strings.HasPrefix(k, prefix) {
			continue
		}
		rest := k[len(prefix):]
		if rest[0] < '0' || rest[0] > '9' {
			continue
		}
		n := int32(0)
		for {
			seg, tail, more := strings.Cut(rest, ".")
			n = f.child(n, seg)
			if !more {
				break
			}
			rest = tail
		}
		f.nodes[n].val, f.nodes[n].leaf = a.e[i].v, true
	}
	// Every node but the root is at most one member of its parent.
	m := len(f.nodes) - 1
	if p != nil {
		f.vs, f.ks = reserve(&p.vslab, m)[:0], reserve(&p.kslab, m)[:0]
	} else {
		f.vs, f.ks = make([]jv, 0, m), make([]string, 0, m)
	}
	f.p = p
	out := f.toJV(0, 0)
	clear(f.nodes) // drop the references to the span's values
	clear(f.order)
	f.nodes, f.order, f.vs, f.ks, f.p = f.nodes[:0], f.order[:0], nil, nil, nil
	return out
}

// unflatten is spanAttrs.unflatten with the tree in the span's arena (treeArena): valid
// while the span's event is built.
func (c *spanCtx) unflatten(prefix string) jv { return c.a.unflatten(prefix, &c.arena().p) }

const maxFlatItems = 10000

// flatScratch is unflatten's scratch, kept with the pooled spanAttrs: the nodes of the
// tree being rebuilt, the children being ordered, and the arrays the result is carved from.
type flatScratch struct {
	nodes []flatNode
	order []flatKid
	vs    []jv
	ks    []string
	p     *jsonParser // where the JSON strings among the leaves are parsed (nil: parseJSON)
}

// flatNode is one path segment. Its children are a list in first-seen order: first and
// last child, next sibling (indices into flatScratch.nodes, -1 for none).
type flatNode struct {
	seg               string
	val               Value
	leaf              bool
	first, last, next int32
	kids              int32
}

// flatKid is a child being ordered: its node and, in an array, its index.
type flatKid struct {
	node int32
	num  int
}

// child returns the child of node n named seg, added when new. Keys come grouped by
// item, so the last child added is tried first.
func (f *flatScratch) child(n int32, seg string) int32 {
	p := &f.nodes[n]
	if p.last >= 0 && f.nodes[p.last].seg == seg {
		return p.last
	}
	for c := p.first; c >= 0; c = f.nodes[c].next {
		if f.nodes[c].seg == seg {
			return c
		}
	}
	c := int32(len(f.nodes))
	f.nodes = append(f.nodes, flatNode{seg: seg, first: -1, last: -1, next: -1})
	p = &f.nodes[n] // the append may have moved the nodes
	if p.last >= 0 {
		f.nodes[p.last].next = c
	} else {
		p.first = c
	}
	p.last = c
	p.kids++
	return c
}

// toJV returns node n as JSON (unflatten).
func (f *flatScratch) toJV(n int32, depth int) jv {
	p := f.nodes[n]
	if p.kids == 0 || depth > maxJSONDepth {
		if p.leaf {
			if s := p.val.Str(); f.p != nil && p.val.Kind() == ValueStr && looksLikeJSON(s) {
				if j, ok := f.p.parse(s); ok {
					return j
				}
			}
			return valueJV(p.val, true, depth)
		}
		return jv{k: 'z'}
	}
	// The children in first-seen order, in this call's window of f.order (the calls for
	// the children use the part after it).
	l := len(f.order)
	numeric := true
	for c := p.first; c >= 0; c = f.nodes[c].next {
		num, ok := atoi(f.nodes[c].seg)
		numeric = numeric && ok
		f.order = append(f.order, flatKid{node: c, num: num})
	}
	kids := f.order[l:len(f.order):len(f.order)]
	var out jv
	if numeric {
		slices.SortStableFunc(kids, func(x, y flatKid) int { return cmp.Compare(x.num, y.num) })
		kids = kids[:min(len(kids), maxFlatItems)]
		out = jv{k: 'a'}
	} else {
		slices.SortFunc(kids, func(x, y flatKid) int { return strings.Compare(f.nodes[x.node].seg, f.nodes[y.node].seg) })
		out = jv{k: 'o'}
		lk := len(f.ks)
		for _, c := range kids {
			f.ks = append(f.ks, f.nodes[c.node].seg)
		}
		out.keys = f.ks[lk:len(f.ks):len(f.ks)]
	}
	lv := len(f.vs)
	f.vs = f.vs[:lv+len(kids)] // within capacity: one slot per node
	out.vals = f.vs[lv : lv+len(kids) : lv+len(kids)]
	for i, c := range kids {
		out.vals[i] = f.toJV(c.node, depth+1)
	}
	f.order = f.order[:l]
	return out
}

// atoi is strconv.Atoi without the error value (which allocates): segments that are not
// numbers are common (object keys).
func atoi(s string) (int, bool) {
	if n, ok := smallUint(s); ok {
		return n, true
	}
	if s == "" || s[0] != '+' && s[0] != '-' && (s[0] < '0' || s[0] > '9') {
		return 0, false
	}
	n, err := strconv.Atoi(s)
	return n, err == nil
}

// smallUint reads s when it is 1 to 18 decimal digits (no sign, so no overflow).
func smallUint(s string) (int, bool) {
	if len(s) == 0 || len(s) > 18 {
		return 0, false
	}
	n := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, true
}
