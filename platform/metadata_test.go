package platform_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"

	"github.com/llmtrace/llmtrace/platform"
)

// strictlySorted reports whether md's keys strictly increase, checked here apart from the
// package's own check.
func strictlySorted(md platform.Metadata) bool {
	keys := make([]string, len(md))
	for i, e := range md {
		keys[i] = e.Key
	}
	return slices.IsSorted(keys) && len(slices.Compact(slices.Clone(keys))) == len(keys)
}

// TestMetadataSetDeleteOrder applies random Set and Delete calls to a Metadata and to a
// map: after each, the Metadata is strictly sorted by key and holds what the map holds.
func TestMetadataSetDeleteOrder(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	keys := []string{"", "a", "a\x00", "ab", "abcdefgh", "abcdefgh\x00", "abcdefghi", "b", "gen_ai.x", "gen_ai.y",
		"otel.span_id", "otel.span_kind", "é", "\xff"}
	for round := range 50 {
		var md platform.Metadata
		ref := map[string]any{}
		for op := range 60 {
			k := keys[r.IntN(len(keys))]
			if r.IntN(3) == 0 {
				md.Delete(k)
				delete(ref, k)
			} else {
				md.Set(k, op)
				ref[k] = op
			}
			if !strictlySorted(md) || !maps.Equal(md.Map(), ref) {
				t.Fatalf("round %d op %d: %v, want the entries of %v in key order", round, op, md, ref)
			}
			for _, k := range keys {
				v, ok := md.Lookup(k)
				rv, rok := ref[k]
				if ok != rok || v != rv || md.Get(k) != rv {
					t.Fatalf("round %d op %d: Lookup(%q) = %v, %v; want %v, %v", round, op, k, v, ok, rv, rok)
				}
			}
		}
	}
}

// TestMetadataHandBuilt: a Metadata built by append, out of order and with a key
// repeated, reads, normalizes and encodes as the map assigned entry by entry: the last
// value of a key wins.
func TestMetadataHandBuilt(t *testing.T) {
	md := platform.Metadata{{"b", 1}, {"a", 2}, {"c", 3}, {"a", 4}, {"b", 5}, {"", 6}}
	want := map[string]any{"a": 4, "b": 5, "c": 3, "": 6}
	for k, v := range want {
		if got := md.Get(k); got != v {
			t.Errorf("Get(%q) = %v, want %v", k, got, v)
		}
	}
	got, err := json.Marshal(md)
	wantJSON, _ := json.Marshal(want)
	if err != nil || string(got) != string(wantJSON) {
		t.Errorf("MarshalJSON %s (%v), want %s", got, err, wantJSON)
	}
	if md[0].Key != "b" || md[1].Key != "a" {
		t.Errorf("MarshalJSON changed the value it encoded: %v", md)
	}
	n := md.Clone()
	n.Normalize()
	if w := (platform.Metadata{{"", 6}, {"a", 4}, {"b", 5}, {"c", 3}}); !reflect.DeepEqual(n, w) {
		t.Errorf("Normalize: %v, want %v", n, w)
	}
	// Set and Delete normalize first.
	s := md.Clone()
	s.Set("d", 7)
	if w := (platform.Metadata{{"", 6}, {"a", 4}, {"b", 5}, {"c", 3}, {"d", 7}}); !reflect.DeepEqual(s, w) {
		t.Errorf("Set on a hand-built value: %v, want %v", s, w)
	}
	d := md.Clone()
	d.Delete("a")
	if w := (platform.Metadata{{"", 6}, {"b", 5}, {"c", 3}}); !reflect.DeepEqual(d, w) {
		t.Errorf("Delete on a hand-built value: %v, want %v", d, w)
	}
	// Nested: a hand-built Metadata inside another, and inside a map.
	outer := platform.Metadata{{"z", md}, {"m", map[string]any{"k": md}}}
	got, err = json.Marshal(outer)
	wantJSON, _ = json.Marshal(map[string]any{"z": want, "m": map[string]any{"k": want}})
	if err != nil || string(got) != string(wantJSON) {
		t.Errorf("nested MarshalJSON %s (%v), want %s", got, err, wantJSON)
	}
}

