package mapping

import (
	"math/bits"
	"strings"
	"unicode/utf8"

	"github.com/llmtrace/llmtrace/internal/jsonesc"
)

// The parser reads the document in one recursive-descent pass over its text (RFC 8259
// grammar, what encoding/json's Valid accepts, plus invalid UTF-8 inside strings): no token
// objects, no copy of the source, strings without escapes as substrings of it, and each
// string marked plain when it is printable ASCII without escapes, so appendJV copies it
// between quotes instead of escaping it again. It replaced the go-json-experiment jsontext
// Decoder driven token by token (issue 21: 21 % of BenchmarkMapChatSpan went to reading
// tokens); FuzzParseJSON holds it to encoding/json and FuzzParseJSONAgainstJsontext
// (jsonscan_test.go) to the tree the jsontext decoder builds. A quicker pass before it
// (count) only counts the members of each object and array, so that the recursive pass
// writes each member once, into its place (jsonParser, jsontree.go).

// skipSpace moves past JSON white space.
func (p *jsonParser) skipSpace() {
	for p.pos < len(p.s) {
		switch p.s[p.pos] {
		case ' ', '\t', '\n', '\r':
			p.pos++
		default:
			return
		}
	}
}

// count reads the document's structure ahead of the parse, in one quick pass that skips
// strings with strings.IndexByte: p.counts[i] becomes the number of members of the i-th
// object or array to open, and p.nv, p.nk the members of all of them (values, object
// names), so that value can write every member straight into its place in the slabs. On a
// valid document the counts are exact; count fails only on documents the parse refuses
// (an unterminated string, a closing bracket without an opening one, a container left open,
// nesting deeper than maxJSONDepth); on other invalid documents the counts may be wrong,
// which value notices (a container with another number of members than counted) and
// refuses, as it refuses the document anyway.
func (p *jsonParser) count() bool {
	s := p.s
	counts, open := p.counts[:0], p.open[:0]
	nv, nk := 0, 0
	for i := p.pos; i < len(s); i++ {
		switch c := s[i]; c {
		case '"':
			j := i + 1
			for {
				n := strings.IndexByte(s[j:], '"')
				if n < 0 {
					return false
				}
				j += n
				k := j // an escaped quote has an odd number of backslashes before it
				for s[k-1] == '\\' {
					k--
				}
				if (j-k)%2 == 0 {
					break
				}
				j++
			}
			i = j
		case '{', '[':
			if len(open) > maxJSONDepth {
				return false
			}
			closing := byte(']')
			if c == '{' {
				closing = '}'
			}
			k := i + 1
			for k < len(s) && (s[k] == ' ' || s[k] == '\t' || s[k] == '\n' || s[k] == '\r') {
				k++
			}
			n := int32(0)
			if k < len(s) && s[k] != closing {
				n = 1
			}
			idx := int32(len(counts))
			counts = append(counts, n)
			if c == '{' {
				idx = ^idx // an object: its names count too
			}
			open = append(open, idx)
		case '}', ']':
			if len(open) == 0 {
				return false
			}
			idx := open[len(open)-1]
			open = open[:len(open)-1]
			if idx < 0 {
				nk += int(counts[^idx])
				nv += int(counts[^idx])
			} else {
				nv += int(counts[idx])
			}
		case ',':
			if len(open) > 0 {
				idx := open[len(open)-1]
				if idx < 0 {
					idx = ^idx
				}
				counts[idx]++
			}
		}
	}
	p.counts, p.open, p.nv, p.nk = counts, open, nv, nk
	return len(open) == 0
}

// members returns the next n slots of the values (and, for an object, the names) reserved
// for this document, for the container that opens next (the ci-th), which count says has
// n members; ok false when the reservation runs out (a document count misread).
func (p *jsonParser) members(object bool) (vals []jv, keys []string, n int, ok bool) {
	if p.ci >= len(p.counts) {
		return nil, nil, 0, false
	}
	n = int(p.counts[p.ci])
	p.ci++
	if p.vi+n > len(p.vres) || object && p.ki+n > len(p.kres) {
		return nil, nil, 0, false
	}
	vals = p.vres[p.vi : p.vi+n : p.vi+n]
	p.vi += n
	if object {
		keys = p.kres[p.ki : p.ki+n : p.ki+n]
		p.ki += n
	}
	return vals, keys, n, true
}

