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
