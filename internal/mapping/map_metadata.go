package mapping

import (
	"encoding/json"
	"math"
	"math/bits"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/llmtrace/llmtrace/internal/jsonesc"
	"github.com/llmtrace/llmtrace/platform"
)

// Metadata bounds: one value at most maxMetaValueBytes serialized (strings are cut, structured
// values replaced by a {"truncated":true,"original_bytes":n} marker), all values together at
// most maxMetaBytes (later values become markers), at most maxMetaKeys keys, at most
// maxMetaEvents span events kept. With the 2 × 320 KiB input/output caps an event stays under
// the contract's 1 MiB.
const (
	maxMetaValueBytes = 32 << 10
	maxMetaBytes      = 256 << 10
	maxMetaKeys       = 512
	maxMetaEvents     = 64
)

// metadata builds the metadata of one event. Entries are appended as they come — the
// Mapper's base metadata, the resource, the scope, the span's leftovers, the computed
// values — into a scratch slice reused from event to event, each with its sort key
// (mdKey, in ks), then finish sorts their indices once, keeps the last value of a
// duplicated key (a later source wins, as assigning into a map did) and writes them once
// into the call's entry slab (spanCtx.entryRoom).
type metadata struct {
	ents    platform.Metadata // scratch: this event's entries, in the order they came
	ks      []mdKey           // scratch: the sort key of each of ents (no pointers)
	ord     []int32           // scratch: indices of ents in key order (finish)
	hi      int               // the most entries ents held since reset: what reset clears
	keys    map[string]bool   // the distinct keys, built once ents reach maxMetaKeys (put)
	bytes   int
	dropped int
	c       *spanCtx // raw JSON values are kept in its slab

	// Per Map call (spanCtx.md is reset when the call ends), the boxed values of the last
	// resource and scope, so that the events of one resource box its values once: they
	// are immutable (strings, numbers, booleans), so every event's metadata may hold them.
	res      Map // the resource of resVals; nil when none is cached
	resVals  [maxCachedResource]boxedValue
	resKeys  [maxCachedResource]mdKey  // the sort keys of resVals' keys
	resRaw   [maxCachedResource][]byte // a structured value's JSON (in resBuf), else nil
	resBuf   []byte                    // scratch: the JSON of resRaw
	nResVals int
	resOK    bool                     // while reading a resource: its values can be cached
	resFn    func(string, Value) bool // md.resourceValue, bound once (putCtx keeps it)

	// The last scope's name and version and their boxed values (scope), per Map call as
	// the resource's: the spans of one scope box them once.
	scopeName, scopeVersion   string
	scopeNameV, scopeVersionV any
}

// maxCachedResource is the largest resource whose values newMetadata reuses.
const maxCachedResource = 16

// boxedValue is one metadata entry as setValue would store it.
type boxedValue struct {
	k    string
	v    any
	size int
}

// mdKey is a metadata key's first sixteen bytes as two big-endian words, zero-padded: a
// smaller mdKey means a smaller key; equal ones leave the order to the whole keys (keys
// sharing their first sixteen bytes, or a key shorter than sixteen bytes and itself
// followed by NUL bytes). Sixteen rather than eight bytes: the attribute keys of one span
// often share eight (gen_ai.request.…, gen_ai.response.…, otel.span_…), and a tie costs a
// string comparison.
type mdKey struct{ hi, lo uint64 }

// keyOf returns k's mdKey.
func keyOf(k string) mdKey {
	switch {
	case len(k) >= 16:
		return mdKey{bits.ReverseBytes64(jsonesc.Load8(k, 0)), bits.ReverseBytes64(jsonesc.Load8(k, 8))}
	case len(k) >= 8:
		return mdKey{bits.ReverseBytes64(jsonesc.Load8(k, 0)), partialWord(k[8:])}
	}
	return mdKey{partialWord(k), 0}
}

// partialWord returns the bytes of s (fewer than eight) as the top bytes of a big-endian word.
func partialWord(s string) uint64 {
	var w uint64
	for i := 0; i < len(s); i++ {
		w |= uint64(s[i]) << (56 - 8*i)
	}
	return w
}

// newMetadata starts the metadata of one event: the Mapper's base metadata, then the
// resource attributes. The builder is c's (reused); finish gives the event its entries.
func (c *spanCtx) newMetadata(res Map) *metadata {
	md := &c.md
	md.hi = max(md.hi, len(md.ents))
	md.ents, md.ks = md.ents[:0], md.ks[:0]
	for _, e := range c.opts.Metadata {
		md.ents = append(md.ents, e)
		md.ks = append(md.ks, keyOf(e.Key))
	}
	md.keys, md.bytes, md.dropped, md.c = nil, 0, 0, c
	md.resource(res)
	return md
}

