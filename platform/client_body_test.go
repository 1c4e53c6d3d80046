package platform

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"io"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/klauspost/compress/zstd"
)

// TestRequestBodyRelease: the pooled buffers are released once, only after the request is
// over and every reader the transport got (the body, GetBody copies) is closed.
func TestRequestBodyRelease(t *testing.T) {
	released := 0
	b := &requestBody{data: []byte(`{"traces":[]}`), release: func() { released++ }}
	r1 := b.reader()
	r2, _ := b.getBody()
	if got, _ := io.ReadAll(r2); string(got) != `{"traces":[]}` {
		t.Errorf("GetBody reader read %q", got)
	}
	_ = r2.Close()
	_ = r2.Close()
	b.seal()
	if released != 0 {
		t.Fatal("released while the transport still holds a reader")
	}
	_ = r1.Close()
	_ = r1.Close()
	if released != 1 {
		t.Fatalf("released %d times, want 1", released)
	}

	released = 0
	b = &requestBody{data: nil, release: func() { released++ }}
	_ = b.reader().Close()
	if released != 0 {
		t.Fatal("released before the request is over")
	}
	b.seal()
	if released != 1 {
		t.Fatalf("released %d times, want 1", released)
	}
}

func TestCompressBodyRoundTrip(t *testing.T) {
	src := bytes.Repeat([]byte(`{"traceId":"01932c4e-0001-7000-8000-000000000001","name":"chat gpt-4o"},`), 2000)
	for _, c := range []string{CompressionGzip, CompressionZstd, CompressionNone} {
		var dst bytes.Buffer
		dst.WriteString("keep") // compressBody appends
		if err := compressBody(c, src, &dst); err != nil {
			t.Fatalf("%s: %v", c, err)
		}
		out := dst.Bytes()[4:]
		var got []byte
		var err error
		switch c {
		case CompressionGzip:
			zr, e := gzip.NewReader(bytes.NewReader(out))
			if e != nil {
				t.Fatal(e)
			}
			got, err = io.ReadAll(zr)
		case CompressionZstd:
			zr, _ := zstd.NewReader(nil)
			got, err = zr.DecodeAll(out, nil)
			zr.Close()
		default:
			got = out
		}
		if err != nil || !bytes.Equal(got, src) {
			t.Errorf("%s: round trip differs (err %v, %d bytes, want %d)", c, err, len(got), len(src))
		}
		if c != CompressionNone && len(out) > len(src)/10 {
			t.Errorf("%s: %d bytes from %d repetitive bytes", c, len(out), len(src))
		}
	}
}

// The key names the events (traceId, spanId, type, start, end, in order), so the same
// batch mapped again by a fresh mapper after a restart — trace-wide values filled in or not
// — has the same key, and any other list of events another one.
func TestIdempotencyKey(t *testing.T) {
	key := func(evs []TraceEvent) string {
		k := newBatchKey()
		for i := range evs {
			k.add(&evs[i])
		}
		return k.uuid()
	}
	base := clientTestEvents(3)
	a := key(base)
	u := uuid.MustParse(a)
	if u.Version() != 8 || u.Variant() != uuid.RFC4122 {
		t.Errorf("%s: version %d variant %v, want 8 / RFC 4122", a, u.Version(), u.Variant())
	}

	remapped := clientTestEvents(3)
	for i := range remapped { // what a mapper that saw the root adds, or a later one lacks
		remapped[i].ThreadID = clientTestID(9, 9)
		remapped[i].UserID, remapped[i].SessionID = "user-7", "session-1"
		remapped[i].Tags = nil
		remapped[i].Usage = nil
		remapped[i].Output = json.RawMessage(`"cut"`)
	}
	if b := key(remapped); b != a {
		t.Errorf("the same events with other trace-wide values and content: key %s, want %s", b, a)
	}

	for name, change := range map[string]func(evs []TraceEvent) []TraceEvent{
		"another order":    func(evs []TraceEvent) []TraceEvent { evs[0], evs[1] = evs[1], evs[0]; return evs },
		"one event fewer":  func(evs []TraceEvent) []TraceEvent { return evs[:2] },
		"another spanId":   func(evs []TraceEvent) []TraceEvent { evs[2].SpanID = clientTestID(2, 99); return evs },
		"another traceId":  func(evs []TraceEvent) []TraceEvent { evs[2].TraceID = clientTestID(1, 99); return evs },
		"another type":     func(evs []TraceEvent) []TraceEvent { evs[1].Type = TypeError; return evs },
		"another end time": func(evs []TraceEvent) []TraceEvent { evs[1].EndTime = evs[1].EndTime.Add(1); return evs },
		"no end time":      func(evs []TraceEvent) []TraceEvent { evs[1].EndTime = time.Time{}; return evs },
		"ids moved across": func(evs []TraceEvent) []TraceEvent {
			evs[0].TraceID, evs[0].SpanID = evs[0].TraceID[:8], evs[0].TraceID[8:]+evs[0].SpanID
			return evs
		},
	} {
		if b := key(change(clientTestEvents(3))); b == a {
			t.Errorf("%s: same key %s", name, b)
		}
	}
}
