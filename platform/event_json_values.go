package platform

import (
	"bytes"
	"encoding/json"
	"math"
	"math/bits"
	"reflect"
	"strconv"
	"time"

	"github.com/go-json-experiment/json/jsontext"

	"github.com/llmtrace/llmtrace/internal/jsoncompact"
	"github.com/llmtrace/llmtrace/internal/jsonesc"
)

// appendTimeJSON writes t as time.Time.MarshalJSON does: RFC 3339 with nanoseconds in t's
// zone, by time.Time.AppendText, which refuses what MarshalJSON refuses (a year outside
// 0–9999, a zone offset of 24 hours or more); the error is MarshalJSON's.
func appendTimeJSON(dst []byte, t time.Time) ([]byte, error) {
	out, err := t.AppendText(append(dst, '"'))
	if err != nil {
		if _, jerr := t.MarshalJSON(); jerr != nil {
			err = jerr
		}
		return dst, &json.MarshalerError{Type: reflect.TypeFor[time.Time](), Err: err}
	}
	return append(out, '"'), nil
}

// appendFloatJSON writes f as encoding/json does: 'f' format unless |f| < 1e-6 or ≥ 1e21,
// then 'e' with a two-digit exponent shortened (1e-07 → 1e-7); NaN and ±Inf fail.
func appendFloatJSON(dst []byte, f float64, bits int) ([]byte, error) {
	if math.IsInf(f, 0) || math.IsNaN(f) {
		return dst, &json.UnsupportedValueError{Value: reflect.ValueOf(f), Str: strconv.FormatFloat(f, 'g', -1, bits)}
	}
	abs := math.Abs(f)
	format := byte('f')
	if abs != 0 {
		if bits == 64 && (abs < 1e-6 || abs >= 1e21) || bits == 32 && (float32(abs) < 1e-6 || float32(abs) >= 1e21) {
			format = 'e'
		}
	}
	dst = strconv.AppendFloat(dst, f, format, -1, bits)
	if format == 'e' {
		n := len(dst)
		if n >= 4 && dst[n-4] == 'e' && dst[n-3] == '-' && dst[n-2] == '0' {
			dst[n-2] = dst[n-1]
			dst = dst[:n-1]
		}
	}
	return dst, nil
}

func appendStrings(dst []byte, ss []string) []byte {
	dst = append(dst, '[')
	for i, s := range ss {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = jsonesc.AppendString(dst, s)
	}
	return append(dst, ']')
}

// appendRawJSON writes already-encoded JSON as encoding/json writes a json.RawMessage
// without HTML escaping: compacted, strings and numbers as written, and refused when not
// valid. internal/jsoncompact does the check and the compaction: compact input (what the
// mapper builds) by one hand-written validating pass, which its BenchmarkAppend measures
// at half go-json-experiment's jsontext.AppendFormat time; anything else by jsontext.
func appendRawJSON(dst, raw []byte) ([]byte, error) {
	out, err := jsoncompact.Append(dst, raw)
	if err != nil {
		return dst, &json.MarshalerError{Type: reflect.TypeFor[json.RawMessage](), Err: err}
	}
	return out, nil
}

