package mapping

import (
	"testing"

	sc "github.com/llmtrace/llmtrace/semconv"
)

// attrTree parses an attribute string once per span (treeArena.memo): a second read of the
// same attribute gets the same tree, written as the first; a string that does not parse is
// remembered as the string; the next span starts with no trees, even for a string at the
// same address (the memo starts empty); appendAttrJSON writes a remembered tree as a fresh parse writes it.
func TestAttrTreeOncePerSpan(t *testing.T) {
	const msgs = `[{"role":"user","parts":[{"type":"text","content":"Weather in Paris?"}]}]`
	const bad = `{"role": "user"`
	m := NewMapper(MapOptions{})
	c := m.getCtx()
	defer m.putCtx(c)
	s1 := newSpan(1, 0, "chat", str(sc.GenAIInputMessages, msgs), str("bad", bad))
	s2 := newSpan(2, 0, "chat", str(sc.GenAIInputMessages, msgs)) // the same string constant: the same address
	preps := make([]prepared, 2)
	m.prepare(&preps[0], s1)
	m.prepare(&preps[1], s2)
	defer func() {
		for i := range preps {
			preps[i].a.release()
		}
	}()

	c.prepared = &preps[0]
	v, _ := preps[0].a.get(sc.GenAIInputMessages)
	j1 := c.attrTree(v)
	if j1.k != 'a' || len(j1.vals) != 1 {
		t.Fatalf("tree %s", appendJV(nil, j1))
	}
	if j2 := c.attrTree(v); j2 != j1 {
		t.Errorf("second attrTree parsed again")
	}
	if j := c.attrJV(sc.GenAIInputMessages); j != j1 {
		t.Errorf("attrJV parsed again")
	}
	if j := c.jsonAttrTree(v); j != j1 {
		t.Errorf("jsonAttrTree parsed again")
	}
	if got, want := string(c.appendAttrJSON(nil, v)), msgs; got != want {
		t.Errorf("appendAttrJSON of a remembered tree: %s, want %s", got, want)
	}
	b, _ := preps[0].a.get("bad")
	jb := c.attrTree(b)
	if jb.k != 's' || jb.s != bad || c.attrTree(b) != jb {
		t.Errorf("a string that does not parse: %+v", jb)
	}
	if got, want := string(c.appendAttrJSON(nil, b)), `"{\"role\": \"user\""`; got != want {
		t.Errorf("appendAttrJSON of a string that did not parse: %s, want %s", got, want)
	}

	c.prepared = &preps[1]
	v2, _ := preps[1].a.get(sc.GenAIInputMessages)
	if !sameString(v.Str(), v2.Str()) {
		t.Fatalf("the spans' strings differ in memory: the test needs one string")
	}
	j3 := c.attrTree(v2) // the arena reuses its slots: j3 may be where j1 was
	if len(c.trees.memo) != 1 || c.trees.memo[0].j != j3 {
		t.Errorf("the next span's memo %+v: it kept the previous span's trees", c.trees.memo)
	}
	if got := string(appendJV(nil, j3)); got != msgs {
		t.Errorf("the next span's tree writes %s", got)
	}
}

// A Genkit model span's genkit:output is parsed once, in prepare (genkitResponse): the
// build's readers (attrTree, genkitJSON, genkitOutput) get that tree. genkitJSON reads a
// scalar JSON text as its value (a flow's input "Paris") and keeps any other text.
func TestGenkitOutputParsedOnce(t *testing.T) {
	const out = `{"message":{"role":"model","content":[{"text":"Sunny."}]},"finishReason":"stop","usage":{"inputTokens":3,"outputTokens":2}}`
	m := NewMapper(MapOptions{})
	c := m.getCtx()
	defer m.putCtx(c)
	span := newSpan(1, 0, "googleai/gemini-2.5-flash", str(sc.GenkitType, "action"), str(sc.GenkitSubtype, sc.GenkitSubModel),
		str(sc.GenkitName, "googleai/gemini-2.5-flash"), str(sc.GenkitInput, `"Paris"`), str(sc.GenkitOutput, out))
	var p prepared
	m.prepare(&p, span)
	defer p.a.release()
	if p.gkOut == nil {
		t.Fatal("prepare did not parse genkit:output (genkitUsage)")
	}
	c.prepared = &p
	v, _ := p.a.get(sc.GenkitOutput)
	if c.attrTree(v) != p.gkOut || c.genkitJSON(sc.GenkitOutput) != p.gkOut {
		t.Errorf("genkit:output parsed again in build")
	}
	if msg, ok := c.genkitOutput(); !ok || msg.text != "Sunny." || msg.finish != "stop" {
		t.Errorf("genkitOutput %+v %v", msg, ok)
	}
	if in := c.genkitJSON(sc.GenkitInput); in.k != 's' || in.s != "Paris" {
		t.Errorf("genkit:input %+v, want the JSON string Paris", in)
	}
}
