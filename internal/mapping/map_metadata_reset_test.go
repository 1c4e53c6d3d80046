package mapping

import (
	"reflect"
	"testing"

	"github.com/llmtrace/llmtrace/platform"
)

// metadata.reset (putCtx) leaves a builder as a new one but for resFn, which is bound to it:
// every other field, including any added later, must be cleared there. The entries'
// scratch keeps its array, emptied and with every entry up to its capacity zeroed (no
// reference to the last call's values).
func TestMetadataResetClearsAll(t *testing.T) {
	c := &spanCtx{}
	md := &c.md
	md.resFn = md.resourceValue
	md.ents = append(md.ents, platform.MetadataEntry{Key: "b", Value: 2}, platform.MetadataEntry{Key: "a", Value: 1})
	md.ents = md.ents[:1] // as Normalize leaves it after dropping a duplicate
	md.keys = map[string]bool{"a": true}
	md.bytes, md.dropped, md.c, md.res, md.nResVals, md.resOK = 3, 1, c, kvs{{"k", StrValue("v")}}, 1, true
	md.resVals[0] = boxedValue{"k", "v", 3}
	md.reset()
	v := reflect.ValueOf(md).Elem()
	for i := 0; i < v.NumField(); i++ {
		if f := v.Type().Field(i); f.Name != "resFn" && f.Name != "ents" && !v.Field(i).IsZero() {
			t.Errorf("metadata.%s not cleared by reset", f.Name)
		}
	}
	if len(md.ents) != 0 {
		t.Errorf("ents not emptied: %v", md.ents)
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
