package mapping

import (
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"
)

// The parser's byte semantics (jsontree.go), pinned at the parse level.

// parseOK parses s and fails the test when it does not parse.
func parseOK(t *testing.T, s string) jv {
	t.Helper()
	v, ok := parseJSON(s)
	if !ok {
		t.Fatalf("parseJSON(%q) refused", s)
	}
	return v
}

// Invalid UTF-8 inside a string is kept byte for byte, with or without escapes around it,
// and written as one \ufffd per bad byte.
func TestParseKeepsInvalidUTF8(t *testing.T) {
	for _, tc := range []struct{ in, want, out string }{
		{"[\"a\xffb\"]", "a\xffb", `["a\ufffdb"]`},
		{"[\"\xe2\x82\"]", "\xe2\x82", `["\ufffd\ufffd"]`}, // a truncated sequence: two bad bytes
		{"[\"\\n\xff\\u00e9\xfe\"]", "\n\xffé\xfe", `["\n\ufffdé\ufffd"]`},
		{"[\"\\ud83d\xff\\ude00\"]", "\ufffd\xff\ufffd", `["�\ufffd�"]`}, // a bad byte splits the pair
		{"[\"\xef\xbf\xbd\\t\"]", "\ufffd\t", `["�\t"]`},                 // U+FFFD itself is valid text
	} {
		v := parseOK(t, tc.in)
		if got := v.vals[0].s; got != tc.want {
			t.Errorf("parseJSON(%q) string %q, want %q", tc.in, got, tc.want)
		}
		if got := string(appendJV(nil, &v)); got != tc.out {
			t.Errorf("parseJSON(%q) writes %s, want %s", tc.in, got, tc.out)
		}
	}
	// Names too.
	if v := parseOK(t, "{\"k\xff\\u0041\":1}"); v.keys[0] != "k\xffA" {
		t.Errorf("name %q", v.keys[0])
	}
}

// A \u escape of a lone UTF-16 surrogate decodes to U+FFFD; a pair decodes to its rune.
func TestParseLoneSurrogates(t *testing.T) {
	for in, want := range map[string]string{
		`"\ud83d\ude00"`:       "😀",
		`"\uD83D\uDE00"`:       "😀",
		`"\ud800"`:             "\ufffd",
		`"\udc00x"`:            "\ufffdx",
		`"\ud800\u0041"`:       "\ufffdA", // a high half followed by another escape
		`"\ud800\n"`:           "\ufffd\n",
		`"\ud800\ud800\udc00"`: "\ufffd\U00010000",
		`"a\u0000b"`:           "a\x00b",
	} {
		v := parseOK(t, "["+in+"]")
		if got := v.vals[0].s; got != want {
			t.Errorf("parseJSON(%s) = %q, want %q", in, got, want)
		}
	}
}

// Numbers keep the text they were written with; literals and nesting as sent; duplicate
// names are kept in order (get finds the first).
func TestParseValues(t *testing.T) {
	v := parseOK(t, " \t\n{ \"n\" : [ -0 , 1.50e+3 , -1.5E-3 , 1e400 , 12345678901234567890 ] ,\r\"b\":[true,false,null],"+
		"\"e\":{},\"a\":[],\"d\":1,\"d\":2 } \n")
	if got := string(appendJV(nil, &v)); got != `{"n":[-0,1.50e+3,-1.5E-3,1e400,12345678901234567890],"b":[true,false,null],"e":{},"a":[],"d":1,"d":2}` {
		t.Errorf("writes %s", got)
	}
	if v.get("d").s != "1" || strings.Join(v.keys, ",") != "n,b,e,a,d,d" {
		t.Errorf("keys %v, first d %q", v.keys, v.get("d").s)
	}
	if e := v.get("e"); e.k != 'o' || e.keys != nil {
		t.Errorf("empty object %+v", *e)
	}
	if a := v.get("a"); a.k != 'a' || a.vals == nil || len(a.vals) != 0 {
		t.Errorf("empty array %+v", *a)
	}
	if s := parseOK(t, `"top"`); s.k != 's' || s.s != "top" {
		t.Errorf("top-level string %+v", s)
	}
}

