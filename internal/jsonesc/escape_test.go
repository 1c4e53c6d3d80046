package jsonesc

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

// encodingJSONString is what encoding/json writes for s with HTML escaping off.
func encodingJSONString(t testing.TB, s string) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(s); err != nil {
		t.Fatal(err)
	}
	return strings.TrimSuffix(b.String(), "\n")
}

// TestAppendJSONStringMatchesEncodingJSON: the package's one string escaper (used by the
// mapper's tree and streaming paths and by TraceEvent.AppendJSON) writes every ASCII byte,
// invalid UTF-8, U+2028 / U+2029 and multi-byte text exactly as encoding/json does — alone
// and inside runs long enough for the eight-byte skip.
func TestAppendJSONStringMatchesEncodingJSON(t *testing.T) {
	var cases []string
	for c := range 0x80 {
		cases = append(cases, string(rune(c)), "abcdefgh"+string(rune(c))+"ijklmnopq")
	}
	cases = append(cases, "", "\b\f\n\r\t", "\xff", "a\xc3", "\xe2\x80", "\u2028\u2029", "é日本🙂",
		"<script>&amp;</script>", strings.Repeat("plain ascii ", 20)+"\x7f\b")
	for _, s := range cases {
		got := string(AppendString(nil, s))
		if want := encodingJSONString(t, s); got != want {
			t.Errorf("AppendString(%q) = %s, encoding/json writes %s", s, got, want)
		}
	}
}

// FuzzAppendJSONString: same as above for any string.
func FuzzAppendJSONString(f *testing.F) {
	f.Add("ctl \b\f\x00\x1f \"q\" \\ \xff \u2028 é")
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := string(AppendString(nil, s)), encodingJSONString(t, s); got != want {
			t.Fatalf("AppendString(%q) = %s, encoding/json writes %s", s, got, want)
		}
	})
}
