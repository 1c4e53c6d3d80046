package mapping

import (
	"slices"
	"strings"
)

// spanAttrs indexes one span's attributes for the mapping and records which keys were
// consumed (mapped onto an event field), so the rest can go to metadata.
//
// The attributes are kept in a slice in source order (a repeated key keeps its first
// position and its last value, as a map would) with a 1024-bit presence filter over a
// cheap key hash: the mapping asks for well over a hundred keys per span and most are
// absent, so a lookup is usually one bit test, and a hit is a short scan of the slice.
// The keys of the compiled rules carry their bits (ruleset.keys, keyIndex): the readers
// that walk a compiled list (use, firstStr, hasOne, useValue, … through at) read them
// instead of hashing each key.
// Building it costs no allocation once the pooled slice has grown.
type spanAttrs struct {
	e         []attrEntry
	filter    [attrFilterWords]uint64
	prefixes  []string                 // consumed flattened prefixes, e.g. "llm.input_messages."
	flat      flatScratch              // unflatten's scratch (map_flat.go)
	order     []int32                  // scratch: entry indices in key order (leftovers)
	orderKeys []mdKey                  // scratch: their keys' sort keys (leftovers)
	rules     *ruleset                 // the Mapper's compiled precedence (ruleset.go)
	addFn     func(string, Value) bool // a.add, bound once (a closure per reset would allocate)
	trees     []preparedTree           // the attribute strings parsed while the span was prepared (parsed, jsontree.go)
	parser    *jsonParser              // where parsed puts its trees: the Map call's (spanCtx.prepTrees), or nil
}

type attrEntry struct {
	k    string
	v    Value
	used bool
	fb   uint8 // the fallback classes k's last segment may belong to (fbClass*, fallback_class.go)
}

const attrFilterWords = 16 // 1024 bits

// attrHash picks the filter bit of a key from its length and, for a key of eight bytes or
// more, its first, middle and last eight bytes, mixed by multiplication (a few loads
// whatever the key's length: the mapping hashes every attribute and many literal keys per
// span). Keys of a dialect share long prefixes, and flattened keys differ only in an index
// near the middle (llm.input_messages.0.message.content, gen_ai.prompt.1.content): a hash
// of a few single bytes gave most of those one bit, and each add of one scanned the entries.
func attrHash(k string) uint {
	n := len(k)
	h := uint64(n) * 0x9E3779B97F4A7C15
	if n < 8 {
		var w uint64
		for i := 0; i < n; i++ {
			w |= uint64(k[i]) << (8 * i)
		}
		h ^= w
	} else {
		h = (h ^ load64(k)) * 0xFF51AFD7ED558CCD
		h = (h ^ h>>29 ^ load64(k[n/2-4:])) * 0xFF51AFD7ED558CCD
		h = h ^ h>>29 ^ load64(k[n-8:])
	}
	h ^= h >> 32
	h *= 0xC4CEB9FE1A85EC53
	return uint(h >> (64 - 10)) // attrFilterWords*64 bits
}

// load64 returns the first eight bytes of s (len(s) >= 8), little-endian.
func load64(s string) uint64 {
	_ = s[7]
	return uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24 |
		uint64(s[4])<<32 | uint64(s[5])<<40 | uint64(s[6])<<48 | uint64(s[7])<<56
}

func (a *spanAttrs) mayHave(k string) bool { return a.hasBit(attrHash(k)) }

func (a *spanAttrs) hasBit(h uint) bool { return a.filter[h>>6]&(1<<(h&63)) != 0 }

// find returns the index of key, or -1.
func (a *spanAttrs) find(key string) int {
	if !a.mayHave(key) {
		return -1
	}
	return a.scan(key)
}

// scan returns the index of key, or -1, without the filter.
func (a *spanAttrs) scan(key string) int {
	for i := range a.e {
		if a.e[i].k == key {
			return i
		}
	}
	return -1
}

// at returns the index of keys[i], or -1, as find(keys[i]) does; bits is
// a.rules.listBits(keys): the key's filter bit when keys is a compiled list, nil otherwise.
func (a *spanAttrs) at(keys []string, bits []uint16, i int) int {
	var h uint
	if bits != nil {
		h = uint(bits[i])
	} else {
		h = attrHash(keys[i])
	}
	if !a.hasBit(h) {
		return -1
	}
	return a.scan(keys[i])
}

func (a *spanAttrs) reset(src Map) {
	clear(a.e) // drop references to the previous span's values
	a.e = a.e[:0]
	clear(a.trees)
	a.trees, a.parser = a.trees[:0], nil
	a.filter = [attrFilterWords]uint64{}
	a.prefixes = a.prefixes[:0]
	if src != nil {
		if a.addFn == nil {
			a.addFn = a.add
		}
		src.Range(a.addFn)
	}
}

// add indexes one attribute (reset's Range callback).
func (a *spanAttrs) add(k string, v Value) bool {
	h := attrHash(k)
	if a.hasBit(h) {
		if i := a.scan(k); i >= 0 { // a repeated key: the last value wins
			a.e[i].v = v
			return true
		}
	}
	a.filter[h>>6] |= 1 << (h & 63)
	fb := fbClassAll
	if a.rules != nil {
		fb = a.rules.segClasses.classOf(k)
	}
	a.e = append(a.e, attrEntry{k: k, v: v, fb: fb})
	return true
}

// release drops the references to span data before the spanAttrs is pooled.
func (a *spanAttrs) release() {
	clear(a.e)
	a.e = a.e[:0]
	clear(a.trees)
	a.trees, a.parser = a.trees[:0], nil
	clear(a.prefixes)
	a.prefixes = a.prefixes[:0]
}