// maxPooledEntries is the largest scratch of entries reset keeps for the next call.
const maxPooledEntries = 4 * maxMetaKeys

// maxPooledResourceJSON is the largest scratch of structured resource values (resBuf) reset
// keeps for the next call.
const maxPooledResourceJSON = 64 << 10

// reset drops the builder's references to the last call's events and spans (putCtx). It
// keeps resFn, bound to md, and clears only what was written: the resource values cached
// and the entries up to the most the call's events had (hi; the rest of ents' array is
// zero already).
func (md *metadata) reset() {
	clear(md.resVals[:md.nResVals]) // the rest is zero already
	clear(md.resKeys[:md.nResVals])
	clear(md.resRaw[:md.nResVals])
	md.resBuf = md.resBuf[:0]
	if cap(md.resBuf) > maxPooledResourceJSON {
		md.resBuf = nil
	}
	clear(md.ents[:max(md.hi, len(md.ents))])
	md.ents, md.ks, md.ord, md.hi = md.ents[:0], md.ks[:0], md.ord[:0], 0
	if cap(md.ents) > maxPooledEntries {
		md.ents, md.ks, md.ord = nil, nil, nil
	}
	md.keys, md.bytes, md.dropped, md.c = nil, 0, 0, nil
	md.res, md.nResVals, md.resOK = nil, 0, false
	md.scopeName, md.scopeVersion, md.scopeNameV, md.scopeVersionV = "", "", nil, nil
}

// set stores a value the mapping computed (not bounded: small by construction).
func (md *metadata) set(k string, v any) {
	md.ents = append(md.ents, platform.MetadataEntry{Key: k, Value: v})
	md.ks = append(md.ks, keyOf(k))
	if md.keys != nil {
		md.keys[k] = true
	}
}

// put stores a value within the bounds: a new key beyond maxMetaKeys distinct keys is
// dropped (counted), a value beyond maxMetaBytes becomes a marker.
func (md *metadata) put(k string, v any, size int) { md.putKey(k, keyOf(k), v, size) }

// putKey is put with k's sort key.
func (md *metadata) putKey(k string, kk mdKey, v any, size int) {
	if len(md.ents) >= maxMetaKeys && !md.admit(k) {
		md.dropped++
		return
	}
	if md.bytes+size > maxMetaBytes {
		v = truncMarker(size)
		size = 40
	}
	md.bytes += size
	md.ents = append(md.ents, platform.MetadataEntry{Key: k, Value: v})
	md.ks = append(md.ks, kk)
}

// admit reports whether k may be stored once there are maxMetaKeys entries or more (some
// may repeat a key): when it is already held, or there are fewer distinct keys than
// maxMetaKeys. The set of distinct keys is built on the first call of an event (rare: a
// span of more than maxMetaKeys attributes) and kept up to date by put and set.
func (md *metadata) admit(k string) bool {
	if md.keys == nil {
		md.keys = make(map[string]bool, len(md.ents)+1)
		for _, e := range md.ents {
			md.keys[e.Key] = true
		}
	}
	if md.keys[k] {
		return true
	}
	if len(md.keys) >= maxMetaKeys {
		return false
	}
	md.keys[k] = true
	return true
}

func truncMarker(n int) json.RawMessage {
	return json.RawMessage(`{"truncated":true,"original_bytes":` + strconv.Itoa(n) + `}`)
}

// setValue stores an attribute value, JSON-friendly: scalars as JSON scalars, maps as objects,
// lists as arrays, bytes as base64, known JSON strings parsed.
func (md *metadata) setValue(k string, v Value) { md.setValueKey(k, keyOf(k), v) }

// setValueKey is setValue with k's sort key.
func (md *metadata) setValueKey(k string, kk mdKey, v Value) {
	if b, ok := md.box(k, v); ok {
		md.putKey(k, kk, b.v, b.size)
	}
}

