package mapping

import (
	"sync"
	"unsafe"
)

// The mapping reads JSON into jv, an ordered tree, with a parser of its own
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

// jsonParser builds the tree of one document in two passes over its text (jsonscan.go):
// count reads the document's structure (how many members each object and array has), then
// value reads it into the tree, writing every member straight into its slot of the values
// and names reserved for the document in the slabs (vslab, kslab), which the parser keeps
// from one document to the next. Nothing is written twice: no stack of members waiting for
// their container to end, no copy out of it and no clearing behind it (the slabs hold
// pointers, so each of these was a pass of write barriers while the GC marks). A tree that
// outlives the parser is moved out of the slabs (relocate), so a parse costs two
// allocations whatever the number of containers. Strings without escapes are substrings of
// the source.
type jsonParser struct {
	s      string // the document
	pos    int    // the next byte of s to read
	vslab  []jv
	kslab  []string
	nv, nk int // values and names of the document's objects and arrays (count)
	// counts[i] is the number of members of the i-th object or array to open (count); open
	// is count's stack of the containers open (indices into counts, ^index for an object).
	counts, open []int32
	ci           int      // the next container's index in counts
	vres         []jv     // the values reserved for the document in vslab
	kres         []string // the names reserved in kslab
	vi, ki       int      // the next free slot of vres, kres
	esc          []byte   // scratch: unescaped strings
}

