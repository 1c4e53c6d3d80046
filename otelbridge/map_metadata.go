package otelbridge

import (
	"encoding/json"
	"math"
	"strconv"
	"time"

	sc "github.com/llmtrace/llmtrace/semconv"
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

// jsonStringKeys are attributes whose string value is JSON by their dialect's definition; in
// metadata they become objects when they parse (and stay strings when they don't).
var jsonStringKeys = map[string]bool{
	sc.OIMetadata: true, sc.OILLMInvocationParams: true, sc.OIEmbeddingParams: true,
	sc.AIResponseProviderMD: true, sc.AIPromptToolChoice: true, sc.OIToolParameters: true,
	"langfuse.observation.metadata": true, "langfuse.trace.metadata": true, "langfuse.metadata": true,
}

type metadata struct {
	m       map[string]any
	bytes   int
	dropped int
	c       *spanCtx // raw JSON values are kept in its slab
}

// newMetadata starts the metadata of one event: the Mapper's base metadata, then the
// resource attributes. The builder is c's (reused); the map is new.
func (c *spanCtx) newMetadata(res Map) *metadata {
	base := c.opts.Metadata
	c.md = metadata{m: make(map[string]any, 24+len(base)), c: c}
	md := &c.md
	for k, v := range base {
		md.m[k] = v
	}
	md.resource(res)
	return md
}

// set stores a value the mapping computed (not bounded: small by construction).
func (md *metadata) set(k string, v any) { md.m[k] = v }

func (md *metadata) put(k string, v any, size int) {
	if _, exists := md.m[k]; !exists && len(md.m) >= maxMetaKeys {
		md.dropped++
		return
	}
	if md.bytes+size > maxMetaBytes {
		v = truncMarker(size)
		size = 40
	}
	md.bytes += size
	md.m[k] = v
}

func truncMarker(n int) json.RawMessage {
	return json.RawMessage(`{"truncated":true,"original_bytes":` + strconv.Itoa(n) + `}`)
}

// setValue stores an attribute value, JSON-friendly: scalars as JSON scalars, maps as objects,
// lists as arrays, bytes as base64, known JSON strings parsed.
func (md *metadata) setValue(k string, v Value) {
	switch v.Kind() {
	case ValueStr:
		s := v.Str()
		if jsonStringKeys[k] && looksLikeJSON(s) {
			if raw, ok := appendJSONText(md.c.buf[:0], s); ok {
				md.c.buf = raw
				md.putRaw(k, raw)
				return
			}
		}
		if len(s) > maxMetaValueBytes {
			s = truncateUTF8(s, maxMetaValueBytes) + "…[truncated]"
		}
		md.put(k, s, len(s)+len(k)+6)
	case ValueBool:
		md.put(k, v.Bool(), len(k)+8)
	case ValueInt:
		md.put(k, v.Int(), len(k)+24)
	case ValueDouble:
		f := v.Double()
		if math.IsNaN(f) || math.IsInf(f, 0) {
			md.put(k, strconv.FormatFloat(f, 'g', -1, 64), len(k)+12)
		} else {
			md.put(k, f, len(k)+24)
		}
	case ValueEmpty:
		md.put(k, nil, len(k)+8)
	default:
		md.c.buf = appendValue(md.c.buf[:0], v, 0)
		md.putRaw(k, md.c.buf)
	}
}

// putRaw stores JSON bytes (scratch: a copy is kept).
func (md *metadata) putRaw(k string, raw []byte) {
	if len(raw) > maxMetaValueBytes {
		md.put(k, truncMarker(len(raw)), 40)
		return
	}
	md.put(k, json.RawMessage(md.c.keep(raw)), len(raw)+len(k)+4)
}

func (md *metadata) resource(r Map) {
	if r == nil {
		return
	}
	r.Range(func(k string, v Value) bool {
		md.setValue(k, v)
		return true
	})
}

func (md *metadata) scope(name, version string) {
	if name != "" {
		md.set("otel.scope.name", name)
	}
	if version != "" {
		md.set("otel.scope.version", version)
	}
}

// leftovers stores every span attribute the mapping did not consume, in key order.
func (md *metadata) leftovers(a *spanAttrs) {
	for _, i := range a.leftovers() {
		md.setValue(a.e[i].k, a.e[i].v)
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
		buf = appendJSONString(buf, evs[i].name)
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

func (md *metadata) finish() map[string]any {
	if md.dropped > 0 {
		md.m["metadata_dropped_keys"] = md.dropped
	}
	if len(md.m) == 0 {
		return nil
	}
	return md.m
}

// capJSON returns b, or when it is longer than max bytes a marker
// {"truncated":true,"original_bytes":n,"preview":"<first 1 KiB of the JSON text>"}.
func capJSON(b []byte, max int) ([]byte, bool) {
	if len(b) <= max {
		return b, false
	}
	out := append([]byte(nil), `{"truncated":true,"original_bytes":`...)
	out = strconv.AppendInt(out, int64(len(b)), 10)
	out = append(out, `,"preview":`...)
	out = appendJSONString(out, truncateUTF8(string(b), 1024))
	return append(out, '}'), true
}
