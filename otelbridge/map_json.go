package otelbridge

import (
	"encoding/base64"
	"math"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"
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
	p := parserPool.Get().(*jsonParser)
	p.s, p.i = s, 0
	defer func() {
		// The stacks are empty again; the slabs belong to the returned value.
		p.s, p.vslab, p.kslab = "", nil, nil
		if cap(p.vstack) <= 1024 {
			parserPool.Put(p)
		}
	}()
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

// takeVals moves vstack[base:] into an exact-size slice of the value slab.
func (p *jsonParser) takeVals(base int) []jv {
	n := len(p.vstack) - base
	if cap(p.vslab)-len(p.vslab) < n {
		p.vslab = make([]jv, 0, max(n, 2*cap(p.vslab)))
	}
	l := len(p.vslab)
	p.vslab = append(p.vslab, p.vstack[base:]...)
	clear(p.vstack[base:])
	p.vstack = p.vstack[:base]
	return p.vslab[l : l+n : l+n]
}

// takeKeys moves kstack[base:] into an exact-size slice of the key slab.
func (p *jsonParser) takeKeys(base int) []string {
	n := len(p.kstack) - base
	if cap(p.kslab)-len(p.kslab) < n {
		p.kslab = make([]string, 0, max(n, 2*cap(p.kslab)))
	}
	l := len(p.kslab)
	p.kslab = append(p.kslab, p.kstack[base:]...)
	clear(p.kstack[base:])
	p.kstack = p.kstack[:base]
	return p.kslab[l : l+n : l+n]
}

func (p *jsonParser) value(depth int) (jv, bool) {
	if p.i >= len(p.s) || depth > maxJSONDepth {
		return jv{}, false
	}
	switch c := p.s[p.i]; {
	case c == '{':
		p.i++
		p.ws()
		if p.i < len(p.s) && p.s[p.i] == '}' {
			p.i++
			return jv{k: 'o'}, true
		}
		vbase, kbase := len(p.vstack), len(p.kstack)
		fail := func() (jv, bool) {
			clear(p.vstack[vbase:])
			clear(p.kstack[kbase:])
			p.vstack, p.kstack = p.vstack[:vbase], p.kstack[:kbase]
			return jv{}, false
		}
		for {
			p.ws()
			if p.i >= len(p.s) || p.s[p.i] != '"' {
				return fail()
			}
			key, ok := p.str()
			if !ok {
				return fail()
			}
			p.ws()
			if p.i >= len(p.s) || p.s[p.i] != ':' {
				return fail()
			}
			p.i++
			p.ws()
			val, ok := p.value(depth + 1)
			if !ok {
				return fail()
			}
			p.kstack = append(p.kstack, key)
			p.vstack = append(p.vstack, val)
			p.ws()
			if p.i >= len(p.s) {
				return fail()
			}
			if p.s[p.i] == ',' {
				p.i++
				continue
			}
			if p.s[p.i] == '}' {
				p.i++
				return jv{k: 'o', keys: p.takeKeys(kbase), vals: p.takeVals(vbase)}, true
			}
			return fail()
		}
	case c == '[':
		p.i++
		p.ws()
		if p.i < len(p.s) && p.s[p.i] == ']' {
			p.i++
			return jv{k: 'a', vals: []jv{}}, true
		}
		vbase := len(p.vstack)
		fail := func() (jv, bool) {
			clear(p.vstack[vbase:])
			p.vstack = p.vstack[:vbase]
			return jv{}, false
		}
		for {
			p.ws()
			val, ok := p.value(depth + 1)
			if !ok {
				return fail()
			}
			p.vstack = append(p.vstack, val)
			p.ws()
			if p.i >= len(p.s) {
				return fail()
			}
			if p.s[p.i] == ',' {
				p.i++
				continue
			}
			if p.s[p.i] == ']' {
				p.i++
				return jv{k: 'a', vals: p.takeVals(vbase)}, true
			}
			return fail()
		}
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
		for p.i+8 <= len(p.s) && jsonSpecial8(load8(p.s, p.i)) == 0 {
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
			dst = appendJSONString(dst, v.keys[i])
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
		return appendJSONString(dst, v.s)
	case 'n':
		return append(dst, v.s...)
	case 't':
		return append(dst, "true"...)
	case 'f':
		return append(dst, "false"...)
	}
	return append(dst, "null"...)
}

// appendJSONString writes s as a JSON string; invalid UTF-8 becomes U+FFFD.
func appendJSONString(dst []byte, s string) []byte {
	dst = append(dst, '"')
	dst = appendJSONStringBody(dst, s)
	return append(dst, '"')
}

// appendJSONStringBody is appendJSONString without the quotes. It is character-local: the
// body of a + "\n" + b is the body of a, `\n`, the body of b (invalid UTF-8 is replaced
// byte by byte), which the streaming message path relies on to join text parts.
func appendJSONStringBody(dst []byte, s string) []byte {
	start := 0
	for i := 0; i < len(s); {
		for i+8 <= len(s) && plainASCII8(load8(s, i)) {
			i += 8
		}
		if i >= len(s) {
			break
		}
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
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			dst = append(dst, s[start:i]...)
			dst = append(dst, `\ufffd`...)
			i++
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			dst = append(dst, s[start:i]...)
			dst = append(dst, '\\', 'u', '2', '0', '2', hexDigits[r&0xf])
			i += size
			start = i
			continue
		}
		i += size
	}
	return append(dst, s[start:]...)
}

// appendValue writes an attribute value as JSON: strings as strings (never parsed), maps
// as objects, lists as arrays, bytes as base64, non-finite doubles as strings.
func appendValue(dst []byte, v Value, depth int) []byte {
	switch v.Kind() {
	case ValueStr:
		return appendJSONString(dst, v.Str())
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
			dst = appendJSONString(dst, k)
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
		return appendJSONString(dst, strconv.FormatFloat(f, 'g', -1, 64))
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

// Eight bytes at a time (SWAR): the string loops skip runs of bytes that need no care.
const (
	swarLSB = 0x0101010101010101
	swarMSB = 0x8080808080808080
)

// load8 returns s[i:i+8] as a little-endian word.
func load8(s string, i int) uint64 {
	s = s[i : i+8]
	return uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24 |
		uint64(s[4])<<32 | uint64(s[5])<<40 | uint64(s[6])<<48 | uint64(s[7])<<56
}

// jsonSpecial8 is non-zero when a byte of x is a control byte (< 0x20), '"' or '\\'.
func jsonSpecial8(x uint64) uint64 {
	q := x ^ (swarLSB * '"')
	b := x ^ (swarLSB * '\\')
	return ((x-swarLSB*0x20)&^x | (q-swarLSB)&^q | (b-swarLSB)&^b) & swarMSB
}

// plainASCII8 reports whether the 8 bytes of x are ASCII a JSON string carries as they
// are (no control byte, '"', '\\' or byte ≥ 0x80).
func plainASCII8(x uint64) bool { return jsonSpecial8(x)|x&swarMSB == 0 }

// appendJSONText appends s re-encoded as appendJV(parseJSON(s)) would write it — compact,
// strings re-escaped by appendJSONString, numbers as written, duplicate keys kept in order —
// streaming, without building the value tree. ok is false (dst unchanged) exactly when
// parseJSON(s) fails; the caller then keeps s as a raw string (lenient parsing).
func appendJSONText(dst []byte, s string) ([]byte, bool) {
	p := parserPool.Get().(*jsonParser)
	p.s, p.i = s, 0
	n0 := len(dst)
	p.ws()
	out, ok := p.emit(dst, 0)
	if ok {
		p.ws()
		ok = p.i == len(p.s)
	}
	p.s = ""
	parserPool.Put(p)
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
		p.i++
		p.ws()
		if p.i < len(p.s) && p.s[p.i] == '}' {
			p.i++
			return append(dst, "{}"...), true
		}
		dst = append(dst, '{')
		for first := true; ; first = false {
			p.ws()
			if p.i >= len(p.s) || p.s[p.i] != '"' {
				return dst, false
			}
			if !first {
				dst = append(dst, ',')
			}
			if dst, ok = p.emitStr(dst); !ok {
				return dst, false
			}
			p.ws()
			if p.i >= len(p.s) || p.s[p.i] != ':' {
				return dst, false
			}
			p.i++
			p.ws()
			dst = append(dst, ':')
			if dst, ok = p.emit(dst, depth+1); !ok {
				return dst, false
			}
			p.ws()
			if p.i >= len(p.s) {
				return dst, false
			}
			if p.s[p.i] == ',' {
				p.i++
				continue
			}
			if p.s[p.i] == '}' {
				p.i++
				return append(dst, '}'), true
			}
			return dst, false
		}
	case c == '[':
		p.i++
		p.ws()
		if p.i < len(p.s) && p.s[p.i] == ']' {
			p.i++
			return append(dst, "[]"...), true
		}
		dst = append(dst, '[')
		for first := true; ; first = false {
			p.ws()
			if !first {
				dst = append(dst, ',')
			}
			if dst, ok = p.emit(dst, depth+1); !ok {
				return dst, false
			}
			p.ws()
			if p.i >= len(p.s) {
				return dst, false
			}
			if p.s[p.i] == ',' {
				p.i++
				continue
			}
			if p.s[p.i] == ']' {
				p.i++
				return append(dst, ']'), true
			}
			return dst, false
		}
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
// appendJSONString writes the decoded text.
func (p *jsonParser) emitStr(dst []byte) ([]byte, bool) {
	dst = append(dst, '"')
	dst, ok := p.emitStrBody(dst)
	return append(dst, '"'), ok
}

// emitStrBody is emitStr without the quotes: the body of the re-encoded string. One pass
// over the source: a string of plain ASCII without escapes (the common case) is copied as
// it is, which is what appendJSONStringBody writes for it; any other string is re-encoded
// by appendJSONStringBody, after str decodes it when it has escapes.
func (p *jsonParser) emitStrBody(dst []byte) ([]byte, bool) {
	q := p.i
	i := q + 1
	var high uint64 // the top bits of the bytes seen: non-zero when one is >= 0x80
	for i < len(p.s) {
		for i+8 <= len(p.s) {
			x := load8(p.s, i)
			if jsonSpecial8(x) != 0 {
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
			if high&swarMSB == 0 {
				return append(dst, p.s[q+1:i]...), true
			}
			return appendJSONStringBody(dst, p.s[q+1:i]), true
		}
		if c == '\\' {
			s, ok := p.str()
			if !ok {
				return dst, false
			}
			return appendJSONStringBody(dst, s), true
		}
		if c < 0x20 {
			return dst, false
		}
		high |= uint64(c)
		i++
	}
	return dst, false
}
