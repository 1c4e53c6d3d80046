package mapping

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand"
	"testing"
	"time"

	"github.com/llmtrace/llmtrace/internal/jsonesc"
)

// The streaming paths (fastMessages, appendJSONText and the callers in map_io.go) must
// write exactly what the general path (parseJSON → normMessages / appendJV) writes. These
// tests map the same spans with both (Mapper.treeOnly) and compare the encoded events.

var snapTexts = []string{"hi", "", "héllo wörld", "line\nbreak \"q\" \\ back", "tab\there", "\u2028sep\u2029", "\xff\xfeinvalid",
	"emoji 😀", "<b>&amp;</b>", "ctl\x01\b\f\x1f", `esc \/ \u00e9 \ud83d\ude00 \ud800 x`}

func snapJSONString(r *rand.Rand) string {
	s := snapTexts[r.Intn(len(snapTexts))]
	var b []byte
	if r.Intn(5) == 0 { // raw escapes in the source
		return `"a\/b\u00e9\n\ud83d\ude00` + fmt.Sprint(r.Intn(9)) + `"`
	}
	b = jsonesc.AppendString(b, s)
	return string(b)
}

func snapPart(r *rand.Rand) string {
	t := snapJSONString(r)
	switch r.Intn(14) {
	case 0:
		return t
	case 1:
		return `{"type":"text","text":` + t + `}`
	case 2:
		return `{"text":` + t + `}`
	case 3:
		return `{"type":"image","url":"http://x"}`
	case 4:
		return `{"type":"tool_call","id":"c1","name":"get","arguments":{"a":1}}`
	case 5:
		return `{"type":"tool_call_response","id":"c1","response":` + t + `}`
	case 6:
		return `{"type":"TEXT","content":` + t + `}`
	case 7:
		return `{"type":"text","content":` + t + `,"extra":1}`
	case 8:
		return `{"content":` + t + `}`
	case 9:
		return `{"type":"input_text","content":` + t + `}`
	case 10:
		return `{"type":"text","content":null}`
	case 11:
		return `{ "type" : "text" , "content" : ` + t + ` }`
	case 12:
		return `{"type":"text","content":` + t + `,"content":"dup"}`
	}
	return `{"type":"text","content":` + t + `}`
}

func snapMessage(r *rand.Rand) string {
	var parts []string
	roles := []string{`"user"`, `"assistant"`, `"system"`, `"tool"`, `""`, `"us\u0065r"`}
	if r.Intn(12) != 0 {
		parts = append(parts, `"role":`+roles[r.Intn(len(roles))])
	}
	switch r.Intn(8) {
	case 0:
		parts = append(parts, `"content":`+snapJSONString(r))
	case 1:
		parts = append(parts, `"parts":[]`)
	case 2:
		parts = append(parts, `"content":null`)
	case 3:
	default:
		n := 1 + r.Intn(3)
		ps := ""
		for i := 0; i < n; i++ {
			if i > 0 {
				ps += ","
			}
			ps += snapPart(r)
		}
		key := []string{"parts", "content", "contents"}[r.Intn(3)]
		parts = append(parts, `"`+key+`":[`+ps+`]`)
	}
	if r.Intn(3) == 0 {
		parts = append(parts, `"finish_reason":`+[]string{`"stop"`, `"length"`, `""`, `null`}[r.Intn(4)])
	}
	if r.Intn(4) == 0 {
		parts = append(parts, `"name":`+snapJSONString(r))
	}
	if r.Intn(10) == 0 {
		parts = append(parts, `"tool_calls":[{"id":"x","type":"function","function":{"name":"f","arguments":"{\"q\":1}"}}]`)
	}
	if r.Intn(15) == 0 {
		parts = append(parts, `"tool_call_id":"t1"`)
	}
	if r.Intn(20) == 0 {
		parts = append(parts, `"role":"dup"`)
	}
	r.Shuffle(len(parts), func(i, j int) { parts[i], parts[j] = parts[j], parts[i] })
	o := "{"
	for i, p := range parts {
		if i > 0 {
			o += []string{",", " , ", ",\n"}[r.Intn(3)]
		}
		o += p
	}
	o += "}"
	if r.Intn(25) == 0 {
		o = `{"message":` + o + `}`
	}
	return o
}

func snapMessages(r *rand.Rand) string {
	switch r.Intn(20) {
	case 0:
		return "not json"
	case 1:
		return `[{"role":"user","content":"trunc`
	case 2:
		return snapMessage(r)
	case 3:
		return "[]"
	case 4:
		return " [ " + snapMessage(r) + " ] "
	}
	n := 1 + r.Intn(4)
	s := "["
	for i := 0; i < n; i++ {
		if i > 0 {
			s += ","
		}
		s += snapMessage(r)
	}
	return s + "]"
}

