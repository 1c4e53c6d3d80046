package mapping

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/llmtrace/llmtrace/platform"
)

// The metadata builder appends entries from several sources and sorts once (finish): a
// later source wins a key, as assigning into a map did — base metadata < resource < span
// attributes < the mapping's computed values — and the result is sorted with each key once.
func TestMetadataLaterSourceWins(t *testing.T) {
	base := platform.MetadataFromMap(map[string]any{"dup": "base", "base.only": "b", "zz": "base"})
	s := newSpan(1, 0, "work", str("dup", "span"), str("otel.span_kind", "from an attribute"), str("aa", "span"))
	s.res = kvs{{"zz", StrValue("resource")}, {"dup", StrValue("resource")}, {"res.only", StrValue("r")}}
	ev := mapOne(t, MapOptions{Metadata: base}, s)[0]
	want := map[string]any{"dup": "span", "base.only": "b", "zz": "resource", "res.only": "r", "aa": "span",
		"otel.span_kind": spanKindBoxed(s.kind)} // computed, over the attribute
	for k, v := range want {
		if got := ev.Metadata.Get(k); got != v {
			t.Errorf("metadata %s = %v, want %v", k, got, v)
		}
	}
	checkSortedMetadata(t, "event", ev.Metadata)
	// The base metadata is the Mapper's: the mapping never writes into it.
	if base.Get("dup") != "base" || len(base) != 3 {
		t.Errorf("base metadata changed: %v", base)
	}
}

// TestMetadataKeyLimit: beyond maxMetaKeys distinct keys a new key is dropped (counted in
// metadata_dropped_keys) while a key already held still takes the later value, as the map
// did. Before the attributes: the resource's two keys and otel.scope.name.
func TestMetadataKeyLimit(t *testing.T) {
	const n = 600
	attrs := make([]kv, n)
	for i := range attrs {
		attrs[i] = str(fmt.Sprintf("a%03d", i), fmt.Sprintf("span-%d", i))
	}
	s := newSpan(1, 0, "work", attrs...)
	s.res = kvs{{"a550", StrValue("resource")}, {"r", StrValue("x")}}
	md := mapOne(t, MapOptions{}, s)[0].Metadata
	checkSortedMetadata(t, "event", md)
	newKeys := maxMetaKeys - 3 // a000 … a508
	if got, want := md.Get("metadata_dropped_keys"), n-newKeys-1; got != want {
		t.Errorf("metadata_dropped_keys %v, want %d", got, want)
	}
	for i := range n {
		k := fmt.Sprintf("a%03d", i)
		v, ok := md.Lookup(k)
		switch {
		case i < newKeys || i == 550:
			if v != fmt.Sprintf("span-%d", i) {
				t.Errorf("%s = %v (%v), want the span's value", k, v, ok)
			}
		case ok:
			t.Errorf("%s kept beyond the key limit", k)
		}
	}
}

// checkSortedMetadata fails unless md's keys strictly increase (sorted, each once): what
// every event the mapping builds holds (platform.Metadata's invariant), which the encoder
// relies on to write it without sorting.
func checkSortedMetadata(t interface{ Fatal(...any) }, what string, md platform.Metadata) {
	for i := 1; i < len(md); i++ {
		if md[i-1].Key >= md[i].Key {
			t.Fatal(fmt.Sprintf("%s: metadata not sorted at %d: %q then %q", what, i, md[i-1].Key, md[i].Key))
		}
	}
	for _, e := range md {
		if nested, ok := e.Value.(platform.Metadata); ok {
			checkSortedMetadata(t, what+" "+e.Key, nested)
		}
	}
}

// MapOptions.Metadata built by hand, out of order and with a key repeated: every event's
// metadata is sorted, the base's last value of the key kept.
func TestMetadataBaseUnsorted(t *testing.T) {
	base := platform.Metadata{{Key: "zz", Value: "first"}, {Key: "b", Value: 1}, {Key: "zz", Value: "last"}}
	evs := mapOne(t, MapOptions{Metadata: base}, newSpan(1, 0, "work"), newSpan(2, 1, "child"))
	for _, ev := range evs {
		if ev.Metadata.Get("zz") != "last" || ev.Metadata.Get("b") != 1 {
			t.Errorf("%s: metadata %v", ev.Name, ev.Metadata)
		}
	}
	if base[0].Value != "first" || len(base) != 3 {
		t.Errorf("base metadata changed: %v", base)
	}
}

