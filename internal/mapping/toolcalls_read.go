package mapping

import (
	"bytes"
	"unicode"
	"unicode/utf8"

	"github.com/llmtrace/llmtrace/internal/jsoncompact"
)

// The tool calls of an event, read straight from its bytes (issue 21: encoding/json's
// reflection, its validity pass and its allocations in eventToolCalls and noArguments were
// 10 % of BenchmarkMapCaptures). The reader gives exactly what json.Unmarshal gave into
//
//	struct{ ToolCalls []struct{ ID, Name string; Arguments json.RawMessage } }        // output
//	struct{ Messages []struct{ ToolCalls []struct{ ... } } }                           // input
//
// (field names "tool_calls", "messages", "id", "name", "arguments"), on every input and not
// only on what the mapper writes, since a dialect may keep an attribute's JSON as it came:
//   - a document encoding/json refuses (RFC 8259 grammar, nesting deeper than 10 000, see
//     encoding/json/scanner.go) gives nothing;
//   - a value of the wrong type (tool_calls or messages neither an array nor null, an
//     element neither an object nor null, id or name neither a string nor null, the document
//     neither an object nor null) gives nothing from the whole document: Unmarshal goes on
//     but returns an *UnmarshalTypeError at the end;
//   - names match as encoding/json matches them to fields (fold.go: exact, else equal after
//     folding case: ASCII letters and the runes whose smallest case-fold partner is one,
//     such as U+017F ſ for S and U+212A K for K), after unescaping;
//   - strings are unescaped as encoding/json does (invalid UTF-8 and lone surrogates become
//     U+FFFD); arguments are the value's exact bytes, as json.RawMessage keeps them;
//   - a repeated name decodes into what the earlier one left: a string field keeps its value
//     on null, an array decodes its elements into the slice's earlier elements (a field
//     missing from the later object keeps its earlier value, also past a shorter array in
//     between, since SetLen keeps the backing), an empty array or null starts afresh
//     (encoding/json/decode.go: array, literalStore).
//
// The old decode is kept as the oracle in toolcalls_oracle_test.go; toolcalls_test.go states
// the edge cases above, and FuzzToolCalls (seeded with every capture's events) and
// FuzzToolCallsShapes (documents built of the field names) hold the reader to the oracle.
// BenchmarkToolCalls (toolcalls_fuzz_test.go: the reading fillToolArgs does on the events of
// every capture) measured 22 µs and 56 allocations a pass against encoding/json's 140 µs and
// 568 (go test -count 3 on 2 CPUs, load ≈ 3).

// jsonMaxNesting is encoding/json's nesting limit (scanner.go maxNestingDepth).
const jsonMaxNesting = 10000

// callRaw is what a document decoded into one tool call so far: the bodies (between the
// quotes, still escaped) of the last strings decoded into ID and Name, and the last value
// decoded into Arguments; nil: none.
type callRaw struct {
	id, name, args []byte
}

// callSlice is a []toolCall as encoding/json fills it: arena[off:off+cap] are the elements
// decoded since the slice was last made afresh (its backing array), the first n of them its
// elements.
type callSlice struct {
	off, n, cap int
}

// msgRaw is one message of an input document: its tool calls.
type msgRaw struct {
	calls callSlice
}

// tcReader reads one document at s[pos:], in one of two modes.
//
// Streaming (merge false), the common case: each call is appended to dst when its object
// ends. That is exact while no slice is decoded twice — every element then starts from
// zero — so a repeated "tool_calls" (output, or within one message) or "messages" (input)
// stops the read (dup) and readToolCalls reads the document again merging.
//
// Merging: the slices are kept as encoding/json keeps them (callSlice, msgs) and the calls
// appended at the end. The messages' backing array is kept only as far as a message had
// tool calls: msgs[i] is element i of Messages for i < len(msgs), and the elements past it
// are zero (no message there ever had a "tool_calls"); the slice's length is nmsgs.
type tcReader struct {
	s     []byte
	pos   int
	merge bool
	dup   bool          // streaming: a slice is decoded twice
	dst   []toolCallRec // streaming: the calls so far
	arena []callRaw     // merging: the backing arrays of every callSlice of the document
	msgs  []msgRaw      // merging
	nmsgs int
}