func (a *spanAttrs) has(key string) bool {
	i := a.find(key)
	return i >= 0 && a.e[i].v.Kind() != ValueEmpty
}

// get returns the value of key; it does not mark it consumed.
func (a *spanAttrs) get(key string) (Value, bool) {
	if i := a.find(key); i >= 0 {
		return a.e[i].v, a.e[i].v.Kind() != ValueEmpty
	}
	return Value{}, false
}

// str returns a non-empty scalar as text.
func (a *spanAttrs) str(key string) string {
	if i := a.find(key); i >= 0 {
		return valueString(a.e[i].v)
	}
	return ""
}

// getAt, strAt and hasAt are get, str and has of keys[i]; bits is a.rules.listBits(keys).
func (a *spanAttrs) getAt(keys []string, bits []uint16, i int) (Value, bool) {
	if j := a.at(keys, bits, i); j >= 0 {
		return a.e[j].v, a.e[j].v.Kind() != ValueEmpty
	}
	return Value{}, false
}

func (a *spanAttrs) strAt(keys []string, bits []uint16, i int) string {
	if j := a.at(keys, bits, i); j >= 0 {
		return valueString(a.e[j].v)
	}
	return ""
}

func (a *spanAttrs) hasAt(keys []string, bits []uint16, i int) bool {
	j := a.at(keys, bits, i)
	return j >= 0 && a.e[j].v.Kind() != ValueEmpty
}

// hasOne reports whether one of keys has a value (has).
func (a *spanAttrs) hasOne(keys []string) bool {
	bits := a.rules.listBits(keys)
	for i := range keys {
		if a.hasAt(keys, bits, i) {
			return true
		}
	}
	return false
}

// use marks keys consumed.
func (a *spanAttrs) use(keys ...string) {
	bits := a.rules.listBits(keys)
	for i := range keys {
		if j := a.at(keys, bits, i); j >= 0 {
			a.e[j].used = true
		}
	}
}

// usePrefix marks every key under prefix consumed.
func (a *spanAttrs) usePrefix(prefix string) { a.prefixes = append(a.prefixes, prefix) }

func (a *spanAttrs) isUsed(key string) bool {
	if i := a.find(key); i >= 0 && a.e[i].used {
		return true
	}
	return a.underUsedPrefix(key)
}

func (a *spanAttrs) underUsedPrefix(key string) bool {
	for _, p := range a.prefixes {
		if strings.HasPrefix(key, p) {
			return true
		}
	}
	return false
}

// leftovers returns the indices of the entries the mapping did not consume (not used, not
// under a consumed prefix, not flattened Traceloop content), in key order, and their keys'
// sort keys (keyOf, map_metadata.go), which the metadata builder keeps. Each index is put in
// its place as it is found (by insertion on the sort keys; the keys are distinct), up to
// maxInsertionSort of them, then sorted once. The slices are scratch, valid until the next
// call.
func (a *spanAttrs) leftovers() ([]int32, []mdKey) {
	// The first bytes of the consumed prefixes: a key starting with another byte is under
	// none of them (most keys: the prefixes are OpenInference's llm.…, embedding.…, …).
	var first [4]uint64
	for _, p := range a.prefixes {
		if p == "" {
			first = [4]uint64{^uint64(0), ^uint64(0), ^uint64(0), ^uint64(0)}
			break
		}
		first[p[0]>>6] |= 1 << (p[0] & 63)
	}
	ord, ks := a.order[:0], a.orderKeys[:0]
	for i := range a.e {
		if a.e[i].used {
			continue
		}
		k := a.e[i].k
		if (k == "" || first[k[0]>>6]&(1<<(k[0]&63)) != 0) && a.underUsedPrefix(k) || a.rules.isIndexedContent(k) {
			continue
		}
		kk := keyOf(k)
		ord, ks = append(ord, int32(i)), append(ks, kk)
		if len(ord) > maxInsertionSort {
			continue // sorted below
		}
		j := len(ord) - 1
		for ; j > 0; j-- {
			p := ks[j-1]
			if kk.hi > p.hi || kk.hi == p.hi && (kk.lo > p.lo || kk.lo == p.lo && k > a.e[ord[j-1]].k) {
				break
			}
			ord[j], ks[j] = ord[j-1], p
		}
		ord[j], ks[j] = int32(i), kk
	}
	a.order, a.orderKeys = ord, ks
	if len(ord) > maxInsertionSort {
		slices.SortFunc(ord, func(x, y int32) int {
			return strings.Compare(a.e[x].k, a.e[y].k) // keys are distinct
		})
		for j, i := range ord {
			ks[j] = keyOf(a.e[i].k)
		}
	}
	return ord, ks
}

// firstStr returns the first non-empty string value among keys and the key it came from.
func (a *spanAttrs) firstStr(keys ...string) (string, string) {
	bits := a.rules.listBits(keys)
	for i := range keys {
		if s := a.strAt(keys, bits, i); s != "" {
			return s, keys[i]
		}
	}
	return "", ""
}

// hasIndexed reports whether some key is prefix + a decimal index (flattened arrays).
func (a *spanAttrs) hasIndexed(prefix string) bool {
	for i := range a.e {
		k := a.e[i].k
		if len(k) > len(prefix) && strings.HasPrefix(k, prefix) && k[len(prefix)] >= '0' && k[len(prefix)] <= '9' {
			return true
		}
	}
	return false
}
