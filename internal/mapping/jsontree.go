package mapping

import "sync"

// The mapping reads JSON into jv, an ordered tree, with a one-pass parser of its own
// (jsonscan.go). The tree is what every message and value path works on; appendJV
// (map_json.go) writes it.
//
// Parsing is lenient where the emitters are: duplicate object names are kept, in order;
// invalid UTF-8 inside strings is kept byte for byte (jsonesc.AppendString writes each bad
// byte as \ufffd); a \u escape of a lone UTF-16 surrogate decodes to U+FFFD; numbers keep
// the text they were written with. What the parser refuses — anything that is not one
// JSON value, or nests deeper than maxJSONDepth — makes parseJSON fail, and the caller
// keeps the raw string.

// jv is a parsed JSON value that keeps object key order (so output is stable and mirrors
// the source) and shares string memory with its input where no escapes occur.
type jv struct {
	k byte // 'o' object, 'a' array, 's' string, 'n' number (raw text), 't', 'f', 'z' null; 0 absent
	// plain marks a string whose s is printable ASCII with nothing to escape (the parser
	// sets it): appendJV writes it between quotes as it is.
	plain bool
	s     string
	keys  []string
	vals  []jv
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

// maxJSONDepth is the deepest nesting parseJSON accepts (the top-level value is depth 0);
// a document with a value deeper than that does not parse.
const maxJSONDepth = 128

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

// parseJSON parses s as one JSON value (surrounding white space allowed). ok is false for
// anything else: the caller keeps the raw string (lenient parsing). The tree's members
// are in two exact-size arrays (one of values, one of object names) of its own.
func parseJSON(s string) (jv, bool) {
	p := parserPool.Get().(*jsonParser)
	v, ok := p.parse(s)
	if ok {
		vs, ks := make([]jv, 0, p.nv), make([]string, 0, p.nk)
		relocate(&v, vs, ks)
	}
	p.release()
	return v, ok
}

// appendJSONText appends s as appendJV(parseJSON(s)) writes it: compact, strings
// re-escaped by jsonesc.AppendString, numbers as written, duplicate names kept in order.
// ok is false (dst unchanged) exactly when parseJSON(s) fails; the caller then keeps s as a
// raw string. The tree lives only for the call: its slabs stay with the pooled parser.
func appendJSONText(dst []byte, s string) ([]byte, bool) {
	p := parserPool.Get().(*jsonParser)
	v, ok := p.parse(s)
	if ok {
		dst = appendJV(dst, &v)
	}
	p.release()
	return dst, ok
}

// parserPool keeps jsonParsers for their stacks, slabs and scratch.
var parserPool = sync.Pool{New: func() any { return new(jsonParser) }}

// maxPooledParserBytes bounds the scratch a pooled parser keeps, and
// maxPooledParserValues its stacks and slabs.
const (
	maxPooledParserBytes  = 64 << 10
	maxPooledParserValues = 4 << 10
)

// jsonParser builds the tree of one document in one pass over its text (jsonscan.go).
// Members of the objects and arrays being read wait on stacks (vstack, kstack); a finished
// container takes exact-size slices of them from slabs (vslab, kslab), which the parser
// keeps from one document to the next. A tree that outlives the parser is moved out of them
// (relocate), so a parse costs two allocations whatever the number of containers. Strings
// without escapes are substrings of the source.
type jsonParser struct {
	s      string // the document
	pos    int    // the next byte of s to read
	vstack []jv
	kstack []string
	vslab  []jv
	kslab  []string
	nv, nk int    // values and names taken into slabs by this parse
	esc    []byte // scratch: unescaped strings
}

func (p *jsonParser) parse(s string) (jv, bool) {
	p.s, p.pos, p.nv, p.nk = s, 0, 0, 0
	p.skipSpace()
	v, ok := p.value(0)
	if ok {
		p.skipSpace()
		ok = p.pos == len(s)
	}
	// What the stacks held is in the slabs now (take cleared what it popped) or, after an
	// error, still on them: clear that, so the parser holds no references to the document.
	clear(p.vstack)
	clear(p.kstack)
	p.vstack, p.kstack = p.vstack[:0], p.kstack[:0]
	if !ok {
		return jv{}, false
	}
	return v, true
}

// release empties p's slabs (the tree parsed last is no longer used) and returns p to
// the pool unless it grew too large.
func (p *jsonParser) release() {
	p.s = ""
	clear(p.vslab)
	clear(p.kslab)
	p.vslab, p.kslab = p.vslab[:0], p.kslab[:0]
	if cap(p.esc) > maxPooledParserBytes ||
		cap(p.vstack) > maxPooledParserValues || cap(p.vslab) > maxPooledParserValues || cap(p.kslab) > maxPooledParserValues {
		return
	}
	parserPool.Put(p)
}

// relocate moves the members of v's containers, recursively, into vs and ks, which have
// room for all of them (appending never reallocates).
func relocate(v *jv, vs []jv, ks []string) ([]jv, []string) {
	if n := len(v.keys); n > 0 {
		l := len(ks)
		ks = append(ks, v.keys...)
		v.keys = ks[l : l+n : l+n]
	}
	if n := len(v.vals); n > 0 {
		l := len(vs)
		vs = append(vs, v.vals...)
		v.vals = vs[l : l+n : l+n]
		for i := range v.vals {
			vs, ks = relocate(&v.vals[i], vs, ks)
		}
	}
	return vs, ks
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
	clear((*stack)[base:]) // no references to the document left above the stack's top
	*stack = (*stack)[:base]
	return (*slab)[l : l+n : l+n]
}

// treeArena holds the trees parsed from one span's attributes while its event is built
// (spanCtx.attrTree): the parser's slabs and the roots are reused from one span to the
// next, so in the steady state a parse allocates nothing. A tree lives until the arena
// moves on to the next span (or the spanCtx is pooled); nothing may keep one longer.
type treeArena struct {
	owner *prepared // the span whose trees the arena holds
	p     jsonParser
	roots []jv
	msgs  []nmsg // the normalised messages of the span's trees (spanCtx.messages)
}

// reset lets go of the trees (and of their references to span data).
func (a *treeArena) reset() {
	a.owner = nil
	clear(a.p.vslab)
	clear(a.p.kslab)
	clear(a.roots)
	clear(a.msgs)
	a.msgs = a.msgs[:0]
	if cap(a.msgs) > maxPooledParserValues {
		a.msgs = nil
	}
	a.p.vslab, a.p.kslab, a.roots = a.p.vslab[:0], a.p.kslab[:0], a.roots[:0]
	a.p.s = ""
	if cap(a.p.esc) > maxPooledParserBytes {
		a.p.esc = nil
	}
	if cap(a.p.vslab) > maxPooledParserValues || cap(a.p.kslab) > maxPooledParserValues || cap(a.p.vstack) > maxPooledParserValues {
		a.p.vslab, a.p.kslab, a.p.vstack, a.p.kstack = nil, nil, nil, nil
	}
}

// attrTree returns an attribute value as valueJV(v, true, 0) does, its tree in c's arena:
// valid while c builds the current span's event.
func (c *spanCtx) attrTree(v Value) *jv {
	a := c.arena()
	var j jv
	if s := v.Str(); v.Kind() == ValueStr && looksLikeJSON(s) {
		var ok bool
		if j, ok = a.p.parse(s); !ok {
			j = jv{k: 's', s: s}
		}
	} else {
		j = valueJV(v, true, 0)
	}
	return c.treeRoot(j)
}

// treeRoot returns j moved into c's arena (valid while c builds the current span's event),
// so a *jv handed out costs no allocation of its own.
func (c *spanCtx) treeRoot(j jv) *jv {
	a := c.arena()
	if len(a.roots) == cap(a.roots) {
		a.roots = make([]jv, 0, max(16, 2*cap(a.roots))) // the trees handed out keep the old array
	}
	a.roots = append(a.roots, j)
	return &a.roots[len(a.roots)-1]
}

// takeMsgs returns an empty slice with room for n messages, from the arena.
func (a *treeArena) takeMsgs(n int) []nmsg {
	if cap(a.msgs)-len(a.msgs) < n {
		a.msgs = make([]nmsg, 0, max(n, 2*cap(a.msgs), 8)) // the slices handed out keep the old array
	}
	l := len(a.msgs)
	a.msgs = a.msgs[:l+n]
	return a.msgs[l : l : l+n]
}

// arena returns c's tree arena, emptied first when it holds another span's trees.
func (c *spanCtx) arena() *treeArena {
	a := &c.trees
	if a.owner != c.prepared {
		a.reset()
		a.owner = c.prepared
	}
	return a
}
