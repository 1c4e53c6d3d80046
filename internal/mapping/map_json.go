package mapping

import (
	"encoding/base64"
	"math"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/llmtrace/llmtrace/internal/jsonesc"
)

// jv is a parsed JSON value that keeps object key order (so output is stable and mirrors
// the source) and shares string memory with its input where no escapes occur.
type jv struct {
	k    byte // 'o' object, 'a' array, 's' string, 'n' number (raw text), 't', 'f', 'z' null; 0 absent
	s    string
	keys []string
	vals []jv
}

func (v *jv) ok() bool { return v.k != 0 }

// get returns the member key of an object (the first one), or an absent jv.
func (v *jv) get(key string) *jv {
	if v == nil || v.k != 'o' {
		return nil
	}
	for i, k := range v.keys {
		if k == key {
			return &v.vals[i]
		}
	}
	return nil
}

// str returns the string of a JSON string, "" otherwise.
func (v *jv) str() string {
	if v == nil || v.k != 's' {
		return ""
	}
	return v.s
}

const maxJSONDepth = 128

// parseJSON parses s as one JSON value (surrounding white space allowed). ok is false for
// anything else: the caller keeps the raw string (lenient parsing).
func parseJSON(s string) (jv, bool) {
	p := newParser(s)
	defer p.release()
	p.ws()
	v, ok := p.value(0)
	if !ok {
		return jv{}, false
	}
	p.ws()
	if p.i != len(p.s) {
		return jv{}, false
	}
	return v, true
}

// parserPool keeps jsonParsers for their member stacks.
var parserPool = sync.Pool{New: func() any { return new(jsonParser) }}

// newParser takes a parser from the pool, set at the start of s. Give it back with release.
func newParser(s string) *jsonParser {
	p := parserPool.Get().(*jsonParser)
	p.s, p.i = s, 0
	return p
}

// release returns p to the pool. Its stacks are empty again; the slabs belong to the value
// parsed last, so p lets go of them (and of s).
func (p *jsonParser) release() {
	p.s, p.vslab, p.kslab = "", nil, nil
	if cap(p.vstack) <= 1024 {
		parserPool.Put(p)
	}
}

// looksLikeJSON reports whether s starts (after white space) like an object or array.
func looksLikeJSON(s string) bool {
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case ' ', '\t', '\n', '\r':
			continue
		case '{', '[':
			return true
		}
		return false
	}
	return false
}

// jsonParser parses one document. Members of the objects and arrays being read wait on
// stacks (vstack, kstack); a finished container takes exact-size slices of them from
// slabs (vslab, kslab) shared by the whole document, so a parse costs a few allocations
// rather than a growing slice per container.
type jsonParser struct {
	s      string
	i      int
	vstack []jv
	kstack []string
	vslab  []jv
	kslab  []string
}

func (p *jsonParser) ws() {
	for p.i < len(p.s) {
		switch p.s[p.i] {
		case ' ', '\t', '\n', '\r':
			p.i++
		default:
			return
		}
	}
}

func (p *jsonParser) at(c byte) bool { return p.i < len(p.s) && p.s[p.i] == c }

// open reads the '{' or '[' at p.i and the white space after it; empty is true, and the
// closing byte read too, when close follows at once.
func (p *jsonParser) open(close byte) (empty bool) {
	p.i++
	p.ws()
	if p.at(close) {
		p.i++
		return true
	}
	return false
}

// key reads an object member's key (decoded as str does) and the ':' after it, with the
// white space around both: p.i is then at the member's value.
func (p *jsonParser) key() (string, bool) {
	p.ws()
	if !p.at('"') {
		return "", false
	}
	k, ok := p.str()
	if !ok || !p.colon() {
		return "", false
	}
	return k, true
}

// colon reads the ':' between a key and its value, with the white space around it.
func (p *jsonParser) colon() bool {
	p.ws()
	if !p.at(':') {
		return false
	}
	p.i++
	p.ws()
	return true
}