// appendNumber writes a json.Number as encoding/json does: "" as 0, a valid JSON number as
// written; anything else fails (through encoding/json, for its error).
func appendNumber(dst []byte, n json.Number) ([]byte, error) {
	if n == "" {
		return append(dst, '0'), nil
	}
	// One valid JSON value that starts with '-' or a digit and ends with a digit is a number
	// with no white space around it.
	if first, last := n[0], n[len(n)-1]; (first == '-' || isDigit(first)) && isDigit(last) &&
		jsontext.Value(n).IsValid() {
		return append(dst, n...), nil
	}
	return appendFallback(dst, n)
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// maxAnyDepth bounds the recursion over nested metadata maps and slices; deeper values
// (and cycles) go to encoding/json, which reports a cycle as an error.
const maxAnyDepth = 64

// appendAnyMap writes m as encoding/json writes a map[string]any: keys sorted bytewise.
// The entries are read once (no lookup per key) into stack arrays for up to maxInlineKeys
// keys and sorted there by insertion on their first eight bytes as a word (keyWord), the
// rest of the key only on a tie; BenchmarkEncodeEvent measures it (19 keys).
func appendAnyMap(dst []byte, m map[string]any, depth int) ([]byte, error) {
	if m == nil {
		return append(dst, "null"...), nil
	}
	if depth > maxAnyDepth {
		return appendFallback(dst, m)
	}
	if len(m) > maxInlineKeys {
		return appendAnyMapLarge(dst, m, depth)
	}
	// Keys, their first eight bytes as words and a permutation, on the stack; the sort
	// moves (word, index) pairs, the values are read back from vals.
	var keys [maxInlineKeys]string
	var vals [maxInlineKeys]any
	var ws [maxInlineKeys]uint64
	var ord [maxInlineKeys]uint8
	n := 0
	for k, v := range m {
		keys[n], vals[n], ws[n], ord[n] = k, v, keyWord(k), uint8(n)
		n++
	}
	for i := 1; i < n; i++ {
		x, w := ord[i], ws[i]
		j := i
		for j > 0 && (w < ws[j-1] || w == ws[j-1] && keys[x] < keys[ord[j-1]]) {
			ord[j], ws[j] = ord[j-1], ws[j-1]
			j--
		}
		ord[j], ws[j] = x, w
	}
	dst = append(dst, '{')
	var err error
	for i := 0; i < n; i++ {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = jsonesc.AppendString(dst, keys[ord[i]])
		dst = append(dst, ':')
		if dst, err = appendAny(dst, vals[ord[i]], depth+1); err != nil {
			return dst, err
		}
	}
	return append(dst, '}'), nil
}

// appendMetadata writes m as encoding/json writes the equivalent map[string]any: an
// object, keys in order. A sorted m with each key once (what the methods and the mapping
// build) is written as it is, after one pass that checks the order; any other is written
// from a normalized copy (Metadata.Normalize: sorted, the last value of a duplicated key).
// Deeper than maxAnyDepth it fails as encoding/json fails on a cycle (a Metadata has no
// pointer encoding/json could follow; its MarshalJSON would start over at depth 0).
func appendMetadata(dst []byte, m Metadata, depth int) ([]byte, error) {
	if m == nil {
		return append(dst, "null"...), nil
	}
	if depth > maxAnyDepth {
		return dst, &json.UnsupportedValueError{Value: reflect.ValueOf(m), Str: "encountered a cycle via platform.Metadata"}
	}
	if !m.sorted() {
		m = m.Clone().normalized()
	}
	dst = append(dst, '{')
	var err error
	for i := range m {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = jsonesc.AppendString(dst, m[i].Key)
		dst = append(dst, ':')
		if dst, err = appendAny(dst, m[i].Value, depth+1); err != nil {
			return dst, err
		}
	}
	return append(dst, '}'), nil
}

// maxInlineKeys is the largest map appendAnyMap sorts on the stack.
const maxInlineKeys = 48

// appendAnyMapLarge is appendAnyMap for maps of more than maxInlineKeys keys: the entries
// sorted by key (MetadataFromMap), written as a Metadata.
func appendAnyMapLarge(dst []byte, m map[string]any, depth int) ([]byte, error) {
	return appendMetadata(dst, MetadataFromMap(m), depth)
}

// keyWord returns the first eight bytes of k as a big-endian word, zero-padded: a smaller
// word means a smaller key; equal words leave the order to the whole keys (a key shorter
// than eight bytes ties with itself followed by NUL bytes).
func keyWord(k string) uint64 {
	if len(k) >= 8 {
		return bits.ReverseBytes64(jsonesc.Load8(k, 0))
	}
	var w uint64
	for i := 0; i < len(k); i++ {
		w |= uint64(k[i]) << (56 - 8*i)
	}
	return w
}

// appendAny writes one metadata value as encoding/json writes it in an interface: the
// common dynamic types directly, anything else through encoding/json.
func appendAny(dst []byte, v any, depth int) ([]byte, error) {
	switch x := v.(type) {
	case nil:
		return append(dst, "null"...), nil
	case string:
		return jsonesc.AppendString(dst, x), nil
	case bool:
		return strconv.AppendBool(dst, x), nil
	case int:
		return strconv.AppendInt(dst, int64(x), 10), nil
	case int64:
		return strconv.AppendInt(dst, x, 10), nil
	case int32:
		return strconv.AppendInt(dst, int64(x), 10), nil
	case uint64:
		return strconv.AppendUint(dst, x, 10), nil
	case uint32:
		return strconv.AppendUint(dst, uint64(x), 10), nil
	case uint:
		return strconv.AppendUint(dst, uint64(x), 10), nil
	case float64:
		return appendFloatJSON(dst, x, 64)
	case float32:
		return appendFloatJSON(dst, float64(x), 32)
	case json.Number:
		return appendNumber(dst, x)
	case json.RawMessage:
		if x == nil {
			return append(dst, "null"...), nil
		}
		return appendRawJSON(dst, x)
	case map[string]any:
		return appendAnyMap(dst, x, depth)
	case Metadata:
		return appendMetadata(dst, x, depth)
	case []any:
		if x == nil {
			return append(dst, "null"...), nil
		}
		if depth > maxAnyDepth {
			return appendFallback(dst, x)
		}
		dst = append(dst, '[')
		var err error
		for i, e := range x {
			if i > 0 {
				dst = append(dst, ',')
			}
			if dst, err = appendAny(dst, e, depth+1); err != nil {
				return dst, err
			}
		}
		return append(dst, ']'), nil
	case []string:
		if x == nil {
			return append(dst, "null"...), nil
		}
		return appendStrings(dst, x), nil
	}
	return appendFallback(dst, v)
}

// appendFallback encodes v with encoding/json (HTML escaping off), for the types
// appendAny does not know and for its error messages.
func appendFallback(dst []byte, v any) ([]byte, error) {
	buf := bytes.NewBuffer(dst)
	enc := json.NewEncoder(buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return dst, err
	}
	out := buf.Bytes()
	return out[:len(out)-1], nil // Encode appends a newline
}
