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
// mapper and by TraceEvent.AppendJSON) writes every ASCII byte,
// invalid UTF-8, U+2028 / U+2029 and multi-byte text exactly as encoding/json does — alone
// and inside runs long enough for the eight-byte skip.
func TestAppendJSONStringMatchesEncodingJSON(t *testing.T) {
	var cases []string
	for c := range 0x80 {
		cases = append(cases, string(rune(c)), "abcdefgh"+string(rune(c))+"ijklmnopq")
	}
	cases = append(cases, "", "\b\f\n\r\t", "\xff", "a\xc3", "\xe2\x80", "\u2028\u2029", "é日本🙂",
		"<script>&amp;</script>", strings.Repeat("plain ascii ", 20)+"\x7f\b")
	// The edges of the two- and three-byte characters taken without decoding: the smallest
	// and largest valid ones, overlong forms, surrogates, bad or missing continuation bytes,
	// the neighbours of U+2028 / U+2029.
	for _, c := range []string{"\xc2\x80", "\xdf\xbf", "\xc0\x80", "\xc1\xbf", "\xc2", "\xc2\x41", "\xc2\xc0",
		"\xe0\xa0\x80", "\xe0\x9f\xbf", "\xe0\x80\x80", "\xed\x9f\xbf", "\xed\xa0\x80", "\xed\xbf\xbf", "\xee\x80\x80",
		"\xef\xbf\xbf", "\xe1\x80", "\xe1\x80\x41", "\xe1\x41\x80", "\xe2\x80\xa7", "\xe2\x80\xa8", "\xe2\x80\xa9",
		"\xe2\x80\xaa", "\xe2\x81\xa8", "\xe3\x80\xa8", "\xf0\x9f\x99\x82", "\xf4\x90\x80\x80"} {
		cases = append(cases, c, "ab"+c, c+"z", "abcdefgh"+c+"ijklmnop")
	}
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