// readToolCalls appends to dst the tool calls of doc, an event's output (input false: its
// "tool_calls") or input (its "messages" and their "tool_calls"), as appendCalls took them
// from json.Unmarshal; on a document Unmarshal refuses (see above) it returns dst as it was.
func readToolCalls(doc []byte, input bool, dst []toolCallRec) []toolCallRec {
	r := tcReader{s: doc, dst: dst}
	var out callSlice
	if r.document(input, &out) {
		return r.dst
	}
	if !r.dup {
		return dst
	}
	r = tcReader{s: doc, merge: true}
	if !r.document(input, &out) {
		return dst
	}
	if !input {
		return r.appendCalls(dst, out)
	}
	for _, m := range r.msgs[:min(r.nmsgs, len(r.msgs))] {
		dst = r.appendCalls(dst, m.calls)
	}
	return dst
}

// appendCalls appends the calls of cs (merging).
func (r *tcReader) appendCalls(dst []toolCallRec, cs callSlice) []toolCallRec {
	for i := range cs.n {
		dst = appendCall(dst, &r.arena[cs.off+i])
	}
	return dst
}

// appendCall appends c if it has an id or a name (both in one allocated string).
func appendCall(dst []toolCallRec, c *callRaw) []toolCallRec {
	if len(c.id) == 0 && len(c.name) == 0 {
		return dst
	}
	var buf [64]byte
	b := appendUnquotedBody(buf[:0], c.id)
	n := len(b)
	b = appendUnquotedBody(b, c.name)
	if len(b) == 0 {
		return dst
	}
	both := string(b)
	id, name := both[:n], both[n:]
	args := c.args
	if len(args) > 0 && args[0] == '"' {
		// Arguments kept as a JSON string holding JSON are the object itself.
		if s := unquoteBytes(args[1 : len(args)-1]); validJSON(s) {
			args = s
		}
	}
	return append(dst, toolCallRec{id: id, name: name, args: args})
}

// document reads the whole document into out (output) or r.msgs (input); false when
// json.Unmarshal would return an error.
func (r *tcReader) document(input bool, out *callSlice) bool {
	r.ws()
	if r.pos >= len(r.s) {
		return false
	}
	switch r.s[r.pos] {
	case 'n':
		if !r.literal("null") {
			return false
		}
	case '{':
		more, ok := r.open('}', 1)
		seen := false
		for ok && more {
			var key []byte
			if key, ok = r.key(); !ok {
				return false
			}
			switch {
			case input && foldedIs(key, "MESSAGES"):
				if seen && !r.merge {
					r.dup = true
					return false
				}
				seen = true
				ok = r.messages(1)
			case !input && foldedIs(key, "TOOL_CALLS"):
				if seen && !r.merge {
					r.dup = true
					return false
				}
				seen = true
				ok = r.calls(out, 1)
			default:
				ok = r.skip(1)
			}
			if ok {
				more, ok = r.next('}')
			}
		}
		if !ok {
			return false
		}
	default:
		return false // not an object: a type error, or not JSON
	}
	r.ws()
	return r.pos == len(r.s)
}

// messages reads the value of "messages", depth containers deep.
func (r *tcReader) messages(depth int) bool {
	if r.pos >= len(r.s) {
		return false
	}
	switch r.s[r.pos] {
	case 'n':
		r.msgs, r.nmsgs, r.arena = r.msgs[:0], 0, r.arena[:0]
		return r.literal("null")
	case '[':
	default:
		return false
	}
	more, ok := r.open(']', depth+1)
	i := 0
	for ok && more {
		if r.pos >= len(r.s) {
			return false
		}
		switch r.s[r.pos] {
		case 'n':
			ok = r.literal("null") // encoding/json leaves the element as it was
		case '{':
			ok = r.message(i, depth+1)
		default:
			return false
		}
		i++
		if ok {
			more, ok = r.next(']')
		}
	}
	if !ok {
		return false
	}
	if i == 0 {
		r.msgs, r.nmsgs, r.arena = r.msgs[:0], 0, r.arena[:0]
	} else {
		r.nmsgs = i
	}
	return true
}

