package collectorexporter

import (
	"sync"
	"time"
)

// retryClock enforces retry_on_failure.max_elapsed_time for the exporter, in place of
// exporterhelper's retry sender, which would otherwise drop a batch the moment a
// Retry-After reaches past that budget ("no more retries left: Throttle (1h6m40s)";
// exporterhelper v0.162.0 internal/retry_sender.go). The retry sender runs with no time
// limit (createTraces) and keeps the batch — in the persistent queue's dispatched set, on
// disk, where a shutdown during its wait leaves it for the next start — while the
// exporter decides when to give up:
//
//   - a reply with Retry-After (429, 503, …) means the platform is up and names when to come
//     back: the retry sender waits exactly that long, and the budget counts afresh from
//     the end of that wait, so a throttle never drops data;
//   - any other retryable failure (transport error, 408, 5xx, 429 without Retry-After) is
//     retried while less than max_elapsed_time has passed since the batch's first attempt
//     (or the end of its last Retry-After); then the batch is dropped, counted
//     (error.type "retries_exhausted"), as exporterhelper would.
//
// Attempts are told apart by the batch itself (B: ptrace.Traces, or plog.Logs for the logs
// exporter): the retry sender hands the push function the same batch again, or the one it
// returned in consumererror.NewTraces / NewLogs (a comparable value: two pointers), so the
// clock follows one batch through its retries.
// Entries whose next attempt is overdue (the retry sender stopped: shutdown) are swept.
type retryClock[B comparable] struct {
	maxElapsed time.Duration // 0: no limit
	slack      time.Duration // how late after its wait the next attempt may come

	mu sync.Mutex
	m  map[B]clockEntry
}

type clockEntry struct {
	start  time.Time // when the batch's budget started
	expire time.Time // the next attempt is overdue after this; the entry is stale
}

func newRetryClock[B comparable](maxElapsed, maxInterval time.Duration) *retryClock[B] {
	return &retryClock[B]{maxElapsed: maxElapsed, slack: 2*maxInterval + time.Minute, m: map[B]clockEntry{}}
}

// failed records a retryable failure of td at now; the retry sender's next attempt carries
// next (td itself, or its undelivered part) after at least throttle (the platform's
// Retry-After, 0 when none). It returns how long the batch has been failing and false when
// that reached the budget: give up.
func (c *retryClock[B]) failed(td, next B, throttle time.Duration, now time.Time) (time.Duration, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	start := now
	if e, ok := c.m[td]; ok {
		start = e.start
		delete(c.m, td)
	}
	if throttle > 0 {
		start = now.Add(throttle)
	}
	elapsed := now.Sub(start)
	if c.maxElapsed > 0 && elapsed >= c.maxElapsed {
		return elapsed, false
	}
	for k, e := range c.m {
		if now.After(e.expire) {
			delete(c.m, k)
		}
	}
	c.m[next] = clockEntry{start: start, expire: now.Add(throttle + c.slack)}
	return max(elapsed, 0), true
}

// done forgets td: delivered, or given up on.
func (c *retryClock[B]) done(td B) {
	c.mu.Lock()
	delete(c.m, td)
	c.mu.Unlock()
}

// tracked is how many batches are between retries (tests).
func (c *retryClock[B]) tracked() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.m)
}
