package collectorexporter

import (
	"context"
	"sync"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/exporter"
)

// The traces and logs exporters of one component ID (`exporters: {llmtrace: …}` used in a
// traces and a logs pipeline) share one llmtraceExporter: one Mapper, so that log records
// join their spans, and one platform client. The first start starts it, the last shutdown
// shuts it down (as the contrib components' internal/sharedcomponent does).

// sharedExporters holds the exporters created and not yet shut down, by component ID.
var sharedExporters = &sharedMap{m: map[component.ID]*sharedExporter{}}

type sharedMap struct {
	mu sync.Mutex
	m  map[component.ID]*sharedExporter
}

// sharedExporter is one component's exporter with its reference count.
type sharedExporter struct {
	*llmtraceExporter
	id   component.ID
	refs int // guarded by sharedMap.mu

	startOnce sync.Once
	startErr  error
}

// acquire returns the component's exporter, creating it on first use; each call must be
// matched by one shutdown.
func (s *sharedMap) acquire(cfg *Config, set exporter.Settings) (*sharedExporter, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if e := s.m[set.ID]; e != nil {
		e.refs++
		return e, nil
	}
	inner, err := newExporter(cfg, set)
	if err != nil {
		return nil, err
	}
	e := &sharedExporter{llmtraceExporter: inner, id: set.ID, refs: 1}
	s.m[set.ID] = e
	return e, nil
}

// start starts the shared exporter once; every signal's start returns that result.
func (e *sharedExporter) start(ctx context.Context, host component.Host) error {
	e.startOnce.Do(func() { e.startErr = e.llmtraceExporter.start(ctx, host) })
	return e.startErr
}

// shutdown releases one reference; the last one shuts the exporter down and forgets it.
func (e *sharedExporter) shutdown(ctx context.Context) error {
	sharedExporters.mu.Lock()
	e.refs--
	last := e.refs == 0
	if last && sharedExporters.m[e.id] == e {
		delete(sharedExporters.m, e.id)
	}
	sharedExporters.mu.Unlock()
	if !last {
		return nil
	}
	return e.llmtraceExporter.shutdown(ctx)
}