// next reads what follows a member or element, after white space: ',' (more) or close
// (the end of the object or array); ok is false for anything else.
func (p *jsonParser) next(close byte) (more, ok bool) {
	p.ws()
	if p.i < len(p.s) {
		if c := p.s[p.i]; c == ',' || c == close {
			p.i++
			return c == ',', true
		}
	}
	return false, false
}

// take moves (*stack)[base:], the members of a finished object or array, into an
// exact-size slice of *slab (a fresh slab, at least twice as large, when too little is
// free) and pops them off the stack.
func take[T any](stack, slab *[]T, base int) []T {
	n := len(*stack) - base
	if cap(*slab)-len(*slab) < n {
		*slab = make([]T, 0, max(n, 2*cap(*slab)))
	}
	l := len(*slab)
	*slab = append(*slab, (*stack)[base:]...)
	drop(stack, base)
	return (*slab)[l : l+n : l+n]
}

// drop pops (*stack)[base:], clearing them so the pooled stack holds no references.
func drop[T any](stack *[]T, base int) {
	clear((*stack)[base:])
	*stack = (*stack)[:base]
}

func (p *jsonParser) value(depth int) (jv, bool) {
	if p.i >= len(p.s) || depth > maxJSONDepth {
		return jv{}, false
	}
	switch c := p.s[p.i]; {
	case c == '{':
		if p.open('}') {
			return jv{k: 'o'}, true
		}
		vbase, kbase := len(p.vstack), len(p.kstack)
		for {
			key, ok := p.key()
			if !ok {
				break
			}
			val, ok := p.value(depth + 1)
			if !ok {
				break
			}
			p.kstack = append(p.kstack, key)
			p.vstack = append(p.vstack, val)
			more, ok := p.next('}')
			if !ok {
				break
			}
			if !more {
				return jv{k: 'o', keys: take(&p.kstack, &p.kslab, kbase), vals: take(&p.vstack, &p.vslab, vbase)}, true
			}
		}
		drop(&p.kstack, kbase)
		drop(&p.vstack, vbase)
		return jv{}, false
	case c == '[':
		if p.open(']') {
			return jv{k: 'a', vals: []jv{}}, true
		}
		vbase := len(p.vstack)
		for {
			p.ws()
			val, ok := p.value(depth + 1)
			if !ok {
				break
			}
			p.vstack = append(p.vstack, val)
			more, ok := p.next(']')
			if !ok {
				break
			}
			if !more {
				return jv{k: 'a', vals: take(&p.vstack, &p.vslab, vbase)}, true
			}
		}
		drop(&p.vstack, vbase)
		return jv{}, false
	case c == '"':
		s, ok := p.str()
		return jv{k: 's', s: s}, ok
	case c == 't':
		return p.lit("true", 't')
	case c == 'f':
		return p.lit("false", 'f')
	case c == 'n':
		return p.lit("null", 'z')
	case c == '-' || c >= '0' && c <= '9':
		return p.num()
	}
	return jv{}, false
}

func (p *jsonParser) lit(word string, k byte) (jv, bool) {
	if strings.HasPrefix(p.s[p.i:], word) {
		p.i += len(word)
		return jv{k: k}, true
	}
	return jv{}, false
}

func (p *jsonParser) num() (jv, bool) {
	start := p.i
	if p.s[p.i] == '-' {
		p.i++
	}
	digits := func() int {
		n := 0
		for p.i < len(p.s) && p.s[p.i] >= '0' && p.s[p.i] <= '9' {
			p.i++
			n++
		}
		return n
	}
	if p.i < len(p.s) && p.s[p.i] == '0' {
		p.i++
	} else if digits() == 0 {
		return jv{}, false
	}
	if p.i < len(p.s) && p.s[p.i] == '.' {
		p.i++
		if digits() == 0 {
			return jv{}, false
		}
	}
	if p.i < len(p.s) && (p.s[p.i] == 'e' || p.s[p.i] == 'E') {
		p.i++
		if p.i < len(p.s) && (p.s[p.i] == '+' || p.s[p.i] == '-') {
			p.i++
		}
		if digits() == 0 {
			return jv{}, false
		}
	}
	return jv{k: 'n', s: p.s[start:p.i]}, true
}