// TestMetadataJSONRoundTrip: Unmarshal gives the entries sorted with encoding/json's
// dynamic values, the last of a repeated key; Marshal gives the bytes back (a map's).
func TestMetadataJSONRoundTrip(t *testing.T) {
	in := `{"z":1,"a":{"y":[1,"x",null,true],"b":{}},"m":"<&>","a":2.5,"n":null,"e":[]}`
	var md platform.Metadata
	if err := json.Unmarshal([]byte(in), &md); err != nil {
		t.Fatal(err)
	}
	want := platform.Metadata{{"a", 2.5}, {"e", []any{}}, {"m", "<&>"}, {"n", nil}, {"z", float64(1)}}
	if !reflect.DeepEqual(md, want) {
		t.Fatalf("Unmarshal: %#v, want %#v", md, want)
	}
	var ref map[string]any
	_ = json.Unmarshal([]byte(in), &ref)
	got, err := json.Marshal(md)
	wantJSON, _ := json.Marshal(ref)
	if err != nil || string(got) != string(wantJSON) {
		t.Errorf("Marshal: %s (%v), want %s", got, err, wantJSON)
	}
	var back platform.Metadata
	if err := json.Unmarshal(got, &back); err != nil || !reflect.DeepEqual(back, md) {
		t.Errorf("round trip: %v (%v), want %v", back, err, md)
	}
	// Nested objects decode as maps, as encoding/json gives them.
	if err := json.Unmarshal([]byte(`{"o":{"b":1,"a":2}}`), &md); err != nil {
		t.Fatal(err)
	}
	if _, ok := md.Get("o").(map[string]any); !ok || len(md) != 1 {
		t.Errorf("nested object: %#v", md)
	}
	// null → nil, {} → empty but not nil (encoded {} as the map was), not an object fails.
	for _, tc := range []struct {
		in     string
		isNil  bool
		encode string
	}{{"null", true, "null"}, {"{}", false, "{}"}} {
		md = platform.Metadata{{"x", 1}}
		if err := json.Unmarshal([]byte(tc.in), &md); err != nil || (md == nil) != tc.isNil || len(md) != 0 {
			t.Errorf("%s: %#v (%v)", tc.in, md, err)
		}
		if b, err := json.Marshal(md); err != nil || string(b) != tc.encode {
			t.Errorf("%s: encodes as %s (%v)", tc.in, b, err)
		}
	}
	for _, bad := range []string{`[]`, `"x"`, `1`, `{"a":}`} {
		if err := json.Unmarshal([]byte(bad), &md); err == nil {
			t.Errorf("%s: decoded", bad)
		}
	}
	// In an event: metadata that is not an object is an error naming the field.
	var ev platform.TraceEvent
	err = json.Unmarshal([]byte(`{"metadata":"x"}`), &ev)
	var te *json.UnmarshalTypeError
	if !errors.As(err, &te) || te.Field != "metadata" {
		t.Errorf("event with string metadata: %v", err)
	}
}

// TestMetadataNil: the nil Metadata is empty for every method.
func TestMetadataNil(t *testing.T) {
	var md platform.Metadata
	if v, ok := md.Lookup("a"); v != nil || ok || md.Get("a") != nil {
		t.Error("Lookup on nil")
	}
	if md.Clone() != nil || md.Map() != nil {
		t.Error("Clone / Map of nil not nil")
	}
	for range md.All() {
		t.Error("All of nil yields")
	}
	md.Delete("a")
	md.Normalize()
	if md != nil {
		t.Error("Delete / Normalize made nil non-nil")
	}
	if b, err := json.Marshal(md); err != nil || string(b) != "null" {
		t.Errorf("Marshal nil: %s %v", b, err)
	}
	md.Set("a", nil)
	if v, ok := md.Lookup("a"); v != nil || !ok || len(md) != 1 {
		t.Errorf("Set on nil: %v", md)
	}
	if platform.MetadataFromMap(nil) != nil {
		t.Error("MetadataFromMap(nil) not nil")
	}
	if e := platform.MetadataFromMap(map[string]any{}); e == nil || len(e) != 0 {
		t.Errorf("MetadataFromMap of an empty map: %#v", e)
	}
}

// TestMetadataFromMapAndClone: MetadataFromMap sorts (beyond the 64 entries sorted on the
// stack too); Clone copies the entries into an array of its own, capacity-limited.
func TestMetadataFromMapAndClone(t *testing.T) {
	for _, n := range []int{0, 1, 5, 64, 65, 300} {
		m := map[string]any{}
		for i := range n {
			m[fmt.Sprintf("k%d", (i*7919)%1000)] = i
		}
		md := platform.MetadataFromMap(m)
		if len(md) != len(m) || !strictlySorted(md) || !maps.Equal(md.Map(), m) {
			t.Fatalf("%d keys: %v", n, md)
		}
		var order []string
		for k := range md.All() {
			order = append(order, k)
		}
		if !slices.Equal(order, slices.Sorted(maps.Keys(m))) {
			t.Errorf("%d keys: All order %v", n, order)
		}
		c := md.Clone()
		if !reflect.DeepEqual(c, md) || cap(c) != len(c) {
			t.Errorf("%d keys: Clone %v cap %d", n, c, cap(c))
		}
		if n > 0 {
			c[0].Value = "changed"
			if md[0].Value == "changed" {
				t.Errorf("%d keys: Clone shares entries", n)
			}
		}
	}
}
