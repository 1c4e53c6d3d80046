package platform_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/llmtrace/llmtrace/platform"
)

// TestAppendJSONRawValues checks Input, Output and json.RawMessage metadata against
// encoding/json where a library validator could disagree with encoding/json's scanner:
// duplicate names, invalid UTF-8 and lone surrogate escapes inside strings (encoding/json
// accepts them and copies the bytes), every kind of white space, nesting on either side of
// encoding/json's depth limit of 10 000 (counted from the event object), and malformed values (refused by both).
func TestAppendJSONRawValues(t *testing.T) {
	deep := func(n int) string { return strings.Repeat("[", n) + strings.Repeat("]", n) }
	raws := []string{
		`{"a":1,"a":2}`, `{"a":{"b":1,"b":[1,1]}}`,
		"\"bad \xff\xfe utf8 \xc3\"", "[\"\xed\xa0\x80\"]", `"\ud800"`, `"\udc00\ud800x"`, `"\ud83d\ude00"`,
		`"\u0000 \/ \b\f\n\r\t \u00e9 \u2028 <>&"`, "\"raw \u2028\u2029 and \U0001f642\"",
		" \t\r\n{ \"a\" :\t[ 1 ,\n2 ] }\r\n ", "-0", "0.5e-10", "1E+2", "-12.0e0", "123456789012345678901234567890",
		"true", "false", "null", `""`, "[]", "{}", "[[],{},[{}]]",
		deep(9998), deep(10001),
		// malformed
		"", " ", "{", "}", "[1,]", `{"a":1,}`, `{"a"}`, `{a:1}`, "01", "1.", ".5", "-", "+1", "1e", "tru", "nul",
		"[1 2]", `"a` + "\x01" + `"`, `"\x"`, `"\u12"`, `"\u12g4"`, "'a'", "[1]]", "1 2", "\x00", "\ufeff1",
	}
	for _, raw := range raws {
		name := raw
		if len(name) > 40 {
			name = name[:40]
		}
		ev := baseEvent()
		ev.Input = json.RawMessage(raw)
		checkSame(t, "input "+name, &ev)
		ev = baseEvent()
		ev.Metadata = platform.MetadataFromMap(map[string]any{"raw": json.RawMessage(raw)})
		checkSame(t, "metadata "+name, &ev)
	}
}

// TestAppendJSONNumbers checks json.Number metadata values against encoding/json: valid
// numbers as written, "" as 0, and every other string refused by both.
func TestAppendJSONNumbers(t *testing.T) {
	for _, n := range []string{"", "0", "-0", "1", "-12", "3.25", "1e5", "2E-3", "-4.5e+6",
		"123456789012345678901234567890", "01", "1.", ".5", "-", "+1", "1e", " 1", "1 ", "1,2", "[1]", `"1"`,
		"true", "null", "0x10", "NaN", "1_000", "١"} {
		ev := baseEvent()
		ev.Metadata = platform.MetadataFromMap(map[string]any{"n": json.Number(n)})
		checkSame(t, "json.Number "+n, &ev)
	}
}
