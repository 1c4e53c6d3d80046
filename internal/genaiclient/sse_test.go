package genaiclient

import (
	"errors"
	"io"
	"reflect"
	"strings"
	"testing"
	"testing/iotest"
)

type recorder struct {
	events []string
	ends   []error
}

func (r *recorder) Event(event string, data []byte) {
	r.events = append(r.events, event+"|"+string(data))
}
func (r *recorder) End(err error) { r.ends = append(r.ends, err) }

type closer struct{ io.Reader }

func (closer) Close() error { return nil }

// The reader passes every byte through unchanged and sees the events whatever the read
// sizes: LF and CRLF lines, a multi-line data field, comments, an event name, a last line
// without its newline; End once, nil at EOF.
func TestSSEBodyEventsAndPassThrough(t *testing.T) {
	stream := ": keep-alive\r\nevent: message_start\r\ndata: {\"a\":1}\r\n\r\n" +
		"data: line one\ndata: line two\n\n" +
		"data:[DONE]"
	want := []string{"message_start|{\"a\":1}", "|line one\nline two", "|[DONE]"}
	for name, r := range map[string]io.Reader{
		"whole":    strings.NewReader(stream),
		"one byte": iotest.OneByteReader(strings.NewReader(stream)),
		"halves":   iotest.HalfReader(strings.NewReader(stream)),
	} {
		rec := &recorder{}
		body := NewSSEBody(closer{r}, rec)
		got, err := io.ReadAll(body)
		if err != nil || string(got) != stream {
			t.Errorf("%s: passed through %q, %v", name, got, err)
		}
		_ = body.Close()
		if !reflect.DeepEqual(rec.events, want) {
			t.Errorf("%s: events %q", name, rec.events)
		}
		if len(rec.ends) != 1 || rec.ends[0] != nil {
			t.Errorf("%s: ends %v", name, rec.ends)
		}
	}
}

// Closing before the end reports ErrClosedEarly; a read error is reported as itself; both
// once.
func TestSSEBodyEarlyCloseAndReadError(t *testing.T) {
	rec := &recorder{}
	body := NewSSEBody(closer{strings.NewReader("data: 1\n\ndata: 2\n\n")}, rec)
	buf := make([]byte, 10)
	_, _ = body.Read(buf)
	_ = body.Close()
	_ = body.Close()
	if len(rec.ends) != 1 || !errors.Is(rec.ends[0], ErrClosedEarly) || !reflect.DeepEqual(rec.events, []string{"|1"}) {
		t.Errorf("early close: events %q ends %v", rec.events, rec.ends)
	}

	boom := errors.New("connection reset")
	rec = &recorder{}
	body = NewSSEBody(closer{io.MultiReader(strings.NewReader("data: 1\n\n"), iotest.ErrReader(boom))}, rec)
	if _, err := io.ReadAll(body); !errors.Is(err, boom) {
		t.Fatalf("read error %v", err)
	}
	_ = body.Close()
	if len(rec.ends) != 1 || !errors.Is(rec.ends[0], boom) {
		t.Errorf("read error: ends %v", rec.ends)
	}
}

// Close from another goroutine while Read is blocked (abandoning a stream) ends once, and
// nothing reaches the handler after End.
func TestSSEBodyCloseFromAnotherGoroutine(t *testing.T) {
	pr, pw := io.Pipe()
	rec := &recorder{}
	body := NewSSEBody(pr, rec)
	go func() {
		_, _ = pw.Write([]byte("data: 1\n\n"))
		_ = body.Close() // closes the pipe's reader: the blocked Read returns
	}()
	buf := make([]byte, 64)
	for {
		if _, err := body.Read(buf); err != nil {
			break
		}
	}
	if len(rec.ends) != 1 {
		t.Errorf("ends %v", rec.ends)
	}
}
