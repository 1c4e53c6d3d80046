package platform

// Framing of a request body, docs/platform-api.md "Request": {"traces":[e0,e1,…]}.
const (
	bodyPrefix = `{"traces":[`
	bodySuffix = `]}`
	// bodyFraming is the bytes a request body adds around its events (commas aside).
	bodyFraming = len(bodyPrefix) + len(bodySuffix)
)

// encodedEvent is one validated, serialized event waiting to be sent: its index in the
// slice passed to Send and its JSON bytes, enc[start:end] of the sender's buffer.
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

// packChunks splits items, in order, into consecutive chunks of at most maxEvents events
// whose request body (requestBytes) is at most maxBytes bytes. Each item must fit a
// request of its own (size + bodyFraming ≤ maxBytes); Send rejects the others first.
// It returns the chunk boundaries: chunk k is items[bounds[k]:bounds[k+1]].
func packChunks(items []encodedEvent, maxEvents, maxBytes int) []int {
	bounds := make([]int, 0, len(items)/maxEvents+2)
	bounds = append(bounds, 0)
	count, size := 0, bodyFraming
	for i, it := range items {
		add := it.size()
		if count > 0 {
			add++ // the comma before it
		}
		if count > 0 && (count == maxEvents || size+add > maxBytes) {
			bounds = append(bounds, i)
			count, size = 0, bodyFraming
			add = it.size()
		}
		count++
		size += add
	}
	if count > 0 {
		bounds = append(bounds, len(items))
	}
	return bounds
}