// str reads a JSON string at p.i (which is '"'), decoding escapes.
func (p *jsonParser) str() (string, bool) {
	p.i++
	start := p.i
	for p.i < len(p.s) {
		for p.i+8 <= len(p.s) && jsonesc.Special8(jsonesc.Load8(p.s, p.i)) == 0 {
			p.i += 8
		}
		if p.i >= len(p.s) {
			break
		}
		c := p.s[p.i]
		if c == '"' {
			s := p.s[start:p.i]
			p.i++
			return s, true
		}
		if c == '\\' {
			break
		}
		if c < 0x20 {
			return "", false
		}
		p.i++
	}
	var b strings.Builder
	b.WriteString(p.s[start:p.i])
	for p.i < len(p.s) {
		c := p.s[p.i]
		switch {
		case c == '"':
			p.i++
			return b.String(), true
		case c < 0x20:
			return "", false
		case c != '\\':
			b.WriteByte(c)
			p.i++
			continue
		}
		if p.i+1 >= len(p.s) {
			return "", false
		}
		e := p.s[p.i+1]
		p.i += 2
		switch e {
		case '"', '\\', '/':
			b.WriteByte(e)
		case 'b':
			b.WriteByte('\b')
		case 'f':
			b.WriteByte('\f')
		case 'n':
			b.WriteByte('\n')
		case 'r':
			b.WriteByte('\r')
		case 't':
			b.WriteByte('\t')
		case 'u':
			r, ok := p.hex4()
			if !ok {
				return "", false
			}
			if r >= 0xd800 && r < 0xdc00 && strings.HasPrefix(p.s[p.i:], `\u`) {
				save := p.i
				p.i += 2
				r2, ok := p.hex4()
				if ok && r2 >= 0xdc00 && r2 < 0xe000 {
					r = (r-0xd800)<<10 + (r2 - 0xdc00) + 0x10000
				} else {
					p.i = save
					r = utf8.RuneError
				}
			} else if r >= 0xd800 && r < 0xe000 {
				r = utf8.RuneError
			}
			b.WriteRune(r)
		default:
			return "", false
		}
	}
	return "", false
}

func (p *jsonParser) hex4() (rune, bool) {
	if p.i+4 > len(p.s) {
		return 0, false
	}
	n, err := strconv.ParseUint(p.s[p.i:p.i+4], 16, 32)
	if err != nil {
		return 0, false
	}
	p.i += 4
	return rune(n), true
}

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
		m := v.Map()
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
	return append(dst, "null"...)
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
		out := jv{k: 'o'}
		if m := v.Map(); m != nil && depth <= maxJSONDepth {
			m.Range(func(k string, e Value) bool {
				out.keys = append(out.keys, k)
				out.vals = append(out.vals, valueJV(e, parse, depth+1))
				return true
			})
		}
		return out
	}
	return jv{k: 'z'}
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

// appendJSONText appends s re-encoded as appendJV(parseJSON(s)) would write it — compact,
// strings re-escaped by jsonesc.AppendString, numbers as written, duplicate keys kept in order —
// streaming, without building the value tree. ok is false (dst unchanged) exactly when
// parseJSON(s) fails; the caller then keeps s as a raw string (lenient parsing).
func appendJSONText(dst []byte, s string) ([]byte, bool) {
	p := newParser(s)
	p.ws()
	n0 := len(dst)
	out, ok := p.emit(dst, 0)
	if ok {
		p.ws()
		ok = p.i == len(p.s)
	}
	p.release()
	if !ok {
		return out[:n0], false
	}
	return out, true
}

