package mapping

import (
	"reflect"
	"testing"
)

// metadata.reset (putCtx) leaves a builder as a new one but for resFn, which is bound to it:
// every other field, including any added later, must be cleared there.
func TestMetadataResetClearsAll(t *testing.T) {
	c := &spanCtx{}
	md := &c.md
	md.resFn = md.resourceValue
	md.m, md.bytes, md.dropped, md.c, md.res, md.nResVals, md.resOK = map[string]any{"a": 1}, 3, 1, c, kvs{{"k", StrValue("v")}}, 1, true
	md.resVals[0] = boxedValue{"k", "v", 3}
	md.reset()
	v := reflect.ValueOf(md).Elem()
	for i := 0; i < v.NumField(); i++ {
		if f := v.Type().Field(i); f.Name != "resFn" && !v.Field(i).IsZero() {
			t.Errorf("metadata.%s not cleared by reset", f.Name)
		}
	}
	if md.resFn == nil {
		t.Error("resFn dropped")
	}
}
