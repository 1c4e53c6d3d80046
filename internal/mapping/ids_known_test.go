package mapping

import "testing"

// Known values of the ID mapping (the layout in ids.go), computed independently of this
// package — with Python's hashlib and uuid from the layout's description — so a change to
// any bit of the derivation (version/variant forcing, the span-ID bit placement, the
// exception discriminator, the thread-id salt "llmtrace.thread:") fails here, in the
// package's own tests, and not only in a golden file downstream.

// W3C Trace Context's example IDs (trace-id 4bf92f3577b34da6a3ce929d0e0e4736,
// parent-id 00f067aa0ba902b7).
var (
	w3cTrace = [16]byte{0x4b, 0xf9, 0x2f, 0x35, 0x77, 0xb3, 0x4d, 0xa6, 0xa3, 0xce, 0x92, 0x9d, 0x0e, 0x0e, 0x47, 0x36}
	w3cSpan  = [8]byte{0x00, 0xf0, 0x67, 0xaa, 0x0b, 0xa9, 0x02, 0xb7}
	allOnes  = [16]byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}
)

func TestTraceUUIDKnownValues(t *testing.T) {
	for _, tc := range []struct {
		in   [16]byte
		want string
	}{
		// byte 6: 0x4d → 0x7d (version 7); byte 8: 0xa3 keeps variant 10.
		{w3cTrace, "4bf92f35-77b3-7da6-a3ce-929d0e0e4736"},
		// byte 6: 0xff → 0x7f; byte 8: 0xff → 0xbf (variant 10).
		{allOnes, "ffffffff-ffff-7fff-bfff-ffffffffffff"},
		// Already a UUID v7: itself.
		{[16]byte{0x01, 0x9a, 0xa6, 0x49, 0x1a, 0x7b, 0x77, 0x4f, 0x9c, 0x3e, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66}, "019aa649-1a7b-774f-9c3e-112233445566"},
	} {
		if got := TraceUUID(tc.in); got != tc.want {
			t.Errorf("TraceUUID(%x) = %s, want %s", tc.in, got, tc.want)
		}
	}
}

func TestSpanUUIDKnownValues(t *testing.T) {
	spanFF := [8]byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}
	for _, tc := range []struct {
		name string
		got  string
		want string
	}{
		// ts = trace bytes 0–5, rand_a = span bits 0–11 (00f), rand_b = variant 10 + span
		// bits 12–63 + discriminator 0.
		{"SpanUUID", SpanUUID(w3cTrace, w3cSpan), "4bf92f35-77b3-700f-819e-a82ea40adc00"},
		{"ExceptionEventUUID 0", ExceptionEventUUID(w3cTrace, w3cSpan, 0), "4bf92f35-77b3-700f-819e-a82ea40adc01"},
		{"ExceptionEventUUID 1021", ExceptionEventUUID(w3cTrace, w3cSpan, MaxExceptionEvents-1), "4bf92f35-77b3-700f-819e-a82ea40adffe"},
		{"ExceptionEventUUID past the cap is clamped", ExceptionEventUUID(w3cTrace, w3cSpan, 5000), "4bf92f35-77b3-700f-819e-a82ea40adffe"},
		{"all-ones span ID", SpanUUID(w3cTrace, spanFF), "4bf92f35-77b3-7fff-bfff-fffffffffc00"},
		{"all-ones span ID, exception 1021", ExceptionEventUUID(w3cTrace, spanFF, MaxExceptionEvents-1), "4bf92f35-77b3-7fff-bfff-fffffffffffe"},
	} {
		if tc.got != tc.want {
			t.Errorf("%s = %s, want %s", tc.name, tc.got, tc.want)
		}
	}
}

// ThreadUUID: a UUID v7 conversation id is kept (lower-cased); any other id is
// SHA-256("llmtrace.thread:" + id), first 16 bytes, version 7 and variant 10 set.
func TestThreadUUIDKnownValues(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"conv-42", "d341755a-0926-7d33-a093-12ce7399f475"},
		{"session-abc", "65d526c9-8bc9-7983-ba7c-3021c22258b6"},
		{"ä-ünïcode", "59674b64-d994-7ea7-a3dd-c7e21fb01256"}, // hashed as UTF-8
		// A UUID, but v4 (not v7): hashed like any other id.
		{"6ba7b810-9dad-41d1-80b4-00c04fd430c8", "5adf3d8f-0228-7ed4-bc23-d39ed4435712"},
		{"019AA649-1A7B-774F-9C3E-112233445566", "019aa649-1a7b-774f-9c3e-112233445566"},
		{"", ""},
	} {
		if got := ThreadUUID(tc.in); got != tc.want {
			t.Errorf("ThreadUUID(%q) = %s, want %s", tc.in, got, tc.want)
		}
	}
}
