package otelbridge

import "time"

// WithLogHold sets how long a gen_ai log record handed to a LogProcessor waits for its
// span before it is shipped on its own, a child event of the span without usage (0 keeps
// the default, tracestate.DefaultLogHold: 30 s; the collector's `log_hold`). It is an option of
// the SpanProcessor because the records wait in its Mapper (log_processor.go).
func WithLogHold(d time.Duration) Option {
	return optionFunc(func(c *processorConfig) { c.logHold = d })
}
