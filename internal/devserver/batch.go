package devserver

import (
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/llmtrace/llmtrace/platform"
)

// malformedBody is the error message of every 400 about the body's shape.
const malformedBody = `malformed body: want {"traces": [TraceEvent, ...]}`

// splitBatch splits a {"traces": [...]} body into the raw text of its events without
// decoding them, so that one bad event (invalid JSON, nested past encoding/json's depth
// limit of 10 000, invalid UTF-8) is rejected alone by index and never the batch
// (docs/platform-api.md "Validation"). It needs only the array's structure to be intact:
// strings closed, brackets balanced. It answers 400 with a detail naming the byte offset
// when the body is not that one-key object (nothing after it), and 413 past
// platform.MaxEventsPerRequest events. Its memory is the returned slice headers: the
// events alias body.
func splitBatch(body []byte) ([]json.RawMessage, *httpError) {
	p := &batchScanner{b: body}
	bad := func(detail string) *httpError { return fail(http.StatusBadRequest, malformedBody, detail) }

	p.ws()
	if p.eof() {
		return nil, bad("empty body")
	}
	if p.b[p.i] != '{' {
		return nil, bad(fmt.Sprintf("(body): got JSON %s, want an object {\"traces\": [...]}", p.valueKind()))
	}
	p.i++
	var events []json.RawMessage
	seen := false
	for first := true; ; first = false {
		p.ws()
		if p.eof() {
			return nil, bad("truncated JSON")
		}
		if p.b[p.i] == '}' && first {
			p.i++
			break
		}
		if !first {
			if p.b[p.i] == '}' {
				p.i++
				break
			}
			if p.b[p.i] != ',' {
				return nil, bad(p.syntax("',' or '}' after an object value"))
			}
			p.i++
			p.ws()
		}
		start := p.i
		if p.eof() {
			return nil, bad("truncated JSON")
		}
		if p.b[p.i] != '"' {
			return nil, bad(p.syntax("a key string"))
		}
		if herr := p.skipString(); herr != "" {
			return nil, bad(herr)
		}
		var key string
		if err := json.Unmarshal(p.b[start:p.i], &key); err != nil {
			return nil, bad(fmt.Sprintf("invalid JSON at byte %d: key: %v", start, err))
		}
		p.ws()
		if p.eof() {
			return nil, bad("truncated JSON")
		}
		if p.b[p.i] != ':' {
			return nil, bad(p.syntax("':' after a key"))
		}
		p.i++
		p.ws()
		if key != "traces" {
			return nil, bad(fmt.Sprintf("json: unknown field %q: the body has one key, \"traces\"", key))
		}
		if seen {
			return nil, bad(`"traces" appears twice`)
		}
		seen = true
		evs, herr := p.array()
		if herr != "" {
			return nil, bad(herr)
		}
		events = evs
	}
	p.ws()
	if !p.eof() {
		return nil, bad(fmt.Sprintf("unexpected data after the JSON object at byte %d", p.i))
	}
	if events == nil {
		return nil, bad(`"traces" is missing or null`)
	}
	if n := len(events); n > platform.MaxEventsPerRequest {
		return nil, fail(http.StatusRequestEntityTooLarge,
			fmt.Sprintf("%d events in one request, over the limit of %d", n, platform.MaxEventsPerRequest))
	}
	return events, nil
}

// batchScanner walks the body byte by byte; i is the offset of the next byte.
type batchScanner struct {
	b []byte
	i int
}

func (p *batchScanner) eof() bool { return p.i >= len(p.b) }

func (p *batchScanner) ws() {
	for p.i < len(p.b) {
		switch p.b[p.i] {
		case ' ', '\t', '\n', '\r':
			p.i++
		default:
			return
		}
	}
}

func (p *batchScanner) syntax(want string) string {
	return fmt.Sprintf("invalid JSON at byte %d: got %q, want %s", p.i, p.b[p.i], want)
}

// valueKind names the JSON value starting at i, for "got JSON array" details.
func (p *batchScanner) valueKind() string {
	switch c := p.b[p.i]; {
	case c == '{':
		return "object"
	case c == '[':
		return "array"
	case c == '"':
		return "string"
	case c == 'n':
		return "null"
	case c == 't' || c == 'f':
		return "bool"
	default:
		return "number"
	}
}

// array reads the value of "traces": null (nil, no error), or an array whose elements are
// returned as raw text. An element's extent is found by counting brackets outside strings,
// with no depth limit; what is inside is left to contract.DecodeEvent.
func (p *batchScanner) array() ([]json.RawMessage, string) {
	if p.eof() {
		return nil, "truncated JSON"
	}
	if p.b[p.i] == 'n' {
		if len(p.b)-p.i >= 4 && string(p.b[p.i:p.i+4]) == "null" {
			p.i += 4
			return nil, ""
		}
	}
	if p.b[p.i] != '[' {
		return nil, fmt.Sprintf("traces: got JSON %s, want an array of TraceEvent", p.valueKind())
	}
	p.i++
	out := []json.RawMessage{}
	for first := true; ; first = false {
		p.ws()
		if p.eof() {
			return nil, "truncated JSON"
		}
		if p.b[p.i] == ']' && first {
			p.i++
			return out, ""
		}
		if !first {
			if p.b[p.i] == ']' {
				p.i++
				return out, ""
			}
			if p.b[p.i] != ',' {
				return nil, p.syntax("',' or ']' after an event")
			}
			p.i++
			p.ws()
			if p.eof() {
				return nil, "truncated JSON"
			}
		}
		start := p.i
		if msg := p.skipValue(); msg != "" {
			return nil, msg
		}
		out = append(out, json.RawMessage(p.b[start:p.i]))
	}
}

// skipValue moves past one value: a string, an object or array (brackets counted outside
// strings), or a literal/number (up to the next delimiter).
func (p *batchScanner) skipValue() string {
	switch p.b[p.i] {
	case '"':
		return p.skipString()
	case '{', '[':
		depth := 0
		for p.i < len(p.b) {
			switch p.b[p.i] {
			case '"':
				if msg := p.skipString(); msg != "" {
					return msg
				}
				continue
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					p.i++
					return ""
				}
			}
			p.i++
		}
		return "truncated JSON"
	case ',', ']', '}', ':':
		return p.syntax("an event")
	default:
		for p.i < len(p.b) {
			switch p.b[p.i] {
			case ',', ']', '}', ' ', '\t', '\n', '\r':
				return ""
			}
			p.i++
		}
		return "truncated JSON"
	}
}

// skipString moves past a string starting at i (the opening quote), honouring escapes.
func (p *batchScanner) skipString() string {
	for p.i++; p.i < len(p.b); p.i++ {
		switch p.b[p.i] {
		case '\\':
			p.i++
		case '"':
			p.i++
			return ""
		}
	}
	return "truncated JSON"
}
