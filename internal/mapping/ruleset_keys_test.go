package mapping

import (
	"reflect"
	"slices"
	"strings"
	"testing"
	"unsafe"
)

// TestRulesetKeyIndex: every attribute-key list of the compiled ruleset (each []string field
// named *Keys, and the finish steps' keys) is a window of its key index, whose bits are the
// keys' attrHash; a list that is not compiled (a copy, literal keys) gets no bits; a lookup
// through the index finds what find finds, for every key of every list, on spans that carry
// every compiled key, none, or every other one.
func TestRulesetKeyIndex(t *testing.T) {
	r := compile(&precedence)
	rv := reflect.ValueOf(r).Elem()
	var lists [][]string
	for _, f := range reflect.VisibleFields(rv.Type()) {
		if f.Type != reflect.TypeFor[[]string]() || !strings.HasSuffix(f.Name, "Keys") {
			continue
		}
		fv := rv.FieldByIndex(f.Index) // unexported: read through its address
		keys := *(*[]string)(unsafe.Pointer(fv.UnsafeAddr()))
		if len(keys) > 0 && r.listBits(keys) == nil {
			t.Errorf("ruleset.%s is not in the key index (keyLists)", f.Name)
		}
		lists = append(lists, keys)
	}
	for _, st := range r.finishSteps {
		if len(st.keys) > 0 && r.listBits(st.keys) == nil {
			t.Errorf("finish step keys %q are not in the key index", st.keys)
		}
		lists = append(lists, st.keys)
	}
	lists = append(lists, r.modelKeys[:r.modelResponseN], r.modelKeys[1:3])
	for i, k := range r.keys.keys {
		if uint(r.keys.bits[i]) != attrHash(k) {
			t.Fatalf("key %q: bit %d, attrHash %d", k, r.keys.bits[i], attrHash(k))
		}
	}
	for _, l := range lists {
		if bits := r.listBits(l); bits != nil {
			for i, k := range l {
				if uint(bits[i]) != attrHash(k) {
					t.Fatalf("list %q: key %q has bit %d, attrHash %d", l, k, bits[i], attrHash(k))
				}
			}
		}
	}
	if r.listBits(slices.Clone(r.promptKeys)) != nil || r.listBits([]string{"gen_ai.usage.input_tokens"}) != nil {
		t.Fatal("a list outside the index got bits")
	}
	if r.listBits(r.keys.keys[len(r.keys.keys)-1:]) == nil {
		t.Fatal("the last key of the index got no bits")
	}

	for name, keep := range map[string]func(int) bool{
		"every key":       func(int) bool { return true },
		"none":            func(int) bool { return false },
		"every other key": func(i int) bool { return i%2 == 0 },
	} {
		a := &spanAttrs{rules: r}
		a.reset(nil)
		for i, k := range r.keys.keys {
			if keep(i) {
				a.add(strings.Clone(k), StrValue(k)) // span keys are other strings
			}
		}
		for _, l := range lists {
			bits := r.listBits(l)
			for i, k := range l {
				if got, want := a.at(l, bits, i), a.find(k); got != want {
					t.Fatalf("%s: %q at %d, find %d", name, k, got, want)
				}
				if got, want := a.at(l, nil, i), a.find(k); got != want {
					t.Fatalf("%s: %q without bits at %d, find %d", name, k, got, want)
				}
			}
		}
	}
}
