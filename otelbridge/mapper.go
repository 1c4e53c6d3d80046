package otelbridge

// STUB: the mapping helper replaces this file with the real core.

// MapOptions configure the mapping core.
type MapOptions struct {
	// MaxInputBytes caps the serialized input of one event, bytes; 0 means 256 KiB.
	MaxInputBytes int
	// MaxOutputBytes caps the serialized output of one event, bytes; 0 means 256 KiB.
	MaxOutputBytes int
	// OmitContent drops all message content, tool arguments and results (privacy), keeping
	// usage, model and timings.
	OmitContent bool
	// Tags are added to every event.
	Tags []string
	// Metadata is merged into every event's metadata (span values win).
	Metadata map[string]any
}

// Mapper maps OpenTelemetry spans onto platform events. It is safe for concurrent use.
type Mapper struct{ opts MapOptions }

// NewMapper returns a Mapper with opts.
func NewMapper(opts MapOptions) *Mapper { return &Mapper{opts: opts} }

// Map maps spans (any order, any number of traces) onto events.
func (m *Mapper) Map(spans []SpanView) ([]TraceEvent, error) { return nil, nil }

// HasGenAISemantics reports whether s carries attributes of any gen_ai dialect.
func HasGenAISemantics(s SpanView) bool { return false }
