package mapping

import (
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/llmtrace/llmtrace/platform"
)

func TestTraceUUIDKeepsUUIDv7TraceIDs(t *testing.T) {
	u := uuid.Must(uuid.NewV7())
	if got := TraceUUID(u); got != u.String() {
		t.Errorf("TraceUUID(%s) = %s, want itself", u, got)
	}
	var random [16]byte
	for i := range random {
		random[i] = byte(i * 37)
	}
	if got := TraceUUID(random); !platform.IsUUIDv7(got) {
		t.Errorf("TraceUUID = %s is not a UUID v7", got)
	}
}

func TestSpanUUIDLayout(t *testing.T) {
	trace := [16]byte{0x01, 0x95, 0x05, 0xa0, 0xb7, 0xc2, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}
	span := [8]byte{0xab, 0xcd, 0xef, 0x01, 0x23, 0x45, 0x67, 0x89}
	got := SpanUUID(trace, span)
	// ts = 019505a0b7c2, ver 7, rand_a = abc, variant 10 + span bits 12–63 (def0123456789) then 10 zero bits.
	u := uuid.MustParse(got)
	if !strings.HasPrefix(got, "019505a0-b7c2-7abc-") || u.Version() != 7 || u.Variant() != uuid.RFC4122 {
		t.Fatalf("SpanUUID = %s", got)
	}
	rb := uint64(0)
	for _, b := range u[8:] {
		rb = rb<<8 | uint64(b)
	}
	if rb&(1<<62-1)>>10 != 0xdef0123456789 || rb&0x3ff != 0 {
		t.Errorf("rand_b %x does not embed span bits 12–63 + discriminator 0", rb)
	}
	seen := map[string]bool{got: true}
	for i := 0; i < MaxExceptionEvents; i++ {
		e := ExceptionEventUUID(trace, span, i)
		if seen[e] || !platform.IsUUIDv7(e) {
			t.Fatalf("exception %d: %s collides or is invalid", i, e)
		}
		seen[e] = true
	}
	// Spans differing in any bit never collide.
	for bit := 0; bit < 64; bit++ {
		s2 := span
		s2[bit/8] ^= 1 << (bit % 8)
		if SpanUUID(trace, s2) == got {
			t.Errorf("flipping span bit %d collides", bit)
		}
	}
}

func TestThreadUUID(t *testing.T) {
	v7 := uuid.Must(uuid.NewV7()).String()
	if ThreadUUID(strings.ToUpper(v7)) != v7 {
		t.Error("a UUID v7 conversation id must be kept (lower-cased)")
	}
	a, b := ThreadUUID("conv-heldout-7"), ThreadUUID("conv-heldout-8")
	if !platform.IsUUIDv7(a) || a == b || a != ThreadUUID("conv-heldout-7") {
		t.Errorf("derived thread ids %s %s", a, b)
	}
	if ThreadUUID("") != "" {
		t.Error("empty id")
	}
}

func BenchmarkSpanUUID(b *testing.B) {
	var tr [16]byte
	var sp [8]byte
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		sp[0] = byte(i)
		_ = SpanUUID(tr, sp)
	}
}
