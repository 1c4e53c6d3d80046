package platform

import (
	"encoding/json"
	"iter"
	"slices"
	"strings"
)

// Metadata is an event's `metadata` object (docs/platform-api.md "TraceEvent": an object,
// string keys, any JSON values; the platform's SDK example in seeds/000 sends
// `metadata: {environment: 'prod'}`): its entries as a slice, kept sorted by key
// (bytewise, as strings compare) with each key once. That is the order encoding/json gives
// a map's keys, so an event encodes to the same bytes as it did when the field was a
// map[string]any.
//
// Values are what encoding/json can encode; the mapping stores strings, bools, int and int64,
// float64, json.RawMessage (structured attribute values), []any and a nested Metadata.
//
// The methods keep the order: Set inserts at the key's place or replaces the value, Delete
// removes the entry. A value built by hand (a literal, append) need not be sorted: Get and
// Lookup read any value (the last entry of a key wins), MarshalJSON encodes a sorted copy
// with the last value of a duplicated key, as a map built entry by entry would hold, and
// Normalize puts it in order in place; Set and Delete normalize first.
//
// Like a map, a Metadata is a reference to its entries: a copy of a TraceEvent shares
// them, and Set or Delete on one copy may show in the other. Clone before changing the
// metadata of an event someone else may still read. The nil Metadata is empty and encodes
// as null (a TraceEvent omits it).
type Metadata []MetadataEntry

// MetadataEntry is one key and value of a Metadata.
type MetadataEntry struct {
	Key   string
	Value any
}

// MetadataFromMap returns m's entries sorted by key; nil for a nil map, an empty
// non-nil Metadata for an empty map (encoded as {}, as the map was).
func MetadataFromMap(m map[string]any) Metadata {
	if m == nil {
		return nil
	}
	md := make(Metadata, 0, len(m))
	for k, v := range m {
		md = append(md, MetadataEntry{k, v})
	}
	sortEntries(md) // unique keys: stability does not matter
	return md
}

// Map returns the entries as a new map (the last value of a duplicated key); nil for a nil
// Metadata.
func (m Metadata) Map() map[string]any {
	if m == nil {
		return nil
	}
	out := make(map[string]any, len(m))
	for _, e := range m {
		out[e.Key] = e.Value
	}
	return out
}

// All returns an iterator over m's keys and values, in m's order (sorted, unless built by
// hand): `for k, v := range ev.Metadata.All()` reads as a map's range did.
func (m Metadata) All() iter.Seq2[string, any] {
	return func(yield func(string, any) bool) {
		for _, e := range m {
			if !yield(e.Key, e.Value) {
				return
			}
		}
	}
}

// Lookup returns the value of key and whether m holds key. On a value with a duplicated
// key (built by hand), the last entry wins. It reads the entries from the end, one by one.
func (m Metadata) Lookup(key string) (any, bool) {
	for i := len(m) - 1; i >= 0; i-- {
		if m[i].Key == key {
			return m[i].Value, true
		}
	}
	return nil, false
}

// Get returns the value of key, nil when m does not hold it (Lookup tells a nil value
// from an absent key).
func (m Metadata) Get(key string) any {
	v, _ := m.Lookup(key)
	return v
}

// Set stores v under key: it replaces the value of an existing key in place or inserts a
// new entry at its sorted position (the slice may grow, as append does). A nil *m becomes
// a one-entry Metadata.
func (m *Metadata) Set(key string, v any) {
	m.Normalize()
	i, ok := m.search(key)
	if ok {
		(*m)[i].Value = v
		return
	}
	*m = slices.Insert(*m, i, MetadataEntry{key, v})
}

// Delete removes key and its value; it does nothing when m does not hold key. The entries
// after it move down in place.
func (m *Metadata) Delete(key string) {
	m.Normalize()
	if i, ok := m.search(key); ok {
		*m = slices.Delete(*m, i, i+1)
	}
}

// Clone returns a copy of m's entries (values shared, as maps.Clone shares them); nil for
// nil. The copy's capacity is its length, so appending to it never writes into m.
func (m Metadata) Clone() Metadata {
	if m == nil {
		return nil
	}
	return append(make(Metadata, 0, len(m)), m...)
}

// Normalize sorts m by key and keeps only the last entry of each duplicated key, in place
// (the order a stable sort gives, then the later of equal keys: what a map assigned entry
// by entry would hold). A sorted m is left as it is after one pass over it.
func (m *Metadata) Normalize() {
	*m = (*m).normalized()
}

// normalized is Normalize on s's own entries.
func (s Metadata) normalized() Metadata {
	if s.sorted() {
		return s
	}
	sortEntries(s)
	w := 0
	for i := range s {
		if i+1 < len(s) && s[i+1].Key == s[i].Key {
			continue // a later entry of the same key follows
		}
		s[w] = s[i]
		w++
	}
	clear(s[w:])
	return s[:w]
}

// sorted reports whether m's keys strictly increase: sorted, each key once.
func (m Metadata) sorted() bool {
	for i := 1; i < len(m); i++ {
		if m[i-1].Key >= m[i].Key {
			return false
		}
	}
	return true
}

// search returns where key is or would be in a sorted m, and whether it is there.
func (m Metadata) search(key string) (int, bool) {
	return slices.BinarySearchFunc(m, key, func(e MetadataEntry, k string) int { return strings.Compare(e.Key, k) })
}

// maxInsertionSort is the longest slice sortEntries sorts by insertion (on the keys' words,
// kept on the stack).
const maxInsertionSort = 128

// sortEntries sorts s by key, stably: by insertion on the keys' first eight bytes as words
// (keyWord), the rest of the key only on a tie, for up to maxInsertionSort entries;
// slices.SortStableFunc beyond.
func sortEntries(s []MetadataEntry) {
	if len(s) > maxInsertionSort {
		slices.SortStableFunc(s, func(a, b MetadataEntry) int { return strings.Compare(a.Key, b.Key) })
		return
	}
	var ws [maxInsertionSort]uint64
	for i := range s {
		ws[i] = keyWord(s[i].Key)
	}
	for i := 1; i < len(s); i++ {
		e, w := s[i], ws[i]
		j := i
		for j > 0 && (w < ws[j-1] || w == ws[j-1] && e.Key < s[j-1].Key) {
			s[j], ws[j] = s[j-1], ws[j-1]
			j--
		}
		s[j], ws[j] = e, w
	}
}

// MarshalJSON encodes m as a JSON object, keys sorted, each once (the last value of a
// duplicated key): the bytes encoding/json writes for the equivalent map[string]any;
// "null" for nil. Values are encoded as TraceEvent.AppendJSON encodes metadata values.
func (m Metadata) MarshalJSON() ([]byte, error) {
	return appendMetadata(make([]byte, 0, 64+48*len(m)), m, 0)
}

// UnmarshalJSON decodes a JSON object into sorted entries, replacing m's: the values as
// encoding/json decodes into an interface (objects map[string]any, arrays []any, numbers
// float64, strings, bools, nil), the last of a duplicated key; null gives nil. A decoder's
// UseNumber does not reach it (internal/devserver decodes numbers with it through a map).
func (m *Metadata) UnmarshalJSON(b []byte) error {
	var mm map[string]any
	if err := json.Unmarshal(b, &mm); err != nil {
		return err
	}
	*m = MetadataFromMap(mm)
	return nil
}
