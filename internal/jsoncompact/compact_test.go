package jsoncompact

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/go-json-experiment/json/jsontext"
)

// rawSamples are the inputs where a validator could disagree with encoding/json's scanner:
// duplicate names, invalid UTF-8 and lone surrogate escapes inside strings (encoding/json
// accepts them and copies the bytes), every escape, every kind of white space, nesting on
// either side of scanCompact's depth bound and of encoding/json's limit of 10 000, and
// malformed values.
func rawSamples() []string {
	deep := func(n int) string { return strings.Repeat("[", n) + strings.Repeat("]", n) }
	deepObj := func(n int) string { return strings.Repeat(`{"a":`, n) + "1" + strings.Repeat("}", n) }
	return []string{
		`{"a":1,"a":2}`, `{"a":{"b":1,"b":[1,1]}}`,
		"\"bad \xff\xfe utf8 \xc3\"", "[\"\xed\xa0\x80\"]", `"\ud800"`, `"\udc00\ud800x"`, `"\ud83d\ude00"`,
		`"\u0000 \/ \b\f\n\r\t \u00e9 \u00E9 \u2028 <>&"`, "\"raw \u2028\u2029 and \U0001f642\"",
		`"0123456789abcdef\"0123456789abcdef\\"`, `"` + strings.Repeat("long ASCII text ", 20) + `"`,
		" \t\r\n{ \"a\" :\t[ 1 ,\n2 ] }\r\n ", "[1, 2]", `{"a" :1}`, "1 ", " 1",
		"0", "-0", "0.5e-10", "1E+2", "-12.0e0", "123456789012345678901234567890", "-1.5E-07",
		"true", "false", "null", `""`, "[]", "{}", "[[],{},[{}]]", `[true,false,null,"x",1,{"k":[]}]`,
		deep(256), deep(257), deep(258), deepObj(257), deep(9999), deep(10000), deep(10001),
		// malformed
		"", " ", "{", "}", "[", "]", "[1,]", `{"a":1,}`, `{"a"}`, `{"a":}`, `{a:1}`, `{"a":1 "b":2}`, `{1:2}`,
		"01", "-01", "1.", ".5", "-", "+1", "1e", "1e+", "1.e5", "tru", "nul", "fals", "truex", "nulll", "[1]]",
		"[1 2]", `"a` + "\x01" + `"`, "\"a\x1f\"", `"\x"`, `"\u12"`, `"\u12g4"`, `"\`, `"abc`, "'a'", "1 2",
		"\x00", "\ufeff1", "[" + deep(256) + ",]", `{"a":1}{}`, "[1,2", `{"a":[1}`, `["a",]`, "NaN", "Infinity",
	}
}

// encodingJSON is what encoding/json writes for raw as a json.RawMessage without HTML
// escaping (Valid, then Compact), and whether it accepts it.
func encodingJSON(raw []byte) ([]byte, bool) {
	if !json.Valid(raw) {
		return nil, false
	}
	var buf bytes.Buffer
	if err := json.Compact(&buf, raw); err != nil {
		return nil, false
	}
	return buf.Bytes(), true
}

// check compares Append on raw with encoding/json and with jsontext.AppendFormat (the
// same options): the same bytes, or all three refuse it; a refusal leaves dst as it was.
func check(t *testing.T, raw []byte) {
	t.Helper()
	want, ok := encodingJSON(raw)
	lib, libErr := jsontext.AppendFormat(nil, raw, options...)
	got, err := Append([]byte("prefix"), raw)
	name := string(raw)
	if len(name) > 40 {
		name = name[:40]
	}
	if (err == nil) != ok {
		t.Fatalf("%q: Append error %v, encoding/json accepts: %v", name, err, ok)
	}
	if (libErr == nil) != ok {
		t.Fatalf("%q: jsontext.AppendFormat error %v, encoding/json accepts: %v", name, libErr, ok)
	}
	if err != nil {
		if string(got) != "prefix" {
			t.Fatalf("%q: failed Append appended %q", name, got[len("prefix"):])
		}
		if _, isSyntax := err.(*jsontext.SyntacticError); !isSyntax {
			t.Fatalf("%q: error %T, want *jsontext.SyntacticError", name, err)
		}
		return
	}
	if !bytes.Equal(got[len("prefix"):], want) {
		t.Fatalf("%q: Append wrote %q, encoding/json %q", name, got[len("prefix"):], want)
	}
	if !bytes.Equal(lib, want) {
		t.Fatalf("%q: jsontext.AppendFormat wrote %q, encoding/json %q", name, lib, want)
	}
}

// TestAppendMatchesEncodingJSON checks Append on rawSamples against encoding/json and
// jsontext.AppendFormat.
func TestAppendMatchesEncodingJSON(t *testing.T) {
	for _, raw := range rawSamples() {
		check(t, []byte(raw))
	}
}

// TestAppendCompactTakesScan: compact valid input below the depth bound is accepted by the
// hand-written scan itself (not the library behind it), and white space, deeper nesting and
// invalid input are left to the library.
func TestAppendCompactTakesScan(t *testing.T) {
	for _, raw := range []string{`{"a":[1,-2.5e3,true,null,"x\u00e9\n"],"a":{}}`, "\"\xff\"", strings.Repeat("[", 257) + strings.Repeat("]", 257)} {
		if end, ok := scanCompact([]byte(raw), 0, 0); !ok || end != len(raw) {
			t.Errorf("scanCompact(%.40q) = %d, %v; want %d, true", raw, end, ok, len(raw))
		}
	}
	for _, raw := range []string{"[1, 2]", " 1", "1 ", strings.Repeat("[", 258) + strings.Repeat("]", 258), "[1,]", `"\u12"`} {
		if end, ok := scanCompact([]byte(raw), 0, 0); ok && end == len(raw) {
			t.Errorf("scanCompact(%.40q) accepted it", raw)
		}
	}
}

// FuzzAppend compares Append with encoding/json and jsontext.AppendFormat on any input.
func FuzzAppend(f *testing.F) {
	for _, raw := range rawSamples() {
		if len(raw) < 1000 {
			f.Add([]byte(raw))
		}
	}
	f.Add(chatInput())
	f.Fuzz(func(t *testing.T, raw []byte) { check(t, raw) })
}