// Nesting: values down to depth maxJSONDepth (the top level is 0) parse; one level more
// and the document does not, whatever the value there.
func TestParseDepthLimit(t *testing.T) {
	nest := func(open, close string, levels int, inner string) string {
		return strings.Repeat(open, levels) + inner + strings.Repeat(close, levels)
	}
	for _, tc := range []struct {
		in string
		ok bool
	}{
		{nest("[", "]", maxJSONDepth+1, ""), true},      // the innermost [] is at depth 128
		{nest("[", "]", maxJSONDepth+2, ""), false},     // … at depth 129
		{nest("[", "]", maxJSONDepth, "1"), true},       // 1 at depth 128
		{nest("[", "]", maxJSONDepth+1, "1"), false},    // 1 at depth 129
		{nest(`{"k":`, "}", maxJSONDepth, `"s"`), true}, // "s" at depth 128
		{nest(`{"k":`, "}", maxJSONDepth+1, `"s"`), false},
		{nest(`{"k":`, "}", maxJSONDepth+1, `{}`), false},
	} {
		if _, ok := parseJSON(tc.in); ok != tc.ok {
			t.Errorf("parseJSON(%.20s… %d bytes) ok=%v, want %v", tc.in, len(tc.in), ok, tc.ok)
		}
	}
}

// Anything but one JSON value is refused.
func TestParseRefuses(t *testing.T) {
	for _, bad := range []string{``, ` `, `[1,]`, `{"a"}`, `{"a":1,}`, `{"a":1 "b":2}`, `[1 2]`, `{1:2}`, `[1] x`,
		`[1][2]`, `"ctl` + "\x01" + `"`, `{"a":tru}`, `[nulll]`, `01`, `-`, `1.`, `1e`, `[`, `{"a":[}`, `{"a":1]`,
		"\xef\xbb\xbf[]", `[NaN]`, `['x']`, `["\x"]`, `["\u12"]`, `["\u12g4"]`, "[\"\\\xff\"]", `["a` + "\n" + `"]`,
		"[\xff]", `["unterminated]`, "\"\x00\\b\"", "[\"a\x1f\\n\"]"} {
		if v, ok := parseJSON(bad); ok {
			t.Errorf("parseJSON(%q) = %+v, want refused", bad, v)
		}
	}
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

// valueDepth is the depth of the deepest value of valid JSON s (the top level is 0):
// the number of arrays and objects around it.
func valueDepth(s string) int {
	d, deepest, inStr := 0, 0, false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case inStr && c == '\\':
			i++
			continue
		case inStr:
			inStr = c != '"'
			continue
		case c == ']' || c == '}':
			d--
			continue
		case c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == ',' || c == ':':
			continue
		}
		deepest = max(deepest, d) // a value (or a name, at its value's depth) starts
		switch c {
		case '"':
			inStr = true
		case '[', '{':
			d++
		}
	}
	return deepest
}

// FuzzParseJSON checks parseJSON against encoding/json on the same input: it accepts
// exactly what json.Valid accepts (down to maxJSONDepth), writes valid JSON that decodes to
// what the input decodes to (invalid UTF-8 as U+FFFD on both sides), and appendJSONText
// writes the same bytes.
func FuzzParseJSON(f *testing.F) {
	for _, s := range []string{
		`[{"role":"user","parts":[{"type":"text","content":"hi"}]}]`, `{"a":[1,-0.5e+3,true,false,null,{"b":"c"}]}`,
		`[1,]`, `{"a":1,"a":2}`, `[{"role":"user","content":"trunc`, `["\ud800\u0041","\udc00"]`, "[\"\xff\\n\"]",
		` [ "a\/b" , {"":""} ] `, `"\u2028"`, `01`, `1e400`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, ok := parseJSON(s)
		valid := json.Valid([]byte(s))
		if valid && valueDepth(s) > maxJSONDepth {
			valid = false // nests deeper than the limit
		}
		if ok != valid {
			t.Fatalf("parseJSON ok=%v, json.Valid (depth ≤ %d) %v for %q", ok, maxJSONDepth, valid, s)
		}
		got, gotOK := appendJSONText([]byte("x"), s)
		if gotOK != ok || (!ok && string(got) != "x") {
			t.Fatalf("appendJSONText ok=%v %q, parseJSON ok=%v", gotOK, got, ok)
		}
		if !ok {
			return
		}
		out := appendJV(nil, &v)
		if string(got[1:]) != string(out) {
			t.Fatalf("appendJSONText %s, appendJV %s", got[1:], out)
		}
		if !json.Valid(out) || !utf8.Valid(out) {
			t.Fatalf("writes invalid JSON %q for %q", out, s)
		}
		var a, b any
		if json.Unmarshal([]byte(s), &a) != nil || json.Unmarshal(out, &b) != nil {
			return // numbers out of float64 range: both valid, not comparable as values
		}
		ja, _ := json.Marshal(a)
		jb, _ := json.Marshal(b)
		if string(ja) != string(jb) {
			t.Fatalf("parseJSON(%q) writes %s: %s ≠ %s", s, out, jb, ja)
		}
	})
}

