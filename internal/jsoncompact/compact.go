// Package jsoncompact checks and compacts already-encoded JSON exactly as encoding/json
// does for a json.RawMessage it marshals (with HTML escaping off): it accepts what
// encoding/json's scanner accepts — one JSON value (RFC 8259 grammar) with white space
// around and between tokens, nesting up to 10 000 levels, duplicate object names, and
// strings with invalid UTF-8 or lone surrogate escapes, copied as written — and writes it
// without the white space outside strings, every string and number as written.
//
// Append is written by hand for one case only: input that is already compact (what the
// mapper builds for TraceEvent.Input / Output and json.RawMessage metadata), which it
// validates in one pass and copies. Anything else (white space, nesting deeper than
// 256 levels, invalid input) goes to go-json-experiment's jsontext.AppendFormat, which
// also gives the errors. BenchmarkAppend (compact_bench_test.go) measures it in one run on
// the 1.5 KB input of platform's BenchmarkEncodeEvent (medians of 7 rounds, 2 CPUs, load ≈ 3):
// on compact input Append takes 0.59 µs, jsontext.AppendFormat with the same options 2.1×
// that, encoding/json's json.Compact 8.7× and json.Valid + json.Compact 16×, none
// allocating (since then scanString takes a string of more than a word whole, through
// bytes.IndexByte: 0.515 -> 0.447 µs, medians of 6 runs each in one session; hasControl
// without bounds checks: 0.370 -> 0.269 µs of CPU, make bench-ab, 6 rounds, load ≈ 2); on indented
// input Append is jsontext.AppendFormat (the scan stops at the first white space). TestAppendMatchesEncodingJSON and FuzzAppend
// (compact_test.go) compare it with encoding/json and with jsontext.AppendFormat.
package jsoncompact

import (
	"bytes"
	"encoding/binary"
	"math/bits"

	"github.com/go-json-experiment/json/jsontext"

	"github.com/llmtrace/llmtrace/internal/jsonesc"
)

// options make jsontext accept what encoding/json accepts in a json.RawMessage (duplicate
// object names, invalid UTF-8 and lone surrogate escapes inside strings) and keep every
// string as written, as json.Compact does.
var options = []jsontext.Options{jsontext.AllowDuplicateNames(true), jsontext.AllowInvalidUTF8(true),
	jsontext.PreserveRawStrings(true)}

// Append appends raw to dst compacted, as encoding/json writes a json.RawMessage without
// HTML escaping, and returns the extended slice. When raw is not valid JSON it returns dst
// unchanged and jsontext.AppendFormat's error (a *jsontext.SyntacticError).
func Append(dst, raw []byte) ([]byte, error) {
	if end, ok := scanCompact(raw, 0, 0); ok && end == len(raw) {
		return append(dst, raw...), nil
	}
	out, err := jsontext.AppendFormat(dst, raw, options...)
	if err != nil {
		return dst, err
	}
	return out, nil
}

// maxScanDepth bounds scanCompact's recursion; deeper input takes jsontext's path.
const maxScanDepth = 256

// scanCompact reports whether raw[i:] starts with one valid JSON value written without any
// white space outside strings, and where it ends. It accepts a subset of what
// encoding/json accepts (false means "not sure", never "valid").
func scanCompact(raw []byte, i, depth int) (int, bool) {
	if i >= len(raw) || depth > maxScanDepth {
		return i, false
	}
	switch c := raw[i]; {
	case c == '"':
		return scanString(raw, i)
	case c == '{':
		i++
		if i < len(raw) && raw[i] == '}' {
			return i + 1, true
		}
		for {
			if i >= len(raw) || raw[i] != '"' {
				return i, false
			}
			var ok bool
			if i, ok = scanString(raw, i); !ok || i >= len(raw) || raw[i] != ':' {
				return i, false
			}
			if i, ok = scanCompact(raw, i+1, depth+1); !ok || i >= len(raw) {
				return i, false
			}
			switch raw[i] {
			case ',':
				i++
			case '}':
				return i + 1, true
			default:
				return i, false
			}
		}
	case c == '[':
		i++
		if i < len(raw) && raw[i] == ']' {
			return i + 1, true
		}
		for {
			var ok bool
			if i, ok = scanCompact(raw, i, depth+1); !ok || i >= len(raw) {
				return i, false
			}
			switch raw[i] {
			case ',':
				i++
			case ']':
				return i + 1, true
			default:
				return i, false
			}
		}
	case c == 't':
		return scanWord(raw, i, "true")
	case c == 'f':
		return scanWord(raw, i, "false")
	case c == 'n':
		return scanWord(raw, i, "null")
	case c == '-' || c >= '0' && c <= '9':
		return scanNumber(raw, i)
	}
	return i, false
}

