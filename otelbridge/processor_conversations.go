package otelbridge

import (
	"sync"
	"sync/atomic"
)

// defaultMaxConversationSpans bounds how many started-but-not-ended spans the processor
// remembers TraceAttributes for (about 100 bytes each). Past it, new spans still get the
// context's values but are not remembered for their children.
const defaultMaxConversationSpans = 16384

// conversations maps spans in flight to the TraceAttributes stamped on them, so children
// started from a context holding only the parent span inherit them. Only spans that had
// values are stored; n lets the hot path skip the lock when nothing is stored.
type conversations struct {
	n   atomic.Int64
	max int
	mu  sync.Mutex
	m   map[spanKey]TraceAttributes
}

func (c *conversations) init(max int) {
	c.max = max
	c.m = make(map[spanKey]TraceAttributes)
}

func (c *conversations) put(k spanKey, a TraceAttributes) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.m[k]; !ok && len(c.m) >= c.max {
		return
	}
	c.m[k] = a
	c.n.Store(int64(len(c.m)))
}

func (c *conversations) get(k spanKey) (TraceAttributes, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	a, ok := c.m[k]
	return a, ok
}

func (c *conversations) remove(k spanKey) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.m, k)
	c.n.Store(int64(len(c.m)))
}