// BenchmarkParseJSON parses the message attributes of a typical chat span (the ~2 KB of
// internal/pdataview's chatTraces) into the tree (parseJSON: members counted, read into
// place, moved into the tree's own two arrays), next to the jsontext-token tree it replaced (refParse, members
// appended) and encoding/json decoding the same documents into `any` as an anchor.
//
//	go test -run '^$' -bench ParseJSON -benchmem ./internal/mapping
func BenchmarkParseJSON(b *testing.B) {
	para := strings.Repeat("The customer asks about their order status and delivery window. ", 7)
	docs := []string{
		`[{"role":"user","parts":[{"type":"text","content":"` + para + `"}]},{"role":"assistant","parts":[{"type":"text","content":"` +
			para + `"}]},{"role":"user","parts":[{"type":"text","content":"` + para + `"}]}]`,
		`[{"role":"assistant","parts":[{"type":"text","content":"` + para + `"}],"finish_reason":"stop"}]`,
		`[{"type":"text","content":"You are a helpful support agent."}]`,
	}
	b.Run("tree", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			for _, d := range docs {
				if _, ok := parseJSON(d); !ok {
					b.Fatal(d)
				}
			}
		}
	})
	b.Run("jsontext-tree", func(b *testing.B) { // the parser jsonscan.go replaced (refParse)
		b.ReportAllocs()
		for b.Loop() {
			for _, d := range docs {
				if _, ok := refParse(d); !ok {
					b.Fatal(d)
				}
			}
		}
	})
	b.Run("encoding-json-any", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			for _, d := range docs {
				var v any
				if err := json.Unmarshal([]byte(d), &v); err != nil {
					b.Fatal(err)
				}
			}
		}
	})
}

// TestParseGivesBackAFailedReservation: a document that count reads but the parse refuses
// part-way (members already written into their slots) leaves the slabs as they were, their
// free part zero (value writes into zero slots), and the next document parses as usual.
func TestParseGivesBackAFailedReservation(t *testing.T) {
	p := jsonParser{vslab: make([]jv, 0, 64), kslab: make([]string, 0, 64)} // room: no new slab
	if _, ok := p.parse(`{"x":["keep"]}`); !ok {
		t.Fatal("first document refused")
	}
	vl, kl := len(p.vslab), len(p.kslab)
	for _, bad := range []string{`[{"a":"s1"},{"b":tru}]`, `{"a":["s2","s3"],"b":{"c":1,"d":}}`, `[1,2}`, `[1,2,]`} {
		if _, ok := p.parse(bad); ok {
			t.Fatalf("%s parsed", bad)
		}
		if len(p.vslab) != vl || len(p.kslab) != kl {
			t.Fatalf("after %s: slabs %d/%d long, want %d/%d", bad, len(p.vslab), len(p.kslab), vl, kl)
		}
		for i, v := range p.vslab[vl:cap(p.vslab)] {
			if v.k != 0 || v.s != "" || v.keys != nil || v.vals != nil {
				t.Fatalf("after %s: free value slot %d holds %+v", bad, i, v)
			}
		}
		for i, k := range p.kslab[kl:cap(p.kslab)] {
			if k != "" {
				t.Fatalf("after %s: free name slot %d holds %q", bad, i, k)
			}
		}
	}
	doc := `{"a":[{"b":"c"},[],{}],"d":[1,"e",null]}`
	v, ok := p.parse(doc)
	if !ok {
		t.Fatal("last document refused")
	}
	if got := string(appendJV(nil, &v)); got != doc {
		t.Fatalf("got %s, want %s", got, doc)
	}
}
