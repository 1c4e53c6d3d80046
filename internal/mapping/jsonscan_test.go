package mapping

import (
	"io"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/go-json-experiment/json/jsontext"
)

// refParse is the parser jsonscan.go replaced (issue 21), kept as the reference: the tree
// built from the go-json-experiment jsontext Decoder's tokens, with the same leniency
// (duplicate names, invalid UTF-8 inside strings kept byte for byte, lone surrogates as
// U+FFFD, numbers as written, maxJSONDepth).
func refParse(s string) (jv, bool) {
	var d jsontext.Decoder
	d.Reset(strings.NewReader(s), decodeOptions...)
	r := refParser{d: &d, s: s}
	k, text, ok := r.next()
	if !ok {
		return jv{}, false
	}
	v, ok := r.value(k, text, 0)
	if !ok {
		return jv{}, false
	}
	if _, err := d.ReadToken(); err != io.EOF {
		return jv{}, false
	}
	return v, true
}

type refParser struct {
	d *jsontext.Decoder
	s string
}

func (r *refParser) next() (jsontext.Kind, string, bool) {
	start := int(r.d.InputOffset())
	t, err := r.d.ReadToken()
	if err != nil {
		return 0, "", false
	}
	k := t.Kind()
	var text string
	if k == '"' || k == '0' {
		end := int(r.d.InputOffset())
		for start < end && strings.IndexByte(" \t\n\r,:", r.s[start]) >= 0 {
			start++
		}
		text = r.s[start:end]
	}
	return k, text, true
}

func (r *refParser) value(k jsontext.Kind, text string, depth int) (jv, bool) {
	if depth > maxJSONDepth {
		return jv{}, false
	}
	switch k {
	case '{':
		out := jv{k: 'o'}
		for {
			k, text, ok := r.next()
			if !ok {
				return jv{}, false
			}
			if k == '}' {
				return out, true
			}
			key := refStr(text)
			if k, text, ok = r.next(); !ok {
				return jv{}, false
			}
			v, ok := r.value(k, text, depth+1)
			if !ok {
				return jv{}, false
			}
			out.keys, out.vals = append(out.keys, key), append(out.vals, v)
		}
	case '[':
		out := jv{k: 'a', vals: []jv{}}
		for {
			k, text, ok := r.next()
			if !ok {
				return jv{}, false
			}
			if k == ']' {
				return out, true
			}
			v, ok := r.value(k, text, depth+1)
			if !ok {
				return jv{}, false
			}
			out.vals = append(out.vals, v)
		}
	case '"':
		return jv{k: 's', s: refStr(text)}, true
	case '0':
		return jv{k: 'n', s: text}, true
	case 't':
		return jv{k: 't'}, true
	case 'f':
		return jv{k: 'f'}, true
	case 'n':
		return jv{k: 'z'}, true
	}
	return jv{}, false
}

// refStr decodes a string token: its body when it has no escapes, else the valid runs
// unquoted by jsontext with each invalid byte kept as it is.
func refStr(q string) string {
	body := q[1 : len(q)-1]
	if strings.IndexByte(body, '\\') < 0 {
		return body
	}
	var b []byte
	for i := 0; i < len(body); {
		j := i
		for j < len(body) {
			r, n := utf8.DecodeRuneInString(body[j:])
			if r == utf8.RuneError && n == 1 {
				break
			}
			j += n
		}
		if j > i {
			b, _ = jsontext.AppendUnquote(b, `"`+body[i:j]+`"`) // only lone surrogates err: U+FFFD
		}
		if j < len(body) {
			b = append(b, body[j])
			j++
		}
		i = j
	}
	return string(b)
}

// sameTree reports where a and b differ ("" when they do not); it also checks that a string
// marked plain is printable ASCII with nothing to escape.
func sameTree(a, b *jv, path string) string {
	if a.k != b.k || a.s != b.s || len(a.keys) != len(b.keys) || len(a.vals) != len(b.vals) || (a.vals == nil) != (b.vals == nil) {
		return path
	}
	if a.plain {
		for i := 0; i < len(a.s); i++ {
			if c := a.s[i]; c < 0x20 || c >= 0x80 || c == '"' || c == '\\' {
				return path + " (plain)"
			}
		}
	}
	for i := range a.keys {
		if a.keys[i] != b.keys[i] {
			return path + "." + a.keys[i]
		}
	}
	for i := range a.vals {
		if d := sameTree(&a.vals[i], &b.vals[i], path+"/"+string(rune('0'+i%10))); d != "" {
			return d
		}
	}
	return ""
}

// TestParseMatchesJsontext: the one-pass parser builds the tree the jsontext decoder does,
// on the pinned cases of jsontree_test.go and on each capture's JSON attributes.
func TestParseMatchesJsontext(t *testing.T) {
	for _, s := range parseSeeds {
		checkAgainstJsontext(t, s)
	}
}

func checkAgainstJsontext(t *testing.T, s string) {
	t.Helper()
	got, ok := parseJSON(s)
	want, wantOK := refParse(s)
	if ok != wantOK {
		t.Fatalf("parseJSON(%q) ok=%v, the jsontext tree ok=%v", s, ok, wantOK)
	}
	if d := sameTree(&got, &want, "$"); ok && d != "" {
		t.Fatalf("parseJSON(%q) differs from the jsontext tree at %s", s, d)
	}
}

var parseSeeds = []string{
	`[{"role":"user","parts":[{"type":"text","content":"hi"}]}]`, `{"a":[1,-0.5e+3,true,false,null,{"b":"c"}]}`,
	`[1,]`, `{"a":1,"a":2}`, `[{"role":"user","content":"trunc`, `["\ud800\u0041","\udc00"]`, "[\"\xff\\n\"]",
	` [ "a\/b" , {"":""} ] `, `"\u2028"`, `01`, `1e400`, "[\"a\xffb\"]", "[\"\\ud83d\xff\\ude00\"]",
	`"\ud800\ud800\udc00"`, `"\ud83d\ude00"`, `"a\u0000b"`, `{"k":"v\"w"}`, "\"\xe2\x80\xa8\"", `[1 2]`, `{1:2}`,
	`"unterminated`, `"\u12"`, `[-]`, `[1.]`, `[1e]`, `[-01]`, `[1E+]`, `{"a" : { } , "b" : [ ] }`, "\xef\xbb\xbf[]",
	`"` + strings.Repeat("plain text ", 10) + `"`, `"` + strings.Repeat("tab\there", 5) + `"`,
}

// FuzzParseJSONAgainstJsontext: on any input the one-pass parser accepts exactly what the
// jsontext decoder accepts and builds the same tree.
func FuzzParseJSONAgainstJsontext(f *testing.F) {
	for _, s := range parseSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		checkAgainstJsontext(t, s)
	})
}
