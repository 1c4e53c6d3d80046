package mapping

import (
	"reflect"
	"testing"

	"github.com/llmtrace/llmtrace/platform"
)

// metadata.reset (putCtx) leaves a builder as a new one but for resFn, which is bound to it,
// and its scratch that holds no span data (ks, ord, resBuf): every other field, including any added later,
// must be cleared there. The entries' scratch keeps its array, emptied and with every
// entry up to its capacity zeroed (no reference to the last call's values), also the
// entries an earlier event of the call wrote past the last event's.
func TestMetadataResetClearsAll(t *testing.T) {
	c := &spanCtx{opts: &MapOptions{}}
	md := c.newMetadata(nil)
	md.resFn = md.resourceValue
	md.set("b", 2)
	md.set("a", 1)
	if got := md.finish(); len(got) != 2 || got[0].Key != "a" {
		t.Fatalf("first event's metadata %v", got)
	}
	md = c.newMetadata(nil) // the next event of the call: fewer entries
	md.set("c", 3)
	md.keys = map[string]bool{"a": true}
	md.bytes, md.dropped, md.c, md.res, md.nResVals, md.resOK = 3, 1, c, kvs{{"k", StrValue("v")}}, 1, true
	md.resVals[0], md.resKeys[0], md.resRaw[0] = boxedValue{"k", "v", 3}, keyOf("k"), []byte("[1]")
	md.reset()
	v := reflect.ValueOf(md).Elem()
	for i := 0; i < v.NumField(); i++ {
		if f := v.Type().Field(i); f.Name != "resFn" && f.Name != "ents" && f.Name != "ks" && f.Name != "ord" && f.Name != "resBuf" && !v.Field(i).IsZero() {
			t.Errorf("metadata.%s not cleared by reset", f.Name)
		}
	}
	if len(md.ents) != 0 || len(md.ks) != 0 || len(md.ord) != 0 {
		t.Errorf("scratch not emptied: %v, %v, %v", md.ents, md.ks, md.ord)
	}
	for i, e := range md.ents[:cap(md.ents)] {
		if e != (platform.MetadataEntry{}) {
			t.Errorf("ents[%d] = %v not cleared", i, e)
		}
	}
	if md.resFn == nil {
		t.Error("resFn dropped")
	}
}
