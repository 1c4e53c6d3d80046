package platform

import (
	"bytes"
	"compress/gzip"
	"io"
	"testing"

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

func TestIdempotencyKey(t *testing.T) {
	a, b := idempotencyKey([]byte(`{"traces":[1]}`)), idempotencyKey([]byte(`{"traces":[2]}`))
	if a == b || a != idempotencyKey([]byte(`{"traces":[1]}`)) {
		t.Errorf("keys %s %s: want equal for equal bodies only", a, b)
	}
	u := uuid.MustParse(a)
	if u.Version() != 8 || u.Variant() != uuid.RFC4122 {
		t.Errorf("%s: version %d variant %v, want 8 / RFC 4122", a, u.Version(), u.Variant())
	}
}
