// Code in the shape mdatagen generates (hand-written: mdatagen v0.150 output does not build
// against collector v0.162.0). Keep in sync with ../../metadata.yaml.

// Package metadata contains the telemetry and build information of the llmtrace exporter.
package metadata

import (
	"go.opentelemetry.io/collector/component"
)

var (
	// Type is the component type used in collector YAML: `exporters: { llmtrace: … }`.
	Type = component.MustNewType("llmtrace")
	// ScopeName is the instrumentation scope of the exporter's own telemetry.
	ScopeName = "github.com/llmtrace/llmtrace/collectorexporter"
)

const (
	// TracesStability is the stability of the traces signal.
	TracesStability = component.StabilityLevelAlpha
	// LogsStability is the stability of the logs signal.
	LogsStability = component.StabilityLevelAlpha
)
