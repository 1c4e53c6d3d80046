package otelbridge

import (
	"sort"
	"strconv"
	"strings"
)

// spanAttrs indexes one span's attributes for the mapping and records which keys were
// consumed (mapped onto an event field), so the rest can go to metadata.
type spanAttrs struct {
	m        map[string]Value
	used     map[string]struct{}
	prefixes []string // consumed flattened prefixes, e.g. "llm.input_messages."
}

func (a *spanAttrs) reset(src Map) {
	if a.m == nil {
		a.m = make(map[string]Value, 32)
		a.used = make(map[string]struct{}, 32)
	} else {
		clear(a.m)
		clear(a.used)
	}
	a.prefixes = a.prefixes[:0]
	if src != nil {
		src.Range(func(k string, v Value) bool {
			a.m[k] = v
			return true
		})
	}
}

func (a *spanAttrs) has(key string) bool {
	v, ok := a.m[key]
	return ok && v.Kind() != ValueEmpty
}

// get returns the value of key; it does not mark it consumed.
func (a *spanAttrs) get(key string) (Value, bool) {
	v, ok := a.m[key]
	return v, ok && v.Kind() != ValueEmpty
}

// str returns a non-empty scalar as text.
func (a *spanAttrs) str(key string) string {
	if v, ok := a.m[key]; ok {
		return valueString(v)
	}
	return ""
}

// use marks keys consumed.
func (a *spanAttrs) use(keys ...string) {
	for _, k := range keys {
		if _, ok := a.m[k]; ok {
			a.used[k] = struct{}{}
		}
	}
}

// usePrefix marks every key under prefix consumed.
func (a *spanAttrs) usePrefix(prefix string) { a.prefixes = append(a.prefixes, prefix) }

func (a *spanAttrs) isUsed(key string) bool {
	if _, ok := a.used[key]; ok {
		return true
	}
	for _, p := range a.prefixes {
		if strings.HasPrefix(key, p) {
			return true
		}
	}
	return false
}

// firstStr returns the first non-empty string value among keys and the key it came from.
func (a *spanAttrs) firstStr(keys ...string) (string, string) {
	for _, k := range keys {
		if s := a.str(k); s != "" {
			return s, k
		}
	}
	return "", ""
}

// hasIndexed reports whether some key is prefix + a decimal index (flattened arrays).
func (a *spanAttrs) hasIndexed(prefix string) bool {
	for k := range a.m {
		if len(k) > len(prefix) && strings.HasPrefix(k, prefix) && k[len(prefix)] >= '0' && k[len(prefix)] <= '9' {
			return true
		}
	}
	return false
}

// unflatten rebuilds the flattened keys prefix + "{i}.a.b…" (OpenInference llm.input_messages,
// Traceloop gen_ai.prompt, …) into an array of objects, ordered by index. Only keys whose first
// segment is a decimal index are read; at most maxFlatItems items are kept.
func (a *spanAttrs) unflatten(prefix string) jv {
	type entry struct {
		path []string
		v    Value
	}
	var entries []entry
	for k, v := range a.m {
		if len(k) <= len(prefix) || !strings.HasPrefix(k, prefix) {
			continue
		}
		rest := k[len(prefix):]
		if rest[0] < '0' || rest[0] > '9' {
			continue
		}
		entries = append(entries, entry{strings.Split(rest, "."), v})
	}
	root := &flatNode{}
	for _, e := range entries {
		n := root
		for _, seg := range e.path {
			n = n.child(seg)
		}
		n.val = e.v
		n.leaf = true
	}
	return root.toJV(0)
}

const maxFlatItems = 10000

type flatNode struct {
	keys []string
	kids []*flatNode
	val  Value
	leaf bool
}

func (n *flatNode) child(seg string) *flatNode {
	for i, k := range n.keys {
		if k == seg {
			return n.kids[i]
		}
	}
	c := &flatNode{}
	n.keys = append(n.keys, seg)
	n.kids = append(n.kids, c)
	return c
}

func (n *flatNode) toJV(depth int) jv {
	if len(n.keys) == 0 || depth > maxJSONDepth {
		if n.leaf {
			return valueJV(n.val, true, depth)
		}
		return jv{k: 'z'}
	}
	numeric := true
	for _, k := range n.keys {
		if _, err := strconv.Atoi(k); err != nil {
			numeric = false
			break
		}
	}
	idx := make([]int, len(n.keys))
	for i := range idx {
		idx[i] = i
	}
	if numeric {
		sort.Slice(idx, func(x, y int) bool {
			a, _ := strconv.Atoi(n.keys[idx[x]])
			b, _ := strconv.Atoi(n.keys[idx[y]])
			return a < b
		})
		out := jv{k: 'a'}
		for i, j := range idx {
			if i >= maxFlatItems {
				break
			}
			out.vals = append(out.vals, n.kids[j].toJV(depth+1))
		}
		return out
	}
	sort.Slice(idx, func(x, y int) bool { return n.keys[idx[x]] < n.keys[idx[y]] })
	out := jv{k: 'o'}
	for _, j := range idx {
		out.keys = append(out.keys, n.keys[j])
		out.vals = append(out.vals, n.kids[j].toJV(depth+1))
	}
	return out
}
