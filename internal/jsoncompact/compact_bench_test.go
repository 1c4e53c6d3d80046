package jsoncompact

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/go-json-experiment/json/jsontext"
)

// chatInput is the Input of platform's BenchmarkEncodeEvent (the chat span of
// internal/pdataview's BenchmarkMapChatSpan): 1.5 KB of compact JSON, as the mapper builds it.
func chatInput() []byte {
	para := strings.Repeat("The customer asks about their order status and delivery window. ", 7)
	return []byte(`{"messages":[{"role":"user","content":"` + para + `"},{"role":"assistant","content":"` +
		para + `"},{"role":"user","content":"` + para + `"}],"system":"You are a helpful support agent."}`)
}

// BenchmarkAppend checks and compacts one raw JSON value, compact (what the mapper builds)
// and indented (as a user would write it), in one run: Append, jsontext.AppendFormat with
// options, encoding/json's json.Compact (which validates as it goes) and json.Valid +
// json.Compact, each into a reused buffer.
func BenchmarkAppend(b *testing.B) {
	var indented bytes.Buffer
	if err := json.Indent(&indented, chatInput(), "", "  "); err != nil {
		b.Fatal(err)
	}
	for _, in := range []struct {
		name string
		raw  []byte
	}{{"compact", chatInput()}, {"indented", indented.Bytes()}} {
		raw := in.raw
		b.Run(in.name+"/Append", func(b *testing.B) {
			var dst []byte
			b.SetBytes(int64(len(raw)))
			b.ReportAllocs()
			for b.Loop() {
				var err error
				if dst, err = Append(dst[:0], raw); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(in.name+"/jsontext.AppendFormat", func(b *testing.B) {
			var dst []byte
			b.SetBytes(int64(len(raw)))
			b.ReportAllocs()
			for b.Loop() {
				var err error
				if dst, err = jsontext.AppendFormat(dst[:0], raw, options...); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(in.name+"/encoding-json.Compact", func(b *testing.B) {
			var dst bytes.Buffer
			b.SetBytes(int64(len(raw)))
			b.ReportAllocs()
			for b.Loop() {
				dst.Reset()
				if err := json.Compact(&dst, raw); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(in.name+"/encoding-json.Valid+Compact", func(b *testing.B) {
			var dst bytes.Buffer
			b.SetBytes(int64(len(raw)))
			b.ReportAllocs()
			for b.Loop() {
				dst.Reset()
				if !json.Valid(raw) {
					b.Fatal("invalid")
				}
				if err := json.Compact(&dst, raw); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
