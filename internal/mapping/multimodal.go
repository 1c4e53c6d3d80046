package mapping

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"strconv"
	"strings"

	"github.com/llmtrace/llmtrace/internal/jsonesc"
)

// Multimodal content never ships as a payload (issue 10, item 8): in an event's input and
// output, every base64 payload that decodes to more than maxInlineBlobBytes is replaced by
// a reference {"type":"blob","mime_type","bytes","sha256"} (bytes: the decoded size;
// sha256: hex of the decoded bytes), before the input / output caps apply, so the text
// around an image is never truncated because of it. URIs and file ids are kept. The
// payloads recognised:
//   - the gen_ai BlobPart {"type":"blob","mime_type","modality","content":<base64>}
//     (semconv gen-ai-input-messages.json / gen-ai-output-messages.json): the part keeps
//     its other members, "content" becomes "bytes" and "sha256";
//   - Anthropic's base64 source {"type":"base64","media_type","data"} (Messages API image
//     and document blocks) → the reference;
//   - a data URL "data:<mime>;base64,<data>" anywhere (RFC 2397): OpenAI's
//     {"type":"image_url","image_url":{"url":"data:…"}} and input_audio, Genkit's
//     {"media":{"url":"data:…","contentType"}}, … → the reference in place of the string.

// maxInlineBlobBytes is the largest decoded payload kept inline, bytes.
const maxInlineBlobBytes = 1 << 10

// maxBlobDepth bounds the nesting redactBlobs walks; deeper values are kept as they are.
const maxBlobDepth = 64

// redactBlobs returns v (one JSON value) with its large base64 payloads replaced (see
// above); v itself when it holds none, is not valid JSON, or is too small to.
func redactBlobs(v []byte) []byte {
	if len(v) <= maxInlineBlobBytes || !(bytes.Contains(v, []byte("base64")) || bytes.Contains(v, []byte(`"blob"`))) {
		return v
	}
	out, changed, ok := rewriteBlobs(nil, v, 0)
	if !ok || !changed {
		return v
	}
	return out
}

type member struct {
	key string
	val json.RawMessage
}

// rewriteBlobs appends raw with its payloads replaced; ok is false for invalid JSON.
func rewriteBlobs(dst, raw []byte, depth int) (out []byte, changed, ok bool) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return dst, false, false
	}
	if depth >= maxBlobDepth || len(raw) <= maxInlineBlobBytes {
		return append(dst, raw...), false, true
	}
	switch raw[0] {
	case '"':
		var s string
		if json.Unmarshal(raw, &s) != nil {
			return dst, false, false
		}
		if mime, data, isURL := dataURL(s); isURL {
			if ref, ok := blobRef(nil, mime, data); ok {
				return append(dst, ref...), true, true
			}
		}
		return append(dst, raw...), false, true
	case '[':
		var elems []json.RawMessage
		if json.Unmarshal(raw, &elems) != nil {
			return dst, false, false
		}
		dst = append(dst, '[')
		for i, e := range elems {
			if i > 0 {
				dst = append(dst, ',')
			}
			var c bool
			if dst, c, ok = rewriteBlobs(dst, e, depth+1); !ok {
				return dst, false, false
			}
			changed = changed || c
		}
		return append(dst, ']'), changed, true
	case '{':
		members, ok := objectMembers(raw)
		if !ok {
			return dst, false, false
		}
		if ref, ok := blobObject(members); ok {
			return append(dst, ref...), true, true
		}
		dst = append(dst, '{')
		for i, m := range members {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = jsonesc.AppendString(dst, m.key)
			dst = append(dst, ':')
			var c bool
			if dst, c, ok = rewriteBlobs(dst, m.val, depth+1); !ok {
				return dst, false, false
			}
			changed = changed || c
		}
		return append(dst, '}'), changed, true
	}
	return append(dst, raw...), false, true
}

