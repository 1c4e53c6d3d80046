package mapping

import (
	"encoding/base64"
	"encoding/json"
	"strings"
	"testing"
)

// Large base64 payloads become references (issue 10, item 8). The payload is the 1 536
// bytes 0x00…0xff six times; its SHA-256 was computed apart (Python hashlib). The shapes
// are each API's own: the gen_ai BlobPart (semconv gen-ai-input-messages.json), OpenAI's
// image_url content part with a data URL (Chat Completions API "image_url"), Anthropic's
// image block with a base64 source (Messages API "source": {"type":"base64", "media_type",
// "data"}), Genkit's media part ({"media":{"url","contentType"}}, genkit ai package Part).
const (
	blobSHA  = "fe7f957aec14d14f8f5e13959eaf70a8db4981e64f4828af5b05378277f6e514"
	smallB64 = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIjJCUmJygpKissLS4vMDEyMzQ1Njc4OTo7PD0+P0BBQkNERUZHSElKS0xNTk9QUVJTVFVWV1hZWltcXV5fYGFiYw=="
)

var bigB64 = func() string {
	b := make([]byte, 0, 1536)
	for i := 0; i < 6; i++ {
		for j := 0; j < 256; j++ {
			b = append(b, byte(j))
		}
	}
	return base64.StdEncoding.EncodeToString(b)
}()

func TestRedactBlobs(t *testing.T) {
	ref := `{"type":"blob","mime_type":"image/png","bytes":1536,"sha256":"` + blobSHA + `"}`
	cases := []struct{ name, in, want string }{
		{"gen_ai blob part",
			`{"messages":[{"role":"user","parts":[{"type":"text","content":"What is in this image?"},{"type":"blob","mime_type":"image/png","modality":"image","content":"` + bigB64 + `"}]}]}`,
			`{"messages":[{"role":"user","parts":[{"type":"text","content":"What is in this image?"},{"type":"blob","mime_type":"image/png","modality":"image","bytes":1536,"sha256":"` + blobSHA + `"}]}]}`},
		{"openai image_url data URL",
			`[{"role":"user","content":[{"type":"text","text":"Describe it"},{"type":"image_url","image_url":{"url":"data:image/png;base64,` + bigB64 + `","detail":"low"}}]}]`,
			`[{"role":"user","content":[{"type":"text","text":"Describe it"},{"type":"image_url","image_url":{"url":` + ref + `,"detail":"low"}}]}]`},
		{"anthropic base64 source",
			`{"role":"user","content":[{"type":"image","source":{"type":"base64","media_type":"image/png","data":"` + bigB64 + `"}},{"type":"text","text":"Describe it"}]}`,
			`{"role":"user","content":[{"type":"image","source":` + ref + `},{"type":"text","text":"Describe it"}]}`},
		{"genkit media data URL",
			`{"role":"user","content":[{"media":{"url":"data:image/png;base64,` + bigB64 + `","contentType":"image/png"}},{"text":"Describe it"}]}`,
			`{"role":"user","content":[{"media":{"url":` + ref + `,"contentType":"image/png"}},{"text":"Describe it"}]}`},
	}
	for _, c := range cases {
		if got := string(redactBlobs([]byte(c.in))); got != c.want {
			t.Errorf("%s:\n got %s\nwant %s", c.name, got, c.want)
		}
	}
	// Kept as they are: small payloads, URIs, file ids, invalid base64.
	for _, in := range []string{
		`{"parts":[{"type":"blob","mime_type":"image/png","modality":"image","content":"` + smallB64 + `"}],"pad":"` + strings.Repeat("x", 2048) + `"}`,
		`{"parts":[{"type":"uri","modality":"image","uri":"https://example.com/cat.png"},{"type":"file","modality":"image","file_id":"file-abc123"}],"pad":"` + strings.Repeat("base64", 400) + `"}`,
		`{"type":"blob","content":"` + strings.Repeat("!", 2048) + `"}`,
	} {
		if got := string(redactBlobs([]byte(in))); got != in {
			t.Errorf("changed:\n got %.200s\nwant %.200s", got, in)
		}
	}
}

// Through the mapping: an image in a model call's input is a reference, and the text
// around it is not truncated, although the image alone is over the input cap.
func TestImageInputNotTruncated(t *testing.T) {
	msgs := `[{"role":"user","parts":[{"type":"text","content":"What is in this image?"},{"type":"blob","mime_type":"image/png","modality":"image","content":"` + bigB64 + `"}]}]`
	ev := mapOne(t, MapOptions{MaxInputBytes: 1024}, newSpan(1, 0, "chat gpt-4o", str("gen_ai.operation.name", "chat"),
		str("gen_ai.request.model", "gpt-4o"), str("gen_ai.input.messages", msgs)))[0]
	want := `{"messages":[{"role":"user","content":[{"type":"text","content":"What is in this image?"},{"type":"blob","mime_type":"image/png","modality":"image","bytes":1536,"sha256":"` + blobSHA + `"}]}]}`
	if string(ev.Input) != want || ev.Metadata.Get("truncated") != nil {
		t.Errorf("input %s truncated %v\nwant %s", ev.Input, ev.Metadata.Get("truncated"), want)
	}
}

// FuzzRedactBlobs: on any input redactBlobs never panics, keeps valid JSON valid and is
// idempotent.
func FuzzRedactBlobs(f *testing.F) {
	f.Add(`{"type":"blob","mime_type":"image/png","content":"` + bigB64 + `"}`)
	f.Add(`{"url":"data:image/png;base64,` + bigB64 + `"}`)
	f.Add(`[{"type":"base64","media_type":"image/jpeg","data":"` + bigB64 + `"},"` + strings.Repeat("base64", 300) + `"]`)
	f.Fuzz(func(t *testing.T, s string) {
		out := redactBlobs([]byte(s))
		if json.Valid([]byte(s)) && !json.Valid(out) {
			t.Fatalf("invalid JSON out of valid JSON:\n%s", out)
		}
		if again := redactBlobs(out); string(again) != string(out) {
			t.Fatalf("not idempotent:\n%s\n%s", out, again)
		}
	})
}