func snapJSONAny(r *rand.Rand, d int) string {
	switch k := r.Intn(9); {
	case k == 0 && d < 4:
		return `{"a":` + snapJSONAny(r, d+1) + `, "b" : [` + snapJSONAny(r, d+1) + `,` + snapJSONAny(r, d+1) + `]}`
	case k == 1 && d < 4:
		return `[` + snapJSONAny(r, d+1) + `]`
	case k == 2:
		return `1.50e+3`
	case k == 3:
		return `-0`
	case k == 4:
		return `true`
	case k == 5:
		return `null`
	case k == 6:
		return `{"a":1,"a":2}`
	case k == 7:
		return `[1,]`
	}
	return snapJSONString(r)
}

func snapSpan(r *rand.Rand, i int) *testSpan {
	s := newSpan(byte(i%250+1), byte(r.Intn(3)), []string{"chat gpt", "execute_tool get", "invoke_agent a", ""}[r.Intn(4)])
	s.trace[0] = byte(i / 250)
	s.trace[1] = byte(r.Intn(4))
	s.res = kvs{str("service.name", "svc"), num("pid", int64(r.Intn(1000))), kv{"host.arch", DoubleValue(1.5)}}
	s.scope, s.version = "scope", "1.0"
	ops := []string{"chat", "execute_tool", "invoke_agent", "embeddings", "text_completion", ""}
	s.attrs = kvs{str("gen_ai.operation.name", ops[r.Intn(len(ops))])}
	add := func(k kv) { s.attrs = append(s.attrs, k) }
	if r.Intn(4) != 0 {
		add(str("gen_ai.input.messages", snapMessages(r)))
	}
	if r.Intn(4) != 0 {
		add(str("gen_ai.output.messages", snapMessages(r)))
	}
	if r.Intn(3) == 0 {
		add(str("gen_ai.system_instructions", []string{`[{"type":"text","content":"be nice"}]`, `"plain"`, `plain text`,
			`[{"type":"text","content":"a"},{"type":"text","content":"b"}]`, `[]`, `[{"role":"system","content":"x"}]`,
			`["s1","s2"]`, `[{"type":"image"}]`, `{"type":"text","content":"obj"}`}[r.Intn(9)]))
	}
	if r.Intn(3) == 0 {
		add(str("gen_ai.tool.definitions", snapJSONAny(r, 0)))
	}
	if r.Intn(4) == 0 {
		add(str("gen_ai.tool.call.arguments", snapJSONAny(r, 0)))
	}
	if r.Intn(4) == 0 {
		add(str("gen_ai.tool.call.result", snapJSONAny(r, 0)))
	}
	if r.Intn(5) == 0 {
		add(str("input.value", snapJSONAny(r, 0)))
	}
	if r.Intn(5) == 0 {
		add(str("metadata", `{"user_id":"u1","k":`+snapJSONAny(r, 0)+`}`))
	}
	if r.Intn(3) == 0 {
		add(kv{"gen_ai.response.finish_reasons", ListValue(vlist{StrValue([]string{"stop", "length", ""}[r.Intn(3)])})})
	}
	if r.Intn(6) == 0 {
		add(str("gen_ai.response.finish_reasons", "stop"))
	}
	if r.Intn(2) == 0 {
		add(num("gen_ai.usage.input_tokens", int64(r.Intn(500))))
		add(num("gen_ai.usage.output_tokens", int64(r.Intn(500))))
	}
	if r.Intn(3) == 0 {
		add(str("gen_ai.conversation.id", fmt.Sprint("conv-", r.Intn(5))))
	}
	if r.Intn(2) == 0 {
		add(str("gen_ai.request.model", "m1"))
		add(str("gen_ai.response.model", []string{"m1", "m2"}[r.Intn(2)]))
	}
	add(kv{"gen_ai.request.temperature", DoubleValue(float64(r.Intn(10)) / 7)})
	add(num("server.port", int64(r.Intn(70000))))
	add(kv{"flag", BoolValue(r.Intn(2) == 0)})
	add(kv{"empty", Value{}})
	add(kv{"bytes", BytesValue([]byte("\x00\x01abc"))})
	add(kv{"list", ListValue(vlist{StrValue("a"), IntValue(2)})})
	add(kv{"map", MapValue(kvs{str("x", `{"j":1}`)})})
	add(str("x.dup", "first"))
	if r.Intn(3) == 0 {
		add(str("x.dup", "second"))
	}
	if r.Intn(4) == 0 {
		add(str("llm.input_messages.0.message.role", "user"))
		add(str("llm.input_messages.0.message.content", "oi hi"))
		add(str("llm.input_messages.1.message.role", "assistant"))
		add(str("llm.input_messages.1.message.contents.0.message_content.text", "oi yo"))
	}
	if r.Intn(5) == 0 {
		add(str("tag.tags", `["t1","t2"]`))
	}
	if r.Intn(8) == 0 {
		add(str("error.type", "Boom"))
	}
	if r.Intn(6) == 0 {
		s.events = append(s.events, testEvent{"exception", t0, kvs{str("exception.type", "E"), str("exception.message", "m"), num("n", 3)}})
	}
	if r.Intn(6) == 0 {
		s.events = append(s.events, testEvent{"gen_ai.user.message", t0.Add(time.Millisecond), kvs{str("content", "ev hi")}})
		s.events = append(s.events, testEvent{"other", t0.Add(2 * time.Millisecond), kvs{str("k", "v")}})
	}
	r.Shuffle(len(s.attrs), func(i, j int) {
		if s.attrs[i].k != "x.dup" && s.attrs[j].k != "x.dup" {
			s.attrs[i], s.attrs[j] = s.attrs[j], s.attrs[i]
		}
	})
	return s
}