// objectMembers returns a JSON object's members in order.
func objectMembers(raw []byte) ([]member, bool) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return nil, false
	}
	var ms []member
	for dec.More() {
		t, err := dec.Token()
		k, isKey := t.(string)
		if err != nil || !isKey {
			return nil, false
		}
		var v json.RawMessage
		if dec.Decode(&v) != nil {
			return nil, false
		}
		ms = append(ms, member{k, v})
	}
	if t, err := dec.Token(); err != nil || t != json.Delim('}') {
		return nil, false
	}
	return ms, true
}

func memberString(ms []member, key string) (string, bool) {
	for _, m := range ms {
		if m.key == key {
			var s string
			if json.Unmarshal(m.val, &s) == nil {
				return s, true
			}
			return "", false
		}
	}
	return "", false
}

// blobObject returns the replacement of a gen_ai BlobPart or an Anthropic base64 source
// whose payload is over the limit; ok is false otherwise.
func blobObject(ms []member) ([]byte, bool) {
	typ, _ := memberString(ms, "type")
	switch typ {
	case "blob": // gen_ai BlobPart: keep the part, drop the content
		data, ok := memberString(ms, "content")
		if !ok {
			return nil, false
		}
		n, sum, ok := decodeBlob(data)
		if !ok || n <= maxInlineBlobBytes {
			return nil, false
		}
		out := []byte{'{'}
		for _, m := range ms {
			if m.key == "content" {
				continue
			}
			out = jsonesc.AppendString(out, m.key)
			out = append(out, ':')
			out = append(out, m.val...)
			out = append(out, ',')
		}
		out = append(out, `"bytes":`...)
		out = strconv.AppendInt(out, int64(n), 10)
		out = append(out, `,"sha256":`...)
		out = jsonesc.AppendString(out, sum)
		return append(out, '}'), true
	case "base64": // Anthropic source
		data, ok := memberString(ms, "data")
		if !ok {
			return nil, false
		}
		mime, _ := memberString(ms, "media_type")
		return blobRef(nil, mime, data)
	}
	return nil, false
}

// blobRef appends the reference of a base64 payload over the limit; ok is false when
// data is not base64 or not over the limit.
func blobRef(dst []byte, mime, data string) ([]byte, bool) {
	n, sum, ok := decodeBlob(data)
	if !ok || n <= maxInlineBlobBytes {
		return dst, false
	}
	dst = append(dst, `{"type":"blob","mime_type":`...)
	dst = jsonesc.AppendString(dst, mime)
	dst = append(dst, `,"bytes":`...)
	dst = strconv.AppendInt(dst, int64(n), 10)
	dst = append(dst, `,"sha256":`...)
	dst = jsonesc.AppendString(dst, sum)
	return append(dst, '}'), true
}

// decodeBlob decodes base64 (standard or URL alphabet, padded or not, line breaks
// ignored) and returns the decoded size and its SHA-256 in hex.
func decodeBlob(data string) (int, string, bool) {
	if len(data) < maxInlineBlobBytes { // base64 is longer than what it encodes
		return 0, "", false
	}
	if strings.ContainsAny(data, "\r\n") {
		data = strings.NewReplacer("\r", "", "\n", "").Replace(data)
	}
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		if b, err := enc.DecodeString(data); err == nil {
			sum := sha256.Sum256(b)
			return len(b), hex.EncodeToString(sum[:]), true
		}
	}
	return 0, "", false
}

// dataURL splits a base64 data URL (RFC 2397 "data:[<mediatype>][;base64],<data>") into
// its media type (parameters dropped) and data.
func dataURL(s string) (mime, data string, ok bool) {
	if len(s) < 5 || !strings.EqualFold(s[:5], "data:") {
		return "", "", false
	}
	comma := strings.IndexByte(s, ',')
	if comma < 0 {
		return "", "", false
	}
	head := s[5:comma]
	if !strings.HasSuffix(strings.ToLower(head), ";base64") {
		return "", "", false
	}
	head = head[:len(head)-len(";base64")]
	if i := strings.IndexByte(head, ';'); i >= 0 {
		head = head[:i]
	}
	return head, s[comma+1:], true
}
