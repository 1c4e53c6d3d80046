package platform

import (
	"bytes"
	"crypto/sha256"
	"io"
	"sync"

	"github.com/google/uuid"
	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zstd"
)

// Compression values of ClientConfig.Compression (the request's Content-Encoding).
const (
	CompressionGzip = "gzip" // the default
	CompressionZstd = "zstd"
	CompressionNone = "none" // identity: no Content-Encoding header
)

// bufferPool holds the byte buffers of request bodies (serialized events, the framed
// body, its compressed form), shared by all Clients.
var bufferPool = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// maxPooledBuffer is the largest buffer kept for reuse, bytes; bigger ones (many large
// events in one Send) are left to the garbage collector.
const maxPooledBuffer = 2 * MaxRequestBytes

func getBuffer() *bytes.Buffer {
	b := bufferPool.Get().(*bytes.Buffer)
	b.Reset()
	return b
}

func putBuffer(b *bytes.Buffer) {
	if b != nil && b.Cap() <= maxPooledBuffer {
		bufferPool.Put(b)
	}
}

// adoptBytes makes b own out's array (emptied), so that an array grown by appending to
// b.AvailableBuffer() goes back to the pool with b.
func adoptBytes(b *bytes.Buffer, out []byte) { *b = *bytes.NewBuffer(out[:0]) }

// gzipWriters compress at klauspost's BestSpeed (level 1): on typical batches about 25 %
// less CPU per request than the default level for about 15 % more bytes on the wire
// (BenchmarkClientSend); the body is JSON with much repetition either way.
var gzipWriters = sync.Pool{New: func() any {
	w, _ := gzip.NewWriterLevel(nil, gzip.BestSpeed)
	return w
}}

// zstdEncoder is created on first use; EncodeAll is safe for concurrent use.
var zstdEncoder = sync.OnceValue(func() *zstd.Encoder {
	enc, _ := zstd.NewWriter(nil, zstd.WithEncoderLevel(zstd.SpeedDefault))
	return enc
})

// compressBody appends src compressed with compression ("gzip" or "zstd") to dst.
func compressBody(compression string, src []byte, dst *bytes.Buffer) error {
	switch compression {
	case CompressionGzip:
		w := gzipWriters.Get().(*gzip.Writer)
		defer gzipWriters.Put(w)
		w.Reset(dst)
		if _, err := w.Write(src); err != nil {
			return err
		}
		return w.Close()
	case CompressionZstd:
		dst.Grow(len(src)/4 + 64)
		out := zstdEncoder().EncodeAll(src, dst.AvailableBuffer())
		_, err := dst.Write(out)
		return err
	}
	_, err := dst.Write(src)
	return err
}

// idempotencyKey derives the Idempotency-Key of a request from its body before
// compression: the first 16 bytes of SHA-256(body) as a UUID version 8 with the RFC 9562
// variant (RFC 9562 Appendix B.2, name-based with SHA-256). The same events in the same
// order give the same key, so every retry of a batch carries the key of its first try.
func idempotencyKey(body []byte) string {
	sum := sha256.Sum256(body)
	var u uuid.UUID
	copy(u[:], sum[:16])
	u[6] = u[6]&0x0f | 0x80 // version 8
	u[8] = u[8]&0x3f | 0x80 // variant 10xx
	return u.String()
}

// requestBody is the body of one POST. It hands out readers over data — one for the
// request, one more each time the transport calls GetBody to resend — and calls release
// once the request is over (seal) and every reader is closed. The transport may close a
// request body after Do has returned (a server can answer before reading it all), so the
// pooled buffers under data are reused only then, never while still being written.
type requestBody struct {
	data    []byte
	release func()

	mu     sync.Mutex
	open   int
	sealed bool
}

func (b *requestBody) reader() io.ReadCloser {
	b.mu.Lock()
	b.open++
	b.mu.Unlock()
	return &bodyReader{Reader: bytes.NewReader(b.data), owner: b}
}

func (b *requestBody) getBody() (io.ReadCloser, error) { return b.reader(), nil }

// seal marks the request as over; release runs now or when the last reader closes.
func (b *requestBody) seal() {
	b.mu.Lock()
	b.sealed = true
	done := b.open == 0
	b.mu.Unlock()
	if done {
		b.release()
	}
}

func (b *requestBody) readerClosed() {
	b.mu.Lock()
	b.open--
	done := b.sealed && b.open == 0
	b.mu.Unlock()
	if done {
		b.release()
	}
}

type bodyReader struct {
	*bytes.Reader
	owner *requestBody
	once  sync.Once
}

func (r *bodyReader) Close() error {
	r.once.Do(r.owner.readerClosed)
	return nil
}
