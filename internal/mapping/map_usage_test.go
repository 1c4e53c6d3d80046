package mapping

import "testing"

// TestUsageKeysAreNoTokenDetails: readUsage consumes its usage lists before tokenDetails
// reads which attributes are consumed; that is the same as consuming them after only
// because no usage key names a token-details object (detailsSide of its last segment).
func TestUsageKeysAreNoTokenDetails(t *testing.T) {
	r := compile(&precedence)
	for _, list := range [][]string{r.promptKeys, r.completionKeys, r.totalKeys, r.cachedKeys,
		r.cacheCreationKeys, r.reasoningKeys, r.costKeys, r.embeddingTokenKeys} {
		for _, k := range list {
			if detailsSide(lastSegment(k)) != 0 {
				t.Errorf("usage key %q names a token-details object", k)
			}
		}
	}
}

// TestTakeInt: takeInt returns the first key's value that is a token count, as firstInt
// does (0 when none is), and marks every key of the list the span has consumed.
func TestTakeInt(t *testing.T) {
	r := compile(&precedence)
	keys := r.promptKeys
	if len(keys) < 3 {
		t.Fatalf("promptKeys %v: want three keys at least", keys)
	}
	for _, c := range []struct {
		name  string
		attrs kvs
		want  int64
		found bool
	}{
		{"none", kvs{{"other", IntValue(3)}}, 0, false},
		{"first", kvs{{keys[0], IntValue(7)}, {keys[2], IntValue(9)}}, 7, true},
		{"negative skipped", kvs{{keys[0], IntValue(-7)}, {keys[2], StrValue("9")}}, 9, true},
		{"only negative", kvs{{keys[1], IntValue(-7)}}, 0, false},
		{"text skipped", kvs{{keys[0], StrValue("many")}, {keys[1], DoubleValue(4)}}, 4, true},
	} {
		a := &spanAttrs{rules: r}
		a.reset(c.attrs)
		wantN, wantOK := a.firstInt(keys)
		n, ok := a.takeInt(keys)
		if n != c.want || ok != c.found || n != wantN || ok != wantOK {
			t.Errorf("%s: takeInt = %d, %v; firstInt = %d, %v; want %d, %v", c.name, n, ok, wantN, wantOK, c.want, c.found)
		}
		for _, e := range c.attrs {
			k := e.k
			inList := false
			for _, l := range keys {
				inList = inList || l == k
			}
			if got := a.isUsed(k); got != inList {
				t.Errorf("%s: %q consumed = %v, want %v", c.name, k, got, inList)
			}
		}
	}
}
