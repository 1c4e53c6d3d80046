package mapping

import (
	"encoding/base64"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/llmtrace/llmtrace/internal/jsonesc"
)

// appendJV writes v as JSON.
func appendJV(dst []byte, v *jv) []byte {
	switch v.k {
	case 'o':
		dst = append(dst, '{')
		for i := range v.keys {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = jsonesc.AppendString(dst, v.keys[i])
			dst = append(dst, ':')
			dst = appendJV(dst, &v.vals[i])
		}
		return append(dst, '}')
	case 'a':
		dst = append(dst, '[')
		for i := range v.vals {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = appendJV(dst, &v.vals[i])
		}
		return append(dst, ']')
	case 's':
		if v.plain {
			dst = append(dst, '"')
			dst = append(dst, v.s...)
			return append(dst, '"')
		}
		return jsonesc.AppendString(dst, v.s)
	case 'n':
		return append(dst, v.s...)
	case 't':
		return append(dst, "true"...)
	case 'f':
		return append(dst, "false"...)
	}
	return append(dst, "null"...)
}

// appendValue writes an attribute value as JSON: strings as strings (never parsed), maps
// as objects, lists as arrays, bytes as base64, non-finite doubles as strings.
func appendValue(dst []byte, v Value, depth int) []byte {
	switch v.Kind() {
	case ValueStr:
		return jsonesc.AppendString(dst, v.Str())
	case ValueBool:
		return strconv.AppendBool(dst, v.Bool())
	case ValueInt:
		return strconv.AppendInt(dst, v.Int(), 10)
	case ValueDouble:
		return appendFloat(dst, v.Double())
	case ValueBytes:
		dst = append(dst, '"')
		dst = base64.StdEncoding.AppendEncode(dst, v.Bytes())
		return append(dst, '"')
	case ValueList:
		l := v.List()
		if l == nil || depth > maxJSONDepth {
			return append(dst, "[]"...)
		}
		dst = append(dst, '[')
		for i := 0; i < l.Len(); i++ {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = appendValue(dst, l.At(i), depth+1)
		}
		return append(dst, ']')
	case ValueMap:
		return appendMapValue(dst, v.Map(), depth)
	}
	return append(dst, "null"...)
}

// appendMapValue is appendValue of a map value: in a function of its own, since the Range
// closure moves dst to the heap for every kind of value otherwise (go build -gcflags=-m).
func appendMapValue(dst []byte, m Map, depth int) []byte {
	if m == nil || depth > maxJSONDepth {
		return append(dst, "{}"...)
	}
	dst = append(dst, '{')
	first := true
	m.Range(func(k string, e Value) bool {
		if !first {
			dst = append(dst, ',')
		}
		first = false
		dst = jsonesc.AppendString(dst, k)
		dst = append(dst, ':')
		dst = appendValue(dst, e, depth+1)
		return true
	})
	return append(dst, '}')
}

func appendFloat(dst []byte, f float64) []byte {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return jsonesc.AppendString(dst, strconv.FormatFloat(f, 'g', -1, 64))
	}
	return strconv.AppendFloat(dst, f, 'g', -1, 64)
}

// valueJV converts an attribute value to a jv. Strings that look like a JSON object or array
// are parsed leniently (kept as the raw string when they don't parse) when parse is set.
func valueJV(v Value, parse bool, depth int) jv {
	switch v.Kind() {
	case ValueStr:
		s := v.Str()
		if parse && looksLikeJSON(s) {
			if j, ok := parseJSON(s); ok {
				return j
			}
		}
		return jv{k: 's', s: s}
	case ValueBool:
		if v.Bool() {
			return jv{k: 't'}
		}
		return jv{k: 'f'}
	case ValueInt:
		return jv{k: 'n', s: strconv.FormatInt(v.Int(), 10)}
	case ValueDouble:
		f := v.Double()
		if math.IsNaN(f) || math.IsInf(f, 0) {
			return jv{k: 's', s: strconv.FormatFloat(f, 'g', -1, 64)}
		}
		return jv{k: 'n', s: strconv.FormatFloat(f, 'g', -1, 64)}
	case ValueBytes:
		return jv{k: 's', s: base64.StdEncoding.EncodeToString(v.Bytes())}
	case ValueList:
		out := jv{k: 'a', vals: []jv{}}
		if l := v.List(); l != nil && depth <= maxJSONDepth {
			for i := 0; i < l.Len(); i++ {
				out.vals = append(out.vals, valueJV(l.At(i), parse, depth+1))
			}
		}
		return out
	case ValueMap:
		return mapJV(v.Map(), parse, depth)
	}
	return jv{k: 'z'}
}

// mapJV is valueJV of a map value, in a function of its own (see appendMapValue).
func mapJV(m Map, parse bool, depth int) jv {
	out := jv{k: 'o'}
	if m != nil && depth <= maxJSONDepth {
		m.Range(func(k string, e Value) bool {
			out.keys = append(out.keys, k)
			out.vals = append(out.vals, valueJV(e, parse, depth+1))
			return true
		})
	}
	return out
}

// valueString returns a scalar value as text ("" for lists, maps and empty values).
func valueString(v Value) string {
	switch v.Kind() {
	case ValueStr:
		return v.Str()
	case ValueInt:
		return strconv.FormatInt(v.Int(), 10)
	case ValueDouble:
		return strconv.FormatFloat(v.Double(), 'g', -1, 64)
	case ValueBool:
		return strconv.FormatBool(v.Bool())
	}
	return ""
}

// valueInt returns a token count: ints, integral doubles and decimal strings; ok false
// otherwise or when negative.
func valueInt(v Value) (int64, bool) {
	switch v.Kind() {
	case ValueInt:
		return v.Int(), v.Int() >= 0
	case ValueDouble:
		f := v.Double()
		if f >= 0 && f < 1<<53 && f == math.Trunc(f) {
			return int64(f), true
		}
	case ValueStr:
		n, err := strconv.ParseInt(strings.TrimSpace(v.Str()), 10, 64)
		return n, err == nil && n >= 0
	}
	return 0, false
}

// valueFloat returns a finite number ≥ 0 (cost in USD).
func valueFloat(v Value) (float64, bool) {
	var f float64
	switch v.Kind() {
	case ValueInt:
		f = float64(v.Int())
	case ValueDouble:
		f = v.Double()
	case ValueStr:
		var err error
		if f, err = strconv.ParseFloat(strings.TrimSpace(v.Str()), 64); err != nil {
			return 0, false
		}
	default:
		return 0, false
	}
	if math.IsNaN(f) || math.IsInf(f, 0) || f < 0 {
		return 0, false
	}
	return f, true
}

// truncateUTF8 cuts s to at most n bytes on a rune boundary.
func truncateUTF8(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}