// message reads one message object into element i of the messages, depth containers deep.
func (r *tcReader) message(i, depth int) bool {
	more, ok := r.open('}', depth+1)
	seen := false
	for ok && more {
		var key []byte
		if key, ok = r.key(); !ok {
			return false
		}
		if foldedIs(key, "TOOL_CALLS") {
			if !r.merge {
				if seen {
					r.dup = true
					return false
				}
				seen = true
				ok = r.calls(nil, depth+1)
			} else {
				if i >= len(r.msgs) {
					if r.msgs == nil {
						r.msgs = make([]msgRaw, 0, max(8, i+1))
					}
					r.msgs = append(r.msgs, make([]msgRaw, i+1-len(r.msgs))...)
				}
				ok = r.calls(&r.msgs[i].calls, depth+1)
			}
		} else {
			ok = r.skip(depth + 1)
		}
		if ok {
			more, ok = r.next('}')
		}
	}
	return ok
}

// calls reads the value of a "tool_calls", depth containers deep: into r.dst (streaming)
// or into cs (merging).
func (r *tcReader) calls(cs *callSlice, depth int) bool {
	if r.pos >= len(r.s) {
		return false
	}
	switch r.s[r.pos] {
	case 'n':
		if r.merge {
			*cs = callSlice{}
		}
		return r.literal("null")
	case '[':
	default:
		return false
	}
	more, ok := r.open(']', depth+1)
	i := 0
	for ok && more {
		k := -1
		if r.merge {
			k = r.slot(cs, i)
		}
		if r.pos >= len(r.s) {
			return false
		}
		switch r.s[r.pos] {
		case 'n':
			ok = r.literal("null") // encoding/json leaves the element as it was
		case '{':
			if k >= 0 {
				ok = r.call(&r.arena[k], depth+1)
			} else {
				var c callRaw
				if ok = r.call(&c, depth+1); ok {
					r.dst = appendCall(r.dst, &c)
				}
			}
		default:
			return false
		}
		i++
		if ok {
			more, ok = r.next(']')
		}
	}
	if !ok || !r.merge {
		return ok
	}
	if i == 0 {
		*cs = callSlice{}
	} else {
		cs.n = i
	}
	return true
}

// slot returns the arena index of element i of cs, extending cs's backing array by one
// zero element when i is past it (elements are reached in order, so i <= cs.cap).
func (r *tcReader) slot(cs *callSlice, i int) int {
	if i < cs.cap {
		return cs.off + i
	}
	switch {
	case r.arena == nil:
		r.arena = make([]callRaw, 0, 8)
		cs.off = 0
	case cs.cap == 0:
		cs.off = len(r.arena)
	case cs.off+cs.cap != len(r.arena): // another slice grew after it: move it to the end
		off := len(r.arena)
		r.arena = append(r.arena, r.arena[cs.off:cs.off+cs.cap]...)
		cs.off = off
	}
	r.arena = append(r.arena, callRaw{})
	cs.cap++
	return cs.off + i
}

// call reads one tool call object into c, depth containers deep.
func (r *tcReader) call(c *callRaw, depth int) bool {
	more, ok := r.open('}', depth+1)
	for ok && more {
		var key []byte
		if key, ok = r.key(); !ok {
			return false
		}
		switch {
		case foldedIs(key, "ID"):
			ok = r.stringField(&c.id)
		case foldedIs(key, "NAME"):
			ok = r.stringField(&c.name)
		case foldedIs(key, "ARGUMENTS"):
			start := r.pos
			if ok = r.skip(depth + 1); ok {
				c.args = r.s[start:r.pos]
			}
		default:
			ok = r.skip(depth + 1)
		}
		if ok {
			more, ok = r.next('}')
		}
	}
	return ok
}