// emit is value's streaming twin: it accepts exactly what value accepts, at the same
// depth limit, and appends what appendJV writes for the value value returns.
func (p *jsonParser) emit(dst []byte, depth int) ([]byte, bool) {
	if p.i >= len(p.s) || depth > maxJSONDepth {
		return dst, false
	}
	var ok bool
	switch c := p.s[p.i]; {
	case c == '{':
		if p.open('}') {
			return append(dst, "{}"...), true
		}
		dst = append(dst, '{')
		for more := true; more; {
			p.ws()
			if !p.at('"') {
				return dst, false
			}
			// The key is re-encoded straight from the source, as the parser's key() then
			// jsonesc.AppendString would write it.
			if dst, ok = p.emitStr(dst); !ok || !p.colon() {
				return dst, false
			}
			dst = append(dst, ':')
			if dst, ok = p.emit(dst, depth+1); !ok {
				return dst, false
			}
			if more, ok = p.next('}'); !ok {
				return dst, false
			}
			if more {
				dst = append(dst, ',')
			}
		}
		return append(dst, '}'), true
	case c == '[':
		if p.open(']') {
			return append(dst, "[]"...), true
		}
		dst = append(dst, '[')
		for more := true; more; {
			p.ws()
			if dst, ok = p.emit(dst, depth+1); !ok {
				return dst, false
			}
			if more, ok = p.next(']'); !ok {
				return dst, false
			}
			if more {
				dst = append(dst, ',')
			}
		}
		return append(dst, ']'), true
	case c == '"':
		return p.emitStr(dst)
	case c == 't' || c == 'f' || c == 'n':
		var v jv
		switch c {
		case 't':
			v, ok = p.lit("true", 't')
		case 'f':
			v, ok = p.lit("false", 'f')
		default:
			v, ok = p.lit("null", 'z')
		}
		if !ok {
			return dst, false
		}
		return appendJV(dst, &v), true
	case c == '-' || c >= '0' && c <= '9':
		v, ok := p.num()
		if !ok {
			return dst, false
		}
		return append(dst, v.s...), true
	}
	return dst, false
}

// emitStr reads the JSON string at p.i (which is '"') as str does and appends it as
// jsonesc.AppendString writes the decoded text.
func (p *jsonParser) emitStr(dst []byte) ([]byte, bool) {
	dst = append(dst, '"')
	dst, ok := p.emitStrBody(dst)
	return append(dst, '"'), ok
}

// emitStrBody is emitStr without the quotes: the body of the re-encoded string. One pass
// over the source: a string of plain ASCII without escapes (the common case) is copied as
// it is, which is what jsonesc.AppendStringBody writes for it; any other string is re-encoded
// by jsonesc.AppendStringBody, after str decodes it when it has escapes.
func (p *jsonParser) emitStrBody(dst []byte) ([]byte, bool) {
	q := p.i
	i := q + 1
	var high uint64 // the top bits of the bytes seen: non-zero when one is >= 0x80
	for i < len(p.s) {
		for i+8 <= len(p.s) {
			x := jsonesc.Load8(p.s, i)
			if jsonesc.Special8(x) != 0 {
				break
			}
			high |= x
			i += 8
		}
		if i >= len(p.s) {
			break
		}
		c := p.s[i]
		if c == '"' {
			p.i = i + 1
			if high&jsonesc.MSB == 0 {
				return append(dst, p.s[q+1:i]...), true
			}
			return jsonesc.AppendStringBody(dst, p.s[q+1:i]), true
		}
		if c == '\\' {
			s, ok := p.str()
			if !ok {
				return dst, false
			}
			return jsonesc.AppendStringBody(dst, s), true
		}
		if c < 0x20 {
			return dst, false
		}
		high |= uint64(c)
		i++
	}
	return dst, false
}