// mapBoth maps spans with the streaming paths on and off and fails on any byte of
// difference between the encoded events.
func mapBoth(t testing.TB, opts MapOptions, spans []*testSpan) {
	t.Helper()
	views := make([]SpanView, len(spans))
	for i, s := range spans {
		views[i] = s
	}
	fast := NewMapper(opts)
	tree := NewMapper(opts)
	tree.treeOnly = true
	a := fast.Map(views)
	b := tree.Map(views)
	if len(a) != len(b) {
		t.Fatalf("streaming: %d events; tree: %d events", len(a), len(b))
	}
	for i := range a {
		x, err := a[i].AppendJSON(nil)
		if err != nil {
			t.Fatal(err)
		}
		y, err := b[i].AppendJSON(nil)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(x, y) {
			t.Fatalf("event %d differs\nstreaming: %s\ntree:      %s", i, x, y)
		}
	}
}

func TestStreamingPathMatchesTree(t *testing.T) {
	r := rand.New(rand.NewSource(7))
	accepted, refused := 0, 0
	for round := 0; round < 300; round++ {
		var spans []*testSpan
		for i := 0; i < 10; i++ {
			s := snapSpan(r, round*10+i)
			for _, e := range s.attrs {
				if e.k == "gen_ai.input.messages" || e.k == "gen_ai.output.messages" {
					if _, _, ok := fastMessages(e.v.Str(), nil, nil); ok {
						accepted++
					} else {
						refused++
					}
				}
			}
			spans = append(spans, s)
		}
		for _, opts := range []MapOptions{{}, {OmitContent: true}, {MaxInputBytes: 200, MaxOutputBytes: 100, Tags: []string{"t"}, Metadata: map[string]any{"deployment": "eu", "server.port": 1}}} {
			mapBoth(t, opts, spans)
		}
	}
	// Both sides of the fast path's boundary are exercised.
	if accepted < 500 || refused < 500 {
		t.Fatalf("generated messages: %d taken by the streaming path, %d refused; want both ≥ 500", accepted, refused)
	}
}