// TestMetadataFinishOrder checks finish's sort (metadata.sortOrder, on 16-byte key words
// and whole keys on a tie) against a map assigned entry by entry, sorted with the strings
// package: keys that differ past sixteen bytes, by length, by NUL bytes (the words' padding),
// duplicated keys (the last wins), entries in runs and out of order, up to 300 entries.
func TestMetadataFinishOrder(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	pool := []string{"", "a", "a\x00", "ab", "gen_ai.request.model", "gen_ai.request.max_tokens",
		"gen_ai.request.model\x00", "gen_ai.request.m", "gen_ai.request.", "gen_ai.response.id",
		"gen_ai.response.finish_reasons", "otel.span_id", "otel.span_kind", "otel.scope.name",
		"kind", "conversation_id", "zzzzzzzzzzzzzzzzzz", "zzzzzzzzzzzzzzzz", "zzzzzzzzzzzzzzzz\xff"}
	for i := range 40 {
		pool = append(pool, fmt.Sprintf("k%03d.%s", r.IntN(1000), strings.Repeat("x", i%20)))
	}
	sorted := slices.Sorted(slices.Values(pool))
	c := &spanCtx{opts: &MapOptions{}}
	for range 500 {
		n := r.IntN(300)
		if r.IntN(2) == 0 {
			n = r.IntN(30)
		}
		md := c.newMetadata(nil)
		want := map[string]any{}
		for i := 0; i < n; {
			if r.IntN(2) == 0 { // a run: keys in order, as the leftovers and computed values come
				for j := r.IntN(len(sorted)); j < len(sorted) && i < n && r.IntN(8) != 0; j++ {
					md.set(sorted[j], i)
					want[sorted[j]] = i
					i++
				}
				continue
			}
			k := pool[r.IntN(len(pool))]
			md.set(k, i)
			want[k] = i
			i++
		}
		got := md.finish()
		checkSortedMetadata(t, "finish", got)
		if len(got) != len(want) {
			t.Fatalf("%d entries, want %d", len(got), len(want))
		}
		for _, e := range got {
			if want[e.Key] != e.Value {
				t.Fatalf("%q = %v, want %v (the last)", e.Key, e.Value, want[e.Key])
			}
		}
		c.md.reset()
	}
}

// countedResource is a resource view of one comparable type (a pointer, as the SDK
// adapter's) that counts how often it is read.
type countedResource struct {
	kvs
	ranges int
}

func (r *countedResource) Range(fn func(string, Value) bool) { r.ranges++; r.kvs.Range(fn) }

type sharedResourceSpan struct {
	*testSpan
	res *countedResource
}

func (s sharedResourceSpan) Resource() Map { return s.res }

// TestMetadataResourceCached: the spans of one resource view in a Map call read it once
// (metadata.resource), structured values included, and their metadata is what reading it
// for each span gives, also for the spans of the next resource (scalars where the first had
// structured values); a structured value's JSON is each event's own copy, in its trace's
// slab (an event kept by internal/tracestate holds no other trace's memory).
func TestMetadataResourceCached(t *testing.T) {
	res := kvs{str("service.name", "svc"), num("pid", 4242), kv{"process.command_args", ListValue(vlist{StrValue("python"), StrValue("app.py")})},
		kv{"host.tags", MapValue(kvs{str("b", "2"), str("a", "1")})}, kv{"ratio", DoubleValue(0.25)}}
	res2 := kvs{str("service.name", "svc2"), num("pid", 7), str("process.command_args", "node"), str("host.tags", "x")}
	spans := func() []*testSpan {
		a, b, c, d, e := newSpan(1, 0, "a"), newSpan(2, 1, "b"), newSpan(3, 0, "c"), newSpan(4, 0, "d"), newSpan(5, 4, "e")
		c.trace[0] = 9 // another trace
		d.trace[0], e.trace[0] = 10, 10
		for _, s := range []*testSpan{a, b, c} {
			s.res = res
		}
		d.res, e.res = res2, res2
		return []*testSpan{a, b, c, d, e}
	}
	want := mapOne(t, MapOptions{}, spans()...) // kvs: not comparable, read for each span
	shared, shared2 := &countedResource{kvs: res}, &countedResource{kvs: res2}
	var views []SpanView
	for i, s := range spans() {
		if i < 3 {
			views = append(views, sharedResourceSpan{s, shared})
		} else {
			views = append(views, sharedResourceSpan{s, shared2})
		}
	}
	got := NewMapper(MapOptions{}).Map(views)
	if shared.ranges != 1 || shared2.ranges != 1 {
		t.Errorf("the resources were read %d and %d times for 3 and 2 spans, want once", shared.ranges, shared2.ranges)
	}
	if len(got) != len(want) {
		t.Fatalf("%d events, want %d", len(got), len(want))
	}
	var raws [][]byte
	for i := range got {
		checkSortedMetadata(t, "event", got[i].Metadata)
		g, w := fmt.Sprint(got[i].Metadata), fmt.Sprint(want[i].Metadata)
		if g != w {
			t.Errorf("event %d metadata\n%s\nwant\n%s", i, g, w)
		}
		if i >= 3 {
			continue
		}
		raw, _ := got[i].Metadata.Get("process.command_args").(json.RawMessage)
		if string(raw) != `["python","app.py"]` {
			t.Errorf("event %d process.command_args %s", i, raw)
		}
		raws = append(raws, raw)
	}
	for i := range raws {
		for j := range i {
			if &raws[i][0] == &raws[j][0] {
				t.Errorf("events %d and %d share their structured resource value", j, i)
			}
		}
	}
}