// value reads the value at p.pos (white space before it already skipped), at nesting depth
// depth (the top level is 0), into *v (zero); the members of objects and arrays go straight
// into the slots count reserved for them.
func (p *jsonParser) value(v *jv, depth int) bool {
	if depth > maxJSONDepth || p.pos >= len(p.s) {
		return false
	}
	switch c := p.s[p.pos]; c {
	case '{':
		if p.empty('}') {
			v.k = 'o'
			return true
		}
		vals, keys, n, ok := p.members(true)
		if !ok {
			return false
		}
		for i := 0; ; i++ {
			if i >= n || p.pos >= len(p.s) || p.s[p.pos] != '"' {
				return false
			}
			key, _, ok := p.str()
			if !ok {
				return false
			}
			keys[i] = key
			p.skipSpace()
			if p.pos >= len(p.s) || p.s[p.pos] != ':' {
				return false
			}
			p.pos++
			p.skipSpace()
			if !p.value(&vals[i], depth+1) {
				return false
			}
			if done, ok := p.afterMember('}', i, n); !ok {
				return false
			} else if done {
				break
			}
		}
		v.k, v.keys, v.vals = 'o', keys, vals
		return true
	case '[':
		if p.empty(']') {
			v.k, v.vals = 'a', []jv{}
			return true
		}
		vals, _, n, ok := p.members(false)
		if !ok {
			return false
		}
		for i := 0; ; i++ {
			if i >= n || !p.value(&vals[i], depth+1) {
				return false
			}
			if done, ok := p.afterMember(']', i, n); !ok {
				return false
			} else if done {
				break
			}
		}
		v.k, v.vals = 'a', vals
		return true
	case '"':
		s, plain, ok := p.str()
		v.k, v.s, v.plain = 's', s, plain
		return ok
	case 't':
		v.k = 't'
		return p.literal("true")
	case 'f':
		v.k = 'f'
		return p.literal("false")
	case 'n':
		v.k = 'z'
		return p.literal("null")
	default:
		if c == '-' || c >= '0' && c <= '9' {
			start := p.pos
			if !p.number() {
				return false
			}
			v.k, v.s = 'n', p.s[start:p.pos]
			return true
		}
	}
	return false
}

// empty steps over the opening byte at p.pos and the white space after it, and reports
// whether closing comes next: an empty object or array (counted by the count pass, with no
// members), which it steps over too.
func (p *jsonParser) empty(closing byte) bool {
	p.pos++
	p.skipSpace()
	if p.pos < len(p.s) && p.s[p.pos] == closing {
		p.pos++
		p.ci++
		return true
	}
	return false
}

// afterMember reads what follows a member of an object or array: the closing byte (done)
// or a ',' and the white space after it; anything else refuses the document, as does a
// closing byte after member i (0-based) of a container the count pass found n members in.
func (p *jsonParser) afterMember(closing byte, i, n int) (done, ok bool) {
	p.skipSpace()
	if p.pos >= len(p.s) {
		return false, false
	}
	switch p.s[p.pos] {
	case closing:
		p.pos++
		return true, i+1 == n // the count pass said n members
	case ',':
		p.pos++
		p.skipSpace()
		return false, true
	}
	return false, false
}

// literal reads lit (true, false, null) at p.pos.
func (p *jsonParser) literal(lit string) bool {
	if len(p.s)-p.pos < len(lit) || p.s[p.pos:p.pos+len(lit)] != lit {
		return false
	}
	p.pos += len(lit)
	return true
}

// number reads a JSON number at p.pos (numberEnd).
func (p *jsonParser) number() bool {
	i, ok := numberEnd(p.s, p.pos)
	if ok {
		p.pos = i
	}
	return ok
}

// numberEnd checks the JSON number -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? at s[i]
// and returns where it ends (the parser's and toolcalls_read.go's).
func numberEnd[T ~string | ~[]byte](s T, i int) (int, bool) {
	if s[i] == '-' {
		i++
	}
	switch {
	case i < len(s) && s[i] == '0':
		i++
	case i < len(s) && s[i] >= '1' && s[i] <= '9':
		for i++; i < len(s) && s[i] >= '0' && s[i] <= '9'; i++ {
		}
	default:
		return i, false
	}
	if i < len(s) && s[i] == '.' {
		i++
		if i >= len(s) || s[i] < '0' || s[i] > '9' {
			return i, false
		}
		for i++; i < len(s) && s[i] >= '0' && s[i] <= '9'; i++ {
		}
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		if i >= len(s) || s[i] < '0' || s[i] > '9' {
			return i, false
		}
		for i++; i < len(s) && s[i] >= '0' && s[i] <= '9'; i++ {
		}
	}
	return i, true
}