// FuzzStreamingPath maps a span whose message, system, tool and value attributes all hold
// the fuzzed string, with the streaming paths on and off: same bytes.
func FuzzStreamingPath(f *testing.F) {
	for _, s := range []string{
		`[{"role":"user","parts":[{"type":"text","content":"hi"}]}]`,
		`[{"role":"assistant","content":"a\u00e9\n\ud83d\ude00","finish_reason":"stop","name":"bot"}]`,
		`[{"role":"user","content":[{"type":"input_text","text":"x"},"y",{"text":"z"}]}]`,
		`[{"role":"user","parts":[{"type":"text","content":"hi"},{"type":"image","url":"u"}]}]`,
		`[{"type":"TEXT","content":"s1"},{"type":"text","text":"s2"}]`,
		`[{"content":"no type"}]`, `[{"type":"","text":"t"}]`, `[{"role":"user","content":null}]`,
		" [ {\"role\" : \"user\" , \"parts\" : [ ] } ] ", `[{"role":"user","role":"x"}]`,
		`[{"role":"u","parts":[{"type":"text","content":"\u2028\ud800"}]}]`, "[{\"role\":\"\xff\"}]",
		`{"a":[1,-0.5e+3,true,false,null,{"b":"c"}]}`, `[1,]`, `{"a":1,"a":2}`, `[{"role":"user","content":"trunc`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		keys := []string{"gen_ai.input.messages", "gen_ai.output.messages", "gen_ai.system_instructions",
			"gen_ai.tool.definitions", "gen_ai.tool.call.arguments", "gen_ai.tool.call.result", "input.value", "metadata"}
		chat := newSpan(1, 0, "chat", str("gen_ai.operation.name", "chat"))
		tool := newSpan(2, 1, "execute_tool", str("gen_ai.operation.name", "execute_tool"))
		for _, k := range keys {
			chat.attrs = append(chat.attrs, str(k, s))
			tool.attrs = append(tool.attrs, str(k, s))
		}
		mapBoth(t, MapOptions{}, []*testSpan{chat, tool})
		// The transcoder accepts exactly what the parser accepts, and writes the same bytes.
		j, ok := parseJSON(s)
		got, gotOK := appendJSONText([]byte("x"), s)
		if ok != gotOK {
			t.Fatalf("parseJSON ok=%v, appendJSONText ok=%v for %q", ok, gotOK, s)
		}
		want := []byte("x")
		if ok {
			want = appendJV(want, &j)
		}
		if !bytes.Equal(got, want) {
			t.Fatalf("appendJSONText(%q) = %s, want %s", s, got, want)
		}
	})
}

func TestAppendJSONText(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{` { "a" : [ 1 , "x\/y\u00e9" , null ] , "b":{} } `, `{"a":[1,"x/yé",null],"b":{}}`},
		{`["\ud83d\ude00","\ud800","<&>"]`, `["😀","�","<&>"]`}, // a lone surrogate decodes to U+FFFD
		{"[\"\xff\u2028\"]", `["\ufffd\u2028"]`},
		{`{"a":1,"a":2}`, `{"a":1,"a":2}`},
		{`-1.5E-3`, `-1.5E-3`},
	} {
		got, ok := appendJSONText(nil, tc.in)
		if !ok || string(got) != tc.want {
			t.Errorf("appendJSONText(%q) = %s, %v; want %s", tc.in, got, ok, tc.want)
		}
	}
	for _, bad := range []string{``, `[1,]`, `{"a"}`, `[1] x`, `"ctl` + "\x01" + `"`, `{"a":tru}`, `01`, `[`} {
		if got, ok := appendJSONText([]byte("keep"), bad); ok || string(got) != "keep" {
			t.Errorf("appendJSONText(%q) = %q, %v; want refused, dst unchanged", bad, got, ok)
		}
	}
}

// TestFastMessagesShapes pins the subset the streaming path takes.
func TestFastMessagesShapes(t *testing.T) {
	take := []string{
		`[]`, `[{}]`, `[{"role":"user","parts":[{"type":"text","content":"a"},{"type":"text","content":"b"}]}]`,
		`[{"role":"user","content":"x"}]`, `[{"content":[{"text":"x"},"y"],"role":"user","name":"n","finish_reason":"stop"}]`,
	}
	refuse := []string{
		`{"role":"user"}`, `["bare"]`, `[{"role":"user","tool_calls":[]}]`, `[{"role":null}]`,
		`[{"role":"user","parts":[{"type":"image"}]}]`, `[{"message":{"role":"user"}}]`,
		`[{"role":"user","content":"x","parts":[]}]`, `[{"role":"a"}] x`, `[{"role":"a"},]`,
	}
	for _, s := range take {
		if _, _, ok := fastMessages(s, nil, nil); !ok {
			t.Errorf("fastMessages refused %s", s)
		}
	}
	for _, s := range refuse {
		if _, _, ok := fastMessages(s, nil, nil); ok {
			t.Errorf("fastMessages took %s", s)
		}
	}
	msgs, txt, ok := fastMessages(`[{"role":"user","parts":[{"type":"text","content":"a\"b"},"c\u00e9"]}]`, nil, nil)
	if !ok || len(msgs) != 1 || msgs[0].role != "user" || string(txt[msgs[0].text0:msgs[0].text1]) != `a\"b\ncé` {
		t.Fatalf("got %+v %q %v", msgs, txt, ok)
	}
}

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
	evs[1].Metadata["service.name"] = "edited"
	delete(evs[1].Metadata, "kind")
	b, _ := evs[1].AppendJSON(nil)
	if !bytes.Contains(b, []byte(`"service.name":"edited"`)) || bytes.Contains(b, []byte(`"kind":`)) {
		t.Fatalf("metadata edit not encoded: %s", b)
	}
}