func scanWord(raw []byte, i int, w string) (int, bool) {
	if len(raw)-i >= len(w) && string(raw[i:i+len(w)]) == w {
		return i + len(w), true
	}
	return i, false
}

// StringEnd checks the JSON string starting at raw[i] == '"' as encoding/json's scanner
// does (scanString) and returns the index just past its closing quote; false when it is not
// a valid string (unterminated, a control byte, a bad escape). The reader of tool calls
// (internal/mapping/toolcalls_read.go) checks strings with it.
func StringEnd(raw []byte, i int) (int, bool) { return scanString(raw, i) }

// scanString checks the string starting at raw[i] == '"' as encoding/json's scanner does:
// no control bytes, only the escapes \" \\ \/ \b \f \n \r \t \uXXXX; other bytes (even
// invalid UTF-8) are accepted as they are.
//
// A string that ends within its first word is read from that word alone; a longer one is
// first tried whole: its closing quote and any backslash found with bytes.IndexByte (vector
// instructions), the body then checked a word at a time for control bytes only; a string
// with a backslash (or a control byte) takes the loop below.
func scanString(raw []byte, i int) (int, bool) {
	i++
	if i+8 <= len(raw) {
		if m := jsonesc.Special8(binary.LittleEndian.Uint64(raw[i:])); m == 0 {
			if n := bytes.IndexByte(raw[i+8:], '"'); n >= 0 {
				body := raw[i : i+8+n]
				if bytes.IndexByte(body, '\\') < 0 && !hasControl(body) {
					return i + 8 + n + 1, true
				}
			}
		} else if n := bits.TrailingZeros64(m) / 8; raw[i+n] == '"' {
			// A short string ends within the word: its first flagged byte (the lowest is
			// exact) is the closing quote.
			return i + n + 1, true
		}
	}
	for i < len(raw) {
		for i+8 <= len(raw) && jsonesc.Special8(binary.LittleEndian.Uint64(raw[i:])) == 0 {
			i += 8
		}
		if i >= len(raw) {
			break
		}
		c := raw[i]
		switch {
		case c == '"':
			return i + 1, true
		case c == '\\':
			if i+1 >= len(raw) {
				return i, false
			}
			switch raw[i+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				i += 2
			case 'u':
				if i+6 > len(raw) || !isHex(raw[i+2]) || !isHex(raw[i+3]) || !isHex(raw[i+4]) || !isHex(raw[i+5]) {
					return i, false
				}
				i += 6
			default:
				return i, false
			}
		case c < 0x20:
			return i, false
		default:
			i++
		}
	}
	return i, false
}

// hasControl reports whether b holds a byte < 0x20.
//
// The loops step b forward (b = b[32:]) rather than index it, so that the compiler proves
// every load in bounds: no bounds check per word.
func hasControl(b []byte) bool {
	var ctl uint64
	for len(b) >= 32 {
		x0, x1 := binary.LittleEndian.Uint64(b[0:8]), binary.LittleEndian.Uint64(b[8:16])
		x2, x3 := binary.LittleEndian.Uint64(b[16:24]), binary.LittleEndian.Uint64(b[24:32])
		ctl |= (x0-0x2020202020202020)&^x0 | (x1-0x2020202020202020)&^x1 |
			(x2-0x2020202020202020)&^x2 | (x3-0x2020202020202020)&^x3
		b = b[32:]
	}
	for len(b) >= 8 {
		x := binary.LittleEndian.Uint64(b[0:8])
		ctl |= (x - 0x2020202020202020) &^ x
		b = b[8:]
	}
	for _, c := range b {
		x := uint64(c)
		ctl |= (x - 0x20) &^ x
	}
	return ctl&0x8080808080808080 != 0
}

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

// scanNumber checks -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? at raw[i].
func scanNumber(raw []byte, i int) (int, bool) {
	digits := func() int {
		n := 0
		for i < len(raw) && raw[i] >= '0' && raw[i] <= '9' {
			i++
			n++
		}
		return n
	}
	if raw[i] == '-' {
		i++
	}
	if i < len(raw) && raw[i] == '0' {
		i++
	} else if digits() == 0 {
		return i, false
	}
	if i < len(raw) && raw[i] == '.' {
		i++
		if digits() == 0 {
			return i, false
		}
	}
	if i < len(raw) && (raw[i] == 'e' || raw[i] == 'E') {
		i++
		if i < len(raw) && (raw[i] == '+' || raw[i] == '-') {
			i++
		}
		if digits() == 0 {
			return i, false
		}
	}
	return i, true
}
