package otelbridge

import (
	"context"
	"encoding/hex"
	"testing"
	"time"
)

// The generator's trace ID for a known instant: bytes 0–5 the Unix time in ms, then
// version 7 and the 12-bit sub-millisecond fraction floor(ns_within_ms × 4096 / 10⁶)
// (RFC 9562 §6.2 method 3), then variant 10 and 62 random bits. Expected values computed
// independently (Python, from the RFC's layout); 2025-11-21T12:00:00.123Z is
// 1763726400123 ms = 0x019aa6491a7b.
func TestUUIDv7TraceIDSubMillisecondBits(t *testing.T) {
	ms := time.Date(2025, 11, 21, 12, 0, 0, 123_000_000, time.UTC)
	for _, tc := range []struct {
		subMs time.Duration // within the millisecond
		want  string        // bytes 0–7, hex
	}{
		{0, "019aa6491a7b7000"},
		{244 * time.Nanosecond, "019aa6491a7b7000"}, // below 1/4096 ms
		{245 * time.Nanosecond, "019aa6491a7b7001"},
		{456_789 * time.Nanosecond, "019aa6491a7b774f"}, // 1871
		{500 * time.Microsecond, "019aa6491a7b7800"},
		{999_999 * time.Nanosecond, "019aa6491a7b7fff"},
	} {
		at := ms.Add(tc.subMs)
		g := uuidv7IDGenerator{now: func() time.Time { return at }}
		tid, sid := g.NewIDs(context.Background())
		if got := hex.EncodeToString(tid[:8]); got != tc.want {
			t.Errorf("at %s: trace ID %x starts %s, want %s", at.Format(time.RFC3339Nano), tid, got, tc.want)
		}
		if tid[8]&0xc0 != 0x80 || !sid.IsValid() {
			t.Errorf("at %s: trace ID %x lacks variant 10, or span ID %s invalid", at.Format(time.RFC3339Nano), tid, sid)
		}
		// The 62 random bits differ between two IDs of the same instant.
		if tid2, _ := g.NewIDs(context.Background()); tid2 == tid {
			t.Errorf("two trace IDs at the same instant are equal: %x", tid)
		}
	}
}