// stringField reads the value of a string field: a string's body into *dst, null leaves
// it; anything else is a type error.
func (r *tcReader) stringField(dst *[]byte) bool {
	if r.pos >= len(r.s) {
		return false
	}
	switch r.s[r.pos] {
	case '"':
		start := r.pos
		end, ok := jsoncompact.StringEnd(r.s, start)
		if ok {
			*dst = r.s[start+1 : end-1]
			r.pos = end
		}
		return ok
	case 'n':
		return r.literal("null")
	}
	return false
}

// ws moves past JSON white space.
func (r *tcReader) ws() { r.pos = skipWS(r.s, r.pos) }

func skipWS(s []byte, i int) int {
	for i < len(s) && s[i] <= ' ' && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r') {
		i++
	}
	return i
}

// literal reads lit (true, false, null) at r.pos.
func (r *tcReader) literal(lit string) bool {
	if len(r.s)-r.pos < len(lit) || string(r.s[r.pos:r.pos+len(lit)]) != lit {
		return false
	}
	r.pos += len(lit)
	return true
}

// open moves past the opening byte at r.pos of a container at nesting level level (the
// top level's is 1) and the white space after it; more is false for an empty container,
// which it moves past too.
func (r *tcReader) open(closing byte, level int) (more, ok bool) {
	if level > jsonMaxNesting {
		return false, false
	}
	r.pos++
	r.ws()
	if r.pos < len(r.s) && r.s[r.pos] == closing {
		r.pos++
		return false, true
	}
	return true, true
}

// key reads an object member's name at r.pos, the ':' and the white space around it, and
// returns the name's body (still escaped).
func (r *tcReader) key() ([]byte, bool) {
	end, ok := memberName(r.s, r.pos)
	if !ok {
		return nil, false
	}
	body := r.s[r.pos+1 : end-1]
	r.pos = skipWS(r.s, end)
	if r.pos >= len(r.s) || r.s[r.pos] != ':' {
		return nil, false
	}
	r.pos = skipWS(r.s, r.pos+1)
	return body, true
}

// memberName checks the string at s[i] (which must be one) and returns its end.
func memberName(s []byte, i int) (int, bool) {
	if i >= len(s) || s[i] != '"' {
		return i, false
	}
	return jsoncompact.StringEnd(s, i)
}

// next reads what follows a member of an object or array (white space skipped): the
// closing byte (more false) or a ',' and the white space after it.
func (r *tcReader) next(closing byte) (more, ok bool) {
	r.ws()
	if r.pos >= len(r.s) {
		return false, false
	}
	switch r.s[r.pos] {
	case ',':
		r.pos = skipWS(r.s, r.pos+1)
		return true, true
	case closing:
		r.pos++
		return false, true
	}
	return false, false
}

// skip checks the value at r.pos, depth containers deep, and moves past it (not past the
// white space after it). It keeps the kinds of the containers it opens in a bit stack
// (a slice past 64 levels) instead of recursing.
func (r *tcReader) skip(depth int) bool {
	s, i := r.s, r.pos
	var (
		objs uint64 // bit k: the container at level k of this skip is an object
		deep []bool // levels 64 and on
		n    int    // containers open
	)
	for {
		// A value at s[i].
		if i >= len(s) {
			return false
		}
		var ok bool
		switch c := s[i]; c {
		case '"':
			if i, ok = jsoncompact.StringEnd(s, i); !ok {
				return false
			}
		case '{', '[':
			if depth+n+1 > jsonMaxNesting {
				return false
			}
			obj := c == '{'
			if n < 64 {
				objs = objs&^(1<<n) | b2u(obj)<<n
			} else {
				deep = append(deep[:n-64], obj)
			}
			n++
			i = skipWS(s, i+1)
			if closing := c + 2; i < len(s) && s[i] == closing { // '{'+2 == '}', '['+2 == ']'
				i++
				n--
				break
			}
			if obj {
				if i, ok = nameColon(s, i); !ok {
					return false
				}
			}
			continue
		case 't':
			if i, ok = word(s, i, "true"); !ok {
				return false
			}
		case 'f':
			if i, ok = word(s, i, "false"); !ok {
				return false
			}
		case 'n':
			if i, ok = word(s, i, "null"); !ok {
				return false
			}
		default:
			if i, ok = numberEnd(s, i); !ok {
				return false
			}
		}
		// After a value: the end of this skip, a ',' and the next member, or the end of
		// the innermost container (and then after that value).
		for {
			if n == 0 {
				r.pos = i
				return true
			}
			i = skipWS(s, i)
			if i >= len(s) {
				return false
			}
			var obj bool
			if n <= 64 {
				obj = objs>>(n-1)&1 != 0
			} else {
				obj = deep[n-65]
			}
			c := s[i]
			if c == ',' {
				i = skipWS(s, i+1)
				if obj {
					if i, ok = nameColon(s, i); !ok {
						return false
					}
				}
				break
			}
			if obj && c != '}' || !obj && c != ']' {
				return false
			}
			i++
			n--
		}
	}
}

