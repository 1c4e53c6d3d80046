package mapping

import (
	"crypto/sha256"
	"encoding/binary"
	"strings"

	"github.com/llmtrace/llmtrace/platform"
)

// ID mapping: OTel trace / span IDs → the platform's UUID v7 strings, deterministically
// from the OTel IDs alone (same span → same UUIDs in any process, order or restart).
//
// traceId (TraceUUID): the 16 trace-ID bytes, with the version nibble forced to 7
// (byte 6 = 0x70 | b6&0x0f) and the RFC 4122 variant forced to 10 (byte 8 = 0x80 | b8&0x3f).
// A trace ID that already is a UUID v7 (NewIDGenerator) maps to itself.
//
// spanId (SpanUUID), 128 bits, big-endian:
//
//	bits   0–47  unix_ts_ms = trace-ID bytes 0–5 (events sort with their trace)
//	bits  48–51  version 7
//	bits  52–63  rand_a     = span-ID bits 0–11
//	bits  64–65  variant 10
//	bits  66–117 rand_b hi  = span-ID bits 12–63 (52 bits)
//	bits 118–127 rand_b lo  = discriminator: 0 for the span itself, i+1 for the error event
//	                          of the span's i-th exception event (i < MaxExceptionEvents)
//
// The whole 64-bit span ID is embedded, so distinct spans of a trace never collide and an
// error event never collides with a span. parentSpanId is SpanUUID of the parent span ID.

// MaxExceptionEvents is the number of `exception` events of one span that become error
// events (the 10-bit discriminator's room); further ones are counted in
// metadata.exceptions_dropped.
const MaxExceptionEvents = 1022

const hexDigits = "0123456789abcdef"

func formatUUID(b *[16]byte) string {
	var out [36]byte
	putUUID(out[:], b)
	return string(out[:])
}

// putUUID writes b as a canonical UUID string into dst[:36].
func putUUID(dst []byte, b *[16]byte) {
	out := dst[:36]
	j := 0
	for i := 0; i < 16; i++ {
		if i == 4 || i == 6 || i == 8 || i == 10 {
			out[j] = '-'
			j++
		}
		out[j] = hexDigits[b[i]>>4]
		out[j+1] = hexDigits[b[i]&0x0f]
		j += 2
	}
}

// TraceUUID returns the platform traceId (UUID v7 string, lower case) of an OTel trace ID.
func TraceUUID(traceID [16]byte) string {
	b := traceID
	b[6] = 0x70 | b[6]&0x0f
	b[8] = 0x80 | b[8]&0x3f
	return formatUUID(&b)
}

// SpanUUID returns the platform spanId (UUID v7 string) of an OTel span of a trace; it is
// also the parentSpanId of the span's children.
func SpanUUID(traceID [16]byte, spanID [8]byte) string { return spanUUID(traceID, spanID, 0) }

// ExceptionEventUUID returns the spanId of the error event made from the i-th (0-based)
// `exception` event of a span; i must be below MaxExceptionEvents.
func ExceptionEventUUID(traceID [16]byte, spanID [8]byte, i int) string {
	if i < 0 || i >= MaxExceptionEvents {
		i = MaxExceptionEvents - 1
	}
	return spanUUID(traceID, spanID, uint64(i)+1)
}

func spanUUID(traceID [16]byte, spanID [8]byte, disc uint64) string {
	b := spanUUIDBytes(traceID, spanID, disc)
	return formatUUID(&b)
}

func spanUUIDBytes(traceID [16]byte, spanID [8]byte, disc uint64) (b [16]byte) {
	copy(b[0:6], traceID[0:6])
	s := binary.BigEndian.Uint64(spanID[:])
	ra := s >> 52 // top 12 bits
	b[6] = 0x70 | byte(ra>>8)
	b[7] = byte(ra)
	rb := (s&(1<<52-1))<<10 | disc&0x3ff
	binary.BigEndian.PutUint64(b[8:16], rb|1<<63)
	return b
}

// ThreadUUID returns the platform threadId for a conversation id: the id itself (lower
// case) when it already is a UUID v7, otherwise a UUID v7 made of the first 16 bytes of
// SHA-256("llmtrace.thread:" + id) with the version and variant bits set. Empty id → "".
func ThreadUUID(conversationID string) string {
	if conversationID == "" {
		return ""
	}
	if platform.IsUUIDv7(conversationID) {
		return strings.ToLower(conversationID)
	}
	b := threadBytes(conversationID)
	return formatUUID(&b)
}

// threadBytes returns the UUID bytes ThreadUUID formats for an id that is not a UUID v7.
func threadBytes(conversationID string) (b [16]byte) {
	var in [128]byte // on the stack for ids up to 112 bytes
	sum := sha256.Sum256(append(append(in[:0], "llmtrace.thread:"...), conversationID...))
	copy(b[:], sum[:16])
	b[6] = 0x70 | b[6]&0x0f
	b[8] = 0x80 | b[8]&0x3f
	return b
}

func hexID(b []byte) string {
	out := make([]byte, len(b)*2)
	for i, c := range b {
		out[2*i] = hexDigits[c>>4]
		out[2*i+1] = hexDigits[c&0x0f]
	}
	return string(out)
}

// spanStrings are the ID strings of one span's event: its spanId and parentSpanId (UUIDs)
// and its OTel span and parent span IDs in hex; the parent ones empty for a root.
type spanStrings struct {
	uuid, parentUUID string
	hex, parentHex   string
}

// idStrings returns TraceUUID(traceID) and the trace ID in hex (otel.trace_id), and sets the
// ID strings of spans (the trace's spans in one Map call, prepared.sid): all parts of one
// string, one allocation per trace and call rather than one per span. A part keeps the
// whole string alive; only this trace's events and values refer to it, so what is kept of a
// trace (internal/tracestate keeps and lets go a trace's events together) keeps no other
// trace's strings, and at most 104 bytes per span of its call that were not kept.
func idStrings(traceID [16]byte, spans []*prepared) (trace, hex string) {
	n := 68
	for _, p := range spans {
		n += 52
		if !p.root {
			n += 52
		}
	}
	var sb strings.Builder
	sb.Grow(n)
	var b [68]byte
	u := traceID
	u[6] = 0x70 | u[6]&0x0f
	u[8] = 0x80 | u[8]&0x3f
	putUUID(b[:36], &u)
	hexInto(b[36:68], traceID[:])
	sb.Write(b[:68])
	for _, p := range spans {
		u = spanUUIDBytes(p.trace, p.span, 0)
		putUUID(b[:36], &u)
		hexInto(b[36:52], p.span[:])
		sb.Write(b[:52])
		if !p.root {
			u = spanUUIDBytes(p.trace, p.parent, 0)
			putUUID(b[:36], &u)
			hexInto(b[36:52], p.parent[:])
			sb.Write(b[:52])
		}
	}
	s := sb.String()
	off := 68
	for _, p := range spans {
		p.sid = spanStrings{uuid: s[off : off+36], hex: s[off+36 : off+52]}
		off += 52
		if !p.root {
			p.sid.parentUUID, p.sid.parentHex = s[off:off+36], s[off+36:off+52]
			off += 52
		}
	}
	return s[:36], s[36:68]
}
