package mapping

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"io"
	"strconv"
	"strings"
	"sync"

	"github.com/go-json-experiment/json/jsontext"

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
	if len(v) <= maxInlineBlobBytes || !(containsAt(v, "base64", 4) || containsAt(v, `"blob"`, 1)) {
		return v
	}
	raw, ok := oneValue(v)
	if !ok {
		return v
	}
	out, changed := rewriteBlobs(nil, raw, 0)
	if !changed {
		return v
	}
	return out
}

// decodeOptions make the decoder as lenient as the mapping's parser (jsontree.go).
var decodeOptions = []jsontext.Options{jsontext.AllowDuplicateNames(true), jsontext.AllowInvalidUTF8(true)}

// blobDecoder is a jsontext decoder with the buffer it reads in place.
type blobDecoder struct {
	d   jsontext.Decoder
	src bytes.Buffer
}

// blobDecoders keeps the decoders redactBlobs reads values with (one per nesting level).
var blobDecoders = sync.Pool{New: func() any { return new(blobDecoder) }}

func getBlobDecoder(v []byte) *blobDecoder {
	b := blobDecoders.Get().(*blobDecoder)
	b.src = *bytes.NewBuffer(v)
	b.d.Reset(&b.src, decodeOptions...)
	return b
}

// put pools b, without its reference to the value it read.
func (b *blobDecoder) put() {
	b.src = bytes.Buffer{}
	b.d.Reset(&b.src)
	blobDecoders.Put(b)
}

// readValues reads raw, an array or object the decoder has checked (oneValue), calling f
// for each element (name nil) or member (name: the member name as a JSON string).
func readValues(raw []byte, f func(name, val jsontext.Value)) {
	b := getBlobDecoder(raw)
	defer b.put()
	b.d.ReadToken() // '{' or '['
	for k := b.d.PeekKind(); k != '}' && k != ']' && k != 0; k = b.d.PeekKind() {
		var name jsontext.Value
		if raw[0] == '{' {
			name, _ = b.d.ReadValue()
		}
		val, _ := b.d.ReadValue()
		f(name, val)
	}
}

// oneValue returns v without surrounding white space when it is one JSON value (checked by
// the jsontext decoder, as leniently as the mapping parses).
func oneValue(v []byte) (jsontext.Value, bool) {
	b := getBlobDecoder(v)
	defer b.put()
	raw, err := b.d.ReadValue()
	if err != nil {
		return nil, false
	}
	if _, err := b.d.ReadToken(); err != io.EOF {
		return nil, false
	}
	return raw, true
}

// unquote returns the text of a JSON string the decoder has checked (invalid UTF-8 and lone
// surrogates as U+FFFD, as encoding/json reads them).
func unquote(raw []byte) string {
	b, _ := jsontext.AppendUnquote(nil, raw)
	return string(b)
}

type member struct {
	key string
	val jsontext.Value
}

// rewriteBlobs appends raw, one JSON value the decoder has checked, with its payloads
// replaced; changed reports whether one was. Values nested maxBlobDepth deep or more, and
// values too small to hold a payload, are copied as they are.
func rewriteBlobs(dst, raw []byte, depth int) (out []byte, changed bool) {
	if depth >= maxBlobDepth || len(raw) <= maxInlineBlobBytes {
		return append(dst, raw...), false
	}
	switch raw[0] {
	case '"':
		if mime, data, isURL := dataURL(unquote(raw)); isURL {
			if ref, ok := blobRef(dst, mime, data); ok {
				return ref, true
			}
		}
	case '[':
		dst = append(dst, '[')
		n := 0
		readValues(raw, func(_, e jsontext.Value) {
			if n > 0 {
				dst = append(dst, ',')
			}
			n++
			var c bool
			dst, c = rewriteBlobs(dst, e, depth+1)
			changed = changed || c
		})
		return append(dst, ']'), changed
	case '{':
		var members []member
		readValues(raw, func(name, val jsontext.Value) {
			members = append(members, member{unquote(name), val})
		})
		if ref, ok := blobObject(members); ok {
			return append(dst, ref...), true
		}
		dst = append(dst, '{')
		for i, m := range members {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = jsonesc.AppendString(dst, m.key)
			dst = append(dst, ':')
			var c bool
			dst, c = rewriteBlobs(dst, m.val, depth+1)
			changed = changed || c
		}
		return append(dst, '}'), changed
	}
	return append(dst, raw...), false
}

func memberString(ms []member, key string) (string, bool) {
	for _, m := range ms {
		if m.key == key {
			if m.val.Kind() == '"' {
				return unquote(m.val), true
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
