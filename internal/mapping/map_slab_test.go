package mapping

import (
	"bytes"
	"encoding/json"
	"testing"
)

// The events of one Map call share slabs for Input / Output and one array for Usage;
// each event's slices are capacity-limited, so growing one never writes into another.
func TestEventsOwnTheirBytes(t *testing.T) {
	var spans []*testSpan
	for i := byte(1); i <= 20; i++ {
		spans = append(spans, newSpan(i, 0, "chat",
			str("gen_ai.operation.name", "chat"), num("gen_ai.usage.input_tokens", int64(i)),
			str("gen_ai.input.messages", `[{"role":"user","content":"q`+string('a'+i)+`"}]`),
			str("gen_ai.output.messages", `[{"role":"assistant","content":"a`+string('a'+i)+`"}]`)))
	}
	evs := mapOne(t, MapOptions{}, spans...)
	want := make([]string, len(evs))
	for i := range evs {
		b, err := json.Marshal(&evs[i])
		if err != nil {
			t.Fatal(err)
		}
		want[i] = string(b)
	}
	_ = append(evs[0].Input, "garbage"...)
	_ = append(evs[0].Output, "garbage"...)
	evs[0].Usage.PromptTokens = 999
	for i := 1; i < len(evs); i++ {
		b, _ := json.Marshal(&evs[i])
		if string(b) != want[i] {
			t.Fatalf("event %d changed after event 0 was edited:\n%s\n%s", i, b, want[i])
		}
		if evs[i].Usage.PromptTokens != int64(i+1) {
			t.Fatalf("event %d usage %d", i, evs[i].Usage.PromptTokens)
		}
	}
	// Metadata is a plain map: an edit shows in the encoding.
	evs[1].Metadata.Set("service.name", "edited")
	evs[1].Metadata.Delete("kind")
	b, _ := evs[1].AppendJSON(nil)
	if !bytes.Contains(b, []byte(`"service.name":"edited"`)) || bytes.Contains(b, []byte(`"kind":`)) {
		t.Fatalf("metadata edit not encoded: %s", b)
	}
}