func (p *jsonParser) parse(s string) (jv, bool) {
	p.s, p.pos, p.ci, p.vi, p.ki = s, 0, 0, 0, 0
	p.skipSpace()
	if !p.count() {
		return jv{}, false
	}
	p.vres, p.kres = reserve(&p.vslab, p.nv), reserve(&p.kslab, p.nk)
	var v jv
	ok := p.value(&v, 0)
	if ok {
		p.skipSpace()
		ok = p.pos == len(s)
	}
	if !ok {
		// Give the reservation (the slabs' last slots) back, cleared: a slab's free part
		// stays zero.
		clear(p.vres)
		clear(p.kres)
		p.vslab, p.kslab = p.vslab[:len(p.vslab)-len(p.vres)], p.kslab[:len(p.kslab)-len(p.kres)]
	}
	p.vres, p.kres = nil, nil
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
	if cap(p.esc) > maxPooledParserBytes || cap(p.counts) > maxPooledParserValues || cap(p.open) > maxPooledParserValues ||
		cap(p.vslab) > maxPooledParserValues || cap(p.kslab) > maxPooledParserValues {
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

// reserve returns the next n slots of *slab (zero: a slab's free part is never written
// before it is reserved), taking a fresh slab, at least twice as large, when too little is
// free (the trees handed out keep the old one).
func reserve[T any](slab *[]T, n int) []T {
	if cap(*slab)-len(*slab) < n {
		*slab = make([]T, 0, max(n, 2*cap(*slab)))
	}
	l := len(*slab)
	*slab = (*slab)[:l+n]
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
	// memo is what attrTree parsed for the span, by the attribute's string: a second read
	// of the same attribute gets the same tree without parsing it again.
	memo []parsedAttr
}

// parsedAttr is an attribute string and its tree. The tree is shared by every reader of
// the attribute: nobody writes into a tree attrTree returned (a caller that changes one
// copies the containers it changes first, as genkitNormValue does).
type parsedAttr struct {
	s string
	j *jv
}

// sameString reports whether a and b are the same string in memory (data and length): an
// attribute value read twice from one span is.
func sameString(a, b string) bool {
	return len(a) == len(b) && unsafe.StringData(a) == unsafe.StringData(b)
}

// reset lets go of the trees (and of their references to span data).
func (a *treeArena) reset() {
	a.owner = nil
	a.p.letGo()
	clear(a.roots)
	clear(a.msgs)
	clear(a.memo)
	a.roots, a.msgs, a.memo = a.roots[:0], a.msgs[:0], a.memo[:0]
	if cap(a.msgs) > maxPooledParserValues {
		a.msgs = nil
	}
}

// letGo lets go of the trees parsed into p's slabs (and of their references to the
// documents), keeping the slabs and scratch for the next ones unless they grew too large.
func (p *jsonParser) letGo() {
	p.s = ""
	clear(p.vslab)
	clear(p.kslab)
	p.vslab, p.kslab = p.vslab[:0], p.kslab[:0]
	if cap(p.esc) > maxPooledParserBytes {
		p.esc = nil
	}
	if cap(p.vslab) > maxPooledParserValues || cap(p.kslab) > maxPooledParserValues ||
		cap(p.counts) > maxPooledParserValues || cap(p.open) > maxPooledParserValues {
		p.vslab, p.kslab, p.counts, p.open = nil, nil, nil, nil
	}
}

// attrTree returns an attribute value as valueJV(v, true, 0) does, its tree in c's arena:
// valid while c builds the current span's event. A string holding a JSON object or array
// is parsed once per span: a second call with the same attribute returns the same tree
// (parsedTree), which the caller must not change.
func (c *spanCtx) attrTree(v Value) *jv {
	if s := v.Str(); v.Kind() == ValueStr {
		if !looksLikeJSON(s) {
			return c.treeRoot(jv{k: 's', s: s})
		}
		if j := c.parsedTree(s); j != nil {
			return j
		}
		a := &c.trees // parsedTree made it the span's
		j, ok := a.p.parse(s)
		if !ok {
			j = jv{k: 's', s: s}
		}
		r := a.root(j)
		a.memo = append(a.memo, parsedAttr{s, r})
		return r
	}
	return c.treeRoot(valueJV(v, true, 0))
}

// jsonAttrTree returns an attribute value as a JSON value: a string that is one JSON value
// (an object, an array, or a scalar such as "\"Paris\"" or 42) is its tree, any other
// string the string itself; other values as attrTree gives them. Like attrTree, the tree
// is in c's arena and a string parses once per span.
func (c *spanCtx) jsonAttrTree(v Value) *jv {
	if s := v.Str(); v.Kind() == ValueStr && !looksLikeJSON(s) {
		if j, ok := c.arena().p.parse(s); ok {
			return c.treeRoot(j) // a scalar: no containers, nothing worth remembering
		}
	}
	return c.attrTree(v)
}

// parsedTree returns the tree of the attribute string s that the span's prepare
// (spanAttrs.parsed) or build (attrTree) already parsed, nil when s was not parsed. s must
// be a JSON object or array text (looksLikeJSON): for it, both give what attrTree gives.
func (c *spanCtx) parsedTree(s string) *jv {
	if j := c.a.preparedTree(s); j != nil {
		return j
	}
	a := c.arena()
	for i := range a.memo {
		if sameString(a.memo[i].s, s) {
			return a.memo[i].j
		}
	}
	return nil
}

// preparedTree is an attribute string parsed while its span was prepared, and its tree (in
// the Map call's slabs, spanAttrs.parser), or the string itself when it did not parse.
type preparedTree struct {
	s  string
	j  jv
	ok bool
}

// parsed returns parseJSON(s) of the span's attribute string s, nil when s does not parse,
// parsing s once per span: what the readers of prepare (usage, model, IDs) parse is kept
// until the span's attributes are released at the end of the Map call, and the span's build
// reads the same trees (spanCtx.parsedTree) instead of parsing them again. The tree is
// shared: the caller must not change it. In MapBatch the trees go into the call's slabs
// (spanAttrs.parser, spanCtx.prepTrees: no allocation once they have grown), which it lets
// go of when it ends; a spanAttrs without a parser gets parseJSON's trees.
func (a *spanAttrs) parsed(s string) *jv {
	for i := range a.trees {
		if t := &a.trees[i]; sameString(t.s, s) {
			if !t.ok {
				return nil
			}
			return &t.j
		}
	}
	var j jv
	var ok bool
	if a.parser != nil {
		j, ok = a.parser.parse(s)
	} else {
		j, ok = parseJSON(s)
	}
	if !ok {
		j = jv{k: 's', s: s}
	}
	a.trees = append(a.trees, preparedTree{s, j, ok})
	if !ok {
		return nil
	}
	return &a.trees[len(a.trees)-1].j
}

// valueTree is valueJV(v, true, 0) for a reader of prepare: a string holding a JSON object
// or array goes through parsed (once per span, the tree shared: the caller must not change
// it).
func (a *spanAttrs) valueTree(v Value) jv {
	if s := v.Str(); v.Kind() == ValueStr && looksLikeJSON(s) {
		if j := a.parsed(s); j != nil {
			return *j
		}
		return jv{k: 's', s: s}
	}
	return valueJV(v, true, 0)
}

// preparedTree returns the tree spanAttrs.parsed kept of s (a string that did not parse
// as itself, as attrTree has it), nil when prepare did not parse s.
func (a *spanAttrs) preparedTree(s string) *jv {
	for i := range a.trees {
		if sameString(a.trees[i].s, s) {
			return &a.trees[i].j
		}
	}
	return nil
}

// treeRoot returns j moved into c's arena (valid while c builds the current span's event),
// so a *jv handed out costs no allocation of its own.
func (c *spanCtx) treeRoot(j jv) *jv { return c.arena().root(j) }

// root returns j moved into the arena's roots.
func (a *treeArena) root(j jv) *jv {
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
