package pdataview

import (
	"github.com/llmtrace/llmtrace/internal/mapping"
	"go.opentelemetry.io/collector/pdata/plog"
)

// Logs returns one mapping.LogRecord per log record of ld, in document order (resource,
// scope, record), as views on ld (the Mapper copies the records it keeps). The event name
// is the record's EventName field, else its `event.name` attribute; the time its
// Timestamp, else its ObservedTimestamp.
func Logs(ld plog.Logs) []mapping.LogRecord {
	out := make([]mapping.LogRecord, 0, ld.LogRecordCount())
	rls := ld.ResourceLogs()
	for r := 0; r < rls.Len(); r++ {
		rl := rls.At(r)
		res := Map(rl.Resource().Attributes())
		sls := rl.ScopeLogs()
		for s := 0; s < sls.Len(); s++ {
			sl := sls.At(s)
			scope := sl.Scope()
			recs := sl.LogRecords()
			for k := 0; k < recs.Len(); k++ {
				lr := recs.At(k)
				attrs := Map(lr.Attributes())
				t := nanos(lr.Timestamp())
				if t.IsZero() {
					t = nanos(lr.ObservedTimestamp())
				}
				out = append(out, mapping.LogRecord{
					TraceID:    lr.TraceID(),
					SpanID:     lr.SpanID(),
					Time:       t,
					EventName:  mapping.LogEventName(lr.EventName(), attrs),
					Body:       Value(lr.Body()),
					Attributes: attrs,
					Resource:   res,
					ScopeName:  scope.Name(),
					ScopeVer:   scope.Version(),
				})
			}
		}
	}
	return out
}
