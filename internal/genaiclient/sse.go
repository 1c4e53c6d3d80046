package genaiclient

import (
	"bytes"
	"errors"
	"io"
	"sync"
)

// ErrClosedEarly is what an SSE stream's end callback gets when the caller closed the body
// before the stream ended.
var ErrClosedEarly = errors.New("genaiclient: stream closed before its end")

// SSEHandler receives a Server-Sent-Events stream as the caller reads it.
type SSEHandler interface {
	// Event is called for each complete event, in order, from the goroutine reading the
	// body. data is the event's data lines joined by "\n" and is valid only during the call.
	Event(event string, data []byte)
	// End is called exactly once: err is nil at the end of the stream (io.EOF),
	// ErrClosedEarly when the caller closed the body first, else the read error.
	End(err error)
}

// NewSSEBody returns a body that hands every byte of rc to the caller unchanged and as soon
// as it is read, and passes each complete event to h. It holds at most the current event's
// data and one unfinished line, never the whole stream. Close may be called from another
// goroutine than Read (to abandon a stream): h is never called concurrently, and not at all
// after End.
func NewSSEBody(rc io.ReadCloser, h SSEHandler) io.ReadCloser {
	return &sseBody{rc: rc, h: h}
}

type sseBody struct {
	rc    io.ReadCloser
	h     SSEHandler
	line  []byte // an unfinished line carried to the next Read
	event []byte
	data  []byte
	has   bool // data: seen in the current event

	mu    sync.Mutex // serialises the calls of h
	ended bool
}

func (b *sseBody) Read(p []byte) (int, error) {
	n, err := b.rc.Read(p)
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.ended {
		return n, err
	}
	if n > 0 {
		b.feed(p[:n])
	}
	if err == io.EOF {
		if len(b.line) > 0 { // a last line without its newline
			b.processLine(b.line)
			b.line = b.line[:0]
		}
		b.dispatch()
		b.end(nil)
	} else if err != nil {
		b.end(err)
	}
	return n, err
}

func (b *sseBody) Close() error {
	err := b.rc.Close()
	b.mu.Lock()
	defer b.mu.Unlock()
	b.end(ErrClosedEarly)
	return err
}

// end calls h.End once; b.mu is held.
func (b *sseBody) end(err error) {
	if !b.ended {
		b.ended = true
		b.h.End(err)
	}
}

func (b *sseBody) feed(p []byte) {
	for len(p) > 0 {
		i := bytes.IndexByte(p, '\n')
		if i < 0 {
			b.line = append(b.line, p...)
			return
		}
		line := p[:i]
		if len(b.line) > 0 {
			b.line = append(b.line, line...)
			line = b.line
		}
		b.processLine(bytes.TrimSuffix(line, []byte{'\r'}))
		b.line = b.line[:0]
		p = p[i+1:]
	}
}

func (b *sseBody) processLine(line []byte) {
	if len(line) == 0 {
		b.dispatch()
		return
	}
	if line[0] == ':' { // comment
		return
	}
	field, value := line, []byte(nil)
	if i := bytes.IndexByte(line, ':'); i >= 0 {
		field, value = line[:i], line[i+1:]
		if len(value) > 0 && value[0] == ' ' {
			value = value[1:]
		}
	}
	switch string(field) {
	case "event":
		b.event = append(b.event[:0], value...)
	case "data":
		if b.has {
			b.data = append(b.data, '\n')
		}
		b.data = append(b.data, value...)
		b.has = true
	}
}

func (b *sseBody) dispatch() {
	if b.has {
		b.h.Event(string(b.event), b.data)
	}
	b.event, b.data, b.has = b.event[:0], b.data[:0], false
}
