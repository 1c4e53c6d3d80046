package platform

// Framing of a request body, docs/platform-api.md "Request": {"traces":[e0,e1,…]}.
const (
	bodyPrefix = `{"traces":[`
	bodySuffix = `]}`
	// bodyFraming is the bytes a request body adds around its events (commas aside).
	bodyFraming = len(bodyPrefix) + len(bodySuffix)
)

// encodedEvent is one validated, serialized event waiting to be sent: its index in the
// slice passed to Send and its JSON bytes, body[start:end] of the request being built.
type encodedEvent struct {
	index      int
	start, end int
}

func (e encodedEvent) size() int { return e.end - e.start }

// requestBytes is the size in bytes of the request body carrying items, before
// compression: the framing, each event, and the commas between them.
func requestBytes(items []encodedEvent) int {
	if len(items) == 0 {
		return bodyFraming
	}
	n := bodyFraming + len(items) - 1
	for _, it := range items {
		n += it.size()
	}
	return n
}

// packer splits events, in order, into consecutive requests of at most maxEvents events
// whose body (requestBytes) is at most maxBytes bytes, deciding event by event as Send
// serializes them, so that Send holds one request's bytes at a time. Each event must fit a
// request of its own (size + bodyFraming ≤ maxBytes); Send rejects the others first.
type packer struct {
	maxEvents, maxBytes int
	count, size         int // the current request's events and body bytes so far
}

func newPacker(maxEvents, maxBytes int) packer {
	return packer{maxEvents: maxEvents, maxBytes: maxBytes, size: bodyFraming}
}

// add counts an event of n serialized bytes and reports whether it starts a new request:
// the current one (non-empty) is full by count or would exceed maxBytes with it.
func (p *packer) add(n int) (startsNew bool) {
	add := n
	if p.count > 0 {
		add++ // the comma before it
	}
	if p.count > 0 && (p.count == p.maxEvents || p.size+add > p.maxBytes) {
		p.count, p.size = 0, bodyFraming
		add = n
		startsNew = true
	}
	p.count++
	p.size += add
	return startsNew
}
