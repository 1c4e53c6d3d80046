// Package jsonesc is the one JSON string escaper of the module. Every string the mapper
// writes into Input, Output and metadata JSON, and every string field
// platform.TraceEvent.AppendJSON writes, goes through AppendString, so
// both write strings as encoding/json does with HTML escaping off (escape_test.go compares
// with encoding/json; platform/event_json_test.go compares whole events).
//
// It is written by hand because no library writes these bytes: go-json-experiment's
// jsontext.AppendQuote leaves U+2028 / U+2029 unescaped, and every jsontext path (the
// Encoder with EscapeForJS too) writes invalid UTF-8 as a raw U+FFFD where encoding/json
// writes \ufffd; encoding/json has no function for one string (its Encoder adds a newline
// and allocates). BenchmarkAppendString (escape_bench_test.go)
// measures it in one run on about 2 KB of each kind of text (medians of 8 rounds, 2 CPUs):
// against AppendString, jsontext.AppendQuote takes 1.9× on ASCII prose, 0.9× on mixed
// non-ASCII prose and 1.1× on text with many escapes; encoding/json's Encoder 2.9×, 1.2×
// and 0.9× (TestBenchEscapersAgree checks the bytes).
package jsonesc

import "unicode/utf8"

// AppendString writes s as a JSON string exactly as encoding/json does without HTML
// escaping: \" \\ \b \f \n \r \t, other control bytes as \u00XX (lower-case hex), invalid
// UTF-8 as \ufffd byte by byte, U+2028 / U+2029 escaped, everything else (including "<",
// ">", "&" and valid non-ASCII) as it is.
func AppendString(dst []byte, s string) []byte {
	dst = append(dst, '"')
	dst = appendStringBody(dst, s)
	return append(dst, '"')
}

// appendStringBody is AppendString without the quotes.
func appendStringBody(dst []byte, s string) []byte {
	start := 0
	for i := 0; i < len(s); {
		if i+8 <= len(s) && plainASCII8(Load8(s, i)) {
			i += 8
			continue
		}
		// The next eight bytes (or the rest) have something to look at: take them one
		// character at a time before trying a whole word again.
		for end := min(i+8, len(s)); i < end; {
			c := s[i]
			if c < utf8.RuneSelf {
				if c >= 0x20 && c != '"' && c != '\\' {
					i++
					continue
				}
				dst = append(dst, s[start:i]...)
				switch c {
				case '"', '\\':
					dst = append(dst, '\\', c)
				case '\b':
					dst = append(dst, '\\', 'b')
				case '\f':
					dst = append(dst, '\\', 'f')
				case '\n':
					dst = append(dst, '\\', 'n')
				case '\r':
					dst = append(dst, '\\', 'r')
				case '\t':
					dst = append(dst, '\\', 't')
				default:
					dst = append(dst, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
				}
				i++
				start = i
				continue
			}
			if n := plainMultiByte(s, i); n > 0 {
				i += n
				continue
			}
			r, size := utf8.DecodeRuneInString(s[i:])
			switch {
			case r == utf8.RuneError && size == 1:
				dst = append(dst, s[start:i]...)
				dst = append(dst, `\ufffd`...)
			case r == '\u2028' || r == '\u2029':
				dst = append(dst, s[start:i]...)
				dst = append(dst, '\\', 'u', '2', '0', '2', hexDigits[r&0xf])
			default:
				i += size
				continue
			}
			i += size
			start = i
		}
	}
	return append(dst, s[start:]...)
}

// plainMultiByte returns the length of the valid two- or three-byte UTF-8 character at
// s[i] when it needs no escape (it is not U+2028 or U+2029), else 0: the common non-ASCII
// characters (accented Latin, Greek, Cyrillic, CJK, punctuation) without a call to
// utf8.DecodeRuneInString.
func plainMultiByte(s string, i int) int {
	c := s[i]
	switch {
	case c >= 0xc2 && c < 0xe0:
		if i+1 < len(s) && s[i+1]&0xc0 == 0x80 {
			return 2
		}
	case c >= 0xe0 && c < 0xf0:
		if i+2 >= len(s) {
			return 0
		}
		c1, c2 := s[i+1], s[i+2]
		lo, hi := byte(0x80), byte(0xbf)
		switch c {
		case 0xe0:
			lo = 0xa0 // no overlong forms
		case 0xed:
			hi = 0x9f // no surrogates
		case 0xe2:
			if c1 == 0x80 && c2&^1 == 0xa8 {
				return 0 // U+2028, U+2029
			}
		}
		if c1 >= lo && c1 <= hi && c2&0xc0 == 0x80 {
			return 3
		}
	}
	return 0
}

const hexDigits = "0123456789abcdef"

// Eight bytes at a time (SWAR): the string loops skip runs of bytes that need no care.
const (
	swarLSB = 0x0101010101010101
	// swarMSB has the top bit of each byte: x&swarMSB is non-zero when a byte of x is ≥ 0x80.
	swarMSB = 0x8080808080808080
)

// Load8 returns s[i:i+8] as a little-endian word.
func Load8(s string, i int) uint64 {
	s = s[i : i+8]
	return uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24 |
		uint64(s[4])<<32 | uint64(s[5])<<40 | uint64(s[6])<<48 | uint64(s[7])<<56
}

// Special8 is non-zero when a byte of x is a control byte (< 0x20), '"' or '\\'.
func Special8(x uint64) uint64 {
	q := x ^ (swarLSB * '"')
	b := x ^ (swarLSB * '\\')
	return ((x-swarLSB*0x20)&^x | (q-swarLSB)&^q | (b-swarLSB)&^b) & swarMSB
}

// plainASCII8 reports whether the 8 bytes of x are ASCII a JSON string carries as they
// are (no control byte, '"', '\\' or byte ≥ 0x80).
func plainASCII8(x uint64) bool { return Special8(x)|x&swarMSB == 0 }