func b2u(b bool) uint64 {
	if b {
		return 1
	}
	return 0
}

// nameColon checks a member's name at s[i], the ':' and the white space around it, and
// returns where its value starts.
func nameColon(s []byte, i int) (int, bool) {
	i, ok := memberName(s, i)
	if !ok {
		return i, false
	}
	i = skipWS(s, i)
	if i >= len(s) || s[i] != ':' {
		return i, false
	}
	return skipWS(s, i+1), true
}

func word(s []byte, i int, w string) (int, bool) {
	if len(s)-i >= len(w) && string(s[i:i+len(w)]) == w {
		return i + len(w), true
	}
	return i, false
}

// validJSON reports whether s is one JSON value with white space around it, as json.Valid.
func validJSON(s []byte) bool {
	r := tcReader{s: s}
	r.ws()
	if !r.skip(0) {
		return false
	}
	r.ws()
	return r.pos == len(s)
}

// plainString reports whether the checked string body b is its own text: no escapes and
// valid UTF-8 (encoding/json's unquote returns such a body as it is).
func plainString(b []byte) bool {
	return bytes.IndexByte(b, '\\') < 0 && utf8.Valid(b)
}

// appendUnquotedBody appends the text of the checked string body b, as json.Unmarshal
// decodes it.
func appendUnquotedBody(dst, b []byte) []byte {
	if plainString(b) {
		return append(dst, b...)
	}
	return appendUnquoted(dst, b)
}

// unquoteBytes is the text of the checked string body b, as json.Unmarshal decodes it: b
// itself when it is plain, else a new slice.
func unquoteBytes(b []byte) []byte {
	if plainString(b) {
		return b
	}
	return appendUnquoted(nil, b)
}

// appendUnquoted appends the text of the checked string body b as encoding/json's
// unquoteBytes decodes it: escapes resolved, a \u escape of a lone surrogate and each byte
// of invalid UTF-8 as U+FFFD.
func appendUnquoted(dst, b []byte) []byte {
	for i := 0; i < len(b); {
		c := b[i]
		switch {
		case c == '\\':
			switch e := b[i+1]; e {
			case 'b':
				dst = append(dst, '\b')
			case 'f':
				dst = append(dst, '\f')
			case 'n':
				dst = append(dst, '\n')
			case 'r':
				dst = append(dst, '\r')
			case 't':
				dst = append(dst, '\t')
			case 'u':
				r := hex4b(b[i+2:])
				i += 6
				if r >= 0xd800 && r < 0xe000 { // a surrogate: a pair needs a low half next
					if r < 0xdc00 && i+6 <= len(b) && b[i] == '\\' && b[i+1] == 'u' {
						if lo := hex4b(b[i+2:]); lo >= 0xdc00 && lo < 0xe000 {
							dst = utf8.AppendRune(dst, 0x10000+(r-0xd800)<<10+(lo-0xdc00))
							i += 6
							continue
						}
					}
					r = utf8.RuneError
				}
				dst = utf8.AppendRune(dst, r)
				continue
			default: // '"', '\\', '/'
				dst = append(dst, e)
			}
			i += 2
		case c < utf8.RuneSelf:
			dst = append(dst, c)
			i++
		default:
			r, n := utf8.DecodeRune(b[i:])
			dst = utf8.AppendRune(dst, r)
			i += n
		}
	}
	return dst
}