// box returns the value setValue stores for a scalar and its size for the metadata budget,
// or ok false after storing a structured value (raw JSON in the slab) itself.
func (md *metadata) box(k string, v Value) (b boxedValue, ok bool) {
	switch v.Kind() {
	case ValueStr:
		s := v.Str()
		if looksLikeJSON(s) && md.c.rules.jsonStringKeys[k] {
			if raw, ok := md.c.appendJSONAttr(md.c.buf[:0], s); ok { // a tree the span parsed, if any
				md.c.buf = raw
				md.putRaw(k, raw)
				return b, false
			}
		}
		if len(s) > maxMetaValueBytes {
			s = truncateUTF8(s, maxMetaValueBytes) + "…[truncated]"
		}
		return boxedValue{k, md.c.boxes.str(s), len(s) + len(k) + 6}, true
	case ValueBool:
		return boxedValue{k, v.Bool(), len(k) + 8}, true
	case ValueInt:
		return boxedValue{k, md.c.boxes.int(v.Int()), len(k) + 24}, true
	case ValueDouble:
		f := v.Double()
		if math.IsNaN(f) || math.IsInf(f, 0) {
			return boxedValue{k, strconv.FormatFloat(f, 'g', -1, 64), len(k) + 12}, true
		}
		return boxedValue{k, md.c.boxes.float(f), len(k) + 24}, true
	case ValueEmpty:
		return boxedValue{k, nil, len(k) + 8}, true
	}
	md.c.buf = appendValue(md.c.buf[:0], v, 0)
	md.putRaw(k, md.c.buf)
	return b, false
}

// putRaw stores JSON bytes (scratch: a copy is kept).
func (md *metadata) putRaw(k string, raw []byte) { md.putRawKey(k, keyOf(k), raw) }

// putRawKey is putRaw with k's sort key.
func (md *metadata) putRawKey(k string, kk mdKey, raw []byte) {
	if len(raw) > maxMetaValueBytes {
		md.putKey(k, kk, truncMarker(len(raw)), 40)
		return
	}
	md.putKey(k, kk, json.RawMessage(md.c.keep(raw)), len(raw)+len(k)+4)
}

// resource stores the resource attributes. The values of a resource seen by the previous
// event of this Map call are reused (stored again through put, so the bounds apply as
// before) instead of being converted and boxed again; a structured value's JSON is kept
// again in the event's slab (putRaw), as when it was converted.
func (md *metadata) resource(r Map) {
	if r == nil {
		return
	}
	if md.res != nil && sameResource(md.res, r) {
		for i, b := range md.resVals[:md.nResVals] {
			if raw := md.resRaw[i]; raw != nil {
				md.putRawKey(b.k, md.resKeys[i], raw)
			} else {
				md.putKey(b.k, md.resKeys[i], b.v, b.size)
			}
		}
		return
	}
	clear(md.resVals[:md.nResVals]) // the last resource's
	clear(md.resRaw[:md.nResVals])
	md.res, md.nResVals, md.resBuf = nil, 0, md.resBuf[:0]
	md.resOK = r.Len() <= maxCachedResource
	if md.resFn == nil {
		md.resFn = md.resourceValue
	}
	r.Range(md.resFn)
	if md.resOK {
		md.res = r
	} else {
		clear(md.resVals[:md.nResVals])
		clear(md.resRaw[:md.nResVals])
		md.nResVals = 0
	}
}

// resourceValue stores one resource attribute (resource's Range callback).
func (md *metadata) resourceValue(k string, v Value) bool {
	b, ok := md.box(k, v)
	if !ok { // structured: stored (and kept in the slab) by box, its JSON left in c.buf
		if raw := md.c.buf; md.resOK && md.nResVals < maxCachedResource && len(raw) <= maxMetaValueBytes {
			l := len(md.resBuf)
			md.resBuf = append(md.resBuf, raw...)
			md.resVals[md.nResVals] = boxedValue{k: k}
			md.resKeys[md.nResVals], md.resRaw[md.nResVals] = keyOf(k), md.resBuf[l:len(md.resBuf):len(md.resBuf)]
			md.nResVals++
		} else {
			md.resOK = false
		}
		return true
	}
	kk := keyOf(k)
	if md.resOK && md.nResVals < maxCachedResource {
		md.resVals[md.nResVals], md.resKeys[md.nResVals], md.resRaw[md.nResVals] = b, kk, nil
		md.nResVals++
	} else {
		md.resOK = false
	}
	md.putKey(k, kk, b.v, b.size)
	return true
}

// sameResource reports whether a and b certainly present the same resource attributes:
// equal views of one comparable type (the SDK adapter's view of one *resource.Resource, the
// same pointer); views are read-only during a Map call (SpanView).
func sameResource(a, b Map) bool {
	t := reflect.TypeOf(a)
	if t == nil || !t.Comparable() || t != reflect.TypeOf(b) {
		return false
	}
	return a == b
}

func (md *metadata) scope(name, version string) {
	if name != "" {
		if md.scopeNameV == nil || name != md.scopeName {
			md.scopeName, md.scopeNameV = name, md.c.boxes.str(name)
		}
		md.set("otel.scope.name", md.scopeNameV)
	}
	if version != "" {
		if md.scopeVersionV == nil || version != md.scopeVersion {
			md.scopeVersion, md.scopeVersionV = version, md.c.boxes.str(version)
		}
		md.set("otel.scope.version", md.scopeVersionV)
	}
}