// swarMSB has the high bit of each byte of a word set.
const swarMSB = 0x8080808080808080

// str reads the string at p.pos (its opening quote) and returns its text: the source
// between the quotes when it has no escapes (plain when that is also all ASCII), else the
// decoded text. Control bytes refuse the document; invalid UTF-8 is kept byte for byte.
// The closing quote and any backslash are found with strings.IndexByte (vector
// instructions); the body is then checked eight bytes at a time for control bytes.
func (p *jsonParser) str() (s string, plain, ok bool) {
	src := p.s
	start := p.pos + 1
	if start+8 <= len(src) {
		// A short string (most names and many values: "role", "user", "text") ends within
		// the first word: the first byte that is a control byte, '"' or '\\' is then its
		// closing quote (the lowest flagged byte is exact), and nothing before it needs care.
		x := jsonesc.Load8(src, start)
		if m := jsonesc.Special8(x); m != 0 {
			if n := bits.TrailingZeros64(m) / 8; src[start+n] == '"' {
				p.pos = start + n + 1
				return src[start : start+n], x&(1<<(8*n)-1)&swarMSB == 0, true
			}
		}
	}
	n := strings.IndexByte(src[start:], '"')
	if n < 0 {
		return "", false, false
	}
	body := src[start : start+n]
	if strings.IndexByte(body, '\\') >= 0 {
		return p.escaped(start) // the quote found may be escaped; control bytes checked there
	}
	var ctl, high uint64
	i := 0
	for ; i+8 <= len(body); i += 8 {
		x := jsonesc.Load8(body, i)
		ctl |= (x - 0x2020202020202020) &^ x
		high |= x
	}
	for ; i < len(body); i++ {
		x := uint64(body[i])
		ctl |= (x - 0x20) &^ x
		high |= x
	}
	if ctl&swarMSB != 0 {
		return "", false, false // a control byte (< 0x20)
	}
	p.pos = start + n + 1
	return body, high&swarMSB == 0, true
}

// escaped reads a string with escapes whose body starts at start, byte by byte.
func (p *jsonParser) escaped(start int) (string, bool, bool) {
	src, i := p.s, start
	b := p.esc[:0]
	for i < len(src) {
		c := src[i]
		switch {
		case c == '"':
			p.pos = i + 1
			p.esc = b
			return string(b), false, true
		case c < 0x20:
			return "", false, false
		case c != '\\':
			b = append(b, c)
			i++
			continue
		}
		if i+1 >= len(src) {
			return "", false, false
		}
		switch e := src[i+1]; e {
		case '"', '\\', '/':
			b = append(b, e)
		case 'b':
			b = append(b, '\b')
		case 'f':
			b = append(b, '\f')
		case 'n':
			b = append(b, '\n')
		case 'r':
			b = append(b, '\r')
		case 't':
			b = append(b, '\t')
		case 'u':
			r, ok := hex4(src, i+2)
			if !ok {
				return "", false, false
			}
			i += 6
			if utf16IsHigh(r) {
				// A pair needs the low half in the very next escape; anything else leaves
				// the high half alone: U+FFFD.
				if lo, ok := hex4(src, i+2); ok && i+1 < len(src) && src[i] == '\\' && src[i+1] == 'u' && utf16IsLow(lo) {
					b = utf8.AppendRune(b, 0x10000+(r-0xd800)<<10+(lo-0xdc00))
					i += 6
					continue
				}
				r = utf8.RuneError
			} else if utf16IsLow(r) {
				r = utf8.RuneError
			}
			b = utf8.AppendRune(b, r)
			continue
		default:
			return "", false, false
		}
		i += 2
	}
	return "", false, false
}

// hex4 reads the four hex digits of a \u escape at s[i:].
func hex4(s string, i int) (rune, bool) {
	if i+4 > len(s) {
		return 0, false
	}
	var r rune
	for _, c := range []byte(s[i : i+4]) {
		switch {
		case c >= '0' && c <= '9':
			c -= '0'
		case c >= 'a' && c <= 'f':
			c -= 'a' - 10
		case c >= 'A' && c <= 'F':
			c -= 'A' - 10
		default:
			return 0, false
		}
		r = r<<4 | rune(c)
	}
	return r, true
}

func utf16IsHigh(r rune) bool { return r >= 0xd800 && r < 0xdc00 }
func utf16IsLow(r rune) bool  { return r >= 0xdc00 && r < 0xe000 }
