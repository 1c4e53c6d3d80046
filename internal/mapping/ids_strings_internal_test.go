package mapping

import (
	"encoding/hex"
	"testing"
)

// TestIDStrings: the ID strings of a trace's spans in one Map call are what TraceUUID and
// SpanUUID give and the IDs in hex, roots without parent strings, made in one allocation.
func TestIDStrings(t *testing.T) {
	trace := [16]byte{0x4b, 0xf9, 0x2f, 0x35, 0x77, 0xb3, 0x4d, 0xa6, 0xa3, 0xce, 0x92, 0x9d, 0x0e, 0x0e, 0x47, 0x36}
	spans := []*prepared{
		{trace: trace, span: [8]byte{1, 2, 3, 4, 5, 6, 7, 8}, parent: [8]byte{9, 9, 9, 9, 9, 9, 9, 9}},
		{trace: trace, span: [8]byte{9, 9, 9, 9, 9, 9, 9, 9}, root: true},
		{trace: trace, span: [8]byte{0xff, 0, 0xff, 0, 0xff, 0, 0xff, 0}, parent: [8]byte{1, 2, 3, 4, 5, 6, 7, 8}},
	}
	uuid, hx := idStrings(trace, spans)
	if uuid != TraceUUID(trace) || hx != hex.EncodeToString(trace[:]) {
		t.Fatalf("trace strings %q %q, want %q %q", uuid, hx, TraceUUID(trace), hex.EncodeToString(trace[:]))
	}
	for i, p := range spans {
		want := spanStrings{uuid: SpanUUID(trace, p.span), hex: hex.EncodeToString(p.span[:])}
		if !p.root {
			want.parentUUID, want.parentHex = SpanUUID(trace, p.parent), hex.EncodeToString(p.parent[:])
		}
		if p.sid != want {
			t.Errorf("span %d: %+v, want %+v", i, p.sid, want)
		}
	}
	if n := testing.AllocsPerRun(100, func() { idStrings(trace, spans) }); n != 1 {
		t.Errorf("%v allocations, want 1", n)
	}
}