// leftovers stores every span attribute the mapping did not consume, in key order.
func (md *metadata) leftovers(a *spanAttrs) {
	ord, ks := a.leftovers()
	for j, i := range ord {
		md.setValueKey(a.e[i].k, ks[j], a.e[i].v)
	}
}

// events keeps the span events the mapping did not consume as otel.events:
// [{name, time, attributes}].
func (md *metadata) events(evs []spanEvent, used []bool) {
	buf := md.c.buf[:0]
	n := 0
	for i := range evs {
		if used[i] {
			continue
		}
		if n == maxMetaEvents {
			md.set("otel.events_dropped", countUnused(used)-maxMetaEvents)
			break
		}
		if n == 0 {
			buf = append(buf, '[')
		} else {
			buf = append(buf, ',')
		}
		n++
		buf = append(buf, `{"name":`...)
		buf = jsonesc.AppendString(buf, evs[i].name)
		buf = append(buf, `,"time":"`...)
		buf = evs[i].t.UTC().AppendFormat(buf, time.RFC3339Nano)
		buf = append(buf, '"')
		if evs[i].attrs != nil && evs[i].attrs.Len() > 0 {
			buf = append(buf, `,"attributes":`...)
			buf = appendValue(buf, MapValue(evs[i].attrs), 0)
		}
		buf = append(buf, '}')
	}
	md.c.buf = buf
	if n > 0 {
		buf = append(buf, ']')
		md.c.buf = buf
		md.putRaw("otel.events", buf)
	}
}

func countUnused(used []bool) int {
	n := 0
	for _, u := range used {
		if !u {
			n++
		}
	}
	return n
}

// finish returns the event's metadata: the entries sorted by key, the last of a duplicated
// key kept (what (*platform.Metadata).Normalize makes of them), written once into a
// capacity-limited slice of the entry slab of the event's trace in this call (entryRoom);
// nil when there are none. The sort moves indices (sortOrder), not entries: an entry holds
// three pointers, and writing them costs write barriers while the garbage collector runs.
func (md *metadata) finish() platform.Metadata {
	if md.dropped > 0 {
		md.set("metadata_dropped_keys", md.dropped)
	}
	n := len(md.ents)
	if n == 0 {
		return nil
	}
	c := md.c
	c.entryRoom(n)
	c.mdEvents++
	ord := md.sortOrder()
	ents, ks := md.ents, md.ks
	l := len(c.mdSlab)
	out := c.mdSlab[l : l : l+n]
	for i, x := range ord {
		if i+1 < n {
			if y := ord[i+1]; ks[x] == ks[y] && ents[x].Key == ents[y].Key {
				continue // a later entry of the same key follows (the sort is stable)
			}
		}
		out = append(out, ents[x])
	}
	c.mdSlab = c.mdSlab[:l+len(out)]
	return out[:len(out):len(out)]
}

// maxInsertionSort is the most entries sortOrder (and spanAttrs.leftovers, map_attrs.go)
// sorts by insertion; more are sorted by the slices package.
const maxInsertionSort = 128

// sortOrder returns the indices of md.ents in key order, stably (scratch, md.ord): by
// insertion on the sort keys (md.ks), which leaves each entry that already follows its
// predecessor in order (a run: the leftovers, the computed values) after one comparison.
func (md *metadata) sortOrder() []int32 {
	n := len(md.ents)
	ord := slices.Grow(md.ord[:0], n)[:n]
	md.ord = ord
	for i := range ord {
		ord[i] = int32(i)
	}
	ents, ks := md.ents, md.ks[:n]
	if n > maxInsertionSort {
		slices.SortStableFunc(ord, func(x, y int32) int { return strings.Compare(ents[x].Key, ents[y].Key) })
		return ord
	}
	for i := 1; i < n; i++ {
		k := ks[i]
		j := i
		for ; j > 0; j-- {
			p := ord[j-1]
			if kp := ks[p]; k.hi > kp.hi || k.hi == kp.hi && (k.lo > kp.lo || k.lo == kp.lo && ents[i].Key >= ents[p].Key) {
				break // p sorts before i, or is the same key (kept first: stable)
			}
			ord[j] = p
		}
		ord[j] = int32(i)
	}
	return ord
}

