package platform

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"hash"
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

// gzip writers compress at klauspost's BestSpeed (level 1): on typical batches about 25 %
// less CPU per request than the default level for about 15 % more bytes on the wire
// (BenchmarkClientSend); the body is JSON with much repetition either way.
//
// One writer holds about 800 KB (its window, tokens and hash table), all of it zeroed when
// it is made. A sync.Pool drops its items at every other garbage collection, and a
// collector exporter mapping thousands of spans a second collects often, so writers kept
// in a sync.Pool alone were made anew every few batches. keptGzipWriters keeps a few for
// good (what the concurrent Sends of one process use: the exporter's queue consumers); more
// at once go through gzipWriters.
var (
	keptGzipWriters = make(chan *gzip.Writer, maxKeptGzipWriters)
	gzipWriters     = sync.Pool{New: func() any {
		w, _ := gzip.NewWriterLevel(nil, gzip.BestSpeed)
		return w
	}}
)

// maxKeptGzipWriters is how many gzip writers outlive garbage collections (about 800 KB
// each): the collector exporter's default num_consumers (testdata/otelcol.yaml).
const maxKeptGzipWriters = 4

func getGzipWriter() *gzip.Writer {
	select {
	case w := <-keptGzipWriters:
		return w
	default:
		return gzipWriters.Get().(*gzip.Writer)
	}
}

func putGzipWriter(w *gzip.Writer) {
	w.Reset(io.Discard) // drop the reference to the request's buffer
	select {
	case keptGzipWriters <- w:
	default:
		gzipWriters.Put(w)
	}
}

// zstdEncoder is created on first use; EncodeAll is safe for concurrent use.
var zstdEncoder = sync.OnceValue(func() *zstd.Encoder {
	enc, _ := zstd.NewWriter(nil, zstd.WithEncoderLevel(zstd.SpeedDefault))
	return enc
})

// compressBody appends src compressed with compression ("gzip" or "zstd") to dst.
func compressBody(compression string, src []byte, dst *bytes.Buffer) error {
	switch compression {
	case CompressionGzip:
		w := getGzipWriter()
		defer putGzipWriter(w)
		// JSON bodies compress to a fifth or less at level 1; reserving that much saves
		// the buffer's doublings.
		dst.Grow(len(src)/4 + 64)
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

// batchKey derives the Idempotency-Key of a request from what identifies its events, not
// from every byte of the body: for each event, in request order, its traceId, spanId,
// type, startTime and endTime (the span it comes from and which of its events it is). The
// key is the first 16 bytes of SHA-256 over them, as a UUID version 8 with the RFC 9562
// variant (RFC 9562 Appendix B.2, name-based with SHA-256).
//
// The same events in the same order give the same key, in any process: a batch re-sent
// after a restart — read back from the collector's persistent queue and mapped by a fresh
// mapping.Mapper, whose trace-wide values (threadId, userId, sessionId, tags, usage
// roll-ups) may differ from the first attempt's — carries the key of its first try. A
// re-send of accepted events with late trace-wide values goes out with the span that
// revealed them, in a request with another event list, so it gets another key.
type batchKey struct {
	h   hash.Hash
	buf []byte
}

func newBatchKey() *batchKey { return &batchKey{h: sha256.New(), buf: make([]byte, 0, 160)} }

// add hashes ev's identity; fields are length-prefixed so no two lists hash alike.
func (k *batchKey) add(ev *TraceEvent) {
	b := k.buf[:0]
	for _, s := range [...]string{ev.TraceID, ev.SpanID, string(ev.Type)} {
		b = binary.AppendUvarint(b, uint64(len(s)))
		b = append(b, s...)
	}
	b = binary.BigEndian.AppendUint64(b, uint64(ev.StartTime.UnixNano()))
	end := int64(0)
	if !ev.EndTime.IsZero() {
		end = ev.EndTime.UnixNano()
	}
	b = binary.BigEndian.AppendUint64(b, uint64(end))
	k.h.Write(b)
	k.buf = b
}

// uuid is the key: the hash so far as a UUID v8 string.
func (k *batchKey) uuid() string {
	var sum [sha256.Size]byte
	k.h.Sum(sum[:0])
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
