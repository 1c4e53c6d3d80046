package mapping

import (
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
// (jsonscan_test.go) to the tree the jsontext decoder builds.

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

// value reads the value at p.pos (white space before it already skipped), at nesting depth
// depth (the top level is 0).
func (p *jsonParser) value(depth int) (jv, bool) {
	if depth > maxJSONDepth || p.pos >= len(p.s) {
		return jv{}, false
	}
	switch c := p.s[p.pos]; c {
	case '{':
		p.pos++
		p.skipSpace()
		if p.pos < len(p.s) && p.s[p.pos] == '}' {
			p.pos++
			return jv{k: 'o'}, true
		}
		vbase, kbase := len(p.vstack), len(p.kstack)
		for {
			if p.pos >= len(p.s) || p.s[p.pos] != '"' {
				return jv{}, false
			}
			key, _, ok := p.str()
			if !ok {
				return jv{}, false
			}
			p.skipSpace()
			if p.pos >= len(p.s) || p.s[p.pos] != ':' {
				return jv{}, false
			}
			p.pos++
			p.skipSpace()
			val, ok := p.value(depth + 1)
			if !ok {
				return jv{}, false
			}
			p.kstack = append(p.kstack, key)
			p.vstack = append(p.vstack, val)
			if done, ok := p.afterMember('}'); !ok {
				return jv{}, false
			} else if done {
				break
			}
		}
		p.nk += len(p.kstack) - kbase
		p.nv += len(p.vstack) - vbase
		return jv{k: 'o', keys: take(&p.kstack, &p.kslab, kbase), vals: take(&p.vstack, &p.vslab, vbase)}, true
	case '[':
		p.pos++
		p.skipSpace()
		if p.pos < len(p.s) && p.s[p.pos] == ']' {
			p.pos++
			return jv{k: 'a', vals: []jv{}}, true
		}
		vbase := len(p.vstack)
		for {
			val, ok := p.value(depth + 1)
			if !ok {
				return jv{}, false
			}
			p.vstack = append(p.vstack, val)
			if done, ok := p.afterMember(']'); !ok {
				return jv{}, false
			} else if done {
				break
			}
		}
		p.nv += len(p.vstack) - vbase
		return jv{k: 'a', vals: take(&p.vstack, &p.vslab, vbase)}, true
	case '"':
		s, plain, ok := p.str()
		return jv{k: 's', s: s, plain: plain}, ok
	case 't':
		return jv{k: 't'}, p.literal("true")
	case 'f':
		return jv{k: 'f'}, p.literal("false")
	case 'n':
		return jv{k: 'z'}, p.literal("null")
	default:
		if c == '-' || c >= '0' && c <= '9' {
			start := p.pos
			if !p.number() {
				return jv{}, false
			}
			return jv{k: 'n', s: p.s[start:p.pos]}, true
		}
	}
	return jv{}, false
}

// afterMember reads what follows a member of an object or array: the closing byte (done)
// or a ',' and the white space after it; anything else refuses the document.
func (p *jsonParser) afterMember(closing byte) (done, ok bool) {
	p.skipSpace()
	if p.pos >= len(p.s) {
		return false, false
	}
	switch p.s[p.pos] {
	case closing:
		p.pos++
		return true, true
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

// number reads a JSON number at p.pos: -? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?
func (p *jsonParser) number() bool {
	s, i := p.s, p.pos
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
		return false
	}
	if i < len(s) && s[i] == '.' {
		i++
		if i >= len(s) || s[i] < '0' || s[i] > '9' {
			return false
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
			return false
		}
		for i++; i < len(s) && s[i] >= '0' && s[i] <= '9'; i++ {
		}
	}
	p.pos = i
	return true
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