// hex4b reads the four hex digits at b[:4] (checked: jsoncompact.StringEnd).
func hex4b(b []byte) rune {
	var r rune
	for _, c := range b[:4] {
		switch {
		case c <= '9':
			c -= '0'
		case c >= 'a':
			c -= 'a' - 10
		default:
			c -= 'A' - 10
		}
		r = r<<4 | rune(c)
	}
	return r
}

// foldedIs reports whether the checked name body b matches the field whose folded name
// (encoding/json fold.go: ASCII letters upper-cased) is upper, as encoding/json matches a
// member's name to a struct field: b unescaped, then each ASCII letter upper-cased and
// every other rune replaced by the smallest rune of its case-fold orbit.
func foldedIs(b []byte, upper string) bool {
	if len(b) < len(upper) || len(b) > 6*len(upper) {
		return false // each byte of the folded name comes from 1 to 6 bytes of b (\u017f)
	}
	if len(b) == len(upper) {
		i := 0
		for ; i < len(b); i++ {
			c := b[i]
			if c >= utf8.RuneSelf || c == '\\' {
				break
			}
			if 'a' <= c && c <= 'z' {
				c -= 'a' - 'A'
			}
			if c != upper[i] {
				return false
			}
		}
		if i == len(b) {
			return true
		}
	}
	if bytes.IndexByte(b, '\\') < 0 && !hasNonASCII(b) {
		return false // each byte is one byte of the name: the lengths differ
	}
	var buf [32]byte
	u := appendUnquoted(buf[:0], b)
	j := 0
	for i := 0; i < len(u); {
		c := u[i]
		if c < utf8.RuneSelf {
			if 'a' <= c && c <= 'z' {
				c -= 'a' - 'A'
			}
			i++
		} else {
			r, n := utf8.DecodeRune(u[i:])
			f := foldRune(r)
			if f >= utf8.RuneSelf {
				return false
			}
			c = byte(f)
			i += n
		}
		if j >= len(upper) || c != upper[j] {
			return false
		}
		j++
	}
	return j == len(upper)
}

func hasNonASCII(b []byte) bool {
	for _, c := range b {
		if c >= utf8.RuneSelf {
			return true
		}
	}
	return false
}

// foldRune is the smallest rune of r's case-fold orbit (encoding/json fold.go).
func foldRune(r rune) rune {
	for {
		r2 := unicode.SimpleFold(r)
		if r2 <= r {
			return r2
		}
		r = r2
	}
}

// argsKwargsEmpty reports whether in (starting with '{', no white space around it) is an
// object with exactly the members args and kwargs (after unescaping, the last of a repeated
// name counting), args [] and kwargs {}, as json.Unmarshal into map[string]json.RawMessage
// and the comparison of noArguments found it. A member of any other name answers false at
// once: the map would have a third key, or the document is refused.
func argsKwargsEmpty(in []byte) bool {
	r := tcReader{s: in}
	more, ok := r.open('}', 1)
	var args, kwargs []byte
	for ok && more {
		var key []byte
		if key, ok = r.key(); !ok {
			return false
		}
		var dst *[]byte
		switch {
		case nameIs(key, "args"):
			dst = &args
		case nameIs(key, "kwargs"):
			dst = &kwargs
		default:
			return false
		}
		start := r.pos
		if ok = r.skip(1); ok {
			*dst = in[start:r.pos]
			more, ok = r.next('}')
		}
	}
	r.ws()
	return ok && r.pos == len(in) && string(args) == "[]" && string(kwargs) == "{}"
}

// nameIs reports whether the checked name body b unescapes to name (ASCII).
func nameIs(b []byte, name string) bool {
	if bytes.IndexByte(b, '\\') < 0 {
		return string(b) == name // U+FFFD for invalid UTF-8 is no ASCII name
	}
	var buf [32]byte
	return string(appendUnquoted(buf[:0], b)) == name
}
