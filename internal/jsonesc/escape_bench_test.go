package jsonesc

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	jsonv2 "github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
)

// benchStrings are the three kinds of text the mapper and the encoder escape, about 2 KB
// each: plain ASCII prose (most message content), mixed non-ASCII prose (accents, CJK,
// emoji) and text with many escapes (code and JSON inside a string: quotes, backslashes,
// newlines, tabs).
func benchStrings() map[string]string {
	return map[string]string{
		"ascii":   strings.Repeat("The customer asks about their order status and delivery window. ", 32),
		"mixed":   strings.Repeat("Größe und Lieferzeit? 配送状況を確認してください。 Merci 🙂 — café. ", 26),
		"escapes": strings.Repeat("{\"role\":\"tool\",\n\t\"path\":\"C:\\\\tmp\\\\x\",\"q\":\"a \\\"b\\\"\"}\r\n", 40),
	}
}

// escapeViaJSONTextOpts make a jsontext.Encoder quote strings as AppendString does, but for
// invalid UTF-8 (a raw U+FFFD instead of \ufffd): U+2028 / U+2029 escaped, HTML kept.
var escapeViaJSONTextOpts = jsonv2.JoinOptions(jsontext.EscapeForJS(true), jsontext.EscapeForHTML(false),
	jsontext.AllowInvalidUTF8(true))

// BenchmarkAppendString escapes each kind of text four ways in one run: AppendString, the
// library's jsontext.AppendQuote (which leaves U+2028 / U+2029 unescaped: other bytes), a
// jsontext.Encoder writing a string token with EscapeForJS (the library's way to those
// bytes) and encoding/json's Encoder with SetEscapeHTML(false), all into reused buffers.
func BenchmarkAppendString(b *testing.B) {
	for name, s := range benchStrings() {
		b.Run(name+"/jsonesc.AppendString", func(b *testing.B) {
			var dst []byte
			b.SetBytes(int64(len(s)))
			b.ReportAllocs()
			for b.Loop() {
				dst = AppendString(dst[:0], s)
			}
		})
		b.Run(name+"/jsontext.AppendQuote", func(b *testing.B) {
			var dst []byte
			b.SetBytes(int64(len(s)))
			b.ReportAllocs()
			for b.Loop() {
				dst, _ = jsontext.AppendQuote(dst[:0], s)
			}
		})
		b.Run(name+"/jsontext.Encoder", func(b *testing.B) {
			var buf bytes.Buffer
			enc := jsontext.NewEncoder(&buf, escapeViaJSONTextOpts)
			b.SetBytes(int64(len(s)))
			b.ReportAllocs()
			for b.Loop() {
				buf.Reset()
				enc.Reset(&buf, escapeViaJSONTextOpts)
				if err := enc.WriteToken(jsontext.String(s)); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(name+"/encoding-json.Encoder", func(b *testing.B) {
			var buf bytes.Buffer
			enc := json.NewEncoder(&buf)
			enc.SetEscapeHTML(false)
			b.SetBytes(int64(len(s)))
			b.ReportAllocs()
			for b.Loop() {
				buf.Reset()
				if err := enc.Encode(s); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// TestBenchEscapersAgree: on BenchmarkAppendString's texts the four escapers write the same
// bytes; where go-json-experiment differs from AppendString (and encoding/json) is U+2028 /
// U+2029, which jsontext.AppendQuote leaves as they are, and invalid UTF-8, which every
// jsontext path writes as a raw U+FFFD instead of \ufffd.
func TestBenchEscapersAgree(t *testing.T) {
	viaEncoder := func(s string) string {
		var buf bytes.Buffer
		if err := jsontext.NewEncoder(&buf, escapeViaJSONTextOpts).WriteToken(jsontext.String(s)); err != nil {
			t.Fatal(err)
		}
		return strings.TrimSuffix(buf.String(), "\n")
	}
	quote := func(s string) string {
		b, _ := jsontext.AppendQuote(nil, s)
		return string(b)
	}
	for name, s := range benchStrings() {
		want := string(AppendString(nil, s))
		if got := encodingJSONString(t, s); got != want {
			t.Errorf("%s: encoding/json differs", name)
		}
		if got := quote(s); got != want {
			t.Errorf("%s: jsontext.AppendQuote differs", name)
		}
		if got := viaEncoder(s); got != want {
			t.Errorf("%s: jsontext.Encoder differs", name)
		}
	}
	if got, want := quote("a\u2028b"), "\"a\u2028b\""; got != want {
		t.Errorf("jsontext.AppendQuote(U+2028) = %q, want %q", got, want)
	}
	if got, want := viaEncoder("a\u2028b\xff"), "\"a\\u2028b\ufffd\""; got != want {
		t.Errorf("jsontext.Encoder = %q, want %q", got, want)
	}
	if got, want := string(AppendString(nil, "a\u2028b\xff")), `"a\u2028b\ufffd"`; got != want {
		t.Errorf("AppendString = %q, want %q", got, want)
	}
}
