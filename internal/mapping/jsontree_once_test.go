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

// What prepare parses of a span's attributes (spanAttrs.parsed: a JSON usage attribute,
// OpenInference metadata, Langfuse usage details) is kept for the span's build: attrTree
// and the metadata's JSON values (appendJSONAttr) read those trees, written as a fresh
// parse writes them; a string prepare could not parse stays the string.
func TestPreparedTreesReadByBuild(t *testing.T) {
	const body = `{"id":"chatcmpl-1","model":"gpt-4o-mini-2024-07-18","choices":[{"index":0,"message":{"role":"assistant","content":"Sunny."},"finish_reason":"stop"}],` +
		`"usage":{"prompt_tokens":42,"completion_tokens":17,"total_tokens":59,"prompt_tokens_details":{"cached_tokens":8}}}`
	const meta = `{"conversation_id": "conv-1", "tier": "gold"}`
	const details = `{"input":34,"output":12,"input_cached_tokens":8}`
	m := NewMapper(MapOptions{})
	c := m.getCtx()
	defer m.putCtx(c)
	span := newSpan(1, 0, "chat", str(sc.GenAIOperationName, "chat"), num(sc.GenAIUsageInputTokens, 42), num(sc.GenAIUsageOutputTokens, 17),
		str("app.llm.response", body), str(sc.OIMetadata, meta), str("bad", `{"usage":`))
	p, lf := prepared{trees: &c.prepTrees}, prepared{} // the call's slabs, as MapBatch has it; parseJSON's trees
	m.prepare(&p, span)
	defer p.a.release()
	m.prepare(&lf, newSpan(2, 0, "generation", str(sc.LangfuseObservationUsageDetails, details)))
	defer lf.a.release()
	if v, _ := lf.a.get(sc.LangfuseObservationUsageDetails); lf.a.preparedTree(v.Str()) == nil || lf.usage.u.PromptTokens != 42 {
		t.Errorf("Langfuse usage details: tree kept %v, usage %+v", lf.a.preparedTree(v.Str()) != nil, lf.usage.u)
	}
	c.prepared = &p
	for _, s := range []string{body, meta} {
		v, _ := p.a.get(map[string]string{body: "app.llm.response", meta: sc.OIMetadata}[s])
		kept := p.a.preparedTree(v.Str())
		if kept == nil {
			t.Errorf("prepare did not keep the tree of %s", s)
			continue
		}
		if c.attrTree(v) != kept {
			t.Errorf("build parsed %s again", s)
		}
		want, _ := appendJSONText(nil, s)
		if got, ok := c.appendJSONAttr(nil, v.Str()); !ok || string(got) != string(want) {
			t.Errorf("appendJSONAttr(%s) = %s %v, want %s", s, got, ok, want)
		}
	}
	if v, _ := p.a.get(sc.OIMetadata); p.oiMeta != p.a.preparedTree(v.Str()) {
		t.Errorf("OpenInference metadata parsed twice in prepare")
	}
	if p.usage.u.CachedTokens != 8 {
		t.Errorf("usage %+v: the kept usage body's cached tokens not read", p.usage.u)
	}
	v, _ := p.a.get("bad")
	if j := p.a.parsed(v.Str()); j != nil {
		t.Errorf("parsed(%q) = %s", v.Str(), appendJV(nil, j))
	}
	if j := c.attrTree(v); j.k != 's' || j.s != v.Str() {
		t.Errorf("attrTree of a string that does not parse: %+v", j)
	}
	if out, ok := c.appendJSONAttr(nil, v.Str()); ok || len(out) != 0 {
		t.Errorf("appendJSONAttr of a string that does not parse: %s %v", out, ok)
	}
}

// The request and answer bodies OpenInference's Anthropic instrumentor writes (input.value,
// output.value) and the AI SDK's provider metadata are parsed once per span: prepare's
// usage readers keep their trees (spanAttrs.parsed) and the build's readers (requestSystem,
// attrTree) get the same trees.
func TestAnthropicBodiesParsedOnce(t *testing.T) {
	const req = `{"model":"claude-sonnet-4-5","system":"Be brief.","messages":[{"role":"user","content":"Weather?"}]}`
	const answer = `{"id":"msg_1","type":"message","role":"assistant","content":[{"type":"text","text":"Sunny."}],` +
		`"usage":{"input_tokens":34,"output_tokens":17,"cache_read_input_tokens":8}}`
	const provider = `{"anthropic":{"cacheCreationInputTokens":3,"usage":{"input_tokens":34,"output_tokens":17}}}`
	m := NewMapper(MapOptions{})
	c := m.getCtx()
	defer m.putCtx(c)
	p, ai := prepared{trees: &c.prepTrees}, prepared{trees: &c.prepTrees}
	m.prepare(&p, newSpan(1, 0, "Messages", str(sc.OISpanKind, "LLM"), str(sc.OIInputValue, req), str(sc.OIInputMimeType, "application/json"),
		str(sc.OIOutputValue, answer), str(sc.OIOutputMimeType, "application/json")))
	defer p.a.release()
	m.prepare(&ai, newSpan(2, 0, "ai.generateText.doGenerate", str("ai.operationId", "ai.generateText.doGenerate"),
		str(sc.AIResponseProviderMD, provider)))
	defer ai.a.release()

	out, _ := p.a.get(sc.OIOutputValue)
	kept := p.a.preparedTree(out.Str())
	if kept == nil || p.usage.u.PromptTokens == 0 {
		t.Fatalf("output.value: tree kept %v, usage %+v", kept != nil, p.usage.u)
	}
	c.prepared = &p
	if c.attrTree(out) != kept {
		t.Errorf("build parsed output.value again")
	}
	in, _ := p.a.get(sc.OIInputValue)
	if sys := c.requestSystem(nil); sys == nil || sys != c.attrTree(in).get("system") {
		t.Errorf("requestSystem %v: not read from input.value's one tree", sys)
	}
	pm, _ := ai.a.get(sc.AIResponseProviderMD)
	if ai.a.preparedTree(pm.Str()) == nil {
		t.Errorf("ai.response.providerMetadata: tree not kept (usage %+v)", ai.usage.u)
	}
}