// A new entry slab holds, for each span of its trace not built yet in the call (spansLeft,
// this one included), the entries asked for or, when larger, 9/8 of the entries the call's
// events had so far on average (the events of a call are assumed alike: a trace whose
// first span, its root, has fewer entries than its children still gets one slab), up to
// maxEntrySlab entries (32 KiB): a trace of one span in a call allocates its event's
// entries exactly, a trace of many one or a few slabs. Like the content slab
// (spanCtx.slab, room) an entry slab is one trace's of one call: a kept event holds no
// other trace's entries. An entry is 32 bytes and mapping.KeptBytes charges 96 per entry
// plus 512 per event; the entries reserved for spans that then had fewer are at most
// maxEntrySlab per slab and, when the call's events are alike, about an eighth of those
// used.
const maxEntrySlab = 1024

// entryRoom makes sure the entry slab has room for n more entries.
func (c *spanCtx) entryRoom(n int) {
	asked := c.mdAsked
	c.mdAsked += n
	if n > cap(c.mdSlab)-len(c.mdSlab) {
		per := n
		if c.mdEvents > 0 {
			per = max(n, asked*9/(8*c.mdEvents)+1)
		}
		c.mdSlab = make([]platform.MetadataEntry, 0, max(n, min(per*max(c.spansLeft, 1), maxEntrySlab)))
	}
}

// keepEntries returns a copy of ents that the event owns: a capacity-limited slice of the
// trace's entry slab of the call (appending to it, or Set inserting into it, reallocates
// instead of writing into the next event's entries). Like slab, the entry slab is never
// reused across calls nor shared by traces: the events, and internal/tracestate's stores,
// keep it.
func (c *spanCtx) keepEntries(ents []platform.MetadataEntry) platform.Metadata {
	n := len(ents)
	c.entryRoom(n)
	l := len(c.mdSlab)
	c.mdSlab = append(c.mdSlab, ents...)
	return c.mdSlab[l : l+n : l+n]
}

// previewBytes is the most of the original JSON text a capJSON marker previews, bytes.
const previewBytes = 1 << 10

// capJSON returns b when it is at most max bytes long. Otherwise it returns a marker of at
// most max bytes (the bool is then true):
//
//	{"truncated":true,"original_bytes":n,"preview":"<the start of b's JSON text>"}
//
// where n is len(b) and the preview is the longest prefix of b, cut on a rune boundary and at
// most previewBytes (1 KiB) long, whose escaped form fits in max: the preview shrinks with
// max. Sizes: the marker without a preview is 36 bytes plus n's digits (at most 55 bytes), a
// preview of one ASCII character adds 14. So 64 bytes is the smallest cap that always keeps
// original_bytes (with n up to 9 digits, also 6 bytes of escaped preview); below a
// marker's size, the marker loses its preview, then becomes {"truncated":true} (18 bytes),
// and under 18 bytes the content is dropped (nil: the event has no input / output field).
// The caller lists the field in metadata.truncated in every case.
func capJSON(b []byte, max int) ([]byte, bool) {
	if len(b) <= max {
		return b, false
	}
	const head, previewKey = `{"truncated":true,"original_bytes":`, `,"preview":`
	out := append(make([]byte, 0, min(max, len(head)+20+len(previewKey)+6*previewBytes+3)), head...)
	out = strconv.AppendInt(out, int64(len(b)), 10)
	// The room left for the escaped preview, without its quotes and the closing brace.
	if p := previewPrefix(b, max-len(out)-len(previewKey)-len(`""}`)); p != "" {
		out = append(out, previewKey...)
		out = jsonesc.AppendString(out, p)
	}
	out = append(out, '}')
	switch {
	case len(out) <= max:
		return out, true
	case len(`{"truncated":true}`) <= max:
		return []byte(`{"truncated":true}`), true
	}
	return nil, true
}

// previewPrefix returns the longest prefix of b, at most previewBytes long and ending on a
// rune boundary, whose JSON string escaping (jsonesc.AppendString, without the quotes) is at
// most room bytes; "" when room is too small for its first character. Escaping is per
// character (a control byte takes 2 or 6 bytes, an invalid UTF-8 byte 6 for its \ufffd), so
// the length is summed one character at a time.
func previewPrefix(b []byte, room int) string {
	if room <= 0 {
		return ""
	}
	s := string(b[:min(len(b), previewBytes+utf8.UTFMax)]) // whole characters up to the limit
	var esc [16]byte
	n, used := 0, 0
	for n < len(s) {
		_, size := utf8.DecodeRuneInString(s[n:])
		if n+size > previewBytes {
			break
		}
		w := len(jsonesc.AppendString(esc[:0], s[n:n+size])) - 2
		if used+w > room {
			break
		}
		n, used = n+size, used+w
	}
	return s[:n]
}
