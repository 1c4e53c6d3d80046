package mapping

import (
	"bytes"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"testing"
)

// unflattenOracle is unflatten as it was at 086c3fa (map_attrs.go, before map_flat.go), ties
// between equal indices ("1", "01") kept in attribute order as unflatten documents: it rebuilds the flattened keys prefix + "{i}.a.b…" (OpenInference llm.input_messages,
// Traceloop gen_ai.prompt, …) into an array of objects, ordered by index. Only keys whose first
// segment is a decimal index are read; at most maxFlatItems items are kept.
func unflattenOracle(a *spanAttrs, prefix string) jv {
	type entry struct {
		path []string
		v    Value
	}
	var entries []entry
	for i := range a.e {
		k, v := a.e[i].k, a.e[i].v
		if len(k) <= len(prefix) || !strings.HasPrefix(k, prefix) {
			continue
		}
		rest := k[len(prefix):]
		if rest[0] < '0' || rest[0] > '9' {
			continue
		}
		entries = append(entries, entry{strings.Split(rest, "."), v})
	}
	root := &oracleNode{}
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

type oracleNode struct {
	keys []string
	kids []*oracleNode
	val  Value
	leaf bool
}

func (n *oracleNode) child(seg string) *oracleNode {
	for i, k := range n.keys {
		if k == seg {
			return n.kids[i]
		}
	}
	c := &oracleNode{}
	n.keys = append(n.keys, seg)
	n.kids = append(n.kids, c)
	return c
}

func (n *oracleNode) toJV(depth int) jv {
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
		sort.SliceStable(idx, func(x, y int) bool {
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

// unflattenBoth returns unflatten's and the oracle's tree of attrs under prefix, and
// fails t when they differ (as written JSON or as trees).
func unflattenBoth(t testing.TB, attrs kvs, prefix string) jv {
	t.Helper()
	a := &spanAttrs{}
	a.reset(attrs)
	got := a.unflatten(prefix, nil)
	want := unflattenOracle(a, prefix)
	if gb, wb := appendJV(nil, &got), appendJV(nil, &want); !bytes.Equal(gb, wb) {
		t.Fatalf("unflatten(%q) of %v:\n got %s\nwant %s", prefix, attrs, gb, wb)
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("unflatten(%q) of %v: trees differ:\n got %#v\nwant %#v", prefix, attrs, got, want)
	}
	// In a parser's slabs (the span's arena, spanCtx.unflatten), after a tree parsed there
	// before: the same tree, and the earlier tree untouched.
	var p jsonParser
	before, _ := p.parse(`{"a":[1,{"b":"c"}],"d":"e"}`)
	inSlabs := a.unflatten(prefix, &p)
	if !reflect.DeepEqual(inSlabs, want) {
		t.Fatalf("unflatten(%q, parser) of %v: trees differ:\n got %#v\nwant %#v", prefix, attrs, inSlabs, want)
	}
	if b := appendJV(nil, &before); string(b) != `{"a":[1,{"b":"c"}],"d":"e"}` {
		t.Fatalf("unflatten(%q, parser) of %v wrote over the tree parsed before: %s", prefix, attrs, b)
	}
	// The scratch is left empty: no reference to the span's values.
	if len(a.flat.nodes) != 0 || len(a.flat.order) != 0 || a.flat.vs != nil || a.flat.ks != nil {
		t.Fatalf("scratch kept: %d nodes, %d order", len(a.flat.nodes), len(a.flat.order))
	}
	for _, n := range a.flat.nodes[:cap(a.flat.nodes)] {
		if n.val != (Value{}) || n.seg != "" {
			t.Fatalf("scratch node not cleared: %#v", n)
		}
	}
	return got
}

func TestUnflattenAgainstOracle(t *testing.T) {
	oi := "llm.input_messages."
	cases := []kvs{
		{str(oi+"0.message.role", "system"), str(oi+"0.message.content", "be brief"),
			str(oi+"1.message.role", "user"), str(oi+"1.message.content", "hi"),
			str(oi+"2.message.role", "assistant"), str(oi+"2.message.tool_calls.0.tool_call.id", "call_1"),
			str(oi+"2.message.tool_calls.0.tool_call.function.name", "get_weather"),
			str(oi+"2.message.tool_calls.0.tool_call.function.arguments", `{"city":"Paris"}`),
			str(oi+"3.message.contents.0.message_content.type", "text"), str(oi+"3.message.contents.0.message_content.text", "ok")},
		// indices out of order and past 9: ordered by value
		{str(oi+"10.message.content", "ten"), str(oi+"2.message.content", "two"), str(oi+"1.message.content", "one")},
		// a path set twice (the last wins), a leaf that also has children (the children win),
		// empty segments, keys that are not under an index, a JSON-looking value
		{str(oi+"0.message.content", "a"), str(oi+"0.message.content", "b"), str(oi+"0.x", "leaf"), str(oi+"0.x.y", "kid"),
			str(oi+"0..z", "empty"), str(oi+"0.", "trailing"), str(oi+"role", "skipped"), str("other.0.k", "skipped"),
			str(oi+"1.message.content", `[{"type":"text","text":"json"}]`), num(oi+"1.message.n", 7)},
		// numbers with signs and leading zeros: equal values keep attribute order
		{str(oi+"0.k.-1", "minus"), str(oi+"0.k.+2", "plus"), str(oi+"0.k.01", "zero-one"), str(oi+"0.k.1", "one"), str(oi+"0.k.3", "three")},
		// mixed numeric and named children: an object in byte order
		{str(oi+"0.b", "b"), str(oi+"0.1", "1"), str(oi+"0.a", "a"), str(oi+"0.99999999999999999999", "huge")},
		// nothing under the prefix
		{str("llm.output_messages.0.message.content", "x")},
	}
	for _, c := range cases {
		unflattenBoth(t, c, oi)
	}
	// deeper than maxJSONDepth
	deep := oi + "0" + strings.Repeat(".a", maxJSONDepth+3)
	unflattenBoth(t, kvs{str(deep, "deep"), str(oi+"0.b", "b")}, oi)
	// more items than maxFlatItems
	var many kvs
	for i := maxFlatItems + 5; i >= 0; i-- {
		many = append(many, str(oi+strconv.Itoa(i)+".message.content", "m"))
	}
	if got := unflattenBoth(t, many, oi); len(got.vals) != maxFlatItems {
		t.Fatalf("%d items, want %d", len(got.vals), maxFlatItems)
	}
}

// FuzzUnflatten builds flattened keys from fuzzed segments and values and checks unflatten
// against the oracle.
func FuzzUnflatten(f *testing.F) {
	f.Add([]byte("0.message.role=user;0.message.content=hi;1.message.role=assistant"))
	f.Add([]byte("2.a=x;10.a=y;1.b.0=z;1.b.1=w;01.c=v;0..=e;0.=t"))
	f.Add([]byte(`0.message.content=[{"type":"text"}];0.message.tool_calls.0.tool_call.function.arguments={"a":1}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		var attrs kvs
		for _, pair := range bytes.Split(data, []byte(";")) {
			k, v, _ := bytes.Cut(pair, []byte("="))
			attrs = append(attrs, str("p."+string(k), string(v)))
			if len(attrs) > 64 {
				break
			}
		}
		unflattenBoth(t, attrs, "p.")
	})
}
