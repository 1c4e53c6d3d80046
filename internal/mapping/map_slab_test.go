package mapping

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/llmtrace/llmtrace/platform"
)

// The events of one Map call share slabs for Input / Output and for metadata entries, and
// one array for Usage; each event's slices are capacity-limited, so growing one never
// writes into another.
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
	// Metadata entries come from one slab per call too: appending to event 0's, inserting
	// into them (Set of a new key) and deleting from them stays within event 0's own.
	_ = append(evs[0].Metadata, platform.MetadataEntry{Key: "zzz", Value: "garbage"})
	md0 := evs[0].Metadata
	md0.Set("aaa", "garbage")
	md0.Set("zzz", "garbage")
	md0 = evs[0].Metadata
	md0.Delete("kind")
	if cap(evs[0].Metadata) != len(evs[0].Metadata) {
		t.Fatalf("event 0 metadata len %d cap %d: not capacity-limited", len(evs[0].Metadata), cap(evs[0].Metadata))
	}
	for i := 1; i < len(evs); i++ {
		b, _ := json.Marshal(&evs[i])
		if string(b) != want[i] {
			t.Fatalf("event %d changed after event 0 was edited:\n%s\n%s", i, b, want[i])
		}
		if evs[i].Usage.PromptTokens != int64(i+1) {
			t.Fatalf("event %d usage %d", i, evs[i].Usage.PromptTokens)
		}
	}
	// An edit of an event's own metadata shows in its encoding.
	evs[1].Metadata.Set("service.name", "edited")
	evs[1].Metadata.Delete("kind")
	b, _ := evs[1].AppendJSON(nil)
	if !bytes.Contains(b, []byte(`"service.name":"edited"`)) || bytes.Contains(b, []byte(`"kind":`)) {
		t.Fatalf("metadata edit not encoded: %s", b)
	}
}

// A trace of one span gets a slab of its content and a little room (roomWith: lastSpanHeadroom,
// rounded up to the size class); raw metadata values that do not fit go into another slab.
// Either way each value is the event's own: appending to Input or Output leaves the
// metadata values as they were, and the other way round.
func TestLastSpanSlabOverflow(t *testing.T) {
	var long, short vlist
	for i := range 40 {
		long = append(long, StrValue("tag-"+string(rune('a'+i%26))+"-0123456789"))
	}
	short = vlist{StrValue("x")}
	for _, list := range []vlist{short, long} {
		sp := newSpan(1, 0, "chat", str("gen_ai.operation.name", "chat"),
			str("gen_ai.input.messages", `[{"role":"user","content":"hello"}]`),
			str("gen_ai.output.messages", `[{"role":"assistant","content":"hi"}]`),
			kv{"app.tags", ListValue(list)}, kv{"app.more", ListValue(list)})
		evs := mapOne(t, MapOptions{}, sp)
		ev := &evs[0]
		want, err := json.Marshal(ev)
		if err != nil {
			t.Fatal(err)
		}
		var strs []string
		for _, v := range list {
			strs = append(strs, v.Str())
		}
		wantList, _ := json.Marshal(strs)
		rm, ok := ev.Metadata.Get("app.tags").(json.RawMessage)
		if !ok || string(rm) != string(wantList) {
			t.Fatalf("app.tags %T %s, want %s", ev.Metadata.Get("app.tags"), rm, wantList)
		}
		if cap(ev.Input) != len(ev.Input) || cap(ev.Output) != len(ev.Output) || cap(rm) != len(rm) {
			t.Fatalf("not capacity-limited: input %d/%d output %d/%d app.tags %d/%d",
				len(ev.Input), cap(ev.Input), len(ev.Output), cap(ev.Output), len(rm), cap(rm))
		}
		_ = append(ev.Input, "garbage"...)
		_ = append(ev.Output, "garbage"...)
		_ = append(rm, "garbage"...)
		if got, _ := json.Marshal(ev); string(got) != string(want) {
			t.Fatalf("event changed by appends to its own values (list of %d):\n%s\n%s", len(list), got, want)
		}
		if string(rm) != string(wantList) {
			t.Fatalf("app.tags %s after the appends, want %s", rm, wantList)
		}
	}
}
