package mapping

import (
	"fmt"
	"testing"
)

// TestAttrHashSpreadsFlattenedKeys checks that flattened keys that differ only in an
// index in the middle (OpenInference, Traceloop) mostly get bits of their own in the
// presence filter (map_attrs.go), so indexing them does not scan the entries for each.
func TestAttrHashSpreadsFlattenedKeys(t *testing.T) {
	for _, format := range []string{"llm.input_messages.%d.message.content", "gen_ai.prompt.%d.content", "app.custom_%d"} {
		bits := map[uint]bool{}
		for i := range 40 {
			bits[attrHash(fmt.Sprintf(format, i))] = true
		}
		if len(bits) < 36 {
			t.Errorf("%s: 40 keys share %d filter bits", format, len(bits))
		}
	}
}
