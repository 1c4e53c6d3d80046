package mapping

import (
	"hash/maphash"
	"math"
	"strings"
	"sync/atomic"
)

// boxCache interns the boxed (any) form of the small scalar metadata values that recur from
// span to span and from one Map call to the next: resource and scope attributes, the kind,
// model and operation names, server addresses and ports, conversation ids. Storing a string,
// a large integer or a float in a map[string]any allocates its box; a value found here is
// stored without allocating. Boxed scalars are immutable, so events may share them.
//
// It is a direct-mapped table of boxSlots entries, lock-free (one atomic pointer per slot),
// so it is bounded (at most boxSlots values of at most maxInternBytes) and safe for the
// Mapper's concurrent Map calls. A value is admitted on its second sighting in a row at its
// slot (seen keeps the hash last missed there), so values that never repeat (response ids,
// timestamps) neither allocate an entry nor evict the recurring ones. Interned strings are
// copied: an entry never keeps span data (e.g. a collector request's buffer) alive.
type boxCache struct {
	seed  maphash.Seed
	slots [boxSlots]atomic.Pointer[boxEntry]
	seen  [boxSlots]atomic.Uint64
}

const (
	boxSlots       = 1024
	maxInternBytes = 64
)

type boxEntry struct {
	kind ValueKind // ValueStr, ValueInt or ValueDouble
	num  uint64    // int64 or float64 bits
	s    string
	v    any
}

func newBoxCache() *boxCache { return &boxCache{seed: maphash.MakeSeed()} }

// str returns s boxed.
func (b *boxCache) str(s string) any {
	if len(s) == 0 || len(s) > maxInternBytes {
		return s // "" boxes without allocating; long values are not interned
	}
	h := maphash.String(b.seed, s)
	i := h % boxSlots
	if e := b.slots[i].Load(); e != nil && e.kind == ValueStr && e.s == s {
		return e.v
	}
	if !b.admit(i, h) {
		return s
	}
	c := strings.Clone(s)
	e := &boxEntry{kind: ValueStr, s: c, v: c}
	b.slots[i].Store(e)
	return e.v
}

// int returns n boxed as an int64.
func (b *boxCache) int(n int64) any {
	if n >= 0 && n < 256 {
		return n // the runtime boxes small integers without allocating
	}
	return b.num(ValueInt, uint64(n))
}

// float returns f boxed as a float64.
func (b *boxCache) float(f float64) any { return b.num(ValueDouble, math.Float64bits(f)) }

func (b *boxCache) num(kind ValueKind, bits uint64) any {
	h := (bits ^ uint64(kind)<<56) * 0x9e3779b97f4a7c15
	h ^= h >> 29
	i := h % boxSlots
	if e := b.slots[i].Load(); e != nil && e.kind == kind && e.num == bits {
		return e.v
	}
	var v any
	if kind == ValueInt {
		v = int64(bits)
	} else {
		v = math.Float64frombits(bits)
	}
	if b.admit(i, h) {
		b.slots[i].Store(&boxEntry{kind: kind, num: bits, v: v})
	}
	return v
}

// memo returns f(s), remembered for an s that recurs (admitted as str admits; s of at most
// maxInternBytes): the Mapper's threads cache keeps ThreadUUID of recurring conversation
// ids, so a conversation's SHA-256 is not taken again for every trace and Map call.
func (b *boxCache) memo(s string, f func(string) string) string {
	if len(s) > maxInternBytes {
		return f(s)
	}
	h := maphash.String(b.seed, s)
	i := h % boxSlots
	if e := b.slots[i].Load(); e != nil && e.s == s {
		return e.v.(string)
	}
	v := f(s)
	if b.admit(i, h) {
		b.slots[i].Store(&boxEntry{kind: ValueStr, s: strings.Clone(s), v: strings.Clone(v)}) // v may be s
	}
	return v
}

// admit reports whether h was the last hash missed at slot i (its second sighting in a
// row), recording it otherwise.
func (b *boxCache) admit(i, h uint64) bool {
	if b.seen[i].Load() == h {
		return true
	}
	b.seen[i].Store(h)
	return false
}
